"""The 诊断规划报告 page: every section is there, and every number on it is the
scorer's (zjtx_site.scoring.engine.assess), formatted the way the page formats it.

Expected text is derived here from the Assessment with this file's own
formatting and status words (report_helpers), not with the renderer's
helpers, so a wrong mark or a wrong rounding in the renderer fails."""

from __future__ import annotations

import re
from fractions import Fraction

import pytest
from report_helpers import (
    STATUS_WORDS,
    TIER_LABELS,
    blocks,
    build,
    delta1,
    headings,
    inline_blocks,
    make_project,
    num,
    read_page,
    score1,
    section,
    table_after,
    table_problems,
    tables,
)

from zjtx_site import __version__
from zjtx_site.scoring.spans import Status

# two rounds (L4), missing data (L3), two rounds (L5)
COMPANIES = ["gz-chiche-thermal", "gz-shuobai-materials", "gz-jirui-drive"]

SECTIONS = [
    "执行摘要",
    "企业概况",
    "一、企业“专精特新”能力尽调（§8.1.1）",
    "二、企业“专精特新”能力诊断（§8.1.2）",
    "三、企业“专精特新”能力评价（§8.1.3）",
    "四、培育提升建议（§8.2、附录 C）",
    "五、跟踪总结（§7）",
    "六、待补充数据",
    "附录一：梯度评价逐条明细",
    "附录二：评分分档标准",
    "附录三：数据与规则说明",
]
APPENDIX = "附录三：数据与规则说明"
BANDS = "附录二：评分分档标准"
SUBSECTIONS = ["经济效益和经营情况", "派生指标", "定性情况：认证、系统、研发机构与知识产权",
               "企业专精特新能力评估表（附录 B）"]


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    from report_helpers import assessments

    project = make_project(tmp_path_factory.mktemp("content") / "proj", COMPANIES)
    build(project)
    found = assessments(project)
    pages = {}
    for (cid, rnd), a in found.items():
        text = read_page(project / "content" / "companies" / cid / f"{rnd}.md")
        pages[(cid, rnd)] = (a, text, blocks(text))
    return project, pages


def _rounds(site):
    return sorted(site[1])


def _status_word(cell: str) -> str:
    """'○ 符合' -> '符合': the page puts a mark before the word."""
    return cell.split(" ", 1)[1] if " " in cell else cell


def _leaves_in_order(criteria):
    out = []
    for c in criteria:
        out.append(c)
        out += _leaves_in_order(c.children)
    return out


def test_every_round_has_a_page_with_every_section(site):
    project, pages = site
    assert len(pages) == 5          # 2 + 1 + 2 rounds
    for (cid, rnd), (a, text, bs) in pages.items():
        h2 = headings(bs, 2)
        for s in SECTIONS:
            assert s in h2, (cid, rnd, s)
        assert [h2.index(s) for s in SECTIONS] == sorted(h2.index(s) for s in SECTIONS)
        h3 = headings(bs, 3)
        for s in SUBSECTIONS:
            assert s in h3, (cid, rnd, s)
        assert headings(bs, 1) == [f"{a.company.basic.name}：企业专精特新进阶培育诊断规划报告（{rnd}）"]


def test_tables_are_well_formed(site):
    """Every row has its header's column count and no heading is swallowed into a table."""
    project, pages = site
    for key, (a, text, bs) in pages.items():
        assert table_problems(text) == [], key
        for rows in tables(bs):
            for row in rows:
                assert not any(cell.startswith(("#", "---", "|")) for cell in row), (key, row)
    for path in sorted((project / "content").rglob("*.md")):
        assert table_problems(path.read_text("utf-8")) == [], path


def test_charts_are_on_the_page_and_in_content(site):
    project, pages = site
    for (cid, rnd), (a, text, bs) in pages.items():
        imgs = {b.attrs["src"] for b in bs if b.kind == "img"}
        want = {f"{rnd}-radar.svg", f"{rnd}-trend.svg"}
        earlier = [r for (c2, r) in pages if c2 == cid and r < rnd]
        if earlier:
            want.add(f"{rnd}-rounds.svg")
        assert imgs == want, (cid, rnd)
        for src in imgs:
            assert (project / "content" / "companies" / cid / src).read_bytes().startswith(b"<svg ")


