"""Every criterion, band edge and convention of shared/spec/rules.md, one at a time.

Test companies start from companies/gz-jirui-drive/2025.yaml (assessed
2025-06-15, so miit-2022; it meets 创新型, 专精特新 and 小巨人) and change a
few figures. For every leaf criterion of every tier in both rule sets there
is a case: a base that meets the tier (or, when the tier can at best be
manual_review, leaves only its manual criterion open) and relies on that
criterion, and a break that changes one figure (occasionally a few that only
feed that criterion) so that exactly that criterion turns unmet. The case
table is checked against the rule-set files, so a new criterion without a
case fails the suite.
"""

from __future__ import annotations

from datetime import date
from fractions import Fraction

import pytest
from scoring_helpers import (
    DATA,
    DROP,
    MET,
    MR,
    NA,
    ND,
    UNMET,
    engine,
    find,
    indicator,
    leaf_conditions,
    line,
    load_ruleset_yaml,
    make_company,
    plain_yaml,
    run,
)

from zjtx_site.scoring.metrics import MetricContext
from zjtx_site.scoring.spans import Status, all_of, any_of

D26 = {"assessed_on": date(2026, 5, 20), "compliance.platform_score": 81}
AWARD = lambda level, rank, year=2024: [{"year": year, "level": level, "rank": rank}]  # noqa: E731


def fin(i: int, **kw) -> dict:
    return {f"financials.{i}.{k}": v for k, v in kw.items()}


def merge(*parts: dict) -> dict:
    out: dict = {}
    for p in parts:
        out.update(p)
    return out


# 创新型: no direct condition, and a score route that fails only on the growth group
# (main revenue falls: growth < 0 → 0 points, debt 43.2 → 10; 成长性 10 < 15).
NO_INNO_DIRECT = {"honors.titles": [], "innovation.science_awards": [],
                  "innovation.rd_institutions.tech_center.provincial": 0, "financing.equity_raised_3y": 0}
INNO_SCORE_FAIL = fin(2, main_revenue=20000)
INNO_DIRECT_ONLY = merge(NO_INNO_DIRECT, INNO_SCORE_FAIL)

# 专精特新 2022: no direct condition (no award, mean R&D 995 < 1000, no equity, no maker)
# and a score of exactly 60: 专业化 25 + 精细化 5 (digital 1 → 0, quality 5, margin 0, debt 80 → 0)
# + 地方 1 + 创新 29 (high value 10, R&D 1190 → 10, staff 40/640 = 6.25% → 1, provincial 8).
NO_SRDI_DIRECT = merge({"innovation.science_awards": [], "financing.equity_raised_2y": 0,
                        "innovation.maker_china": "none"}, fin(1, rd_expense=800), fin(2, rd_expense=1190))
SRDI22_AT_60 = merge(NO_SRDI_DIRECT, {"distinctiveness.local_score": 1, "refinement.digital_level": 1},
                     fin(2, net_profit=0, debt_ratio=80, rd_staff=40))
SRDI22_SCORE_FAIL = merge(SRDI22_AT_60, {"distinctiveness.local_score": "0.99"})   # 59.99

# 创新型 unmet with every srdi / 小巨人 figure intact: no direct condition, growth −0.9%
INNO_UNMET = merge({"innovation.science_awards": [], "innovation.rd_institutions.tech_center.provincial": 0,
                    "financing.equity_raised_3y": 0}, fin(2, main_revenue=22000))

LG22_MEDIUM = merge(fin(0, revenue=6000, main_revenue=5800, rd_expense=300, net_profit=500),
                    fin(1, revenue=7000, main_revenue=6800, rd_expense=420, net_profit=600),
                    fin(2, revenue=9000, main_revenue=8700, rd_expense=540, net_profit=800))
LG22_SMALL = merge(fin(0, revenue=3000, main_revenue=2900, rd_expense=500, net_profit=300),
                   fin(1, revenue=3600, main_revenue=3500, rd_expense=1500, net_profit=360),
                   fin(2, revenue=4500, main_revenue=4400, rd_expense=1500, net_profit=450, rd_staff=320),
                   {"financing.equity_raised_2y": 8000})
NO_INSTITUTION = {f"innovation.rd_institutions.{inst}.{lvl}": 0
                  for inst in ("research_institute", "tech_center", "engineering_center", "design_center")
                  for lvl in ("national", "provincial", "municipal", "own")}
NO_INSTITUTION.update({"innovation.rd_institutions.academician_workstation": False,
                       "innovation.rd_institutions.postdoc_workstation": False})
CHAMP = merge(fin(0, revenue=40000, main_revenue=39000), fin(1, revenue=41000, main_revenue=40000),
              fin(2, revenue=42000, main_revenue=41000), {"distinctiveness.global_rank": 3})
NO_WAIVER26 = {"innovation.science_awards": [], "innovation.rd_institutions.tech_center.provincial": 0}
SRDI26_IP_FAIL = merge(NO_WAIVER26, {"innovation.ip.class1_applied": 0})

