"""Property tests over random valid companies (rules.md §2 and "Missing data").

- every dimension score is within 0–100, every tier score within its maximum;
- monotone: improving one input never lowers a dimension score or a tier score
  and never turns a met tier into anything else;
- missing data: replacing absent values by concrete ones never turns a met
  criterion unmet or an unmet one met (only needs_data resolves either way).

Every generated company goes through the real validator first.
"""

from __future__ import annotations

import copy
from datetime import date
from decimal import ROUND_DOWN, Decimal

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from scoring_helpers import MET, NA, UNMET, company_from_dict, engine

from zjtx_site.scoring.engine import assess
from zjtx_site.scoring.spans import Status

pytestmark = pytest.mark.slow      # hypothesis: many generated companies

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])

MIC = ["next_gen_it", "cnc_robotics", "aerospace", "marine", "rail", "nev", "power", "agri_machinery",
       "new_materials", "biomedicine"]
SIX = ["core_components", "core_electronics", "key_software", "base_process", "key_materials", "industry_tech_base"]
TITLES = ["high_tech", "tech_innovation_demo_national", "tech_innovation_demo_provincial", "ip_pilot_national",
          "ip_pilot_provincial", "smart_mfg_national", "smart_mfg_provincial", "green_factory",
          "quality_benchmark", "base_catalog", "first_set_insurance", "ip_advantage", "ip_demo",
          "innovative_sme", "srdi_sme", "little_giant", "single_champion"]
INFO = ["cax", "cam", "erp_oa", "crm", "srm", "other"]
CERTS = ["iso9001", "iso14001", "ohsas18001", "other"]
FOREIGN = ["ul", "csa", "etl", "gs", "other"]
PARTNERS = ["华南理工大学", "中山大学", "广东工业大学"]
INSTITUTIONS = ["research_institute", "tech_center", "engineering_center", "design_center"]
LEVELS = ["national", "provincial", "municipal", "own"]
DATES = [date(2025, 6, 15), date(2026, 3, 31), date(2026, 4, 1), date(2026, 5, 20)]
CENT = Decimal("0.01")


def money(lo: int = 0, hi: int = 60000) -> st.SearchStrategy[Decimal]:
    return st.integers(lo * 100, hi * 100).map(lambda n: Decimal(n) / 100)


def near(edges: list[int], lo: int = 0, hi: int = 100) -> st.SearchStrategy[Decimal]:
    """A percentage, often on or next to a rule edge (where a wrong direction shows)."""
    close = st.tuples(st.sampled_from(edges), st.sampled_from([-1, 0, 1])).map(
        lambda t: Decimal(t[0]) + Decimal(t[1]) * CENT)
    return st.one_of(st.integers(lo * 100, hi * 100).map(lambda n: Decimal(n) / 100), close)


DEBT_EDGES = [50, 55, 60, 70, 75, 80]
STEP = st.one_of(st.integers(1, 5000).map(lambda n: Decimal(n) * CENT),
                 st.sampled_from([Decimal("0.01"), Decimal(1), Decimal(5), Decimal(10), Decimal(25)]))


def share_of(total: Decimal, draw) -> Decimal:
    """An exact 2-decimal amount between 0 and total."""
    part = draw(st.integers(0, 10000))
    return (total * part / 10000).quantize(CENT, rounding=ROUND_DOWN)


def subset(items: list[str]) -> st.SearchStrategy[list[str]]:
    return st.sets(st.sampled_from(items)).map(lambda s: [x for x in items if x in s])