def test_cover_matches_the_assessment(site):
    for (cid, rnd), (a, text, bs) in site[1].items():
        cover = dict((r[0], r[1]) for r in table_after(section(bs, "企业概况"), "项目"))
        assert cover["企业名称"] == a.company.basic.name
        assert cover["评估轮次 / 评估日期"] == f"{rnd} / {a.company.assessed_on.isoformat()}"
        assert cover["分级分类"].startswith(f"{a.grade.level}（上年度营业收入 {num(a.grade.revenue)} 万元")
        assert cover["服务路径"] == a.grade.path
        assert cover["已持有称号"] == ("、".join(TIER_LABELS[t] for t in a.held) or "无")
        assert cover["可申报"] == ("、".join(TIER_LABELS[t] for t in a.ready_to_apply) or "无")
        t = a.plan_target
        assert cover["下一梯度"] == f"{TIER_LABELS[a.next_tier]}（最早 {t.apply_in} 年申报）"
        path = cover["路径梯度"]
        for t in a.grade.path_tiers:
            assert f"{TIER_LABELS[t]}（" in path
            assert STATUS_WORDS[a.tier(t).status.value] in path.split(f"{TIER_LABELS[t]}（", 1)[1].split("）")[0]
        # engineering details are in the last appendix, not in the client-facing part
        assert "报告版本" not in cover and "适用规则集" not in cover
        details = dict((r[0], r[1]) for r in table_after(section(bs, APPENDIX), "项目"))
        assert details["报告版本"] == f"zjtx-site {__version__}"
        assert a.company.digest[:12] in details["数据摘要 / 数据版本"]
        assert details["数据文件"] == f"companies/{cid}/{rnd}.yaml"
        # the tier glance: status and route per tier; the rule set and why in the appendix
        glance = table_after(section(bs, "梯度评价一览"), "梯度")
        assert [r[0] for r in glance] == [t.label for t in a.tiers]
        for row, t in zip(glance, a.tiers):
            assert _status_word(row[1]) == STATUS_WORDS[t.status.value], (cid, rnd, t.tier)
            assert row[2] == {"score": "评分路线", "direct": "直通条件"}.get(t.route or "", "—")
        # each tier's rule set and why: the date-based choice they share is said once
        rules = table_after(section(bs, APPENDIX), "梯度")
        shown = [r for r in rules if r[0] in TIER_LABELS.values()][:len(a.tiers)]
        assert [r[:2] for r in shown] == [[t.label, t.ruleset] for t in a.tiers]
        common = details.get("规则集选择", "")
        for r, t in zip(shown, a.tiers):
            whole = common + ("" if r[2] == "—" else "；" + r[2]) if common else r[2]
            assert whole == t.ruleset_reason, (cid, rnd, t.tier)
        assert common                      # the examples are all chosen by one date


