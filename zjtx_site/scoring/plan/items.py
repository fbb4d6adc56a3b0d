"""Plan items: a moved lever, in the company's own figures, with owner and date.

An item says what to do (the measure's wording with the company's figures and
names), from what value to what target, the shortfall in the rule's own unit,
its money where it converts, the points it gains where the rule scores, which
criteria it settles, its alternatives, its priority, the month it is due and
the financial year whose figure must change.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from fractions import Fraction
from typing import Any

from zjtx_site.scoring.fmt import fmt_number, fmt_span
from zjtx_site.scoring.metrics import INSTITUTION_LEVEL_NAMES
from zjtx_site.scoring.plan import wording
from zjtx_site.scoring.plan.catalogue import Measure, Situation, select
from zjtx_site.scoring.plan.draft import Blocked, Use
from zjtx_site.scoring.plan.levers import LEVER_OF, apply
from zjtx_site.scoring.plan.reqs import MANUAL, Req
from zjtx_site.scoring.plan.search import Year
from zjtx_site.scoring.results import PlanItem
from zjtx_site.vocabulary import TIER_LABELS

_LEVEL_OF = {"provincial_institution": 3, "any_institution": 1}


@dataclass
class Env:
    """What every item of one company's plan needs."""
    company: Any
    registry: Any
    measures: tuple[Measure, ...]
    situation: Situation


@dataclass
class Proto:
    """An item before it has its place in the plan."""
    kind: str
    tier: str
    reqs: list[Req]
    view: Year
    use: Use | None = None
    minimal: bool = False
    year: int | None = None            # data year
    apply_from: int | None = None
    figure: str = ""
    extra: dict = field(default_factory=dict)

    @property
    def closes(self) -> tuple[str, ...]:
        return tuple(sorted({c for r in self.reqs for c in r.closes}))

    @property
    def cost(self) -> Fraction:
        return self.use.cost if self.use is not None else Fraction(0)


def pick_for(env: Env, tier: str):
    memo: dict[tuple, Measure | None] = {}

    def pick(kind: str, lever: str, r: Req) -> Measure | None:
        k = (kind, lever, r.metric, r.closes)
        if k not in memo:
            memo[k] = select(env.measures, env.situation, kind, lever, r.metric, r.closes, tier)
        return memo[k]
    return pick


def binding(use: Use, view: Year, env: Env, improve: bool) -> Req:
    """The requirement that sets how far the lever moves (the costliest alone)."""
    if len(use.reqs) == 1:
        return use.reqs[0]
    pick = pick_for(env, view.result.tier)

    def alone(r: Req) -> Fraction:
        try:
            d = apply((r,), view.proj, pick, improve, env.registry)
        except Blocked:
            return Fraction(-1)
        return sum((u.cost for u in d.uses.values()), Fraction(0))
    return max(use.reqs, key=alone)


# a growth rate of a plan year is flat by construction: show the latest actual one
_AS_REPORTED = {"main_growth", "main_growth_avg2", "revenue_cagr", "main_revenue_mean3"}


