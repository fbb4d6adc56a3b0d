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
from datetime import datetime
from decimal import Decimal
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font
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
)
from zjtx_site.excel.form_cells import (
    BOOL_FALSE,
    BOOL_TRUE,
    HAS,
    HAS_NO,
    HAS_YES,
    HEADER,
    VALUE,
    cell_name,
    cell_value,
)
from zjtx_site.excel.form_layout import (
    BOLD,
    BORDER,
    COL_FIRST,
    COL_LABEL,
    COL_NOTE,
    COL_UNIT,
    FIRST_ROW,
    HEADER_FILL,
    INPUT_FILL,
    SECTION_FILL,
    VALUE_COLUMNS,
    WRAP,
    allows_empty,
    blocks,
    default_format,
    has_note,
    help_sheet,
    is_grid,
    label_text,
    note,
    record_slots,
    shown_unit,
    transposed,
)
from zjtx_site.intake.fields import Field, Kind
from zjtx_site.intake.problems import DocPath, dotted
from zjtx_site.intake.schema import SCHEMA_VERSION

# A fixed time in the package metadata, so the bytes do not change from run to run.
FIXED_TIME = datetime(2024, 1, 1)


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
            c.font = BOLD
        if fill is not None:
            c.fill = fill
        if wrap:
            c.alignment = WRAP
        if fmt:
            c.number_format = fmt

    def input_cell(self, path: DocPath, f: Field, value: Any, row: int, col: int,
                   role: str = VALUE, label: str | None = None) -> None:
        if role == HAS:
            v, fmt = value, None
        else:
            v, fmt = cell_value(f, value)
            if fmt is None and f.kind not in (Kind.BOOL, Kind.ENUM):
                fmt = default_format(f)
            elif fmt is None:
                fmt = "@"
        self.put(row, col, v, fmt=fmt)
        c = self.ws.cell(row=row, column=col)
        c.fill = INPUT_FILL
        c.border = BORDER
        slot = _Slot(path, role, row, col, label or f.label)
        self.slots.append(slot)
        self.validation(f, role).add(slot.ref)

    def header(self, path: DocPath, row: int, labels: list[str], first: str = "") -> None:
        if first:
            self.put(row, COL_LABEL, first, bold=True, fill=HEADER_FILL)
        self.put(row, COL_UNIT, "单位", bold=True, fill=HEADER_FILL)
        for i, text in enumerate(labels):
            self.put(row, COL_FIRST + i, text, bold=True, fill=HEADER_FILL, wrap=True)
        self.slots.append(_Slot(path, HEADER, row, COL_FIRST, first or "表头"))

    # data validation ------------------------------------------------------
    def validation(self, f: Field, role: str) -> DataValidation:
        key = (id(f), role)
        dv = self.dvs.get(key)
        if dv is not None:
            return dv
        kind = f.kind
        prompt = _short(note(f) if role != HAS else has_note(f), 250)
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
            self.put(3, col, text, bold=True, fill=HEADER_FILL)
        self.slots.append(_Slot((), HEADER, 3, COL_FIRST, "表头"))

    def section(self, title: str) -> None:
        self.row += 1 if self.row > FIRST_ROW else 0
        for col in range(COL_LABEL, COL_NOTE + 1):
            self.ws.cell(row=self.row, column=col).fill = SECTION_FILL
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
        self.put(r, COL_UNIT, shown_unit(f))
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
            self.put(r, COL_UNIT, shown_unit(s.children[0]))
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
            self.put(r, COL_UNIT, shown_unit(c))
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
            self.put(r, COL_NOTE, has_note(f), wrap=True)
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


def _short(text: str, n: int) -> str:
    return text if len(text) <= n else text[: n - 12] + "…（见填写说明）"


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