@st.composite
def companies(draw, full: bool = False) -> dict:
    """A random valid company file as a dict; optional fields present or absent (None)."""

    def opt(strategy):
        return draw(strategy) if full or draw(st.booleans()) else None

    assessed = draw(st.sampled_from(DATES))
    last = assessed.year - 1
    fin = []
    for i, year in enumerate((last - 2, last - 1, last)):
        revenue = draw(money())
        employees = opt(st.integers(0, 2500))
        rd_staff = None
        if full or draw(st.booleans()):
            rd_staff = draw(st.integers(0, employees)) if employees is not None else draw(st.integers(0, 500))
        fin.append({
            "year": year, "employees": employees, "rd_staff": rd_staff, "revenue": revenue,
            "main_revenue": share_of(revenue, draw),
            "net_profit": opt(st.integers(-100000, 100000).map(lambda n: Decimal(n) / 100)),
            "debt_ratio": opt(near(DEBT_EDGES)),
            "rd_expense": share_of(revenue, draw) if full or draw(st.booleans()) else None,
        })
    class1 = opt(st.integers(0, 30))
    ip = {"class1": class1, "class2": opt(st.integers(0, 60))}
    for k in ("class1_self_developed", "class1_high_value", "class1_applied"):
        ip[k] = opt(st.integers(0, class1 if class1 is not None else 30))
    first_year = last - 2
    awards = opt(st.lists(st.fixed_dictionaries({
        "year": st.integers(first_year - 2, assessed.year), "level": st.sampled_from(["national", "provincial"]),
        "rank": st.integers(1, 8)}), max_size=3))
    shares = opt(st.integers(1, 2).flatmap(lambda n: st.tuples(*[st.fixed_dictionaries({
        "international": st.integers(0, 5000).map(lambda v: Decimal(v) / 100),
        "domestic": st.integers(0, 5000).map(lambda v: Decimal(v) / 100)}) for _ in range(n)])))
    if shares is not None:
        shares = [dict(s, year=last - len(shares) + 1 + i) for i, s in enumerate(shares)]
        for s in shares:
            if not full and draw(st.booleans()):
                s["domestic"] = None
    brands = opt(st.integers(1, 2).flatmap(lambda n: st.lists(st.integers(0, 5), min_size=n, max_size=n)))
    if brands is not None:
        brands = [{"year": last - len(brands) + 1 + i, "count": c} for i, c in enumerate(brands)]
    institutions = None
    if full or draw(st.booleans()):
        institutions = {name: {lvl: opt(st.integers(0, 2)) for lvl in LEVELS} for name in INSTITUTIONS}
        institutions["academician_workstation"] = opt(st.booleans())
        institutions["postdoc_workstation"] = opt(st.booleans())
    return {
        "schema": 1,
        "assessed_on": assessed,
        "basic": {"name": "广州测试科技有限公司", "sme": opt(st.booleans())},
        "financials": fin,
        "financing": {"equity_raised_2y": opt(money(0, 10000)), "equity_raised_3y": opt(money(0, 10000))},
        "specialization": {"niche_years": draw(st.integers(0, 3000).map(lambda n: Decimal(n) / 100))},
        "refinement": {
            "management_certs": opt(subset(CERTS)), "info_systems": opt(subset(INFO)),
            "foreign_product_certs": opt(subset(FOREIGN)), "cloud_migration": opt(st.booleans()),
            "internet_integration_pilot": opt(st.booleans()), "digital_level": opt(st.integers(1, 4)),
            "quality_award": opt(st.sampled_from(["none", "municipal", "provincial", "national"])),
        },
        "distinctiveness": {
            "market_share": shares, "domestic_rank": opt(st.integers(1, 20)),
            "global_rank": opt(st.integers(1, 20)), "own_brands": brands,
            "local_score": opt(st.integers(0, 1500).map(lambda n: Decimal(n) / 100)),
        },
        "innovation": {
            "rd_institutions": institutions, "partners": opt(subset(PARTNERS)), "ip": ip,
            "science_awards": awards, "maker_china": opt(st.sampled_from(["none", "top500", "top50"])),
        },
        "chain": {k: opt(st.booleans()) for k in ("fills_gap", "supplies_leaders", "serves_key_leader")},
        "product": {"mic_fields": draw(subset(MIC)), "six_foundations": draw(subset(SIX)),
                    **{k: opt(st.booleans()) for k in ("network_power", "strategic_emerging", "time_honored",
                                                        "new_product")}},
        "honors": {"standards": {k: opt(st.integers(0, 4)) for k in ("international", "national", "industry")},
                   "titles": draw(subset(TITLES))},
        "compliance": {"no_major_incident_3y": draw(st.booleans()),
                       "platform_score": opt(st.integers(0, 10000).map(lambda n: Decimal(n) / 100))},
    }


def assess_dict(d: dict):
    return assess(engine(), company_from_dict(copy.deepcopy(d)))


def leaves(a) -> dict[str, Status]:
    out = {}

    def walk(c, prefix):
        p = f"{prefix}/{c.id}"
        if not c.children:
            out[p] = c.status
        for k in c.children:
            walk(k, p)
    for t in a.tiers:
        for c in t.criteria:
            walk(c, t.tier)
    return out


# ---------------------------------------------------------------- bounds

