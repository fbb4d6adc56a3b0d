"""Derived figures (rules.md "Conventions"), computed once, exactly.

Each metric has a name that rule-set and dimension data files refer to, a
Chinese label, a unit, the evidence field(s) it reads, and the Appendix C
plan item that improves it. Values are :class:`Span` so that a missing
input is carried as "unknown", never as zero.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from zjtx_site.scoring.spans import BOOL_UNKNOWN, UNKNOWN, Span

HUNDRED = Fraction(100)


@dataclass(frozen=True, slots=True, kw_only=True)
class Metric:
    name: str
    label: str
    unit: str                      # "%", "万元", "年", "项", "个", "人", "级", "分", "" (yes/no)
    evidence: str                  # the company-file keys it reads
    fn: Callable[..., Span]
    plan: str = ""                 # a key of its Appendix C home, carried into gaps (plan_item); measures: data/measures.yaml
    boolean: bool = False
    # Converts a shortfall in this metric's unit into 万元 at this year's figures.
    money: Callable[[Any, Fraction], Fraction | None] | None = None
    # Maps a rule threshold into the metric's own space (compound growth).
    threshold: Callable[[Fraction], Fraction] | None = None
    display: Callable[[Span], str] | None = None
    # For a metric compared in another space (compound growth as a ratio): the
    # shortfall to the mapped threshold in the unit a manager acts on, and that unit.
    shortfall_in: Callable[[Any, Fraction], tuple[Fraction, str]] | None = None


REGISTRY: dict[str, Metric] = {}


def metric(name: str, label: str, unit: str, evidence: str, plan: str = "", **kw: Any):
    def deco(fn: Callable[..., Span]) -> Callable[..., Span]:
        REGISTRY[name] = Metric(name=name, label=label, unit=unit, evidence=evidence, fn=fn,
                                plan=plan, boolean=(unit == ""), **kw)
        return fn
    return deco


class MetricContext:
    """Metrics of one company, each computed at most once."""

    def __init__(self, company: Any, registry: Mapping[str, Metric] | None = None):
        self.company = company
        self.registry = registry if registry is not None else REGISTRY
        self._cache: dict[tuple, Span] = {}

    def get(self, name: str, args: tuple = ()) -> Span:
        key = (name, args)
        hit = self._cache.get(key)
        if hit is None:
            hit = self._cache[key] = self.registry[name].fn(self.company, *args)
        return hit


# helpers -----------------------------------------------------------------

def _ratio(a: Any, b: Any) -> Span:
    """a / b × 100; unknown when either is missing or the base is zero."""
    if a is None or b is None or b == 0:
        return UNKNOWN
    return Span.of(Fraction(a) / Fraction(b) * HUNDRED)


def _y(c: Any, i: int) -> Any:
    return c.financials[i]


def _bool(v: bool | None) -> Span:
    return BOOL_UNKNOWN if v is None else Span.of(v)


def _count(v: Any) -> Span:
    """Length of a list; unknown (≥ 0) when the list was not reported."""
    return Span.between(0, None) if v is None else Span.of(len(v))


def _rd_money(c: Any, shortfall: Fraction) -> Fraction:
    return shortfall * Fraction(_y(c, 2).revenue) / HUNDRED


def _of_year(i: int, field: str) -> Callable[[Any, Fraction], Fraction | None]:
    """Percentage points of a figure of year i, in 万元."""
    def conv(c: Any, shortfall: Fraction) -> Fraction | None:
        base = getattr(_y(c, i), field)
        return None if base is None else shortfall * Fraction(base) / HUNDRED
    return conv


def _cagr_revenue(c: Any, ratio: Fraction) -> tuple[Fraction, str]:
    """Compound growth is compared as revenue₃ / revenue₁: the revenue it needs."""
    return ratio * Fraction(_y(c, 0).revenue) - Fraction(_y(c, 2).revenue), "万元"


def _share_money(c: Any, shortfall: Fraction) -> Fraction | None:
    # a share point is worth main revenue / current share (the market size it implies)
    share = c.distinctiveness.market_share[-1].domestic if c.distinctiveness.market_share else None
    main = _y(c, 2).main_revenue
    if not share or main is None:
        return None
    return shortfall * Fraction(main) / Fraction(share)


def _window(c: Any, first_index: int) -> range:
    return range(c.financials[first_index].year, c.assessed_on.year + 1)


# financial figures ---------------------------------------------------------

@metric("revenue", "上年度营业收入", "万元", "financials[2].revenue", "market_share", money=lambda c, s: s)
def _revenue(c):
    return Span.of(_y(c, 2).revenue)


@metric("main_revenue_mean3", "近3年主营业务收入平均值", "万元", "financials[].main_revenue", "market_share",
        money=lambda c, s: 3 * s)
def _main_mean3(c):
    return Span.of(sum(Fraction(y.main_revenue) for y in c.financials) / 3)


@metric("main_share", "主营业务收入占比", "%", "financials[2].main_revenue, financials[2].revenue",
        "focus_main_business", money=_of_year(2, "revenue"))
def _main_share(c):
    return _ratio(_y(c, 2).main_revenue, _y(c, 2).revenue)


def _growth(c: Any, i: int) -> Span:
    prev, cur = _y(c, i - 1).main_revenue, _y(c, i).main_revenue
    if prev is None or cur is None or prev == 0:
        return UNKNOWN
    return Span.of((Fraction(cur) / Fraction(prev) - 1) * HUNDRED)


@metric("year_share", "比例（按年度）", "%", "financials[i]")
def _year_share(c, part, whole, i):
    """part / whole × 100 in year i (the report's per-year table)."""
    return _ratio(getattr(_y(c, i), part), getattr(_y(c, i), whole))


@metric("year_growth", "主营业务收入增长率（按年度）", "%", "financials[i-1..i].main_revenue", "market_share")
def _year_growth(c, i):
    return _growth(c, i)


@metric("main_growth", "上年度主营业务收入增长率", "%", "financials[1..2].main_revenue", "market_share",
        money=_of_year(1, "main_revenue"))
def _main_growth(c):
    return _growth(c, 2)


@metric("main_growth_avg2", "近2年主营业务收入平均增长率", "%", "financials[].main_revenue", "market_share",
        money=lambda c, s: _of_year(1, "main_revenue")(c, 2 * s))
def _main_growth_avg2(c):
    g2, g3 = _growth(c, 1), _growth(c, 2)
    if not (g2.known and g3.known):
        return UNKNOWN
    return Span.of((g2.value + g3.value) / 2)


def _cagr_display(s: Span) -> str:
    if s.value is None:     # not a known point
        return "未知"
    # display only: the rule compares the exact ratio with (1 + t)^2
    return f"{(math.sqrt(float(s.value)) - 1) * 100:.2f}%"


@metric("revenue_cagr", "近两年营业收入复合增长率", "%", "financials[0].revenue, financials[2].revenue",
        "market_share", threshold=lambda t: (1 + t / HUNDRED) ** 2, display=_cagr_display,
        shortfall_in=_cagr_revenue, money=lambda c, s: s)
def _revenue_cagr(c):
    r1, r3 = _y(c, 0).revenue, _y(c, 2).revenue
    if r1 == 0:
        return UNKNOWN
    return Span.of(Fraction(r3) / Fraction(r1))   # compared as a ratio, see threshold


@metric("rd_ratio_y2", "研发费用占比（近2年第1年）", "%", "financials[1].rd_expense, financials[1].revenue",
        "rd_ratio", money=lambda c, s: s * Fraction(_y(c, 1).revenue) / HUNDRED)
def _rd_ratio_y2(c):
    return _ratio(_y(c, 1).rd_expense, _y(c, 1).revenue)


@metric("rd_ratio_y3", "上年度研发费用占比", "%", "financials[2].rd_expense, financials[2].revenue",
        "rd_ratio", money=_rd_money)
def _rd_ratio_y3(c):
    return _ratio(_y(c, 2).rd_expense, _y(c, 2).revenue)


@metric("rd_expense_y2", "研发费用总额（近2年第1年）", "万元", "financials[1].rd_expense", "rd_ratio",
        money=lambda c, s: s)
def _rd_y2(c):
    return Span.of(_y(c, 1).rd_expense)


@metric("rd_expense_y3", "上年度研发费用总额", "万元", "financials[2].rd_expense", "rd_ratio",
        money=lambda c, s: s)
def _rd_y3(c):
    return Span.of(_y(c, 2).rd_expense)


@metric("rd_expense_sum2", "近2年研发费用总额合计", "万元", "financials[1..2].rd_expense", "rd_ratio",
        money=lambda c, s: s)
def _rd_sum2(c):
    a, b = _y(c, 1).rd_expense, _y(c, 2).rd_expense
    return UNKNOWN if a is None or b is None else Span.of(Fraction(a) + Fraction(b))


@metric("rd_expense_mean2", "近2年研发费用平均值", "万元", "financials[1..2].rd_expense", "rd_ratio",
        money=lambda c, s: s * 2)
def _rd_mean2(c):
    s = _rd_sum2(c)
    return UNKNOWN if not s.known else Span.of(s.value / 2)


@metric("rd_staff_share", "研发人员占比", "%", "financials[2].rd_staff, financials[2].employees",
        "rd_team")
def _rd_staff(c):
    return _ratio(_y(c, 2).rd_staff, _y(c, 2).employees)


@metric("net_margin", "净利润率", "%", "financials[2].net_profit, financials[2].revenue", "brand",
        money=_of_year(2, "revenue"))
def _net_margin(c):
    return _ratio(_y(c, 2).net_profit, _y(c, 2).revenue)


@metric("debt_ratio", "资产负债率", "%", "financials[2].debt_ratio", "financing",
        money=_of_year(2, "total_assets"))
def _debt(c):
    return Span.of(_y(c, 2).debt_ratio)


@metric("sme", "中小企业", "", "basic.sme, financials[2].employees, financials[2].revenue")
def _sme(c):
    if c.basic.sme is not None:
        return Span.of(c.basic.sme)
    y = _y(c, 2)
    if y.revenue < 40000:
        return Span.of(True)
    return BOOL_UNKNOWN if y.employees is None else Span.of(y.employees < 1000)


@metric("no_incident", "近三年无重大事故及违法违规", "", "compliance.no_major_incident_3y")
def _no_incident(c):
    return _bool(c.compliance.no_major_incident_3y)


@metric("niche_years", "从事特定细分市场时间", "年", "specialization.niche_years", "focus_main_business")
def _niche(c):
    return Span.of(c.specialization.niche_years)


@metric("equity_raised_2y", "近2年新增股权融资总额", "万元", "financing.equity_raised_2y", "financing",
        money=lambda c, s: s)
def _eq2(c):
    return Span.of(c.financing.equity_raised_2y)


@metric("equity_raised_3y", "近3年新增股权融资总额", "万元", "financing.equity_raised_3y", "financing",
        money=lambda c, s: s)
def _eq3(c):
    return Span.of(c.financing.equity_raised_3y)


@metric("platform_score", "专精特新发展评价得分（国家平台）", "分", "compliance.platform_score", "")
def _platform(c):
    return Span.of(c.compliance.platform_score)


@metric("local_score", "特色化（地方特色指标）得分", "分", "distinctiveness.local_score", "market_share")
def _local(c):
    return Span.of(c.distinctiveness.local_score)


# intellectual property, institutions, awards --------------------------------

_IP_PARTS = ("class1_self_developed", "class1_high_value", "class1_applied")


def _ip(c: Any, key: str) -> Span:
    ip = c.innovation.ip
    v = getattr(ip, key)
    if v is not None:
        return Span.of(v)
    # the 其中 counts are parts of class1 (crosschecks reject part > total), so an
    # unreported part is at most class1 and an unreported class1 at least its parts
    if key in _IP_PARTS:
        return Span.between(0, ip.class1)
    if key == "class1":
        return Span.between(max((getattr(ip, k) or 0) for k in _IP_PARTS), None)
    return Span.between(0, None)


for _key, _label in (("class1", "Ⅰ类知识产权"), ("class1_self_developed", "自主研发Ⅰ类知识产权"),
                     ("class1_high_value", "高价值Ⅰ类知识产权"), ("class1_applied", "已产生经济效益的Ⅰ类知识产权"),
                     ("class2", "Ⅱ类知识产权")):
    metric(_key, _label, "项", f"innovation.ip.{_key}", "ip_commercialization" if _key == "class1_applied"
           else "ip")(lambda c, _k=_key: _ip(c, _k))

_LEVELS = (("national", 4), ("provincial", 3), ("municipal", 2), ("own", 1))
_INSTITUTIONS = ("research_institute", "tech_center", "engineering_center", "design_center")
INSTITUTION_LEVEL_NAMES = {4: "国家级", 3: "省级", 2: "市级", 1: "自建或工作站", 0: "无"}


@metric("institution_level", "研发机构最高级别", "级", "innovation.rd_institutions", "rd_institution",
        display=lambda s: (INSTITUTION_LEVEL_NAMES[int(s.value)] if s.known else "未知"))
def _inst_level(c):
    ri = c.innovation.rd_institutions
    best, could = 0, 0
    for name in _INSTITUTIONS:
        inst = getattr(ri, name)
        for level_key, level in _LEVELS:
            n = getattr(inst, level_key)
            if n is None:
                could = max(could, level)
            elif n > 0:
                best = max(best, level)
    for ws in (ri.academician_workstation, ri.postdoc_workstation):
        if ws is None:
            could = max(could, 1)
        elif ws:
            best = max(best, 1)
    return Span.between(best, max(best, could))


@metric("awards_3y", "近三年国家级、省级科技奖励", "项", "innovation.science_awards", "rd_projects")
def _awards_any(c):
    return _award_count(c, "provincial", None, 0)


def _award_count(c: Any, min_level: str, max_rank: int | None, first: int) -> Span:
    awards = c.innovation.science_awards
    if awards is None:
        return Span.between(0, None)
    years = _window(c, first)
    ok_levels = ("national",) if min_level == "national" else ("national", "provincial")
    return Span.of(sum(1 for a in awards if a.year in years and a.level in ok_levels
                       and (max_rank is None or a.rank <= max_rank)))


for _name, _label, _lvl, _top in (
        ("award_national_rank3_3y", "近三年国家级科技奖励（排名前3）", "national", 3),
        ("award_national_rank5_3y", "近三年国家级科技奖励（排名前5）", "national", 5),
        ("award_provincial_rank3_3y", "近三年省级及以上科技奖励（排名前3）", "provincial", 3)):
    metric(_name, _label, "项", "innovation.science_awards", "rd_projects")(
        lambda c, _l=_lvl, _r=_top: _award_count(c, _l, _r, 0))


def _maker(c: Any, levels: tuple[str, ...]) -> Span:
    v = c.innovation.maker_china
    return BOOL_UNKNOWN if v is None else Span.of(v in levels)


metric("maker_top500", "“创客中国”大赛全国 500 强", "", "innovation.maker_china", "rd_projects")(
    lambda c: _maker(c, ("top500", "top50")))
metric("maker_top50", "“创客中国”大赛全国 50 强", "", "innovation.maker_china", "rd_projects")(
    lambda c: _maker(c, ("top50",)))


@metric("titles_any", "获得的称号", "", "honors.titles")
def _titles_any(c, *wanted):
    return Span.of(any(t in c.honors.titles for t in wanted))


@metric("partners", "合作院校机构数", "个", "innovation.partners", "industry_academia")
def _partners(c):
    return _count(c.innovation.partners)


@metric("standards_total", "主导或参与制修订的已发布标准", "项", "honors.standards", "standards")
def _standards(c):
    s = c.honors.standards
    vals = (s.international, s.national, s.industry)
    known = sum(v for v in vals if v is not None)
    return Span.of(known) if None not in vals else Span.between(known, None)


# refinement, distinctiveness, chain, product -------------------------------

metric("info_systems", "核心业务采用信息系统数", "个", "refinement.info_systems", "digitalization")(
    lambda c: _count(c.refinement.info_systems))
metric("management_certs", "管理体系认证数", "个", "refinement.management_certs", "quality_certs")(
    lambda c: _count(c.refinement.management_certs))
metric("foreign_certs", "发达国家或地区权威机构产品认证数", "个", "refinement.foreign_product_certs",
       "international")(lambda c: _count(c.refinement.foreign_product_certs))
metric("iso9001", "ISO9001 质量管理体系认证", "", "refinement.management_certs", "quality_certs")(
    lambda c: BOOL_UNKNOWN if c.refinement.management_certs is None
    else Span.of("iso9001" in c.refinement.management_certs))
metric("digital_level", "中小企业数字化水平评测等级", "级", "refinement.digital_level", "digitalization")(
    lambda c: Span.of(c.refinement.digital_level) if c.refinement.digital_level is not None
    else Span.between(1, 4))
metric("cloud_migration", "业务系统向云端迁移", "", "refinement.cloud_migration", "digitalization")(
    lambda c: _bool(c.refinement.cloud_migration))
metric("internet_pilot", "制造业与互联网融合试点示范项目", "", "refinement.internet_integration_pilot",
       "new_models")(lambda c: _bool(c.refinement.internet_integration_pilot))
metric("quality_award_provincial", "省级及以上质量奖", "", "refinement.quality_award", "quality_certs")(
    lambda c: BOOL_UNKNOWN if c.refinement.quality_award is None
    else Span.of(c.refinement.quality_award in ("provincial", "national")))


def _last(records: Any, attr: str) -> Span:
    if not records:
        return UNKNOWN
    return Span.of(getattr(records[-1], attr))


metric("domestic_share", "上年度主导产品全国细分市场占有率", "%", "distinctiveness.market_share[-1].domestic",
       "market_share", money=_share_money)(lambda c: _last(c.distinctiveness.market_share, "domestic"))
metric("international_share", "上年度主导产品国际细分市场占有率", "%",
       "distinctiveness.market_share[-1].international", "international")(
    lambda c: _last(c.distinctiveness.market_share, "international"))
metric("own_brands", "上年度自有品牌个数", "个", "distinctiveness.own_brands[-1].count", "brand")(
    lambda c: Span.between(0, None) if not c.distinctiveness.own_brands
    else _count_or_unknown(c.distinctiveness.own_brands[-1].count))


def _count_or_unknown(v: int | None) -> Span:
    return Span.between(0, None) if v is None else Span.of(v)


def _rank(v: int | None) -> Span:
    # a rank is "better" when smaller; unknown ranks are open above 1
    return Span.between(1, None) if v is None else Span.of(v)


def _rank_display(s: Span) -> str:
    return f"第 {s.value} 名" if s.known else "未报告"


metric("domestic_rank", "主导产品全国细分市场排名", "名", "distinctiveness.domestic_rank", "market_network",
       display=_rank_display)(lambda c: _rank(c.distinctiveness.domestic_rank))
metric("global_rank", "主导产品全球市场占有率排名", "名", "distinctiveness.global_rank", "international",
       display=_rank_display)(lambda c: _rank(c.distinctiveness.global_rank))

for _key, _label, _plan in (("fills_gap", "在产业链关键领域实现“补短板”“填空白”", "chain_integration"),
                            ("supplies_leaders", "为国内外知名大企业直接配套", "chain_integration"),
                            ("serves_key_leader", "服务关键产业链重点龙头企业", "chain_integration")):
    metric(_key, _label, "", f"chain.{_key}", _plan)(lambda c, _k=_key: _bool(getattr(c.chain, _k)))

for _key, _label in (("network_power", "属于网络强国建设重点领域"),
                     ("strategic_emerging", "属于《战略性新兴产业分类》"),
                     ("time_honored", "中华老字号"), ("new_product", "属于新产品")):
    metric(_key, _label, "", f"product.{_key}", "industry_cluster")(
        lambda c, _k=_key: _bool(getattr(c.product, _k)))

metric("mic_fields", "属于中国制造十大产业领域", "", "product.mic_fields", "industry_cluster")(
    lambda c: Span.of(bool(c.product.mic_fields)))
metric("six_foundations", "属于工业“六基”领域", "", "product.six_foundations", "industry_cluster")(
    lambda c: Span.of(bool(c.product.six_foundations)))


@metric("field_match", "产业领域符合（十大领域、工业六基或网络强国）", "",
        "product.mic_fields, product.six_foundations, product.network_power", "industry_cluster")
def _field_match(c):
    if c.product.mic_fields or c.product.six_foundations or c.product.network_power:
        return Span.of(True)
    return BOOL_UNKNOWN if c.product.network_power is None else Span.of(False)


@metric("provincial_institution", "省级及以上研发机构", "", "innovation.rd_institutions", "rd_institution")
def _prov_inst(c):
    s = _inst_level(c)
    return Span.between(1 if s.lo >= 3 else 0, 1 if s.hi >= 3 else 0)


@metric("any_institution", "研发机构或工作站", "", "innovation.rd_institutions", "rd_institution")
def _any_inst(c):
    s = _inst_level(c)
    return Span.between(1 if s.lo >= 1 else 0, 1 if s.hi >= 1 else 0)

