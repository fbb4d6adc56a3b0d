"""Text from company files is inert on every page, and personal data never
reaches content/.

A company whose name, address, partners, product, chain and benchmark
names carry HTML, Markdown links, pipes, backticks and a leading ``#`` is
built next to a well-behaved one; the pages are read back with the
``markdown`` package (the one mkdocs uses) and must show those values as
plain text, in their own table cells, with the same headings as a page of
an ordinary name."""

from __future__ import annotations

import html
import io
import re

import markdown
import pytest
from report_helpers import (
    COMPANIES,
    EXTENSIONS,
    blocks,
    build,
    headings,
    make_project,
    md_heading_count,
    section,
    table_after,
    table_problems,
    to_html,
)
from ruamel.yaml import YAML

from zjtx_site.render.escape import Raw, front_matter, md

HOSTILE_NAME = '# 恶意<script>alert(1)</script>|[点我](javascript:alert(1))`rm -rf`~~删~~ & "引": 公司'
HOSTILE = {
    ("basic", "name"): HOSTILE_NAME,
    ("basic", "address"): "1. <img src=x onerror=alert(1)> | 路 *粗* _斜_ \\ 反斜 ~ 波浪",
    ("innovation", "partners"): ["- [伙伴](javascript:alert(2))", "| 管道 |", "<b>粗</b>"],
    ("product", "name"): "=产品 `x` <iframe src=javascript:alert(3)>",
    ("product", "industry_leaders"): ["[L](http://evil.example)", "#领军 {: .x}"],
    ("chain", "name"): "> 引用 !!! note <a href=\"javascript:alert(4)\">点</a>",
    ("honors", "titles_other"): ["<script>x</script>"],
    ("refinement", "management_certs_other"): ["*a*|b"],
}
PYMDOWNX = EXTENSIONS + ["pymdownx.tilde", "pymdownx.caret", "pymdownx.mark", "pymdownx.betterem"]
BENIGN_NAME = "广州平常新材料科技有限公司"
# the same data with plain words of the same shape (list lengths drive the scores)
BENIGN = {
    ("basic", "name"): BENIGN_NAME,
    ("basic", "address"): "广州市番禺区平常路1号",
    ("innovation", "partners"): ["甲大学", "乙研究所", "丙学院"],
    ("product", "name"): "导热材料",
    ("product", "industry_leaders"): ["丁公司", "戊公司"],
    ("chain", "name"): "新材料产业链",
    ("honors", "titles_other"): ["其他称号"],
    ("refinement", "management_certs_other"): ["其他认证"],
}


def _company(values: dict, source: str = "gz-shuobai-materials/2026.yaml") -> str:
    y = YAML()
    data = y.load((COMPANIES / source).read_text("utf-8"))
    for (group, key), v in values.items():
        data.setdefault(group, {})[key] = v
    buf = io.StringIO()
    y.dump(data, buf)
    return buf.getvalue()


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    root = make_project(tmp_path_factory.mktemp("escape") / "proj", ["gz-chiche-thermal"])
    for cid, values in (("gz-evil-co", HOSTILE), ("gz-plain-co", BENIGN)):
        (root / "companies" / cid).mkdir()
        (root / "companies" / cid / "2026.yaml").write_text(_company(values), "utf-8")
    build(root)
    return root


def _pages(project):
    return sorted((project / "content").rglob("*.md"))


