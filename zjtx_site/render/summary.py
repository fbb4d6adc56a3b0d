"""The executive summary: one page of prose a client reads first.

Each statement has its own function, fed only by the Assessment (and the
fields its criteria read, for the year of application), so that when the
Assessment gains ``held``, ``ready_to_apply`` and ``plan_target`` a
statement switches to the new field without touching the others:

- :func:`standing`: the L level, the titles held, what can be applied for now;
- :func:`strengths_and_weaknesses`: the two strongest and two weakest dimensions;
- :func:`earliest_application`: the next tier, the earliest year, what it needs;
- :func:`top_measures`: the three measures that matter most.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from zjtx_site.render.evidence import financial_years
from zjtx_site.scoring.fmt import fmt_number, round_half_up
from zjtx_site.scoring.results import Assessment, Criterion, DimensionResult, Indicator
from zjtx_site.scoring.spans import Status
from zjtx_site.vocabulary import SME_LADDER, TIER_LABELS, TIERS

OPEN = (Status.UNMET, Status.NEEDS_DATA, Status.MANUAL_REVIEW)


@dataclass(frozen=True, kw_only=True)
class Summary:
    standing: str
    dimensions: str
    application: str
    measures: tuple[str, ...]
    apply_in: int | None          # the earliest application year the statement gives


def _score(d: DimensionResult) -> str:
    return f"{round_half_up(d.score, 1)} 分"


def held_tiers(a: Assessment) -> tuple[str, ...]:
    """Tiers whose title the company holds: a higher title of the SME ladder
    counts for the lower ones (score-output.md ``held``)."""
    titles = set(getattr(a.company.honors, "titles", None) or ())
    held = set(titles & set(TIERS))
    for i, t in enumerate(SME_LADDER):
        if t in titles:
            held.update(SME_LADDER[:i])
    return tuple(t for t in TIERS if t in held)


def ready_to_apply(a: Assessment) -> tuple[str, ...]:
    """Tiers met now and not held, lowest first (score-output.md ``ready_to_apply``)."""
    held = held_tiers(a)
    return tuple(t.tier for t in a.tiers if t.status is Status.MET and t.tier not in held)


def _labels(tiers: tuple[str, ...] | list[str]) -> str:
    return "、".join(TIER_LABELS.get(t, t) for t in tiers)


def standing(a: Assessment) -> str:
    g = a.grade
    held = held_tiers(a)
    met = [t.tier for t in a.tiers if t.status is Status.MET]
    ready = ready_to_apply(a)
    parts = [f"企业属 {g.level} 级（上年度营业收入 {fmt_number(g.revenue)} 万元，{g.band}；{g.field_note}）。"]
    parts.append(f"已持有称号：{_labels(held)}。" if held else "尚未持有梯度培育称号。")
    parts.append(f"本轮评价符合{_labels(met)}。" if met else "本轮评价尚未符合任何梯度。")
    if ready:
        parts.append(f"可申报：{_labels(ready)}，本年度即可准备申报材料。")
    elif met:
        parts.append("可申报：暂无，符合的梯度均已持有称号。")
    else:
        parts.append("可申报：暂无。")
    return "".join(parts)


def _lost(d: DimensionResult) -> Indicator | None:
    """The indicator of ``d`` that loses the most points (first on ties)."""
    best: Indicator | None = None
    for i in d.indicators:
        if i.points < i.max_points and (best is None or i.max_points - i.points > best.max_points - best.points):
            best = i
    return best


def strengths_and_weaknesses(a: Assessment) -> str:
    if not a.dimensions:
        return "六维诊断未评价。"
    ranked = sorted(a.dimensions, key=lambda d: (-d.score, d.key))
    top, low = ranked[:2], list(reversed(ranked[-2:]))
    text = ("六维诊断（每维满分 100 分）中，优势在" + "、".join(f"{d.label}（{_score(d)}）" for d in top)
            + "；短板在" + "、".join(f"{d.label}（{_score(d)}）" for d in low) + "。")
    losses = []
    for d in low:
        i = _lost(d)
        if i is not None:
            losses.append(f"{d.label}主要失分在{i.label}（企业现状 {i.value}，得 {fmt_number(i.points)}/"
                          f"{fmt_number(i.max_points)} 分）")
    return text + ("；".join(losses) + "。" if losses else "")


def next_target(a: Assessment) -> str | None:
    """The tier the plan cultivates towards."""
    return a.next_tier


def open_conditions(c: Criterion) -> list[str]:
    """What a criterion still needs, in words; an any-of group is one need."""
    if c.status not in OPEN:
        return []
    if not c.children:
        need = c.label
        extra = ""
        if c.gap is not None:
            # the money equivalent only when it says something the shortfall does not
            money = c.gap.money if c.gap.money.removeprefix("约 ") != c.gap.shortfall else ""
            extra = "；".join(x for x in (c.gap.shortfall, money) if x)
        if c.status is Status.MANUAL_REVIEW:
            return [f"{need}（待人工判断，需准备证明材料）"]
        if c.status is Status.NEEDS_DATA:
            return [f"{need}（待补充数据）"]
        return [f"{need}（企业现状 {c.value}" + (f"，还差 {extra}" if extra else "") + "）"]
    kids = [x for k in c.children for x in open_conditions(k)]
    if c.threshold == "任一符合" and len(kids) > 1:
        return ["以下任一：" + "；或".join(kids)]
    return kids


def application_year(a: Assessment, fields: Mapping[tuple[str, str], tuple[str, ...]], tier: str) -> int:
    """The earliest year an application for ``tier`` can succeed, estimated
    from the financial years its unmet criteria read: an application in year
    Y is judged on the accounts up to Y-1, so a single past year's figure
    can only change by leaving the window; other conditions can be settled
    within the assessment year."""
    c = a.company
    years = [y.year for y in (c.financials or ())]
    year = c.assessed_on.year
    if not years:
        return year
    last = years[-1]
    for crit in a.tier(tier).criteria:
        for leaf in _open_leaves(crit):
            if leaf.status is not Status.UNMET:
                continue
            read = sorted({y for p in fields.get((tier, leaf.id), ()) for y in financial_years(p, years)})
            if not read:
                continue
            offset = last - read[0] if len(read) == 1 else 0
            year = max(year, last + 2 + offset)
    return year


def _open_leaves(c: Criterion) -> list[Criterion]:
    if c.status not in OPEN:
        return []
    if not c.children:
        return [c]
    kids = [x for k in c.children for x in _open_leaves(k)]
    if c.threshold == "任一符合":
        # one alternative suffices: the one that can be met soonest is counted
        return kids[:0] if any(not _open_leaves(k) for k in c.children) else kids[:1]
    return kids


def earliest_application(a: Assessment, fields: Mapping[tuple[str, str], tuple[str, ...]]) -> tuple[str, int | None]:
    tier = next_target(a)
    if tier is None:
        return "企业已符合全部梯度，建议巩固优势，按 §8.2 向上市企业方向推进。", None
    t = a.tier(tier)
    needs = [x for c in t.criteria for x in open_conditions(c)]
    year = application_year(a, fields, tier)
    when = (f"最早可于 {year} 年申报" if year > a.company.assessed_on.year else
            f"条件满足后本年度（{year} 年）即可申报")
    if year > a.company.assessed_on.year:
        when += f"（须以 {year - 1} 年度财务数据达标）"
    if not needs:
        return f"下一梯度为{t.label}：{when}。", year
    return (f"下一梯度为{t.label}：{when}。还需满足 {len(needs)} 项条件：" + "；".join(needs) + "。"), year


def top_measures(a: Assessment) -> tuple[str, ...]:
    """The plan's first items; then evidence and data for the next tier's open
    conditions; then the biggest point losses of the weakest dimensions."""
    out: list[str] = []
    for p in a.plan[:3]:
        gaps = "、".join(g.label + (f"（{g.shortfall}）" if g.shortfall else "") for g in p.gaps[:2])
        out.append(f"{p.area_label}·{p.item_label}：{p.advice}" + (f"对应差距：{gaps}。" if gaps else ""))
    tier = next_target(a)
    if tier is not None:
        for leaf in (x for c in a.tier(tier).criteria for x in _open_leaves(c)):
            if len(out) >= 3:
                break
            if leaf.status is Status.MANUAL_REVIEW:
                out.append(f"准备{leaf.label}的证明材料（如第三方市场占有率证明），供评审人工判断。")
            elif leaf.status is Status.NEEDS_DATA:
                out.append(f"补充“{leaf.label}”所需的数据，以确定{TIER_LABELS.get(tier, tier)}的结论。")
    ranked = sorted(a.dimensions, key=lambda d: (d.score, d.key))
    losses = sorted((i for d in ranked for i in d.indicators if i.points < i.max_points and i.gap),
                    key=lambda i: -(i.max_points - i.points))
    for i in losses:
        if len(out) >= 3:
            break
        more = fmt_number(i.max_points - i.points)
        out.append(f"改进“{i.label}”：企业现状 {i.value}；{i.gap}（还可增加 {more} 分）。")
    return tuple(out[:3])


def executive_summary(a: Assessment, fields: Mapping[tuple[str, str], tuple[str, ...]]) -> Summary:
    application, year = earliest_application(a, fields)
    return Summary(standing=standing(a), dimensions=strengths_and_weaknesses(a), application=application,
                   measures=top_measures(a), apply_in=year)


__all__ = [
    "Summary",
    "earliest_application",
    "executive_summary",
    "held_tiers",
    "ready_to_apply",
    "standing",
    "strengths_and_weaknesses",
    "top_measures",
]