def test_due_diligence_table(site):
    for (cid, rnd), (a, text, bs) in site[1].items():
        c = a.company
        sec = section(bs, "经济效益和经营情况")
        header = tables(sec)[0][0]
        assert header == ["指标"] + [f"{y.year} 年" for y in c.financials]
        rows = {r[0]: r[1:] for r in table_after(sec, "指标")}
        assert rows["营业收入（万元）"] == [num(Fraction(y.revenue)) for y in c.financials]
        assert rows["其中：主营业务收入（万元）"] == [num(Fraction(y.main_revenue)) for y in c.financials]
        assert rows["研发费用总额（万元）"] == [
            "未报告" if y.rd_expense is None else num(Fraction(y.rd_expense)) for y in c.financials]
        assert rows["研发费用占比"] == [
            "未报告" if y.rd_expense is None else num(Fraction(y.rd_expense) / Fraction(y.revenue) * 100) + "%"
            for y in c.financials]
        assert rows["净利润率"] == [
            "未报告" if y.net_profit is None else num(Fraction(y.net_profit) / Fraction(y.revenue) * 100) + "%"
            for y in c.financials]
        # each figure once: the summary figures that are the last year's cell are shown there
        from zjtx_site.scoring.figures import LAST_YEAR_CELL

        last = {k: v[-1] for k, v in rows.items()}
        for name, cell in LAST_YEAR_CELL.items():
            f = a.figure(name)
            if cell == "debt_ratio":
                assert f.shown in ("未报告" if last["资产负债率（%）"] == "未报告" else last["资产负债率（%）"] + "%",)
            else:
                assert f.shown == a.figure(f"year:{cell}", c.financials[-1].year).shown, (cid, rnd, name)
        derived = table_after(section(bs, "派生指标"), "指标")
        assert derived == [[f.label, f.shown] for f in a.figures if f.year is None and f.name not in LAST_YEAR_CELL]
        assert [r[0] for r in derived] == ["近2年主营业务收入平均增长率", "近两年营业收入复合增长率", "近2年研发费用总额合计"]
        profile = dict((r[0], r[1]) for r in table_after(section(bs, "定性情况：认证、系统、研发机构与知识产权"),
                                                         "项目"))
        assert profile["从事特定细分市场时间"] == f"{num(Fraction(c.specialization.niche_years))} 年"
        assert profile["主导产品"] == (c.product.name or "未报告")
        assert profile["所属产业链"] == (c.chain.name or "未报告")
        # what the 评估表 shows is not repeated here, and it is there
        from zjtx_site.render.report import IN_OTHER_ROW, SHOWN_IN_FORM, profile_rows

        form = table_after(section(bs, "企业专精特新能力评估表（附录 B）"), "评价指标")
        form_text = " ".join(cell for row in form for cell in row)
        scored = {(d.key, i.id): i.label for d in a.dimensions for i in d.indicators}
        # every indicator named there is one the built-in dimensions score (no typo keeps a row)
        assert all(set(ids) <= set(scored) for ids in SHOWN_IN_FORM.values())
        for label, value in profile_rows(c):
            if label in IN_OTHER_ROW:
                assert label not in profile and f"{IN_OTHER_ROW[label]}：" in form[-1][2] + form[-1][3]
            elif label in SHOWN_IN_FORM and set(SHOWN_IN_FORM[label]) <= set(scored):
                assert label not in profile, (cid, rnd, label)
                for indicator in SHOWN_IN_FORM[label]:
                    assert f"{scored[indicator]}：" in form_text, (cid, rnd, indicator)
            else:
                assert profile[label] == value, (cid, rnd, label)


def test_dimension_scores_and_indicators(site):
    for (cid, rnd), (a, text, bs) in site[1].items():
        diag = section(bs, "二、企业“专精特新”能力诊断（§8.1.2）")
        overview = table_after(diag, "维度")
        assert [(r[0], r[1]) for r in overview] == [(d.label, score1(d.score)) for d in a.dimensions]
        # a dimension with unreported indicators is a lower bound, and the page says so
        notes = [b.text for b in diag if b.kind == "p" and b.text.startswith("注：")]
        incomplete = [d.label for d in a.dimensions if not d.complete]
        if incomplete:
            assert len(notes) == 1 and notes[0].startswith("注：" + "、".join(incomplete) + "有指标未报告")
        else:
            assert notes == []
        # each indicator's bands once, in 附录三 (the same for every report scored alike)
        bands = section(bs, BANDS)
        for d in a.dimensions:
            rows = table_after(section(bs, f"六维诊断 · {d.label}"), "指标")
            assert rows == [[i.label, num(i.max_points), i.target] for i in d.indicators], (cid, rnd)
        assert bands


def test_appendix_b(site):
    for (cid, rnd), (a, text, bs) in site[1].items():
        rows = table_after(section(bs, "企业专精特新能力评估表（附录 B）"), "评价指标")
        assert [r[0] for r in rows] == ["专业化指标", "精细化指标", "特色化指标", "创新能力指标",
                                        "产业链配套指标", "主导产品所属领域指标", "其他指标"]
        assert [r[1] for r in rows[:6]] == [score1(d.score) for d in a.dimensions]
        for row, d in zip(rows, a.dimensions):
            # every indicator once in the report: its value and points here
            for i in d.indicators:
                where = row[2] if i.points == i.max_points else row[3]
                assert f"{i.label}：{i.value}（{num(i.points)}/{num(i.max_points)} 分" in where, (cid, rnd, i.label)
        other = rows[6][2] + rows[6][3]
        for item in ("近三年未发生重大安全", "专精特新中小企业认定", "上市计划与融资", "与行业领军企业对标",
                     "相关部门资质认定"):
            assert item in other


