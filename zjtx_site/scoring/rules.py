"""Tier rule sets: data files evaluated against a company's metrics.

A rule set (``rulesets/<id>.yaml``) lists, per tier, its criteria as a small
tree of conditions and, for scored tiers, its point bands. This module reads
and checks those files and evaluates them; the numbers live only in the
files, so a rule change is a one-line data diff.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from fractions import Fraction
from importlib import resources
from pathlib import Path
from typing import Any

from zjtx_site.scoring.bands import SpecError, frac, indicator_metrics, score_indicator
from zjtx_site.scoring.fmt import fmt_number, fmt_span
from zjtx_site.scoring.metrics import MetricContext
from zjtx_site.scoring.results import (
    Criterion,
    Fact,
    Gap,
    GroupScore,
    ScoreLine,
    TierResult,
    TierScore,
)
from zjtx_site.scoring.spans import Status, all_of, any_of
from zjtx_site.scoring.yamldata import load_data
from zjtx_site.vocabulary import TIER_LABELS, TIERS

OPS = (">=", "<=", "true")


@dataclass(frozen=True)
class RuleSet:
    id: str
    title: str
    source: str
    in_force: date
    tiers: dict[str, dict]          # tier id -> spec (inherited tiers resolved)
    origin: dict[str, str]          # tier id -> the rule set that defines it
    path: str

    def tier_label(self, tier: str) -> str:
        return self.tiers[tier].get("label", TIER_LABELS[tier])


def load_ruleset_file(path: Path | Any) -> dict:
    """A rule-set file's data; a fresh top-level dict (callers add keys), shared contents."""
    data = load_data(path.read_text(encoding="utf-8"))
    return dict(data) if isinstance(data, dict) else data


def builtin_ruleset_files() -> list[Any]:
    folder = resources.files("zjtx_site.scoring").joinpath("data", "rulesets")
    return sorted((f for f in folder.iterdir() if f.name.endswith(".yaml")), key=lambda f: f.name)


REQUIRED_KEYS = ("title", "source", "in_force")


def resolve(raw: dict[str, dict], registry: dict) -> dict[str, RuleSet]:
    """Build RuleSets from raw data, resolving ``inherits`` and checking every name.

    Every problem is a :class:`SpecError` whose message names the rule set, the
    tier and the condition, in the words of docs/rules-data.md."""
    out: dict[str, RuleSet] = {}
    for rid, data in sorted(raw.items()):
        missing_keys = [k for k in REQUIRED_KEYS if k not in data]
        if missing_keys:
            raise SpecError(f"规则集 {rid} 缺少 {'、'.join(missing_keys)}")
        tiers: dict[str, dict] = {}
        origin: dict[str, str] = {}
        for tier, parent in (data.get("inherits") or {}).items():
            if parent not in raw or tier not in raw[parent].get("tiers", {}):
                raise SpecError(f"规则集 {rid}：{tier} 沿用规则集 {parent}，但 {parent} 没有定义 {tier}")
            tiers[tier] = raw[parent]["tiers"][tier]
            origin[tier] = parent
        for tier, spec in (data.get("tiers") or {}).items():
            tiers[tier] = spec
            origin[tier] = rid
        unknown = set(tiers) - set(TIERS)
        if unknown:
            raise SpecError(f"规则集 {rid}：未知的梯度 {'、'.join(sorted(unknown))}（可用：{'、'.join(TIERS)}）")
        missing = set(TIERS) - set(tiers)
        if missing:
            raise SpecError(f"规则集 {rid}：没有定义梯度 {'、'.join(sorted(missing))}（可在 tiers 中定义或用 inherits 沿用）")
        for tier, spec in tiers.items():
            check_tier(f"{rid}/{tier}", spec, registry)
        in_force = data["in_force"]
        try:
            when = in_force if isinstance(in_force, date) else date.fromisoformat(str(in_force))
        except ValueError:
            raise SpecError(f"规则集 {rid}：施行日期 in_force 应为 YYYY-MM-DD，实际是 {in_force!r}") from None
        out[rid] = RuleSet(id=rid, title=data["title"], source=data["source"], in_force=when,
                           tiers=tiers, origin=origin, path=str(data.get("_path", "")))
    return out


