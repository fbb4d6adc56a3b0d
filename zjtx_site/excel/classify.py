"""``zjtx classify``: grade a registry of many enterprises into L1–L5 (rules.md §1).

The registry is a CSV (UTF-8 or GB18030, as Excel saves it) or an .xlsx
sheet, one enterprise per row, with a header row in Chinese or English:

    企业名称 / name           统一社会信用代码 / credit_code
    营业收入 / revenue (万元)  十大领域 / mic_fields
    六基 / six_foundations    网络强国 / network_power
    主导产品所属领域 / field   (optional: codes or labels of any of the above)

Only the name, the credit-code and the revenue columns and at least one of
the field columns are required; other columns are copied to the output.
Field cells take codes or Chinese labels separated by , 、 ; or ；.

Rows stream through: the CSV is read with ``csv.reader``, a workbook with
openpyxl's read-only ``iter_rows``, and every output row is written as soon
as it is graded, so memory stays flat whatever the number of rows. A bad
row is reported with its row number and column and left ungraded; the rest
are graded. Thresholds come from data/grading.yaml; revenue is an exact
``Decimal`` (no float decides a boundary).
"""

from __future__ import annotations

import csv
import json
import re
import time
from collections import Counter
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any, Callable, Iterator
from urllib.parse import quote

from zjtx_site.errors import RegistryError
from zjtx_site.excel import (
    _PLAIN,
    column_letter,
    from_float,
    normalize_text,
    parse_decimal,
    tidy,
)
from zjtx_site.excel.xlsx import Book
from zjtx_site.intake import creditcode
from zjtx_site.intake.fields import choice_key, lookup
from zjtx_site.intake.numbers import out_of_bounds
from zjtx_site.intake.schema import COMPANY, MIC_FIELDS, SIX_FOUNDATIONS
from zjtx_site.render.escape import md
from zjtx_site.scoring.host import load as load_plugins

SUMMARY_FORMAT = "zjtx-classify-summary/1"
MAX_STORED_ERRORS = 1000     # every error is in the output CSV; the summary keeps the first ones
OUT_COLUMNS = ("分级", "规模档", "产业领域符合", "问题")
NETWORK = "network_power"
NONE_FIELD = "none"




# The result CSV is meant for Excel, where a cell starting with one of these is
# a live formula (=HYPERLINK(...), +cmd|...); OWASP's CSV-injection guidance:
# prefix such a cell with a single quote, which spreadsheets show as text.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_INERT = "'"
_LIVE = re.compile("(?:^|\x1f)[=+\\-@\t\r]")


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


# Field tokens ------------------------------------------------------------------

_TOKEN_SPLIT = re.compile(r"[,，、;；/|\n]+")
_NONE_WORDS = {"", "无", "否", "-", "—", "--", "/", "none", "no", "n", "false", "0", "[]", "不属于"}
_TRUE_WORDS = {"是", "有", "true", "yes", "y", "1", "√", "属于"}


def _token_map() -> dict[str, tuple[str, str]]:
    """Every spelling of a field → (group, code): codes, Appendix A labels and
    the official names of the field table (中国制造2025, the standard's text)."""
    out: dict[str, tuple[str, str]] = {}
    for group, choices in (("mic_fields", MIC_FIELDS), ("six_foundations", SIX_FOUNDATIONS)):
        for c in choices:
            for name in (str(c.value), c.label, *c.aliases):
                for t in (name.lower(), normalize_text(name).replace(" ", "").lower(), choice_key(name)):
                    out[t] = (group, str(c.value))
    for t in ("网络强国", "网络强国建设重点领域", "属于网络强国建设重点领域", "network_power", "networkpower"):
        out[t] = (NETWORK, NETWORK)
    for t in ("六基", "工业六基"):
        out.pop(t, None)
    return out


