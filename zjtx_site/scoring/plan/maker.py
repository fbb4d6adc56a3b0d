"""The built-in plan maker (standard §7.4, §8.2, Appendix C; rules.md §5).

The plan aims at the next tier under the rules of the application it aims
at. Its items, in order: the figures to report (they may settle the tier at
no cost), then the minimal set (the cheapest items that together meet the
tier) by priority, then what the years in between cannot change, then the
other ways to close the tier's gaps by how much each closes. When the tier
waits only on judgement, the plan gives the evidence to prepare and goes on
to the following tier of the company's §7.1 path.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from zjtx_site.scoring.metrics import MetricContext
from zjtx_site.scoring.plan import items as build_items
from zjtx_site.scoring.plan.catalogue import Measure, Situation
from zjtx_site.scoring.plan.draft import Blocked
from zjtx_site.scoring.plan.gaps import tier_gaps
from zjtx_site.scoring.plan.items import Env, Proto, pick_for
from zjtx_site.scoring.plan.levers import LEVER_OF, apply
from zjtx_site.scoring.plan.reqs import MANUAL, Req, merge
from zjtx_site.scoring.plan.search import Outcome, Year, search
from zjtx_site.scoring.plan.target import following_tier
from zjtx_site.scoring.results import Gap, Grade, Plan, PlanItem, PlanTarget, TierResult
from zjtx_site.scoring.spans import Status
from zjtx_site.vocabulary import APPENDIX_C


@dataclass(frozen=True, kw_only=True)
class PlanRequest:
    """What a plan maker is given (docs/plugins.md)."""
    company: Any
    grade: Grade
    tiers: tuple[TierResult, ...]
    held: tuple[str, ...]
    ready_to_apply: tuple[str, ...]
    next_tier: str | None
    rulesets: Mapping[str, Any]         # id -> RuleSet, every registered one
    forced: str | None                  # --rules, for what-if runs
    metrics: Mapping[str, Any]          # name -> Metric
    measures: tuple[Measure, ...]       # the catalogue, plugins' entries first


class PlanMaker:
    key = "plan"
    label = "培育提升规划"

    def describe(self) -> dict[str, Any]:
        """The Appendix C areas and items it plans with, for the methodology page."""
        return {"areas": [{"id": area, "label": label, "items": [{"label": item} for item in items]}
                          for area, (label, items) in APPENDIX_C.items()]}

    def make(self, req: PlanRequest) -> Plan:
        c = req.company
        if req.next_tier is None:
            return Plan(target=None, gaps=(), items=())
        env = Env(company=c, registry=req.metrics, measures=req.measures,
                  situation=Situation(c, MetricContext(c, req.metrics), req.grade.level))
        titles = (*req.held, *req.ready_to_apply)
        plans = [self._tier(req, env, req.next_tier, titles)]
        if plans[0].judgement_only:
            met_or_held = {t.tier for t in req.tiers if t.status is Status.MET} | set(titles) | {req.next_tier}
            nxt = following_tier(req.next_tier, req.grade.path_tiers, met_or_held)
            if nxt is not None:
                plans.append(self._tier(req, env, nxt, (*titles, req.next_tier), following=True))
        gaps = [g for tp in plans for g in tp.gaps]
        items: list[PlanItem] = []
        minimal: list[tuple[str, ...]] = []
        for tp in plans:
            ids: list[str] = []
            for proto, priority in tp.protos:
                pid = f"p{len(items) + 1}"
                item = build_items.build(proto, env, pid, priority, tp.target.apply_in)
                mine = tuple(g for g in gaps if f"{g.tier}.{g.criterion}" in tp.settles(item.closes))
                items.append(dataclasses.replace(item, gaps=mine))
                if proto.minimal:
                    ids.append(pid)
            minimal.append(tuple(ids))
        target = None
        for tp, chosen in reversed(list(zip(plans, minimal))):
            target = dataclasses.replace(tp.target, minimal_set=chosen, following=target)
        return Plan(target=target, gaps=tuple(gaps), items=tuple(items))

    def _tier(self, req: PlanRequest, env: Env, tier: str, titles: tuple[str, ...],
              following: bool = False) -> _TierPlan:
        out = search(req.company, tier, titles, req.rulesets, req.forced, req.metrics, pick_for(env, tier))
        return _TierPlan.make(out, env, following)


@dataclass
class _TierPlan:
    target: PlanTarget
    protos: list[tuple[Proto, str]]          # (proto, priority)
    gaps: list[Gap]
    judgement_only: bool
    scores: dict[str, tuple[str, str]]       # "<tier>.score.<line>" -> (score criterion, group)

    def settles(self, closes: tuple[str, ...]) -> set[str]:
        """What an item works on: its criteria, and for a score line also the score
        condition and the minimum of the line's group."""
        out = set(closes)
        for c in closes:
            if c in self.scores:
                crit, group = self.scores[c]
                tier = c.split(".", 1)[0]
                out |= {f"{tier}.{crit}", f"{tier}.score.group.{group}"}
        return out

    @staticmethod
    def make(out: Outcome, env: Env, following: bool) -> _TierPlan:
        sol = out.solution
        view = sol.year if sol is not None else out.last
        apply_in = sol.year.year if sol is not None else None
        minimal: list[Proto] = []
        if sol is not None:
            for u in sol.draft.uses.values():
                minimal.append(Proto(kind=u.kind, tier=out.tier, reqs=list(u.reqs), view=view, use=u,
                                     minimal=True, year=u.year, extra={"apply_in": apply_in}))
        waits = _waits(out, env, apply_in)
        rest = _rest(out, view, env, minimal, apply_in)
        data = [p for p in minimal + rest if p.kind == "data"]
        core = sorted((p for p in minimal if p.kind != "data"), key=lambda p: (_KIND_ORDER[p.kind], p.year or 0))
        others = sorted((p for p in rest if p.kind != "data"),
                        key=lambda p: (-len(p.closes), -sum((r.points for r in p.reqs), Fraction(0)), p.cost))
        low = "low" if following else None
        protos = ([(p, low or "high") for p in data] + [(p, low or "high") for p in core]
                  + [(p, low or "medium") for p in waits] + [(p, low or "medium") for p in others])
        cost = sum((p.cost for p in minimal), Fraction(0)) if sol is not None else None
        reason = view.reason
        if view.result.ruleset != view.ruleset.id:
            reason += f"，其中{view.result.label}沿用 {view.result.ruleset}"
        reason += (f"；按本规划，{apply_in} 年申报时数据可以达到" if apply_in else
                   "；按现有措施，三年内的申报都无法达到")
        target = PlanTarget(tier=out.tier, ruleset=view.result.ruleset, apply_in=apply_in, minimal_set=(),
                            reason=reason, cost_wan=cost)
        only = sol is not None and all(p.kind in ("data", "evidence") for p in minimal) and any(
            p.kind == "evidence" for p in minimal)
        scores = {f"{n.tier}.score.{ln.id}": (n.criterion, ln.group)
                  for v in out.years for o in v.options for n in o.scores for ln in n.lines}
        return _TierPlan(target, protos, tier_gaps(out.first.result, out.first.options, out.first.ctx), only,
                         scores)


