"""Reading a filled 「表单」 workbook: every input cell found by its defined
name (it moves with inserted rows), with its value, number format and kind,
and the problems of the cells themselves (deleted, merged, an error value, a
formula without its saved result, content outside any input cell), each at
its cell (``表单!C14``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from zjtx_site.excel import (
    FORM_FORMAT,
    FORM_SHEET,
    KEYS_SHEET,
    FormError,
    column_letter,
)
from zjtx_site.excel.form_cells import HAS, HEADER, VALUE, field_at, parse_dotted
from zjtx_site.excel.xlsx import Book, destination, split_ref
from zjtx_site.intake.problems import DocPath, Severity, dotted, visible

_CELL = re.compile(r"\$?([A-Z]{1,3})\$?(\d+)\Z")


# Problems at cells --------------------------------------------------------

@dataclass(frozen=True, slots=True)
class CellProblem:
    cell: str            # "C14"; "" when no cell can be named
    message: str
    severity: Severity = Severity.ERROR

    def format(self) -> str:
        where = f"{FORM_SHEET}!{self.cell}" if self.cell else FORM_SHEET
        return f"{where}: {self.severity.value}：{self.message}"

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR

    def sort_key(self) -> tuple:
        m = re.match(r"([A-Z]+)(\d+)", self.cell)
        if not m:
            return (0, 0, self.message)
        col = 0
        for ch in m.group(1):
            col = col * 26 + ord(ch) - 64
        return (int(m.group(2)), col, self.message)


# Reading the workbook --------------------------------------------------------

@dataclass
class Slot:
    role: str
    name: str
    path: DocPath
    label: str
    ref: str = ""                 # where the cell is now ("" when deleted)
    value: Any = None
    number_format: str = "General"
    data_type: str = "n"          # as xlsx.Cell: "e" an error value, "f" a formula without its result
    formula: str | None = None
    failed: bool = False          # already reported (deleted, merged, formula, error value)


@dataclass
class FormCells:
    slots: list[Slot]
    meta: dict[str, str]
    problems: list[CellProblem] = field(default_factory=list)


# A form is ~200 KB unpacked and ~130 rows by 7 columns; these leave room for
# inserted rows and notes, and nothing for a workbook that is not a form.
MAX_FORM_UNPACKED = 10_000_000
MAX_FORM_ROWS, MAX_FORM_COLUMNS = 5000, 52
MAX_KEYS_ROWS = 5000
MAX_LISTED_STRAYS = 20
_TOO_BIG = ("请删除表格下方或右侧多余的内容（整行、整列删除）后保存，再导入；"
            "或用 zjtx form 重新生成表单")


def read_form(path: Path) -> FormCells:
    """The form's mapped cells, and the problems found reading them.

    Reads only the two sheets it needs, in bounded time and memory (see
    :mod:`.xlsx`): the keys first, then the form's cells streamed once,
    keeping the mapped ones and a capped list of stray ones."""
    with Book(path, max_unpacked=MAX_FORM_UNPACKED) as book:
        if FORM_SHEET not in book.sheet_names:
            raise FormError(f"找不到工作表「{FORM_SHEET}」；工作簿中的工作表：{'、'.join(book.sheet_names)}。"
                            f"请使用 zjtx form 生成的表单，不要重命名或删除「{FORM_SHEET}」工作表")
        if KEYS_SHEET not in book.sheet_names:
            raise FormError(f"工作簿缺少隐藏工作表「{KEYS_SHEET}」：这不是 zjtx form 生成的表单，"
                            "或该工作表被删除了。请用 zjtx form 重新生成表单后填写")
        form, keys = book.sheet(FORM_SHEET), book.sheet(KEYS_SHEET)
        for sheet, rows in ((form, MAX_FORM_ROWS), (keys, MAX_KEYS_ROWS)):
            book.check_dimension(sheet, rows, MAX_FORM_COLUMNS, _TOO_BIG)
        meta, slots = _keys(book.cells(keys, max_rows=MAX_KEYS_ROWS, max_cols=MAX_FORM_COLUMNS,
                                       hint=_TOO_BIG, strings_for=[form, keys]))
        if meta.get("format") != FORM_FORMAT:
            raise FormError(f"表单格式“{meta.get('format')}”不受支持（应为 {FORM_FORMAT}）；"
                            "请用当前版本的 zjtx form 重新生成表单")
        problems: list[CellProblem] = []
        for s in slots:
            s.ref = _locate(book, s) or ""
            if not s.ref:
                if s.role != HEADER:
                    problems.append(CellProblem("", f"「{s.label}」（{dotted(s.path)}）的填写单元格已被删除"
                                                    "（可能删除了所在的行或列）；请用 zjtx form 重新生成表单"))
                s.failed = True
        strays = _Strays(slots)
        inputs = {s.ref: s for s in slots if s.ref and s.role != HEADER}
        for cell in book.cells(form, max_rows=MAX_FORM_ROWS, max_cols=MAX_FORM_COLUMNS, hint=_TOO_BIG):
            slot = inputs.get(cell.ref)
            if slot is not None:
                slot.value, slot.number_format, slot.data_type = cell.value, cell.number_format, cell.data_type
                slot.formula = cell.formula
            else:
                strays.see(cell)
        merges = book.merges.get(FORM_SHEET, [])
    for s in inputs.values():
        problems += _cell_problems(s, merges)
    return FormCells(slots, meta, problems + strays.problems())


def _keys(cells) -> tuple[dict[str, str], list[Slot]]:
    """The form's metadata and its input cells, from the hidden _keys sheet."""
    rows: dict[int, list[Any]] = {}
    for c in cells:
        if c.row >= 2 and c.col <= 5:
            rows.setdefault(c.row, [None] * 5)[c.col - 1] = c.value
    meta: dict[str, str] = {}
    slots: list[Slot] = []
    for n in sorted(rows):
        role, name, key, cell, label = rows[n]
        if role == "meta":
            meta[str(name)] = "" if key is None else str(key)
        elif role in (VALUE, HAS, HEADER) and name:
            slots.append(Slot(role, str(name), parse_dotted(str(key or "")), str(label or ""),
                               ref=str(cell or "")))
    return meta, slots


