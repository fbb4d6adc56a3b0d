"""The scoring stage: a validated Company in, a typed Assessment out.

The host runs every plugin itself and wraps any failure in an error that
names the plugin and the company file (as flake8 does), so one broken
evaluator cannot publish a report that looks complete. With
``keep_going`` the failure is recorded on the Assessment instead.
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from zjtx_site.errors import EvaluationError
from zjtx_site.scoring import guard
from zjtx_site.scoring import host as plugins
from zjtx_site.scoring.describe import Methodology, describe_registry
from zjtx_site.scoring.figures import derive
from zjtx_site.scoring.metrics import MetricContext
from zjtx_site.scoring.plan.catalogue import CatalogueError, check_metrics
from zjtx_site.scoring.plan.maker import PlanRequest
from zjtx_site.scoring.plan.target import choose_next, held_tiers, ready_to_apply
from zjtx_site.scoring.results import Assessment, Plan, TierResult
from zjtx_site.scoring.rules import (
    RuleSet,
    TierContext,
    evaluate_tier,
    load_ruleset_file,
    resolve,
)
from zjtx_site.scoring.sources import digest_of
from zjtx_site.scoring.yamldata import load_data
from zjtx_site.vocabulary import DIMENSIONS, TIERS


@lru_cache(maxsize=1)
def interpretations() -> tuple[str, ...]:
    text = resources.files("zjtx_site.scoring").joinpath("data", "interpretations.yaml").read_text("utf-8")
    return tuple(load_data(text))


@dataclass(frozen=True)
class Engine:
    registry: plugins.Registry
    rulesets: dict[str, RuleSet]

    def digest(self) -> str:
        """Everything besides a company's data and the tool's code that decides its assessment:
        the rule sets' content and the plugin set (see :meth:`Registry.digest`)."""
        rules = json.dumps({k: {**dataclasses.asdict(rs), "path": None} for k, rs in self.rulesets.items()},
                           sort_keys=True, default=str)
        return digest_of([rules, self.registry.digest()])

    @property
    def metrics(self):
        return self.registry.metric_table()

    @property
    def measures(self) -> tuple:
        """The plan catalogue: plugins' measures first, then the built-in ones."""
        regs = list(self.registry.measures.values())
        return tuple(r.obj for r in regs if not plugins.is_builtin(r.plugin)) + tuple(
            r.obj for r in regs if plugins.is_builtin(r.plugin))


def make_engine(project: Path | None = None, extra: list | None = None) -> Engine:
    reg = plugins.load(project, extra)
    raw = {}
    for key, r in reg.rulesets.items():
        obj = r.obj
        data = load_ruleset_file(Path(obj) if isinstance(obj, str) else obj)
        data["_path"] = str(obj)
        raw[key] = data
    try:
        rulesets = resolve(raw, reg.metric_table())
    except ValueError as exc:
        raise plugins.PluginError(f"规则集数据有误：{exc}") from None
    engine = Engine(reg, rulesets)
    try:
        check_metrics(engine.measures, reg.metric_table())
    except CatalogueError as exc:
        raise plugins.PluginError(str(exc)) from None
    return engine


def choose(engine: Engine, assessed_on: date, forced: str | None) -> tuple[RuleSet, str]:
    if forced:
        if forced not in engine.rulesets:
            raise KeyError(forced)
        return engine.rulesets[forced], f"按 --rules {forced} 指定（假设分析），而非按评估日期选择"
    usable = sorted((rs for rs in engine.rulesets.values() if rs.in_force <= assessed_on),
                    key=lambda rs: (rs.in_force, rs.id))
    if not usable:
        rs = min(engine.rulesets.values(), key=lambda r: r.in_force)
        return rs, f"评估日期 {assessed_on.isoformat()} 早于所有规则集的施行日，采用最早的 {rs.id}"
    rs = usable[-1]
    return rs, f"评估日期 {assessed_on.isoformat()} 不早于 {rs.id} 的施行日 {rs.in_force.isoformat()}"


def _reason(rs: RuleSet, tier: str, base: str) -> str:
    if rs.origin[tier] != rs.id:
        return f"{base}；{rs.id} 对{rs.tier_label(tier)}沿用 {rs.origin[tier]}"
    return base


def assess(engine: Engine, company: Any, *, forced: str | None = None,
           keep_going: bool = False) -> Assessment:
    reg = engine.registry
    ctx = MetricContext(company, engine.metrics)
    source = company.source
    failures: list[str] = []

    def guarded(plugin: str, hook: str, check, fn, *args):
        try:
            return guard.call(plugin, hook, source, check, fn, *args)
        except EvaluationError as exc:
            if not keep_going:
                raise
            failures.append(str(exc))
            return None

    g = reg.grader["grading"]
    grade = guarded(g.plugin, "grade()", guard.grade, g.obj.grade, company, ctx)

    dims = []
    for key in DIMENSIONS:
        r = reg.dimensions[key]
        d = guarded(r.plugin, f"维度 {key} 的 evaluate()", guard.dimension(key), r.obj.evaluate, company, ctx)
        if d is not None:
            dims.append(d)

    rs, base_reason = choose(engine, company.assessed_on, forced)
    tiers: list[TierResult] = []
    earlier: dict[str, TierResult] = {}
    for tier in TIERS:
        # 创新型 keeps the 2022 rule whatever is forced (2026 rules 第三十条)
        tc = TierContext(ctx=ctx, tier=tier, earlier=earlier, score=None, titles=company.honors.titles)
        result = guarded(f"规则集 {rs.id}", f"梯度 {tier} 的评价", guard.tier, evaluate_tier, rs, tier, tc,
                         _reason(rs, tier, base_reason))
        if result is None:
            continue
        tiers.append(result)
        earlier[tier] = result
    # the target (score-output.md): held titles, what can be applied for now, the next tier
    held = held_tiers(company.honors.titles)
    ready = ready_to_apply(tiers, held)
    next_tier = choose_next(tiers, held, ctx.get("sme"))
    plan = Plan(target=None, gaps=(), items=())
    if grade is not None and len(tiers) == len(TIERS):
        p = reg.plan_makers["plan"]
        request = PlanRequest(company=company, grade=grade, tiers=tuple(tiers), held=held, ready_to_apply=ready,
                              next_tier=next_tier, rulesets=engine.rulesets, forced=forced,
                              metrics=engine.metrics, measures=engine.measures)
        made = guarded(p.plugin, "make()", guard.plan, p.obj.make, request)
        if made is not None:
            plan = made
    used = tuple(sorted({t.ruleset for t in tiers}))
    return Assessment(company=company, grade=grade, dimensions=tuple(dims), tiers=tuple(tiers),
                      next_tier=next_tier, gaps=plan.gaps, plan=plan.items, rulesets=used,
                      interpretations=interpretations(), failures=tuple(failures), figures=derive(ctx),
                      held=held, ready_to_apply=ready, plan_target=plan.target,
                      ruleset_titles=tuple(sorted((k, rs.title) for k, rs in engine.rulesets.items())))


def methodology(engine: Engine) -> Methodology:
    """Everything the methodology page shows, from what is registered."""
    reg = engine.registry
    dims, grading, plan = describe_registry(reg)
    return Methodology(rulesets=engine.rulesets, dimensions=dims, grading=grading,
                       grader_plugin=reg.grader["grading"].plugin, plan=plan,
                       plan_plugin=reg.plan_makers["plan"].plugin, interpretations=interpretations())
