"""Tables written without padding (render/tables.py): smaller pages, the same HTML."""

from __future__ import annotations

import re
from pathlib import Path

import markdown
from report_helpers import EXTENSIONS, read_page, split_front_matter

from zjtx_site.render.tables import compact_tables

CONTENT = Path(__file__).resolve().parent.parent / "content"


def test_padding_goes_but_escaped_pipes_and_other_lines_stay():
    text = ("| 项目 | 内容 |\n|---|---:|\n| 名称 | a \\| b |\n|　└ 子项 | 85\\.0 |  \n"
            "    | 缩进的不是表格 |\n正文 | 不是表格行\n")
    assert compact_tables(text) == ("|项目|内容|\n|---|---:|\n|名称|a \\| b|\n|　└ 子项|85\\.0|\n"
                                    "    | 缩进的不是表格 |\n正文 | 不是表格行\n")


def test_every_committed_page_renders_as_its_padded_form_does():
    """Python-Markdown strips a cell's edge spaces: putting the padding back changes nothing."""
    pages = sorted(p for p in CONTENT.rglob("*.md") if "_shared" not in p.parts)
    assert len(pages) > 30
    for page in pages:
        text = split_front_matter(read_page(page))[1]
        assert "| " not in "\n".join(ln for ln in text.split("\n") if ln.startswith("|")).replace("\\| ", ""), page
        padded = "\n".join(re.sub(r"(?<!\\)\|", " | ", ln) if ln.startswith("|") else ln
                           for ln in text.split("\n"))
        assert markdown.markdown(text, extensions=EXTENSIONS) == markdown.markdown(padded, extensions=EXTENSIONS), page