# key: rule set / tier / criterion path. value: (base changes, break changes, tier status at base)
# break None: a manual criterion (no figure decides it).
CASES: dict[str, tuple[dict, dict | None, Status]] = {
    # ---- miit-2022 创新型 (§3.1)
    "miit-2022/innovative_sme/sme": ({}, {"basic.sme": False}, MET),
    "miit-2022/innovative_sme/no_incident": ({}, {"compliance.no_major_incident_3y": False}, MET),
    "miit-2022/innovative_sme/route/score": (NO_INNO_DIRECT, INNO_SCORE_FAIL, MET),
    "miit-2022/innovative_sme/route/direct_award": (
        merge(INNO_DIRECT_ONLY, {"innovation.science_awards": AWARD("provincial", 9)}),
        {"innovation.science_awards": AWARD("provincial", 9, 2021)}, MET),   # before financials[0].year
    "miit-2022/innovative_sme/route/direct_title": (
        merge(INNO_DIRECT_ONLY, {"honors.titles": ["ip_demo"]}), {"honors.titles": ["ip_pilot_national"]}, MET),
    "miit-2022/innovative_sme/route/direct_institution": (
        merge(INNO_DIRECT_ONLY, {"innovation.rd_institutions.tech_center.provincial": 1}),
        {"innovation.rd_institutions.tech_center.provincial": 0}, MET),
    "miit-2022/innovative_sme/route/direct_equity": (
        merge(INNO_DIRECT_ONLY, {"financing.equity_raised_3y": 500}), {"financing.equity_raised_3y": "499.99"}, MET),
    # ---- miit-2022 专精特新 (§3.2)
    "miit-2022/srdi_sme/sme": ({}, {"basic.sme": False}, MET),
    "miit-2022/srdi_sme/no_incident": ({}, {"compliance.no_major_incident_3y": False}, MET),
    "miit-2022/srdi_sme/prerequisite": (
        merge(INNO_UNMET, {"honors.titles": ["innovative_sme"]}), {"honors.titles": []}, MET),
    "miit-2022/srdi_sme/niche_years": ({"specialization.niche_years": 2}, {"specialization.niche_years": "1.99"}, MET),
    "miit-2022/srdi_sme/rd/rd_expense": (
        fin(2, revenue=3000, main_revenue=2900, rd_expense=100, net_profit=300), fin(2, rd_expense="99.99"), MET),
    "miit-2022/srdi_sme/rd/rd_ratio": (fin(2, rd_expense=804), fin(2, rd_expense="803.99"), MET),
    "miit-2022/srdi_sme/scale/revenue": (
        merge({"financing.equity_raised_2y": 0}, fin(2, revenue=1000, main_revenue=980, rd_expense=100,
                                                      net_profit=100)),
        fin(2, revenue="999.99"), MET),
    "miit-2022/srdi_sme/scale/equity": (
        merge({"financing.equity_raised_2y": 2000}, fin(2, revenue=900, main_revenue=880, rd_expense=100,
                                                         net_profit=90)),
        {"financing.equity_raised_2y": "1999.99"}, MET),
    "miit-2022/srdi_sme/route/score": (SRDI22_AT_60, {"distinctiveness.local_score": "0.99"}, MET),
    "miit-2022/srdi_sme/route/direct_award_provincial": (
        merge(SRDI22_SCORE_FAIL, {"innovation.science_awards": AWARD("provincial", 3)}),
        {"innovation.science_awards": AWARD("provincial", 4)}, MET),
    "miit-2022/srdi_sme/route/direct_award_national": (
        merge(SRDI22_SCORE_FAIL, {"innovation.science_awards": AWARD("national", 5)}),
        {"innovation.science_awards": AWARD("national", 6)}, MET),
    "miit-2022/srdi_sme/route/direct_rd_mean": (
        merge(SRDI22_SCORE_FAIL, fin(1, rd_expense=1000), fin(2, rd_expense=1000)),
        fin(2, rd_expense="999.98"), MET),
    "miit-2022/srdi_sme/route/direct_equity": (
        merge(SRDI22_SCORE_FAIL, {"financing.equity_raised_2y": 6000}), {"financing.equity_raised_2y": "5999.99"},
        MET),
    "miit-2022/srdi_sme/route/direct_maker": (
        merge(SRDI22_SCORE_FAIL, {"innovation.maker_china": "top500"}), {"innovation.maker_china": "none"}, MET),
    # ---- miit-2022 小巨人 (§3.3)
    "miit-2022/little_giant/sme": ({}, {"basic.sme": False}, MET),
    "miit-2022/little_giant/no_incident": ({}, {"compliance.no_major_incident_3y": False}, MET),
    "miit-2022/little_giant/prerequisite": (
        merge(INNO_UNMET, {"honors.titles": ["srdi_sme"]}), {"honors.titles": []}, MET),
    "miit-2022/little_giant/zhuan/niche_years": (
        {"specialization.niche_years": 3}, {"specialization.niche_years": "2.99"}, MET),
    "miit-2022/little_giant/zhuan/main_share": (          # 25900 / 37000 = 70% exactly
        fin(2, revenue=37000), fin(2, revenue="37000.01"), MET),
    "miit-2022/little_giant/zhuan/main_growth_avg2": (    # (10% + 0%) / 2 = 5% exactly
        merge(fin(0, main_revenue=18000), fin(1, main_revenue=19800), fin(2, main_revenue=19800)),
        fin(2, main_revenue="19799.99"), MET),
    "miit-2022/little_giant/jing/info_systems": ({}, {"refinement.info_systems": []}, MET),
    "miit-2022/little_giant/jing/certs/management_certs": (
        {"refinement.foreign_product_certs": []}, {"refinement.management_certs": []}, MET),
    "miit-2022/little_giant/jing/certs/foreign_certs": (
        {"refinement.management_certs": []}, {"refinement.foreign_product_certs": []}, MET),
    "miit-2022/little_giant/jing/debt_ratio": (fin(2, debt_ratio=70), fin(2, debt_ratio="70.01"), MET),
    "miit-2022/little_giant/te/domestic_share": (
        {"distinctiveness.market_share.1.domestic": 10}, {"distinctiveness.market_share.1.domestic": "9.99"}, MET),
    "miit-2022/little_giant/te/own_brands": (
        {"distinctiveness.own_brands.1.count": 1}, {"distinctiveness.own_brands.1.count": 0}, MET),
    "miit-2022/little_giant/xin/general/rd_by_revenue/rd_large/rd_ratio_y2": (   # 693 / 23100 = 3%
        fin(1, rd_expense=693), fin(1, rd_expense="692.99"), MET),
    "miit-2022/little_giant/xin/general/rd_by_revenue/rd_large/rd_ratio_y3": (   # 804 / 26800 = 3%
        fin(2, rd_expense=804), fin(2, rd_expense="803.99"), MET),
    "miit-2022/little_giant/xin/general/rd_by_revenue/rd_medium/rd_ratio_y2": (  # 420 / 7000 = 6%
        LG22_MEDIUM, fin(1, rd_expense="419.99"), MET),
    "miit-2022/little_giant/xin/general/rd_by_revenue/rd_medium/rd_ratio_y3": (  # 540 / 9000 = 6%
        LG22_MEDIUM, fin(2, rd_expense="539.99"), MET),
    "miit-2022/little_giant/xin/general/rd_by_revenue/rd_small/equity": (
        LG22_SMALL, {"financing.equity_raised_2y": "7999.99"}, MET),
    "miit-2022/little_giant/xin/general/rd_by_revenue/rd_small/rd_sum": (
        LG22_SMALL, fin(2, rd_expense="1499.99"), MET),
    "miit-2022/little_giant/xin/general/rd_by_revenue/rd_small/rd_staff": (     # 320 / 640 = 50%
        LG22_SMALL, fin(2, rd_staff=319), MET),
    "miit-2022/little_giant/xin/general/institution": (   # a workstation alone counts
        merge(NO_INSTITUTION, {"innovation.rd_institutions.postdoc_workstation": True}),
        {"innovation.rd_institutions.postdoc_workstation": False}, MET),
    "miit-2022/little_giant/xin/general/class1_applied": (
        {"innovation.ip.class1_applied": 2}, {"innovation.ip.class1_applied": 1}, MET),
    "miit-2022/little_giant/xin/direct/award_national": (
        {"innovation.ip.class1_applied": 0, "innovation.science_awards": AWARD("national", 3)},
        {"innovation.science_awards": AWARD("national", 4)}, MET),
    "miit-2022/little_giant/xin/direct/maker_top50": (
        {"innovation.ip.class1_applied": 0, "innovation.maker_china": "top50"},
        {"innovation.maker_china": "top500"}, MET),
    "miit-2022/little_giant/lian": ({}, {"chain.fills_gap": False}, MET),
    "miit-2022/little_giant/pin/six_foundations": (
        {"product.mic_fields": [], "product.network_power": False}, {"product.six_foundations": []}, MET),
    "miit-2022/little_giant/pin/mic_fields": (
        {"product.six_foundations": [], "product.network_power": False}, {"product.mic_fields": []}, MET),
    "miit-2022/little_giant/pin/network_power": (
        {"product.six_foundations": [], "product.mic_fields": [], "product.network_power": True},
        {"product.network_power": False}, MET),
    # ---- miit-2022 单项冠军 (§3.4): at best manual_review
    "miit-2022/single_champion/niche_years/niche_regular/niche_years_regular": (
        merge(CHAMP, {"specialization.niche_years": 10}), {"specialization.niche_years": "9.99"}, MR),
    "miit-2022/single_champion/niche_years/niche_new/niche_years_new": (
        merge(CHAMP, {"product.new_product": True, "specialization.niche_years": 5}),
        {"specialization.niche_years": "4.99"}, MR),
    "miit-2022/single_champion/main_revenue_mean3": (CHAMP, fin(2, main_revenue="40999.99"), MR),
    "miit-2022/single_champion/global_rank": (CHAMP, {"distinctiveness.global_rank": 4}, MR),
    "miit-2022/single_champion/tech_leading": (CHAMP, None, MR),
    # ---- miit-2026 专精特新 (§4.1): at best manual_review (market share)
    "miit-2026/srdi_sme/sme": (D26, {"basic.sme": False}, MR),
    "miit-2026/srdi_sme/no_incident": (D26, {"compliance.no_major_incident_3y": False}, MR),
    "miit-2026/srdi_sme/prerequisite": (
        merge(D26, INNO_UNMET, {"honors.titles": ["innovative_sme"]}), {"honors.titles": []}, MR),
    "miit-2026/srdi_sme/niche_years": (
        merge(D26, {"specialization.niche_years": 3}), {"specialization.niche_years": "2.99"}, MR),
    "miit-2026/srdi_sme/scale/revenue": (
        merge(D26, {"financing.equity_raised_2y": 0},
              fin(2, revenue=1500, main_revenue=1450, rd_expense=100, net_profit=150)),
        fin(2, revenue="1499.99"), MR),
    "miit-2026/srdi_sme/scale/equity": (
        merge(D26, {"financing.equity_raised_2y": 2000},
              fin(2, revenue=1400, main_revenue=1350, rd_expense=100, net_profit=140)),
        {"financing.equity_raised_2y": "1999.99"}, MR),
    "miit-2026/srdi_sme/main_share": (merge(D26, fin(2, revenue=32375)), fin(2, revenue="32375.01"), MR),
    "miit-2026/srdi_sme/debt_ratio": (merge(D26, fin(2, debt_ratio=80)), fin(2, debt_ratio="80.01"), MR),
    "miit-2026/srdi_sme/rd/rd_expense_y2": (
        merge(D26, fin(1, revenue=3000, main_revenue=2900, rd_expense=100, net_profit=300)),
        fin(1, rd_expense="99.99"), MR),
    "miit-2026/srdi_sme/rd/rd_expense_y3": (
        merge(D26, fin(2, revenue=3000, main_revenue=2900, rd_expense=100, net_profit=300)),
        fin(2, rd_expense="99.99"), MR),
    "miit-2026/srdi_sme/rd/rd_ratio_y2": (merge(D26, fin(1, rd_expense=693)), fin(1, rd_expense="692.99"), MR),
    "miit-2026/srdi_sme/rd/rd_ratio_y3": (merge(D26, fin(2, rd_expense=804)), fin(2, rd_expense="803.99"), MR),
    "miit-2026/srdi_sme/ip/class1_applied": (
        merge(D26, NO_WAIVER26, {"innovation.ip.class1_applied": 1}), {"innovation.ip.class1_applied": 0}, MR),
    "miit-2026/srdi_sme/ip/award": (
        merge(D26, SRDI26_IP_FAIL, {"innovation.science_awards": AWARD("provincial", 3)}),
        {"innovation.science_awards": AWARD("provincial", 4)}, MR),
    "miit-2026/srdi_sme/ip/institution": (
        merge(D26, SRDI26_IP_FAIL, {"innovation.rd_institutions.tech_center.provincial": 1}),
        {"innovation.rd_institutions.tech_center.provincial": 0}, MR),
    "miit-2026/srdi_sme/market_share": (D26, None, MR),
    "miit-2026/srdi_sme/platform_score": (
        merge(D26, {"compliance.platform_score": 50}), {"compliance.platform_score": "49.99"}, MR),
    # ---- miit-2026 小巨人 (§4.2)
    "miit-2026/little_giant/sme": (D26, {"basic.sme": False}, MET),
    "miit-2026/little_giant/no_incident": (D26, {"compliance.no_major_incident_3y": False}, MET),
    "miit-2026/little_giant/prerequisite": (
        merge(D26, SRDI26_IP_FAIL, {"honors.titles": ["srdi_sme"]}), {"honors.titles": []}, MET),
    "miit-2026/little_giant/niche_years": (
        merge(D26, {"specialization.niche_years": 3}), {"specialization.niche_years": "2.99"}, MET),
    "miit-2026/little_giant/revenue": (
        merge(D26, fin(0, revenue=4000, main_revenue=3900, rd_expense=400, net_profit=400),
              fin(1, revenue=4500, main_revenue=4400, rd_expense=600, net_profit=450),
              fin(2, revenue=5000, main_revenue=4900, rd_expense=600, net_profit=500)),
        fin(2, revenue="4999.99"), MET),
    "miit-2026/little_giant/main_share": (         # 24120 / 26800 = 90% exactly
        merge(D26, fin(2, main_revenue=24120)), fin(2, main_revenue="24119.99"), MET),
    "miit-2026/little_giant/revenue_cagr": (       # 11025 / 10000 = 1.05²
        merge(D26, fin(0, revenue=10000, main_revenue=9500, rd_expense=1000),
              fin(2, revenue=11025, main_revenue=10500)),
        fin(2, revenue="11024.99"), MET),
    "miit-2026/little_giant/debt_ratio": (merge(D26, fin(2, debt_ratio=75)), fin(2, debt_ratio="75.01"), MET),
    "miit-2026/little_giant/rd/rd_sum": (
        merge(D26, fin(0, revenue=17000, main_revenue=16500, rd_expense=1000),
              fin(1, revenue=19000, main_revenue=18500, rd_expense=600),
              fin(2, revenue=19000, main_revenue=18500, rd_expense=600)),
        fin(2, rd_expense="599.99"), MET),
    "miit-2026/little_giant/rd/rd_ratio_y2": (merge(D26, fin(1, rd_expense=693)), fin(1, rd_expense="692.99"), MET),
    "miit-2026/little_giant/rd/rd_ratio_y3": (merge(D26, fin(2, rd_expense=804)), fin(2, rd_expense="803.99"), MET),
    "miit-2026/little_giant/ip/class1": (
        merge(D26, {"innovation.ip.class1": 4, "innovation.ip.class1_self_developed": 3,
                    "innovation.ip.class1_high_value": 3, "innovation.ip.class1_applied": 3}),
        {"innovation.ip.class1": 3}, MET),
    "miit-2026/little_giant/ip/award_national": (
        merge(D26, {"innovation.ip.class1": 3, "innovation.ip.class1_self_developed": 3,
                    "innovation.ip.class1_high_value": 3, "innovation.ip.class1_applied": 3,
                    "innovation.science_awards": AWARD("national", 3)}),
        {"innovation.science_awards": AWARD("national", 4)}, MET),
    "miit-2026/little_giant/market/domestic_share": (
        merge(D26, {"distinctiveness.domestic_rank": 4, "distinctiveness.market_share.1.domestic": 10}),
        {"distinctiveness.market_share.1.domestic": "9.99"}, MET),
    "miit-2026/little_giant/market/domestic_rank": (
        merge(D26, {"distinctiveness.domestic_rank": 3, "distinctiveness.market_share.1.domestic": "9.99"}),
        {"distinctiveness.domestic_rank": 4}, MET),
    "miit-2026/little_giant/chain/six_foundations": (
        merge(D26, {"chain.fills_gap": False}), {"product.six_foundations": []}, MET),
    "miit-2026/little_giant/chain/fills_gap": (
        merge(D26, {"product.six_foundations": []}), {"chain.fills_gap": False}, MET),
    "miit-2026/little_giant/platform_score": (
        merge(D26, {"compliance.platform_score": 60}), {"compliance.platform_score": "59.99"}, MET),
}


