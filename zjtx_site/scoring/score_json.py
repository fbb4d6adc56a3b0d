"""The JSON of ``zjtx score --json`` (shared/spec/score-output.md).

Keys named in the contract are stable; the extra keys (labels, reasons,
gaps, interpretations) are additions the contract allows.
"""

from __future__ import annotations

import dataclasses
from decimal import Decimal
from fractions import Fraction
from typing import Any

from zjtx_site.scoring.fmt import exact_number, round_half_up, score1
from zjtx_site.scoring.results import (
    Assessment,
    Criterion,
    Gap,
    Indicator,
    PlanItem,
    PlanTarget,
    TierResult,
)

SCHEMA = 1


def num(x: Fraction) -> int | float:
    """Exact integers stay integers; anything else gets two decimals."""
    if x.denominator == 1:
        return int(x)
    return float(round_half_up(x, 2))


def opt(x: Fraction | None) -> int | float | None:
    return None if x is None else num(x)


def _gap(g: Gap) -> dict[str, Any]:
    return {"criterion": g.criterion, "tier": g.tier, "label": g.label, "status": g.status.value,
            "value": g.value, "threshold": g.threshold, "shortfall": g.shortfall, "money": g.money,
            "plan_item": g.plan_item, "unit": g.unit, "shortfall_value": opt(g.shortfall_value),
            "money_wan": opt(g.money_wan), "points": opt(g.points)}


def _indicator(i: Indicator) -> dict[str, Any]:
    return {"id": i.id, "label": i.label, "value": i.value, "target": i.target,
            "points": num(i.points), "max": num(i.max_points), "status": i.status.value,
            "gap": i.gap, "evidence": i.evidence, "source": i.source}


def _criterion(c: Criterion) -> dict[str, Any]:
    out: dict[str, Any] = {"id": c.id, "label": c.label, "status": c.status.value,
                           "value": c.value, "threshold": c.threshold}
    if c.gap is not None:
        out["gap"] = _gap(c.gap)
    if c.note:
        out["note"] = c.note
    if c.status.value == "manual_review" and not c.children:
        out["facts"] = [{"metric": f.metric, "label": f.label, "value": f.value} for f in c.facts]
        out["evidence"] = c.evidence
    if c.children:
        out["criteria"] = [_criterion(k) for k in c.children]
    return out


def _tier(t: TierResult) -> dict[str, Any]:
    out: dict[str, Any] = {"label": t.label, "ruleset": t.ruleset, "ruleset_reason": t.ruleset_reason,
                           "status": t.status.value}
    if t.route is not None:
        out["route"] = t.route
    if t.score is not None:
        # exact, never rounded: 59.5 is not 60 (score-output.md)
        out["score"] = exact_number(t.score.total)
        out["group_scores"] = {g.key: exact_number(g.points) for g in t.score.groups}
        out["score_best_possible"] = exact_number(t.score.best_total)
        out["score_lines"] = [{"id": s.id, "group": s.group, "label": s.label, "value": s.value,
                               "points": num(s.points), "max": num(s.max_points),
                               "status": s.status.value} for s in t.score.lines]
    out["criteria"] = [_criterion(c) for c in t.criteria]
    return out


def _plan(p: PlanItem) -> dict[str, Any]:
    return {"id": p.id, "kind": p.kind, "tier": p.tier, "area": p.area, "area_label": p.area_label,
            "item": p.item, "measure": p.measure, "action": p.action, "closes": list(p.closes),
            "metric": p.metric, "unit": p.unit, "current": opt(p.current), "target": opt(p.target),
            "shortfall": opt(p.shortfall), "money_wan": opt(p.money_wan), "points": opt(p.points),
            "alternatives": p.alternatives, "priority": p.priority, "due": p.due,
            "data_year": p.data_year, "owner": p.owner, "estimate_wan": opt(p.estimate_wan),
            "service": p.service, "changes": {k: _change(v) for k, v in p.changes},
            "apply_from": p.apply_from, "minimal": p.minimal}


def _change(v: Any) -> Any:
    """A plan item's data change as JSON: records as mappings, numbers as numbers."""
    if isinstance(v, bool) or v is None or isinstance(v, (int, str)):
        return v
    if isinstance(v, (Fraction, Decimal)):
        return num(Fraction(v))
    if isinstance(v, tuple):
        return [_change(x) for x in v]
    if dataclasses.is_dataclass(v):
        return {f.name: _change(getattr(v, f.name)) for f in dataclasses.fields(v)}
    return str(v)


def _target(t: PlanTarget | None) -> dict[str, Any] | None:
    if t is None:
        return None
    return {"tier": t.tier, "ruleset": t.ruleset, "apply_in": t.apply_in,
            "minimal_set": list(t.minimal_set), "reason": t.reason, "cost_wan": opt(t.cost_wan),
            "following": _target(t.following)}


def to_json(a: Assessment) -> dict[str, Any]:
    c = a.company
    out: dict[str, Any] = {
        "schema": SCHEMA,
        "company_id": c.company_id,
        "round": c.round,
        "name": c.basic.name,
        "assessed_on": c.assessed_on.isoformat(),
        "level": a.grade.level if a.grade else None,
        "dimensions": {d.key: {"label": d.label, "score": score1(d.score),
                               "indicators": [_indicator(i) for i in d.indicators]}
                       for d in a.dimensions},
        "tiers": {t.tier: _tier(t) for t in a.tiers},
        "held": list(a.held),
        "ready_to_apply": list(a.ready_to_apply),
        "next_tier": a.next_tier,
        "plan_target": _target(a.plan_target),
        "plan": [_plan(p) for p in a.plan],
        "gaps": [_gap(g) for g in a.gaps],
        "rulesets": list(a.rulesets),
        "interpretations": list(a.interpretations),
        "data_digest": c.digest,
        "complete": a.complete,
    }
    if a.grade:
        out["grade"] = {"level": a.grade.level, "field_match": a.grade.field_match,
                        "field_note": a.grade.field_note, "revenue": num(a.grade.revenue),
                        "band": a.grade.band, "priority": a.grade.priority, "path": a.grade.path}
    if a.failures:
        out["failures"] = list(a.failures)
    return out
