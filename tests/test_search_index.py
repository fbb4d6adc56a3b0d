"""The site's search index (site/search/search_index.js, one file, UTF-8): Chinese
text really segmented with the domain dictionary, companies findable by name,
short name and product, criteria findable, report tables kept out so the index
stays small as companies are added.

How mkdocs-material stores it: with ``jieba`` importable, the search plugin runs
every run of Han characters through ``jieba.cut`` at build time and joins the
words with U+200B (zero-width space); the browser splits the text on the
``separator`` of the config (which contains U+200B) to build the lunr index, and
segments a Chinese query greedily against the terms of that index. Without
jieba the plugin silently skips segmentation: a whole sentence becomes one term
and no Chinese word can be found. Every assertion below is on the index the
browser receives.
"""

from __future__ import annotations

import json
import re
import shutil
from collections import defaultdict
from pathlib import Path

import pytest

from zjtx_site.build import build
from zjtx_site.intake.loader import load_project
from zjtx_site.intake.project_init import init_project
from zjtx_site.website import search

pytestmark = pytest.mark.site      # builds sites with mkdocs

REPO = Path(__file__).resolve().parent.parent
DICTIONARY = REPO / "zjtx_site" / "website" / "data" / "jieba-dict.txt"
ZWSP = "\u200b"
HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")

# Budgets, in UTF-8 bytes of the index (search/search_index.js, the one file).
# What stays in the index of a report is its title and its prose (summary,
# advice, follow-up): about 4 KB, 3 bytes for each Han character and for each
# U+200B between words. Its tables (cover, profile, financials, derived
# metrics, scoring, tier conditions, gaps) and heading-only sections made it
# 18 KB (10 KB as UTF-8). At 1,000 companies the index must stay within 6 MB,
# company pages and the methodology included: a report's mean below 5 KiB,
# none above 9 KiB; a regression that lets the tables back in exceeds both.
REPORT_MEAN_BUDGET = 5 * 1024
REPORT_MAX_BUDGET = 9 * 1024
# A company page: its name, product, chain, fields and rounds.
COMPANY_PAGE_BUDGET = 2 * 1024
# Pages that list every company (home, portfolio, per-round portfolios) must not
# grow with the number of companies: their company tables are left out, and what
# remains is bounded (levels, fields, funnel). 14 companies listed cost ~20 KB.
LISTING_BUDGET = 8 * 1024
# The methodology page is the reference for every rule and is meant to be found;
# its size depends on the rule sets, not on the companies.
METHODOLOGY_BUDGET = 96 * 1024


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    """The example companies built with the repository's mkdocs.yml, in a copy."""
    root = tmp_path_factory.mktemp("search-site")
    shutil.copytree(REPO / "companies", root / "companies")
    shutil.copy(REPO / "mkdocs.yml", root / "mkdocs.yml")
    result = build(root)
    assert result.site_built
    return root


@pytest.fixture(scope="module")
def index(project) -> dict:
    return search.read_index(project / "site")


@pytest.fixture(scope="module")
def pages(index) -> dict[str, list[dict]]:
    """Index entries (one per section) by page."""
    out: dict[str, list[dict]] = defaultdict(list)
    for doc in index["docs"]:
        out[doc["location"].split("#", 1)[0]].append(doc)
    return out


@pytest.fixture(scope="module")
def reports(project) -> dict[str, str]:
    """Report page -> company name, for every company file of the example."""
    data = load_project(project)
    return {f"companies/{c.company_id}/{c.round}.html": c.basic.name for c in data.companies}


def tokens(index: dict, text: str) -> list[str]:
    """The terms the browser indexes: the text split on the configured separator
    (material's tokenizer also drops markup; tags never touch Han characters)."""
    sep = re.compile(index["config"]["separator"])
    return [t for t in sep.split(re.sub(r"<[^>]+>", " ", text)) if t]


def page_tokens(index: dict, docs: list[dict]) -> set[str]:
    return {t for d in docs for t in tokens(index, d["title"] + " " + d["text"])}


def entry_bytes(doc: dict) -> int:
    """A section's share of the index (written the same way)."""
    return len(json.dumps(doc, separators=(",", ":"), ensure_ascii=False).encode("utf-8"))


def test_config_is_chinese_and_splits_on_zero_width_space(index):
    config = index["config"]
    assert config["lang"] == ["zh"]
    sep = re.compile(config["separator"])
    assert sep.fullmatch(ZWSP), "the separator must split on U+200B, or jieba's segments are glued together"
    for mark in "：（）“”、，。":
        assert sep.fullmatch(mark), f"full-width {mark} should separate terms"
    assert not sep.search("6.05"), "decimal points must not split numbers"


