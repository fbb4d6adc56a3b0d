"""Reading an .xlsx file within bounds, for ``zjtx import`` and ``zjtx classify``.

openpyxl loads a whole workbook (every sheet, every shared string, every
cell between A1 and the last one) before anything can be checked: a stray
cell at row 1,048,576, a very hidden sheet of 8 million cells or 10 million
empty shared strings in a 0.6 MB file cost minutes and gigabytes. This
reader checks the archive's unpacked size first, reads only the sheets it
is asked for, states their dimensions before streaming them, streams their
cells one at a time (the caller keeps what it maps), and bounds the
shared-strings table by what the sheets it reads could refer to. No part
may declare a DTD, so no entity is ever expanded.

Values come out as openpyxl gives them (``str``, ``int``, ``float``,
``bool``, ``datetime``; error codes as text with type ``"e"``), so the
callers' conversions are unchanged.
"""

from __future__ import annotations

import functools
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from math import isfinite
from pathlib import Path, PurePosixPath
from typing import IO, Any, Self
from xml.etree import ElementTree

from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format, is_timedelta_format
from openpyxl.utils.datetime import (
    CALENDAR_MAC_1904,
    CALENDAR_WINDOWS_1900,
    from_excel,
    from_ISO8601,
)

from zjtx_site.errors import FormError
from zjtx_site.excel import column_letter

MAX_ROWS, MAX_COLUMNS = 1_048_576, 16_384     # Excel's own sheet limits
MAX_META_BYTES = 16 * 1024 * 1024              # workbook.xml, styles, relationships
MAX_MERGES = 10_000
# a cell that refers to a shared string is at least <c t="s"><v>0</v></c>
MIN_CELL_BYTES = 20
_REF = re.compile(r"([A-Z]{1,3})(\d{1,7})\Z")
_DIMENSION = re.compile(rb"<(?:\w+:)?dimension\s+ref=\"([A-Z]{1,3}\d{1,7})(?::([A-Z]{1,3}\d{1,7}))?\"")
_DEST = re.compile(r"(?:'((?:[^']|'')+)'|([^'!,:]+))!\$?([A-Z]{1,3})\$?(\d{1,7})\Z")
_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"


@dataclass(frozen=True, slots=True)
class Cell:
    row: int
    col: int
    value: Any
    data_type: str        # n, s, b, d, e; "f" for a formula saved without its result
    number_format: str
    formula: str | None   # the formula's text when the cell has one

    @property
    def ref(self) -> str:
        return f"{column_letter(self.col)}{self.row}"


def split_ref(ref: str) -> tuple[int, int] | None:
    """``"C14"`` → (14, 3); None for anything else."""
    m = _REF.match(ref)
    if not m:
        return None
    col = 0
    for ch in m.group(1):
        col = col * 26 + ord(ch) - 64
    return int(m.group(2)), col


def destination(text: str) -> tuple[str, str] | None:
    """(sheet, cell) of a defined name that points at exactly one cell."""
    m = _DEST.match(text.strip())
    if not m:
        return None
    sheet = (m.group(1) or m.group(2)).replace("''", "'")
    return sheet, f"{m.group(3)}{m.group(4)}"


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


class _Prefixed:
    """A stream whose first bytes were read already (to check the prolog)."""

    def __init__(self, head: bytes, rest: IO[bytes]):
        self.head, self.rest = head, rest

    def read(self, n: int = -1) -> bytes:
        if self.head:
            out, self.head = (self.head, b"") if n < 0 or n >= len(self.head) else (self.head[:n], self.head[n:])
            return out
        return self.rest.read(n)

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.rest.close()


def _safe_prolog(head: bytes) -> bool:
    """True when no DTD comes before the first element: skips the XML
    declaration, processing instructions, comments and white space."""
    i = 3 if head.startswith(b"\xef\xbb\xbf") else 0
    while True:
        while i < len(head) and head[i] in b" \t\r\n":
            i += 1
        if head.startswith(b"<?", i):
            end, close = head.find(b"?>", i), 2
        elif head.startswith(b"<!--", i):
            end, close = head.find(b"-->", i), 3
        else:
            return head.startswith(b"<", i) and not head.startswith(b"<!", i)
        if end < 0:
            return False
        i = end + close


