"""The report as a client reads it: a prose summary first, no engineering
identifiers before the last appendix, the inputs that changed since the last
round with their effect on each tier, the movers on the round pages, and a
footer naming the commit of the company's data file."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from report_helpers import (
    COMPANIES,
    REPO,
    assessments,
    blocks,
    build,
    make_project,
    read_page,
    section,
    table_after,
    to_html,
)

APPENDIX = "附录三：数据与规则说明"
# what an engineer would recognise and a client should not meet: rule-set ids,
# field keys (financials[2].rd_expense, basic.sme), snake_case ids, digests, our name
ENGINEERING = re.compile(r"miit-\d{4}|[a-z_]+(?:\[[^\]]*\])?\.[a-z_]+|\b[a-z]+_[a-z_]+\b"
                         r"|\b[0-9a-f]{12,}\b|zjtx")


@pytest.fixture(scope="module")
def examples(tmp_path_factory):
    """Every example company, built (content only)."""
    root = tmp_path_factory.mktemp("client") / "proj"
    shutil.copytree(COMPANIES, root / "companies")
    build(root)
    return root, assessments(root)


def _text(b) -> str:
    return b.text + " ".join(cell for row in b.rows for cell in row)


def _page(root: Path, cid: str, rnd: str):
    return blocks(read_page(root / "content" / "companies" / cid / f"{rnd}.md"))


def test_no_engineering_identifier_before_the_last_appendix(examples):
    root, found = examples
    for cid, rnd in found:
        bs = _page(root, cid, rnd)
        titles = [b.text for b in bs if b.kind.startswith("h")]
        cut = next(i for i, b in enumerate(bs) if b.kind == "h2" and b.text == APPENDIX)
        client = "\n".join(_text(b) for b in bs[:cut]) + "\n".join(titles)
        hits = ENGINEERING.findall(client)
        assert not hits, (cid, rnd, hits)
        # they moved, they were not dropped
        details = "\n".join(_text(b) for b in bs[cut:])
        assert re.search(r"miit-\d{4}", details) and f"companies/{cid}/{rnd}.yaml" in details


def test_every_summary_states_applicable_next_tier_year_and_three_measures(examples):
    root, found = examples
    for (cid, rnd), a in found.items():
        sec = section(_page(root, cid, rnd), "执行摘要")
        text = "\n".join(_text(b) for b in sec)
        assert "可申报：" in text, (cid, rnd)
        if a.next_tier:
            when = r"(最早可于 20\d\d 年申报|条件满足后本年度（20\d\d 年）即可申报)"
            assert re.search(r"下一梯度为[^：]+：" + when, text), text
        assert len([b for b in sec if b.kind == "li"]) == 3, (cid, rnd)


def test_held_titles_count_for_the_lower_sme_tiers(examples):
    _, found = examples
    a = found[("gz-jirui-drive", "2026")]          # holds 小巨人
    assert a.held == ("innovative_sme", "srdi_sme", "little_giant")
    assert a.ready_to_apply == ()                   # what it meets, it holds
    b = found[("gz-lingqiong-aero", "2026")]       # holds no tier title, meets 创新型
    assert b.held == () and b.ready_to_apply == ("innovative_sme",)


def test_the_summary_gives_the_plans_application_year(examples):
    """汐朔 2026: the 2024 R&D figure is short and final; 2025's is short too, so 2028.
    恒盾 2026: only a judgement is open, so this year."""
    from zjtx_site.render.summary import executive_summary

    _, found = examples
    for key, year in ((("gz-xishuo-materials", "2026"), 2028), (("gz-hengdun-security", "2026"), 2026)):
        a = found[key]
        assert a.plan_target is not None and a.plan_target.apply_in == year
        s = executive_summary(a)
        assert s.apply_in == year and f"{year} 年" in s.application


def test_home_page_sentence_is_not_part_of_the_last_bullet(examples):
    root, _ = examples
    html = to_html((root / "content" / "index.md").read_text("utf-8").split("---", 2)[2])
    assert re.search(r"<p>本站收录", html), html[:800]
    assert not re.search(r"<li>[^<]*按评估轮次[^\n]*本站收录", html)


# what changed ------------------------------------------------------------------------

@pytest.fixture(scope="module")
def revised(tmp_path_factory):
    """恒盾 2026, then a second round 2026-h2 whose 2025 R&D spending was corrected
    down to 50 万元 (1.16% of revenue): 专精特新's R&D conditions fail."""
    root = make_project(tmp_path_factory.mktemp("revised") / "proj", ["gz-hengdun-security"])
    folder = root / "companies" / "gz-hengdun-security"
    text = (folder / "2026.yaml").read_text("utf-8")
    assert text.count("rd_expense: 700") == 1
    (folder / "2026-h2.yaml").write_text(text.replace("rd_expense: 700", "rd_expense: 50"), "utf-8")
    build(root)
    return root


