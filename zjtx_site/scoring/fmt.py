"""Showing exact numbers to people: rounding happens here and only here."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from zjtx_site.scoring.metrics import Metric
    from zjtx_site.scoring.spans import Span


def round_half_up(x: Fraction, places: int) -> Decimal:
    q = Decimal(1).scaleb(-places)
    return (Decimal(x.numerator) / Decimal(x.denominator)).quantize(q, rounding=ROUND_HALF_UP) \
        if x.denominator != 1 else Decimal(x.numerator).quantize(q)


def fmt_number(x: Fraction | int | Decimal, places: int = 2) -> str:
    """At most ``places`` decimals, trailing zeros dropped: 57, 57.5, 2.35."""
    if type(x) is Fraction and x.denominator == 1:
        return str(x.numerator)          # whole numbers, the common case: nothing to round
    if type(x) is int:
        return str(x)
    return _fmt_rounded(x, places)


@lru_cache(maxsize=4096)
def _fmt_rounded(x: Fraction | Decimal, places: int) -> str:
    d = round_half_up(Fraction(x), places)
    text = format(d, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def score1(x: Fraction) -> float:
    """A 0–100 score with one decimal, for the JSON contract."""
    return float(round_half_up(x, 1))


def fmt_span(m: "Metric", s: "Span") -> str:
    if m.display is not None:
        return m.display(s)
    v = s.value      # None exactly when the span is not a known point
    if v is not None:
        if m.boolean:
            return "是" if v >= 1 else "否"
        return f"{fmt_number(v)}{m.unit}"
    if s.lo is not None and s.hi is None and s.lo > 0:
        return f"至少 {fmt_number(s.lo)}{m.unit}（部分未报告）"
    if s.lo is not None and s.hi is not None and not m.boolean and s.lo > 0:
        return f"{fmt_number(s.lo)}～{fmt_number(s.hi)}{m.unit}（部分未报告）"
    return "未报告"
