"""§7 跟踪总结: what changed since the company's previous round."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from zjtx_site.render.escape import Raw
from zjtx_site.render.marks import STATUS_MARK
from zjtx_site.scoring.fmt import fmt_number, score1
from zjtx_site.scoring.results import Assessment, Criterion
from zjtx_site.scoring.spans import Status
from zjtx_site.vocabulary import TIER_LABELS, next_tier_label


@dataclass(frozen=True)
class History:
    previous: Assessment | None
    rounds: tuple[Assessment, ...]     # the company's rounds up to this one, oldest first


def _find(c: Criterion, crit_id: str) -> Criterion | None:
    if c.id == crit_id:
        return c
    for k in c.children:
        hit = _find(k, crit_id)
        if hit is not None:
            return hit
    return None


def current_state(a: Assessment, tier: str, crit_id: str) -> tuple[Status | None, str]:
    """This round's status and value of a criterion (or score line ``score.<id>``)
    of a tier; ``(None, "")`` when this round's rules have no such criterion."""
    try:
        t = a.tier(tier)
    except KeyError:
        return None, ""
    if crit_id.startswith("score.") and t.score is not None:
        line = next((ln for ln in t.score.lines if ln.id == crit_id[6:]), None)
        if line is None:
            return None, ""
        status = (Status.MET if line.points >= line.max_points else
                  Status.NEEDS_DATA if line.status is Status.NEEDS_DATA else Status.UNMET)
        return status, f"{line.value}（{fmt_number(line.points)}/{fmt_number(line.max_points)} 分）"
    for c in t.criteria:
        hit = _find(c, crit_id)
        if hit is not None:
            return hit.status, hit.value
    return None, ""


def history_context(a: Assessment, h: History) -> dict[str, Any] | None:
    """§7 跟踪总结: what changed since the previous round. A previous gap is
    closed when its criterion is met this round (not merely because the plan
    now aims at another tier); tiers whose rule set changed are not compared
    criterion by criterion."""
    prev = h.previous
    if prev is None:
        return None
    dims = []
    for d in a.dimensions:
        try:
            pd = prev.dimension(d.key)
        except KeyError:
            continue
        delta = score1(d.score) - score1(pd.score)
        dims.append({"label": d.label, "before": f"{score1(pd.score):.1f}", "now": f"{score1(d.score):.1f}",
                     "delta": f"{delta:+.1f}"})
    tiers = []
    changed_rules: dict[str, tuple[str, str]] = {}
    for t in a.tiers:
        try:
            p = prev.tier(t.tier)
        except KeyError:
            continue
        if p.ruleset != t.ruleset:
            changed_rules[t.tier] = (p.ruleset, t.ruleset)
        change = "" if p.status is t.status else f"{p.status.label} → {t.status.label}"
        tiers.append({"label": t.label, "before": STATUS_MARK[p.status], "now": STATUS_MARK[t.status],
                      "changed": change or "无变化", "rules_changed": p.ruleset != t.ruleset,
                      "rules": p.ruleset if p.ruleset == t.ruleset else f"{p.ruleset} → {t.ruleset}"})
    closed: list[dict[str, str]] = []
    still: list[dict[str, str]] = []
    superseded: dict[str, int] = {}
    # keyed by (tier, criterion): a stable id, the same in every round
    verdict: dict[tuple[str, str], str] = {}          # -> closed | open | superseded
    for g in prev.gaps:
        if g.tier in changed_rules:
            superseded[g.tier] = superseded.get(g.tier, 0) + 1
            verdict[(g.tier, g.criterion)] = "superseded"
            continue
        status, value = current_state(a, g.tier, g.criterion)
        row = {"tier": TIER_LABELS[g.tier], "label": g.label, "before": g.value,
               "now": value or "—", "status": STATUS_MARK[status] if status else "— 不再适用"}
        if status in (Status.MET, Status.NOT_APPLICABLE, None):
            closed.append(row)
            verdict[(g.tier, g.criterion)] = "closed"
        else:
            still.append(row)
            verdict[(g.tier, g.criterion)] = "open"
    plan_done, plan_open, plan_rules = [], [], []
    for item in prev.plan:
        if not item.gaps or item.kind == "not_recoverable":      # nothing to carry out
            continue
        v = {verdict.get((g.tier, g.criterion), "open") for g in item.gaps}
        name = f"{item.id} {item.item}"
        if "open" in v:
            plan_open.append(name)
        elif v == {"superseded"}:
            plan_rules.append(name)
        else:
            plan_done.append(name)
    grade_before, grade_now = prev.grade.level, a.grade.level
    return {
        "round": prev.company.round,
        "link": Raw(f"[{prev.company.round} 轮报告]({prev.company.round}.md)"),
        "level": {"before": grade_before, "now": grade_now,
                  "changed": "无变化" if grade_before == grade_now else f"{grade_before} → {grade_now}"},
        "next": {"before": next_tier_label(prev.next_tier), "now": next_tier_label(a.next_tier)},
        "dimensions": dims,
        "tiers": tiers,
        "closed": closed,
        "still": still,
        "superseded": [{"tier": TIER_LABELS[t], "count": n, "before": changed_rules[t][0],
                        "now": changed_rules[t][1]} for t, n in superseded.items()],
        "plan_done": plan_done,
        "plan_open": plan_open,
        "plan_rules": plan_rules,
    }
