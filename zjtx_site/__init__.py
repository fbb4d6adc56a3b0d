"""zjtx-site: 高新技术企业专精特新诊断规划 (T/GZHTEA003-2024) as a reviewable pipeline.

This module is the public plugin API: a plugin imports only the names in
``__all__`` (documented in docs/plugins.md), so the wings behind them can
move without breaking it. Names load on first use, so ``zjtx --help`` does
not pay for the scoring stack.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from zjtx_site.version import __version__

# public name -> module that defines it
_EXPORTS = {
    "hookimpl": "zjtx_site.scoring.hookspecs",
    "Metric": "zjtx_site.scoring.metrics",
    "MetricContext": "zjtx_site.scoring.metrics",
    "Span": "zjtx_site.scoring.spans",
    "Status": "zjtx_site.scoring.spans",
    "BOOL_UNKNOWN": "zjtx_site.scoring.spans",
    "Indicator": "zjtx_site.scoring.results",
    "DimensionResult": "zjtx_site.scoring.results",
    "Grade": "zjtx_site.scoring.results",
    "Gap": "zjtx_site.scoring.results",
    "PlanItem": "zjtx_site.scoring.results",
    "Plan": "zjtx_site.scoring.results",
    "PlanTarget": "zjtx_site.scoring.results",
    "Fact": "zjtx_site.scoring.results",
    "PlanRequest": "zjtx_site.scoring.plan.maker",
    "Measure": "zjtx_site.scoring.plan.catalogue",
    "Criterion": "zjtx_site.scoring.results",
    "TierResult": "zjtx_site.scoring.results",
    "Assessment": "zjtx_site.scoring.results",
    "BandDimension": "zjtx_site.scoring.builtin.dimensions",
    "dimension_data": "zjtx_site.scoring.builtin.dimensions",
    "DIMENSIONS": "zjtx_site.vocabulary",
    "DIMENSION_LABELS": "zjtx_site.vocabulary",
    "TIERS": "zjtx_site.vocabulary",
    "TIER_LABELS": "zjtx_site.vocabulary",
    "PluginError": "zjtx_site.errors",
    "EvaluationError": "zjtx_site.errors",
    "ResultError": "zjtx_site.errors",
}

__all__ = [
    "__version__",
    "Assessment",
    "BOOL_UNKNOWN",
    "BandDimension",
    "Criterion",
    "DIMENSIONS",
    "DIMENSION_LABELS",
    "DimensionResult",
    "EvaluationError",
    "Fact",
    "Gap",
    "Grade",
    "Indicator",
    "Measure",
    "Measure",
    "Metric",
    "MetricContext",
    "Plan",
    "Plan",
    "PlanItem",
    "PlanRequest",
    "PlanRequest",
    "PlanTarget",
    "PlanTarget",
    "PluginError",
    "ResultError",
    "Span",
    "Status",
    "TIERS",
    "TIER_LABELS",
    "TierResult",
    "dimension_data",
    "hookimpl",
]

if TYPE_CHECKING:
    from zjtx_site.errors import EvaluationError, PluginError, ResultError
    from zjtx_site.scoring.builtin.dimensions import BandDimension, dimension_data
    from zjtx_site.scoring.hookspecs import hookimpl
    from zjtx_site.scoring.metrics import Metric, MetricContext
    from zjtx_site.scoring.plan.catalogue import Measure
    from zjtx_site.scoring.plan.maker import PlanRequest
    from zjtx_site.scoring.results import (
        Assessment,
        Criterion,
        DimensionResult,
        Gap,
        Grade,
        Indicator,
        Plan,
        PlanItem,
        PlanTarget,
        TierResult,
    )
    from zjtx_site.scoring.spans import BOOL_UNKNOWN, Span, Status
    from zjtx_site.vocabulary import DIMENSION_LABELS, DIMENSIONS, TIER_LABELS, TIERS


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'zjtx_site' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
