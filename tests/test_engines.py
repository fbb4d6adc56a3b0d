"""The site engines: incremental mkdocs builds give the site a full build gives,
the end-of-life notice is shown once per build, and the Zensical canary builds
the examples with both engines and compares pages, titles and report text."""

from __future__ import annotations

import html
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest

from zjtx_site.build import build
from zjtx_site.website import engines, search

REPO = Path(__file__).resolve().parent.parent
SOME = ("gz-jirui-drive", "gz-lanqi-bio", "gz-chiche-thermal")


def project_with(root: Path, ids=SOME) -> Path:
    for cid in ids:
        shutil.copytree(REPO / "companies" / cid, root / "companies" / cid)
    shutil.copy(REPO / "mkdocs.yml", root / "mkdocs.yml")
    return root


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def change_one_company(root: Path) -> None:
    f = root / "companies" / "gz-jirui-drive" / "2026.yaml"
    f.write_text(f.read_text("utf-8").replace("niche_years: 13", "niche_years: 15"), "utf-8")


def spy_on_mkdocs(monkeypatch) -> list[bool]:
    """Whether each mkdocs run of the build was a dirty (incremental) one."""
    calls: list[bool] = []
    real = engines.run_mkdocs
    monkeypatch.setattr(engines, "run_mkdocs",
                        lambda *a, **k: (calls.append(k.get("dirty", False)), real(*a, **k))[1])
    return calls


@pytest.mark.site
def test_a_one_company_change_is_built_incrementally_and_exactly(tmp_path, monkeypatch):
    root = project_with(tmp_path / "p")
    first = build(root)
    assert engines.EOL_NOTICE in first.notices
    change_one_company(root)
    calls = spy_on_mkdocs(monkeypatch)
    build(root)
    assert calls == [True], "the one-company change was not built incrementally"
    fresh = project_with(tmp_path / "fresh")
    change_one_company(fresh)
    build(fresh)
    assert tree(root / "site") == tree(fresh / "site"), "the incremental site differs from a full build"
    docs = search.read_index(root / "site")["docs"]
    assert any(d["location"] == "companies/gz-jirui-drive/2026.html" for d in docs)


@pytest.mark.site
def test_a_new_company_builds_in_full(tmp_path, monkeypatch):
    root = project_with(tmp_path / "p", SOME[:2])
    build(root)
    shutil.copytree(REPO / "companies" / "gz-chiche-thermal", root / "companies" / "gz-chiche-thermal")
    calls = spy_on_mkdocs(monkeypatch)
    build(root)
    assert calls == [False]
    assert (root / "site" / "companies" / "gz-chiche-thermal" / "index.html").is_file()


def test_pages_depend_on_their_own_source_only_with_a_titled_nav():
    assert engines._titled([{"首页": "index.md"}, {"企业": [{"总览": "portfolio.md"}]}])
    assert not engines._titled(["index.md", {"总览": "portfolio.md"}])
    assert not engines._titled([{"企业": ["portfolio.md"]}])


def test_merging_the_index_of_a_dirty_build():
    old = {"config": {}, "docs": [{"location": "a.html", "title": "A", "text": ""},
                                  {"location": "b.html", "title": "B", "text": "<p>旧</p>"},
                                  {"location": "b.html#x", "title": "X", "text": "<p>旧</p>"},
                                  {"location": "c.html", "title": "C", "text": ""}]}
    new = {"config": {}, "docs": [{"location": "b.html", "title": "B", "text": "<p>新</p>"}]}
    merged = search.merge_index(old, new, {"b.html"})
    assert [d["location"] for d in merged["docs"]] == ["a.html", "b.html", "c.html"]
    assert merged["docs"][1]["text"] == "<p>新</p>"
    # a page the old index never had: its place is unknown, the build goes in full
    assert search.merge_index(old, {"docs": [{"location": "d.html", "title": "D", "text": ""}]},
                              {"d.html"}) is None
    # a rebuilt page that wrote nothing: not rendered, or excluded now
    assert search.merge_index(old, {"docs": []}, {"b.html"}) is None


@pytest.mark.site
def test_the_end_of_life_notice_is_shown_once_per_build(tmp_path, run_cli, monkeypatch):
    monkeypatch.delenv("NO_MKDOCS_2_WARNING", raising=False)
    root = project_with(tmp_path / "p", SOME[:1])
    code, _, err = run_cli("-C", root, "build")
    assert code == 0, err
    assert err.count("2027-05-05") == 1 and "Zensical" in err
    code, _, err = run_cli("-C", root, "build")       # incremental: still once
    assert err.count("2027-05-05") == 1
    assert "NO_MKDOCS_2_WARNING" not in Path(engines.__file__).with_name("mkdocs.py").read_text("utf-8")


def test_an_unknown_engine_is_refused(tmp_path, run_cli):
    with pytest.raises(SystemExit):
        run_cli("-C", tmp_path, "build", "--engine", "hugo")


# the Zensical canary ---------------------------------------------------------------

class _Page(HTMLParser):
    """The title and the article's text of a built page."""

    def __init__(self):
        super().__init__()
        self.title, self.text, self._in = "", [], []

    def handle_starttag(self, tag, attrs):
        self._in.append(tag)

    def handle_endtag(self, tag):
        while self._in and self._in.pop() != tag:
            pass

    def handle_data(self, data):
        if self._in and self._in[-1] == "title":
            self.title += data
        elif "article" in self._in and not {"script", "style"} & set(self._in):
            self.text.append(data)


def page(path: Path) -> tuple[str, str]:
    p = _Page()
    p.feed(path.read_text("utf-8"))
    text = re.sub(r"\s+", "", html.unescape("".join(p.text))).replace("¶", "")
    return re.sub(r"\s+", " ", p.title).strip(), text


@pytest.mark.site
def test_zensical_canary_builds_the_same_pages(tmp_path):
    """Every page of the examples exists under both engines, with the same title and,
    for reports and company pages, the same text. Differences that are known and
    written down (README, 网站引擎) are the search index files, not compared here."""
    pytest.importorskip("zensical", reason="Zensical is not installed: pip install 'zjtx-site[zensical]' "
                                           "(make test installs it)")
    mk = project_with(tmp_path / "mkdocs", [p.name for p in sorted((REPO / "companies").iterdir())])
    zs = project_with(tmp_path / "zensical", [p.name for p in sorted((REPO / "companies").iterdir())])
    build(mk)
    result = build(zs, site_engine="zensical")
    assert result.site_built and not result.notices
    pages_mk = sorted(p.relative_to(mk / "site").as_posix() for p in (mk / "site").rglob("*.html"))
    pages_zs = sorted(p.relative_to(zs / "site").as_posix() for p in (zs / "site").rglob("*.html"))
    assert pages_mk == pages_zs
    assert len(pages_mk) >= 30
    for rel in pages_mk:
        title_mk, text_mk = page(mk / "site" / rel)
        title_zs, text_zs = page(zs / "site" / rel)
        assert title_mk == title_zs, rel
        if rel.startswith("companies/"):
            assert len(text_mk) > 100, rel
            assert text_mk == text_zs, f"{rel}: the report text differs between the engines"
