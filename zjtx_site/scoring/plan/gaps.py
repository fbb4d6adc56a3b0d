"""The gaps of a tier, each with its shortfall in the rule's own unit.

Criterion gaps come from the rules (value, threshold, shortfall, money); a
scored line short of full points names its next band, the shortfall to it
and the points it gains; a group short of its minimum gets a gap of its own.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

from zjtx_site.scoring.fmt import fmt_number
from zjtx_site.scoring.plan.options import ScoreNode
from zjtx_site.scoring.plan.reqs import Option
from zjtx_site.scoring.results import Criterion, Gap, TierResult
from zjtx_site.scoring.rules import metric_shortfall
from zjtx_site.scoring.spans import Status


def tier_gaps(result: TierResult, options: list[Option], ctx: Any) -> list[Gap]:
    out: list[Gap] = []

    def walk(c: Criterion) -> None:
        if c.status in (Status.MET, Status.NOT_APPLICABLE):
            return
        if c.children:
            for k in c.children:
                walk(k)
            return
        if c.gap is not None:
            out.append(c.gap)

    for c in result.criteria:
        walk(c)
    nodes = {n.criterion: n for o in options for n in o.scores}
    for node in nodes.values():
        out += score_gaps(node, result, ctx)
    return out


def score_gaps(node: ScoreNode, result: TierResult, ctx: Any) -> list[Gap]:
    out = []
    for key, label, points, minimum in node.groups:
        if minimum is not None and points < minimum:
            short = minimum - points
            out.append(Gap(criterion=f"score.group.{key}", label=f"{label}分组最低 {fmt_number(minimum)} 分",
                           tier=node.tier, status=Status.UNMET, value=f"{fmt_number(points)} 分",
                           threshold=f"≥{fmt_number(minimum)} 分", shortfall=f"+{fmt_number(short)} 分",
                           unit="分", shortfall_value=short, points=short, current=points, target=minimum))
    lines = {ln.id: ln for ln in result.score.lines} if result.score else {}
    for ln in node.lines:
        if not ln.levels:
            continue
        level = ln.levels[0]
        first = level.reqs[0]
        m = ctx.registry[first.metric]
        span = ctx.get(first.metric, first.args)
        fig = metric_shortfall(m, ctx.company, span, first.value, first.op)
        band = first.label.split("：", 1)[-1]
        parts = [fig.text] if fig is not None else []
        if fig is not None and fig.money_text:
            parts.append(fig.money_text)
        parts.append(f"+{fmt_number(level.gain)} 分")
        shown = lines.get(ln.id)
        out.append(Gap(criterion=f"score.{ln.id}", label=f"评分指标：{ln.label}", tier=node.tier,
                       status=shown.status if shown is not None and shown.status is Status.NEEDS_DATA
                       else Status.UNMET,
                       value=shown.value if shown is not None else "",
                       threshold=f"下一档 {band}（满分 {fmt_number(ln.max_points)} 分）",
                       shortfall="，".join(parts), money=fig.money_text if fig else "",
                       plan_item=m.plan, closes=ln.points / ln.max_points if ln.max_points else Fraction(0),
                       unit=fig.unit if fig else "分", shortfall_value=fig.value if fig else None,
                       money_wan=fig.money if fig else None, points=level.gain,
                       current=fig.current if fig else None, target=fig.target if fig else None))
    return out