def _yaml_leaf_ids() -> set[str]:
    return {f"{rid}/{tier}/{path}" for rid in ("miit-2022", "miit-2026")
            for tier, path, _ in leaf_conditions(rid)}


def test_every_leaf_criterion_of_both_rule_sets_has_a_case():
    ids = _yaml_leaf_ids()
    assert ids - set(CASES) == set(), "criteria without a failing test"
    assert set(CASES) - ids == set(), "cases for criteria the rule sets no longer have"


def test_miit_2026_inherits_only_the_two_tiers_tested_under_2022():
    data = load_ruleset_yaml("miit-2026")
    assert data["inherits"] == {"innovative_sme": "miit-2022", "single_champion": "miit-2022"}
    assert set(data["tiers"]) == {"srdi_sme", "little_giant"}


@pytest.mark.parametrize("key", sorted(CASES))
def test_criterion_fails_alone(key):
    rid, tier, path = key.split("/", 2)
    base, brk, base_status = CASES[key]
    a = run(base)
    t = a.tier(tier)
    assert t.ruleset == rid
    leaf = find(t, path)
    if brk is None:
        assert leaf.status is MR
        assert t.status is MR, "a tier whose other criteria are met is manual_review, not met"
        return
    assert leaf.status is MET, (leaf.value, leaf.threshold)
    assert t.status is base_status, [(c.id, c.status) for c in t.criteria]
    b = run({**base, **brk})
    tb = b.tier(tier)
    leaf_b = find(tb, path)
    assert leaf_b.status is UNMET, (leaf_b.value, leaf_b.threshold)
    assert leaf_b.gap is not None
    assert tb.status is UNMET, [(c.id, c.status) for c in tb.criteria]
    # just that criterion: every other leaf keeps its status
    before = {p: s for p, s in _leaves(t).items() if p != path}
    after = {p: s for p, s in _leaves(tb).items() if p != path}
    assert {p: (before[p], after[p]) for p in before if before[p] is not after[p]} == {}


