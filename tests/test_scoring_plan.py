"""The plan (rules.md §5; standard §7.4, §8.2, Appendix C): gaps, money, order, areas."""

from __future__ import annotations

from datetime import date
from fractions import Fraction

import pytest
from scoring_helpers import (
    COMPANIES,
    DATA,
    DROP,
    MR,
    ND,
    UNMET,
    base_dict,
    company_from_dict,
    engine,
    find,
    leaf_conditions,
    load_ruleset_yaml,
    plain_yaml,
    run,
)

from zjtx_site.scoring.builtin.plan import NOT_PLANNED, plan_catalog
from zjtx_site.scoring.engine import assess
from zjtx_site.scoring.score_json import to_json

D26 = {"assessed_on": date(2026, 5, 20), "compliance.platform_score": 81}

# Appendix C: the six areas, as rules.md §5 names them
APPENDIX_C = {"innovation": "创新能力提升", "quality": "质量品牌价值提升", "digital": "数字化赋能升级",
              "financing": "融资促进", "integration": "融通发展", "open": "开放合作"}


def fin(i: int, **kw) -> dict:
    return {f"financials.{i}.{k}": v for k, v in kw.items()}


def gap_of(a, tier: str, path: str):
    g = find(a.tier(tier), path).gap
    assert g is not None
    return g


# ---------------------------------------------------------------- gaps in the rule's unit and in money

def test_rd_ratio_gap_in_points_and_money():
    # rules.md §5: 研发费用占比 2.4% → 3.0%: +0.6 个百分点, 约 +54 万元 at this year's revenue (9000)
    a = run(fin(2, revenue=9000, main_revenue=8700, rd_expense=216, net_profit=900))
    g = gap_of(a, "srdi_sme", "rd/rd_ratio")
    assert (g.status, g.value, g.threshold) == (UNMET, "2.4%", "≥3%")
    assert g.shortfall == "+0.6 个百分点"
    assert g.money == "约 +54 万元"
    assert g.plan_item == "rd_ratio"
    assert g.tier == "srdi_sme"


def test_rd_ratio_gap_of_the_earlier_year_converts_at_that_years_revenue():
    a = run({**D26, **fin(1, revenue=10000, main_revenue=9000, rd_expense=240)})
    g = gap_of(a, "srdi_sme", "rd/rd_ratio_y2")
    assert (g.shortfall, g.money) == ("+0.6 个百分点", "约 +60 万元")


def test_amount_gap_is_its_own_money():
    a = run({**D26, **fin(2, revenue=3000, main_revenue=2900, rd_expense=80, net_profit=300)})
    g = gap_of(a, "srdi_sme", "rd/rd_expense_y3")
    assert (g.value, g.threshold, g.shortfall, g.money) == ("80万元", "≥100万元", "+20 万元", "约 +20 万元")


def test_at_most_gap_is_a_reduction():
    a = run({**D26, **fin(2, debt_ratio="85.5")})
    g = gap_of(a, "srdi_sme", "debt_ratio")
    assert (g.value, g.threshold, g.shortfall, g.money) == ("85.5%", "≤80%", "-5.5 个百分点", "")


def test_count_gap():
    a = run({**D26, "innovation.ip.class1": 3, "innovation.ip.class1_self_developed": 3,
             "innovation.ip.class1_high_value": 3, "innovation.ip.class1_applied": 3})
    g = gap_of(a, "little_giant", "ip/class1")
    assert (g.value, g.threshold, g.shortfall) == ("3项", "≥4项", "+1 项")


def test_needs_data_gap_has_no_invented_shortfall():
    a = run({**D26, "compliance.platform_score": DROP})
    g = gap_of(a, "srdi_sme", "platform_score")
    assert g.status is ND and g.shortfall == "" and g.money == ""
    assert g.value == "未报告"


def test_score_gap_lists_the_lines_short_of_full_points():
    # chiche 2025: 专精特新 2022 needs data (local score); the score lines below full become gaps
    a = _example("gz-chiche-thermal/2025")
    assert a.tier("srdi_sme").status is ND
    lines = {g.criterion: g for g in a.gaps if g.criterion.startswith("score.")}
    assert "score.local" in lines and lines["score.local"].shortfall == "+15 分"
    assert "score.digital_level" in lines and lines["score.digital_level"].shortfall == "+5 分"
    assert "score.main_share" not in lines          # 5 of 5 points


