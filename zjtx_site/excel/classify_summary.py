"""The grading scale as classify applies and reports it, and the summary
of a graded registry: counts and revenue by level, fields by level, the
first errors, written as JSON, Markdown and a bar chart.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any
from urllib.parse import quote

from zjtx_site.excel import tidy
from zjtx_site.excel.registry_cells import FIELD_LABELS
from zjtx_site.render.escape import md

SUMMARY_FORMAT = "zjtx-classify-summary/1"
MAX_STORED_ERRORS = 1000     # every error is in the output CSV; the summary keeps the first ones


# The grading scale ---------------------------------------------------------------

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


# Summary files -------------------------------------------------------------------

def write_summary_files(summary: Summary, scale: Scale, output: Path, chart: bool) -> None:
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
