"""``zjtx import``: a filled 「表单」 workbook back to a company YAML file.

Reads the workbook with openpyxl (``data_only=True``: the values Excel saved,
formulas included), finds every input cell by its defined name (see
:mod:`.form`), turns what people type into the values of the contract, and
writes the YAML the scaffold's way (every field with its Chinese label as a
comment). Before anything is written the YAML text is checked exactly as
``zjtx check`` checks a file (:func:`zjtx_site.intake.loader.validate_text`), and
every problem is reported at its sheet and cell (``表单!C14``).

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
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path
from typing import Any

from zjtx_site.excel import (
    FORM_FORMAT,
    FORM_SHEET,
    KEYS_SHEET,
    FormError,
    column_letter,
    from_float,
    is_percent_format,
    normalize_text,
    parse_decimal,
    tidy,
)
from zjtx_site.excel.form_cells import (
    BOOL_FALSE,
    BOOL_TRUE,
    EMPTY_LIST,
    HAS,
    HAS_NO,
    HAS_YES,
    HEADER,
    VALUE,
    field_at,
    parse_dotted,
    split_list,
)
from zjtx_site.excel.xlsx import Book, destination, split_ref
from zjtx_site.intake.fields import Field, Kind
from zjtx_site.intake.problems import DocPath, Severity, dotted, has_errors, visible
from zjtx_site.intake.schema import COMPANY
from zjtx_site.intake.typed import iso_date

NUMERIC = (Kind.INT, Kind.YEAR, Kind.MONEY, Kind.NUMBER, Kind.PERCENT)
BACKUP_DIR = Path(".zjtx") / "backups"

_TRUE = {BOOL_TRUE, "有", "true"}
_FALSE = {BOOL_FALSE, "无", "false"}
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


@dataclass
class ImportResult:
    data: dict[str, Any]
    text: str                       # the YAML that would be written
    clean: dict | None              # validated data (when there is no error)
    problems: list[CellProblem]
    meta: dict[str, str]
    company_id: str = ""
    round_id: str = ""

    @property
    def ok(self) -> bool:
        return not has_errors(self.problems)


class _Bad(Exception):
    """A cell whose content cannot be read as the field's kind."""


# Reading the workbook --------------------------------------------------------

@dataclass
class _Slot:
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
class _Read:
    slots: list[_Slot]
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


def read_form(path: Path) -> _Read:
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
    return _Read(slots, meta, problems + strays.problems())


def _keys(cells) -> tuple[dict[str, str], list[_Slot]]:
    """The form's metadata and its input cells, from the hidden _keys sheet."""
    rows: dict[int, list[Any]] = {}
    for c in cells:
        if c.row >= 2 and c.col <= 5:
            rows.setdefault(c.row, [None] * 5)[c.col - 1] = c.value
    meta: dict[str, str] = {}
    slots: list[_Slot] = []
    for n in sorted(rows):
        role, name, key, cell, label = rows[n]
        if role == "meta":
            meta[str(name)] = "" if key is None else str(key)
        elif role in (VALUE, HAS, HEADER) and name:
            slots.append(_Slot(role, str(name), parse_dotted(str(key or "")), str(label or ""),
                               ref=str(cell or "")))
    return meta, slots


def _cell_problems(s: _Slot, merges: list[tuple[int, int, int, int]]) -> list[CellProblem]:
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


def _locate(book: Book, s: _Slot) -> str | None:
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

    def __init__(self, slots: list[_Slot]):
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


# Cell values to data ---------------------------------------------------------

def _choice(f: Field, text: str) -> Any:
    """A choice's code from its code, label or official alias (see the field
    table); other text is passed on for the validator to name."""
    c = f.choice_for(text)
    return text if c is None else c.value


def _number(f: Field, raw: Any, fmt: str) -> Any:
    k = f.kind
    if isinstance(raw, bool):
        raise _Bad(f"应为数字，实际是逻辑值 {'TRUE' if raw else 'FALSE'}")
    if isinstance(raw, (datetime, date, time)):
        raise _Bad("应为数字，实际是日期或时间（单元格可能被设成了日期格式）")
    if isinstance(raw, (int, float)):
        d = Decimal(raw) if isinstance(raw, int) else from_float(raw)
        if is_percent_format(fmt):
            if k is Kind.PERCENT:
                return tidy(d * 100)
            raise _Bad(f"单元格是百分比格式（显示为 {tidy(d * 100)}%），但此项{_unit_words(f)}，"
                       "不是百分比；请把单元格改为常规格式后重新填写")
        if k is Kind.PERCENT and 0 < d < 1:
            raise _Bad(_ambiguous(d))
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
        raise _Bad(_ambiguous(parsed))
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
        raise _Bad(f"应填“{BOOL_TRUE}”或“{BOOL_FALSE}”，实际是“{text}”")
    if k is Kind.DATE:
        if isinstance(raw, datetime):
            return raw.date()
        if isinstance(raw, date):
            return raw
        if isinstance(raw, (int, float)) and not isinstance(raw, bool):
            raise _Bad(f"应为日期（例如 2026-05-20），实际是数字 {_text_of(raw)}")
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
            raise _Bad(f"不是有效的 YAML/JSON 映射（{exc.problem.message}）") from None
    raise AssertionError(f"unhandled kind {k}")