def test_gaps_in_the_json():
    a = run(fin(2, revenue=9000, main_revenue=8700, rd_expense=216, net_profit=900))
    j = to_json(a)
    crit = next(c for c in j["tiers"]["srdi_sme"]["criteria"] if c["id"] == "rd")
    leaf = next(c for c in crit["criteria"] if c["id"] == "rd_ratio")
    assert leaf["gap"]["shortfall"] == "+0.6 个百分点" and leaf["gap"]["money"] == "约 +54 万元"
    planned = [g for p in j["plan"] for g in p["gaps"] if g["criterion"] == "rd_ratio" and g["tier"] == "srdi_sme"]
    assert planned and planned[0]["money"] == "约 +54 万元"


# ---------------------------------------------------------------- closeness (ordering inside a tier)

def test_closeness_measures_how_near_the_threshold_is():
    a = run(fin(2, revenue=9000, main_revenue=8700, rd_expense=216, net_profit=900))
    assert gap_of(a, "srdi_sme", "rd/rd_ratio").closes == Fraction(4, 5)            # 2.4 of 3
    assert gap_of(a, "little_giant", "xin/general/rd_by_revenue/rd_medium/rd_ratio_y3").closes == Fraction(2, 5)
    # an unmet yes/no criterion has closed nothing
    assert gap_of(a, "little_giant", "xin/direct/maker_top50").closes == 0
    b = run({**D26, **fin(2, debt_ratio=100)})
    assert gap_of(b, "srdi_sme", "debt_ratio").closes == Fraction(4, 5)             # 80 of 100


def test_nearer_gap_comes_first_within_a_tier():
    # L4, next tier 专精特新: both the rd_ratio item (2.4% of 3%, 2.4% of 6%) and the
    # rd_projects item (小巨人 direct route: no award, no top-50) close two unmet criteria
    # of 小巨人; the one already 80% of the way comes first.
    a = run(fin(2, revenue=9000, main_revenue=8700, rd_expense=216, net_profit=900))
    items = [p.item for p in a.plan]
    assert items.index("rd_ratio") < items.index("rd_projects")


# ---------------------------------------------------------------- order along the L-level path

def _example(name: str):
    return assess(engine(), company_from_dict(base_dict(f"{name}.yaml")))


def _plan_tiers(a) -> list[list[str]]:
    return [sorted({g.tier for g in p.gaps}) for p in a.plan]


@pytest.mark.parametrize("revenue, level", [("4999.99", "L3"), ("5000", "L4")])
def test_l4_goes_straight_to_little_giant_l3_steps_through_the_next_tier(revenue, level):
    # the same company on either side of the L3/L4 edge, next tier 专精特新 (R&D 2.4%)
    rd = Fraction(revenue) * Fraction(24, 1000)
    a = run(fin(2, revenue=revenue, main_revenue=Fraction(revenue) - 100, rd_expense=rd, net_profit=500))
    assert a.grade.level == level
    assert a.next_tier == "srdi_sme"
    assert a.tier("little_giant").status is UNMET
    tiers = _plan_tiers(a)
    assert tiers, "a plan"
    if level == "L3":
        # step by step: only the next tier's gaps
        assert all(t == ["srdi_sme"] for t in tiers)
    else:
        # 小巨人 first: every item with a 小巨人 gap precedes every item without one
        flags = ["little_giant" in t for t in tiers]
        assert flags[0] and flags == sorted(flags, reverse=True)
        assert any(t == ["srdi_sme"] or "srdi_sme" in t for t in tiers)


@pytest.mark.parametrize("name, level, allowed", [
    ("gz-qintang-daily/2026", "L1", {"innovative_sme"}),
    ("gz-chengsuan-ai/2025", "L2", {"srdi_sme"}),
    ("gz-xishuo-materials/2025", "L2", {"innovative_sme"}),
    ("gz-suiheng-power/2026", "L3", {"srdi_sme"}),
    ("gz-hechou-agritech/2026", "L3", {"srdi_sme"}),
    ("gz-chiche-thermal/2025", "L4", {"little_giant", "srdi_sme"}),
    ("gz-lingqiong-aero/2026", "L4", {"little_giant", "srdi_sme"}),
    ("gz-zheheng-rail/2025", "L4", {"little_giant"}),
    ("gz-jirui-drive/2025", "L5", {"single_champion"}),
])
def test_example_plans_follow_the_path(name, level, allowed):
    a = _example(name)
    assert a.grade.level == level
    tiers = _plan_tiers(a)
    assert tiers
    assert set().union(*map(set, tiers)) == allowed
    if allowed == {"little_giant", "srdi_sme"}:
        flags = ["little_giant" in t for t in tiers]
        assert flags[0] and flags == sorted(flags, reverse=True)


