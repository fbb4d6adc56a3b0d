"""The site's search index (site/search/search_index.json): Chinese text really
segmented with the domain dictionary, company names findable, detail tables kept
out so the index stays small as companies are added.

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

pytestmark = pytest.mark.site      # builds sites with mkdocs

REPO = Path(__file__).resolve().parent.parent
DICTIONARY = REPO / "zjtx_site" / "website" / "data" / "jieba-dict.txt"
ZWSP = "\u200b"
HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")

# Budgets, in bytes of search_index.json (the file also goes to the browser as
# search/search_index.js for offline use, so it is shipped twice). What stays in
# the index of a report is its title, headings, cover, qualitative profile and
# the advice of its plan: about 3,000 characters; JSON escapes each Han
# character and each U+200B as 6 bytes ("\uXXXX"), giving ~15 KB. The detail
# tables (financials, derived metrics, scoring, tier conditions, gaps) and the
# rule notes repeated on every report made a report ~70 KB. A report's index
# grows with the reports, so: mean below 24 KiB (60 % headroom), none above
# 32 KiB; a regression that lets a detail table back in exceeds both.
REPORT_MEAN_BUDGET = 24 * 1024
REPORT_MAX_BUDGET = 32 * 1024
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
    return json.loads((project / "site" / "search" / "search_index.json").read_text("utf-8"))


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
    """A section's share of search_index.json (written by material the same way)."""
    return len(json.dumps(doc, separators=(",", ":")))


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
        # The name is in the cover too, so a query on part of it ranks the report
        assert any(name in d["text"].replace(ZWSP, "") for d in docs), f"{name} not in the text of {location}"


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
        assert "企业名称" in text and "主导产品" in text, f"{location}: cover and profile must stay indexed"


def test_index_size_is_bounded(pages, reports):
    size = {loc: sum(entry_bytes(d) for d in docs) for loc, docs in pages.items()}
    report_sizes = [size[loc] for loc in reports]
    mean = sum(report_sizes) / len(report_sizes)
    assert mean <= REPORT_MEAN_BUDGET, f"mean index size of a report {mean:.0f} B > {REPORT_MEAN_BUDGET} B"
    worst = max(reports, key=size.__getitem__)
    assert size[worst] <= REPORT_MAX_BUDGET, f"{worst}: {size[worst]} B of index > {REPORT_MAX_BUDGET} B"
    listings = [loc for loc in size if loc in ("index.html", "portfolio.html") or loc.startswith("rounds/")]
    assert "portfolio.html" in listings
    for loc in listings:
        assert size[loc] <= LISTING_BUDGET, f"{loc}: {size[loc]} B of index > {LISTING_BUDGET} B"
    assert size["methodology.html"] <= METHODOLOGY_BUDGET


def test_offline_copy_of_the_index(project):
    """The offline plugin inlines the index as a script for file:// use."""
    search = project / "site" / "search"
    js = (search / "search_index.js").read_text("utf-8")
    assert js.startswith("var __index = ")
    assert js[len("var __index = "):] == (search / "search_index.json").read_text("utf-8")


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
    index = json.loads((root / "site" / "search" / "search_index.json").read_text("utf-8"))
    terms = {t for d in index["docs"] for t in tokens(index, d["title"] + " " + d["text"])}
    assert {"研发费用", "专精特新", "小巨人"} <= terms
    assert (root / "site" / "assets" / "iframe-worker" / "shim.js").is_file()