def _cell_problems(s: Slot, merges: list[tuple[int, int, int, int]]) -> list[CellProblem]:
    """A mapped cell that cannot be read: merged, an error value, a formula without its result."""
    row, col = split_ref(s.ref) or (0, 0)
    span = next((m for m in merges if m[0] <= row <= m[2] and m[1] <= col <= m[3]), None)
    if span is not None:
        s.value, s.failed = None, True
        area = f"{column_letter(span[1])}{span[0]}:{column_letter(span[3])}{span[2]}"
        return [CellProblem(s.ref, f"「{s.label}」的单元格在合并区域 {area} 中；请取消合并单元格后再填写")]
    if s.data_type == "e":
        bad, s.value, s.failed = s.value, None, True
        return [CellProblem(s.ref, f"「{s.label}」的单元格是错误值 {bad}，请改为数值或留空")]
    if s.data_type == "f":
        s.failed = True
        return [CellProblem(s.ref, f"「{s.label}」的单元格是公式 ={s.formula}，但文件中没有保存计算结果；"
                                   "请在 Excel/WPS/LibreOffice 中打开并保存后再导入，或直接填写数值")]
    return []


def _locate(book: Book, s: Slot) -> str | None:
    """The cell a slot's defined name points at now (it moves with inserted
    rows); the cell recorded in _keys when the workbook has lost its names."""
    text = book.names.get(s.name)
    if text is None:
        return s.ref if _CELL.match(s.ref or "") else None
    if "#REF!" in text:
        return None
    dest = destination(text)
    if dest is None or dest[0] != FORM_SHEET:
        return None
    return dest[1]


class _Strays:
    """Content typed in the value columns outside any input cell (a row
    inserted into a table, a value one column off): it would be lost. The
    first ones are listed, the rest counted; a row of personal data is named
    without its content."""

    def __init__(self, slots: list[Slot]):
        inputs = [s for s in slots if s.ref and s.role != HEADER]
        places = [split_ref(s.ref) for s in inputs]
        cols = [p[1] for p in places if p]
        self.lo, self.hi = (min(cols), max(cols)) if cols else (1, 0)
        self.header_rows = {p[0] for s in slots if s.role == HEADER and (p := split_ref(s.ref))}
        self.personal_rows = {p[0] for s, p in zip(inputs, places) if p and _personal(s.path)}
        self.listed: list[CellProblem] = []
        self.more = 0

    def see(self, c) -> None:
        if not self.lo <= c.col <= self.hi or c.row in self.header_rows:
            return
        if isinstance(c.value, str) and not c.value.strip():
            return
        if len(self.listed) >= MAX_LISTED_STRAYS:
            self.more += 1
            return
        if c.row in self.personal_rows:
            shown = "（个人信息，内容不显示）"
        else:
            text = visible(str(c.value) if c.value is not None else f"={c.formula}")
            shown = "“" + (text if len(text) <= 20 else text[:17] + "...") + "”"
        self.listed.append(CellProblem(c.ref, f"单元格有内容{shown}，但这里不是表单的填写位置，不会被导入"
                                              "（可能在表格中插入了行，或填错了列）；请移到黄色填写单元格中或删除"))

    def problems(self) -> list[CellProblem]:
        if not self.more:
            return self.listed
        return self.listed + [CellProblem("", f"另有 {self.more} 个填写位置以外的单元格有内容（未逐一列出），"
                                              "不会被导入；请检查表格中插入的行或填错的列")]


def _personal(path: DocPath) -> bool:
    try:
        return field_at(path).personal
    except KeyError:
        return False