def test_tier_checklists(site):
    from zjtx_site.vocabulary import TIERS

    beyond_seen = 0
    for (cid, rnd), (a, text, bs) in site[1].items():
        top = max(TIERS.index(p) for p in a.grade.path_tiers)
        for t in a.tiers:
            title = next(h for h in headings(bs, 3) if h.startswith(f"{t.label}："))
            assert _status_word(title.split("：", 1)[1].split("（")[0]) == STATUS_WORDS[t.status.value]
            sec = section(bs, title)
            settled = t.status in (Status.MET, Status.MANUAL_REVIEW)
            if not settled and TIERS.index(t.tier) > top:
                # above the service path (§7.1): the verdict and what is lacking, no checklist
                assert not [b for b in sec if b.kind == "table"], (cid, rnd, t.tier)
                (line,) = [b.text for b in sec if b.kind == "p"]
                assert line.startswith(f"不在本企业的服务路径上（{a.grade.level} 级：")
                for c in t.criteria:
                    assert (f"{c.label}（" in line) == (c.status is not Status.MET), (cid, rnd, c.label)
                beyond_seen += 1
                continue
            rows = table_after(sec, "条件")
            # a tier not met lists what stands in its way; the conditions it meets are named
            shown = [c for c in t.criteria if settled or c.status is not Status.MET]
            named = [c.label for c in t.criteria if c not in shown]
            crits = _leaves_in_order(shown)
            assert len(rows) == len(crits), (cid, rnd, t.tier)
            met_line = [b.text for b in sec if b.kind == "p" and b.text.startswith("已符合的其他条件")]
            assert met_line == ([f"已符合的其他条件（{len(named)} 项）：{'；'.join(named)}。"] if named else []), \
                (cid, rnd, t.tier)
            for row, c in zip(rows, crits):
                assert row[0].endswith(c.label)
                assert _status_word(row[1]) == STATUS_WORDS[c.status.value], (cid, rnd, c.label)
                assert row[2] == c.value
                assert row[3] == c.threshold
                if c.gap is not None and c.status is not Status.MET and c.gap.shortfall:
                    assert c.gap.shortfall in row[4]
                    if c.gap.money:
                        assert c.gap.money in row[4]
                if c.status is Status.MET:
                    assert row[4] == ""
    assert beyond_seen          # 烁柏 (L3): 单项冠军


def test_scored_tiers_points_and_group_subtotals(site):
    seen = set()
    for (cid, rnd), (a, text, bs) in site[1].items():
        for t in a.tiers:
            if t.score is None:
                continue
            seen.add(t.tier)
            title = next(h for h in headings(bs, 3) if h.startswith(f"{t.label}："))
            sec = section(bs, title)
            para = next(b.text for b in sec if b.kind == "p" and b.text.startswith("评分明细"))
            assert f"总分 {num(t.score.total)} 分（及格线 {num(t.score.pass_mark)} 分" in para
            if t.score.best_total != t.score.total:
                assert f"最高可能 {num(t.score.best_total)} 分" in para
            lines = table_after(sec, "分组")
            assert len(lines) == len(t.score.lines)
            labels = {g.key: g.label for g in t.score.groups}
            for row, ln in zip(lines, t.score.lines):
                assert row[:4] == [labels[ln.group], ln.label, ln.value, f"{num(ln.points)}/{num(ln.max_points)}"]
            groups = [r for r in tables(sec) if r[0][:2] == ["分组", "小计（分）"]][0][1:]
            assert len(groups) == len(t.score.groups)
            for row, g in zip(groups, t.score.groups):
                assert row[:4] == [g.label, num(g.points), num(g.max_points),
                                   "—" if g.minimum is None else num(g.minimum)]
                if g.minimum is not None:
                    want = "达到" if g.points >= g.minimum else ("待补充数据" if g.best_points >= g.minimum
                                                                 else "未达到")
                    assert _status_word(row[4]) == want
            # the group subtotals add up to the total the scorer reports
            assert sum(g.points for g in t.score.groups) == t.score.total
    # 创新型 is scored in both rule sets, 专精特新 in the 2025 (miit-2022) rounds
    assert seen == {"innovative_sme", "srdi_sme"}