def test_l4_l5_little_giant_already_met_plans_the_next_tier_only():
    a = _example("gz-jirui-drive/2025")      # meets 小巨人; next tier 单项冠军
    assert a.next_tier == "single_champion"
    assert {g.tier for g in a.gaps} == {"single_champion"}


def test_plan_has_nothing_when_every_target_gap_is_a_judgement_or_unplannable():
    # hengdun 2026: next tier 专精特新 is manual_review only (market share)
    a = _example("gz-hengdun-security/2026")
    assert a.tier("srdi_sme").status is MR and a.grade.level == "L3"
    assert a.plan == ()
    # haijing 2026: not an SME; 公告条件 has no Appendix C item
    b = _example("gz-haijing-heavy/2026")
    assert b.next_tier == "innovative_sme" and b.plan == ()
    assert any(g.criterion == "sme" for g in b.gaps)


def test_plan_items_are_numbered_in_order_and_carry_only_open_gaps():
    for name in ("gz-chiche-thermal/2025", "gz-suiheng-power/2026", "gz-qintang-daily/2026"):
        a = _example(name)
        assert [p.order for p in a.plan] == list(range(1, len(a.plan) + 1))
        for p in a.plan:
            assert p.gaps
            for g in p.gaps:
                assert g.status in (UNMET, ND)
                assert g.criterion not in NOT_PLANNED
                assert g.plan_item == p.item


# ---------------------------------------------------------------- Appendix C areas and items

def test_plan_catalog_has_the_six_appendix_c_areas():
    data = plain_yaml().load((DATA / "plan.yaml").read_text(encoding="utf-8"))
    assert {a["id"]: a["label"] for a in data["areas"]} == APPENDIX_C
    ids = [i["id"] for a in data["areas"] for i in a["items"]]
    assert len(ids) == len(set(ids))
    for a in data["areas"]:
        for i in a["items"]:
            assert i["label"] and i["advice"]


@pytest.mark.parametrize("path", sorted(str(p.relative_to(COMPANIES).with_suffix(""))
                                        for p in COMPANIES.glob("*/*.yaml")))
def test_every_plan_item_is_in_an_appendix_c_area(path):
    a = _example(path)
    catalog = plan_catalog()["items"]
    for p in a.plan:
        assert p.area in APPENDIX_C
        assert p.area_label == APPENDIX_C[p.area]
        assert p.item in catalog and catalog[p.item]["area"] == p.area


def test_every_metric_plan_item_exists():
    catalog = plan_catalog()["items"]
    for name, m in engine().metrics.items():
        if m.plan:
            assert m.plan in catalog, (name, m.plan)
    # the metrics no Appendix C item can move: status conditions and titles, and the
    # generic per-year ratio the report's table shows (its meaning depends on its args)
    assert {n for n, m in engine().metrics.items() if not m.plan} == {
        "sme", "no_incident", "platform_score", "titles_any", "year_share"}


def test_every_plan_override_in_the_data_files_exists():
    catalog = plan_catalog()["items"]
    found = []
    for rid in ("miit-2022", "miit-2026"):
        for _, _, c in leaf_conditions(rid):
            if "plan" in c:
                found.append(c["plan"])
        for spec in (load_ruleset_yaml(rid).get("tiers") or {}).values():
            for g in (spec.get("score") or {}).get("groups", ()):
                found += [i["plan"] for i in g["indicators"] if "plan" in i]
    dims = plain_yaml().load((DATA / "dimensions.yaml").read_text(encoding="utf-8"))
    found += [i["plan"] for d in dims.values() for i in d["indicators"] if "plan" in i]
    assert all(p in catalog for p in found), found


def test_every_score_line_has_a_plan_item():
    a = run({"distinctiveness.local_score": DROP})
    catalog = plan_catalog()["items"]
    for t in a.tiers:
        if t.score is None:
            continue
        for ln in t.score.lines:
            assert ln.plan in catalog, (t.tier, ln.id, ln.plan)
