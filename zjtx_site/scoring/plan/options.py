"""The ways to meet a tier: its open criteria as sets of requirements.

Walks the rule-set data of a tier beside its evaluated criteria. An all-of
needs every child, an any-of one child (its children are alternatives of one
group), a branch the case that applies. A score condition stays open as a
:class:`ScoreNode` (lines with the bands still to reach); the search picks the
points in the context of the rest of each option.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from itertools import combinations
from typing import Any

from zjtx_site.scoring.bands import frac
from zjtx_site.scoring.fmt import fmt_number
from zjtx_site.scoring.plan.reqs import MANUAL, Option, Req, pareto
from zjtx_site.scoring.results import Criterion, TierResult
from zjtx_site.scoring.spans import Status


@dataclass(frozen=True)
class Level:
    gain: Fraction
    reqs: tuple[Req, ...]


@dataclass(frozen=True)
class Line:
    id: str
    group: str
    label: str
    points: Fraction              # now (missing counted as 0)
    max_points: Fraction
    levels: tuple[Level, ...]     # better bands, by gain


@dataclass(frozen=True)
class ScoreNode:
    tier: str
    criterion: str
    label: str
    pass_mark: Fraction
    groups: tuple[tuple[str, str, Fraction, Fraction | None], ...]   # key, label, points, minimum
    lines: tuple[Line, ...]
    alt: str | None

    @property
    def total(self) -> Fraction:
        return sum((g[2] for g in self.groups), Fraction(0))


def tier_options(spec: dict, result: TierResult, ctx: Any) -> list[Option]:
    """Every minimal way to meet the tier (``spec`` is its rule-set data, ``result``
    its evaluation on the projected company, ``ctx`` that company's metrics)."""
    walk = _Walk(ctx, (spec.get("score") or {}).get("groups", ()))
    opts = [Option()]
    for c_spec, crit in zip(spec["criteria"], result.criteria):
        opts = _cross(opts, _node(c_spec, crit, result, walk, None))
    return opts


@dataclass(frozen=True)
class _Walk:
    ctx: Any
    groups: tuple

    @property
    def registry(self) -> Any:
        return self.ctx.registry

    def get(self, name: str) -> Any:
        return self.ctx.get(name)


def _cross(left: list[Option], right: list[Option]) -> list[Option]:
    return pareto([a.merge(b) for a in left for b in right])


def _closes(result: TierResult, cid: str) -> frozenset[str]:
    return frozenset({f"{result.tier}.{cid}"})


def _node(c: dict, crit: Criterion, result: TierResult, ctx: Any, alt: str | None) -> list[Option]:
    if crit.status in (Status.MET, Status.NOT_APPLICABLE):
        return [Option()]
    tier = result.tier
    if "metric" in c:
        m = ctx.registry[c["metric"]]
        if c["op"] == "true":
            value = Fraction(1)
        else:
            value = frac(c["value"])
            value = m.threshold(value) if m.threshold else value
        op = ">=" if c["op"] == "true" else c["op"]
        return [Option((Req(metric=c["metric"], args=tuple(c.get("args", ())), op=op, value=value,
                            closes=_closes(result, c["id"]), label=c["label"], alt=alt, tier=tier),))]
    if "manual" in c:
        return [Option((Req(metric="", args=(), op=MANUAL, value=Fraction(0), closes=_closes(result, c["id"]),
                            label=c["label"], alt=alt, tier=tier, note=c["manual"], facts=crit.facts,
                            evidence=crit.evidence),))]
    if "prerequisite" in c:
        return [Option((Req(metric=f"prerequisite:{c['prerequisite']}", args=(), op=">=", value=Fraction(1),
                            closes=_closes(result, c["id"]), label=c["label"], alt=alt, tier=tier),))]
    if "score" in c:
        return [Option(scores=(score_node(result, c, ctx, alt),))]
    out: list[Option]
    if "all" in c:
        out = [Option()]
        for sub, kid in zip(c["all"], crit.children):
            out = _cross(out, _node(sub, kid, result, ctx, alt))
        return out
    if "any" in c:
        group = f"{tier}.{c['id']}"
        out = []
        for sub, kid in zip(c["any"], crit.children):
            out += _node(sub, kid, result, ctx, group)
        return pareto(out)
    if "branch" in c:
        # an unreported branch figure is part of each case's way: report it in that case's range
        m = ctx.registry[c["branch"]]
        known = ctx.get(c["branch"]).known
        out = []
        for case, kid in zip(c["cases"], crit.children):
            if kid.status is Status.NOT_APPLICABLE:
                continue
            ways = _node({k: v for k, v in case.items() if k != "min"}, kid, result, ctx, alt)
            if not known:
                edge = frac(case["min"])
                op, value = (">=", edge) if edge > 0 or not m.boolean else ("<=", Fraction(0))
                pick = Option((Req(metric=c["branch"], args=(), op=op, value=value,
                                   closes=_closes(result, c["id"]), label=f"{m.label}（{kid.label}）", alt=alt,
                                   tier=tier),))
                ways = [pick.merge(w) for w in ways]
            out += ways
        return pareto(out)
    return []


def score_node(result: TierResult, c: dict, ctx: Any, alt: str | None) -> ScoreNode:
    s = result.score
    assert s is not None
    specs = {ind["id"]: ind for g in ctx.groups for ind in g["indicators"]}
    lines = []
    for ln in s.lines:
        closes = frozenset({f"{result.tier}.score.{ln.id}"})
        levels = _levels(specs[ln.id], ln.points, ln.max_points, ctx, closes, ln.label, result.tier, alt)
        lines.append(Line(id=ln.id, group=ln.group, label=ln.label, points=ln.points, max_points=ln.max_points,
                          levels=tuple(sorted(levels, key=lambda lv: lv.gain))))
    groups = tuple((g.key, g.label, g.points, g.minimum) for g in s.groups)
    return ScoreNode(tier=result.tier, criterion=c["id"], label=c["label"], pass_mark=s.pass_mark,
                     groups=groups, lines=tuple(lines), alt=alt)


def _levels(ind: dict, now: Fraction, top: Fraction, ctx: Any, closes: frozenset[str], label: str,
            tier: str, alt: str | None) -> list[Level]:
    def req(metric: str, op: str, value: Fraction, gain: Fraction, args: tuple = ()) -> Req:
        m = ctx.registry[metric]
        sign = "≤" if op == "<=" else "≥"
        what = m.label if m.boolean else f"{m.label}{sign}{fmt_number(value)}{m.unit}"
        return Req(metric=metric, args=args, op=op, value=value, closes=closes, alt=alt, tier=tier,
                   label=f"{what}（{label} +{fmt_number(gain)} 分）", points=gain)

    out: list[Level] = []
    if "bands" in ind:
        lower = ind.get("direction") == "lower"
        for edge, pts in ind["bands"]:
            gain = frac(pts) - now
            if gain > 0:
                out.append(Level(gain, (req(ind["metric"], "<=" if lower else ">=", frac(edge), gain,
                                            tuple(ind.get("args", ()))),)))
    elif "first_match" in ind:
        for o in ind["first_match"]:
            gain = frac(o["points"]) - now
            if gain > 0:
                out.append(Level(gain, (req(o["metric"], ">=", frac(o.get("min", 1)), gain),)))
    elif "best_of" in ind:
        for sub in ind["best_of"]:
            for edge, pts in sub["bands"]:
                gain = frac(pts) - now
                if gain > 0:
                    out.append(Level(gain, (req(sub["metric"], ">=", frac(edge), gain),)))
    elif "count" in ind:
        each = frac(ind["each"])
        open_items = [x for x in ind["count"]
                      if ctx.get(x["metric"]).at_least(frac(x.get("min", 1))) is not Status.MET]
        last = now
        for k in range(1, len(open_items) + 1):
            pts = min(top, now + k * each)
            if pts <= last:
                break
            last = pts
            for combo in combinations(open_items, k):
                out.append(Level(pts - now, tuple(
                    req(x["metric"], ">=", frac(x.get("min", 1)), (pts - now) / k) for x in combo)))
    elif "input" in ind:
        for k in range(int(now) + 1, int(top) + 1):
            out.append(Level(Fraction(k) - now, (req(ind["input"], ">=", Fraction(k), Fraction(k) - now),)))
    return [lv for lv in out if lv.gain > 0]