_KIND_ORDER = {"evidence": 0, "qualify": 1, "improve": 2}


def _waits(out: Outcome, env: Env, apply_in: int | None) -> list[Proto]:
    """What the years before the application cannot change: a past year's figure
    that fails a criterion (not_recoverable, with the application from which
    that year no longer counts), and years in the niche market only time brings."""
    if apply_in is None:
        return []
    found: dict[tuple, tuple[Blocked, Year, int]] = {}
    # only criteria the application still has (a rule set may change on the way)
    final = out.solution.year.result if out.solution is not None else out.last.result
    known = {f"{final.tier}.{c.id}" for top in final.criteria for c in _walk(top)}
    for view in out.years[:-1]:
        pick = pick_for(env, out.tier)
        for r in {r.key: r for o in view.options for r in o.reqs if r.op != MANUAL}.values():
            try:
                apply((r,), view.proj, pick, True, env.registry)
            except Blocked as b:
                if b.why == "past" and r.closes & known:
                    # the same year's figure may count again as an older year: the last counts
                    found[(LEVER_OF.get(r.metric, r.metric), b.year)] = (b, view, view.year + 1)
    protos = []
    for past, view, start in found.values():
        fig = build_items.figures(past.req, view, env, past.year)
        label = fig["label"] if fig["label"].startswith(str(past.year)) else f"{past.year} 年{fig['label']}"
        protos.append(Proto(kind="not_recoverable", tier=out.tier, reqs=[past.req], view=view, year=past.year,
                            apply_from=start, figure=f"{label} {fig['current_text']}".strip(),
                            extra={"apply_in": start - 1}))
    for wait in {(b.req.key, b.year): b for b in out.blocks if b.why == "time"}.values():
        protos.append(Proto(kind="not_recoverable", tier=out.tier, reqs=[wait.req], view=out.before or out.first,
                            apply_from=wait.year, extra={"apply_in": apply_in - 1}))
    return sorted(protos, key=lambda p: (p.apply_from or 0, p.year or 0))


def _walk(c):
    yield c
    for k in c.children:
        yield from _walk(k)


def _rest(out: Outcome, view: Year, env: Env, minimal: list[Proto], apply_in: int | None) -> list[Proto]:
    """Items for the open criteria the minimal set leaves to alternatives, and the
    next band of each score line it does not raise: one item per lever."""
    closed = {c for p in minimal for c in p.closes}
    levers = {(p.use.lever, p.use.year) for p in minimal if p.use is not None}
    improve = view.year > env.company.assessed_on.year
    pick = pick_for(env, out.tier)
    wanted: list[Req] = []
    for opt in view.options:
        for r in opt.reqs:
            if not r.closes <= closed and r.op != MANUAL:
                wanted.append(r)
        for node in opt.scores:
            for ln in node.lines:
                if ln.levels and f"{node.tier}.score.{ln.id}" not in closed:
                    # the next band; of a counted line, each item that earns it
                    wanted += [r for lv in ln.levels if lv.gain == ln.levels[0].gain for r in lv.reqs]
    by_lever: dict[tuple, list[Req]] = {}
    for r in merge(wanted):
        try:
            d = apply((r,), view.proj, pick, improve, env.registry)
        except Blocked:
            continue
        for k, u in d.uses.items():
            if (u.lever, u.year) not in levers:
                by_lever.setdefault(k, []).append(r)
    out_protos = []
    for k, reqs in by_lever.items():
        try:
            d = apply(tuple(reqs), view.proj, pick, improve, env.registry)
        except Blocked:
            continue
        use = d.uses.get(k)
        if use is None:
            continue
        out_protos.append(Proto(kind=use.kind, tier=out.tier, reqs=list(use.reqs), view=view, use=use, year=use.year,
                                extra={"apply_in": apply_in or view.year}))
    return out_protos


