"""Points from bands: the one scoring mechanism shared by every indicator.

A band table is data (a rule-set or dimension file). Given a metric's
:class:`Span`, an indicator yields its points with missing inputs counted at
worst and at best; the two are equal when everything was reported. Band
edges follow rules.md: a value exactly on an edge gets the higher-scoring
band.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from functools import lru_cache
from typing import Any

from zjtx_site.scoring.fmt import fmt_number, fmt_span
from zjtx_site.scoring.metrics import Metric, MetricContext
from zjtx_site.scoring.spans import Span, Status


class SpecError(ValueError):
    """A rule or dimension data file that does not make sense."""


@lru_cache(maxsize=1024)
def frac(x: Any) -> Fraction:
    """A number from a data file, exactly (``0.1`` is one tenth, not a float's value)."""
    if isinstance(x, bool):
        return Fraction(int(x))
    return Fraction(str(x)) if not isinstance(x, (int, Fraction)) else Fraction(x)


@dataclass(frozen=True, slots=True)
class Scored:
    worst: Fraction
    best: Fraction
    max_points: Fraction
    value: str
    target: str
    evidence: str
    gap: str

    @property
    def status(self) -> Status:
        return Status.MET if self.worst == self.best else Status.NEEDS_DATA


def _band_points(bands: list[tuple[Fraction, Fraction]], lower: bool, v: Fraction | None,
                 at_best: bool) -> Fraction:
    if v is None:
        return bands[0][1] if at_best else Fraction(0)
    for edge, pts in bands:
        if (v <= edge) if lower else (v >= edge):
            return pts
    return Fraction(0)


# Band tables are static data: parse each once, keyed by the spec object.
_PARSED: dict[int, tuple[dict, list[tuple[Fraction, Fraction]]]] = {}
_TARGETS: dict[tuple[int, str], str] = {}


def _bands_of(spec: dict) -> list[tuple[Fraction, Fraction]]:
    hit = _PARSED.get(id(spec))
    if hit is None or hit[0] is not spec:
        hit = _PARSED[id(spec)] = (spec, [(frac(e), frac(p)) for e, p in spec["bands"]])
    return hit[1]


def _edge_text(m: Metric, edge: Fraction, lower: bool) -> str:
    if m.boolean:
        return "是" if edge >= 1 else "否"
    op = "≤" if lower else "≥"
    return f"{op}{fmt_number(edge)}{m.unit}"


def _bands_target(m: Metric, spec: dict) -> str:
    key = (id(spec), m.name)
    hit = _TARGETS.get(key)
    if hit is None or _PARSED.get(id(spec), (None,))[0] is not spec:
        hit = _TARGETS[key] = _bands_target_text(m, spec)
    return hit


def _bands_target_text(m: Metric, spec: dict) -> str:
    lower = spec.get("direction") == "lower"
    parts = [f"{_edge_text(m, e, lower)}：{fmt_number(p)}分" for e, p in _bands_of(spec)]
    return "；".join(parts) + "；其他：0分"


def _score_bands(ctx: MetricContext, m: Metric, spec: dict) -> tuple[Fraction, Fraction, str]:
    span = ctx.get(m.name, tuple(spec.get("args", ())))
    bands = _bands_of(spec)
    lower = spec.get("direction") == "lower"
    if lower:
        worst = _band_points(bands, True, span.hi, False)
        best = _band_points(bands, True, span.lo, True)
    else:
        worst = _band_points(bands, False, span.lo, False)
        best = _band_points(bands, False, span.hi, True)
    # the next band up, for the gap text
    gap = ""
    if span.known and worst < bands[0][1]:
        for edge, pts in reversed(bands):
            if pts > worst:
                gap = f"达到 {_edge_text(m, edge, lower)} 可得 {fmt_number(pts)} 分"
                break
    return worst, best, gap


def score_indicator(ctx: MetricContext, spec: dict) -> Scored:
    """Points for one indicator spec (see docs/rules-data.md for the forms)."""
    reg = ctx.registry
    max_points = frac(spec["max"])
    if "bands" in spec:
        m = reg[spec["metric"]]
        worst, best, gap = _score_bands(ctx, m, spec)
        span = ctx.get(m.name, tuple(spec.get("args", ())))
        return Scored(worst, best, max_points, fmt_span(m, span), _bands_target(m, spec), m.evidence, gap)
    if "first_match" in spec:
        worst = best = Fraction(0)
        shown, targets, evidence = [], [], []
        for opt in spec["first_match"]:
            m = reg[opt["metric"]]
            span = ctx.get(m.name)
            pts = frac(opt["points"])
            status = span.at_least(frac(opt.get("min", 1)))
            targets.append(f"{m.label}≥{opt.get('min', 1)}：{fmt_number(pts)}分")
            shown.append(f"{m.label} {fmt_span(m, span)}")
            evidence.append(m.evidence)
            if status is Status.MET:
                worst = max(worst, pts)
            if status is not Status.UNMET:
                best = max(best, pts)
        default = frac(spec.get("default", 0))
        worst, best = max(worst, default), max(best, default)
        tail = f"；其他：{fmt_number(default)}分"
        gap = "" if worst == max_points else f"目标：{targets[0].split('：')[0]}"
        return Scored(worst, best, max_points, "；".join(shown), "；".join(targets) + tail,
                      ", ".join(dict.fromkeys(evidence)), gap)
    if "per" in spec:
        m = reg[spec["metric"]]
        span = ctx.get(m.name)
        unit, each = frac(spec["per"]["unit"]), frac(spec["per"]["points"])

        def points_at(v: Fraction | None, best: bool) -> Fraction:
            if v is None:
                return max_points if best else Fraction(0)
            return min(max_points, (v // unit) * each)
        worst, best = points_at(span.lo, False), points_at(span.hi, True)
        gap = "" if worst == max_points else f"每满 {fmt_number(unit)}{m.unit} 得 {fmt_number(each)} 分"
        return Scored(worst, best, max_points, fmt_span(m, span),
                      f"每满 {fmt_number(unit)}{m.unit} 得 {fmt_number(each)} 分，最高 {fmt_number(max_points)} 分",
                      m.evidence, gap)
    if "count" in spec:
        each = frac(spec["each"])
        sure = maybe = 0
        shown, names, evidence = [], [], []
        for item in spec["count"]:
            m = reg[item["metric"]]
            span = ctx.get(m.name)
            st = span.at_least(frac(item.get("min", 1)))
            sure += st is Status.MET
            maybe += st is not Status.UNMET
            names.append(m.label)
            shown.append(f"{m.label}：{fmt_span(m, span)}")
            evidence.append(m.evidence)
        worst, best = min(max_points, sure * each), min(max_points, maybe * each)
        return Scored(worst, best, max_points, "；".join(shown),
                      f"每具备一项得 {fmt_number(each)} 分，最高 {fmt_number(max_points)} 分（{'、'.join(names)}）",
                      ", ".join(dict.fromkeys(evidence)), "" if worst == max_points else "补齐其余项目")
    if "best_of" in spec:
        results = []
        for sub in spec["best_of"]:
            m = reg[sub["metric"]]
            w, b, g = _score_bands(ctx, m, sub)
            results.append((m, w, b, g, sub))
        worst = max(r[1] for r in results)
        best = max(r[2] for r in results)
        value = "；".join(f"{m.label} {fmt_span(m, ctx.get(m.name))}" for m, *_ in results)
        target = "取较高者：" + " | ".join(_bands_target(m, sub) for m, _, _, _, sub in results)
        gap = next((g for *_, g, _ in results if g), "")
        return Scored(worst, best, max_points, value, target,
                      ", ".join(m.evidence for m, *_ in results), gap)
    if "input" in spec:
        m = reg[spec["input"]]
        span = ctx.get(m.name)
        if span.value is not None:     # a known point
            v = min(max_points, max(Fraction(0), span.value))
            return Scored(v, v, max_points, fmt_span(m, span), f"直接采用，0～{fmt_number(max_points)} 分",
                          m.evidence, "")
        return Scored(Fraction(0), max_points, max_points, "未报告",
                      f"直接采用，0～{fmt_number(max_points)} 分", m.evidence, "")
    raise SpecError(f"indicator {spec.get('id')}: no scoring form (bands, first_match, per, count, best_of, input)")


def indicator_metrics(spec: dict) -> list[str]:
    """Every metric an indicator spec names, for checking data files."""
    names = []
    if "metric" in spec:
        names.append(spec["metric"])
    if "input" in spec:
        names.append(spec["input"])
    for key in ("first_match", "count", "best_of"):
        names += [x["metric"] for x in spec.get(key, ())]
    return names


__all__ = ["Scored", "Span", "SpecError", "frac", "indicator_metrics", "score_indicator"]
