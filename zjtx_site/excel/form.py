"""``zjtx form``: the Appendix A form as an Excel workbook, from the field table.

One sheet, 「表单」, laid out by the table's sections (一 to 九, then 附录B and
the free-form extension), one row per field: label, unit, value cell(s),
allowed values. Financials and the other short year series are tables with
one column per year, as in the standard; award records are a table with one
row per record; the research-institution counts are a grid. A 「填写说明」
sheet explains how to fill it in and lists every field.

Every input cell carries a workbook-level defined name (``zjtx__financials__2__revenue``)
and a row in the hidden ``_keys`` sheet (name, YAML key, original cell).
Excel and LibreOffice move defined names with their cells when rows or
columns are inserted, so the importer finds each value by name, not by
position. The output is deterministic: the same data gives the same bytes.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Iterable

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils.exceptions import IllegalCharacterError
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation

from zjtx_site.excel import (
    FORM_FORMAT,
    FORM_SHEET,
    HELP_SHEET,
    KEYS_SHEET,
    LISTS_SHEET,
    FormError,
    column_letter,
    from_float,
    tidy,
)
from zjtx_site.intake.fields import Field, Kind
from zjtx_site.intake.numbers import out_of_bounds
from zjtx_site.intake.problems import DocPath, dotted
from zjtx_site.intake.schema import COMPANY, SCHEMA_VERSION

# Columns of 「表单」: label, unit, up to four value columns, note.
COL_LABEL, COL_UNIT, COL_FIRST, COL_LAST, COL_NOTE = 1, 2, 3, 6, 7
VALUE_COLUMNS = COL_LAST - COL_FIRST + 1
FIRST_ROW = 4

# Roles of an input cell (the third column of _keys).
VALUE, HAS, HEADER = "value", "has", "header"
HAS_YES, HAS_NO = "有", "无"
BOOL_TRUE, BOOL_FALSE = "是", "否"
EMPTY_LIST = "无"
LIST_SEP = "、"
PERCENT_FORMAT = '0.0#####%'
DATE_FORMAT = "yyyy-mm-dd"
# A fixed time in the package metadata, so the bytes do not change from run to run.
FIXED_TIME = datetime(2024, 1, 1)

_THIN = Side(style="thin", color="B0B0B0")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_INPUT_FILL = PatternFill("solid", fgColor="FFF8DC")
_SECTION_FILL = PatternFill("solid", fgColor="D9E2F3")
_HEADER_FILL = PatternFill("solid", fgColor="EDEDED")
_BOLD = Font(bold=True)
_WRAP = Alignment(wrap_text=True, vertical="top")


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


# Sizes of record tables ----------------------------------------------------

def transposed(f: Field) -> bool:
    """Short year series (at most 3 records) are laid out as the standard
    does: one column per year."""
    return f.items[1] is not None and f.items[1] <= 3


def record_slots(f: Field, count: int) -> int:
    """How many records a table offers; depends only on the number filled in,
    so form → import → form gives the same workbook."""
    lo, hi = f.items
    if transposed(f):
        assert hi is not None   # transposed() means an upper bound of at most 3
        n = max(hi, count)
        if n > VALUE_COLUMNS:
            raise FormError(f"「{f.label}」有 {count} 条记录，超过表单能容纳的 {VALUE_COLUMNS} 列；"
                            f"请先在 YAML 中修正（应为 {lo}～{hi} 条）")
        return n
    n = max(10, count + 5)
    if hi is not None:
        n = max(min(n, hi), count)
    return n


def allows_empty(f: Field) -> bool:
    """A record list where [] (none) differs from absent (not reported)."""
    return f.items[0] is None


def is_grid(f: Field) -> bool:
    """A group of groups with the same scalar keys (研发机构: 4 levels each)."""
    subs = [c for c in f.children if c.kind is Kind.GROUP]
    if len(subs) < 2:
        return False
    keys = [tuple(c.key for c in s.children) for s in subs]
    return (len(set(keys)) == 1 and len(keys[0]) <= VALUE_COLUMNS
            and all(c.kind not in (Kind.GROUP, Kind.RECORDS) for c in subs[0].children))


def blocks() -> list[tuple[str, list[Field]]]:
    """The top-level fields in form order, grouped under the section titles
    of the table; fields before the first section are 评估信息, a field
    without a section continues the one before (融资情况 is part of 二)."""
    out: list[tuple[str, list[Field]]] = [("评估信息", [])]
    for f in COMPANY.children:
        if f.kind is Kind.FREE:
            out.append(("扩展数据", [f]))
        elif f.section:
            out.append((f.section, [f]))
        else:
            out[-1][1].append(f)
    return [b for b in out if b[1]]


# Notes ---------------------------------------------------------------------

def note(f: Field, *, in_form: bool = True) -> str:
    """What to write in a field's cell, in the form's own terms."""
    k = f.kind
    if k is Kind.BOOL:
        text = f"从下拉列表选择“{BOOL_TRUE}”或“{BOOL_FALSE}”"
    elif k is Kind.ENUM:
        text = "从下拉列表选择：" + "、".join(c.label for c in f.choices)
    elif k is Kind.ENUM_LIST:
        text = (f"可多选，用“{LIST_SEP}”分隔，填中文名称或代码；都不属于请填“{EMPTY_LIST}”。可选："
                + "、".join(c.label for c in f.choices))
    elif k is Kind.TEXT_LIST:
        n = f.items[1]
        text = (f"多项用“{LIST_SEP}”分隔" + (f"，最多 {n} 项" if n else "")
                + f"；没有请填“{EMPTY_LIST}”；名称本身含分隔符时请加英文双引号")
    elif k is Kind.PERCENT:
        text = f.allowed_text() + "；直接输入 45.2 或 45.2%，小于 1 的请带 %（如 0.6%）"
    elif k is Kind.DATE:
        text = "日期，例如 2026-05-20"
    elif k is Kind.FREE:
        text = '映射（YAML/JSON），例如 {"key": 1}；供插件使用，一般留空'
    else:
        text = f.allowed_text()
    parts = [text]
    if f.hint and f.kind not in (Kind.ENUM_LIST,):
        hint = f.hint.replace("请填 []", f"请填“{EMPTY_LIST}”")
        parts.append(hint)
    if f.required:
        parts.insert(0, "必填")
    return "；".join(p for p in parts if p)


def label_text(f: Field, depth: int = 0) -> str:
    return "　" * depth + f.label + (" *" if f.required else "")


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


# The writer ------------------------------------------------------------------

@dataclass
class _Slot:
    path: DocPath
    role: str
    row: int
    col: int
    label: str

    @property
    def ref(self) -> str:
        return f"{column_letter(self.col)}{self.row}"


class _FormWriter:
    def __init__(self, wb: Workbook, data: dict, meta: dict[str, str]):
        self.wb = wb
        self.data = data
        self.meta = meta
        self.ws = wb.active
        self.ws.title = FORM_SHEET
        self.lists = wb.create_sheet(LISTS_SHEET)
        self.row = FIRST_ROW
        self.slots: list[_Slot] = []
        self.dvs: dict[tuple, DataValidation] = {}
        self.list_cols: dict[str, str] = {}

    # low-level -------------------------------------------------------
    def put(self, row: int, col: int, value: Any, *, bold: bool = False, fill=None,
            wrap: bool = False, fmt: str | None = None) -> None:
        c = self.ws.cell(row=row, column=col)
        try:
            c.value = value
        except IllegalCharacterError:
            raise FormError(f"「表单」{column_letter(col)}{row} 的内容含有 Excel 不允许的控制字符："
                            f"{value!r}") from None
        if isinstance(value, str) and value.startswith("="):
            c.data_type = "s"   # text, never a formula
        if bold:
            c.font = _BOLD
        if fill is not None:
            c.fill = fill
        if wrap:
            c.alignment = _WRAP
        if fmt:
            c.number_format = fmt

    def input_cell(self, path: DocPath, f: Field, value: Any, row: int, col: int,
                   role: str = VALUE, label: str | None = None) -> None:
        if role == HAS:
            v, fmt = value, None
        else:
            v, fmt = cell_value(f, value)
            if fmt is None and f.kind not in (Kind.BOOL, Kind.ENUM):
                fmt = _default_format(f)
            elif fmt is None:
                fmt = "@"
        self.put(row, col, v, fmt=fmt)
        c = self.ws.cell(row=row, column=col)
        c.fill = _INPUT_FILL
        c.border = _BORDER
        slot = _Slot(path, role, row, col, label or f.label)
        self.slots.append(slot)
        self.validation(f, role).add(slot.ref)

    def header(self, path: DocPath, row: int, labels: list[str], first: str = "") -> None:
        if first:
            self.put(row, COL_LABEL, first, bold=True, fill=_HEADER_FILL)
        self.put(row, COL_UNIT, "单位", bold=True, fill=_HEADER_FILL)
        for i, text in enumerate(labels):
            self.put(row, COL_FIRST + i, text, bold=True, fill=_HEADER_FILL, wrap=True)
        self.slots.append(_Slot(path, HEADER, row, COL_FIRST, first or "表头"))

    # data validation ------------------------------------------------------
    def validation(self, f: Field, role: str) -> DataValidation:
        key = (id(f), role)
        dv = self.dvs.get(key)
        if dv is not None:
            return dv
        kind = f.kind
        prompt = _short(note(f) if role != HAS else _has_note(f), 250)
        args: dict[str, Any] = dict(allow_blank=True, showInputMessage=True, showErrorMessage=True,
                                    promptTitle=_short(f.label, 32), prompt=prompt,
                                    errorTitle=_short(f.label, 32), error=_short(prompt, 250))
        if role == HAS:
            dv = DataValidation(type="list", formula1=f'"{HAS_YES},{HAS_NO}"', **args)
        elif kind is Kind.BOOL:
            dv = DataValidation(type="list", formula1=f'"{BOOL_TRUE},{BOOL_FALSE}"', **args)
        elif kind is Kind.ENUM:
            if any(c.aliases for c in f.choices):
                # a warning, not a stop: an official name typed in (科创板) is imported too
                args["errorStyle"] = "warning"
            dv = DataValidation(type="list", formula1=self.list_range(f), **args)
        elif kind in (Kind.INT, Kind.YEAR, Kind.MONEY, Kind.NUMBER, Kind.PERCENT):
            lo, hi = f.min, f.max
            if kind is Kind.PERCENT:
                lo = None if lo is None else Decimal(lo) / 100
                hi = None if hi is None else Decimal(hi) / 100
            typ = "whole" if kind in (Kind.INT, Kind.YEAR) else "decimal"
            if lo is not None and hi is not None:
                dv = DataValidation(type=typ, operator="between", formula1=str(lo), formula2=str(hi), **args)
            elif lo is not None:
                dv = DataValidation(type=typ, operator="greaterThanOrEqual", formula1=str(lo), **args)
            elif hi is not None:
                dv = DataValidation(type=typ, operator="lessThanOrEqual", formula1=str(hi), **args)
            else:
                dv = DataValidation(type=typ, operator="between", formula1="-999999999999999",
                                    formula2="999999999999999", **args)
        elif kind is Kind.TEXT and f.max_len:
            dv = DataValidation(type="textLength", operator="lessThanOrEqual",
                                formula1=str(f.max_len), **args)
        elif kind is Kind.CREDIT_CODE:
            dv = DataValidation(type="textLength", operator="equal", formula1="18", **args)
        else:
            args["showErrorMessage"] = False
            dv = DataValidation(**args)
        self.dvs[key] = dv
        return dv

    def list_range(self, f: Field) -> str:
        key = str(id(f))
        if key not in self.list_cols:
            col = column_letter(len(self.list_cols) + 1)
            self.list_cols[key] = col
            self.lists[f"{col}1"] = f.label
            for i, c in enumerate(f.choices, start=2):
                self.lists[f"{col}{i}"] = c.label
        col = self.list_cols[key]
        return f"'{LISTS_SHEET}'!${col}$2:${col}${len(f.choices) + 1}"

    # layout -----------------------------------------------------------
    def title(self) -> None:
        ws = self.ws
        self.put(1, 1, "企业专精特新数据采集表（T/GZHTEA003-2024 附录 A）", bold=True)
        ws.cell(row=1, column=1).font = Font(bold=True, size=14)
        cid, rnd = self.meta.get("company_id", ""), self.meta.get("round", "")
        who = f"企业编号：{cid}　评估轮次：{rnd}　" if cid else ""
        self.put(2, 1, f"{who}填写前请阅读「填写说明」工作表；黄色单元格为填写位置，带 * 的为必填项；"
                       "不知道的请留空（不要填 0）。")
        for col, text in ((COL_LABEL, "项目"), (COL_UNIT, "单位"), (COL_FIRST, "填写内容"),
                          (COL_NOTE, "填写说明 / 可选值")):
            self.put(3, col, text, bold=True, fill=_HEADER_FILL)
        self.slots.append(_Slot((), HEADER, 3, COL_FIRST, "表头"))

    def section(self, title: str) -> None:
        self.row += 1 if self.row > FIRST_ROW else 0
        for col in range(COL_LABEL, COL_NOTE + 1):
            self.ws.cell(row=self.row, column=col).fill = _SECTION_FILL
        self.put(self.row, COL_LABEL, title, bold=True)
        self.row += 1

    def write(self) -> None:
        self.title()
        for title, fields in blocks():
            self.section(title)
            for f in fields:
                self.field(f, (f.key,), self.data.get(f.key), 0)

    def field(self, f: Field, path: DocPath, v: Any, depth: int) -> None:
        if f.kind is Kind.GROUP:
            self.group(f, path, v if isinstance(v, dict) else {}, depth)
        elif f.kind is Kind.RECORDS:
            recs = [r if isinstance(r, dict) else {} for r in v] if isinstance(v, list) else []
            if transposed(f):
                self.records_by_column(f, path, recs, v, depth)
            else:
                self.records_by_row(f, path, recs, v, depth)
        else:
            self.leaf(f, path, v, depth)

    def leaf(self, f: Field, path: DocPath, v: Any, depth: int) -> None:
        r = self.row
        self.put(r, COL_LABEL, label_text(f, depth))
        self.put(r, COL_UNIT, _unit(f))
        self.input_cell(path, f, v, r, COL_FIRST)
        self.put(r, COL_NOTE, note(f), wrap=True)
        self.row += 1

    def group(self, f: Field, path: DocPath, v: dict, depth: int) -> None:
        # a section's own group is named by the section title; 融资情况 is not
        top = len(path) == 1 and bool(f.section)
        if not top:
            self.put(self.row, COL_LABEL, label_text(f, depth), bold=True)
            if f.hint:
                self.put(self.row, COL_NOTE, f.hint, wrap=True)
            self.row += 1
        inner = depth if top else depth + 1
        if is_grid(f):
            self.grid(f, path, v, inner)
            rest = [c for c in f.children if c.kind is not Kind.GROUP]
        else:
            rest = list(f.children)
        for c in rest:
            self.field(c, path + (c.key,), v.get(c.key), inner)

    def grid(self, f: Field, path: DocPath, v: dict, depth: int) -> None:
        subs = [c for c in f.children if c.kind is Kind.GROUP]
        heads = [_strip_prefix(c.label, subs[0].label) for c in subs[0].children]
        self.header(path, self.row, heads, first="　" * depth + "机构类别")
        self.row += 1
        for s in subs:
            got = v.get(s.key)
            sv = got if isinstance(got, dict) else {}
            r = self.row
            self.put(r, COL_LABEL, label_text(s, depth))
            self.put(r, COL_UNIT, _unit(s.children[0]))
            for i, c in enumerate(s.children):
                self.input_cell(path + (s.key, c.key), c, sv.get(c.key), r, COL_FIRST + i)
            self.put(r, COL_NOTE, s.hint or note(s.children[0]), wrap=True)
            self.row += 1

    def records_by_column(self, f: Field, path: DocPath, recs: list[dict], raw: Any, depth: int) -> None:
        n = record_slots(f, len(recs))
        exact = f.items[0] == f.items[1]
        heads = [f"第{i + 1}年" + ("（上年度）" if exact and i == n - 1 else "") for i in range(n)]
        self.header(path, self.row, heads, first=label_text(f, depth))
        self.put(self.row, COL_NOTE, f.hint, wrap=True)
        self.row += 1
        for c in f.children:
            r = self.row
            self.put(r, COL_LABEL, label_text(c, depth + 1))
            self.put(r, COL_UNIT, _unit(c))
            for i in range(n):
                value = recs[i].get(c.key) if i < len(recs) else None
                self.input_cell(path + (i, c.key), c, value, r, COL_FIRST + i)
            self.put(r, COL_NOTE, note(c), wrap=True)
            self.row += 1

    def records_by_row(self, f: Field, path: DocPath, recs: list[dict], raw: Any, depth: int) -> None:
        if len(f.children) > VALUE_COLUMNS:
            raise AssertionError(f"{f.key}: too many columns for a record table")
        if allows_empty(f):
            r = self.row
            self.put(r, COL_LABEL, label_text(f, depth), bold=True)
            has = None if raw is None else (HAS_YES if recs else HAS_NO)
            self.input_cell(path, f, has, r, COL_FIRST, role=HAS, label=f.label)
            self.put(r, COL_NOTE, _has_note(f), wrap=True)
            self.row += 1
        else:
            self.put(self.row, COL_LABEL, label_text(f, depth), bold=True)
            self.put(self.row, COL_NOTE, f.hint, wrap=True)
            self.row += 1
        heads = [c.label + (f"（{c.unit}）" if c.unit else "") for c in f.children]
        self.header(path, self.row, heads, first="　" * (depth + 1) + "序号")
        self.put(self.row, COL_NOTE, "；".join(f"{c.label}：{note(c)}" for c in f.children), wrap=True)
        self.row += 1
        for i in range(record_slots(f, len(recs))):
            r = self.row
            self.put(r, COL_LABEL, "　" * (depth + 1) + f"第 {i + 1} 项")
            rec = recs[i] if i < len(recs) else {}
            for j, c in enumerate(f.children):
                self.input_cell(path + (i, c.key), c, rec.get(c.key), r, COL_FIRST + j)
            self.row += 1

    # finishing ------------------------------------------------------------
    def finish(self) -> None:
        ws = self.ws
        for dv in self.dvs.values():
            ws.add_data_validation(dv)
        widths = {COL_LABEL: 46, COL_UNIT: 8, COL_NOTE: 70}
        for col in range(COL_LABEL, COL_NOTE + 1):
            ws.column_dimensions[column_letter(col)].width = widths.get(col, 16)
        ws.freeze_panes = f"A{FIRST_ROW}"
        self.lists.sheet_state = "hidden"
        self.keys_sheet()
        help_sheet(self.wb.create_sheet(HELP_SHEET))
        # the help sheet right after the form, the hidden ones last
        self.wb.move_sheet(HELP_SHEET, offset=-(len(self.wb.sheetnames) - 2))
        self.wb.active = 0

    def keys_sheet(self) -> None:
        ks = self.wb.create_sheet(KEYS_SHEET)
        ks.sheet_state = "hidden"
        ks.append(["类型", "名称", "键", "单元格", "项目"])
        ks.append(["meta", "format", FORM_FORMAT, "", "zjtx form 生成的表单，请勿修改此工作表"])
        for key in ("company_id", "round"):
            ks.append(["meta", key, self.meta.get(key, ""), "", ""])
        for s in self.slots:
            name = cell_name(s.path, s.role)
            ks.append([s.role, name, dotted(s.path), s.ref, s.label])
            ref = f"'{FORM_SHEET}'!${column_letter(s.col)}${s.row}"
            self.wb.defined_names[name] = DefinedName(name, attr_text=ref)


def _strip_prefix(label: str, prefix: str) -> str:
    if label.startswith(prefix):
        label = label[len(prefix):]
    return label.strip("（）() ") or label


def _unit(f: Field) -> str:
    if f.kind in (Kind.INT, Kind.MONEY, Kind.PERCENT, Kind.NUMBER):
        return f.unit
    return ""


def _default_format(f: Field) -> str:
    return {Kind.INT: "0", Kind.YEAR: "0", Kind.MONEY: "General", Kind.NUMBER: "General",
            Kind.PERCENT: PERCENT_FORMAT, Kind.DATE: DATE_FORMAT}.get(f.kind, "@")


def _has_note(f: Field) -> str:
    return (f"有记录请填“{HAS_YES}”并在下表逐行填写；没有请填“{HAS_NO}”；"
            "留空表示未报告（相关条件列为“待补充数据”）")


def _short(text: str, n: int) -> str:
    return text if len(text) <= n else text[: n - 12] + "…（见填写说明）"


# The help sheet ---------------------------------------------------------------

HELP_LINES = (
    "填写说明（zjtx form 生成，依据 T/GZHTEA003-2024 附录 A 企业专精特新数据采集表）",
    "",
    "1. 只在「表单」工作表的黄色单元格中填写；不要重命名或删除「表单」工作表，不要合并单元格。可以插入行或列，导入时按单元格名称查找。",
    "2. 金额单位为万元，人数、个数为整数；可以使用千位分隔符（1,200）和全角数字（１２００）。",
    "3. 百分比：可以输入 45.2 或 45.2%，表示 45.2%。小于 1 的百分比必须带 %（例如 0.6%）："
    "单独的 0.45 无法判断是 0.45% 还是 45%，导入时会报错。Excel 中显示为百分比格式的单元格按显示的百分数读取。",
    "4. 是/否项从下拉列表选择“是”或“否”；单选项从下拉列表选择。",
    f"5. 多选项和名称列表用“{LIST_SEP}”分隔（也可用逗号、分号或换行）；可填中文名称或代码；"
    f"“没有”请填“{EMPTY_LIST}”。名称本身含分隔符时请用英文双引号括起来。",
    "6. 不知道或没有统计的项目请留空，不要填 0：留空表示“未报告”，相关评价条件会列为“待补充数据”。",
    "7. 日期写成 2026-05-20（或 2026/5/20、2026年5月20日）。",
    "8. 单元格中可以使用公式，但文件必须在 Excel / WPS / LibreOffice 中保存过（导入读取保存的计算结果）。",
    "9. 联系人、手机、E-mail 只供协会内部联系，不会出现在报告和网站中。",
    "10. 填好后由协会工作人员运行 zjtx import 导入；所有问题会一次列出，并指明单元格（例如 表单!C14）。",
    "",
    "字段一览（「键」是企业数据文件 companies/<企业编号>/<评估轮次>.yaml 中的名称）：",
)


def help_sheet(ws) -> None:
    from zjtx_site.intake.fields import walk

    for line in HELP_LINES:
        ws.append([line])
    ws.cell(row=1, column=1).font = Font(bold=True, size=13)
    ws.append(["项目", "键", "类型", "单位", "填写说明"])
    for c in ws[ws.max_row]:
        c.font = _BOLD
        c.fill = _HEADER_FILL
    for key, f in walk(COMPANY):
        if f.kind is Kind.GROUP:
            ws.append([f.label, key, "分组", "", f.hint])
            continue
        if f.kind is Kind.RECORDS:
            ws.append([f.label, key, "表格", "", f.hint])
            continue
        ws.append([f.label + (" *" if f.required else ""), key, f.kind.value, _unit(f) or f.unit, note(f)])
    ws.column_dimensions["A"].width = 48
    ws.column_dimensions["B"].width = 44
    ws.column_dimensions["C"].width = 10
    ws.column_dimensions["D"].width = 8
    ws.column_dimensions["E"].width = 90


# Entry points ---------------------------------------------------------------

def blank_data(round_id: str | None = None) -> dict:
    """A blank form's data: the schema version, and the years when the round is known."""
    data: dict[str, Any] = {"schema": SCHEMA_VERSION}
    if round_id:
        year = int(round_id[:4])
        data["financials"] = [{"year": y} for y in (year - 3, year - 2, year - 1)]
        data["distinctiveness"] = {k: [{"year": y} for y in (year - 2, year - 1)]
                                   for k in ("market_share", "own_brands")}
    return data