@SETTINGS
@given(companies())
def test_scores_within_bounds(d):
    a = assess_dict(d)
    assert len(a.dimensions) == 6
    for dim in a.dimensions:
        assert 0 <= dim.score <= 100, dim.key
        for i in dim.indicators:
            assert 0 <= i.points <= i.max_points
    for t in a.tiers:
        if t.score is None:
            continue
        assert 0 <= t.score.total <= t.score.best_total <= 100
        for g in t.score.groups:
            assert 0 <= g.points <= g.best_points <= g.max_points
    assert a.grade.level in ("L1", "L2", "L3", "L4", "L5")
    # score-output.md: the lowest tier neither met nor held; a non-SME goes to 单项冠军
    titles = set(d["honors"]["titles"])
    ladder = ("innovative_sme", "srdi_sme", "little_giant")
    held = {t for i, top in enumerate(ladder) if top in titles for t in ladder[: i + 1]}
    held |= {"single_champion"} & titles
    met = {t.tier for t in a.tiers if t.status is MET}
    sme = next(c for c in a.tier("innovative_sme").criteria if c.id == "sme").status
    path = ("single_champion",) if sme is UNMET else (*ladder, "single_champion")
    expected = None if "single_champion" in held else next((t for t in path if t not in met | held), None)
    assert a.next_tier == expected
    assert a.held == tuple(t for t in (*ladder, "single_champion") if t in held)
    assert a.ready_to_apply == tuple(t.tier for t in a.tiers if t.status is MET and t.tier not in held)


# ---------------------------------------------------------------- monotonicity

def _fin(d, i):
    return d["financials"][i]


def _improvements(d: dict) -> list[str]:
    """Names of the one-input improvements applicable to this company."""
    out = []
    for i in range(3):
        y = _fin(d, i)
        if y["rd_expense"] is not None and y["rd_expense"] < y["revenue"]:
            out.append(f"rd_expense:{i}")
        if y["debt_ratio"] is not None and y["debt_ratio"] > 0:
            out.append(f"debt_down:{i}")
        if y["net_profit"] is not None:
            out.append(f"net_profit_up:{i}")
        if y["rd_staff"] is not None and (y["employees"] is None or y["rd_staff"] < y["employees"]):
            out.append(f"rd_staff_up:{i}")
    y3 = _fin(d, 2)
    if y3["main_revenue"] < y3["revenue"]:
        out.append("main_revenue_up:2")
    ip = d["innovation"]["ip"]
    for k in ("class1", "class2"):
        if ip[k] is not None:
            out.append(f"ip_up:{k}")
    for k in ("class1_self_developed", "class1_high_value", "class1_applied"):
        if ip[k] is not None and (ip["class1"] is None or ip[k] < ip["class1"]):
            out.append(f"ip_up:{k}")
    out.append("niche_up")
    for path in _bool_paths(d):
        if _get(d, path) is False:
            out.append(f"flip:{path}")
    for path, items in _list_paths().items():
        cur = _get(d, path)
        if cur is not None and len(cur) < len(items) and (path != "innovation.partners" or len(cur) < 3):
            out.append(f"add:{path}")
    if d["innovation"]["science_awards"] is not None:
        out.append("add_award")
    for path in ("financing.equity_raised_2y", "financing.equity_raised_3y", "compliance.platform_score",
                 "distinctiveness.local_score"):
        if _get(d, path) is not None:
            out.append(f"up:{path}")
    for path in ("distinctiveness.domestic_rank", "distinctiveness.global_rank"):
        if _get(d, path) is not None and _get(d, path) > 1:
            out.append(f"rank_up:{path}")
    if d["refinement"]["digital_level"] is not None and d["refinement"]["digital_level"] < 4:
        out.append("digital_up")
    if d["distinctiveness"]["own_brands"] and d["distinctiveness"]["own_brands"][-1]["count"] is not None:
        out.append("brand_up")
    if d["distinctiveness"]["market_share"] and d["distinctiveness"]["market_share"][-1]["domestic"] is not None \
            and d["distinctiveness"]["market_share"][-1]["domestic"] < 100:
        out.append("share_up")
    if d["innovation"]["maker_china"] in ("none", "top500"):
        out.append("maker_up")
    if d["refinement"]["quality_award"] in ("none", "municipal", "provincial"):
        out.append("quality_up")
    ri = d["innovation"]["rd_institutions"]
    if ri is not None:
        out += [f"inst_up:{n}:{lvl}" for n in INSTITUTIONS for lvl in LEVELS if ri[n][lvl] is not None]
    std = d["honors"]["standards"]
    out += [f"std_up:{k}" for k, v in std.items() if v is not None]
    return out


def _bool_paths(d) -> list[str]:
    paths = ["basic.sme", "compliance.no_major_incident_3y", "refinement.cloud_migration",
             "refinement.internet_integration_pilot", "chain.fills_gap", "chain.supplies_leaders",
             "chain.serves_key_leader", "product.network_power", "product.strategic_emerging",
             "product.time_honored", "product.new_product"]
    if d["innovation"]["rd_institutions"] is not None:
        paths += ["innovation.rd_institutions.academician_workstation",
                  "innovation.rd_institutions.postdoc_workstation"]
    return paths


