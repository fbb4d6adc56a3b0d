"""The company as an application in year A would see it (rules.md §5 "When").

An application in year A uses the financial years A−3..A−1. Years up to the
last reported one are final; later years are plan years, assumed equal to the
last reported year until the plan changes them (a flat projection: the plan
must ask for any growth it relies on). 从事细分市场年限 grows by a year per
year. Titles held, and those the company can apply for now, are taken as held.

Changes are written as company-data paths (``financials[2026].rd_expense``,
``innovation.ip.class1``, ``distinctiveness.market_share[-1].domestic``) so a
reviewer, and a test, can apply them to the data file itself.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from fractions import Fraction
from typing import Any

_SEGMENT = re.compile(r"^([a-z0-9_]+)(?:\[(-?[0-9]+)\])?$")


@dataclass(frozen=True)
class Projection:
    year: int                      # the application year A
    company: Any                   # the projected company (frozen)
    window: tuple[int, int, int]   # financial years used, oldest first
    plan_years: frozenset[int]     # years the plan can still change
    last_actual: int               # the last reported financial year
    base: Any                      # the company as reported

    def editable(self, index: int) -> bool:
        return self.window[index] in self.plan_years

    def entry(self, index: int) -> Any:
        return self.company.financials[index]


def earliest_year(company: Any) -> int:
    """The first application year whose three financial years are all known or later."""
    return max(company.assessed_on.year, company.financials[-1].year + 1)


def project(company: Any, year: int, titles: tuple[str, ...], on: date) -> Projection:
    fin = company.financials
    last = fin[-1]
    by_year = {e.year: e for e in fin}
    window = (year - 3, year - 2, year - 1)
    entries = tuple(by_year[y] if y in by_year else dataclasses.replace(last, year=y) for y in window)
    grown = company.specialization.niche_years + (year - company.assessed_on.year)
    projected = dataclasses.replace(
        company, financials=entries, assessed_on=on,
        specialization=dataclasses.replace(company.specialization, niche_years=grown),
        honors=dataclasses.replace(company.honors, titles=tuple(dict.fromkeys((*company.honors.titles, *titles)))))
    return Projection(year=year, company=projected, window=window,
                      plan_years=frozenset(y for y in window if y > last.year), last_actual=last.year,
                      base=company)


def get_path(obj: Any, path: str) -> Any:
    for seg in path.split("."):
        name, index = _parse(seg)
        obj = getattr(obj, name)
        if index is not None:
            obj = _pick(obj, index)
    return obj


def apply_changes(company: Any, changes: Mapping[str, Any]) -> Any:
    """A copy of ``company`` with each path set to its value."""
    for path, value in changes.items():
        company = _set(company, path.split("."), value)
    return company


def _parse(seg: str) -> tuple[str, int | None]:
    m = _SEGMENT.match(seg)
    if m is None:
        raise ValueError(f"bad change path segment {seg!r}")
    return m.group(1), None if m.group(2) is None else int(m.group(2))


def _pick(records: tuple, index: int) -> Any:
    """``[-1]`` is the last entry; a four-digit index is the entry of that year."""
    if index >= 1000:
        return next(r for r in records if r.year == index)
    return records[index]


def _set(obj: Any, segs: list[str], value: Any) -> Any:
    name, index = _parse(segs[0])
    if len(segs) == 1 and index is None:
        return dataclasses.replace(obj, **{name: value})
    child = getattr(obj, name)
    if index is None:
        return dataclasses.replace(obj, **{name: _set(child, segs[1:], value)})
    records = list(child)
    pos = next(i for i, r in enumerate(records) if r.year == index) if index >= 1000 else index % len(records)
    records[pos] = value if len(segs) == 1 else _set(records[pos], segs[1:], value)
    return dataclasses.replace(obj, **{name: tuple(records)})


def fin_path(year: int, field: str) -> str:
    return f"financials[{year}].{field}"


def cents_up(x: Fraction) -> Fraction:
    """Round a 万元 amount up to 0.01 万元, so the figure is a plain decimal that still suffices."""
    return Fraction(-((-x * 100).__floor__()), 100)
