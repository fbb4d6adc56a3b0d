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


def _terminating(x: Fraction) -> bool:
    d = x.denominator
    for p in (2, 5):
        while d % p == 0:
            d //= p
    return d == 1


def exact_decimal(x: Fraction | int) -> Decimal:
    """The exact decimal of a terminating fraction (59.5 stays 59.5: no rounding);
    a fraction that never terminates (1/3) is given to 6 places."""
    x = Fraction(x)
    if x.denominator == 1:
        return Decimal(x.numerator)
    if not _terminating(x):
        return round_half_up(x, 6)
    d = Decimal(x.numerator) / Decimal(x.denominator)   # exact: the context has 28 digits
    return d.normalize() if d == d.to_integral_value() else d


def fmt_exact(x: Fraction | int) -> str:
    """A score as shown: the exact figure, 59.5 never 60."""
    text = format(exact_decimal(x), "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def exact_number(x: Fraction | int) -> int | float:
    """A score for JSON: an integer when whole, otherwise its exact decimal."""
    x = Fraction(x)
    if x.denominator == 1:
        return x.numerator
    return float(exact_decimal(x))


def score1(x: Fraction) -> float:
    """A 0–100 score with one decimal, for the JSON contract."""
    return float(round_half_up(x, 1))


def fmt_span(m: Metric, s: Span) -> str:
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
