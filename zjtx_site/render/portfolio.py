"""Pages about the whole population (§7.1 portrait) and the methodology."""

from __future__ import annotations

import re
from collections import Counter
from fractions import Fraction
from typing import Any

from zjtx_site.intake.fields import lookup
from zjtx_site.intake.schema import COMPANY
from zjtx_site.render.escape import Raw, md
from zjtx_site.render.marks import STATUS_MARK
from zjtx_site.scoring.bands import frac
from zjtx_site.scoring.describe import Methodology
from zjtx_site.scoring.fmt import fmt_number, score1
from zjtx_site.scoring.host import is_builtin
from zjtx_site.scoring.results import Assessment
from zjtx_site.scoring.spans import Status
from zjtx_site.vocabulary import (
    DIMENSION_LABELS,
    DIMENSIONS,
    TIER_LABELS,
    TIERS,
    next_tier_label,
)

LEVELS = ("L1", "L2", "L3", "L4", "L5")
INCOMPLETE = "评分不完整"
# a near miss costs at most this share of last year's revenue (money where it converts)
NEAR_SHARE = Fraction(3, 10)


def near_misses(latest: list[Assessment], limit: int = 2, base: str = "") -> tuple[list[dict[str, Any]],
                                                                                  list[dict[str, Any]]]:
    """临门一脚, from the minimal set: companies whose cheapest path to the next tier
    is at most ``limit`` items to act on and can apply by next year; and, apart,
    those whose next tier waits only on a judgement (待人工判断)."""
    near, judged = [], []
    for a in latest:
        t = a.plan_target
        if a.next_tier is None or not a.complete or t is None or t.tier != a.next_tier or t.apply_in is None:
            continue
        items = {p.id: p for p in a.plan}
        chosen = [items[i] for i in t.minimal_set]
        c = a.company
        link = Raw(f"[{_md_text(c.basic.name)}]({base}companies/{c.company_id}/{c.round}.md)")
        acts = [p for p in chosen if p.kind != "evidence"]
        judgement = any(p.kind == "evidence" for p in chosen)
        if judgement and all(p.kind == "data" for p in acts):
            judged.append({"link": link, "level": a.grade.level, "tier": TIER_LABELS[a.next_tier],
                           "apply_in": t.apply_in,
                           "what": "；".join(g.label for p in chosen if p.kind == "evidence" for g in p.gaps) or "—",
                           "data": "、".join(p.id for p in acts) or "—"})
            continue
        money = sum((p.money_wan for p in acts if p.money_wan is not None), Fraction(0))
        if len(acts) > limit or t.apply_in > c.assessed_on.year + 1 or money > NEAR_SHARE * Fraction(
                c.financials[-1].revenue):
            continue
        near.append({"link": link, "level": a.grade.level, "tier": TIER_LABELS[a.next_tier], "count": len(acts),
                     "apply_in": t.apply_in,
                     "gaps": "；".join(f"{p.id} {_short(p)}" for p in acts),
                     "money": f"约 {fmt_number(money, 1)} 万元" if money else "—"})
    near.sort(key=lambda r: (r["count"], r["apply_in"], r["level"], str(r["link"])))
    judged.sort(key=lambda r: (r["apply_in"], r["level"], str(r["link"])))
    return near, judged


def _short(p: Any) -> str:
    from zjtx_site.render.plan import change_text

    label = next((g.label for g in p.gaps), p.item)
    return f"{label}（{change_text(p)}）"


def _md_text(s: str) -> str:
    from zjtx_site.render.escape import md

    return md(s)