def _leaves(t) -> dict:
    out = {}

    def walk(c, prefix):
        p = f"{prefix}/{c.id}" if prefix else c.id
        if not c.children:
            out[p] = c.status
        for k in c.children:
            walk(k, p)
    for c in t.criteria:
        walk(c, "")
    return out


# ---------------------------------------------------------------- exactness (rules.md Conventions)

def metric(company, name, *args):
    return MetricContext(company, engine().metrics).get(name, args)


def test_570_of_1000_is_exactly_57_percent():
    c = make_company(fin(2, revenue=1000, main_revenue=570, rd_expense=50, net_profit=50))
    assert metric(c, "main_share").value == Fraction(57)       # 0.57 * 100 == 56.99999999999999 in floats
    a = run(fin(2, revenue=1000, main_revenue=570, rd_expense=50, net_profit=50))
    assert line(a, "innovative_sme", "main_share").points == 10   # 55–60 band


def test_growth_of_exactly_15_percent_is_not_lost_to_floats():
    # (1150 / 1000 − 1) × 100 is 14.999999999999991 in floats; exactly 15 → 20 points
    a = run(merge(fin(1, revenue=1200, main_revenue=1000, rd_expense=100),
                  fin(2, revenue=1200, main_revenue=1150, rd_expense=100, net_profit=100)))
    assert line(a, "innovative_sme", "main_growth").points == 20


def test_rd_ratio_exactly_3_percent_from_630_of_21000():
    changes = merge(D26, fin(2, revenue=21000, main_revenue=18900, rd_expense=630))
    a = run(changes)
    assert line(a, "innovative_sme", "rd_ratio").points == 15                       # 3–5 band
    assert find(a.tier("srdi_sme"), "rd/rd_ratio_y3").status is MET
    assert find(a.tier("little_giant"), "rd/rd_ratio_y3").status is MET
    assert find(a.tier("little_giant"), "main_share").status is MET                  # 18900/21000 = 90%
    b = run({**changes, **fin(2, rd_expense="629.99")})
    assert line(b, "innovative_sme", "rd_ratio").points == 10
    assert find(b.tier("srdi_sme"), "rd/rd_ratio_y3").status is UNMET


@pytest.mark.parametrize("rev3, status", [("11025", MET), ("11024.99", UNMET), ("11025.01", MET)])
def test_compound_growth_is_revenue3_over_revenue1_against_1_05_squared(rev3, status):
    a = run(merge(D26, fin(0, revenue=10000, main_revenue=9500, rd_expense=1000),
                  fin(2, revenue=rev3, main_revenue=10500)))
    assert find(a.tier("little_giant"), "revenue_cagr").status is status


@pytest.mark.parametrize("changes, tier, path", [
    (merge(D26, fin(0, revenue=0, main_revenue=0, rd_expense=0, net_profit=0)), "little_giant", "revenue_cagr"),
    (fin(1, main_revenue=0), "little_giant", "zhuan/main_growth_avg2"),
    (fin(0, main_revenue=0), "little_giant", "zhuan/main_growth_avg2"),
    (fin(2, revenue=0, main_revenue=0, rd_expense=0, net_profit=0), "srdi_sme", "rd/rd_ratio"),
    (merge(D26, fin(1, revenue=0, main_revenue=0, rd_expense=0)), "little_giant", "rd/rd_ratio_y2"),
    (merge(D26, fin(1, revenue=0, main_revenue=0, rd_expense=0)), "srdi_sme", "rd/rd_ratio_y2"),
])
def test_base_year_zero_never_divides(changes, tier, path):
    a = run(changes)        # no ZeroDivisionError
    assert find(a.tier(tier), path).status is ND


def test_base_year_zero_growth_scores_as_missing():
    a = run(fin(1, main_revenue=0))
    ln = line(a, "innovative_sme", "main_growth")
    assert (ln.status, ln.points, ln.best_points) == (ND, 0, 20)
    ln = line(a, "srdi_sme", "main_growth_avg2")
    assert (ln.status, ln.points, ln.best_points) == (ND, 0, 10)


