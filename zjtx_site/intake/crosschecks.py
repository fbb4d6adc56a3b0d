"""Checks that relate two or more fields (the table checks one at a time)."""

from __future__ import annotations

from datetime import date
from typing import Any

from zjtx_site.intake.fields import lookup
from zjtx_site.intake.problems import DocPath, Problem, Severity, dotted
from zjtx_site.intake.schema import COMPANY


def _label(key: str) -> str:
    return lookup(COMPANY, key).label


class CrossChecker:
    def __init__(self, shown: str):
        self.shown = shown
        self.problems: list[Problem] = []

    def add(self, path: DocPath, label: str, message: str,
            severity: Severity = Severity.ERROR) -> None:
        self.problems.append(Problem(file=self.shown, doc_path=path, severity=severity,
                                     message=f"「{label}」（{dotted(path)}）{message}"))

    def run(self, c: dict[str, Any]) -> list[Problem]:
        fin = c.get("financials") or ()
        # a record that failed validation is None (kept so indexes match the file)
        for i, y in enumerate(fin):
            if y is None:
                continue
            self.not_above(("financials", i), y, "main_revenue", "revenue")
            self.not_above(("financials", i), y, "rd_expense", "revenue")
            self.not_above(("financials", i), y, "rd_staff", "employees")
        self.years(("financials",), fin, "financials[].year", exact=3)
        assessed = c.get("assessed_on")
        if fin and isinstance(assessed, date) and all(y and y.get("year") for y in fin):
            last = fin[-1]["year"]
            if last >= assessed.year:
                self.add(("financials", len(fin) - 1, "year"), _label("financials[].year"),
                         f"最后一年 {last} 不早于评估日期 {assessed.isoformat()} 所在年份；"
                         "最后一年应为评估前已结束的“上年度”")
        dist = c.get("distinctiveness") or {}
        for key in ("market_share", "own_brands"):
            recs = dist.get(key)
            if recs:
                self.years(("distinctiveness", key), recs, f"distinctiveness.{key}[].year")
        self.listing(c.get("basic") or {})
        ip = (c.get("innovation") or {}).get("ip") or {}
        for sub in ("class1_self_developed", "class1_high_value", "class1_applied"):
            self.not_above(("innovation", "ip"), ip, sub, "class1", prefix="innovation.ip.")
        return self.problems

    def not_above(self, path: DocPath, rec: dict, part: str, whole: str, prefix: str = "financials[].") -> None:
        a, b = rec.get(part), rec.get(whole)
        if a is not None and b is not None and a > b:
            self.add(path + (part,), _label(prefix + part),
                     f"{a} 大于「{_label(prefix + whole)}」{b}；"
                     f"前者是后者的一部分，不能更大")

    def years(self, path: DocPath, recs: tuple, key: str, exact: int | None = None) -> None:
        years = [y for r in recs if r and (y := r.get("year")) is not None]
        if len(years) != len(recs):
            return
        consecutive = all(b == a + 1 for a, b in zip(years, years[1:]))
        if not consecutive:
            shown = "、".join(str(y) for y in years)
            want = f" {exact} 个" if exact else ""
            self.add(path, _label(key), f"应为{want}连续递增的年份（从早到晚），实际为 {shown}")

    def listing(self, basic: dict) -> None:
        lst = basic.get("listing") or {}
        status = lst.get("status")
        if status is None:
            return
        for key, only in (("progress", "planned"), ("venue", "planned"), ("stock_code", "listed")):
            if lst.get(key) is not None and status != only:
                label = lookup(COMPANY, "basic.listing.status").choice_label(only)
                self.add(("basic", "listing", key), _label("basic.listing." + key),
                         f"只在上市情况为 {only}（{label}）时填写",
                         Severity.WARNING)