def build_workbook(data: dict | None, *, company_id: str = "", round_id: str = "") -> Workbook:
    wb = Workbook()
    w = _FormWriter(wb, data if isinstance(data, dict) else {}, {"company_id": company_id, "round": round_id})
    w.write()
    w.finish()
    return wb


def form_bytes(data: dict | None, *, company_id: str = "", round_id: str = "") -> bytes:
    """The workbook's bytes; the same data always gives the same bytes."""
    wb = build_workbook(data, company_id=company_id, round_id=round_id)
    wb.properties.creator = "zjtx"
    wb.properties.created = FIXED_TIME
    buf = io.BytesIO()
    wb.save(buf)
    return _fixed_zip(buf.getvalue())


_MODIFIED = re.compile(rb"<dcterms:modified([^>]*)>[^<]*</dcterms:modified>")


def _fixed_zip(raw: bytes) -> bytes:
    """Rewrite the archive with fixed timestamps (openpyxl stamps the save time)."""
    src = zipfile.ZipFile(io.BytesIO(raw))
    out = io.BytesIO()
    stamp = FIXED_TIME.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                body = _MODIFIED.sub(rb"<dcterms:modified\1>" + stamp + rb"</dcterms:modified>", body)
            zi = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o600 << 16
            dst.writestr(zi, body)
    return out.getvalue()