def _has(raw: Any) -> bool | None:
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    text = normalize_text(_text_of(raw)).lower()
    if text in (HAS_YES, BOOL_TRUE):
        return True
    if text in (HAS_NO, BOOL_FALSE):
        return False
    raise _Bad(f"应填“{HAS_YES}”或“{HAS_NO}”，实际是“{text}”")


# Building the data -----------------------------------------------------------

class _Builder:
    def __init__(self, read: _Read):
        self.values: dict[DocPath, _Slot] = {}
        self.has: dict[DocPath, _Slot] = {}
        self.problems = list(read.problems)
        for s in read.slots:
            if s.role == HEADER:
                continue
            try:
                field_at(s.path)
            except KeyError:
                self.problems.append(CellProblem(s.ref, f"表单中的键 {dotted(s.path)} 在当前字段表中不存在；"
                                                        "请用当前版本的 zjtx form 重新生成表单"))
                continue
            (self.has if s.role == HAS else self.values)[s.path] = s
        self.cells: dict[DocPath, str] = {}     # data path -> cell
        self.bad: set[DocPath] = set()          # data paths with a reading problem

    def blank(self, slot_path: DocPath) -> bool:
        s = self.values.get(slot_path)
        return s is None or (not s.failed and (s.value is None or (isinstance(s.value, str)
                                                                   and not s.value.strip())))

    def leaf(self, f: Field, slot_path: DocPath, data_path: DocPath) -> Any:
        s = self.values.get(slot_path)
        if s is None:
            return None
        if s.ref:
            self.cells[data_path] = s.ref
        if s.failed:
            self.bad.add(data_path)
            return None
        try:
            return convert(f, s.value, s.number_format)
        except _Bad as exc:
            self.problems.append(CellProblem(s.ref, f"「{f.label}」（{dotted(data_path)}）{exc}"))
            self.bad.add(data_path)
            return None

    def group(self, f: Field, path: DocPath) -> dict | None:
        out: dict[str, Any] = {}
        for c in f.children:
            cp = path + (c.key,)
            if c.kind is Kind.GROUP:
                out[c.key] = self.group(c, cp)
            elif c.kind is Kind.RECORDS:
                out[c.key] = self.records(c, cp)
            else:
                out[c.key] = self.leaf(c, cp, cp)
        if path and not f.required and all(v is None for v in out.values()):
            return None
        return out

    def records(self, f: Field, path: DocPath) -> list | None:
        n = len(path)
        indexes = sorted({p[n] for p in self.values if len(p) > n + 1 and p[:n] == path
                          and isinstance(p[n], int)})
        exact = f.items[0] is not None and f.items[0] == f.items[1]
        recs: list[dict] = []
        for i in indexes:
            if not exact and all(self.blank(path + (i, c.key)) for c in f.children):
                continue      # an empty row: skipped, not a record
            j = len(recs)
            recs.append({c.key: self.leaf(c, path + (i, c.key), path + (j, c.key)) for c in f.children})
        hs = self.has.get(path)
        flag, has_ref = None, ""        # a flag only ever comes from a located 有/无 cell
        if hs is not None and hs.ref:
            has_ref = self.cells[path] = hs.ref
            try:
                flag = _has(hs.value)
            except _Bad as exc:
                self.problems.append(CellProblem(hs.ref, f"「{f.label}」（{dotted(path)}）{exc}"))
                self.bad.add(path)
        if not recs:
            if flag is True:
                self.problems.append(CellProblem(has_ref, f"「{f.label}」填了“{HAS_YES}”，但下表没有填写任何记录；"
                                                         f"没有请填“{HAS_NO}”"))
                self.bad.add(path)
            return [] if flag is False else None
        if flag is False:
            self.problems.append(CellProblem(has_ref, f"「{f.label}」填了“{HAS_NO}”，但下表填写了 {len(recs)} 条记录；"
                                                     f"请改为“{HAS_YES}”或删除这些记录"))
            self.bad.add(path)
        return recs

    def cell_for(self, path: DocPath) -> str:
        p = tuple(path)
        while p:
            if p in self.cells:
                return self.cells[p]
            for q, ref in self.cells.items():
                if q[: len(p)] == p:
                    return ref
            p = p[:-1]
        return "A1"


# Writing YAML (the scaffold's comments, values as they are) -------------------

def company_yaml(company_id: str, round_id: str, data: dict, source: str = "") -> str:
    """The YAML text of ``data`` with the scaffold's header and comments.

    Unlike :func:`zjtx_site.intake.scaffold.scaffold` (a template for a new round),
    nothing is filled in or moved: an absent value stays absent (a group or
    a record list that is absent is written as an empty key with its fields
    commented out), ``[]`` stays ``[]``."""
    from zjtx_site.intake.scaffold import HEADER as SCAFFOLD_HEADER
    from zjtx_site.intake.scaffold import emit

    out = [SCAFFOLD_HEADER.format(company_id=company_id, round=round_id).rstrip("\n")]
    if source:
        out.append(f"# 由 zjtx import 从 Excel 表单 {source} 导入；表单中留空的项目在此留空（未报告）。")
    emit(COMPANY, data, 0, out, as_is=True)
    return "\n".join(out) + "\n"