def check_tier(where: str, spec: dict, registry: dict) -> None:
    if not isinstance(spec, dict) or not isinstance(spec.get("criteria"), list):
        raise SpecError(f"{where}：梯度应有条件列表 criteria")
    for c in spec["criteria"]:
        _check_condition(where, c, registry)
    score = spec.get("score")
    if score is None:
        if any("score" in c for c in _all_conditions(spec["criteria"])):
            raise SpecError(f"{where}：条件引用了评分（score），但该梯度没有评分表 score")
        return
    if "pass" not in score or not isinstance(score.get("groups"), list) or not score["groups"]:
        raise SpecError(f"{where}：评分表 score 应有及格线 pass 和分组 groups")
    for g in score["groups"]:
        if not {"key", "label", "indicators"} <= set(g):
            raise SpecError(f"{where}：评分分组应有 key、label 和 indicators，实际是 {sorted(g)}")
        for ind in g["indicators"]:
            try:
                names = indicator_metrics(ind)
            except (KeyError, TypeError):
                raise SpecError(f"{where}：评分指标 {ind.get('id')} 的写法无法识别") from None
            if not names:
                raise SpecError(f"{where}：评分指标 {ind.get('id')} 没有计分方式（bands、first_match、per、count、"
                                "best_of 或 input）")
            for name in names:
                if name not in registry:
                    raise SpecError(f"{where}：评分指标 {ind.get('id')} 引用了未注册的指标 {name}")


def _all_conditions(conditions: list) -> list[dict]:
    out = []
    for c in conditions:
        out.append(c)
        out += _all_conditions(list(c.get("all", ())) + list(c.get("any", ())) + list(c.get("cases", ())))
    return out


def _check_condition(where: str, c: dict, registry: dict) -> None:
    if not isinstance(c, dict) or "id" not in c or "label" not in c:
        raise SpecError(f"{where}：条件缺少 id 或 label：{c}")
    at = f"{where}/{c['id']}"
    forms = [k for k in ("metric", "all", "any", "manual", "prerequisite", "score", "branch") if k in c]
    if len(forms) != 1:
        raise SpecError(f"{at}：条件应有且只有 metric、all、any、manual、prerequisite、score、branch 之一"
                        + (f"，实际有 {'、'.join(forms)}" if forms else ""))
    if "metric" in c:
        if c["metric"] not in registry:
            raise SpecError(f"{at}：引用了未注册的指标 {c['metric']}")
        if c.get("op") not in OPS:
            raise SpecError(f"{at}：op 应为 {'、'.join(OPS)} 之一，实际是 {c.get('op')!r}")
        if c["op"] != "true" and "value" not in c:
            raise SpecError(f"{at}：op {c['op']} 需要阈值 value")
    for sub in list(c.get("all", ())) + list(c.get("any", ())):
        _check_condition(where, sub, registry)
    if "branch" in c:
        if c["branch"] not in registry:
            raise SpecError(f"{at}：分档依据引用了未注册的指标 {c['branch']}")
        if not c.get("cases") or any("min" not in case for case in c["cases"]):
            raise SpecError(f"{at}：分档 branch 需要 cases 列表，每档有下限 min")
        for case in c["cases"]:
            _check_condition(where, {k: v for k, v in case.items() if k != "min"}, registry)
    if "prerequisite" in c and c["prerequisite"] not in TIERS:
        raise SpecError(f"{at}：前提条件引用了未知的梯度 {c['prerequisite']}")
    for name in c.get("facts", ()):
        if name not in registry:
            raise SpecError(f"{at}：事实 facts 引用了未注册的指标 {name}")


# evaluation -----------------------------------------------------------------

@dataclass
class TierContext:
    ctx: MetricContext
    tier: str
    earlier: dict[str, TierResult]
    score: TierScore | None
    titles: tuple[str, ...]


def evaluate_tier(rs: RuleSet, tier: str, tc: TierContext, reason: str) -> TierResult:
    spec = rs.tiers[tier]
    score = _score(tc.ctx, spec["score"]) if spec.get("score") else None
    tc.score = score
    criteria = tuple(_condition(c, tc) for c in spec["criteria"])
    status = all_of([c.status for c in criteria])
    route = None
    if status is Status.MET:
        for c in criteria:
            if any(True for _ in _route_children(c)):
                route = "score" if _route_score_met(c) else "direct"
    return TierResult(tier=tier, label=rs.tier_label(tier), ruleset=rs.origin[tier],
                      ruleset_reason=reason, status=status, criteria=criteria, route=route, score=score)


