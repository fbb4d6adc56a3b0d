"""Built-in plugin: L1–L5 grading (standard §7.1, data/grading.yaml)."""

from __future__ import annotations

from fractions import Fraction
from functools import lru_cache
from importlib import resources
from typing import Any

from zjtx_site.scoring.hookspecs import hookimpl
from zjtx_site.scoring.metrics import MetricContext
from zjtx_site.scoring.results import Grade
from zjtx_site.scoring.yamldata import load_data


@lru_cache(maxsize=1)
def grading_data() -> dict[str, Any]:
    text = resources.files("zjtx_site.scoring").joinpath("data", "grading.yaml").read_text("utf-8")
    return load_data(text)


@lru_cache(maxsize=1)
def _levels() -> tuple[tuple[Fraction, str, str], ...]:
    """(minimum, level, band), highest minimum first, parsed once (classify grades millions of rows)."""
    rows = ((Fraction(str(lv["min"])), lv["level"], lv["band"]) for lv in grading_data()["levels"])
    return tuple(sorted(rows, key=lambda r: r[0], reverse=True))


class Grader:
    key = "grading"
    label = "分级分类"

    def describe(self) -> dict[str, Any]:
        """The grading table (data/grading.yaml), for the methodology page and ``classify``."""
        return grading_data()

    def level_for(self, revenue: Fraction, field_match: bool) -> tuple[str, str]:
        """(level, revenue band) from last year's revenue in 万元; a boundary value
        goes to the higher level. The one place the §7.1 table is applied."""
        for minimum, level, band in _levels():
            if revenue >= minimum:
                return (level if field_match else grading_data()["unmatched"]["level"]), band
        raise ValueError(f"营业收入 {revenue} 低于所有分级下限")

    def grade(self, company: Any, metrics: MetricContext) -> Grade:
        data = grading_data()
        revenue = Fraction(company.financials[-1].revenue)
        field = metrics.get("field_match")
        matched = field.lo == 1
        note = "主导产品属于" + "、".join(
            label for flag, label in ((bool(company.product.mic_fields), "制造强国十大重点产业领域"),
                                      (bool(company.product.six_foundations), "工业“六基”领域"),
                                      (company.product.network_power is True, "网络强国建设重点领域"))
            if flag) if matched else "主导产品不属于十大重点产业领域、工业“六基”或网络强国建设领域"
        if not matched and not field.known:
            note += "（“属于网络强国建设重点领域”未填写，按不属于计）"
        level, band = self.level_for(revenue, matched)
        path = data["paths"][level]
        return Grade(level=level, field_match=matched, field_note=note, revenue=revenue,
                     band=band, priority=bool(path["priority"]), path=path["text"],
                     path_tiers=tuple(path["tiers"]))


@hookimpl
def zjtx_register_grader(register):
    register(Grader())