@dataclass(frozen=True, slots=True)
class Sheet:
    name: str
    part: str
    state: str        # visible, hidden, veryHidden


class Book:
    """One workbook, opened for bounded reading; use as a context manager."""

    def __init__(self, path: Path, *, max_unpacked: int, error: type[FormError] = FormError):
        self.error = error
        self.path = path
        try:
            self.zip = zipfile.ZipFile(path)
        except FileNotFoundError:
            raise error(f"文件不存在：{path}") from None
        except (zipfile.BadZipFile, OSError, ValueError) as exc:
            hint = "；旧版 .xls 请先在 Excel/WPS 中另存为 .xlsx" if path.suffix.lower() == ".xls" else ""
            raise error(f"无法读取 {path}：不是有效的 Excel 工作簿（.xlsx）{hint}（{exc}）") from None
        try:
            self._check_size(max_unpacked)
            self._read_workbook()
        except BaseException:
            self.zip.close()
            raise
        self.merges: dict[str, list[tuple[int, int, int, int]]] = {}
        self._strings: list[str] | None = None

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.zip.close()

    # the archive ------------------------------------------------------------------
    def _check_size(self, limit: int) -> None:
        infos = self.zip.infolist()
        total = sum(i.file_size for i in infos)
        if total > limit or len(infos) > 10_000:
            raise self.error(f"{self.path.name} 解压后有 {total / 1e6:.1f} MB（{len(infos)} 个部件），"
                             f"超过上限 {limit / 1e6:.0f} MB；这不是正常的表格文件，未读取")

    def _open(self, part: str, limit: int | None = None) -> _Prefixed:
        try:
            info = self.zip.getinfo(part)
        except KeyError:
            raise self.error(f"无法读取 {self.path.name}：工作簿缺少部件 {part}") from None
        if limit is not None and info.file_size > limit:
            raise self.error(f"无法读取 {self.path.name}：部件 {part} 过大（{info.file_size} 字节）")
        raw = self.zip.open(info)
        head = raw.read(4096)
        if not _safe_prolog(head):
            raise self.error(f"无法读取 {self.path.name}：部件 {part} 含有 DTD 或不是 XML，出于安全不予读取")
        return _Prefixed(head, raw)

    def _tree(self, part: str) -> ElementTree.Element:
        try:
            with self._open(part, MAX_META_BYTES) as fh:
                return ElementTree.parse(fh).getroot()
        except (ElementTree.ParseError, zipfile.BadZipFile, EOFError, OSError) as exc:
            raise self.error(f"无法读取 {self.path.name}：{part} 损坏（{exc}）") from None

    def _rels(self, part: str) -> dict[str, tuple[str, str]]:
        """Relationship id → (type's last word, part name) of ``part``."""
        p = PurePosixPath(part)
        rels = str(p.parent / "_rels" / (p.name + ".rels"))
        if rels not in self.zip.NameToInfo:
            return {}
        out = {}
        for el in self._tree(rels):
            target = el.get("Target", "")
            if el.get("TargetMode") == "External":
                continue
            out[el.get("Id", "")] = (el.get("Type", "").rsplit("/", 1)[-1], _join(p.parent, target))
        return out

    def _read_workbook(self) -> None:
        main = next((t for kind, t in self._rels("").values() if kind == "officeDocument"), "xl/workbook.xml")
        root = self._tree(main)
        rels = self._rels(main)
        self.sheets: list[Sheet] = []
        self.names: dict[str, str] = {}
        epoch = CALENDAR_WINDOWS_1900
        for el in root.iter():
            tag = _local(el.tag)
            if tag == "sheet":
                kind, target = rels.get(el.get(_REL, ""), ("", ""))
                if kind == "worksheet":
                    self.sheets.append(Sheet(el.get("name", ""), target, el.get("state", "visible")))
            elif tag == "definedName" and el.get("localSheetId") is None and el.get("name"):
                self.names[el.get("name", "")] = el.text or ""
            elif tag == "workbookPr" and el.get("date1904") in ("1", "true"):
                epoch = CALENDAR_MAC_1904
        self.epoch = epoch
        self._strings_part = next((t for kind, t in rels.values() if kind == "sharedStrings"), None)
        styles = next((t for kind, t in rels.values() if kind == "styles"), None)
        self.formats = self._number_formats(styles) if styles and styles in self.zip.NameToInfo else []

    def _number_formats(self, part: str) -> list[str]:
        """Number format of each cell style (``s=`` of a cell)."""
        root = self._tree(part)
        custom: dict[int, str] = {}
        out: list[str] = []
        for el in root.iter():
            tag = _local(el.tag)
            if tag == "numFmt":
                custom[int(el.get("numFmtId", "0"))] = el.get("formatCode", "General")
            elif tag == "cellXfs":
                for xf in el:
                    n = int(xf.get("numFmtId", "0"))
                    out.append(custom.get(n) or BUILTIN_FORMATS.get(n, "General"))
        return out

    # sheets -----------------------------------------------------------------------
    @property
    def sheet_names(self) -> list[str]:
        return [s.name for s in self.sheets]

    def sheet(self, name: str | None = None) -> Sheet:
        if name is None:
            if not self.sheets:
                raise self.error(f"{self.path.name} 中没有工作表")
            return self.sheets[0]
        for s in self.sheets:
            if s.name == name:
                return s
        raise self.error(f"找不到工作表「{name}」；工作簿中的工作表：{'、'.join(self.sheet_names)}")

    def dimension(self, sheet: Sheet) -> tuple[int, int] | None:
        """(rows, columns) the sheet says it uses (its ``<dimension>``), or None."""
        with self._open(sheet.part) as fh:
            head = fh.read(65536)
        m = _DIMENSION.search(head)
        if not m:
            return None
        last = split_ref((m.group(2) or m.group(1)).decode())
        return last

    def check_dimension(self, sheet: Sheet, max_rows: int, max_cols: int, hint: str) -> None:
        size = self.dimension(sheet)
        if size and (size[0] > max_rows or size[1] > max_cols):
            raise self.error(self.outside(sheet, column_letter(size[1]) + str(size[0]), max_rows, max_cols, hint))

    def outside(self, sheet: Sheet, ref: str, max_rows: int, max_cols: int, hint: str) -> str:
        return (f"工作表「{sheet.name}」用到了 {ref}，超出了它应有的大小（不超过 {max_rows} 行、"
                f"{column_letter(max_cols)} 列）；{hint}")

    def strings(self, reading: list[Sheet]) -> list[str]:
        """The shared strings, no more of them than the sheets being read could use."""
        if self._strings is not None:
            return self._strings
        self._strings = []
        if not self._strings_part or self._strings_part not in self.zip.NameToInfo:
            return self._strings
        room = sum(self.zip.getinfo(s.part).file_size for s in reading) // MIN_CELL_BYTES + 1
        out = self._strings
        root = None
        try:
            with self._open(self._strings_part) as fh:
                for event, el in ElementTree.iterparse(fh, events=("start", "end")):
                    if root is None:
                        root = el
                    if event == "start" or _local(el.tag) != "si":
                        continue
                    if len(out) >= room:
                        raise self.error(
                            f"{self.path.name} 的共享文本表有 {len(out)} 条以上，远多于工作表能用到的"
                            f"（至多 {room} 条）；这不是正常的表格文件，未读取")
                    out.append(_text(el))
                    root.clear()
        except ElementTree.ParseError as exc:
            raise self.error(f"无法读取 {self.path.name}：共享文本表损坏（{exc}）") from None
        return out

    def cells(self, sheet: Sheet, *, max_rows: int = MAX_ROWS, max_cols: int = MAX_COLUMNS,
              hint: str = "", strings_for: list[Sheet] | None = None) -> Iterator[Cell]:
        """Every cell with content of ``sheet``, row by row, one at a time.
        Merged ranges are collected into ``self.merges[sheet.name]``."""
        strings = self.strings(strings_for or [sheet])
        formats, epoch = self.formats, self.epoch
        merges = self.merges.setdefault(sheet.name, [])
        row = col = 0
        depth = 0
        data = root = None
        try:
            with self._open(sheet.part) as fh:
                for event, el in ElementTree.iterparse(fh, events=("start", "end")):
                    if event == "start":
                        depth += 1
                        if depth == 1:
                            root = el
                        elif depth == 2 and _local(el.tag) == "sheetData":
                            data = el
                        elif depth == 3 and data is not None:   # a row
                            r = el.get("r")
                            row, col = (int(r) if r and r.isdigit() else row + 1), 0
                        continue
                    depth -= 1
                    tag = _local(el.tag)
                    if depth == 3 and tag == "c":
                        where = split_ref(el.get("r", ""))
                        row, col = where if where else (row, col + 1)
                        if row > max_rows or col > max_cols:
                            raise self.error(self.outside(sheet, column_letter(col) + str(row),
                                                          max_rows, max_cols, hint))
                        cell = _cell(el, row, col, strings, formats, epoch)
                        if cell is not None:
                            yield cell
                    elif depth == 2 and data is not None:
                        data.clear()            # a row is done: keep memory flat
                    elif depth == 1:
                        if tag == "sheetData":
                            data = None
                        elif tag == "mergeCells":
                            for m in el:
                                if len(merges) >= MAX_MERGES:
                                    raise self.error(f"工作表「{sheet.name}」的合并单元格超过 {MAX_MERGES} 个，未读取")
                                span = _span(m.get("ref", ""))
                                if span:
                                    merges.append(span)
                        if root is not None:
                            root.clear()
        except ElementTree.ParseError as exc:
            raise self.error(f"无法读取 {self.path.name}：工作表「{sheet.name}」损坏（{exc}）") from None
        except (zipfile.BadZipFile, EOFError) as exc:
            raise self.error(f"无法读取 {self.path.name}：文件损坏（{exc}）") from None


