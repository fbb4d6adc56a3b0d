"""The portfolio above 200 companies: the page holds the first 100 rows and the
closest near misses, a script beside it holds every row."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from zjtx_site.render import paging

pytestmark = pytest.mark.site      # builds a 230-company project

REPO = Path(__file__).resolve().parent.parent
N = 205


@pytest.fixture(scope="module")
def content(tmp_path_factory) -> Path:
    from report_helpers import build, generate_companies

    root = tmp_path_factory.mktemp("paged")
    generate_companies(root, N)
    build(root)
    return root / "content"


def table_rows(md: str) -> list[str]:
    section = md.split("## 全部企业", 1)[1].split("## 按级别的服务路径", 1)[0]
    return [ln for ln in section.splitlines() if ln.startswith("|[")]


def test_the_page_holds_the_first_rows_and_a_script_every_row(content):
    md = (content / "portfolio.md").read_text("utf-8")
    rows = table_rows(md)
    assert len(rows) == paging.PAGE_SIZE
    assert f'data-rows="{paging.rows_script_path("portfolio.md")}"' in md and f'data-total="{N}"' in md
    script = (content / paging.rows_script_path("portfolio.md")).read_text("utf-8")
    key = json.dumps(paging.rows_script_path("portfolio.md"))
    data = paging.unpack_rows(json.loads(script.split(f"[{key}]=", 1)[1].rstrip().rstrip(";")))
    assert len(data) == N
    first = re.search(r"\[([^\]]+)\]\(companies/([^)]+)\.md\)", rows[0])
    assert data[0][0] == f'<a href="companies/{first.group(2)}.html">{first.group(1)}</a>'
    assert all(len(r) == len(data[0]) for r in data)
    # the recurring cells are written once
    assert script.count("× 不符合") == 1


def test_near_misses_are_capped_and_counted(content):
    md = (content / "portfolio.md").read_text("utf-8")
    section = md.split("## 临门一脚", 1)[1].split("## 全部企业", 1)[0]
    near, judged = section.split("### 待人工判断", 1)
    for part in (near, judged):
        listed = [ln for ln in part.splitlines() if ln.startswith("|[")]
        assert len(listed) <= paging.NEAR_SHOWN
        m = re.search(r"共 (\d+) 家，此处列出(?:差距最少的|前) (\d+) 家", part)
        if m:
            assert int(m.group(2)) == len(listed) < int(m.group(1))


def test_by_level_lists_give_way_to_the_filter(content):
    md = (content / "portfolio.md").read_text("utf-8")
    levels = md.split("## 按级别的服务路径", 1)[1]
    assert "在上方“全部企业”表的筛选框中输入" in levels
    assert "](companies/" not in levels


def test_the_home_page_sends_a_long_list_to_the_portfolio(content):
    home = (content / "index.md").read_text("utf-8")
    assert f"共 {N} 家企业：请在[企业总览](portfolio.md)中" in home
    assert "](companies/" not in home          # no row per company on the first page


def test_a_small_portfolio_is_not_paged():
    assert not paging.is_paged(paging.PAGE_FROM) and paging.is_paged(paging.PAGE_FROM + 1)
    assert paging.rows_script_path("rounds/2026.md") == "assets/portfolio-rows-rounds-2026.js"