def test_main_share_base_zero_is_needs_data():
    a = run(fin(2, revenue=0, main_revenue=0, rd_expense=0, net_profit=0))
    assert line(a, "innovative_sme", "main_share").status is ND
    assert indicator(a, "specialization", "main_share").status is ND


# ---------------------------------------------------------------- missing data

def test_absent_input_makes_its_criterion_needs_data():
    a = run(merge(D26, {"compliance.platform_score": DROP}))
    assert find(a.tier("srdi_sme"), "platform_score").status is ND
    assert find(a.tier("little_giant"), "platform_score").status is ND
    assert a.tier("little_giant").status is ND   # everything else met
    assert a.tier("srdi_sme").status is ND       # needs_data outranks manual_review


def test_tier_met_when_it_passes_with_missing_counted_at_worst():
    # local score absent: 专精特新 2022 score 95 − 12 = 83 ≥ 60 even counted as 0
    a = run({"distinctiveness.local_score": DROP})
    t = a.tier("srdi_sme")
    assert (t.score.total, t.score.best_total) == (83, 98)
    assert t.status is MET and t.route == "score"


def test_tier_unmet_when_it_fails_even_at_best():
    # 小巨人 2022: class1_applied absent (unknown), but the market share already fails
    a = run({"innovation.ip.class1_applied": DROP, "distinctiveness.market_share.1.domestic": 5})
    assert find(a.tier("little_giant"), "xin/general/class1_applied").status is ND
    assert a.tier("little_giant").status is UNMET


def test_tier_needs_data_otherwise():
    a = run({"innovation.ip.class1_applied": DROP})
    assert find(a.tier("little_giant"), "xin/general/class1_applied").status is ND
    assert find(a.tier("little_giant"), "xin").status is ND
    assert a.tier("little_giant").status is ND


@pytest.mark.parametrize("debt, status", [(DROP, ND), ("55", MET), ("55.01", UNMET)])
def test_score_route_needs_data_when_missing_item_decides_a_group_minimum(debt, status):
    # growth 0% → 5 points; debt ≤ 55 → 10 (成长性 15, passes), 55–75 → 5 (10, fails)
    a = run(merge(NO_INNO_DIRECT, fin(2, main_revenue=22200, debt_ratio=debt)))
    assert find(a.tier("innovative_sme"), "route/score").status is status
    assert a.tier("innovative_sme").status is status


def test_missing_indicator_counts_zero_in_the_dimension_and_score():
    a = run(fin(2, debt_ratio=DROP))
    ind = indicator(a, "refinement", "debt_ratio")
    assert (ind.status, ind.points) == (ND, 0)
    ln = line(a, "innovative_sme", "debt_ratio")
    assert (ln.points, ln.best_points) == (0, 10)
    assert a.tier("innovative_sme").score.total == 90


def test_absent_sme_flag_uses_the_industrial_rule():
    # basic.sme absent: employees < 1000 or revenue < 40000
    big = merge(fin(2, revenue=40000, main_revenue=39000, employees=1000, rd_staff=152))
    assert find(run(big).tier("innovative_sme"), "sme").status is UNMET
    assert find(run({**big, **fin(2, employees=999)}).tier("innovative_sme"), "sme").status is MET
    assert find(run({**big, **fin(2, revenue="39999.99", main_revenue=39000)}).tier("innovative_sme"),
                "sme").status is MET
    assert find(run({**big, **fin(2, employees=DROP, rd_staff=DROP)}).tier("innovative_sme"),
                "sme").status is ND
    assert find(run({**big, "basic.sme": True}).tier("innovative_sme"), "sme").status is MET


def test_ip_subcount_is_bounded_by_its_total():
    # "其中" counts are part of class1 (the validator rejects sub > total), so with
    # class1 = 0 an absent class1_applied is 0 at best, and with class1_applied = 5
    # an absent class1 is at least 5.
    ip_none = {"innovation.ip.class1": 0, "innovation.ip.class1_self_developed": DROP,
               "innovation.ip.class1_high_value": DROP, "innovation.ip.class1_applied": DROP}
    a = run(merge(D26, NO_WAIVER26, ip_none))
    assert find(a.tier("srdi_sme"), "ip/class1_applied").status is UNMET
    assert a.tier("srdi_sme").status is UNMET
    assert line(a, "innovative_sme", "ip").best_points == 5     # class2 64 → 5; no invention patent
    b = run(merge(D26, {"innovation.ip.class1": DROP, "innovation.ip.class1_applied": 5}))
    assert find(b.tier("little_giant"), "ip/class1").status is MET


# ---------------------------------------------------------------- manual_review precedence

def test_precedence_unmet_over_needs_data_over_manual_review_over_met():
    assert run(CHAMP).tier("single_champion").status is MR
    nd = run(merge(CHAMP, {"distinctiveness.global_rank": DROP}))
    assert find(nd.tier("single_champion"), "global_rank").status is ND
    assert nd.tier("single_champion").status is ND
    un = run(merge(CHAMP, {"distinctiveness.global_rank": DROP, "specialization.niche_years": 9}))
    assert un.tier("single_champion").status is UNMET
    # the same in 专精特新 2026
    assert run(D26).tier("srdi_sme").status is MR
    assert run(merge(D26, {"compliance.platform_score": DROP})).tier("srdi_sme").status is ND
    assert run(merge(D26, {"compliance.platform_score": DROP}, fin(2, debt_ratio=81))).tier(
        "srdi_sme").status is UNMET


@pytest.mark.parametrize("statuses, expected", [
    ([MET, MET], MET), ([MET, MR], MR), ([MR, ND], ND), ([ND, UNMET], UNMET), ([MR, UNMET, ND, MET], UNMET),
    ([MET, NA], MET), ([MR, ND, MET], ND),
])
def test_all_of_precedence(statuses, expected):
    for order in (statuses, list(reversed(statuses))):
        assert all_of(order) is expected


@pytest.mark.parametrize("statuses, expected", [
    ([UNMET, UNMET], UNMET), ([UNMET, ND], ND), ([UNMET, MET], MET), ([ND, MET], MET), ([NA, UNMET], UNMET),
])
def test_any_of(statuses, expected):
    for order in (statuses, list(reversed(statuses))):
        assert any_of(order) is expected


def test_single_champion_has_no_sme_condition():
    a = run(merge(CHAMP, {"basic.sme": False, "compliance.no_major_incident_3y": False}))
    assert a.tier("single_champion").status is MR
    assert {c.id for c in a.tier("single_champion").criteria}.isdisjoint({"sme", "no_incident"})


def test_single_champion_new_product_absent_needs_data_between_5_and_10_years():
    a = run(merge(CHAMP, {"product.new_product": DROP, "specialization.niche_years": 7}))
    assert find(a.tier("single_champion"), "niche_years").status is ND
    a = run(merge(CHAMP, {"product.new_product": DROP, "specialization.niche_years": 10}))
    assert find(a.tier("single_champion"), "niche_years").status is MET
    a = run(merge(CHAMP, {"product.new_product": DROP, "specialization.niche_years": 4}))
    assert find(a.tier("single_champion"), "niche_years").status is UNMET