def _route_children(c: Criterion):
    return (x for x in c.children if x.id == "score")


def _route_score_met(c: Criterion) -> bool:
    return any(x.status is Status.MET for x in _route_children(c))


def _inputs(ctx: MetricContext, names: list[str] | tuple[str, ...]) -> tuple[str, ...]:
    """The company-file keys behind the named metrics, in order, without repeats."""
    out: list[str] = []
    for name in names:
        for key in ctx.registry[name].evidence.split(","):
            if key.strip() and key.strip() not in out:
                out.append(key.strip())
    return tuple(out)


def _score(ctx: MetricContext, spec: dict) -> TierScore:
    lines, groups = [], []
    for g in spec["groups"]:
        gw = gb = gm = Fraction(0)
        for ind in g["indicators"]:
            s = score_indicator(ctx, ind)
            names = indicator_metrics(ind)
            lines.append(ScoreLine(id=ind["id"], group=g["key"], label=ind["label"], value=s.value,
                                   points=s.worst, best_points=s.best, max_points=s.max_points,
                                   bands=s.target, status=s.status,
                                   plan=ind.get("plan", ctx.registry[names[0]].plan),
                                   reads=tuple(names), inputs=_inputs(ctx, names)))
            gw, gb, gm = gw + s.worst, gb + s.best, gm + s.max_points
        groups.append(GroupScore(key=g["key"], label=g["label"], points=gw, best_points=gb,
                                 max_points=gm, minimum=frac(g["min"]) if "min" in g else None))
    return TierScore(total=sum((g.points for g in groups), Fraction(0)),
                     best_total=sum((g.best_points for g in groups), Fraction(0)),
                     pass_mark=frac(spec["pass"]), groups=tuple(groups), lines=tuple(lines))


def _condition(c: dict, tc: TierContext) -> Criterion:
    if "metric" in c:
        return _metric_condition(c, tc)
    if "all" in c or "any" in c:
        kids = tuple(_condition(x, tc) for x in (c["all"] if "all" in c else c["any"]))
        combine = all_of if "all" in c else any_of
        status = combine([k.status for k in kids])
        met = sum(k.status is Status.MET for k in kids)
        value = f"{met}/{len(kids)} 项符合"
        threshold = "全部符合" if "all" in c else "任一符合"
        return Criterion(id=c["id"], label=c["label"], status=status, value=value,
                         threshold=threshold, children=kids, gap=_group_gap(c, tc, status, value, threshold))
    if "manual" in c:
        facts = tuple(_fact(tc, name) for name in c.get("facts", ()))
        return Criterion(id=c["id"], label=c["label"], status=Status.MANUAL_REVIEW,
                         value="需人工判断", threshold=c["label"], note=c["manual"],
                         gap=_gap(c, tc, Status.MANUAL_REVIEW, "需人工判断", c["label"]),
                         facts=facts, evidence=c.get("evidence", ""))
    if "prerequisite" in c:
        return _prerequisite(c, tc)
    if "score" in c:
        return _score_condition(c, tc)
    if "branch" in c:
        return _branch(c, tc)
    raise SpecError(f"condition {c.get('id')}: no form")


def _group_gap(c: dict, tc: TierContext, status: Status, value: str, threshold: str) -> Gap | None:
    # score-output.md: every unmet criterion carries a gap, groups included; the
    # plan takes the leaves' gaps (builtin/plan.py walks into the children)
    if status in (Status.MET, Status.NOT_APPLICABLE):
        return None
    return _gap(c, tc, status, value, threshold)


def _fact(tc: TierContext, name: str) -> Fact:
    m = tc.ctx.registry[name]
    return Fact(metric=name, label=m.label, value=fmt_span(m, tc.ctx.get(name)))


def _threshold_text(m: Any, c: dict) -> str:
    if c["op"] == "true":
        return "是"
    sign = "≥" if c["op"] == ">=" else "≤"
    return f"{sign}{fmt_number(frac(c['value']))}{m.unit}"