def test_changed_inputs_with_old_new_and_effect_on_each_tier(revised):
    bs = _page(revised, "gz-hengdun-security", "2026-h2")
    sec = section(bs, "本轮数据变化")
    assert table_after(sec, "数据")
    header = next(r for r in (b.rows for b in sec if b.kind == "table"))[0]
    assert header == ["数据", "上一轮", "本轮", "创新型", "专精特新", "小巨人", "单项冠军"]
    rows = {r[0]: r for r in table_after(sec, "数据")}
    assert list(rows) == ["研发费用总额（2025 年，数据更正）"]     # nothing else changed
    row = rows["研发费用总额（2025 年，数据更正）"]
    assert row[1:3] == ["700 万元", "50 万元"]
    assert "上年度研发费用占比≥3%：○ → ×" in row[4]
    assert "上年度研发费用总额≥100万元：○ → ×" in row[4]
    assert row[6] == "—"                          # 单项冠军 does not read it
    # the first round has nothing to compare
    first = section(_page(revised, "gz-hengdun-security", "2026"), "五、跟踪总结（§7）")
    assert any("第一轮评估" in b.text for b in first)


def test_round_page_lists_the_movers(revised):
    bs = blocks((revised / "content" / "rounds" / "2026-h2.md").read_text("utf-8"))
    rows = table_after(section(bs, "本轮变化的企业"), "企业")
    assert len(rows) == 1 and rows[0][1] == "2026"
    assert "专精特新 待人工判断 → 不符合" in rows[0][2]
    first = blocks((revised / "content" / "rounds" / "2026.md").read_text("utf-8"))
    assert any("本轮没有企业" in b.text for b in section(first, "本轮变化的企业"))


# where the data comes from ------------------------------------------------------------

def _git(root: Path, *args: str) -> str:
    env = {**os.environ, "GIT_AUTHOR_DATE": "2026-05-21T09:00:00+08:00",
           "GIT_COMMITTER_DATE": "2026-05-21T09:00:00+08:00"}
    return subprocess.run(["git", "-c", "user.name=Staff", "-c", "user.email=staff@example.org",
                           "-c", "commit.gpgsign=false", *args], cwd=root, env=env, check=True,
                          capture_output=True, text=True).stdout


def _footer(root: Path, cid: str, rnd: str) -> str:
    text = (root / "content" / "companies" / cid / f"{rnd}.md").read_text("utf-8")
    return text.rstrip().splitlines()[-1]


def test_footer_names_the_commit_of_the_data_file(tmp_path):
    root = make_project(tmp_path / "proj", ["gz-hengdun-security", "gz-lanqi-bio"])
    build(root)
    assert "内容摘要" in _footer(root, "gz-lanqi-bio", "2026")         # no git: the digest
    _git(root, "init", "-q")
    _git(root, "add", "companies")
    _git(root, "commit", "-q", "-m", "Add 2026 data of two companies")
    sha = _git(root, "rev-parse", "HEAD").strip()
    build(root)
    assert _footer(root, "gz-lanqi-bio", "2026") == (
        f"<small>数据文件最后修改：提交 {sha[:7]}（2026-05-21）“Add 2026 data of two companies”</small>")
    # an uncommitted change: the last commit no longer describes the file
    path = root / "companies" / "gz-lanqi-bio" / "2026.yaml"
    path.write_text(path.read_text("utf-8") + "\n", "utf-8")
    build(root)
    assert "未取得版本库记录" in _footer(root, "gz-lanqi-bio", "2026")
    assert sha[:7] in _footer(root, "gz-hengdun-security", "2026")


def test_repository_mkdocs_settings_name_no_invented_issuer():
    from zjtx_site.website.pdf import pdf_settings

    assert pdf_settings(REPO).issuer is None
