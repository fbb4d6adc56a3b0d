"""The minimal set, checked by applying it to the data (rules.md §5 "the minimal set").

For each plan, the application the target names (year, rule set) is rebuilt
as a company file by the test itself (tests/plan_helpers.py: the window of
three financial years, later years as the last reported one, titles held or
applied for), the items' data changes are written in, and the file goes
through the real validator and rules:

- the minimal set meets the tier (or leaves only judgement criteria open);
- no cheaper combination of the plan's items for that tier does: every
  subset that costs less (by estimated money, then by the number of items)
  is applied and must fail (brute force, on plans with few items).

Examples are the example companies and random companies near them.
"""

from __future__ import annotations

import copy
import itertools
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from plan_helpers import meets
from scoring_helpers import COMPANIES, base_dict, company_from_dict, engine
from test_scoring_properties import companies

from zjtx_site.scoring.engine import assess
from zjtx_site.scoring.score_json import to_json

pytestmark = pytest.mark.slow      # brute force and generated companies

BRUTE_MAX = 7          # items of one tier tried in every combination (2⁷ = 128 runs at most)


def _files() -> list[str]:
    return sorted(str(p.relative_to(COMPANIES).with_suffix("")) for p in COMPANIES.glob("*/*.yaml"))


def _cost(items) -> tuple[Fraction, int]:
    money = sum((p.money_wan if p.money_wan is not None else (p.estimate_wan or Fraction(0)) for p in items),
                Fraction(0))
    return money, len(items)


def _targets(j: dict):
    t = j["plan_target"]
    while t is not None:
        yield t
        t = t["following"]


def check_plan(data: dict, brute: bool = True) -> int:
    """Assert both properties for every target of the plan of ``data``; the number
    of subsets tried."""
    a = assess(engine(), company_from_dict(copy.deepcopy(data)))
    j = to_json(a)
    by_id = {p.id: p for p in a.plan}
    js = {p["id"]: p for p in j["plan"]}
    tried = 0
    for t in _targets(j):
        if t["apply_in"] is None:
            continue
        minimal = [js[i] for i in t["minimal_set"]]
        assert meets(data, j, t, minimal), (t, [m["action"] for m in minimal])
        mine = [p for p in a.plan if p.tier == t["tier"]]
        fixed = [p for p in mine if p.kind == "evidence"]           # judgement: always prepared
        free = [p for p in mine if p.kind in ("data", "improve", "qualify")]
        if not brute or len(free) > BRUTE_MAX:
            continue
        best = _cost([by_id[i] for i in t["minimal_set"]])
        for n in range(len(free) + 1):
            for subset in itertools.combinations(free, n):
                chosen = [*fixed, *subset]
                if _cost(chosen) >= best:
                    continue
                tried += 1
                assert not meets(data, j, t, [js[p.id] for p in chosen]), (
                    "a cheaper set meets the tier", t, [p.id for p in chosen], best)
    return tried


@pytest.mark.parametrize("name", _files())
def test_minimal_set_of_each_example(name):
    check_plan(base_dict(f"{name}.yaml"))


def test_the_brute_force_tries_the_cheaper_combinations():
    # qintang's 创新型: patent 5 (estimate), debt 173.6, R&D 18.4, sales 218, equity 500 万元;
    # the minimal set costs 178.6 in 2 items. Cheaper: none, patent, R&D, patent + R&D, debt alone
    assert check_plan(base_dict("gz-qintang-daily/2026.yaml")) == 5


def test_the_brute_force_can_fail():
    # a planner that picked the dear route would be caught: the cheap one meets the tier
    data = base_dict("gz-xishuo-materials/2026.yaml")
    a = assess(engine(), company_from_dict(copy.deepcopy(data)))
    j = to_json(a)
    t = j["plan_target"]
    dear = [p for p in j["plan"] if p["minimal"] and p["metric"] != "revenue"] + [
        p for p in j["plan"] if p["metric"] == "equity_raised_2y"]
    cheap = [p for p in j["plan"] if p["minimal"]]
    assert meets(data, j, t, dear) and meets(data, j, t, cheap)
    money = {p.id: p.money_wan for p in a.plan}
    assert sum(money[p["id"]] or 0 for p in cheap) < sum(money[p["id"]] or 0 for p in dear)
    # and without the revenue item the tier is not met
    assert not meets(data, j, t, [p for p in cheap if p["metric"] != "revenue"])


# ---------------------------------------------------------------- random companies near the examples

BASES = ["gz-qintang-daily/2026", "gz-xishuo-materials/2026", "gz-suiheng-power/2026", "gz-hechou-agritech/2026",
         "gz-lanqi-bio/2026", "gz-xishuo-materials/2025", "gz-hengdun-security/2026", "gz-chengsuan-ai/2026"]
CENT = Decimal("0.01")


def _scaled(value, factor: Decimal) -> Decimal:
    return (Decimal(str(value)) * factor).quantize(CENT)


@st.composite
def near_examples(draw) -> dict:
    d = base_dict(f"{draw(st.sampled_from(BASES))}.yaml")
    last = d["financials"][-1]

    def factor() -> Decimal:
        return Decimal(draw(st.integers(40, 200))) / 100
    if draw(st.booleans()):
        last["rd_expense"] = min(_scaled(last["rd_expense"], factor()), Decimal(str(last["revenue"])))
    if draw(st.booleans()):
        grown = _scaled(last["revenue"], factor())
        share = Decimal(str(last["main_revenue"])) / Decimal(str(last["revenue"]))
        last["revenue"] = grown
        last["main_revenue"] = (grown * share).quantize(CENT, rounding="ROUND_DOWN")
        last["rd_expense"] = min(Decimal(str(last["rd_expense"])), grown)
    if draw(st.booleans()):
        last["debt_ratio"] = Decimal(draw(st.integers(3000, 9000))) / 100
    if draw(st.booleans()):
        ip = d["innovation"]["ip"]
        n = draw(st.integers(0, 6))
        ip.update(class1=n, class1_self_developed=min(n, ip.get("class1_self_developed") or 0),
                  class1_high_value=0, class1_applied=draw(st.integers(0, n)))
    if draw(st.booleans()):
        d["compliance"]["platform_score"] = draw(st.one_of(st.none(), st.integers(30, 90)))
    if draw(st.booleans()):
        d["financing"]["equity_raised_2y"] = Decimal(draw(st.integers(0, 30))) * 100
        d["financing"]["equity_raised_3y"] = d["financing"]["equity_raised_2y"]
    if draw(st.booleans()) and d["distinctiveness"].get("market_share"):
        d["distinctiveness"]["market_share"][-1]["domestic"] = Decimal(draw(st.integers(1, 150))) / 10
        d["distinctiveness"]["domestic_rank"] = draw(st.one_of(st.none(), st.integers(1, 12)))
    return d


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow], database=None)
@given(near_examples())
def test_minimal_set_meets_the_tier_and_nothing_cheaper_does(data):
    a = assess(engine(), company_from_dict(copy.deepcopy(data)))
    assume(a.plan_target is not None and a.plan_target.apply_in is not None)
    check_plan(data)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow], database=None)
@given(companies())
def test_minimal_set_of_random_companies_meets_the_tier(data):
    a = assess(engine(), company_from_dict(copy.deepcopy(data)))
    assume(a.plan_target is not None and a.plan_target.apply_in is not None)
    check_plan(data, brute=False)