def portfolio_context(latest: list[Assessment], charts: dict[str, str], *, base: str = "",
                      title: str = "", rounds: list[Any] | None = None,
                      footer: dict[str, str] | None = None) -> dict[str, Any]:
    """``base`` prefixes links for pages below the site root (rounds/<r>.md)."""
    levels = Counter(a.grade.level for a in latest if a.grade is not None)
    fields: Counter[str] = Counter()
    mic = lookup(COMPANY, "product.mic_fields")
    for a in latest:
        for f in a.company.product.mic_fields or ():
            fields[mic.choice_label(f)] += 1
        if not a.company.product.mic_fields:
            fields["（不属于十大领域）"] += 1
    funnel = []
    for tier in TIERS:
        # held or met counts once: a title held is not lost by a stricter rule (cannot invert)
        held = sum(tier in a.held for a in latest)
        ready = sum(tier in a.ready_to_apply for a in latest)
        # an incomplete assessment (--keep-going) may lack the tier: counted nowhere
        counts = Counter(t.status for a in latest if tier not in a.held for t in a.tiers if t.tier == tier)
        funnel.append({"label": TIER_LABELS[tier], "have": held + ready, "held": held, "ready": ready,
                       **{s.value: counts.get(s, 0) for s in Status if s is not Status.MET}})
    table = []
    for a in sorted(latest, key=lambda x: (level_of(x), x.company.company_id), reverse=False):
        c = a.company
        # every column keyed by dimension or tier: a failed one is "—", the others stay in place
        scores = {d.key: f"{score1(d.score):.1f}" for d in a.dimensions}
        marks = {t.tier: STATUS_MARK[t.status] for t in a.tiers}
        table.append({
            "link": Raw(f"[{_md_text(c.basic.name)}]({base}companies/{c.company_id}/{c.round}.md)"
                        + ("" if a.complete else f"（{INCOMPLETE}）")),
            "name": c.basic.name, "href": f"{base}companies/{c.company_id}/{c.round}.html",
            "round": c.round, "level": level_of(a),
            "field": "、".join(mic.choice_label(f) for f in c.product.mic_fields) or "—",
            "tiers": [marks.get(t, "—") for t in TIERS],
            "next": next_tier_label(a.next_tier) if a.complete else INCOMPLETE,
            "scores": [scores.get(k, "—") for k in DIMENSIONS],
        })
    by_level = {lv: [r for r in table if r["level"] == lv] for lv in LEVELS}
    near, judged = near_misses(latest, base=base)
    return {"count": len(latest), "levels": [{"level": lv, "count": levels.get(lv, 0)} for lv in LEVELS],
            "fields": sorted(fields.items(), key=lambda kv: (-kv[1], kv[0])), "funnel": funnel,
            "near": near, "judged": judged, "table": table, "by_level": by_level,
            "title": title or "企业总览", "rounds": rounds or [], "footer": footer or {},
            "dimension_labels": [DIMENSION_LABELS[k] for k in DIMENSIONS],
            "tier_labels": [TIER_LABELS[t] for t in TIERS],
            "charts": {k: Raw(v) for k, v in charts.items()}}


def level_of(a: Assessment) -> str:
    return a.grade.level if a.grade is not None else "—"


_IDENT = re.compile(r"^[A-Za-z0-9_.:\-]+$")


def _code(name: object) -> str:
    """A metric name as a code span; anything that is not a plain identifier is escaped."""
    text = str(name)
    return f"`{text}`" if _IDENT.match(text) else md(text)


def _condition_lines(c: dict, depth: int = 0) -> list[str]:
    """The rule's conditions as a nested Markdown list: labels and notes from the
    rule-set file escaped, metric names as code."""
    pad = "    " * depth
    label = md(c["label"])
    if "metric" in c:
        op = {">=": "≥", "<=": "≤", "true": "为“是”"}[c["op"]]
        value = "" if c["op"] == "true" else fmt_number(frac(c["value"]))
        return [f"{pad}- {label}（指标 {_code(c['metric'])} {op}{value}）"]
    if "manual" in c:
        return [f"{pad}- {label}：待人工判断（{md(c['manual'])}）"]
    if "prerequisite" in c:
        return [f"{pad}- {label}"]
    if "score" in c:
        return [f"{pad}- {label}（见下方评分表）"]
    head = f"{pad}- {label}（" + ("全部满足" if "all" in c else "任一满足" if "any" in c else "按分档") + "）："
    lines = [head]
    for sub in c.get("all") or c.get("any") or c.get("cases") or ():
        if "min" in sub and "branch" in c:
            lines.append(f"{pad}    - 当 {_code(c['branch'])} ≥ {md(sub['min'])}：")
            lines += _condition_lines({k: v for k, v in sub.items() if k != "min"}, depth + 2)
        else:
            lines += _condition_lines(sub, depth + 1)
    return lines