PRIORITY_WORDS = {"high": "高", "medium": "中", "low": "低"}
KIND_WORDS = {"data": "补报数据", "evidence": "准备材料", "qualify": "取得资质", "improve": "提升",
              "not_recoverable": "已成定局"}


def test_plan_box_then_table_of_every_item(site):
    planned = 0
    for (cid, rnd), (a, text, bs) in site[1].items():
        sec = section(bs, "四、培育提升建议（§8.2、附录 C）")
        t = a.plan_target
        # the 最小达标组合 box comes first: the target, its year and rules, one line per item
        title = sec[0].text
        # the rules by title for the client (their ids are in 附录三)
        rules = dict(a.ruleset_titles)[t.ruleset]
        assert title == f"最小达标组合 · {TIER_LABELS[t.tier]}：最早 {t.apply_in} 年申报（适用 《{rules}》）"
        box = [b.text for b in sec[: next(i for i, b in enumerate(sec) if b.kind == "h3")] if b.kind == "li"]
        following = t.following
        assert len(box) == len(t.minimal_set) + (len(following.minimal_set) if following else 0)
        assert [x.split(" ", 1)[0] for x in box[: len(t.minimal_set)]] == list(t.minimal_set)
        # then a table per tier: 措施, 现值 → 目标值, 差距, 折合金额, 优先级, 完成时限, 建议责任部门
        rows = [r for tb in tables(sec) if tb[0][:2] == ["序号", "措施"] for r in tb[1:]]
        assert tables(sec)[0][0] == ["序号", "措施", "现值 → 目标值", "差距", "折合金额", "优先级", "完成时限",
                                          "建议责任部门"]
        assert len(rows) == len(a.plan)
        for row, p in zip(rows, a.plan):
            assert row[0] == f"{'★' if p.minimal else ''}{p.id} {KIND_WORDS[p.kind]}"
            assert row[1].startswith(f"{p.area_label} · {p.item}：{p.action}")
            assert row[5] == PRIORITY_WORDS[p.priority] and row[7] == p.owner
            if p.kind == "not_recoverable":
                assert row[6] == f"{p.apply_from} 年起不再计入"
            else:
                assert row[6] == p.due
            if p.money_wan is not None:
                assert row[4] == f"约 {num(Fraction(round(p.money_wan * 10), 10))} 万元"
            if p.points:
                assert row[3].endswith(f"+{num(p.points)} 分")
        planned += len(a.plan)
    assert planned > 0


def test_judgement_items_show_their_facts(site):
    for a, _, bs in site[1].values():
        manual = [leaf for t in a.tiers for c in t.criteria for leaf in c.leaves()
                  if leaf.status is Status.MANUAL_REVIEW]
        if not manual:
            continue
        rows = table_after(section(bs, "六、待补充数据"), "梯度")
        for leaf in manual:
            row = next(r for r in rows if r[1] == leaf.label)
            assert row[3] == "；".join(f"{f.label} {f.value}" for f in leaf.facts)
            assert row[4] == leaf.evidence


