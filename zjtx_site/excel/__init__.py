"""Excel in and out: the Appendix A form (``zjtx form`` / ``zjtx import``) and
the registry grading (``zjtx classify``).

The helpers here read what people type into spreadsheets: full-width digits
(１２３), thousands separators (1,200), percent signs, Excel floats. Every
number comes out as an exact ``int`` or ``Decimal``; a float from a cell is
read through its shortest decimal representation (``repr``), which is the
number Excel shows and stores for up to 15 significant digits.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from zjtx_site.errors import FormError as FormError  # re-exported: the form's own error

# what people type is read as company files read it (intake), re-exported for the excel modules
from zjtx_site.intake.numbers import plain as tidy  # noqa: F401
from zjtx_site.intake.typed import PLAIN as _PLAIN  # noqa: F401
from zjtx_site.intake.typed import normalize_text, parse_decimal  # noqa: F401

FORM_SHEET = "表单"
HELP_SHEET = "填写说明"
KEYS_SHEET = "_keys"
LISTS_SHEET = "_lists"
FORM_FORMAT = "zjtx-form/1"


def from_float(value: float) -> Decimal:
    """A cell's float as the decimal Excel shows (0.1 → Decimal('0.1'))."""
    try:
        return Decimal(repr(value))
    except InvalidOperation:  # inf/nan never come from a cell; be safe
        return Decimal(0)


def is_percent_format(number_format: str | None) -> bool:
    """True when Excel multiplies the stored value by 100 to show it
    (``0%``, ``0.00%``), not when % is quoted text (``0"%"``) or escaped."""
    if not number_format or "%" not in number_format:
        return False
    bare = re.sub(r'"[^"]*"|\\.', "", number_format)
    return "%" in bare


def column_letter(index: int) -> str:
    """1 → A, 27 → AA."""
    out = ""
    while index:
        index, rem = divmod(index - 1, 26)
        out = chr(65 + rem) + out
    return out
