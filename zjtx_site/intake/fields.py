"""The vocabulary of the field table: what a field is, and the kinds of value.

The table itself lives in :mod:`zjtx_site.intake.schema`. Everything that needs a
field's label, unit, type or bounds (validator, model, scaffold, docs, the
Excel form, reports) reads it from there, never from a literal of its own.
"""

from __future__ import annotations

import dataclasses
import enum
import unicodedata
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
    """One allowed value: the code written in YAML, the form's label, and the
    other official names (中国制造2025, the standard's own text) accepted for it."""

    value: str | int
    label: str
    aliases: tuple[str, ...] = ()

    @property
    def shown(self) -> str:
        """The canonical form, as messages show it: ``rail（先进轨道交通设备）``."""
        return f"{self.value}（{self.label}）"


def choice_key(text: str) -> str:
    """What two spellings of one name share: full-width folded, no spaces or
    quotes, lower case (``ISO 9001`` = ``iso9001``, ``“六基”`` = ``六基``)."""
    t = unicodedata.normalize("NFKC", text)
    return "".join(ch for ch in t if not ch.isspace() and ch not in "\"'“”‘’").lower()


@dataclass(frozen=True, slots=True, kw_only=True)
class Plausible:
    """Soft bounds on a figure of a yearly record, each naming the mistake it
    catches. A value outside them is a warning (an error under
    ``zjtx check --strict``).

    ``unit_jump``: a ratio between two years in this band means one of them
    was typed in ``big_unit``, which is ``unit_factor`` times smaller than the
    field's unit (元 in a 万元 field); ``small_unit`` is the unit that many
    times larger (亿元).
    ``per_person``: the band of the figure per full-time employee of the same
    year; outside it, the unit is wrong.
    ``max_change``: a year-on-year ratio no real company shows.
    ``sme_max``: with ``basic.sme: true``, the last year's figure is below it.
    ``fraction``: a percentage below 1 while the other years are 1 or more was
    typed as a fraction (0.415 for 41.5).
    """

    unit_factor: int = 1
    big_unit: str = ""
    small_unit: str = ""
    unit_jump: tuple[Decimal, Decimal] | None = None
    per_person: tuple[Decimal, Decimal] | None = None
    max_change: int | None = None
    sme_max: int | None = None
    fraction: bool = False


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
    plausible: Plausible | None = None
    # every spelling of every choice (choice_key) → the choice; built once, with the field
    _names: dict[str, Choice] | None = dataclasses.field(default=None, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.choices:
            object.__setattr__(self, "_names", _choice_index(self.choices))

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

    def choice_for(self, text: object) -> Choice | None:
        """The choice a written value names: its code, its label or one of its
        official aliases, however spaced or full-width; None when none does."""
        if not isinstance(text, str) or self._names is None:
            return next((c for c in self.choices if c.value == text and type(c.value) is type(text)), None)
        return self._names.get(text) or self._names.get(choice_key(text))

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


def _choice_index(choices: tuple[Choice, ...]) -> dict[str, Choice]:
    index: dict[str, Choice] = {}
    for c in choices:
        for name in (str(c.value), c.label, *c.aliases):
            other = index.setdefault(choice_key(name), c)
            if other is not c:  # one name, two meanings: a table bug
                raise AssertionError(f"{name!r} names both {other.value} and {c.value}")
    return index


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