def test_history_against_the_previous_round(site):
    pages = site[1]
    compared = 0
    for (cid, rnd), (a, text, bs) in pages.items():
        sec = section(bs, "五、跟踪总结（§7）")
        earlier = sorted(r for (c2, r) in pages if c2 == cid and r < rnd)
        if not earlier:
            assert any("第一轮评估" in b.text for b in sec if b.kind == "p")
            continue
        compared += 1
        prev = pages[(cid, earlier[-1])][0]
        dims = table_after(sec, "维度")
        assert dims == [[d.label, score1(p.score), score1(d.score), delta1(d.score, p.score)]
                        for d, p in zip(a.dimensions, prev.dimensions)]
        tiers = table_after(sec, "梯度")
        for row, t in zip(tiers, a.tiers):
            p = prev.tier(t.tier)
            assert row[0] == t.label
            assert _status_word(row[1]) == STATUS_WORDS[p.status.value]
            assert _status_word(row[2]) == STATUS_WORDS[t.status.value]
            assert (row[3] == "无变化") == (p.status is t.status)
        summary = dict((r[0], r[1:]) for r in table_after(sec, "项目"))
        assert summary["分级分类"][:2] == [prev.grade.level, a.grade.level]
        # last round's gaps: closed when their criterion is met now, else still open;
        # tiers whose rule set changed are not compared criterion by criterion
        closed, still = [], []
        for g in prev.gaps:
            if prev.tier(g.tier).ruleset != a.tier(g.tier).ruleset:
                continue
            now = _find(a.tier(g.tier), g.criterion)
            (closed if now is None or now in (Status.MET, Status.NOT_APPLICABLE) else still).append(g)
        got_closed = _rows_under(sec, "上一轮差距中已弥补的")
        got_still = _rows_under(sec, "仍未弥补的")
        assert [(r[0], r[1], r[2]) for r in got_closed] == [(TIER_LABELS[g.tier], g.label, g.value) for g in closed]
        assert [(r[0], r[1], r[2]) for r in got_still] == [(TIER_LABELS[g.tier], g.label, g.value) for g in still]
    assert compared == 2


def _find(t, crit_id):
    if crit_id.startswith("score."):
        line = next((ln for ln in t.score.lines if ln.id == crit_id[6:]), None) if t.score else None
        return None if line is None else (Status.MET if line.points == line.max_points else Status.UNMET)
    for c in _leaves_in_order(t.criteria):
        if c.id == crit_id:
            return c.status
    return None


def _unsettled_leaves(criteria):
    out = []
    for c in criteria:
        if c.status is not Status.NEEDS_DATA or c.id == "prerequisite":
            continue
        out += _unsettled_leaves(c.children) if c.children else [c]
    return out


def _rows_under(sec, label):
    """The table right after the bold paragraph ``label`` (none when it says 无。)."""
    for i, b in enumerate(sec):
        if b.kind == "p" and b.text == label:
            nxt = sec[i + 1]
            return [] if nxt.kind == "p" and nxt.text == "无。" else nxt.rows[1:]
    raise AssertionError(label)


def test_jirui_still_open_gaps_are_not_called_closed(site):
    """The 2025 plan aimed at 单项冠军; in 2026 it aims elsewhere, but the 单项冠军
    gaps are still unmet: they must not be reported as closed."""
    a, text, bs = site[1][("gz-jirui-drive", "2026")]
    sec = section(bs, "五、跟踪总结（§7）")
    assert a.tier("single_champion").status is Status.UNMET
    still = _rows_under(sec, "仍未弥补的")
    assert any(r[0] == "制造业单项冠军企业" for r in still)
    assert not any(r[0] == "制造业单项冠军企业" for r in _rows_under(sec, "上一轮差距中已弥补的"))


def test_missing_data_names_what_settles_every_needs_data_criterion(site):
    a, text, bs = site[1][("gz-shuobai-materials", "2026")]
    rows = table_after(section(bs, "六、待补充数据"), "需补充的数据")
    settles = "；".join(r[1] for r in rows)
    count = 0
    for t in a.tiers:
        # the unsettled conditions: needs_data leaves whose every enclosing group
        # is unsettled too (a leaf of a group already met needs nothing)
        for c in _unsettled_leaves(t.criteria):
            assert f"{TIER_LABELS[t.tier]}：{c.label}" in settles, c.label
            count += 1
    for d in a.dimensions:
        for i in d.indicators:
            if i.status is Status.NEEDS_DATA:
                assert f"六维诊断·{d.label}：{i.label}" in settles
                count += 1
    assert count >= 10
    # named by field in the appendix (in the same order): the unreported debt ratio of
    # the last year, with the conclusions it settles
    keys = table_after(section(bs, APPENDIX), "需补充的数据")
    assert [k[0] for k in keys] == [r[0] for r in rows]
    by_field = {k[1]: r for k, r in zip(keys, rows)}
    debt = by_field["financials[2].debt_ratio"]
    assert debt[0] == "资产负债率（2025 年）"
    assert "专精特新中小企业：资产负债率≤80%" in debt[1]
    assert "六维诊断·精细化：资产负债率" in debt[1]
    # a field that was reported is never asked for
    assert "financials[2].revenue" not in by_field
    assert "specialization.niche_years" not in by_field


