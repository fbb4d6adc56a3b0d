"""The report as an A4 PDF (``zjtx pdf``), read back as a client would: the
text extracted page by page (pypdf) must show the cover with the company, the
round, the issuer and the confidentiality mark; a table of contents; "第 X 页 /
共 Y 页" on every page; no personal contact data; no engineering identifier
before the last appendix; charts as vectors; and the same bytes for the same
inputs. ``zjtx build --pdf`` puts the PDFs into site/pdf/ and keeps them while
they are current.

Needs WeasyPrint with Pango and HarfBuzz (scripts/install-system-deps) and the
Noto CJK font: without them the test fails rather than skips.
"""

from __future__ import annotations

import io
import re
import shutil
from pathlib import Path

import pytest

from zjtx_site.build import build, build_pdf

pytestmark = [pytest.mark.slow]

REPO = Path(__file__).resolve().parent.parent
CID, RND = "gz-jirui-drive", "2026"
ISSUER = "广州市示例高新技术企业协会（测试）"
MARK = "保密 · 仅供委托方使用"
A4 = (595.28, 841.89)
MAX_PAGES = 14
APPENDIX = "附录三：数据与规则说明"
ENGINEERING = re.compile(r"miit-\d{4}|[a-z_]+(?:\[[^\]]*\])?\.[a-z_]+|\b[a-z]+_[a-z_]+\b"
                         r"|\b[0-9a-f]{12,}\b|zjtx")
EPOCH = "1780000000"     # 2026-05-28


def _project(root: Path, issuer: str | None) -> Path:
    shutil.copytree(REPO / "companies" / CID, root / "companies" / CID)
    text = (REPO / "mkdocs.yml").read_text("utf-8")
    if issuer:
        assert "    issuer:\n" in text
        text = text.replace("    issuer:\n", f"    issuer: {issuer}\n")
    (root / "mkdocs.yml").write_text(text, "utf-8")
    return root


@pytest.fixture(scope="module")
def made(tmp_path_factory):
    mp = pytest.MonkeyPatch()
    mp.setenv("SOURCE_DATE_EPOCH", EPOCH)
    try:
        root = _project(tmp_path_factory.mktemp("pdf") / "proj", ISSUER)
        path = build_pdf(root, CID)
        first = path.read_bytes()
        again = build_pdf(root, CID).read_bytes()
    finally:
        mp.undo()
    return root, path, first, again


@pytest.fixture(scope="module")
def pages(made) -> list[str]:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(made[2]))
    return [p.extract_text() or "" for p in reader.pages]


def test_the_pdf_is_where_the_site_links_it(made):
    root, path, _, _ = made
    assert path == root / "site" / "pdf" / f"{CID}-{RND}.pdf"
    assert not list(root.rglob("content/**/*.pdf"))          # never beside the committed pages


def test_a4_and_at_most_fourteen_pages(made):
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(made[2]))
    assert 4 <= len(reader.pages) <= MAX_PAGES
    for page in reader.pages:
        w, h = float(page.mediabox.width), float(page.mediabox.height)
        assert abs(w - A4[0]) < 1 and abs(h - A4[1]) < 1


def test_same_inputs_same_bytes(made):
    assert made[2] == made[3]


def test_cover(pages):
    cover = pages[0]
    for text in ("广州稷锐精密传动科技股份有限公司", "诊断规划报告", "评估轮次", RND, "2026-05-20",
                 ISSUER, MARK, "出具日期", "2026-05-28", "T/GZHTEA003-2024", "§4.4 保密性原则"):
        assert text in cover, text
    assert "第 1 页" not in cover            # no running header or footer on the cover


def test_contents_with_page_numbers(pages):
    toc = pages[1]
    assert "目" in toc and "录" in toc
    for title in ("执行摘要", "一、企业“专精特新”能力尽调（§8.1.1）", "四、培育提升建议（§8.2、附录 C）", APPENDIX):
        line = next((ln for ln in toc.splitlines() if title in ln), None)
        assert line is not None and re.search(r"\d+\s*$", line), (title, line)


def test_page_x_of_y_and_the_mark_on_every_page(pages):
    n = len(pages)
    for i, text in enumerate(pages[1:], 2):
        assert f"第 {i} 页 / 共 {n} 页" in text, i
        assert MARK in text, i


def test_summary_page_comes_first(pages):
    third = pages[2]
    assert "执行摘要" in third and "可申报：" in third and "下一梯度为" in third and "最重要的三项措施" in third


def test_no_personal_data(pages):
    from ruamel.yaml import YAML

    data = YAML(typ="safe").load((REPO / "companies" / CID / f"{RND}.yaml").read_text("utf-8"))
    contact = data["basic"]["contact"]
    text = "".join(pages)
    for value in contact.values():
        assert str(value) not in text