def _join(base: PurePosixPath, target: str) -> str:
    parts: list[str] = [] if target.startswith("/") else list(base.parts)
    for p in PurePosixPath(target.lstrip("/")).parts:
        if p == "..":
            if parts:
                parts.pop()
        elif p != ".":
            parts.append(p)
    return "/".join(parts)


def _span(ref: str) -> tuple[int, int, int, int] | None:
    a, _, b = ref.partition(":")
    lo, hi = split_ref(a), split_ref(b or a)
    if not lo or not hi:
        return None
    return lo[0], lo[1], hi[0], hi[1]


def _text(el: ElementTree.Element) -> str:
    """The text of a shared or inline string: its runs, not its phonetic hints."""
    out = []
    for child in el:
        tag = _local(child.tag)
        if tag == "t":
            out.append(child.text or "")
        elif tag == "r":
            out += [t.text or "" for t in child if _local(t.tag) == "t"]
    return "".join(out)


_is_date = functools.lru_cache(maxsize=256)(is_date_format)
_is_timedelta = functools.lru_cache(maxsize=256)(is_timedelta_format)


def _number(text: str) -> int | float | None:
    try:
        if "." in text or "E" in text or "e" in text:
            v = float(text)
            return v if isfinite(v) else None
        return int(text) if len(text) <= 400 else None
    except ValueError:
        return None


