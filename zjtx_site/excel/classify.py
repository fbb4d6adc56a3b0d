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
import re
import time
from collections import Counter
from decimal import Decimal
from pathlib import Path
from typing import Any, Callable

from zjtx_site.errors import RegistryError
from zjtx_site.excel import column_letter, normalize_text
from zjtx_site.excel.classify_summary import Scale, Summary, write_summary_files
from zjtx_site.excel.registry_cells import NONE_FIELD, Cache, parse_fields, parse_flag, parse_revenue
from zjtx_site.excel.registry_reader import FIELD_COLUMNS, NETWORK, Columns, map_columns, read_rows
from zjtx_site.intake import creditcode
from zjtx_site.intake.numbers import out_of_bounds
from zjtx_site.scoring.host import load as load_plugins

OUT_COLUMNS = ("分级", "规模档", "产业领域符合", "问题")


# The result CSV is meant for Excel, where a cell starting with one of these is
# a live formula (=HYPERLINK(...), +cmd|...); OWASP's CSV-injection guidance:
# prefix such a cell with a single quote, which spreadsheets show as text.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_INERT = "'"
_LIVE = re.compile("(?:^|\x1f)[=+\\-@\t\r]")


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
        write_summary_files(summary, scale, output, chart)
    return summary


def _grade_rows(rows, cols: Columns, scale: Scale, summary: Summary, emit, width: int, progress,
                csv_rows: bool) -> None:
    ix = cols.index
    i_name, i_code, i_rev = ix["name"], ix["credit_code"], ix["revenue"]
    field_cols = [(k, ix[k]) for k in FIELD_COLUMNS if k in ix]
    factor = cols.revenue_factor
    cache, flags = Cache(), Cache()
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
            rev = parse_revenue(rev_text, factor)
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


def default_output(source: Path) -> Path:
    return source.with_name(source.stem + "-分级.csv")
