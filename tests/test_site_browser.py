"""End to end in headless Chromium: the built site served on 127.0.0.1 and opened
from disk (file://) shows the home page, a report (with the link to its PDF,
and at phone width without sideways scrolling) and the portfolio, finds
Chinese terms and company names with the search box, and never fetches
anything from outside the machine (fonts, scripts, images, the search shim).

Needs Debian's chromium and chromium-driver (scripts/install-system-deps, run by
``make test``). Without them the test fails rather than skips: CI must run it.
"""

from __future__ import annotations

import functools
import json
import re
import shutil
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from zjtx_site.build import build, build_pdf
from zjtx_site.intake.loader import load_project

pytestmark = [pytest.mark.browser, pytest.mark.site]

REPO = Path(__file__).resolve().parent.parent
CHROMIUM = ("/usr/bin/chromium", "chromium", "chromium-browser")
CHROMEDRIVER = ("/usr/bin/chromedriver", "chromedriver")
LOCAL_HOSTS = {"127.0.0.1", "localhost"}
WAIT = 30  # seconds for a page or a search (the browser indexes the site in about one)

REPORT = ("gz-jirui-drive", "2026")      # a company with two rounds
SEARCHED = ("gz-chiche-thermal", "2025")  # found by its name in the search test,
NAME_PART = "驰澈"                         # and by this part of it alone


def _find(candidates: tuple[str, ...]) -> str | None:
    for c in candidates:
        path = c if c.startswith("/") else shutil.which(c)
        if path and Path(path).is_file():
            return path
    return None


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    """The example companies built with the repository's mkdocs.yml, in a copy,
    with the PDF of the report the tests open."""
    root = tmp_path_factory.mktemp("browser-site")
    shutil.copytree(REPO / "companies", root / "companies")
    shutil.copy(REPO / "mkdocs.yml", root / "mkdocs.yml")
    assert build(root).site_built
    build_pdf(root, *REPORT)
    return root


@pytest.fixture(scope="module")
def names(project) -> dict[tuple[str, str], str]:
    return {(c.company_id, c.round): c.basic.name for c in load_project(project).companies}


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - the base class's name
        pass


@pytest.fixture(scope="module")
def server(project):
    """http://127.0.0.1:<free port>/ serving site/, in a thread."""
    handler = functools.partial(_QuietHandler, directory=str(project / "site"))
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(5)


@pytest.fixture(scope="module")
def driver(tmp_path_factory):
    chromium, chromedriver = _find(CHROMIUM), _find(CHROMEDRIVER)
    if not chromium or not chromedriver:
        pytest.fail("Chromium and chromedriver are required for the browser test "
                    f"(found chromium={chromium}, chromedriver={chromedriver}); "
                    "install them with `bash scripts/install-system-deps` "
                    "(Debian packages chromium, chromium-driver, fonts-noto-cjk)", pytrace=False)
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--window-size=1280,1000",
                # Nothing resolves but this machine: a request to the internet is
                # still logged (and fails the test), it just cannot leave
                "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1",
                f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}"):
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"performance": "ALL", "browser": "ALL"})
    drv = webdriver.Chrome(service=Service(executable_path=chromedriver), options=options)
    drv.set_page_load_timeout(WAIT)
    try:
        yield drv
    finally:
        drv.quit()


# helpers ---------------------------------------------------------------------------

def network_log(drv) -> tuple[list[str], list[tuple[int, str]]]:
    """URLs requested, and (status, URL) of failed responses, since the last call."""
    urls, failed = [], []
    for entry in drv.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        params = message.get("params", {})
        if message["method"] == "Network.requestWillBeSent":
            urls.append(params["request"]["url"])
        elif message["method"] == "Network.responseReceived":
            status = params["response"]["status"]
            if status >= 400:
                failed.append((status, params["response"]["url"]))
        elif message["method"] == "Network.loadingFailed" and not params.get("canceled"):
            failed.append((0, f"{params.get('errorText')} ({params.get('type')})"))
    return urls, failed


def assert_stays_local(drv, *, served: bool) -> None:
    """Every request of the pages so far went to this machine and succeeded."""
    urls, failed = network_log(drv)
    assert urls, "no network events logged: performance logging is not working"
    outside = []
    for url in urls:
        scheme = urlsplit(url).scheme
        if scheme in ("data", "blob", "about", "chrome-error"):
            continue
        if scheme in ("http", "https") and served and urlsplit(url).hostname in LOCAL_HOSTS:
            continue
        if scheme == "file" and not served:
            continue
        outside.append(url)
    assert not outside, f"requests leaving the site ({'served' if served else 'file://'}): {outside}"
    assert not failed, f"failed requests: {failed}"


