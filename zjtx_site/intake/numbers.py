"""Numbers as staff type them: bounded before any exact arithmetic, shown plainly.

``Fraction(Decimal("1e-999999999"))`` builds a denominator of a billion
digits, and a value with 300,000 decimals is no better; every number read
from a company file, a form or a registry passes :func:`out_of_bounds` first,
which looks only at the digits and the exponent and costs nothing.
"""

from __future__ import annotations

from decimal import Decimal

from zjtx_site.intake.schema import MAX_DECIMALS, MAX_MAGNITUDE


def out_of_bounds(value: int | Decimal) -> str | None:
    """Why no field can hold ``value`` (a Chinese phrase), or None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return _too_big() if abs(value) >= 10 ** MAX_MAGNITUDE else None
    _sign, digits, exp = value.as_tuple()
    if not isinstance(exp, int):
        return "不是有限的数字"
    if not any(digits):
        # zero: only a hostile exponent (0E-999999999) makes it costly
        return None if abs(exp) <= MAX_MAGNITUDE else "写法异常（指数过大），请直接写 0"
    decimals = 0
    if exp < 0:
        zeros = 0       # trailing zeros are not precision: 45.2000000 is 45.2
        for d in reversed(digits):
            if d:
                break
            zeros += 1
        decimals = max(0, -(exp + zeros))
    if decimals > MAX_DECIMALS:
        return f"小数位数过多（{decimals} 位，最多 {MAX_DECIMALS} 位）"
    if exp > MAX_MAGNITUDE or value.adjusted() >= MAX_MAGNITUDE:
        return _too_big()
    return None


def _too_big() -> str:
    return f"数值过大（绝对值应小于 10^{MAX_MAGNITUDE}）"


def plain(value: Decimal | int) -> Decimal | int:
    """``28.00`` → ``28``, ``0.50`` → ``Decimal('0.5')``: whole numbers become
    ``int``, others lose trailing zeros, never an exponent (``1E+3``).
    Only for bounded values (see :func:`out_of_bounds`)."""
    if isinstance(value, int):
        return value
    if value == value.to_integral_value():
        return int(value)
    return Decimal(format(value.normalize(), "f"))
