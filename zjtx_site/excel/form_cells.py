"""What a form cell is called and what it holds, shared by the writer
(:mod:`.form`) and the reader (:mod:`.form_reader`): the defined name and
YAML key of every input cell, the words for yes/no and lists, and a data
value as the cell shows it.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Iterable

from zjtx_site.excel import from_float, tidy
from zjtx_site.intake.fields import Field, Kind
from zjtx_site.intake.numbers import out_of_bounds
from zjtx_site.intake.problems import DocPath, dotted
from zjtx_site.intake.schema import COMPANY

# Roles of an input cell (the third column of _keys).
VALUE, HAS, HEADER = "value", "has", "header"
HAS_YES, HAS_NO = "有", "无"
BOOL_TRUE, BOOL_FALSE = "是", "否"
EMPTY_LIST = "无"
LIST_SEP = "、"
PERCENT_FORMAT = '0.0#####%'
DATE_FORMAT = "yyyy-mm-dd"


# Names, keys and lists ----------------------------------------------------

def cell_name(path: DocPath, role: str = VALUE) -> str:
    """The defined name of an input cell: letters, digits and underscores only,
    which every spreadsheet program accepts."""
    prefix = {VALUE: "zjtx", HAS: "zjtxhas", HEADER: "zjtxhdr"}[role]
    return "__".join([prefix, *(str(p) for p in path)])


_PART = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


def parse_dotted(text: str) -> DocPath:
    """``financials[2].revenue`` → ``("financials", 2, "revenue")``."""
    out: list[str | int] = []
    for key, index in _PART.findall(text):
        out.append(int(index) if index else key)
    return tuple(out)


def field_at(path: DocPath) -> Field:
    """The table entry of a document path (record indexes skipped)."""
    node = COMPANY
    for part in path:
        if isinstance(part, int):
            continue
        nxt = node.child(part)
        if nxt is None:
            raise KeyError(dotted(path))
        node = nxt
    return node


_SEPARATORS = "、,，;；\n"


def join_list(items: Iterable[Any], f: Field) -> str:
    """A list as one cell: Chinese labels (or text items) joined by 、.

    Text items holding a separator, a quote, surrounding spaces or the word
    for "none" are quoted ("a、b"), so that the cell splits back exactly."""
    out = []
    for item in items:
        if f.kind is Kind.ENUM_LIST and item in f.choice_values:
            out.append(f.choice_label(item))
            continue
        text = str(item)
        if (not text or text != text.strip() or any(s in text for s in _SEPARATORS)
                or '"' in text or text in (EMPTY_LIST, "[]")):
            text = '"' + text.replace('"', '""') + '"'
        out.append(text)
    return LIST_SEP.join(out) if out else EMPTY_LIST


def split_list(text: str) -> list[tuple[str, bool]]:
    """A list cell's items, each with whether it was quoted."""
    items: list[tuple[str, bool]] = []
    i, n = 0, len(text)
    while i < n:
        while i < n and (text[i] in _SEPARATORS or text[i] in " \t\u3000"):
            i += 1
        if i >= n:
            break
        if text[i] == '"':
            j, buf = i + 1, []
            while j < n:
                if text[j] == '"':
                    if j + 1 < n and text[j + 1] == '"':
                        buf.append('"')
                        j += 2
                        continue
                    break
                buf.append(text[j])
                j += 1
            items.append(("".join(buf), True))
            i = j + 1
        else:
            j = i
            while j < n and text[j] not in _SEPARATORS:
                j += 1
            items.append((text[i:j].strip(), False))
            i = j
    return items


# Cell values ----------------------------------------------------------------

def _exact_float(value: Decimal | int) -> float | None:
    """The float Excel will store, when it reads back as the same number."""
    f = float(value)
    return f if from_float(f) == value else None


def cell_value(f: Field, v: Any) -> tuple[Any, str | None]:
    """(value for the cell, number format) for a data value of field ``f``.

    Values that are not what the table expects (an earlier round's
    mistakes) are written as text, so they stay visible and import reports them."""
    if v is None:
        return None, None
    k = f.kind
    if k in (Kind.INT, Kind.YEAR, Kind.MONEY, Kind.NUMBER, Kind.PERCENT):
        if isinstance(v, bool) or not isinstance(v, (int, Decimal)) or out_of_bounds(v):
            return str(v), "@"     # as text: import reports it (and 1e-999999999 is never expanded)
        if k is Kind.PERCENT:
            frac = Decimal(v) / 100
            f_ = _exact_float(frac)
            if f_ is None:
                return f"{v}%", "@"
            return f_, PERCENT_FORMAT
        num = tidy(Decimal(v)) if isinstance(v, Decimal) else v
        if isinstance(num, int) and abs(num) < 2 ** 53:
            return num, "0" if k in (Kind.INT, Kind.YEAR) else "General"
        f_ = _exact_float(Decimal(num))
        return (f_, "General") if f_ is not None else (str(v), "@")
    if k is Kind.BOOL:
        if v is True:
            return BOOL_TRUE, None
        if v is False:
            return BOOL_FALSE, None
        return str(v), "@"
    if k is Kind.DATE:
        text = v.isoformat() if isinstance(v, date) else str(v)
        try:
            d = date.fromisoformat(text)
        except ValueError:
            return text, "@"
        if d.year < 1900 or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            return text, "@"   # Excel has no dates before 1900
        return datetime(d.year, d.month, d.day), DATE_FORMAT
    if k is Kind.ENUM:
        return (f.choice_label(v) if v in f.choice_values else str(v)), None
    if k in (Kind.ENUM_LIST, Kind.TEXT_LIST):
        if not isinstance(v, (list, tuple)):
            return str(v), "@"
        return join_list(v, f), "@"
    if k is Kind.FREE:
        from zjtx_site.intake.scaffold import _flow
        return _flow(v), "@"
    if isinstance(v, bool):
        return ("true" if v else "false"), "@"
    return str(v), "@"