def js_errors(drv) -> list[str]:
    """Errors in the console (scripts, failed loads) since the last call."""
    return [e["message"] for e in drv.get_log("browser") if e["level"] == "SEVERE"]


def reset_logs(drv) -> None:
    network_log(drv)
    js_errors(drv)


def wait(drv, condition, message: str):
    from selenium.common.exceptions import StaleElementReferenceException
    from selenium.webdriver.support.ui import WebDriverWait

    # a table redrawn while the condition reads it: read it again on the next poll
    return WebDriverWait(drv, WAIT, ignored_exceptions=(StaleElementReferenceException,)).until(condition, message)


def search(drv, page: str, query: str) -> list[str]:
    """Open ``page`` and type ``query`` into the header's search box; the pages
    found (hrefs of the results, every one of them: the list is scrolled until
    all are drawn). A fresh page each time, so no earlier result is read."""
    from selenium.webdriver.common.by import By

    drv.get(page)
    box = drv.find_element(By.CSS_SELECTOR, "input[data-md-component=search-query]")
    box.click()   # focusing the box opens the search
    box.send_keys(query)

    def found(d):
        meta = d.find_element(By.CSS_SELECTOR, ".md-search-result__meta").text
        if "没有找到" in meta:
            raise AssertionError(f"search for {query!r}: {meta}")
        m = re.search(r"(\d+) 个符合条件的结果", meta)
        return int(m.group(1)) if m else False

    total = wait(drv, found, f"no search results for {query!r} within {WAIT}s")

    def drawn(d):
        # Results are drawn 10, then 4 more each time the end of the list comes
        # into view: scroll away from the end and back
        d.execute_script("const w = document.querySelector('.md-search__scrollwrap');"
                         "w.scrollTop = 0; w.dispatchEvent(new Event('scroll'));"
                         "setTimeout(() => { w.scrollTop = w.scrollHeight;"
                         " w.dispatchEvent(new Event('scroll')) }, 50)")
        pages = d.execute_script(
            "return Array.from(document.querySelectorAll('.md-search-result__list > li'),"
            " li => li.querySelector('a.md-search-result__link').href)")
        return pages if len(pages) >= total else False

    return wait(drv, drawn, f"search for {query!r}: not all {total} results drawn")


def check_pages(drv, base: str, names: dict[tuple[str, str], str]) -> None:
    from selenium.webdriver.common.by import By

    # Home
    drv.get(base + "index.html")
    assert drv.title.endswith("专精特新诊断规划")  # site name
    assert "专精特新诊断规划" in drv.find_element(By.TAG_NAME, "h1").text
    assert drv.find_elements(By.CSS_SELECTOR, "input[data-md-component=search-query]"), "no search box"

    # A report: the company's name in its heading, its charts drawn
    cid, rnd = REPORT
    drv.get(base + f"companies/{cid}/{rnd}.html")
    h1 = drv.find_element(By.TAG_NAME, "h1").text
    assert names[REPORT] in h1 and rnd in h1
    images = drv.find_elements(By.CSS_SELECTOR, "article img")
    assert images, "no charts on the report"
    for img in images:
        assert drv.execute_script("return arguments[0].complete && arguments[0].naturalWidth > 0", img), \
            f"chart not loaded: {img.get_attribute('src')}"
    check_pdf_link(drv, base)

    # Portfolio: a row for every company
    drv.get(base + "portfolio.html")
    rows = drv.find_elements(By.CSS_SELECTOR, "article table tbody tr")
    latest = {cid: name for (cid, _), name in names.items()}
    text = "\n".join(r.text for r in rows)
    assert len(rows) >= len(latest)
    missing = [name for name in latest.values() if name not in text]
    assert not missing, f"companies missing from the portfolio tables: {missing}"
    check_table_tools(drv)


def check_pdf_link(drv, base: str) -> None:
    """The report links its PDF, and the link leads to the PDF file."""
    from selenium.webdriver.common.by import By

    cid, rnd = REPORT
    link = drv.find_element(By.CSS_SELECTOR, "article .zjtx-pdf-link a")
    assert "PDF" in link.text
    href = link.get_attribute("href")
    assert href == base + f"pdf/{cid}-{rnd}.pdf", href
    if base.startswith("http"):
        # the browser fetches it from the site
        got = drv.execute_script("const r = await fetch(arguments[0]); const b = new Uint8Array("
                                 "await r.arrayBuffer()); return [r.status, r.headers.get('content-type'),"
                                 " String.fromCharCode(...b.slice(0, 5))]", href)
        assert got == [200, "application/pdf", "%PDF-"], got
    else:
        from urllib.parse import unquote

        assert Path(unquote(urlsplit(href).path)).read_bytes().startswith(b"%PDF-")


