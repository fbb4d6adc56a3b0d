"""What people type where YAML (or a spreadsheet) wants something exact.

Full-width digits (２３１００), Chinese commas (23，100 or [rail，nev]),
dates written the Chinese way (2024/6/30, 2024年6月30日) and full-width
colons (revenue：23100) are refused in YAML, each with the exact text to
write instead. The Excel import reads the same spellings through the same
functions, so the two doors agree on what a typed value means.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from decimal import Decimal

PLAIN = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)\Z")
_THOUSANDS = re.compile(r"[+-]?\d{1,3}(?:,\d{3})+(?:\.\d+)?\Z")
# NFKC leaves these alone; people paste them from Word and web pages
_MINUS = str.maketrans({"\u2212": "-", "\u2012": "-", "\u2013": "-", "\ufe63": "-"})
_DATE = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?\Z")
_FULL_DIGIT = re.compile("[\uff10-\uff19]")
LIST_SPLIT = re.compile(r"\s*[，、,；;]\s*")
# a key followed by a full-width colon: at a line's start ("revenue：1"),
# after "- " ("- year：2024") or inside a flow mapping ("{year：2024")
_KEY_COLON = re.compile(r"(?:^\s*(?:-\s+)?|[{,]\s*)([A-Za-z_][A-Za-z0-9_]*)\s*：")


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
    if PLAIN.match(t):
        return Decimal(t)
    if _THOUSANDS.match(t):
        return Decimal(t.replace(",", ""))
    return None


def iso_date(text: str) -> str | None:
    """``2024/6/30``, ``2024年6月30日``, ``２０２４-6-30`` → ``2024-06-30``;
    None when the text is not a date in any of those spellings."""
    m = _DATE.match(normalize_text(text))
    if not m:
        return None
    return f"{m.group(1)}-{int(m.group(2)):02d}-{int(m.group(3)):02d}"


def date_fix(text: str) -> str | None:
    """The ISO text for a date typed another way, when that date exists."""
    iso = iso_date(text)
    if iso is None or iso == text:
        return None
    try:
        date.fromisoformat(iso)
    except ValueError:
        return None
    return iso


def number_fix(text: str, unit: str = "") -> tuple[str, str | None] | None:
    """(what was typed wrong, the number to write) for a number typed as
    text: full-width digits, Chinese or thousands commas, the unit after it.
    The number is None when the rest is no number either (``30,50``)."""
    chars = []
    if _FULL_DIGIT.search(text):
        chars.append("全角数字")
    if "，" in text:
        chars.append("中文逗号")
    elif "," in text:
        chars.append("千位分隔符")
    wrong = ["不要使用" + "、".join(chars)] if chars else []
    t = normalize_text(text)
    # only the field's own unit: "23100元" in a 万元 field is not 23100
    if unit and t.endswith(unit) and t[: -len(unit)].strip():
        t = t[: -len(unit)].strip()
        wrong.append("百分比只写数字，不要加 %" if unit == "%" else f"不要写单位“{unit}”")
    if not wrong:
        return None
    d = parse_decimal(t)
    return "，".join(wrong), None if d is None else format(d, "f")


def list_fix(items: list[str], valid) -> str | None:
    """A flow list to write instead of items holding Chinese commas or 、
    (``[rail，nev]`` is one item to YAML): every part must name a choice;
    ``valid(part)`` gives its code or None."""
    parts = [p for item in items for p in LIST_SPLIT.split(item.strip()) if p]
    codes = [valid(p) for p in parts]
    if not parts or any(c is None for c in codes):
        return None
    return "[" + ", ".join(str(c) for c in codes) + "]"


def _after_ascii_word(text: str) -> bool:
    """Whether some "：" follows a Latin letter, digit or underscore: the
    "：" of comments ("其中：研发人员") follow Chinese, and are skipped cheaply."""
    i = text.find("：")
    while i >= 0:
        j = i - 1
        while j >= 0 and text[j] in " \t":
            j -= 1
        if j >= 0 and text[j].isascii() and (text[j].isalnum() or text[j] == "_"):
            return True
        i = text.find("：", i + 1)
    return False


def colon_lines(text: str, keys: frozenset[str] | None = None) -> list[tuple[int, int, str]]:
    """(line, column, corrected line) of every key followed by a full-width
    colon, 1-based; comments are left alone (“# 其中：研发人员”). With
    ``keys``, only those keys count (a text item "- ABC：x" is no key)."""
    if not _after_ascii_word(text):
        return []
    out = []
    for n, line in enumerate(text.splitlines(), 1):
        code = line.split(" #", 1)[0] if not line.lstrip().startswith("#") else ""
        hits = [m for m in _KEY_COLON.finditer(code) if keys is None or m.group(1) in keys]
        if not hits:
            continue
        fixed = code.rstrip()
        for m in reversed(hits):
            i = m.end() - 1
            rest = fixed[i + 1:]
            fixed = fixed[:i] + ":" + ("" if rest.startswith(" ") or not rest else " ") + rest
        out.append((n, hits[0].end(), fixed.strip()))
    return out
