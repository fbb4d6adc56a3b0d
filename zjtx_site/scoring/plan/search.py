"""The earliest application year and the cheapest way to meet a tier in it.

For each application year from the first possible one, the tier is evaluated
on the projected company under the rules of that year; its open criteria give
the options (sets of requirements, any-of groups as alternatives), and a
branch-and-bound search finds the cheapest option, score points included:
cheapest by estimated money (万元 where a change converts, the catalogue's
estimate where it does not), then by the number of items. Costs only grow as
requirements are added, so a partial set costing as much as the best found is
never extended. The winner is applied to the data and the tier evaluated
again with the real rules; it must then be met (or wait only on judgement).
In the assessment year itself only missing figures and evidence count:
anything to improve is ready for the following year's application.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from zjtx_site.scoring.metrics import MetricContext
from zjtx_site.scoring.plan.draft import Blocked, Draft
from zjtx_site.scoring.plan.levers import apply
from zjtx_site.scoring.plan.options import ScoreNode, tier_options
from zjtx_site.scoring.plan.projection import (
    Projection,
    apply_changes,
    earliest_year,
    project,
)
from zjtx_site.scoring.plan.reqs import Option, Req, merge
from zjtx_site.scoring.plan.target import application_date, ruleset_for_year
from zjtx_site.scoring.results import TierResult
from zjtx_site.scoring.rules import TierContext, evaluate_tier
from zjtx_site.scoring.spans import Status

HORIZON = 3        # years after the first possible application: the window has then moved past


@dataclass
class Year:
    """The tier as an application in one year sees it."""
    year: int
    ruleset: Any
    reason: str
    proj: Projection
    ctx: MetricContext
    result: TierResult
    options: list[Option]


@dataclass
class Solution:
    year: Year
    draft: Draft
    reqs: tuple[Req, ...]
    verified: TierResult


@dataclass
class Outcome:
    tier: str
    solution: Solution | None
    first: Year                         # the first possible application year
    last: Year                          # the year searched last (the solution's when found)
    blocks: list[Blocked] = field(default_factory=list)   # why the year before it failed
    before: Year | None = None          # the year before the last one searched
    years: list[Year] = field(default_factory=list)     # every year searched, first to last


def key(d: Draft) -> tuple[Fraction, int]:
    return (sum((u.cost for u in d.uses.values()), Fraction(0)), len(d.uses))


def evaluate(company: Any, rs: Any, tier: str, registry: Any, reason: str = "") -> tuple[MetricContext, TierResult]:
    ctx = MetricContext(company, registry)
    tc = TierContext(ctx=ctx, tier=tier, earlier={}, score=None, titles=company.honors.titles)
    return ctx, evaluate_tier(rs, tier, tc, reason)


def year_view(company: Any, tier: str, year: int, titles: tuple[str, ...], rulesets: Any,
              forced: str | None, registry: Any) -> Year:
    rs, reason = ruleset_for_year(rulesets, year, forced)
    proj = project(company, year, titles, application_date(year, company.assessed_on, rs))
    ctx, result = evaluate(proj.company, rs, tier, registry, reason)
    return Year(year, rs, reason, proj, ctx, result, tier_options(rs.tiers[tier], result, ctx))


def search(company: Any, tier: str, titles: tuple[str, ...], rulesets: Any, forced: str | None,
           registry: Any, pick: Callable[[str, str, Req], Any]) -> Outcome:
    start = earliest_year(company)
    first = year_view(company, tier, start, titles, rulesets, forced, registry)
    stop, year, view = start + HORIZON, start, first
    blocks: list[Blocked] = []
    before = None
    years = [first]
    while True:
        sol, seen = _best(view, pick, registry, improve=year > company.assessed_on.year)
        if sol is not None:
            return Outcome(tier, sol, first, view, blocks, before, years)
        waits = [b.year for b in seen if b.why == "time" and b.year]
        stop = max([stop, *waits])
        if year >= stop or (seen and all(b.why == "unplannable" for b in seen)):
            return Outcome(tier, None, first, view, seen, before, years)
        blocks, before = seen, view
        year += 1
        view = year_view(company, tier, year, titles, rulesets, forced, registry)
        years.append(view)


def _best(view: Year, pick: Callable, registry: Any, improve: bool) -> tuple[Solution | None, list[Blocked]]:
    banned: set[frozenset] = set()
    for _ in range(4):
        found, seen = _bnb(view, pick, registry, improve, banned)
        if found is None:
            return None, seen
        reqs, draft = found
        verified = _verify(view, draft, registry)
        if verified.status in (Status.MET, Status.MANUAL_REVIEW):
            return Solution(view, draft, reqs, verified), seen
        banned.add(frozenset(r.key + (r.value,) for r in reqs))
    return None, seen


def changes_of(d: Draft) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for u in d.uses.values():
        out.update(u.changes)
    return out


def _verify(view: Year, d: Draft, registry: Any) -> TierResult:
    company = apply_changes(view.proj.company, changes_of(d))
    return evaluate(company, view.ruleset, view.result.tier, registry)[1]


def _bnb(view: Year, pick: Callable, registry: Any, improve: bool,
         banned: set[frozenset]) -> tuple[tuple[tuple[Req, ...], Draft] | None, list[Blocked]]:
    best: list[Any] = [None, None]          # key, (reqs, draft)
    seen: list[Blocked] = []

    def cost(reqs: tuple[Req, ...]) -> Draft | None:
        try:
            return apply(reqs, view.proj, pick, improve, registry)
        except Blocked as b:
            seen.append(b)
            return None

    def offer(reqs: tuple[Req, ...], d: Draft) -> None:
        if frozenset(r.key + (r.value,) for r in reqs) in banned:
            return
        k = key(d)
        if best[0] is None or k < best[0]:
            best[0], best[1] = k, (reqs, d)

    staged = []
    for opt in view.options:
        d = cost(opt.reqs)
        if d is not None:
            staged.append((key(d), opt, d))
    for k, opt, d in sorted(staged, key=lambda x: x[0]):
        if best[0] is not None and k >= best[0]:
            break
        if not opt.scores:
            offer(opt.reqs, d)
        else:
            _scores(opt, cost, offer, best)
    return best[1], seen


def _scores(opt: Option, cost: Callable, offer: Callable, best: list[Any]) -> None:
    """Choose the points of the option's score nodes: depth-first over their lines,
    pruned when a node can no longer pass or the cost reaches the best found."""
    nodes: tuple[ScoreNode, ...] = opt.scores
    lines = []
    for n, node in enumerate(nodes):
        for ln in node.lines:
            levels = [lv for lv in ln.levels if cost(merge(opt.reqs + lv.reqs)) is not None]
            if levels:
                lines.append((n, ln.group, levels))
    # the most each node's groups (and total) can still gain from line k on
    reach: list[dict] = [{} for _ in range(len(lines) + 1)]
    for k in range(len(lines) - 1, -1, -1):
        n, g, levels = lines[k]
        reach[k] = dict(reach[k + 1])
        top = levels[-1].gain if levels else Fraction(0)
        reach[k][(n, g)] = reach[k].get((n, g), Fraction(0)) + top
        reach[k][(n, None)] = reach[k].get((n, None), Fraction(0)) + top

    def short(gains: dict, k: int | None) -> bool | None:
        """True when some node cannot pass any more, False when all pass, None otherwise."""
        done = True
        for n, node in enumerate(nodes):
            extra = (lambda key: reach[k].get(key, Fraction(0))) if k is not None else (lambda key: Fraction(0))
            total = node.total + gains.get((n, None), Fraction(0))
            if total + extra((n, None)) < node.pass_mark:
                return True
            done = done and total >= node.pass_mark
            for gkey, _, pts, minimum in node.groups:
                if minimum is None:
                    continue
                have = pts + gains.get((n, gkey), Fraction(0))
                if have + extra((n, gkey)) < minimum:
                    return True
                done = done and have >= minimum
        return False if done else None

    def dfs(k: int, reqs: tuple[Req, ...], gains: dict) -> None:
        state = short(gains, k)
        if state is True:
            return
        if state is False:
            d = cost(reqs)
            if d is not None:
                offer(reqs, d)
            return
        if k == len(lines):
            return
        dfs(k + 1, reqs, gains)
        n, g, levels = lines[k]
        for lv in levels:
            nxt = merge(reqs + lv.reqs)
            d = cost(nxt)
            if d is None or (best[0] is not None and key(d) >= best[0]):
                continue
            more = dict(gains)
            more[(n, g)] = more.get((n, g), Fraction(0)) + lv.gain
            more[(n, None)] = more.get((n, None), Fraction(0)) + lv.gain
            dfs(k + 1, nxt, more)

    dfs(0, opt.reqs, {})