def _text_of(html_text: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", html_text))


def test_no_markup_from_data_survives_on_any_page(project):
    pages = _pages(project)
    assert len(pages) >= 8
    for path in pages:
        out = to_html(path.read_text("utf-8"))
        low = out.lower()
        assert "<script" not in low, path
        assert "<iframe" not in low and "<b>" not in low, path
        assert not re.search(r"<[a-z][^>]*\son\w+\s*=", low), path      # no event handler in any tag
        # the only images are our own charts
        for tag in re.findall(r"<img[^>]*>", out):
            assert re.fullmatch(r'<img alt="[^"<>]*" src="(\.\./)*[\w./-]+\.svg" />', tag), (path, tag)
        assert not re.search(r"""href\s*=\s*["']?\s*javascript:""", low), path
        assert 'href="http://evil.example' not in low, path
        # links the pages make are our own, relative ones
        for href in re.findall(r'href="([^"]*)"', out):
            assert not re.match(r"^[a-z]+:", href), (path, href)


def test_hostile_values_show_as_plain_text(project):
    text = (project / "content" / "companies" / "gz-evil-co" / "2026.md").read_text("utf-8")
    bs = blocks(text)
    assert headings(bs, 1) == [f"{HOSTILE_NAME}：企业专精特新进阶培育诊断规划报告（2026）"]
    cover = {r[0]: r for r in table_after(section(bs, "企业概况"), "项目")}
    # each value whole in its own cell: nothing split off into another column or lost
    assert cover["企业名称"] == ["企业名称", HOSTILE_NAME]
    assert cover["通讯地址"] == ["通讯地址", HOSTILE[("basic", "address")]]
    profile = {r[0]: r for r in table_after(section(bs, "定性情况：认证、系统、研发机构与知识产权"), "项目")}
    assert profile["主导产品"] == ["主导产品", HOSTILE[("product", "name")]]
    assert profile["所属产业链"] == ["所属产业链", HOSTILE[("chain", "name")]]
    assert profile["合作院校机构"] == ["合作院校机构", "、".join(HOSTILE[("innovation", "partners")])]
    assert profile["管理体系认证"][1].endswith("；其他：*a*|b")
    # benchmarks and titles are in the 评估表's 其他指标 row, as plain text too
    other = table_after(section(bs, "企业专精特新能力评估表（附录 B）"), "评价指标")[-1]
    assert "与行业领军企业对标：" + "、".join(HOSTILE[("product", "industry_leaders")]) in other[2]
    assert "<script>x</script>" in other[2]


def test_tables_keep_their_columns_and_headings_their_count(project):
    evil = (project / "content" / "companies" / "gz-evil-co" / "2026.md").read_text("utf-8")
    plain = (project / "content" / "companies" / "gz-plain-co" / "2026.md").read_text("utf-8")
    assert table_problems(evil) == []
    for path in _pages(project):
        assert table_problems(path.read_text("utf-8")) == [], path
    # the hostile page has exactly the headings of the same data under a plain name
    assert md_heading_count(evil) == md_heading_count(plain)
    evil_h, plain_h = headings(blocks(evil)), headings(blocks(plain))
    assert len(evil_h) == len(plain_h)
    assert [h.replace(HOSTILE_NAME, BENIGN_NAME) for h in evil_h] == plain_h
    # and the same tables, row for row, column for column
    shape = lambda bs: [(len(r), len(r[0])) for r in (b.rows for b in bs if b.kind == "table")]  # noqa: E731
    assert shape(blocks(evil)) == shape(blocks(plain))


def test_overview_pages_link_the_hostile_company_safely(project):
    for rel in ("index.md", "portfolio.md", "companies/gz-evil-co/index.md"):
        text = (project / "content" / rel).read_text("utf-8")
        out = to_html(text)
        assert "<script" not in out.lower()
        links = re.findall(r'<a href="([^"]*)">(.*?)</a>', out)
        named = [(h, _text_of(t)) for h, t in links if "恶意" in _text_of(t)]
        if rel != "companies/gz-evil-co/index.md":
            assert named, rel
        for href, label in named:
            assert href.startswith("companies/gz-evil-co/"), (rel, href)
            assert label == HOSTILE_NAME


def test_front_matter_stays_valid_yaml(project):
    """mkdocs reads the title from the front matter and prints it unescaped into <title>."""
    from mkdocs.utils import meta

    for rel, want in (("companies/gz-evil-co/2026.md", f"{HOSTILE_NAME} · 2026 诊断规划报告"),
                      ("companies/gz-evil-co/index.md", HOSTILE_NAME)):
        text = (project / "content" / rel).read_text("utf-8")
        _, data = meta.get_data(text)
        assert data.get("title") == html.escape(want, quote=True), rel
        assert "<" not in data["title"]


@pytest.mark.parametrize("value", [
    "<script>alert(1)</script>", "a|b", "[x](javascript:alert(1))", "`code`", "# 标题", "## 二级",
    "1. 列表", "2) 列表", "- 项", "+ 项", "* 项", "> 引用", "= 等号", "===", "~~删除~~", "~", "a\\b", "\\",
    "*粗*", "_斜_", "**粗**", "^^上^^", "^上^", "==标记==", "a=b", "H~2~O", "{: .cls}", "!!! note", "![img](x.png)", "&amp; &lt;", "<http://x.example>",
    "    缩进", "\t制表", "行一\n# 行二", "'单' \"双\"", "a  \n b", "---", "|---|", "[^1]", "<!-- 注释 -->",
])
def test_md_round_trips_as_plain_text(value):
    """Whatever the text, in a table cell, at the start of a line or in a list
    item the reader sees the text itself (newlines and tabs as spaces)."""
    want = value.replace("\n", " ").replace("\t", " ").strip()
    cell = markdown.markdown(f"| 列 | 值 |\n|---|---|\n| x | {md(value)} |\n", extensions=EXTENSIONS)
    tds = re.findall(r"<td>(.*?)</td>", cell, re.S)
    assert len(tds) == 2 and tds[0] == "x"
    assert "<" not in tds[1].replace("&lt;", ""), (value, tds[1])
    assert _text_of(tds[1]) == want, (value, tds[1])
    # also under extensions a project's own mkdocs.yml may turn on
    for doc, ext in ((md(value), EXTENSIONS), (f"- {md(value)}", EXTENSIONS), (f"前文\n{md(value)}", EXTENSIONS),
                     (md(value), PYMDOWNX), (f"- {md(value)}", PYMDOWNX)):
        out = markdown.markdown(doc, extensions=ext).replace("<ul>\n<li>", "").replace("</li>\n</ul>", "")
        assert not re.search(r"<(script|a|img|code|em|strong|del|ins|sup|sub|mark|h\d|ol|hr|blockquote|table)\b",
                             out), (value, out)
        assert want in _text_of(out).replace("\n", " "), (value, out)


def test_raw_is_printed_as_is_and_front_matter_is_quoted():
    assert md(Raw("[链接](a.md)")) == "[链接](a.md)"
    assert md(None) == ""
    for s in ("a: b", "- x", "&x", "#y", "[z]", '"q"', "'s'", "x\ny"):
        fm = front_matter(s)
        assert isinstance(fm, Raw)
        data = YAML(typ="safe", pure=True).load(f"title: {fm}\n")
        assert data == {"title": html.escape(s.replace("\n", " "), quote=True)}


def test_personal_data_never_reaches_content(project):
    """basic.contact (name, mobile, e-mail) of every company: in no file of
    content/, Markdown or SVG, and not in the manifest either."""
    y = YAML(typ="safe", pure=True)
    secrets = set()
    for path in (project / "companies").rglob("*.yaml"):
        contact = (y.load(path.read_text("utf-8")).get("basic") or {}).get("contact") or {}
        secrets |= {str(v) for v in contact.values() if v}
    assert len(secrets) >= 6            # names, mobiles and e-mails of several companies
    files = [p for p in (project / "content").rglob("*") if p.is_file()]
    files.append(project / ".zjtx" / "manifest.json")
    assert any(p.suffix == ".svg" for p in files)
    for path in files:
        data = path.read_bytes()
        for s in secrets:
            assert s.encode("utf-8") not in data, (path, s)
    # nor HTML-escaped, nor Markdown-escaped (the e-mail's "." or "_" would be)
    for path in files:
        data = path.read_text("utf-8", errors="replace")
        for s in secrets:
            assert md(s) not in data and html.escape(s) not in data, (path, s)


def test_even_a_project_template_cannot_print_the_contact(tmp_path):
    """Templates get the company without basic.contact: an override that asks
    for it prints nothing (StrictUndefined still holds: the key exists, empty)."""
    root = make_project(tmp_path / "leak", ["gz-chiche-thermal"])
    (root / "templates").mkdir()
    (root / "templates" / "report.md.j2").write_text(
        "联系人[{{ c.basic.contact.name }}|{{ c.basic.contact.mobile }}|{{ c.basic.contact.email }}]"
        "{{ c.basic.name }}\n", "utf-8")
    build(root)
    for rnd in ("2025", "2026"):
        page = (root / "content" / "companies" / "gz-chiche-thermal" / f"{rnd}.md").read_text("utf-8")
        assert page == "联系人[||]广州驰澈汽车热管理科技有限公司\n"
