"""Built-in plugins: the six 专精特新链品 dimension evaluators.

Each dimension is its own plugin object, scoring the indicators and bands of
its section of ``data/dimensions.yaml``; a plugin author can replace any one
of them (``register(evaluator, replace=True)``) without touching the rest.
"""

from __future__ import annotations

from fractions import Fraction
from functools import lru_cache
from importlib import resources
from typing import Any

from zjtx_site.scoring.bands import score_indicator
from zjtx_site.scoring.hookspecs import hookimpl
from zjtx_site.scoring.metrics import MetricContext
from zjtx_site.scoring.results import DimensionResult, Indicator
from zjtx_site.scoring.yamldata import load_data
from zjtx_site.vocabulary import DIMENSIONS


@lru_cache(maxsize=1)
def dimension_data() -> dict[str, Any]:
    text = resources.files("zjtx_site.scoring").joinpath("data", "dimensions.yaml").read_text("utf-8")
    return load_data(text)


class BandDimension:
    """A dimension scored from a band table: points / max × 100."""

    def __init__(self, key: str, spec: dict[str, Any]):
        self.key = key
        self.label = spec["label"]
        self.description = spec.get("description", "")
        self.indicators = spec["indicators"]

    def describe(self) -> dict[str, Any]:
        """What the methodology page shows: the band tables this evaluator scores."""
        return {"label": self.label, "description": self.description, "indicators": list(self.indicators)}

    def evaluate(self, company: Any, metrics: MetricContext) -> DimensionResult:
        out = []
        for ind in self.indicators:
            s = score_indicator(metrics, ind)
            out.append(Indicator(id=ind["id"], label=ind["label"], value=s.value, target=s.target,
                                 points=s.worst, max_points=s.max_points, status=s.status,
                                 gap=s.gap, evidence=s.evidence, source=str(ind.get("source", ""))))
        return DimensionResult.from_indicators(self.key, self.label, tuple(out))


class DimensionPlugin:
    def __init__(self, evaluator: BandDimension):
        self.key = evaluator.key
        self.evaluator = evaluator

    @hookimpl
    def zjtx_register_dimensions(self, register):
        register(self.evaluator)


def builtin_dimension_plugins() -> list[DimensionPlugin]:
    data = dimension_data()
    return [DimensionPlugin(BandDimension(k, data[k])) for k in DIMENSIONS]


__all__ = ["BandDimension", "Fraction", "builtin_dimension_plugins"]