def test_chinese_text_is_segmented(index, pages):
    everything = [d["title"] + d["text"] for d in index["docs"]]
    assert sum(ZWSP in t for t in everything) > len(everything) / 2, (
        "no U+200B in the index: jieba is not installed in the build environment, "
        "so the search plugin skipped Chinese segmentation")
    every_token = {t for docs in pages.values() for t in page_tokens(index, docs)}
    han_tokens = [t for t in every_token if HAN.fullmatch(t)]
    # Segmented text: Chinese terms are words, not sentences
    long_runs = [t for t in han_tokens if len(t) > 10]
    assert not long_runs, f"unsegmented runs of Chinese text in the index: {long_runs[:5]}"
    assert sum(len(t) for t in han_tokens) / len(han_tokens) < 4


def test_domain_dictionary_is_used(index, pages):
    """jieba alone cuts these terms apart (研发/费用, 专精/特新, 小/巨人, 单项/冠军);
    as whole terms they are found as written."""
    words = {w.strip() for w in DICTIONARY.read_text("utf-8").splitlines() if w.strip()}
    every_token = {t for docs in pages.values() for t in page_tokens(index, docs)}
    for term in ("研发费用", "专精特新", "小巨人", "单项冠军", "主营业务收入", "知识产权", "产业链"):
        assert term in words, f"{term} missing from {DICTIONARY.name}"
        assert term in every_token, f"{term} is not a term of the search index"
    text = "".join(d["title"] + d["text"] for d in index["docs"])
    for split in ("研发\u200b费用", "专精\u200b特新", "小\u200b巨人", "单项\u200b冠军"):
        assert split not in text, f"{split!r} is cut apart: the domain dictionary was not loaded"


def test_dictionary_is_well_formed():
    """One word a line, Han characters only: the search plugin only segments runs
    of Han characters, so a word with quotes, digits or spaces would never match
    (and a space ends the word in jieba's format)."""
    lines = DICTIONARY.read_text("utf-8").splitlines()
    words = [w for w in lines if w]
    assert len(words) >= 80
    assert len(words) == len(set(words)), "duplicate words"
    for w in words:
        assert HAN.fullmatch(w), f"not a run of Han characters: {w!r}"


def test_every_company_name_is_findable(index, pages, reports):
    assert len(reports) >= 14
    for location, name in reports.items():
        docs = pages.get(location)
        assert docs, f"{location} is not in the search index"
        title = docs[0]["title"].replace(ZWSP, "")
        assert title.startswith(name), f"{location}: title {title!r} does not start with {name}"
        name_terms = [t for t in tokens(index, docs[0]["title"]) if t in name]
        assert "".join(name_terms).startswith(name), f"{name} is not indexed term by term: {name_terms}"
        # and the company's page is indexed under it, with its product
        company = pages[location.rsplit("/", 1)[0] + "/index.html"]
        assert company[0]["title"].replace(ZWSP, "") == name
        assert any("主导产品" in d["text"].replace(ZWSP, "") for d in company), f"{name}: no product on its page"


def test_term_search_reaches_reports_and_methodology(index, pages, reports):
    """A query 研发费用 is one term of the index: it must lead to the methodology
    and to the reports whose plan is about R&D spending."""
    hits = {loc for loc, docs in pages.items() if "研发费用" in page_tokens(index, docs)}
    assert "methodology.html" in hits
    assert hits & set(reports), "研发费用 is on no report in the index"


def test_detail_tables_are_not_indexed(pages, reports):
    """Financial, derived-metric, scoring, tier-condition and gap tables, and the
    rule notes repeated on every report, are shown but not indexed."""
    for location in reports:
        text = "".join(d["title"] + d["text"] for d in pages[location]).replace(ZWSP, "")
        for marker in ("依据字段", "企业欠缺", "financials[", "分档边界", "及格线", "需提升"):
            assert marker not in text, f"{location}: detail table or rule note indexed ({marker})"
        for marker in ("企业名称", "统一社会信用代码", "成立日期", "管理体系认证"):
            assert marker not in text, f"{location}: the cover or profile table is indexed ({marker})"
        assert text.strip(), f"{location}: nothing of the report indexed"


