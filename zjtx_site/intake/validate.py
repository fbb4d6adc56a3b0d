"""Field-by-field validation against the field table.

Walks the parsed data beside :data:`zjtx_site.intake.schema.COMPANY`, collecting
every problem (never stopping at the first) and producing clean values:
``Decimal`` for money and rates, ``int`` for counts, ``date`` for dates,
tuples for lists, and ``None`` for anything absent or null.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from typing import Any

from zjtx_site.intake import creditcode
from zjtx_site.intake.fields import Field, Kind
from zjtx_site.intake.numbers import out_of_bounds
from zjtx_site.intake.problems import (
    UNSEEN,
    DocPath,
    Problem,
    Severity,
    dotted,
    visible,
)
from zjtx_site.intake.typed import LIST_SPLIT, date_fix, list_fix, number_fix
from zjtx_site.intake.yamlload import BadNumber

_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
HIDDEN = "一个值（个人信息，内容不显示）"
_YAML11_BOOLS = {"yes", "no", "on", "off", "y", "n", "是", "否", "true", "false", "True", "False"}


def show(value: Any) -> str:
    """A found value, as staff would recognise it in their file."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        text = value if len(value) <= 40 else value[:37] + "..."
        return f"“{visible(text)}”"
    if isinstance(value, dict):
        return "一个映射（键: 值）"
    if isinstance(value, list):
        return f"一个列表（{len(value)} 项）"
    if value is None:
        return "空"
    return str(value)