def test_no_missing_data_says_so(site):
    for (cid, rnd), (a, text, bs) in site[1].items():
        sec = section(bs, "六、待补充数据")
        needs = any(_unsettled_leaves(t.criteria) for t in a.tiers) or any(
            i.status is Status.NEEDS_DATA for d in a.dimensions for i in d.indicators)
        assert any(b.text == "没有缺失的数据。" for b in sec) != needs, (cid, rnd)


def test_executive_summary_comes_first_in_prose(site):
    """Where the company stands, its strongest and weakest dimensions, the next tier
    with the earliest year of application, and three measures, before anything else."""
    for (cid, rnd), (a, text, bs) in site[1].items():
        assert headings(bs, 2)[0] == "执行摘要"
        sec = section(bs, "执行摘要")
        paras = [b.text for b in sec if b.kind == "p"]
        assert paras[0].startswith(f"企业属 {a.grade.level} 级（上年度营业收入 {num(a.grade.revenue)} 万元")
        assert "可申报：" in paras[0]
        ranked = sorted(a.dimensions, key=lambda d: (-d.score, d.key))
        top = f"{ranked[0].label}（{score1(ranked[0].score)} 分）"
        assert paras[1].startswith(f"六维诊断（每维满分 100 分）中，优势在{top}")
        assert f"短板在{ranked[-1].label}（{score1(ranked[-1].score)} 分）" in paras[1]
        assert paras[2].startswith(f"下一梯度为{TIER_LABELS[a.next_tier]}：")
        assert re.search(r"20\d\d 年", paras[2]), paras[2]
        measures = [b.text for b in sec if b.kind == "li"]
        assert len(measures) == 3, (cid, rnd, measures)
        # the minimal set first, each with who does it and by when
        minimal = [p for p in a.plan if a.plan_target and p.id in a.plan_target.minimal_set]
        for p, m in zip(minimal, measures):
            assert m.startswith(p.action.rstrip("。")) and p.owner in m and p.due in m, (cid, rnd, m)


def test_scores_on_a_rounding_boundary_round_half_up(site):
    """1.15 is 1.2 on the page (as in the JSON), not the binary float's 1.1;
    and a change of 0.05 shows as +0.1, not +0.0."""
    import dataclasses

    from zjtx_site.render.environment import environment
    from zjtx_site.render.history import History
    from zjtx_site.render.report import report_context

    project, pages = site
    prev, _, _ = pages[("gz-chiche-thermal", "2025")]
    a, _, _ = pages[("gz-chiche-thermal", "2026")]
    d0 = a.dimensions[0]
    a2 = dataclasses.replace(a, dimensions=(dataclasses.replace(d0, score=Fraction(115, 100)),) + a.dimensions[1:])
    p0 = prev.dimensions[0]
    prev2 = dataclasses.replace(prev, dimensions=(dataclasses.replace(p0, score=Fraction(110, 100)),)
                                + prev.dimensions[1:])
    ctx = report_context(a2, History(previous=prev2, rounds=(prev2, a2)),
                         {"radar": "", "trend": "", "rounds": ""}, "rev",
                         shared=inline_blocks(environment(project), a2))
    bs = blocks(environment(project).get_template("report.md.j2").render(**ctx))
    assert table_after(section(bs, "二、企业“专精特新”能力诊断（§8.1.2）"), "维度")[0][:2] == [d0.label, "1.2"]
    assert table_after(section(bs, "企业专精特新能力评估表（附录 B）"), "评价指标")[0][1] == "1.2"
    assert table_after(section(bs, "五、跟踪总结（§7）"), "维度")[0] == [d0.label, "1.1", "1.2", "+0.1"]
