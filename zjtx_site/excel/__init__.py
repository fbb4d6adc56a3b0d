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
import unicodedata
from decimal import Decimal, InvalidOperation

from zjtx_site.errors import FormError as FormError  # re-exported: the form's own error

FORM_SHEET = "表单"
HELP_SHEET = "填写说明"
KEYS_SHEET = "_keys"
LISTS_SHEET = "_lists"
FORM_FORMAT = "zjtx-form/1"

_PLAIN = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)\Z")
_THOUSANDS = re.compile(r"[+-]?\d{1,3}(?:,\d{3})+(?:\.\d+)?\Z")
# NFKC leaves these alone; people paste them from Word and web pages
_MINUS = str.maketrans({"\u2212": "-", "\u2012": "-", "\u2013": "-", "\ufe63": "-"})




def normalize_text(text: str) -> str:
    """Full-width digits, signs and separators to ASCII (１２３，４ → 123,4)."""
    if text.isascii():
        return text.strip()
    return unicodedata.normalize("NFKC", text).translate(_MINUS).strip()


def parse_decimal(text: str) -> Decimal | None:
    """An exact number from typed text, or None when it is not one.

    Accepts ``1200``, ``-3.5``, ``１２００`` and thousands separators placed
    every three digits (``1,200``, ``12,000.5``); refuses ``1,20`` (a decimal
    comma or a typo), exponents, ``NaN`` and anything with words."""
    t = normalize_text(text)
    if _PLAIN.match(t):
        return Decimal(t)
    if _THOUSANDS.match(t):
        return Decimal(t.replace(",", ""))
    return None


def from_float(value: float) -> Decimal:
    """A cell's float as the decimal Excel shows (0.1 → Decimal('0.1'))."""
    try:
        return Decimal(repr(value))
    except InvalidOperation:  # inf/nan never come from a cell; be safe
        return Decimal(0)


def tidy(value: Decimal | int) -> Decimal | int:
    """``28.00`` → ``Decimal('28')``-free text: whole numbers become ``int``,
    others lose trailing zeros, never an exponent (``1E+3``)."""
    if isinstance(value, int):
        return value
    if value == value.to_integral_value():
        return int(value)
    return Decimal(format(value.normalize(), "f"))


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