def _metric_condition(c: dict, tc: TierContext) -> Criterion:
    m = tc.ctx.registry[c["metric"]]
    inputs = _inputs(tc.ctx, (m.name,))
    span = tc.ctx.get(m.name, tuple(c.get("args", ())))
    op = c["op"]
    if op == "true":
        status = span.at_least(Fraction(1))
        t_cmp = Fraction(1)
    else:
        t = frac(c["value"])
        t_cmp = m.threshold(t) if m.threshold else t
        status = span.at_least(t_cmp) if op == ">=" else span.at_most(t_cmp)
    value = fmt_span(m, span)
    threshold = _threshold_text(m, c)
    gap = None
    if status is not Status.MET:
        fig = metric_shortfall(m, tc.ctx.company, span, t_cmp, op) if status is Status.UNMET else None
        gap = _gap(c, tc, status, value, threshold, plan=m.plan, closes=_closeness(span, t_cmp, op),
                   fig=fig)
    return Criterion(id=c["id"], label=c["label"], status=status, value=value,
                     threshold=threshold, gap=gap, reads=(m.name,), inputs=inputs, open_inputs=inputs)


def _closeness(span: Any, t: Fraction, op: str) -> Fraction:
    """How near the value is to the threshold (1 = on it), for ordering the plan."""
    if not span.known or t == 0:
        return Fraction(0)
    v = span.value
    if op in (">=", "true"):     # a yes/no criterion that is unmet is "no": nothing closed yet
        return max(Fraction(0), min(Fraction(1), v / t))
    return max(Fraction(0), min(Fraction(1), t / v)) if v else Fraction(1)


def _gap(c: dict, tc: TierContext, status: Status, value: str, threshold: str, shortfall: str = "",
         money: str = "", plan: str = "", closes: Fraction = Fraction(0),
         fig: Shortfall | None = None) -> Gap:
    if fig is not None:
        return Gap(criterion=c["id"], label=c["label"], tier=tc.tier, status=status, value=value,
                   threshold=threshold, shortfall=fig.text, money=fig.money_text,
                   plan_item=c.get("plan", plan), closes=closes, unit=fig.unit,
                   shortfall_value=fig.value, money_wan=fig.money, current=fig.current, target=fig.target)
    return Gap(criterion=c["id"], label=c["label"], tier=tc.tier, status=status, value=value,
               threshold=threshold, shortfall=shortfall, money=money,
               plan_item=c.get("plan", plan), closes=closes)


@dataclass(frozen=True, slots=True)
class Shortfall:
    """How far a figure is from a threshold, in the unit a manager acts on."""
    value: Fraction            # always ≥ 0: how much to add (≥) or take away (≤)
    unit: str                  # 个百分点, 万元, 项, 年, 名 ...
    sign: str                  # "+" to raise, "-" to lower
    money: Fraction | None     # 万元 equivalent where it converts
    current: Fraction | None
    target: Fraction | None

    @property
    def text(self) -> str:
        if self.unit == "名":
            return f"需前进 {fmt_number(self.value)} 名"
        return f"{self.sign}{fmt_number(self.value)} {self.unit}".strip()

    @property
    def money_text(self) -> str:
        if self.money is None or self.unit == "万元":
            return ""        # a shortfall in 万元 is its own money: not said twice
        return f"约 {self.sign}{fmt_number(self.money, 1)} 万元"


def metric_shortfall(m: Any, company: Any, span: Any, t: Fraction, op: str) -> Shortfall | None:
    """The shortfall of a known, unmet figure against threshold ``t`` (in the metric's
    comparison space); None for yes/no conditions and unknown figures."""
    if not span.known or op == "true" or m.boolean:
        return None
    v = span.value
    diff = (t - v) if op == ">=" else (v - t)
    if diff <= 0:
        return None
    sign = "+" if op == ">=" else "-"
    if m.shortfall_in is not None:
        amount, unit = m.shortfall_in(company, t)
        money = m.money(company, amount) if m.money is not None else None
        return Shortfall(amount, unit, "+", money, None, None)
    unit = "个百分点" if m.unit == "%" else m.unit
    if m.unit == "名":
        sign = ""
    money = m.money(company, diff) if m.money is not None else None
    return Shortfall(diff, unit, sign, money, v, t)