def _list_paths() -> dict[str, list[str]]:
    return {"honors.titles": TITLES, "product.mic_fields": MIC, "product.six_foundations": SIX,
            "refinement.info_systems": INFO, "refinement.management_certs": CERTS,
            "refinement.foreign_product_certs": FOREIGN, "innovation.partners": PARTNERS}


def _get(d, path):
    node = d
    for k in path.split("."):
        node = node[k]
    return node


def _set(d, path, value):
    keys = path.split(".")
    node = d
    for k in keys[:-1]:
        node = node[k]
    node[keys[-1]] = value


def improve(d: dict, name: str, draw) -> dict:
    d = copy.deepcopy(d)
    kind, _, arg = name.partition(":")
    step = draw(STEP)
    if kind == "rd_expense":
        y = _fin(d, int(arg))
        y["rd_expense"] = min(y["revenue"], y["rd_expense"] + step * 10)
    elif kind == "debt_down":
        y = _fin(d, int(arg))
        y["debt_ratio"] = max(Decimal(0), y["debt_ratio"] - step)
    elif kind == "net_profit_up":
        _fin(d, int(arg))["net_profit"] += step * 10
    elif kind == "rd_staff_up":
        y = _fin(d, int(arg))
        top = y["employees"] if y["employees"] is not None else y["rd_staff"] + 100
        y["rd_staff"] = draw(st.integers(y["rd_staff"] + 1, top))
    elif kind == "main_revenue_up":
        y = _fin(d, 2)
        y["main_revenue"] = min(y["revenue"], y["main_revenue"] + step * 10)
    elif kind == "ip_up":
        ip = d["innovation"]["ip"]
        top = ip["class1"] if arg != "class1" and arg != "class2" and ip["class1"] is not None else ip[arg] + 10
        ip[arg] = draw(st.integers(ip[arg] + 1, top))
    elif kind == "niche_up":
        d["specialization"]["niche_years"] += step / 10
    elif kind == "flip":
        _set(d, arg, True)
    elif kind == "add":
        cur = _get(d, arg)
        items = _list_paths()[arg]
        new = draw(st.sampled_from([x for x in items if x not in cur]))
        _set(d, arg, [x for x in items if x in cur or x == new])
    elif kind == "add_award":
        first = d["financials"][0]["year"]
        d["innovation"]["science_awards"] = d["innovation"]["science_awards"] + [{
            "year": draw(st.integers(first - 1, d["assessed_on"].year)),
            "level": draw(st.sampled_from(["national", "provincial"])), "rank": draw(st.integers(1, 8))}]
    elif kind == "up":
        cur = _get(d, arg)
        cap = {"compliance.platform_score": 100, "distinctiveness.local_score": 15}.get(arg)
        new = cur + step
        _set(d, arg, min(Decimal(cap), new) if cap is not None else new)
    elif kind == "rank_up":
        _set(d, arg, draw(st.integers(1, _get(d, arg) - 1)))
    elif kind == "digital_up":
        d["refinement"]["digital_level"] = draw(st.integers(d["refinement"]["digital_level"] + 1, 4))
    elif kind == "brand_up":
        d["distinctiveness"]["own_brands"][-1]["count"] += draw(st.integers(1, 3))
    elif kind == "share_up":
        rec = d["distinctiveness"]["market_share"][-1]
        rec["domestic"] = min(Decimal(100), rec["domestic"] + step)
    elif kind == "maker_up":
        d["innovation"]["maker_china"] = {"none": "top500", "top500": "top50"}[d["innovation"]["maker_china"]]
    elif kind == "quality_up":
        order = ["none", "municipal", "provincial", "national"]
        d["refinement"]["quality_award"] = order[order.index(d["refinement"]["quality_award"]) + 1]
    elif kind == "inst_up":
        n, lvl = arg.split(":")
        d["innovation"]["rd_institutions"][n][lvl] += 1
    elif kind == "std_up":
        d["honors"]["standards"][arg] += 1
    else:
        raise KeyError(name)
    return d


KINDS = ("rd_expense", "debt_down", "net_profit_up", "rd_staff_up", "main_revenue_up", "ip_up", "niche_up",
         "flip", "add", "add_award", "up", "rank_up", "digital_up", "brand_up", "share_up", "maker_up",
         "quality_up", "inst_up", "std_up")