def check_phone_width(drv, base: str) -> None:
    """At 390 px the report never scrolls sideways: every table fits, or
    scrolls inside its own box that fits."""
    cid, rnd = REPORT
    drv.set_window_size(390, 844)
    try:
        drv.get(base + f"companies/{cid}/{rnd}.html")
        width = drv.execute_script("return window.innerWidth")
        assert width <= 400, width                  # the window really is phone-sized
        overflow = drv.execute_script("""
            const vw = document.documentElement.clientWidth, bad = [], scrolling = [];
            if (document.documentElement.scrollWidth > vw) bad.push('page ' + document.documentElement.scrollWidth);
            document.querySelectorAll('article table').forEach((t, i) => {
              let box = t.parentElement;
              while (box && box !== document.body && !['auto', 'scroll'].includes(getComputedStyle(box).overflowX))
                box = box.parentElement;
              const r = (box && box !== document.body ? box : t).getBoundingClientRect();
              if (r.left < -0.5 || r.right > vw + 0.5) bad.push('table ' + i + ': ' + r.left + '..' + r.right);
              if (t.getBoundingClientRect().right > vw + 0.5) scrolling.push(i);
            });
            return [document.querySelectorAll('article table').length, bad, scrolling];""")
        tables, bad, scrolling = overflow
        assert tables > 20 and not bad, (tables, bad)
        # narrower cells on phones: most tables fit without scrolling at all
        assert len(scrolling) <= 3, scrolling
    finally:
        drv.set_window_size(1280, 1000)


def check_table_tools(drv) -> None:
    """The all-companies table filters by typed terms and sorts on a header click."""
    from selenium.webdriver.common.by import By

    box = drv.find_element(By.CSS_SELECTOR, ".zjtx-sortable")
    rows = box.find_elements(By.CSS_SELECTOR, "table tbody tr")
    levels = [r.find_elements(By.TAG_NAME, "td")[2].text for r in rows]
    field = box.find_element(By.CSS_SELECTOR, "input.zjtx-filter")
    field.send_keys("L4")
    visible = [r for r in rows if r.is_displayed()]
    assert visible and len(visible) == levels.count("L4"), (len(visible), levels)
    assert all(r.find_elements(By.TAG_NAME, "td")[2].text == "L4" for r in visible)
    field.clear()
    field.send_keys(" ")   # an empty filter shows every row again
    assert all(r.is_displayed() for r in rows)
    header = box.find_elements(By.CSS_SELECTOR, "table thead th")[2]
    header.click()
    after = [r.find_elements(By.TAG_NAME, "td")[2].text
             for r in box.find_elements(By.CSS_SELECTOR, "table tbody tr")]
    assert after == sorted(levels)
    header.click()
    after = [r.find_elements(By.TAG_NAME, "td")[2].text
             for r in box.find_elements(By.CSS_SELECTOR, "table tbody tr")]
    assert after == sorted(levels, reverse=True)


def check_search(drv, base: str, names: dict[tuple[str, str], str]) -> None:
    """A term of the standard, and a company by its name and by part of it."""
    hits = [urlsplit(h).path for h in search(drv, base + "index.html", "研发费用")]
    assert any(h.endswith("/methodology.html") for h in hits), hits
    assert any("/companies/" in h for h in hits), f"研发费用 finds no report: {hits}"
    cid, _ = SEARCHED
    reports = sorted(f"/companies/{c}/{r}.html" for c, r in names if c == cid)
    assert NAME_PART in names[SEARCHED]
    for query in (names[SEARCHED], NAME_PART):
        hits = [urlsplit(h).path for h in search(drv, base + "portfolio.html", query)]
        assert f"/companies/{cid}/" in hits[0], f"{query}: the company's pages do not come first: {hits[:5]}"
        missing = [r for r in reports if not any(h.endswith(r) for h in hits)]
        assert not missing, f"{query}: reports not found: {missing}"


# tests -------------------------------------------------------------------------------

def test_served_site_works_and_stays_local(driver, server, names):
    reset_logs(driver)
    check_pages(driver, server, names)
    check_phone_width(driver, server)
    assert_stays_local(driver, served=True)
    check_search(driver, server, names)
    assert_stays_local(driver, served=True)
    assert not js_errors(driver)


def test_site_opened_from_disk_works_and_stays_local(driver, project, names):
    """From disk the index is read from search/search_index.js and the search
    runs in the vendored iframe-worker instead of a Web Worker."""
    base = (project / "site").as_uri() + "/"
    reset_logs(driver)
    check_pages(driver, base, names)
    assert_stays_local(driver, served=False)
    check_search(driver, base, names)
    assert_stays_local(driver, served=False)
    assert driver.execute_script("return window.Worker === window.IFrameWorker")
    assert not js_errors(driver)