TOKENS = _token_map()
FIELD_LABELS: dict[str, tuple[str, str]] = {
    **{str(c.value): ("十大领域", c.label) for c in MIC_FIELDS},
    **{str(c.value): ("六基", c.label) for c in SIX_FOUNDATIONS},
    NETWORK: ("网络强国", "网络强国建设重点领域"),
    NONE_FIELD: ("—", "不属于上述领域"),
}


class _Cache(dict):
    """Parsed field cells; registries repeat a few values, so a small bounded
    cache saves the parsing without growing with the rows."""

    LIMIT = 4096

    def put(self, key: str, value: Any) -> Any:
        if len(self) >= self.LIMIT:
            self.clear()
        self[key] = value
        return value


def parse_fields(text: str, cache: _Cache) -> tuple[tuple[str, ...], str | None]:
    """(field codes — ``network_power`` included — , error) of a field cell."""
    hit = cache.get(text)
    if hit is not None:
        return hit
    t = normalize_text(text).lower()
    if t in _NONE_WORDS:
        return cache.put(text, ((), None))
    codes: list[str] = []
    bad = []
    for raw in _TOKEN_SPLIT.split(t):
        tok = raw.strip().replace(" ", "")
        if tok in _NONE_WORDS and tok:
            continue
        if not tok:
            continue
        hit2 = TOKENS.get(tok) or TOKENS.get(choice_key(tok))
        if hit2 is None:
            bad.append(raw.strip())
        elif hit2[1] not in codes:
            codes.append(hit2[1])
    if bad:
        err = (f"不认识的领域“{'、'.join(bad)}”；请填十大领域、工业六基的名称或代码"
               "（如 新材料 / new_materials、关键软件 / key_software）或“网络强国”，多个用、分隔")
        return cache.put(text, ((), err))
    return cache.put(text, (tuple(codes), None))


def parse_flag(text: str) -> tuple[bool | None, str | None]:
    t = normalize_text(text).lower()
    if t == "":
        return None, None
    if t in _TRUE_WORDS or TOKENS.get(t, ("",))[0] == NETWORK:
        return True, None
    if t in _NONE_WORDS:
        return False, None
    return None, f"应填“是”或“否”，实际是“{text.strip()}”"


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


# Grading ------------------------------------------------------------------------

@dataclass(frozen=True)
class Scale:
    """The registered grader, as classify uses it: its table for the summary,
    its ``level_for`` for every row (the one place §7.1 is applied)."""
    levels: tuple[tuple[Decimal, str, str], ...]   # (min revenue, level, band), highest first
    unmatched: tuple[str, str]
    source: str
    grader: Any

    @classmethod
    def of(cls, grader: Any) -> "Scale":
        data = grader.describe()
        levels = tuple(sorted(((Decimal(str(lv["min"])), lv["level"], lv["band"]) for lv in data["levels"]),
                              reverse=True))
        return cls(levels, (data["unmatched"]["level"], data["unmatched"]["band"]), data.get("source", ""), grader)

    @property
    def all_levels(self) -> list[str]:
        return sorted({lv for _, lv, _ in self.levels} | {self.unmatched[0]})

    def grade(self, revenue: Decimal, matched: bool) -> tuple[str, str]:
        """(level, revenue band). Revenue below every minimum (negative) is refused before this."""
        level, band = self.grader.level_for(Fraction(revenue), matched)
        return str(level), str(band)