def _prerequisite(c: dict, tc: TierContext) -> Criterion:
    lower = c["prerequisite"]
    # a higher title implies the lower one was held (逐级进阶)
    held = [t for t in tc.titles if t in TIERS[TIERS.index(lower):]]
    prior = tc.earlier.get(lower)
    label = TIER_LABELS[lower]
    if held:
        status, value = Status.MET, f"已获{TIER_LABELS[held[0]]}称号"
    elif prior is None:
        status, value = Status.NEEDS_DATA, "未评价"
    else:
        status, value = prior.status, f"本次评价：{prior.status.label}"
    gap = None if status is Status.MET else _gap(c, tc, status, value, f"{label}", plan="")
    return Criterion(id=c["id"], label=c["label"], status=status, value=value,
                     threshold=f"持有{label}称号或本次评价符合", gap=gap)


def _score_condition(c: dict, tc: TierContext) -> Criterion:
    s = tc.score
    if s is None:
        raise SpecError(f"condition {c['id']}: score used in a tier without a score table")
    statuses = []
    total_status = (Status.MET if s.total >= s.pass_mark else
                    Status.UNMET if s.best_total < s.pass_mark else Status.NEEDS_DATA)
    statuses.append(total_status)
    parts = [f"总分 {fmt_number(s.total)}" + (f"（最高可能 {fmt_number(s.best_total)}）" if s.best_total != s.total else "")]
    for g in s.groups:
        if g.minimum is None:
            continue
        st = (Status.MET if g.points >= g.minimum else
              Status.UNMET if g.best_points < g.minimum else Status.NEEDS_DATA)
        statuses.append(st)
        parts.append(f"{g.label} {fmt_number(g.points)}")
    status = all_of(statuses)
    threshold = f"总分≥{fmt_number(s.pass_mark)}" + "".join(
        f"，{g.label}≥{fmt_number(g.minimum)}" for g in s.groups if g.minimum is not None)
    gap = None
    if status is not Status.MET:
        short = s.pass_mark - s.total
        gap = _gap(c, tc, status, "，".join(parts), threshold,
                   shortfall=f"+{fmt_number(short)} 分" if short > 0 else "", plan="",
                   closes=min(Fraction(1), s.total / s.pass_mark))
    # a score reads every line; what keeps it undecided is the inputs of its undecided lines
    open_lines = [ln for ln in s.lines if ln.status is Status.NEEDS_DATA]
    return Criterion(id=c["id"], label=c["label"], status=status, value="，".join(parts),
                     threshold=threshold, gap=gap,
                     reads=tuple(dict.fromkeys(n for ln in s.lines for n in ln.reads)),
                     inputs=tuple(dict.fromkeys(k for ln in s.lines for k in ln.inputs)),
                     open_inputs=tuple(dict.fromkeys(k for ln in open_lines for k in ln.inputs)))


def _branch(c: dict, tc: TierContext) -> Criterion:
    m = tc.ctx.registry[c["branch"]]
    inputs = _inputs(tc.ctx, (m.name,))
    span = tc.ctx.get(m.name)
    point = span.value          # None exactly when the span is not a known point
    kids = []
    candidates = []
    for case in c["cases"]:
        edge = frac(case["min"])
        # cases run from the highest min down; the first one reached applies
        chosen = point is not None and point >= edge and not any(
            point >= frac(prev["min"]) for prev in c["cases"][: c["cases"].index(case)])
        earlier_mins = [frac(prev["min"]) for prev in c["cases"][: c["cases"].index(case)]]
        possible = (point is None and (span.hi is None or span.hi >= edge)
                    and (not earlier_mins or span.lo is None or span.lo < min(earlier_mins)))
        sub = _condition({k: v for k, v in case.items() if k != "min"}, tc)
        if chosen or possible:
            kids.append(sub)
            candidates.append(sub.status)
        else:
            kids.append(Criterion(id=sub.id, label=sub.label, status=Status.NOT_APPLICABLE,
                                  value="不适用", threshold=sub.threshold, children=()))
    if len(candidates) == 1 or candidates and all(s is candidates[0] for s in candidates):
        status = candidates[0]
    else:
        status = Status.NEEDS_DATA
    value = f"{m.label}：{fmt_span(m, span)}"
    return Criterion(id=c["id"], label=c["label"], status=status, value=value, threshold="按分档适用",
                     children=tuple(kids), gap=_group_gap(c, tc, status, value, "按分档适用"),
                     reads=(m.name,), inputs=inputs, open_inputs=inputs)