def figures(r: Req, view: Year, env: Env, year: int | None = None) -> dict[str, Any]:
    """Current value, target, shortfall and unit of a requirement, as numbers and words."""
    m = env.registry.get(r.metric)
    out: dict[str, Any] = {"metric": r.metric or None, "unit": "", "current": None, "target": None, "shortfall": None,
           "current_text": "", "target_text": "", "shortfall_text": "", "label": r.label}
    if m is None or r.op == MANUAL:
        return out
    out["label"] = m.label
    if year is not None and ("上年度" in m.label or "（近2年第1年）" in m.label):
        out["label"] = f"{year} 年" + m.label.replace("上年度", "").replace("（近2年第1年）", "")
    ctx = env.situation.ctx if r.metric in _AS_REPORTED else view.ctx
    span = ctx.get(r.metric, r.args)
    cur: Fraction | None
    if m.shortfall_in is not None:               # compound growth: in revenue
        rev1, rev3 = Fraction(view.proj.entry(0).revenue), Fraction(env.company.financials[-1].revenue)
        cur, tgt, unit = rev3, r.value * rev1, "万元"
        out.update(unit=unit, current_text=f"{fmt_number(cur)}万元", target_text=f"{fmt_number(tgt, 2)}万元")
    elif r.metric in ("institution_level", *_LEVEL_OF):
        need = _LEVEL_OF.get(r.metric, int(r.value))
        level = env.registry["institution_level"]
        cur_span = view.ctx.get("institution_level")
        out.update(unit="级", current_text=fmt_span(level, cur_span), target_text=INSTITUTION_LEVEL_NAMES[need])
        cur, tgt = (cur_span.value if cur_span.known else None), Fraction(need)
    elif m.boolean:
        out.update(current_text=fmt_span(m, span), target_text="是")
        return out
    else:
        cur, tgt, unit = (span.value if span.known else None), r.value, m.unit
        out.update(unit=unit, current_text=fmt_span(m, span),
                   target_text=f"前 {fmt_number(tgt)} 名" if unit == "名" else f"{fmt_number(tgt)}{unit}")
    out.update(current=cur, target=tgt)
    if cur is not None:
        gap = (tgt - cur) if r.op == ">=" else (cur - tgt)
        if gap > 0:
            out["shortfall"] = gap
            u = out["unit"]
            out["shortfall_text"] = (f"需前进 {fmt_number(gap)} 名" if u == "名" else
                                     f"{'+' if r.op == '>=' else '-'}{fmt_number(gap)} "
                                     f"{'个百分点' if u == '%' else u}")
    return out


def _sales_figures(r: Req, use: Use, view: Year, fig: dict[str, Any]) -> dict[str, Any]:
    """A growth rate or an average asks for revenue: show it in 万元 of the plan year."""
    name = "revenue" if r.metric in ("revenue", "revenue_cagr") else "main_revenue"
    cur = Fraction(getattr(view.proj.entry(2), name))
    tgt = Fraction(use.changes[f"financials[{use.year}].{name}"])
    label = f"{use.year} 年{'营业收入' if name == 'revenue' else '主营业务收入'}"
    return dict(fig, unit="万元", current=cur, target=tgt, shortfall=tgt - cur, label=label,
                current_text=f"{fmt_number(cur)}万元", target_text=f"{fmt_number(tgt)}万元",
                shortfall_text=f"+{fmt_number(tgt - cur)} 万元")


_AMOUNT = {"rd": "rd_expense", "sales": "revenue", "focus": "main_revenue", "profit": "net_profit"}


def values(p: Proto, fig: dict, env: Env) -> dict[str, str]:
    c = env.company
    use = p.use
    v = dict(wording.names(c))
    r0 = p.reqs[0]
    v.update(metric=fig["label"], criterion=r0.label, tier=TIER_LABELS.get(p.tier, p.tier),
             level=env.situation.level, last_year=str(c.financials[-1].year),
             revenue=f"{fmt_number(Fraction(c.financials[-1].revenue))}万元",
             current=fig["current_text"], target=fig["target_text"], shortfall=fig["shortfall_text"],
             unit=fig["unit"], evidence=r0.evidence, figure=p.figure)
    apply_in = p.extra.get("apply_in")
    v["apply_year"] = str(apply_in or "")
    v["data_year"] = str(p.year if p.year is not None else (apply_in or c.assessed_on.year + 1) - 1)
    if p.apply_from:
        v["year_from"] = str(p.apply_from)
    if r0.facts:
        v["facts"] = "；".join(f"{f.label} {f.value}" for f in r0.facts)
    if use is not None:
        if use.money:
            v["money"] = f"约 {fmt_number(use.money, 1)} 万元"
        if use.units:
            unit = {"staff": "人", "rank": "名", "global_rank": "名", "institution": "级", "debt": "个百分点",
                    "platform": "分", "share": "个百分点"}.get(use.lever, "项")
            v["count"] = f"{fmt_number(use.units)} {unit}"
        name = _AMOUNT.get(use.lever)
        if use.lever == "sales" and fig["target_text"]:
            v["amount"] = fig["target_text"]
        elif name is not None and use.year is not None:
            amount = use.changes.get(f"financials[{use.year}].{name}")
            if amount is not None:
                v["amount"] = f"{fmt_number(Fraction(amount), 2)}万元"
        if use.lever == "equity":
            amount = next(iter(use.changes.values()))
            v["amount"] = f"{fmt_number(Fraction(amount), 2)}万元"
    return {k: val for k, val in v.items() if val}


