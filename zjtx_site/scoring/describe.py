"""What the registered plugins say about themselves, for the methodology page.

Part of the hook contract: dimension evaluators, the grader and the plan
maker each have ``describe()``. The host checks the shape of each
description right after loading (:func:`check`), so a page never finds a
malformed one, and pages describe whatever is registered, built-in or not.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from zjtx_site.errors import PluginError
from zjtx_site.vocabulary import DIMENSIONS

if TYPE_CHECKING:
    from zjtx_site.scoring.rules import RuleSet


@dataclass(frozen=True, kw_only=True)
class DimensionDescription:
    key: str
    label: str
    description: str
    indicators: tuple[dict[str, Any], ...]   # band-table specs, or {"label", "max", "rule"} in words
    plugin: str


@dataclass(frozen=True, kw_only=True)
class Methodology:
    rulesets: dict[str, RuleSet]
    dimensions: tuple[DimensionDescription, ...]
    grading: dict[str, Any]
    grader_plugin: str
    plan: dict[str, Any]
    plan_plugin: str
    interpretations: tuple[str, ...]


def _dimension(key: str, plugin: str, d: Any) -> DimensionDescription:
    if not isinstance(d, dict) or not isinstance(d.get("label"), str) or not isinstance(d.get("indicators"), list):
        raise PluginError(f"插件 {plugin} 的维度评价器 {key} 的 describe() 应返回含 label 和 indicators 列表的映射")
    for i in d["indicators"]:
        if not isinstance(i, dict) or not isinstance(i.get("label"), str) or "max" not in i:
            raise PluginError(f"插件 {plugin} 的维度评价器 {key} 的 describe()：每个指标应有 label 和 max，"
                              f"实际是 {i!r}")
    return DimensionDescription(key=key, label=d["label"], description=str(d.get("description", "")),
                                indicators=tuple(d["indicators"]), plugin=plugin)


def _grading(plugin: str, g: Any) -> dict[str, Any]:
    ok = (isinstance(g, dict) and isinstance(g.get("levels"), list) and isinstance(g.get("unmatched"), dict)
          and all(isinstance(x, dict) and {"level", "min", "band"} <= set(x) for x in g["levels"]))
    if not ok:
        raise PluginError(f"插件 {plugin} 的分级器 describe() 应返回含 levels（level、min、band）和 unmatched 的映射")
    return g


def _plan(plugin: str, p: Any) -> dict[str, Any]:
    ok = (isinstance(p, dict) and isinstance(p.get("areas"), list)
          and all(isinstance(a, dict) and "label" in a and isinstance(a.get("items"), list) for a in p["areas"]))
    if not ok:
        raise PluginError(f"插件 {plugin} 的规划生成器 describe() 应返回含 areas（label、items）的映射")
    return p


def check(reg: Any) -> None:
    """Call every describe() once at load time; a malformed one is the plugin's error."""
    describe_registry(reg)


def _call(plugin: str, what: str, fn: Any) -> Any:
    try:
        return fn()
    except PluginError:
        raise
    except Exception as exc:  # noqa: BLE001 - the plugin's failure, named
        raise PluginError(f"插件 {plugin} 的{what} describe() 出错：{type(exc).__name__}: {exc}") from None


def describe_registry(reg: Any) -> tuple[tuple[DimensionDescription, ...], dict[str, Any], dict[str, Any]]:
    """``reg`` is the host's Registry (typed loosely: the host imports this module)."""
    dims = tuple(_dimension(k, reg.dimensions[k].plugin,
                            _call(reg.dimensions[k].plugin, f"维度评价器 {k} 的", reg.dimensions[k].obj.describe))
                 for k in DIMENSIONS)
    g, p = reg.grader["grading"], reg.plan_makers["plan"]
    return (dims, _grading(g.plugin, _call(g.plugin, "分级器的", g.obj.describe)),
            _plan(p.plugin, _call(p.plugin, "规划生成器的", p.obj.describe)))