def _cell(el: ElementTree.Element, row: int, col: int, strings: list[str], formats: list[str],
          epoch: Any) -> Cell | None:
    t = el.get("t", "n")
    style = el.get("s")
    fmt = formats[int(style)] if style and style.isdigit() and int(style) < len(formats) else "General"
    v = formula = None
    inline = None
    for child in el:
        tag = _local(child.tag)
        if tag == "v":
            v = child.text
        elif tag == "f":
            formula = child.text or ""
        elif tag == "is":
            inline = child
    value: Any = None
    kind = t
    if t == "inlineStr":
        value, kind = (_text(inline), "s") if inline is not None else (None, "s")
    elif v is not None:
        if t == "n":
            value = _number(v)
            if value is None:
                value, kind = "#NUM!", "e"
            elif _is_date(fmt):
                try:
                    value, kind = from_excel(value, epoch, timedelta=_is_timedelta(fmt)), "d"
                except (OverflowError, ValueError):
                    value, kind = "#VALUE!", "e"
        elif t == "s":
            i = int(v) if v.isdigit() else -1
            value, kind = (strings[i], "s") if 0 <= i < len(strings) else ("#REF!", "e")
        elif t == "b":
            value = v.strip() in ("1", "true")
        elif t == "str":
            value, kind = v, "s"
        elif t == "d":
            try:
                value = from_ISO8601(v)
            except ValueError:
                value, kind = "#VALUE!", "e"
        else:
            value = v
    if value is None and formula is not None:
        kind = "f"
    if value is None and formula is None:
        return None
    return Cell(row, col, value, kind, fmt, formula)
