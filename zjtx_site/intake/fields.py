"""The vocabulary of the field table: what a field is, and the kinds of value.

The table itself lives in :mod:`zjtx_site.intake.schema`. Everything that needs a
field's label, unit, type or bounds (validator, model, scaffold, docs, the
Excel form, reports) reads it from there, never from a literal of its own.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from decimal import Decimal
from typing import Iterator


class Kind(enum.Enum):
    INT = "整数"
    MONEY = "金额"
    PERCENT = "百分比"
    NUMBER = "数值"
    YEAR = "年份"
    BOOL = "是/否"
    DATE = "日期"
    TEXT = "文本"
    CREDIT_CODE = "统一社会信用代码"
    ENUM = "单选"
    ENUM_LIST = "多选"
    TEXT_LIST = "文本列表"
    GROUP = "分组"
    RECORDS = "多条记录"
    FREE = "自由映射"


NUMERIC_KINDS = frozenset({Kind.INT, Kind.MONEY, Kind.PERCENT, Kind.NUMBER, Kind.YEAR})
CONTAINER_KINDS = frozenset({Kind.GROUP, Kind.RECORDS})


@dataclass(frozen=True, slots=True)
class Choice:
    value: str | int
    label: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Field:
    """One key of the company file.

    ``min``/``max`` are hard bounds (an error); ``warn_max`` is a soft one
    (printed, never fails). ``items`` bounds the length of lists and record
    lists as (min, max).
    """

    key: str
    label: str
    kind: Kind
    unit: str = ""
    required: bool = False
    min: Decimal | int | None = None
    max: Decimal | int | None = None
    warn_max: Decimal | int | None = None
    choices: tuple[Choice, ...] = ()
    items: tuple[int | None, int | None] = (None, None)
    children: tuple["Field", ...] = ()
    hint: str = ""
    personal: bool = False
    max_len: int | None = None
    section: str = ""

    def child(self, key: str) -> "Field | None":
        for c in self.children:
            if c.key == key:
                return c
        return None

    def choice_label(self, value: object) -> str:
        for c in self.choices:
            if c.value == value:
                return c.label
        return str(value)

    @property
    def choice_values(self) -> tuple[str | int, ...]:
        return tuple(c.value for c in self.choices)

    def allowed_text(self) -> str:
        """What a valid value looks like, in the words staff read."""
        k = self.kind
        if k in (Kind.ENUM, Kind.ENUM_LIST):
            opts = "、".join(f"{c.value}（{c.label}）" for c in self.choices)
            return ("可选值：" if k is Kind.ENUM else "列表，每项可选：") + opts
        if k is Kind.BOOL:
            return "只能填 true（是）或 false（否）"
        if k is Kind.DATE:
            return "日期，格式 YYYY-MM-DD，例如 2026-05-20"
        if k is Kind.CREDIT_CODE:
            return "18 位统一社会信用代码（GB 32100-2015，含校验位）"
        if k is Kind.TEXT:
            return "文本" + (f"，不超过 {self.max_len} 字" if self.max_len else "")
        if k is Kind.TEXT_LIST:
            n = self.items[1]
            return "文本列表" + (f"，最多 {n} 项" if n else "")
        if k in NUMERIC_KINDS:
            word = "整数" if k in (Kind.INT, Kind.YEAR) else "数字"
            lo, hi = self.min, self.max
            if lo is not None and hi is not None:
                rng = f"{lo}～{hi}"
            elif lo is not None:
                rng = f"不小于 {lo}"
            elif hi is not None:
                rng = f"不大于 {hi}"
            else:
                rng = ""
            unit = f"（单位：{self.unit}）" if self.unit else ""
            return f"{word}{('，' + rng) if rng else ''}{unit}"
        if k is Kind.GROUP:
            return "映射（键: 值）"
        if k is Kind.RECORDS:
            lo, hi = self.items
            if lo is not None and lo == hi:
                return f"列表，恰好 {lo} 条记录"
            return "列表（每条一个映射）"
        return ""


def walk(root: Field, prefix: str = "") -> Iterator[tuple[str, Field]]:
    """Every field below ``root`` with its dotted key (``financials[].revenue``)."""
    for f in root.children:
        path = f"{prefix}{f.key}"
        yield path, f
        if f.kind is Kind.GROUP:
            yield from walk(f, path + ".")
        elif f.kind is Kind.RECORDS:
            yield from walk(f, path + "[].")


def lookup(root: Field, dotted: str) -> Field:
    """The field at a dotted key; ``KeyError`` when the table has none."""
    node = root
    for part in dotted.replace("[]", "").split("."):
        nxt = node.child(part)
        if nxt is None:
            raise KeyError(dotted)
        node = nxt
    return node
