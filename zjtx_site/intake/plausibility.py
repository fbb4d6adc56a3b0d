"""Figures that pass every hard bound but look like a typing mistake.

Revenue typed in 元 instead of 万元, a percentage typed as a fraction, a
tenfold-tenfold jump between years: each changes a grade silently, so each
is a warning that says what the figure probably is and what to write
instead. The bounds are the field table's (``Field.plausible`` in
:mod:`zjtx_site.intake.schema`); this module only applies them.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from zjtx_site.intake.fields import Field, Kind, Plausible, walk
from zjtx_site.intake.numbers import plain
from zjtx_site.intake.problems import DocPath, Problem, Severity, dotted
from zjtx_site.intake.schema import COMPANY

# (records key, its path, the fields with soft bounds), from the table, once
_RULES = tuple(
    (key, tuple(key.split(".")), tuple(c for c in f.children if c.plausible is not None))
    for key, f in walk(COMPANY) if f.kind is Kind.RECORDS and any(c.plausible for c in f.children))


def check(clean: dict[str, Any], shown: str) -> list[Problem]:
    """Warnings for the validated data of one file (values that failed
    validation are None and are skipped)."""
    out: list[Problem] = []
    for key, base, fields in _RULES:
        records = _get(clean, key)
        if records:
            for f in fields:
                out += _Series(shown, f, base, records, clean).problems()
    return out


def _get(data: dict[str, Any], key: str) -> Any:
    node: Any = data
    for part in key.split("."):
        if not isinstance(node, dict):
            return None
        node = node.get(part)
    return node


def _num(v: Decimal | int) -> str:
    return str(plain(Decimal(v)))


def _round(v: Decimal) -> str:
    return _num(v.quantize(Decimal("0.1"), ROUND_HALF_UP) if abs(v) >= 1 else v.quantize(Decimal("0.0001"), ROUND_HALF_UP))


class _Series:
    """One field across the records of a list (a figure over the years)."""

    def __init__(self, shown: str, f: Field, base: DocPath, records: tuple, clean: dict):
        self.shown, self.f, self.base, self.clean = shown, f, base, clean
        self.rule: Plausible = f.plausible  # type: ignore[assignment]
        self.records = [r if isinstance(r, dict) else {} for r in records]
        self.values: list[Decimal | None] = [
            None if r.get(f.key) is None else Decimal(r[f.key]) for r in self.records]
        self.flagged: set[int] = set()
        self.out: list[Problem] = []

    def problems(self) -> list[Problem]:
        # most telling first: a figure gets one warning, from the first rule it fails
        for check in (self.fractions, self.per_person, self.jumps, self.changes, self.sme):
            check()
        return self.out

    # helpers ------------------------------------------------------------------
    def warn(self, i: int, message: str) -> None:
        path = self.base + (i, self.f.key)
        self.flagged.add(i)
        self.out.append(Problem(file=self.shown, severity=Severity.WARNING, doc_path=path,
                                message=f"「{self.f.label}」（{dotted(path)}）{message}"))

    def year(self, i: int) -> str:
        y = self.records[i].get("year")
        return f" {y} 年" if y is not None else f"第 {i + 1} 条"

    def unit(self) -> str:
        return self.f.unit

    def pairs(self) -> Iterator[tuple[int, int, Decimal, Decimal]]:
        """Consecutive years with two positive figures, not yet flagged."""
        for i in range(1, len(self.values)):
            a, b = self.values[i - 1], self.values[i]
            if a is not None and b is not None and a > 0 and b > 0:
                yield i - 1, i, a, b

    def name(self) -> str:
        return self.f.label.removeprefix("其中：")

    def in_big_unit(self, v: Decimal) -> str:
        r = self.rule
        return (f"像是按{r.big_unit}填写：{self.name()}的单位是{self.unit()}，"
                f"{_num(v)} {r.big_unit}应填 {_num(v / r.unit_factor)}")

    def in_small_unit(self, v: Decimal) -> str:
        r = self.rule
        return f"像是按{r.small_unit}填写：{_num(v)} {r.small_unit}应填 {_num(v * r.unit_factor)}"

    # the rules ----------------------------------------------------------------
    def fractions(self) -> None:
        if not self.rule.fraction:
            return
        for i, v in enumerate(self.values):
            others = [x for j, x in enumerate(self.values) if j != i and x is not None]
            if v is not None and 0 < v < 1 and others and all(x >= 1 for x in others):
                shown = "、".join(_num(x) for x in others)
                self.warn(i, f"为 {_num(v)}，而其他年份都不小于 1（{shown}）：像是按小数填写的比例；"
                             f"{_num(v)} 即 {_num(v * 100)}%，应填 {_num(v * 100)}")

    def jumps(self) -> None:
        """A figure near ``unit_factor`` times the others': with three years,
        the odd one out against the middle one; with two, the bigger."""
        band = self.rule.unit_jump
        if band is None:
            return
        lo, hi = band
        known = [(i, v) for i, v in enumerate(self.values) if v is not None and v > 0]
        if len(known) < 2:
            return
        if len(known) == 2:
            (i, a), (j, b) = known
            big, small = (i, j) if a > b else (j, i)
            ratio = self.values[big] / self.values[small]  # type: ignore[operator]
            if lo <= ratio <= hi and not {big, small} & self.flagged:
                self.jumped(big, small, ratio)
            return
        middle = sorted(v for _, v in known)[len(known) // 2]
        pivot = next(i for i, v in known if v == middle)
        for i, v in known:
            if i in self.flagged or i == pivot:
                continue
            ratio = v / middle
            if lo <= ratio <= hi:
                self.jumped(i, pivot, ratio)
            elif lo <= 1 / ratio <= hi:
                self.warn(i, f"为 {_num(v)}，只有{self.year(pivot)}（{_num(middle)}）的 1/{_round(1 / ratio)}，"
                             f"{self.in_small_unit(v)}（若是其他年份按{self.rule.big_unit}填写，请改那几年）")

    def jumped(self, big: int, small: int, ratio: Decimal) -> None:
        v = self.values[big]
        self.warn(big, f"为 {_num(v)}，是{self.year(small)}（{_num(self.values[small])}）的 {_round(ratio)} 倍，"  # type: ignore[arg-type]
                       f"{self.in_big_unit(v)}（若是其他年份按{self.rule.small_unit}填写，请改那几年）")  # type: ignore[arg-type]

    def per_person(self) -> None:
        band = self.rule.per_person
        if band is None:
            return
        lo, hi = band
        for i, v in enumerate(self.values):
            people = self.records[i].get("employees")
            if v is None or i in self.flagged or not people or v <= 0:
                continue
            each = v / people
            where = f"按全职员工 {people} 人计每人 {_round(each)} {self.unit()}"
            if each > hi:
                self.warn(i, f"为 {_num(v)}，{where}，远超实际企业（每人不超过 {_num(hi)} {self.unit()}）；"
                             + self.in_big_unit(v))
            elif each < lo:
                self.warn(i, f"为 {_num(v)}，{where}，远低于实际企业（每人至少约 {_num(lo)} {self.unit()}）；"
                             f"{self.in_small_unit(v)}，否则请核对全职员工数量")

    def changes(self) -> None:
        limit = self.rule.max_change
        if limit is None:
            return
        for i, j, a, b in self.pairs():
            if i in self.flagged or j in self.flagged:
                continue
            ratio = max(a, b) / min(a, b)
            if ratio > limit:
                way = "增长到 " if b > a else "下降到 "
                times = f"{_round(ratio)} 倍" if b > a else f"1/{_round(ratio)}"
                self.warn(j, f"为 {_num(b)}，比{self.year(i)}（{_num(a)}）{way}{times}，超过一年 {limit} 倍的变化："
                             f"像是多写或漏写了数位，或单位不是{self.unit()}；请按财务报表核对，以{self.unit()}填写")

    def sme(self) -> None:
        limit = self.rule.sme_max
        last = len(self.values) - 1
        if limit is None or last < 0 or last in self.flagged:
            return
        v = self.values[last]
        if v is None or v < limit or (self.clean.get("basic") or {}).get("sme") is not True:
            return
        self.warn(last, f"为 {_num(v)}，不低于 {limit} {self.unit()}，而企业填了中小企业（basic.sme: true）："
                        f"若{self.in_big_unit(v).removeprefix('像是')}；若数字无误，请按《中小企业划型标准》核对 basic.sme")