@dataclass
class Summary:
    source: str
    rows: int = 0
    graded: int = 0
    bad_rows: int = 0
    blank_rows: int = 0
    levels: Counter = field(default_factory=Counter)
    revenue: dict[str, Decimal] = field(default_factory=dict)
    fields: dict[str, Counter] = field(default_factory=dict)
    errors: list[dict] = field(default_factory=list)   # the first MAX_STORED_ERRORS
    error_total: int = 0
    seconds: float = 0.0
    outputs: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def error(self, row: int, column: str, message: str) -> None:
        self.error_total += 1
        if len(self.errors) < MAX_STORED_ERRORS:
            self.errors.append({"row": row, "column": column, "message": message})

    def to_json(self, scale: Scale) -> dict:
        levels = scale.all_levels
        bands = {lv: b for _, lv, b in scale.levels}
        bands[scale.unmatched[0]] = scale.unmatched[1]
        return {
            "format": SUMMARY_FORMAT,
            "source": self.source,
            "rule": scale.source,
            "rows": self.rows, "graded": self.graded, "bad_rows": self.bad_rows,
            "blank_rows": self.blank_rows,
            "levels": [{"level": lv, "band": bands[lv], "count": self.levels.get(lv, 0),
                        "share": _share(self.levels.get(lv, 0), self.graded),
                        "revenue_total": str(tidy(self.revenue.get(lv, Decimal(0))))}
                       for lv in levels],
            "fields": [{"key": k, "group": FIELD_LABELS[k][0], "label": FIELD_LABELS[k][1],
                        "count": sum(self.fields.get(k, Counter()).values()),
                        "by_level": {lv: self.fields.get(k, Counter()).get(lv, 0) for lv in levels}}
                       for k in FIELD_LABELS],
            "errors": self.errors,
            "errors_total": self.error_total,
            "errors_truncated": self.error_total > len(self.errors),
            "outputs": self.outputs,
        }


def _share(n: int, total: int) -> str:
    if not total:
        return "0.0"
    return str((Decimal(n) * 100 / Decimal(total)).quantize(Decimal("0.1"), ROUND_HALF_UP))


def classify(source: Path, output: Path, *, sheet: str | None = None, chart: bool = True,
             write_summary: bool = True, progress: Callable[[str], None] | None = None,
             grader: Any = None) -> Summary:
    """Grade every row of ``source`` into ``output`` (CSV), then write the
    summary next to it: ``<stem>.summary.json``, ``.summary.md`` and ``.levels.svg``.

    ``grader`` is the registered one (``zjtx classify`` passes the project's);
    by default the plugin host is loaded without a project."""
    start = time.perf_counter()
    if grader is None:
        grader = load_plugins(None).grader["grading"].obj
    scale = Scale.of(grader)
    summary = Summary(source=source.name)
    rows = read_rows(source, sheet)
    header_row = None
    for n, row in rows:
        if any(v.strip() for v in row):
            header_row = (n, row)
            break
        summary.blank_rows += 1
    if header_row is None:
        raise RegistryError(f"{source} 是空的：没有表头和数据")
    cols = map_columns(header_row[1], header_row[0])
    output.parent.mkdir(parents=True, exist_ok=True)
    tmp = output.with_name(output.name + ".part")
    with tmp.open("w", encoding="utf-8-sig", newline="") as out:
        write = csv.writer(out).writerow

        def emit(row: list[Any]) -> None:
            # row[0] is the row number; the rest are text. One C-speed search per
            # row; only a row with a live cell is rebuilt
            if _LIVE.search("\x1f".join(row[1:])):
                row = [_INERT + c if c.__class__ is str and c.startswith(FORMULA_START) else c for c in row]
            write(row)

        width = len(cols.headers)
        emit(["行号", *cols.headers, *OUT_COLUMNS])
        _grade_rows(rows, cols, scale, summary, emit, width, progress,
                    csv_rows=source.suffix.lower() != ".xlsx" and source.suffix.lower() != ".xlsm")
    tmp.replace(output)
    summary.outputs["csv"] = output.name
    summary.seconds = time.perf_counter() - start
    if write_summary:
        _write_summary(summary, scale, output, chart)
    return summary


