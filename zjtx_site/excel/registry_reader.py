"""Reading a registry: its rows, streamed from a CSV or one sheet of an
.xlsx, and what the columns of its header row mean (see :mod:`.classify`).
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any, Iterator

from zjtx_site.errors import RegistryError
from zjtx_site.excel import column_letter, from_float, normalize_text, tidy
from zjtx_site.excel.xlsx import Book
from zjtx_site.intake.fields import lookup
from zjtx_site.intake.schema import COMPANY

NETWORK = "network_power"


# Columns ----------------------------------------------------------------------

def _norm_header(text: str) -> tuple[str, str]:
    """(normalised name, unit in brackets) of a header cell."""
    t = normalize_text(str(text)).lower()
    unit = ""
    m = re.search(r"[(\[（【]([^()\[\]（）【】]*)[)\]）】]\s*\Z", t)
    if m:
        unit, t = m.group(1).strip(), t[: m.start()]
    t = re.sub(r"[\s\"'“”‘’_\-]", "", t)
    return t, unit


def _aliases() -> dict[str, str]:
    """Header spellings → column key; the schema's own labels and keys included."""
    base = {
        "name": ["企业名称", "企业", "名称", "公司名称", "单位名称", "name", "company", "companyname",
                 lookup(COMPANY, "basic.name").label],
        "credit_code": ["统一社会信用代码", "社会信用代码", "信用代码", "creditcode", "uscc",
                        lookup(COMPANY, "basic.credit_code").label],
        "revenue": ["营业收入", "上年度营业收入", "营收", "revenue", "operatingrevenue",
                    lookup(COMPANY, "financials[].revenue").label],
        "mic_fields": ["十大领域", "十大产业领域", "中国制造十大产业领域", "制造强国十大重点产业领域",
                       "micfields", "micfield", "mic", lookup(COMPANY, "product.mic_fields").label],
        "six_foundations": ["六基", "工业六基", "工业六基领域", "sixfoundations", "sixfoundation",
                            lookup(COMPANY, "product.six_foundations").label],
        NETWORK: ["网络强国", "网络强国建设重点领域", "属于网络强国建设重点领域", "networkpower",
                  lookup(COMPANY, "product.network_power").label],
        "field": ["主导产品所属领域", "产业领域", "所属领域", "领域", "field", "productfield",
                  lookup(COMPANY, "product").label],
    }
    out = {}
    for key, names in base.items():
        for n in names:
            out[_norm_header(n)[0]] = key
    return out


ALIASES = _aliases()
REQUIRED = ("name", "credit_code", "revenue")
FIELD_COLUMNS = ("mic_fields", "six_foundations", NETWORK, "field")
COLUMN_WORDS = {"name": "企业名称", "credit_code": "统一社会信用代码", "revenue": "营业收入（万元）",
                "mic_fields": "十大领域", "six_foundations": "六基", NETWORK: "网络强国",
                "field": "主导产品所属领域"}
# exact factors to 万元
UNIT_FACTORS = {"": Decimal(1), "万元": Decimal(1), "万": Decimal(1), "元": Decimal("0.0001"),
                "亿元": Decimal(10000), "亿": Decimal(10000), "10k cny": Decimal(1)}


@dataclass(frozen=True)
class Columns:
    index: dict[str, int]          # column key -> 0-based position
    headers: list[str]             # the header row as written
    revenue_factor: Decimal

    def where(self, key: str) -> str:
        i = self.index[key]
        return f"「{self.headers[i]}」列（{column_letter(i + 1)} 列）"


