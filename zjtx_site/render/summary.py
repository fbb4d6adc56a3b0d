"""The executive summary: one page of prose a client reads first.

Each statement has its own function, fed only by the Assessment: its
``held``, ``ready_to_apply`` and ``plan_target`` (score-output.md), and the
plan items with their owners and due months:

- :func:`standing`: the L level, the titles held, what can be applied for now;
- :func:`strengths_and_weaknesses`: the two strongest and two weakest dimensions;
- :func:`earliest_application`: the next tier, the earliest year, what it needs;
- :func:`top_measures`: the three measures that matter most.
"""

from __future__ import annotations

from dataclasses import dataclass

from zjtx_site.scoring.fmt import fmt_number, round_half_up
from zjtx_site.scoring.results import Assessment, DimensionResult, Indicator, PlanItem, PlanTarget
from zjtx_site.scoring.spans import Status
from zjtx_site.vocabulary import TIER_LABELS


@dataclass(frozen=True, kw_only=True)
class Summary:
    standing: str
    dimensions: str
    application: str
    measures: tuple[str, ...]
    apply_in: int | None          # the earliest application year the statement gives


def _score(d: DimensionResult) -> str:
    return f"{round_half_up(d.score, 1)} 分"


def _labels(tiers: tuple[str, ...] | list[str]) -> str:
    return "、".join(TIER_LABELS.get(t, t) for t in tiers)


def standing(a: Assessment) -> str:
    g = a.grade
    met = [t.tier for t in a.tiers if t.status is Status.MET]
    parts = [f"企业属 {g.level} 级（上年度营业收入 {fmt_number(g.revenue)} 万元，{g.band}；{g.field_note}）。"]
    parts.append(f"已持有称号：{_labels(a.held)}。" if a.held else "尚未持有梯度培育称号。")
    parts.append(f"本轮评价符合{_labels(met)}。" if met else "本轮评价尚未符合任何梯度。")
    if a.ready_to_apply:
        parts.append(f"可申报：{_labels(a.ready_to_apply)}，本年度即可准备申报材料。")
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


def _minimal(a: Assessment, target: PlanTarget) -> list[PlanItem]:
    return [p for p in a.plan if p.id in target.minimal_set]


def earliest_application(a: Assessment) -> tuple[str, int | None]:
    """The next tier, the earliest year its application can succeed (under the rules in
    force then), and the cheapest set of measures that gets it there."""
    t = a.plan_target
    if a.next_tier is None:
        return "企业已持有制造业单项冠军称号，不再设梯度培育目标，建议巩固优势，按 §8.2 向上市企业方向推进。", None
    label = TIER_LABELS[a.next_tier]
    if t is None or t.tier != a.next_tier:
        return f"下一梯度为{label}。", None
    if t.apply_in is None:
        return (f"下一梯度为{label}：按现有数据和可采取的措施，三年内尚不能达到；差距和建议见第四部分。"), None
    year = t.apply_in
    when = (f"最早可于 {year} 年申报" if year > a.company.assessed_on.year else f"条件满足后本年度（{year} 年）即可申报")
    if year > a.company.assessed_on.year:
        when += f"（须以 {year - 1} 年度财务数据达标）"
    items = _minimal(a, t)
    text = f"下一梯度为{label}：{when}。"
    if items:
        # a money equivalent (revenue to add, R&D to spend), not an investment budget
        money = f"，折合金额约 {fmt_number(t.cost_wan, 0)} 万元" if t.cost_wan else ""
        if len(items) <= 3:         # the same items open the list below: name them once
            text += f"达标所需的最少措施共 {len(items)} 项{money}，即下列措施" + "、".join(
                f"第 {n} 项" for n in range(1, len(items) + 1)) + "。"
        else:
            text += (f"达标所需的最少措施共 {len(items)} 项{money}：" + "；".join(p.action.rstrip("。") for p in items)
                     + "。")
    else:
        text += "目前没有须由企业改进的条件。"
    if t.following is not None:
        f = t.following
        text += (f"{label}只待评审人工判断；之后对准{TIER_LABELS[f.tier]}"
                 + (f"，最早 {f.apply_in} 年申报。" if f.apply_in else "。"))
    return text, year


def top_measures(a: Assessment) -> tuple[str, ...]:
    """The three measures that matter most: the minimal set first, then by priority,
    each with who does it and by when."""
    minimal = set(a.plan_target.minimal_set) if a.plan_target else set()
    rank = {"high": 0, "medium": 1, "low": 2}
    ordered = sorted(a.plan, key=lambda p: (p.id not in minimal, rank.get(p.priority, 3)))
    out = [f"{p.action.rstrip('。')}（建议负责：{p.owner}；完成时限：{p.due}）。" for p in ordered[:3]]
    if len(out) < 3:
        ranked = sorted(a.dimensions, key=lambda d: (d.score, d.key))
        losses = sorted((i for d in ranked for i in d.indicators if i.points < i.max_points and i.gap),
                        key=lambda i: -(i.max_points - i.points))
        for i in losses[: 3 - len(out)]:
            more = fmt_number(i.max_points - i.points)
            out.append(f"改进“{i.label}”：企业现状 {i.value}；{i.gap}（六维诊断还可增加 {more} 分）。")
    return tuple(out)


def executive_summary(a: Assessment) -> Summary:
    application, year = earliest_application(a)
    return Summary(standing=standing(a), dimensions=strengths_and_weaknesses(a), application=application,
                   measures=top_measures(a), apply_in=year)


__all__ = [
    "Summary",
    "earliest_application",
    "executive_summary",
    "standing",
    "strengths_and_weaknesses",
    "top_measures",
]