def methodology_context(m: Methodology) -> dict[str, Any]:
    """The methodology page, from what the plugin host has registered."""
    rulesets = m.rulesets
    sets = []
    for rid in sorted(rulesets):
        rs = rulesets[rid]
        tiers: list[dict[str, Any]] = []
        for tier in TIERS:
            spec = rs.tiers[tier]
            if rs.origin[tier] != rs.id:
                tiers.append({"label": rs.tier_label(tier), "inherited": rs.origin[tier], "lines": [],
                              "score": None, "source": "", "confidence": ""})
                continue
            lines = []
            for c in spec["criteria"]:
                lines += _condition_lines(c)
            score = None
            if spec.get("score"):
                score = {"pass": spec["score"]["pass"], "groups": [
                    {"label": g["label"], "min": g.get("min", "—"),
                     "indicators": [{"label": i["label"], "max": i["max"], "rule": _indicator_rule(i)}
                                    for i in g["indicators"]]} for g in spec["score"]["groups"]]}
            tiers.append({"label": rs.tier_label(tier), "inherited": "", "lines": [Raw(x) for x in lines],
                          "score": score, "source": spec.get("source", ""),
                          "confidence": spec.get("confidence", "")})
        sets.append({"id": rs.id, "title": rs.title, "source": rs.source, "in_force": rs.in_force.isoformat(),
                     "tiers": tiers})
    dims = []
    for d in m.dimensions:
        dims.append({"label": d.label, "description": d.description, "plugin": _plugin_name(d.plugin),
                     "indicators": [{"label": i["label"], "max": i["max"], "rule": _indicator_rule(i),
                                     "source": i.get("source", "")} for i in d.indicators]})
    return {"rulesets": sets, "dimensions": dims, "grading": m.grading, "interpretations": m.interpretations,
            "plan": m.plan["areas"], "grader_plugin": _plugin_name(m.grader_plugin),
            "plan_plugin": _plugin_name(m.plan_plugin)}


def _plugin_name(plugin: str) -> str | Raw:
    """内置 for the tool's own plugins; an outside plugin by its name (as code), so a
    reviewer sees who scored."""
    return "内置" if is_builtin(plugin) else Raw(_code(plugin))


def _indicator_rule(i: dict) -> Raw:
    """How an indicator scores, in words; metric names as code, numbers escaped."""
    if "bands" in i:
        op = "≤" if i.get("direction") == "lower" else "≥"
        return Raw(f"{_code(i['metric'])}：" + "；".join(f"{op}{md(e)}：{md(p)}分" for e, p in i["bands"]))
    if "first_match" in i:
        return Raw("依次取第一个满足的：" + "；".join(
            f"{_code(o['metric'])}≥{md(o.get('min', 1))}：{md(o['points'])}分" for o in i["first_match"])
            + (f"；其他：{md(i['default'])}分" if "default" in i else ""))
    if "per" in i:
        return Raw(f"{_code(i['metric'])} 每满 {md(i['per']['unit'])} 得 {md(i['per']['points'])} 分")
    if "count" in i:
        return Raw(f"每具备一项得 {md(i['each'])} 分：" + "、".join(_code(x["metric"]) for x in i["count"]))
    if "best_of" in i:
        return Raw("取较高者：" + " 或 ".join(_indicator_rule(dict(s, max=i["max"])) for s in i["best_of"]))
    if "input" in i:
        return Raw(f"直接采用 {_code(i['input'])}")
    if "rule" in i:                      # an evaluator that is not a band table says it in words
        return Raw(md(str(i["rule"])))
    return Raw("")