# ---------------------------------------------------------------- rule-set choice

@pytest.mark.parametrize("day, rid", [(date(2026, 3, 31), "miit-2022"), (date(2026, 4, 1), "miit-2026"),
                                      (date(2025, 6, 15), "miit-2022"), (date(2027, 1, 5), "miit-2026")])
def test_rule_set_by_assessed_on(day, rid):
    a = run({"assessed_on": day})
    assert a.tier("srdi_sme").ruleset == rid
    assert a.tier("little_giant").ruleset == rid
    assert a.tier("innovative_sme").ruleset == "miit-2022"
    assert a.tier("single_champion").ruleset == "miit-2022"
    assert (a.tier("srdi_sme").score is not None) == (rid == "miit-2022")
    assert a.tier("innovative_sme").score is not None


@pytest.mark.parametrize("forced", ["miit-2022", "miit-2026"])
def test_forced_rule_set_applies_to_every_tier_but_innovative(forced):
    for day in (date(2025, 6, 15), date(2026, 5, 20)):
        a = run({"assessed_on": day}, forced=forced)
        assert a.tier("srdi_sme").ruleset == forced
        assert a.tier("little_giant").ruleset == forced
        assert a.tier("innovative_sme").ruleset == "miit-2022"


# ---------------------------------------------------------------- prerequisites

@pytest.mark.parametrize("titles, status", [
    (["innovative_sme"], MET),      # holds the lower title
    (["srdi_sme"], MET),            # a higher title implies the lower one (the tool's stated reading)
    ([], UNMET),                    # neither held nor met now
])
def test_srdi_prerequisite_by_title(titles, status):
    a = run(merge(INNO_UNMET, {"honors.titles": titles}))
    assert a.tier("innovative_sme").status is UNMET
    assert find(a.tier("srdi_sme"), "prerequisite").status is status


def test_prerequisite_met_by_meeting_the_lower_tier_now():
    a = run({"honors.titles": []})
    assert a.tier("innovative_sme").status is MET
    assert find(a.tier("srdi_sme"), "prerequisite").status is MET
    assert a.tier("srdi_sme").status is MET
    assert find(a.tier("little_giant"), "prerequisite").status is MET
    assert a.tier("little_giant").status is MET


def test_prerequisite_follows_the_lower_tier_status():
    # 2026: 专精特新 is at best manual_review, so 小巨人's prerequisite is too without the title
    a = run(merge(D26, {"honors.titles": []}))
    assert a.tier("srdi_sme").status is MR
    assert find(a.tier("little_giant"), "prerequisite").status is MR
    assert a.tier("little_giant").status is MR
    # lower tier needs data → prerequisite needs data
    b = run(merge(D26, {"honors.titles": [], "compliance.platform_score": DROP}))
    assert find(b.tier("little_giant"), "prerequisite").status is ND


# ---------------------------------------------------------------- grading L1–L5 (§1)

@pytest.mark.parametrize("revenue, level", [
    ("0", "L2"), ("999.99", "L2"), ("1000", "L3"), ("4999.99", "L3"), ("5000", "L4"),
    ("19999.99", "L4"), ("20000", "L5"), ("128700", "L5"),
])
def test_grading_revenue_edges(revenue, level):
    a = run(fin(2, revenue=revenue, main_revenue=revenue, rd_expense=0, net_profit=0))
    assert a.grade.level == level
    assert a.grade.revenue == Fraction(revenue)


@pytest.mark.parametrize("mic, six, network, level", [
    (["cnc_robotics"], [], False, "L5"),
    ([], ["core_components"], False, "L5"),
    ([], [], True, "L5"),                 # network_power alone matches
    ([], [], False, "L1"),
    ([], [], DROP, "L1"),                 # not reported: not shown to match
    (["cnc_robotics"], ["core_components"], True, "L5"),
])
def test_grading_field_match(mic, six, network, level):
    a = run({"product.mic_fields": mic, "product.six_foundations": six, "product.network_power": network})
    assert a.grade.level == level
    assert a.grade.field_match is (level != "L1")


@pytest.mark.parametrize("revenue", ["500", "26800"])
def test_unmatched_field_is_L1_at_any_revenue(revenue):
    a = run(merge({"product.mic_fields": [], "product.six_foundations": [], "product.network_power": False},
                  fin(2, revenue=revenue, main_revenue=revenue, rd_expense=0, net_profit=0)))
    assert a.grade.level == "L1"


# ---------------------------------------------------------------- band tables (§3.1, §3.2)

# Transcribed from rules.md, not from the data files: (edge, points), best band first.
RULES_BANDS = {
    ("innovative_sme", "rd_ratio"): ("rd_ratio_y3", "higher", [(5, 20), (3, 15), (2, 10), (1, 5)]),
    ("innovative_sme", "main_growth"): ("main_growth", "higher", [(15, 20), (10, 15), (5, 10), (0, 5)]),
    ("innovative_sme", "debt_ratio"): ("debt_ratio", "lower", [(55, 10), (75, 5)]),
    ("innovative_sme", "main_share"): ("main_share", "higher", [(70, 20), (60, 15), (55, 10), (50, 5)]),
    ("srdi_sme", "main_share"): ("main_share", "higher", [(80, 5), (70, 3), (60, 1)]),
    ("srdi_sme", "main_growth_avg2"): ("main_growth_avg2", "higher", [(10, 10), (8, 8), (6, 6), (4, 4), (0, 2)]),
    ("srdi_sme", "digital_level"): ("digital_level", "higher", [(3, 5), (2, 3)]),
    ("srdi_sme", "net_margin"): ("net_margin", "higher", [(10, 10), (8, 8), (6, 6), (4, 4), (2, 2)]),
    ("srdi_sme", "debt_ratio"): ("debt_ratio", "lower", [(50, 5), (60, 3), (70, 1)]),
    ("srdi_sme", "rd_staff_share"): ("rd_staff_share", "higher", [(20, 5), (10, 3), (5, 1)]),
    ("srdi_sme", "institution"): ("institution_level", "higher", [(4, 10), (3, 8), (2, 4), (1, 2)]),
    ("srdi_sme", "rd_input/rd_expense_y3"): ("rd_expense_y3", "higher",
                                             [(500, 10), (400, 8), (300, 6), (200, 4), (100, 2)]),
    ("srdi_sme", "rd_input/rd_ratio_y3"): ("rd_ratio_y3", "higher", [(10, 10), (8, 8), (6, 6), (4, 4), (3, 2)]),
}
INSTITUTION_NAMES = {"national": 4, "provincial": 3, "municipal": 2, "own": 1}