def _grade_rows(rows, cols: Columns, scale: Scale, summary: Summary, emit, width: int, progress,
                csv_rows: bool) -> None:
    ix = cols.index
    i_name, i_code, i_rev = ix["name"], ix["credit_code"], ix["revenue"]
    field_cols = [(k, ix[k]) for k in FIELD_COLUMNS if k in ix]
    factor = cols.revenue_factor
    cache, flags = _Cache(), _Cache()
    where = {k: cols.where(k) for k in ix}
    levels, revenue, fields = summary.levels, summary.revenue, summary.fields
    zero = Decimal(0)
    for n, cells in rows:
        if len(cells) != width:
            if len(cells) < width:
                cells = cells + [""] * (width - len(cells))
        if not "".join(cells).strip():
            summary.blank_rows += 1
            continue
        summary.rows += 1
        errs: list[tuple[str, str]] = []
        # a CSV row longer than its header has shifted columns (an unquoted 1,200);
        # a workbook row may run on past the header only with empty cells
        if len(cells) > width and (csv_rows or "".join(cells[width:]).strip()):
            extra = len(cells) - width
            summary.bad_rows += 1
            msg = (f"此行有 {len(cells)} 个单元格，比表头多 {extra} 个（{column_letter(width + 1)} 列起）；"
                   "可能是数字中的千位分隔符或文字中的逗号没有加引号，各列已错位")
            summary.error(n, "", msg)
            emit([n, *cells[:width], "", "", "", "错误：" + msg])
            continue
        if not cells[i_name].strip():
            errs.append(("name", "缺少企业名称"))
        code = cells[i_code]
        if code and not creditcode.is_valid(code):
            code_n = normalize_text(code).replace(" ", "").upper()
            if code_n and not creditcode.is_valid(code_n):
                errs.append(("credit_code", f"统一社会信用代码“{code.strip()}”无效：{creditcode.problem(code_n)}"))
        rev_text = cells[i_rev]
        rev = None
        if not rev_text.strip():
            errs.append(("revenue", "缺少营业收入"))
        else:
            rev = _revenue(rev_text, factor)
            # a bounded number is short; only a long cell can hide 300,000 decimals
            why = out_of_bounds(rev) if rev is not None and len(rev_text) > 30 else None
            if rev is None:
                errs.append(("revenue", f"营业收入应为数字（万元），实际是“{_short(rev_text)}”"))
            elif why:
                errs.append(("revenue", f"营业收入超出范围：{why}"))
            elif rev < zero:
                errs.append(("revenue", f"营业收入不能为负数：{rev_text.strip()}"))
        codes: list[str] = []
        network = None
        for key, i in field_cols:
            text = cells[i]
            if key == NETWORK:
                flag, err = flags.get(text) or flags.put(text, parse_flag(text))
                if err:
                    errs.append((key, err))
                elif flag:
                    network = True
                elif flag is False and network is None:
                    network = False
                continue
            got, err = parse_fields(text, cache)
            if err:
                errs.append((key, err))
            for c in got:
                if c not in codes:
                    codes.append(c)
        if errs:
            summary.bad_rows += 1
            msg = "；".join(f"{where[k]}：{m}" for k, m in errs)
            for k, m in errs:
                summary.error(n, cols.headers[ix[k]], m)
            emit([n, *cells[:width], "", "", "", "错误：" + msg])
            continue
        assert rev is not None   # a row without a readable revenue has an error, handled above
        if network and NETWORK not in codes:
            codes.append(NETWORK)
        matched = bool(codes)
        level, band = scale.grade(rev, matched)
        summary.graded += 1
        levels[level] += 1
        revenue[level] = revenue.get(level, zero) + rev
        for c in codes or (NONE_FIELD,):
            ctr = fields.get(c)
            if ctr is None:
                ctr = fields[c] = Counter()
            ctr[level] += 1
        emit([n, *cells, level, band, "是" if matched else "否", ""] if len(cells) == width else
             [n, *cells[:width], level, band, "是" if matched else "否", ""])
        if progress and summary.rows % 100000 == 0:
            progress(f"已处理 {summary.rows} 行")


def _short(text: str) -> str:
    text = text.strip()
    return text if len(text) <= 40 else text[:37] + "..."


_REV_UNIT = re.compile(r"(万元|万|亿元|亿|元)\Z")