class Validator:
    def __init__(self, shown: str):
        self.shown = shown
        self.problems: list[Problem] = []

    # reporting --------------------------------------------------------
    @staticmethod
    def seen(f: Field, value: Any) -> str:
        """The found value for a message; never a personal one (a mobile
        number typed without quotes would end up in CI logs)."""
        return HIDDEN if f.personal else show(value)

    def report(self, f: Field, path: DocPath, what: str, *, allowed: bool = True,
               severity: Severity = Severity.ERROR, at_key: bool = False) -> None:
        tail = f"；应为：{f.allowed_text()}" if allowed and f.allowed_text() else ""
        self.problems.append(Problem(
            file=self.shown, severity=severity, doc_path=path, at_key=at_key,
            message=f"「{f.label}」（{dotted(path)}）{what}{tail}"))

    # walking ----------------------------------------------------------
    def group(self, f: Field, data: Any, path: DocPath) -> dict[str, Any] | None:
        if data is None:
            return None
        if not isinstance(data, dict):
            self.report(f, path, f"应为映射（键: 值），实际是{self.seen(f, data)}", allowed=False)
            return None
        out: dict[str, Any] = {}
        known = {c.key for c in f.children}
        for key in data:
            if key not in known:
                # a key may be a number, null or a list ("? [a, b]"); dotted() takes text
                name = visible(key if isinstance(key, str) else _key_text(key))
                near = _nearest(name, known)
                if f.personal and not re.fullmatch(r"[A-Za-z_]{1,30}", name):
                    name = "（个人信息，不显示）"   # "13800000000: x" is a number, not a key
                hint = f"，是不是想写 “{near}”？" if near else ""
                where = f"「{f.label}」" if path else "文件顶层"
                self.problems.append(Problem(
                    file=self.shown, doc_path=path + (key,), at_key=True,
                    message=f"未知的键 “{name}”（{dotted(path + (name,))}）{hint}；"
                            f"{where}下允许的键：{', '.join(c.key for c in f.children)}"))
        for c in f.children:
            value = data.get(c.key)
            cpath = path + (c.key,)
            if value is None:
                if c.required:
                    self.problems.append(Problem(
                        file=self.shown, doc_path=cpath if c.key in data else path,
                        message=f"缺少必填项「{c.label}」（{dotted(cpath)}）；应为：{c.allowed_text()}"))
                out[c.key] = None
                continue
            out[c.key] = self.value(c, value, cpath)
        return out

    def value(self, f: Field, v: Any, path: DocPath) -> Any:
        k = f.kind
        if k is Kind.GROUP:
            return self.group(f, v, path)
        if k is Kind.RECORDS:
            return self.records(f, v, path)
        if k is Kind.FREE:
            if not isinstance(v, dict):
                self.report(f, path, f"应为映射（键: 值），实际是{show(v)}", allowed=False)
                return None
            self.free_numbers(f, v, path)
            return v
        if k in (Kind.ENUM_LIST, Kind.TEXT_LIST):
            return self.listing(f, v, path)
        return self.scalar(f, v, path)

    def records(self, f: Field, v: Any, path: DocPath) -> tuple | None:
        if not isinstance(v, list):
            self.report(f, path, f"应为列表，实际是{self.seen(f, v)}")
            return None
        lo, hi = f.items
        if (lo is not None and len(v) < lo) or (hi is not None and len(v) > hi):
            self.report(f, path, f"有 {len(v)} 条记录")
        item_field = Field(key=f.key, label=f.label, kind=Kind.GROUP, children=f.children)
        # An unusable record stays as None so that the cross-field checks name the
        # right record (and line) for the ones after it.
        out: list[dict | None] = []
        for i, item in enumerate(v):
            if item is None:
                self.report(f, path + (i,), "第 %d 条记录是空的" % (i + 1), allowed=False)
                out.append(None)
                continue
            out.append(self.group(item_field, item, path + (i,)))
        return tuple(out)

    def listing(self, f: Field, v: Any, path: DocPath) -> tuple | None:
        if not isinstance(v, list):
            fix = _list_fix(f, [v]) if isinstance(v, str) else None
            tail = f"；改为 {fix}" if fix else ""
            self.report(f, path, f"应为列表（例如 [a, b]，没有请填 []），实际是{self.seen(f, v)}{tail}")
            return None
        hi = f.items[1]
        if hi is not None and len(v) > hi:
            self.report(f, path, f"有 {len(v)} 项，超过上限 {hi} 项")
        out = []
        seen = set()
        fix = None
        for i, item in enumerate(v):
            ipath = path + (i,)
            if f.kind is Kind.ENUM_LIST:
                c = f.choice_for(item)
                if c is None:
                    if fix is None and isinstance(item, str) and LIST_SPLIT.search(item):
                        # [rail，nev] is one item to YAML: the whole list, written right
                        fix = _list_fix(f, [x for x in v if isinstance(x, str)]) or ""
                        tail = f"（“，”“、”不能分隔 YAML 列表的项；改为 {fix}）" if fix else ""
                    else:
                        tail = ""
                    self.report(f, ipath, f"不认识的选项 {show(item)}{tail}")
                    continue
                if c.value in seen:
                    self.report(f, ipath, f"选项 {c.shown}重复", allowed=False)
                    continue
                seen.add(c.value)
                out.append(c.value)
            else:
                if not isinstance(item, str) or not item.strip():
                    self.report(f, ipath, f"每项应为非空文本，实际是{self.seen(f, item)}")
                    continue
                if self.controls(f, item, ipath):
                    continue
                out.append(item)
        return tuple(out)

    def controls(self, f: Field, text: str, path: DocPath) -> bool:
        """Report control characters in a text; True when there are some."""
        m = UNSEEN.search(text)
        if m:
            self.report(f, path, f"含有不可见的控制字符 U+{ord(m.group()):04X}，请删除", allowed=False)
        return m is not None

    def free_numbers(self, f: Field, v: Any, path: DocPath) -> None:
        """Numbers under ``extra`` reach plugins' exact arithmetic too."""
        items = v.items() if isinstance(v, dict) else enumerate(v) if isinstance(v, list) else ()
        for key, x in items:
            if isinstance(x, (dict, list)):
                self.free_numbers(f, x, path + (key,))
            elif isinstance(x, (int, Decimal)) and not isinstance(x, bool):
                why = out_of_bounds(x)
                if why:
                    self.report(f, path + (key,), f"中的数字超出范围：{why}", allowed=False)

    def scalar(self, f: Field, v: Any, path: DocPath) -> Any:
        k = f.kind
        if k is Kind.BOOL:
            if isinstance(v, bool):
                return v
            extra = ""
            if isinstance(v, str) and v.strip() in _YAML11_BOOLS:
                extra = "（YAML 1.2 中 yes/no/on/off 是文本，不是是/否）"
            self.report(f, path, f"应为 true 或 false，实际是{show(v)}{extra}")
            return None
        if k in NUMERIC and isinstance(v, (int, Decimal)) and not isinstance(v, bool):
            why = out_of_bounds(v)   # before int() or any comparison that is not free
            if why:
                self.report(f, path, f"超出范围：{why}")
                return None
        if k in NUMERIC and (isinstance(v, bool) or not isinstance(v, (int, Decimal))):
            word = "整数" if k in (Kind.INT, Kind.YEAR) else "数字"
            self.report(f, path, f"应为{word}，实际是{show(v)}{_number_hint(f, v)}")
            return None
        if k in (Kind.INT, Kind.YEAR):
            if isinstance(v, Decimal) and v != v.to_integral_value():
                self.report(f, path, f"应为整数，实际是{show(v)}")
                return None
            return self.bounded(f, int(v), path)
        if k in (Kind.MONEY, Kind.PERCENT, Kind.NUMBER):
            return self.bounded(f, Decimal(v), path)
        if k is Kind.DATE:
            text = str(v) if isinstance(v, str) else None
            if text is None or not _DATE_RE.match(text):
                fix = date_fix(text) if text else None
                self.report(f, path, f"不是有效日期：{show(v)}" + (f"，改为 {fix}" if fix else ""))
                return None
            try:
                return date.fromisoformat(text)
            except ValueError:
                self.report(f, path, f"不是有效日期：{show(v)}（该日期不存在）")
                return None
        if k is Kind.TEXT:
            if not isinstance(v, str):
                self.report(f, path, f"应为文本，实际是{self.seen(f, v)}（数字形式的文本请加引号）")
                return None
            if f.max_len and len(v) > f.max_len:
                self.report(f, path, f"长度 {len(v)} 字，超过上限")
                return None
            if self.controls(f, v, path):
                return None
            return str(v)
        if k is Kind.CREDIT_CODE:
            if not isinstance(v, str):
                self.report(f, path, f"应为文本，实际是{show(v)}")
                return None
            reason = creditcode.problem(v)
            if reason:
                self.report(f, path, f"{show(v)} 无效：{reason}")
                return None
            return str(v)
        if k is Kind.ENUM:
            c = f.choice_for(v)
            if c is None:
                self.report(f, path, f"不认识的选项 {show(v)}")
                return None
            return c.value
        raise AssertionError(f"unhandled kind {k}")  # a table entry with no rule is a bug

    def bounded(self, f: Field, v: int | Decimal, path: DocPath) -> int | Decimal | None:
        if (f.min is not None and v < f.min) or (f.max is not None and v > f.max):
            self.report(f, path, f"超出范围：{v}")
            return None
        if f.warn_max is not None and v > f.warn_max:
            self.report(f, path, f"为 {v}，超过 {f.warn_max}，请核对", allowed=False,
                        severity=Severity.WARNING)
        return v


NUMERIC = (Kind.INT, Kind.YEAR, Kind.MONEY, Kind.PERCENT, Kind.NUMBER)


def _number_hint(f: Field, v: Any) -> str:
    """What was typed wrong in a number written as text, and the number to write."""
    if not isinstance(v, str) or isinstance(v, BadNumber):
        return ""
    fix = number_fix(v, f.unit)
    if fix is None:
        return ""
    why, number = fix
    return f"（{why}；改为 {number}）" if number else f"（{why}）"


def _list_fix(f: Field, items: list[str]) -> str | None:
    def code(text: str) -> Any:
        c = f.choice_for(text)
        return None if c is None else c.value
    return list_fix(items, code)


def _key_text(key: Any) -> str:
    if key is None:
        return "null"
    if isinstance(key, bool):
        return "true" if key else "false"
    return str(key)


def _nearest(key: str, known: set[str]) -> str | None:
    import difflib

    hits = difflib.get_close_matches(key, sorted(known), n=1, cutoff=0.75)
    return hits[0] if hits else None
