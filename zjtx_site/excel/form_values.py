"""What people type into a form cell, as the value the company file holds.

Reading rules (also in docs/forms.md):

* numbers: full-width digits and signs are folded (１２３ → 123); thousands
  separators are accepted only every three digits (1,200 and 12,000.5, not
  1,20); a unit typed after the number is dropped when it is the field's
  own (150人, 1200万元).
* percentages (fields whose unit is %): 45, "45%" and a cell Excel shows as
  45% all mean 45 %. A bare number strictly between 0 and 1 (0.45, typed
  without % in a cell not formatted as a percentage) is ambiguous — 0.45 %
  or 45 % — and is an error asking for the % sign. 0 and numbers from 1 up
  are percent points. A percentage-formatted cell in a field that is not a
  percentage is an error.
* blank cells are "not reported" (absent in YAML), never zero. A group whose
  cells are all blank is absent. Lists: "无" is the empty list ``[]``.

Text the validator should name as wrong is passed on as text; a cell that
cannot be read as its field's kind raises :class:`BadCell`.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from zjtx_site.excel import (
    FORM_SHEET,
    from_float,
    is_percent_format,
    normalize_text,
    parse_decimal,
    tidy,
)
from zjtx_site.excel.form_cells import BOOL_FALSE, BOOL_TRUE, EMPTY_LIST, HAS_NO, HAS_YES, split_list
from zjtx_site.intake.fields import Field, Kind
from zjtx_site.intake.typed import iso_date

NUMERIC = (Kind.INT, Kind.YEAR, Kind.MONEY, Kind.NUMBER, Kind.PERCENT)

_TRUE = {BOOL_TRUE, "有", "true"}
_FALSE = {BOOL_FALSE, "无", "false"}


class BadCell(Exception):
    """A cell whose content cannot be read as the field's kind."""


# Cell values to data ---------------------------------------------------------

def _choice(f: Field, text: str) -> Any:
    """A choice's code from its code, label or official alias (see the field
    table); other text is passed on for the validator to name."""
    c = f.choice_for(text)
    return text if c is None else c.value


def _number(f: Field, raw: Any, fmt: str) -> Any:
    k = f.kind
    if isinstance(raw, bool):
        raise BadCell(f"应为数字，实际是逻辑值 {'TRUE' if raw else 'FALSE'}")
    if isinstance(raw, (datetime, date, time)):
        raise BadCell("应为数字，实际是日期或时间（单元格可能被设成了日期格式）")
    if isinstance(raw, (int, float)):
        d = Decimal(raw) if isinstance(raw, int) else from_float(raw)
        if is_percent_format(fmt):
            if k is Kind.PERCENT:
                return tidy(d * 100)
            raise BadCell(f"单元格是百分比格式（显示为 {tidy(d * 100)}%），但此项{_unit_words(f)}，"
                       "不是百分比；请把单元格改为常规格式后重新填写")
        if k is Kind.PERCENT and 0 < d < 1:
            raise BadCell(_ambiguous(d))
        return tidy(d)
    text = normalize_text(str(raw))
    pct = False
    if text.endswith("%"):
        if k is not Kind.PERCENT:
            return str(raw).strip()   # the validator: 应为数字（百分比只写数字）
        text, pct = text[:-1].strip(), True
    elif f.unit and f.unit != "%" and text.endswith(f.unit):
        text = text[: -len(f.unit)].strip()
    parsed = parse_decimal(text)
    if parsed is None:
        return str(raw).strip()       # the validator: 应为数字，实际是“…”
    if k is Kind.PERCENT and not pct and 0 < parsed < 1:
        raise BadCell(_ambiguous(parsed))
    return tidy(parsed)


def _unit_words(f: Field) -> str:
    return f"的单位是{f.unit}" if f.unit else "是数值"


def _ambiguous(d: Decimal) -> str:
    v = tidy(d)
    return (f"填写的 {v} 含义不明确：是 {v}% 还是 {tidy(d * 100)}%？"
            f"小于 1 的百分比请带 % 填写（例如 {v}% 或 {tidy(d * 100)}%）")


def _text_of(raw: Any) -> str:
    if isinstance(raw, bool):
        return "TRUE" if raw else "FALSE"
    if isinstance(raw, float):
        return str(tidy(from_float(raw)))
    if isinstance(raw, datetime):
        return raw.date().isoformat() if raw.time() == time(0) else raw.isoformat(sep=" ")
    if isinstance(raw, date):
        return raw.isoformat()
    return str(raw)


def convert(f: Field, raw: Any, fmt: str = "General") -> Any:
    """A cell's content as the value the YAML file would hold for field ``f``;
    text the validator should see as wrong is passed on as text."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    k = f.kind
    if k in NUMERIC:
        return _number(f, raw, fmt)
    if k is Kind.BOOL:
        if isinstance(raw, bool):
            return raw
        text = normalize_text(_text_of(raw))
        if text.lower() in _TRUE:
            return True
        if text.lower() in _FALSE:
            return False
        raise BadCell(f"应填“{BOOL_TRUE}”或“{BOOL_FALSE}”，实际是“{text}”")
    if k is Kind.DATE:
        if isinstance(raw, datetime):
            return raw.date()
        if isinstance(raw, date):
            return raw
        if isinstance(raw, (int, float)) and not isinstance(raw, bool):
            raise BadCell(f"应为日期（例如 2026-05-20），实际是数字 {_text_of(raw)}")
        text = normalize_text(str(raw))
        iso = iso_date(text)
        if iso is not None:
            try:
                return date.fromisoformat(iso)
            except ValueError:
                return iso    # the validator: 该日期不存在
        return text
    if k is Kind.CREDIT_CODE:
        return re.sub(r"\s+", "", normalize_text(_text_of(raw))).upper()
    if k is Kind.TEXT:
        return _text_of(raw).strip()
    if k is Kind.ENUM:
        return _choice(f, _text_of(raw).strip())
    if k in (Kind.ENUM_LIST, Kind.TEXT_LIST):
        text = _text_of(raw).strip()
        if text in (EMPTY_LIST, "[]"):
            return []
        items = split_list(text)
        if k is Kind.TEXT_LIST:
            return [t for t, _ in items]
        return [_choice(f, t) for t, _ in items]
    if k is Kind.FREE:
        from zjtx_site.intake.yamlload import LoadFailure, load_value

        try:   # a file's limits: nesting, size, no tags or aliases
            return load_value(_text_of(raw), FORM_SHEET)
        except LoadFailure as exc:
            raise BadCell(f"不是有效的 YAML/JSON 映射（{exc.problem.message}）") from None
    raise AssertionError(f"unhandled kind {k}")


def has_flag(raw: Any) -> bool | None:
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    text = normalize_text(_text_of(raw)).lower()
    if text in (HAS_YES, BOOL_TRUE):
        return True
    if text in (HAS_NO, BOOL_FALSE):
        return False
    raise BadCell(f"应填“{HAS_YES}”或“{HAS_NO}”，实际是“{text}”")