def map_columns(header: list[Any], row_number: int) -> Columns:
    headers = ["" if h is None else str(h).strip() for h in header]
    index: dict[str, int] = {}
    factor = Decimal(1)
    for i, h in enumerate(headers):
        if not h:
            continue
        name, unit = _norm_header(h)
        key = ALIASES.get(name)
        if key is None:
            continue
        if key in index:
            raise RegistryError(f"第 {row_number} 行（表头）：「{headers[index[key]]}」和「{h}」"
                                f"都表示{COLUMN_WORDS[key]}，请删除或改名其中一列")
        index[key] = i
        if key == "revenue":
            if unit not in UNIT_FACTORS:
                raise RegistryError(f"第 {row_number} 行（表头）：「{h}」的单位“{unit}”无法识别；"
                                    "营业收入的单位应为万元（也接受元、亿元，会精确换算为万元）")
            factor = UNIT_FACTORS[unit]
    missing = [k for k in REQUIRED if k not in index]
    if not any(k in index for k in FIELD_COLUMNS):
        missing.append("field")
    if missing:
        found = "、".join(h for h in headers if h) or "（空）"
        need = "；".join(f"{COLUMN_WORDS[k]}（{_examples(k)}）" for k in missing)
        raise RegistryError(f"第 {row_number} 行（表头）缺少必需的列：{need}。表头中的列：{found}")
    return Columns(index, headers, factor)


def _examples(key: str) -> str:
    if key == "field":
        return "至少一列：十大领域 / mic_fields、六基 / six_foundations、网络强国 / network_power 或 主导产品所属领域 / field"
    names = {"name": "企业名称 / name", "credit_code": "统一社会信用代码 / credit_code",
             "revenue": "营业收入 / revenue"}
    return "可写作 " + names[key]


# Reading ------------------------------------------------------------------------

def _cell_text(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, str):
        return v
    if isinstance(v, bool):
        return "TRUE" if v else "FALSE"
    if isinstance(v, float):
        return str(tidy(from_float(v)))
    if hasattr(v, "isoformat"):
        return v.isoformat()
    return str(v)


def _sniff_encoding(path: Path) -> str:
    with path.open("rb") as fh:
        head = fh.read(1 << 16)
    if head.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    try:
        head.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError as exc:
        if exc.start >= len(head) - 3:   # a character cut by the 64 KB window
            return "utf-8"
        return "gb18030"


def _csv_rows(path: Path) -> Iterator[tuple[int, list[Any]]]:
    enc = _sniff_encoding(path)
    with path.open("r", encoding=enc, newline="") as fh:
        first = fh.readline()
        delim = max((",", "\t", ";"), key=first.count)
        fh.seek(0)
        n = 0
        try:
            for n, row in enumerate(csv.reader(fh, delimiter=delim), 1):
                yield n, row
        except UnicodeDecodeError:
            raise RegistryError(f"第 {n + 1} 行附近的文字无法按 {enc} 解码；请把文件另存为 UTF-8 编码的 CSV") from None
        except csv.Error as exc:
            raise RegistryError(f"第 {n + 1} 行：CSV 格式错误（{exc}）") from None


# A registry of a million rows by ten columns is ~400 MB unpacked
MAX_REGISTRY_UNPACKED = 1_000_000_000


def _xlsx_rows(path: Path, sheet: str | None) -> Iterator[tuple[int, list[Any]]]:
    """The rows of one sheet, streamed within bounds (see :mod:`.xlsx`): only
    that sheet is read, and the shared strings no more than it can use."""
    with Book(path, max_unpacked=MAX_REGISTRY_UNPACKED, error=RegistryError) as book:
        ws = book.sheet(sheet)
        n = 0
        row: list[Any] = []
        for c in book.cells(ws):
            if c.row != n:
                if n:
                    yield n, row
                for gap in range(n + 1, c.row):   # rows with nothing in them, as openpyxl gives them
                    yield gap, []
                n, row = c.row, []
            row += [""] * (c.col - 1 - len(row))
            row.append(_cell_text(c.value))
        if n:
            yield n, row


def read_rows(path: Path, sheet: str | None = None) -> Iterator[tuple[int, list[Any]]]:
    if not path.is_file():
        raise RegistryError(f"文件不存在：{path}")
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        return _xlsx_rows(path, sheet)
    if suffix in (".csv", ".txt", ".tsv"):
        return _csv_rows(path)
    raise RegistryError(f"不支持的文件类型 {path.suffix}：请使用 .csv 或 .xlsx（旧版 .xls 请另存为 .xlsx）")