def _revenue(text: str, factor: Decimal) -> Decimal | None:
    if _PLAIN.match(text):     # the common case: plain ASCII digits
        d = Decimal(text)
        return d * factor if factor != 1 else d
    t = normalize_text(text)
    m = _REV_UNIT.search(t)
    if m:
        factor = UNIT_FACTORS[m.group(1)]
        t = t[: m.start()].strip()
    parsed = parse_decimal(t)
    if parsed is None:
        return None
    return parsed * factor if factor != 1 else parsed


# Summary files -------------------------------------------------------------------

def _write_summary(summary: Summary, scale: Scale, output: Path, chart: bool) -> None:
    stem = output.with_suffix("")
    svg_path = stem.with_name(stem.name + ".levels.svg")
    if chart:
        try:
            from zjtx_site.render.charts import FontMissing, bars

            levels = scale.all_levels
            svg_path.write_bytes(bars(levels, [summary.levels.get(lv, 0) for lv in levels]))
            summary.outputs["chart"] = svg_path.name
        except FontMissing as exc:
            summary.notes.append(f"未生成图表：{exc}")
    json_path = stem.with_name(stem.name + ".summary.json")
    md_path = stem.with_name(stem.name + ".summary.md")
    summary.outputs["json"] = json_path.name
    summary.outputs["markdown"] = md_path.name
    data = summary.to_json(scale)
    json_path.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    md_path.write_text(summary_markdown(data), encoding="utf-8")


def summary_markdown(data: dict) -> str:
    """A page for the site (or any Markdown viewer) from the summary JSON.

    Everything that comes from the registry (its file name, its headers, the
    cells quoted in messages) is escaped: no ``<script>``, link or table
    break of a registry reaches the page."""
    levels = [lv["level"] for lv in data["levels"]]
    lines = [
        "# 企业名录分级统计",
        "",
        f"依据 {md(data['rule'] or 'T/GZHTEA003-2024 §7.1')} 分级；数据来源：{md(data['source'])}。"
        f"共 {data['rows']} 行企业数据，已分级 {data['graded']} 家，"
        f"有问题未分级 {data['bad_rows']} 行（另有空行 {data['blank_rows']} 行）。",
        "",
    ]
    if data["outputs"].get("chart"):
        lines += [f"![各级别企业数]({quote(data['outputs']['chart'])})", ""]
    lines += ["## 各级别企业数", "", "| 级别 | 规模 | 企业数 | 占比 | 营业收入合计（万元） |",
              "|---|---|---:|---:|---:|"]
    for lv in data["levels"]:
        lines.append(f"| {lv['level']} | {lv['band']} | {lv['count']} | {lv['share']}% | {lv['revenue_total']} |")
    lines += ["", "## 按主导产品所属领域", "",
              "一家企业可属于多个领域，各领域合计可能大于企业数。", "",
              "| 类别 | 领域 | " + " | ".join(levels) + " | 合计 |",
              "|---|---|" + "---:|" * (len(levels) + 1)]
    for f in data["fields"]:
        if not f["count"]:
            continue
        cells = " | ".join(str(f["by_level"][lv]) for lv in levels)
        lines.append(f"| {f['group']} | {f['label']} | {cells} | {f['count']} |")
    if data["errors"]:
        lines += ["", "## 有问题的行", ""]
        if data["errors_truncated"]:
            rest = data["errors_total"] - len(data["errors"])
            lines += [(f"（只列出前 {len(data['errors'])} 个问题，另有 {rest} 个未列出；"
                       "全部问题见输出 CSV 的“问题”列。）"), ""]
        lines += ["| 行 | 列 | 问题 |", "|---:|---|---|"]
        for e in data["errors"]:
            lines.append(f"| {e['row']} | {md(e['column'])} | {md(e['message'])} |")
    return "\n".join(lines) + "\n"


def default_output(source: Path) -> Path:
    return source.with_name(source.stem + "-分级.csv")