def month_after(d: date, months: int) -> str:
    n = d.year * 12 + d.month - 1 + months
    return f"{n // 12}-{n % 12 + 1:02d}"


def due(p: Proto, env: Env, apply_in: int | None) -> str:
    on = env.company.assessed_on
    target_year = apply_in or on.year + 1
    if p.kind == "data":
        return month_after(on, 1)
    if p.kind == "evidence":
        return month_after(on, 2) if target_year <= on.year else f"{target_year}-03"
    if p.kind == "not_recoverable":
        return f"{p.apply_from or target_year}-01"
    if p.year is not None:
        return max(f"{p.year}-12", month_after(on, 1))
    return max(f"{target_year - 1}-12", month_after(on, 1))


def home(env: Env, tier: str, r: Req) -> Measure | None:
    """The improve (or qualify) measure of the lever a figure belongs to."""
    lever = LEVER_OF.get(r.metric, "")
    for strict in (True, False):
        for kind in ("improve", "qualify"):
            m = select(env.measures, env.situation, kind, lever, r.metric, r.closes, tier, strict=strict)
            if m is not None:
                return m
    return None


def build(p: Proto, env: Env, pid: str, priority: str, apply_in: int | None) -> PlanItem:
    improve = p.view.year > env.company.assessed_on.year
    r = binding(p.use, p.view, env, improve) if p.use is not None and p.kind != "evidence" else p.reqs[0]
    fig = figures(r, p.view, env, p.year)
    lever = p.use.lever if p.use is not None else LEVER_OF.get(r.metric, "time")
    if lever == "sales" and p.use is not None and p.kind == "improve":
        fig = _sales_figures(r, p.use, p.view, fig)
    measure = (p.use.measure if p.use is not None and p.use.measure is not None else
               select(env.measures, env.situation, p.kind, lever, r.metric, r.closes, p.tier))
    if measure is None:
        measure = select(env.measures, env.situation, p.kind, "*", r.metric, r.closes, p.tier)
    # the built-in catalogue always has one: an unconditional "*" measure for data and
    # not_recoverable; uses carry their own (evidence_generic is unconditional, and
    # Draft.use blocks an improve or qualify lever without a measure)
    assert measure is not None, (p.kind, lever, r.metric)
    where = measure
    if p.kind in ("data", "not_recoverable") and lever != "time":
        where = home(env, p.tier, r) or measure
    use = p.use
    money = use.money if use is not None and use.kind in ("improve", "qualify") else None
    estimate = None
    if use is not None and use.kind in ("improve", "qualify") and money is None:
        estimate = use.cost
    points = sum((x.points for x in p.reqs), Fraction(0)) or None
    return PlanItem(
        id=pid, kind=p.kind, tier=p.tier, area=where.area, area_label=where.area_label, item=where.item,
        measure=measure.id, action=wording.render(measure, f"{env.company.company_id}/{p.year or ''}",
                                                  values(p, fig, env)),
        closes=p.closes, metric=fig["metric"], unit=fig["unit"], current=fig["current"],
        target=fig["target"], shortfall=fig["shortfall"], money_wan=money, points=points,
        # score lines add up to one route: they are not alternatives of each other
        alternatives=None if p.kind == "not_recoverable" else next(
            (x.alt for x in p.reqs if x.alt and not any(".score." in c for c in x.closes)), None),
        priority=priority,
        due=due(p, env, apply_in), data_year=p.year, owner=measure.owner, estimate_wan=estimate,
        service=measure.service, changes=tuple(sorted(use.changes.items())) if use is not None else (),
        apply_from=p.apply_from, minimal=p.minimal)