def test_served_search_reads_the_one_index_file(driver, server):
    """Served, the theme asks for search/search_index.json; the site has only the
    script (search_index.js), and the shim answers the theme's request from it.
    The vendored iframe-worker is loaded but leaves the browser's Web Worker in place."""
    reset_logs(driver)
    hits = search(driver, server + "index.html", "专精特新")
    assert hits
    urls, failed = network_log(driver)
    assert not failed, failed
    assert any(u.endswith("/search/search_index.js") for u in urls), urls
    assert not any(u.endswith("/search/search_index.json") for u in urls), urls
    assert any(u.endswith("/assets/search-index.js") for u in urls), urls
    assert any(u.endswith("/assets/iframe-worker/shim.js") for u in urls), urls
    assert driver.execute_script("return window.Worker !== window.IFrameWorker")


# a portfolio above 200 companies ---------------------------------------------------------

BIG = 230


@pytest.fixture(scope="module")
def big_site(tmp_path_factory) -> Path:
    """BIG companies (the examples, renamed), built: the portfolio is paged."""
    from report_helpers import generate_companies

    root = tmp_path_factory.mktemp("big-site")
    generate_companies(root, BIG)
    shutil.copy(REPO / "mkdocs.yml", root / "mkdocs.yml")
    assert build(root).site_built
    return root


@pytest.mark.slow
def test_a_large_portfolio_is_paged(driver, big_site):
    from selenium.webdriver.common.by import By

    base = (big_site / "site").as_uri() + "/"
    reset_logs(driver)
    driver.get(base + "portfolio.html")
    box = driver.find_element(By.CSS_SELECTOR, ".zjtx-sortable")

    def rows():
        return [r.find_elements(By.TAG_NAME, "td") for r in box.find_elements(By.CSS_SELECTOR, "table tbody tr")
                if r.is_displayed()]

    def names():
        return [cells[0].text for cells in rows()]

    first = names()
    assert len(first) == 100
    assert "第 1 / 3 页" in box.find_element(By.CSS_SELECTOR, ".zjtx-count").text
    buttons = box.find_elements(By.CSS_SELECTOR, ".zjtx-pager button")
    buttons[1].click()                                   # next page: the rows script is loaded
    wait(driver, lambda d: names() != first, "the second page was not drawn")
    second = names()
    assert len(second) == 100 and not set(second) & set(first)
    assert "第 2 / 3 页" in box.find_element(By.CSS_SELECTOR, ".zjtx-count").text
    link = rows()[0][0].find_element(By.TAG_NAME, "a").get_attribute("href")
    assert re.search(r"/companies/gen-\d{4}/\d{4}\.html$", link), link
    buttons[1].click()
    wait(driver, lambda d: len(names()) == BIG - 200, "the last page was not drawn")
    # filtering and sorting work on every row, not the page shown
    field = box.find_element(By.CSS_SELECTOR, "input.zjtx-filter")
    field.send_keys("L5")
    wait(driver, lambda d: all(cells[2].text == "L5" for cells in rows()) and rows(), "filter")
    count = box.find_element(By.CSS_SELECTOR, ".zjtx-count").text
    total_l5 = int(re.search(r"显示 (\d+) /", count).group(1))
    assert total_l5 > len(first) / 14, count           # L5 companies from every page
    field.clear()
    field.send_keys(" ")
    box.find_elements(By.CSS_SELECTOR, "table thead th")[0].click()
    wait(driver, lambda d: names() == sorted(names(), key=lambda s: s) or len(names()) == 100, "sort")
    assert_stays_local(driver, served=False)
    assert not js_errors(driver)


def test_the_company_column_stays_in_view(driver, server):
    """On a narrow screen the portfolio table scrolls inside its box, and the
    company column stays at the box's left edge."""
    from selenium.webdriver.common.by import By

    driver.set_window_size(480, 900)
    try:
        driver.get(server + "portfolio.html")
        box = driver.find_element(By.CSS_SELECTOR, ".zjtx-sortable .md-typeset__scrollwrap")
        cell = driver.find_element(By.CSS_SELECTOR, ".zjtx-sortable table tbody tr td")
        width = driver.execute_script("return [arguments[0].scrollWidth, arguments[0].clientWidth]", box)
        assert width[0] > width[1], f"the table does not overflow its box at 480 px: {width}"
        left = driver.execute_script("return arguments[0].getBoundingClientRect().left", box)
        driver.execute_script("arguments[0].scrollLeft = 400", box)
        assert driver.execute_script("return arguments[0].scrollLeft", box) > 0
        after = driver.execute_script("return arguments[0].getBoundingClientRect().left", cell)
        assert abs(after - left) < 2, f"the company column scrolled away ({after} vs {left})"
        assert driver.execute_script("return document.documentElement.scrollWidth <= window.innerWidth")
    finally:
        driver.set_window_size(1280, 1000)
