"""Which company fields each tier criterion reads, from what the criteria recorded.

Each criterion records the company-file keys behind the metrics it read
(``financials[2].rd_expense``), whatever rule set it came from, built in or
a plugin's. The executive summary needs this to tell a figure of a past
year from one the company can still change, and the "本轮数据变化" table to
say which tiers a changed figure bears on.
"""

from __future__ import annotations

import re

from zjtx_site.scoring.results import Assessment, Criterion


def criterion_fields(a: Assessment) -> dict[tuple[str, str], tuple[str, ...]]:
    """(tier, criterion id) -> the evidence paths the criterion reads, its
    sub-conditions' included."""
    out: dict[tuple[str, str], tuple[str, ...]] = {}
    for t in a.tiers:
        def walk(c: Criterion, tier: str = t.tier) -> tuple[str, ...]:
            paths = list(c.inputs)
            for kid in c.children:
                paths += walk(kid, tier)
            found = tuple(dict.fromkeys(paths))
            out[(tier, c.id)] = found
            return found

        for c in t.criteria:
            walk(c)
    return out


_FIN = re.compile(r"^financials\[(-?\d*)(?:\.\.(-?\d+))?\]")


def financial_years(path: str, years: list[int]) -> list[int]:
    """The financial years an evidence path reads (``financials[1..2].x``,
    ``financials[].x``, ``financials[-1].x``); empty for other fields."""
    m = _FIN.match(path)
    if m is None or not years:
        return []
    n = len(years)
    if m.group(1) == "":
        return list(years)
    lo = int(m.group(1)) % n
    hi = int(m.group(2)) % n if m.group(2) else lo
    return years[lo:hi + 1]


def field_key(path: str) -> str:
    """``financials[1..2].rd_expense`` -> ``financials.rd_expense``."""
    return re.sub(r"\[[^\]]*\]", "", path)