def _yaml_band_indicators():
    """(where, owner, id, metric, direction, bands) for every band table in the data files."""
    out = []
    for rid in ("miit-2022", "miit-2026"):
        for tier, spec in (load_ruleset_yaml(rid).get("tiers") or {}).items():
            for g in (spec.get("score") or {}).get("groups", ()):
                for ind in g["indicators"]:
                    out += _bands_of(rid, tier, ind)
    dims = plain_yaml().load((DATA / "dimensions.yaml").read_text(encoding="utf-8"))
    for key, spec in dims.items():
        for ind in spec["indicators"]:
            out += _bands_of("dimensions", key, ind)
    return out


def _bands_of(where, owner, ind):
    if "bands" in ind:
        return [(where, owner, ind["id"], ind["metric"], ind.get("direction", "higher"),
                 [tuple(b) for b in ind["bands"]])]
    return [(where, owner, f"{ind['id']}/{sub['metric']}", sub["metric"], sub.get("direction", "higher"),
             [tuple(b) for b in sub["bands"]]) for sub in ind.get("best_of", ())]


def test_rule_set_band_tables_match_rules_md():
    found = {(owner, iid): (m, d, [(Fraction(str(e)), Fraction(str(p))) for e, p in b])
             for where, owner, iid, m, d, b in _yaml_band_indicators() if where == "miit-2022"}
    want = {k: (m, d, [(Fraction(e), Fraction(p)) for e, p in b]) for k, (m, d, b) in RULES_BANDS.items()}
    assert found == want


def test_dimension_bands_that_cite_the_national_rule_use_its_bands():
    dims = plain_yaml().load((DATA / "dimensions.yaml").read_text(encoding="utf-8"))
    srdi = {k[1]: v for k, v in RULES_BANDS.items() if k[0] == "srdi_sme"}
    checked = 0
    for key, spec in dims.items():
        for ind in spec["indicators"]:
            if "miit-2022" not in str(ind.get("source", "")):
                continue
            subs = ind.get("best_of") or [ind]
            for sub in subs:
                if "bands" not in sub:
                    continue
                iid = ind["id"] if "best_of" not in ind else f"{ind['id']}/{sub['metric']}"
                m, d, b = srdi[iid]
                assert (sub["metric"], sub.get("direction", "higher")) == (m, d), iid
                assert [tuple(x) for x in sub["bands"]] == [tuple(x) for x in b], iid
                checked += 1
    assert checked >= 7


LISTS = {
    "info_systems": ("refinement.info_systems", ["cax", "cam", "erp_oa", "crm", "srm", "other"]),
    "management_certs": ("refinement.management_certs", ["iso9001", "iso14001", "ohsas18001", "other"]),
    "foreign_certs": ("refinement.foreign_product_certs", ["ul", "csa", "etl", "gs", "other"]),
    "partners": ("innovation.partners", ["华南理工大学", "中山大学", "广东工业大学"]),
}
BOOLS = {
    "cloud_migration": "refinement.cloud_migration", "internet_pilot": "refinement.internet_integration_pilot",
    "fills_gap": "chain.fills_gap", "supplies_leaders": "chain.supplies_leaders",
    "serves_key_leader": "chain.serves_key_leader", "network_power": "product.network_power",
    "strategic_emerging": "product.strategic_emerging",
}
INTEGER_METRICS = {"digital_level", "institution_level", "own_brands", "awards_3y", "standards_total",
                   "mic_fields", "six_foundations", *LISTS, *BOOLS}


def _institution(level: int) -> dict:
    ch = dict(NO_INSTITUTION)
    if level >= 1:
        name = next(k for k, v in INSTITUTION_NAMES.items() if v == level)
        ch[f"innovation.rd_institutions.tech_center.{name}"] = 1
    return ch


def set_metric(name: str, v: Fraction) -> dict:
    """Company changes that give metric ``name`` exactly the value ``v`` (Fractions are
    written to the YAML as exact decimals)."""
    n = int(v) if v.denominator == 1 else None
    if name == "rd_ratio_y3":        # revenue 1000: the amount stays ≤ 100万 (amount band ≤ 2 points)
        return fin(2, revenue=1000, main_revenue=900, net_profit=100, rd_expense=v * 10)
    if name == "rd_expense_y3":      # revenue 100000: the ratio stays ≤ 0.5% (0 points)
        return fin(2, revenue=100000, main_revenue=90000, rd_expense=v)
    if name == "main_growth":
        return merge(fin(1, main_revenue=10000), fin(2, revenue=30000, main_revenue=10000 + 100 * v))
    if name == "main_growth_avg2":   # growth y2 0%, y3 2v% → mean v%
        return merge(fin(0, main_revenue=10000), fin(1, main_revenue=10000),
                     fin(2, revenue=30000, main_revenue=10000 + 200 * v))
    if name == "main_share":
        return fin(2, revenue=10000, main_revenue=100 * v, rd_expense=500, net_profit=500)
    if name == "debt_ratio":
        return fin(2, debt_ratio=v)
    if name == "net_margin":
        return fin(2, revenue=10000, main_revenue=9000, rd_expense=500, net_profit=100 * v)
    if name == "rd_staff_share":
        return fin(2, employees=10000, rd_staff=100 * v)
    if name == "digital_level":
        return {"refinement.digital_level": n}
    if name == "institution_level":
        return _institution(n)
    if name == "domestic_share":
        return {"distinctiveness.market_share.1.domestic": v}
    if name == "international_share":
        return {"distinctiveness.market_share.1.international": v}
    if name == "own_brands":
        return {"distinctiveness.own_brands.1.count": n}
    if name == "awards_3y":
        return {"innovation.science_awards": [{"year": 2024, "level": "provincial", "rank": 1} for _ in range(n)]}
    if name == "standards_total":
        return {"honors.standards": {"international": 0, "national": 0, "industry": n}}
    if name in LISTS:
        path, items = LISTS[name]
        return {path: items[:n]}
    if name in BOOLS:
        return {BOOLS[name]: bool(n)}
    if name == "mic_fields":
        return {"product.mic_fields": ["cnc_robotics"] if n else []}
    if name == "six_foundations":
        return {"product.six_foundations": ["core_components"] if n else []}
    raise KeyError(name)


def _edge_cases():
    cases = []
    for where, owner, iid, m, direction, bands in _yaml_band_indicators():
        step = Fraction(1) if m in INTEGER_METRICS else Fraction(1, 100)
        for i, (edge, pts) in enumerate(bands):
            edge = Fraction(str(edge))
            nxt = Fraction(str(bands[i + 1][1])) if i + 1 < len(bands) else Fraction(0)
            beyond = edge - step if direction == "higher" else edge + step
            cases.append(pytest.param(where, owner, iid, m, edge, Fraction(str(pts)),
                                      id=f"{where}:{owner}:{iid}@{edge}"))
            cases.append(pytest.param(where, owner, iid, m, beyond, nxt,
                                      id=f"{where}:{owner}:{iid}@{edge}{'-' if direction == 'higher' else '+'}"))
    return cases


def _points(a, where, owner, iid):
    lid = iid.split("/")[0]
    if where == "dimensions":
        return indicator(a, owner, lid).points
    return line(a, owner, lid).points


