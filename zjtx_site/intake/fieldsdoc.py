"""The field reference (docs/fields.md), generated from the field table.

Run ``python -m zjtx_site.intake.fieldsdoc > docs/fields.md``; a test fails when the
committed file and the table disagree, so the documentation cannot drift.
"""

from __future__ import annotations

from zjtx_site.intake.fields import Kind, walk
from zjtx_site.intake.schema import COMPANY


def _bounds(f) -> str:
    parts = []
    if f.min is not None:
        parts.append(f"≥ {f.min}")
    if f.max is not None:
        parts.append(f"≤ {f.max}")
    if f.warn_max is not None:
        parts.append(f"超过 {f.warn_max} 警告")
    lo, hi = f.items
    if lo is not None or hi is not None:
        parts.append(f"{lo if lo is not None else 0}～{hi if hi is not None else '不限'} 项")
    if f.max_len:
        parts.append(f"≤ {f.max_len} 字")
    p = f.plausible
    if p is not None:   # warnings (errors under check --strict)
        if p.per_person:
            parts.append(f"每名员工 {p.per_person[0]}～{p.per_person[1]} {f.unit}以外警告")
        if p.unit_jump:
            parts.append(f"年度间约 {p.unit_factor} 倍的差距警告（{p.big_unit}/{p.small_unit}）")
        if p.max_change:
            parts.append(f"一年变化超过 {p.max_change} 倍警告")
        if p.sme_max:
            parts.append(f"中小企业上年度 ≥ {p.sme_max} 警告")
        if p.fraction:
            parts.append("其他年份 ≥ 1 而本年 < 1 警告")
    return "，".join(parts)


def render() -> str:
    lines = [
        "# 企业数据字段表（schema 1）",
        "",
        "由 `zjtx_site/schema.py` 生成（`python -m zjtx_site.intake.fieldsdoc > docs/fields.md`），请勿手工修改。",
        "校验（`zjtx check`）、模板（`zjtx new`）、报告和 Excel 采集表都读取同一张字段表。",
        "",
        "| 键 | 中文名 | 类型 | 单位 | 必填 | 取值范围 | 可选值 | 说明 |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for path, f in walk(COMPANY):
        choices = "、".join(f"`{c.value}` {c.label}" + (f"（也可写：{'、'.join(c.aliases)}）" if c.aliases else "")
                           for c in f.choices)
        note = f.hint + ("（个人信息，不出现在报告中）" if f.personal and f.kind is not Kind.GROUP else "")
        lines.append(f"| `{path}` | {f.label} | {f.kind.value} | {f.unit} | {'是' if f.required else ''} | "
                     f"{_bounds(f)} | {choices} | {note} |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(render(), end="")