def test_index_size_is_bounded(pages, reports):
    size = {loc: sum(entry_bytes(d) for d in docs) for loc, docs in pages.items()}
    report_sizes = [size[loc] for loc in reports]
    mean = sum(report_sizes) / len(report_sizes)
    assert mean <= REPORT_MEAN_BUDGET, f"mean index size of a report {mean:.0f} B > {REPORT_MEAN_BUDGET} B"
    worst = max(reports, key=size.__getitem__)
    assert size[worst] <= REPORT_MAX_BUDGET, f"{worst}: {size[worst]} B of index > {REPORT_MAX_BUDGET} B"
    for loc, n in size.items():
        if loc.endswith("/index.html") and loc.startswith("companies/"):
            assert n <= COMPANY_PAGE_BUDGET, f"{loc}: {n} B of index"
    listings = [loc for loc in size if loc in ("index.html", "portfolio.html") or loc.startswith("rounds/")]
    assert "portfolio.html" in listings
    for loc in listings:
        assert size[loc] <= LISTING_BUDGET, f"{loc}: {size[loc]} B of index > {LISTING_BUDGET} B"
    assert size["methodology.html"] <= METHODOLOGY_BUDGET


def test_one_index_file_in_utf8(project):
    """One file for both ways of reading the site: the script (the theme loads it from
    disk; served, the shim answers the theme's request for the JSON from it), and its
    Chinese is UTF-8, not \\uXXXX escapes."""
    folder = project / "site" / "search"
    assert sorted(p.name for p in folder.iterdir()) == ["search_index.js"]
    text = (folder / "search_index.js").read_text("utf-8")
    assert text.startswith("var __index = ")
    assert "\\u200b" not in text.split('"docs"', 1)[1] and not re.search(r"\\u[4-9][0-9a-f]{3}", text)
    assert ZWSP in text and "专精特新" in text
    page = (project / "site" / "index.html").read_text("utf-8")
    shim = page.index(search.SHIM)
    assert shim < page.index("assets/javascripts/bundle."), "the shim must load before the theme"
    assert (project / "site" / search.SHIM).is_file()


def query_terms(index: dict, query: str, terms: set[str]) -> list[str]:
    """A Chinese query cut greedily into the longest terms of the index, as the
    browser does with a query that has no separators."""
    out, i = [], 0
    while i < len(query):
        for j in range(len(query), i, -1):
            if query[i:j] in terms or j == i + 1:
                out.append(query[i:j])
                i = j
                break
    return out


def found(index: dict, pages: dict, query: str) -> set[str]:
    """Pages that hold every term of ``query``."""
    every = {loc: page_tokens(index, docs) for loc, docs in pages.items()}
    terms = query_terms(index, query, set().union(*every.values()))
    return {loc for loc, tokens in every.items() if all(t in tokens for t in terms)}


def test_chinese_search_finds_short_name_product_and_criterion(index, pages, project):
    """A company by its short name (稷锐) and by its product (减速器), a criterion
    of the rules by its words (研发费用占比)."""
    short = found(index, pages, "稷锐")
    assert "companies/gz-jirui-drive/index.html" in short and "companies/gz-jirui-drive/2026.html" in short
    assert not any(loc.startswith("companies/gz-lanqi-bio/") for loc in short)
    assert "companies/gz-jirui-drive/index.html" in found(index, pages, "RV精密减速器")
    assert "companies/gz-jirui-drive/index.html" in found(index, pages, "减速器")
    assert "methodology.html" in found(index, pages, "研发费用占比")
    assert "methodology.html" in found(index, pages, "主营业务收入增长率")
    assert not found(index, pages, "稷锐减速器研发费用占比不存在的词")


def test_packaged_config_is_the_repositorys():
    """`zjtx init` writes zjtx_site/website/data/mkdocs.yml; the repository's must not drift."""
    packaged = REPO / "zjtx_site" / "website" / "data" / "mkdocs.yml"
    assert packaged.read_text("utf-8") == (REPO / "mkdocs.yml").read_text("utf-8")


def test_new_project_uses_the_packaged_dictionary(tmp_path):
    """A `zjtx init` project has no jieba-dict.txt of its own: the build finds the
    one shipped with the tool, and the search index is segmented with it."""
    root = tmp_path / "assoc"
    init_project(root)
    assert not (root / "jieba-dict.txt").exists()
    shutil.copytree(REPO / "companies" / "gz-jirui-drive", root / "companies" / "gz-jirui-drive")
    build(root)
    index = search.read_index(root / "site")
    terms = {t for d in index["docs"] for t in tokens(index, d["title"] + " " + d["text"])}
    assert {"研发费用", "专精特新", "小巨人"} <= terms
    assert (root / "site" / "assets" / "iframe-worker" / "shim.js").is_file()