@pytest.mark.parametrize("where, owner, iid, metric_name, value, points", _edge_cases())
def test_band_edge(where, owner, iid, metric_name, value, points):
    """A value on an edge gets the higher band; one step beyond gets the next band."""
    changes = set_metric(metric_name, value)
    if where == "miit-2026":
        changes = merge(D26, changes)
    a = run(changes)
    c = a.company
    assert metric(c, metric_name).value == value     # the setter produced exactly this value
    if "/" in iid:
        # best_of (R&D amount or ratio): the better of the two; the setter keeps the
        # other half at 0 or 2 points
        assert _points(a, where, owner, iid) == max(points, _other_half(c, metric_name))
    else:
        assert _points(a, where, owner, iid) == points


def _other_half(c, metric_name):
    other = "rd_ratio_y3" if metric_name == "rd_expense_y3" else "rd_expense_y3"
    m, _, bands = RULES_BANDS[("srdi_sme", f"rd_input/{other}")]
    v = metric(c, other).value
    return next((Fraction(p) for e, p in bands if v >= e), Fraction(0))


@pytest.mark.parametrize("niche, points", [("0", 0), ("1.99", 0), ("2", 1), ("3.99", 1), ("4", 2), ("9.99", 4),
                                           ("10", 5), ("12", 5), ("40", 5)])
def test_niche_years_one_point_per_full_two_years(niche, points):
    a = run({"specialization.niche_years": niche})
    assert line(a, "srdi_sme", "niche_years").points == points
    assert indicator(a, "specialization", "niche_years").points == points


@pytest.mark.parametrize("ip, inno, srdi", [
    ({"class1": 5, "class1_self_developed": 5, "class1_high_value": 1, "class2": 0}, 20, 10),
    ({"class1": 5, "class1_self_developed": 1, "class1_high_value": 0, "class2": 0}, 15, 8),
    ({"class1": 1, "class1_self_developed": 0, "class1_high_value": 0, "class2": 0}, 10, 6),
    ({"class1": 0, "class1_self_developed": 0, "class1_high_value": 0, "class2": 1}, 5, 2),
    ({"class1": 0, "class1_self_developed": 0, "class1_high_value": 0, "class2": 0}, 0, 0),
])
def test_ip_bands(ip, inno, srdi):
    changes = {f"innovation.ip.{k}": v for k, v in ip.items()}
    changes["innovation.ip.class1_applied"] = 0
    a = run(changes)
    assert line(a, "innovative_sme", "ip").points == inno
    assert line(a, "srdi_sme", "ip").points == srdi
    assert indicator(a, "innovation", "ip").points == srdi     # the dimension reuses the 2022 srdi bands


@pytest.mark.parametrize("strategic, points", [(True, 10), (False, 5)])
def test_innovative_product_field(strategic, points):
    a = run({"product.strategic_emerging": strategic})
    assert line(a, "innovative_sme", "product_field").points == points


def test_innovative_product_field_absent_counts_at_worst():
    ln = line(run({"product.strategic_emerging": DROP}), "innovative_sme", "product_field")
    assert (ln.points, ln.best_points, ln.status) == (5, 10, ND)


@pytest.mark.parametrize("fills, six, honored, serves, points", [
    (True, [], False, False, 5), (False, ["core_components"], False, False, 3),
    (False, [], True, False, 3), (False, [], False, True, 3), (False, [], False, False, 0),
])
def test_srdi_product_field(fills, six, honored, serves, points):
    a = run({"chain.fills_gap": fills, "product.six_foundations": six, "product.time_honored": honored,
             "chain.serves_key_leader": serves})
    assert line(a, "srdi_sme", "product_field").points == points


@pytest.mark.parametrize("award, certs, brands, standards, points", [
    ("provincial", ["iso9001"], 1, 1, 5), ("national", [], 0, 0, 3), ("municipal", [], 0, 0, 0),
    ("none", ["iso14001"], 0, 0, 0), ("none", ["iso9001"], 0, 0, 3), ("none", [], 2, 0, 3),
    ("none", [], 0, 1, 3), ("none", ["iso9001"], 1, 0, 5),
])
def test_srdi_quality_three_points_per_item_at_most_five(award, certs, brands, standards, points):
    a = run({"refinement.quality_award": award, "refinement.management_certs": certs,
             "distinctiveness.own_brands.1.count": brands,
             "honors.standards": {"international": 0, "national": 0, "industry": standards}})
    assert line(a, "srdi_sme", "quality").points == points


@pytest.mark.parametrize("local, points", [(DROP, 0), ("0", 0), ("7.5", Fraction(15, 2)), ("15", 15)])
def test_srdi_local_score_is_taken_as_given(local, points):
    ln = line(run({"distinctiveness.local_score": local}), "srdi_sme", "local")
    assert ln.points == points
    assert ln.best_points == (15 if local is DROP else points)


@pytest.mark.parametrize("ws, level_points", [("academician_workstation", 2), ("postdoc_workstation", 2)])
def test_workstation_alone_is_the_own_level(ws, level_points):
    a = run(merge(NO_INSTITUTION, {f"innovation.rd_institutions.{ws}": True}))
    assert line(a, "srdi_sme", "institution").points == level_points
    assert find(a.tier("little_giant"), "xin/general/institution").status is MET


@pytest.mark.parametrize("maker, points", [("none", 0), ("top500", 1), ("top50", 2)])
def test_maker_china_dimension_points(maker, points):
    assert indicator(run({"innovation.maker_china": maker}), "innovation", "maker").points == points


@pytest.mark.parametrize("year, counted", [(2021, False), (2022, True), (2025, True), (2026, False)])
def test_award_window_from_first_financial_year_to_assessment_year(year, counted):
    # financials 2022..2024, assessed 2025-06-15: 近三年 = 2022..2025
    a = run(merge(INNO_DIRECT_ONLY, {"innovation.science_awards": AWARD("provincial", 1, year)}))
    assert find(a.tier("innovative_sme"), "route/direct_award").status is (MET if counted else UNMET)


def test_lg_2022_revenue_branch_edges():
    # ≥ 10000 → the 3% rule; 5000 ≤ r < 10000 → 6%; the other cases are not applicable
    a = run(merge(fin(2, revenue=10000, main_revenue=9700, rd_expense=300, net_profit=900),
                  fin(1, rd_expense=693)))
    br = find(a.tier("little_giant"), "xin/general/rd_by_revenue")
    assert [k.status for k in br.children] == [MET, NA, NA]
    b = run(merge(fin(2, revenue="9999.99", main_revenue=9700, rd_expense=300, net_profit=900),
                  fin(1, rd_expense=693)))
    br = find(b.tier("little_giant"), "xin/general/rd_by_revenue")
    assert [k.status for k in br.children] == [NA, UNMET, NA]
    c = run(merge(LG22_SMALL, fin(2, revenue=5000)))      # 1500/3600 and 1500/5000 ≥ 6%
    assert [k.status for k in find(c.tier("little_giant"), "xin/general/rd_by_revenue").children] == [NA, MET, NA]
    d = run(merge(LG22_SMALL, fin(2, revenue="4999.99")))
    assert [k.status for k in find(d.tier("little_giant"), "xin/general/rd_by_revenue").children] == [NA, NA, MET]