@pytest.mark.parametrize("kind", KINDS)
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                 HealthCheck.filter_too_much])
@given(data=st.data())
def test_improving_one_input_never_hurts(kind, data):
    d = data.draw(companies(full=data.draw(st.booleans())))
    names = [n for n in _improvements(d) if n.partition(":")[0] == kind]
    assume(names)
    name = data.draw(st.sampled_from(names))
    better = improve(d, name, data.draw)
    a, b = assess_dict(d), assess_dict(better)
    for x, y in zip(a.dimensions, b.dimensions):
        assert y.score >= x.score, (name, x.key, x.score, y.score)
    for x, y in zip(a.tiers, b.tiers):
        if x.score is not None:
            assert y.score.total >= x.score.total, (name, x.tier)
            assert y.score.best_total >= x.score.best_total, (name, x.tier)
        if x.status is MET:
            assert y.status is MET, (name, x.tier, y.status)
        if x.status is not UNMET:
            assert y.status is not UNMET, (name, x.tier, x.status)


# ---------------------------------------------------------------- missing data

def _status_at(statuses: dict[str, Status], path: str) -> Status:
    """The status of ``path``, or of the not-applicable branch case that replaced it
    (a branch on an unknown value evaluates every case it might be)."""
    parts = path.split("/")
    for n in range(len(parts), 0, -1):
        p = "/".join(parts[:n])
        if p in statuses:
            return statuses[p]
    raise KeyError(path)


def _droppable(d: dict) -> list[str]:
    """Optional fields that are present; basic.sme is left out on purpose: absent it is
    not unknown but means "use the industrial rule" (rules.md 公告条件)."""
    paths = []
    for i in range(3):
        for k in ("employees", "rd_staff", "net_profit", "debt_ratio", "rd_expense"):
            paths.append(f"financials.{i}.{k}")
    paths += ["financing.equity_raised_2y", "financing.equity_raised_3y", "compliance.platform_score",
              "distinctiveness.domestic_rank", "distinctiveness.global_rank", "distinctiveness.local_score",
              "distinctiveness.market_share", "distinctiveness.own_brands", "innovation.partners",
              "innovation.science_awards", "innovation.maker_china", "innovation.rd_institutions",
              "refinement.management_certs", "refinement.info_systems", "refinement.foreign_product_certs",
              "refinement.cloud_migration", "refinement.internet_integration_pilot", "refinement.digital_level",
              "refinement.quality_award", "chain.fills_gap", "chain.supplies_leaders", "chain.serves_key_leader",
              "product.network_power", "product.strategic_emerging", "product.time_honored", "product.new_product",
              "honors.standards"]
    paths += [f"innovation.ip.{k}" for k in ("class1", "class2", "class1_self_developed", "class1_high_value",
                                             "class1_applied")]
    paths += [f"innovation.rd_institutions.{n}.{lvl}" for n in INSTITUTIONS for lvl in LEVELS]
    paths += ["innovation.rd_institutions.academician_workstation", "innovation.rd_institutions.postdoc_workstation"]
    paths += [f"honors.standards.{k}" for k in ("international", "national", "industry")]
    paths += ["distinctiveness.market_share.-1.domestic", "distinctiveness.own_brands.-1.count"]
    return paths


def _drop(d: dict, path: str) -> None:
    keys = [int(k) if k.lstrip("-").isdigit() else k for k in path.split(".")]
    node = d
    for k in keys[:-1]:
        node = node[k] if isinstance(k, int) else node.get(k)
        if node is None:
            return
    if isinstance(keys[-1], int):
        return
    node[keys[-1]] = None


@SETTINGS
@given(st.data())
def test_missing_values_only_open_questions_never_answer_them(data):
    full = data.draw(companies(full=True))
    dropped = copy.deepcopy(full)
    for path in data.draw(st.sets(st.sampled_from(_droppable(full)), min_size=1)):
        _drop(dropped, path)
    a, b = assess_dict(dropped), assess_dict(full)
    la, lb = leaves(a), leaves(b)
    for p, s in la.items():
        now = _status_at(lb, p)
        if s is MET:
            assert now in (MET, NA), (p, now)
        if s is UNMET:
            assert now in (UNMET, NA), (p, now)
    for x, y in zip(a.tiers, b.tiers):
        if x.status is MET:
            assert y.status is MET, x.tier
        if x.status is UNMET:
            assert y.status is UNMET, x.tier
        if x.score is not None:
            assert x.score.total <= y.score.total <= x.score.best_total, x.tier
    # missing inputs count at worst in the dimensions
    for x, y in zip(a.dimensions, b.dimensions):
        assert x.score <= y.score, x.key