def test_no_engineering_identifier_before_the_last_appendix(pages):
    start = next(i for i, t in enumerate(pages) if i > 1 and APPENDIX in t)
    for i, text in enumerate(pages[:start]):
        assert not ENGINEERING.findall(text), (i + 1, ENGINEERING.findall(text))
    head, _, tail = pages[start].partition(APPENDIX)
    assert not ENGINEERING.findall(head)
    details = tail + "".join(pages[start + 1:])
    assert re.search(r"miit-\d{4}", details) and "financials[" in details


@pytest.mark.parametrize("cid", [CID, "gz-lingqiong-aero", "gz-xishuo-materials"])
def test_no_heading_alone_at_the_bottom_of_a_page(tmp_path, cid):
    """The last line of each page's body is never a heading of the report, nor
    the caption of a table (a short paragraph right before it)."""
    from pypdf import PdfReader
    from report_helpers import blocks

    root = tmp_path / "proj"
    shutil.copytree(REPO / "companies" / cid, root / "companies" / cid)
    pages = [p.extract_text() or "" for p in PdfReader(build_pdf(root, cid, RND)).pages]
    bs = blocks(_report_markdown(root, cid))
    titles = {b.text for b in bs if b.kind in ("h2", "h3", "h4")}
    titles |= {b.text for b, nxt in zip(bs, bs[1:]) if b.kind == "p" and nxt.kind == "table" and 0 < len(b.text) < 60}
    assert len(titles) > 20
    for i, page in enumerate(pages[2:], 3):
        # the running header and footer come last in the extracted text
        body = [ln.strip() for ln in page.splitlines()
                if ln.strip() and MARK not in ln and "· 诊断规划报告（" not in ln]
        assert body and body[-1] not in titles, (cid, i, body[-1])


def _report_markdown(root: Path, cid: str) -> str:
    from zjtx_site.intake.loader import load_project
    from zjtx_site.render.pages import Page
    from zjtx_site.render.site import render_site
    from zjtx_site.scoring.engine import assess, make_engine

    engine = make_engine(root)
    outs = render_site(root, engine, [assess(engine, c) for c in load_project(root).companies])
    page = next(o for o in outs if isinstance(o, Page) and o.path == f"companies/{cid}/{RND}.md")
    return page.make().decode("utf-8")


def test_charts_are_vectors(made):
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(made[2]))
    assert all(not page.images for page in reader.pages)       # no raster image anywhere
    drawn = [p for p in reader.pages if "/XObject" in (p["/Resources"] or {})]
    assert drawn, "the charts are missing"


def test_chart_labels_are_text_in_the_cjk_font(pages):
    """The charts' labels are text in the PDF, in Chinese: words that only the charts
    say (the trend's panel titles, the radar's scale, a round on the rounds chart's axis)."""
    text = "".join(pages)
    for label in ("经营规模", "研发投入与效益", "100分", "2026 轮"):
        assert label in text, label


def test_issuer_unset_says_so(tmp_path):
    root = _project(tmp_path / "proj", None)
    from pypdf import PdfReader

    cover = PdfReader(build_pdf(root, CID, "2025")).pages[0].extract_text()
    assert "出具单位" in cover and "未设置" in cover and "2025" in cover


@pytest.mark.site
def test_build_pdf_puts_every_report_in_the_site_and_keeps_current_ones(tmp_path):
    root = _project(tmp_path / "proj", ISSUER)
    result = build(root, pdf=True)
    assert (result.pdf.made, result.pdf.reused, result.pdf.missing) == (2, 0, 0)
    for rnd in ("2025", "2026"):
        pdf = root / "site" / "pdf" / f"{CID}-{rnd}.pdf"
        assert pdf.read_bytes().startswith(b"%PDF")
        html = (root / "site" / "companies" / CID / f"{rnd}.html").read_text("utf-8")
        assert f'href="../../pdf/{CID}-{rnd}.pdf"' in html
    assert not list((root / "content").rglob("*.pdf"))
    # a build without --pdf keeps them while current; a change drops the stale one
    result = build(root)
    assert (result.pdf.made, result.pdf.reused, result.pdf.missing) == (0, 2, 0)
    path = root / "companies" / CID / "2026.yaml"
    path.write_text(path.read_text("utf-8").replace("rd_expense: 1960", "rd_expense: 1961"), "utf-8")
    result = build(root)
    assert (result.pdf.made, result.pdf.reused, result.pdf.missing) == (0, 1, 1)
    assert not (root / "site" / "pdf" / f"{CID}-2026.pdf").exists()
    assert (root / "site" / "pdf" / f"{CID}-2025.pdf").exists()