# The import ------------------------------------------------------------------

def import_form(path: Path, company_id: str | None = None, round_id: str | None = None, *,
                force: bool = False) -> ImportResult:
    """Read, convert and validate a form; nothing is written.

    The company id and round default to the ones the form was made for; a
    form made for another company or round is an error unless ``force``
    (then a warning): importing it under the wrong id overwrites someone
    else's data."""
    from zjtx_site.intake.loader import validate_text

    read = read_form(path)
    company_id, round_id, mismatch = _identity(read.meta, company_id, round_id, force)
    b = _Builder(read)
    data = b.group(COMPANY, ()) or {}
    text = company_yaml(company_id, round_id, data, source=path.name)
    clean, problems = validate_text(text, f"{FORM_SHEET}")
    out = list(b.problems)
    for p in problems:
        if p.doc_path and any(p.doc_path[: len(bad)] == bad for bad in b.bad):
            continue   # already reported, in the form's words, at that cell
        cell = b.cell_for(p.doc_path) if p.doc_path else "A1"
        out.append(CellProblem(cell, p.message, p.severity))
    if clean is not None and not has_errors(out) and clean.get("assessed_on"):
        when = clean["assessed_on"]
        if when.year != int(round_id[:4]):
            out.append(CellProblem(b.cell_for(("assessed_on",)),
                                   f"评估轮次 {round_id} 与评估日期 {when.isoformat()} 不在同一年，请核对",
                                   Severity.WARNING))
    out += mismatch
    out.sort(key=CellProblem.sort_key)
    return ImportResult(data=data, text=text, clean=clean if not has_errors(out) else None,
                        problems=out, meta=read.meta, company_id=company_id, round_id=round_id)


def _identity(meta: dict[str, str], company_id: str | None, round_id: str | None,
              force: bool) -> tuple[str, str, list[CellProblem]]:
    """(company id, round, problems): the ones given, else the form's own."""
    from zjtx_site.intake import layout

    form_id, form_round = meta.get("company_id") or "", meta.get("round") or ""
    cid, rnd = company_id or form_id, round_id or form_round
    if not cid or not rnd:
        missing = "、".join(w for w, v in (("--company-id", cid), ("--round", rnd)) if not v)
        raise FormError(f"这份表单生成时没有记录{'企业编号' if not cid else '评估轮次'}（空白表单）；请用 {missing} 指定")
    if not layout.COMPANY_ID_RE.match(cid):
        raise FormError(f"企业编号“{cid}”不合规：只能用小写字母、数字和连字符，2～63 个字符，例如 gz-ruixin-bio")
    if not layout.ROUND_RE.match(rnd):
        raise FormError(f"评估轮次“{rnd}”不合规：应为四位年份，可加后缀，例如 2026 或 2026-h2")
    problems = []
    severity = Severity.WARNING if force else Severity.ERROR
    tail = "（--force：照常导入，请核对）" if force else "；确认无误时加 --force 导入"
    if form_id and form_id != cid:
        problems.append(CellProblem("", f"这份表单是为企业 {form_id} 生成的，不能直接导入为 {cid}{tail}", severity))
    if form_round and form_round != rnd:
        problems.append(CellProblem("", f"这份表单是为 {form_round} 轮生成的，不能直接导入为 {rnd} 轮{tail}", severity))
    return cid, rnd, problems


def backup_path(project: Path, company_id: str, round_id: str, now: datetime | None = None) -> Path:
    """Where the replaced file goes: outside companies/ (where any extra
    file is an error for zjtx check), in the git-ignored .zjtx/ folder."""
    stamp = (now or datetime.now()).strftime("%Y%m%d-%H%M%S")
    folder = project / BACKUP_DIR / company_id
    base = folder / f"{round_id}.yaml.{stamp}.bak"
    n = 1
    while base.exists():
        base = folder / f"{round_id}.yaml.{stamp}-{n}.bak"
        n += 1
    return base


def write_company(project: Path, company_id: str, round_id: str, text: str, *,
                  force: bool) -> tuple[Path, Path | None]:
    """Write ``companies/<id>/<round>.yaml``; an existing file only with
    ``force``, after copying it to .zjtx/backups/. Returns (file, backup)."""
    from zjtx_site.intake import layout

    target = project / layout.COMPANIES_DIR / company_id / f"{round_id}.yaml"
    backup = None
    if target.exists():
        if not force:
            raise FileExistsError(str(target))
        backup = backup_path(project, company_id, round_id)
        backup.parent.mkdir(parents=True, exist_ok=True)
        backup.write_bytes(target.read_bytes())
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, target)
    return target, backup
