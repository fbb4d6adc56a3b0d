"""``zjtx new``: a commented YAML scaffold of the whole form, from the field table.

Each key carries its Chinese label, unit and hint as a comment, so staff
fill in the form without reading the contract. Started from an earlier
round, the values carry over and the years move on: the oldest financial
year drops out and the newest is left blank to fill in.
"""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from typing import Any

from zjtx_site.intake.fields import Field, Kind
from zjtx_site.intake.schema import COMPANY, SCHEMA_VERSION
from zjtx_site.intake.yamlload import DateText

HEADER = """\
# 企业专精特新数据采集表（T/GZHTEA003-2024 附录 A）— {company_id} / {round}
# 填写说明：
#   - 金额单位为万元，比例单位为 %（只写数字，例如 45.2），人数、个数为整数。
#   - 是/否只能写 true 或 false；日期写成 YYYY-MM-DD。
#   - 不知道或没有统计的项目请留空（不要填 0）：留空表示“未报告”，相关条件会列为“待补充数据”。
#   - 列表没有内容时填 []，表示“没有”。
#   - 联系人信息只供协会内部联系，不会出现在报告和网站中。
#   - 填好后运行 zjtx check 检查，所有问题会一次列出。
"""


def _scalar(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, DateText):
        return str(v)
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, Decimal)):
        return str(v)
    if isinstance(v, date):
        return v.isoformat()
    return json.dumps(str(v), ensure_ascii=False)


# Plain words YAML reads as something other than text; they are quoted.
_YAML_WORDS = {"true", "false", "null"}


def _flow_list(v: Any) -> str:
    if v is None:
        return ""
    if not isinstance(v, list):  # an earlier round's mistake stays visible to check
        return _scalar(v)
    return "[" + ", ".join(x if isinstance(x, str) and x.isidentifier()
                           and x.lower() not in _YAML_WORDS else _scalar(x)
                           for x in v) + "]"


def _flow(v: Any) -> str:
    """Any value as a one-line YAML flow node (the free-form ``extra`` mapping)."""
    if isinstance(v, dict):
        return "{" + ", ".join(f"{json.dumps(str(k), ensure_ascii=False)}: {_flow(x)}"
                               for k, x in v.items()) + "}"
    if isinstance(v, list):
        return "[" + ", ".join(_flow(x) for x in v) + "]"
    return "null" if v is None else _scalar(v)


def _comment(f: Field) -> str:
    parts = [f.label]
    if f.unit and f.kind in (Kind.INT, Kind.MONEY, Kind.PERCENT, Kind.NUMBER):
        parts[0] += f"（{f.unit}）"
    if f.required:
        parts.append("必填")
    if f.kind is Kind.ENUM:
        parts.append("可选：" + " | ".join(f"{c.value} {c.label}" for c in f.choices))
    if f.hint:
        parts.append(f.hint)
    return "  # " + "；".join(parts)


def _choices_block(f: Field, pad: str) -> list[str]:
    if f.kind is not Kind.ENUM_LIST:
        return []
    lines, row = [], []
    for c in f.choices:
        row.append(f"{c.value} {c.label}")
        if len(row) == 3:
            lines.append(f"{pad}  #   " + " | ".join(row))
            row = []
    if row:
        lines.append(f"{pad}  #   " + " | ".join(row))
    return lines


def emit(f: Field, data: dict | None, indent: int, out: list[str], first_prefix: str = "",
         as_is: bool = False) -> None:
    """The commented YAML lines of ``data`` under field ``f``.

    A scaffold (``as_is=False``) offers every key as a blank to fill in. An
    import (``as_is=True``) writes the data exactly: an absent optional group
    stays absent, its keys shown only as comments."""
    # an earlier round is parsed, not validated: a group may be anything
    data = data if isinstance(data, dict) else {}
    pad = " " * indent
    for i, c in enumerate(f.children):
        lead = first_prefix if (i == 0 and first_prefix) else pad
        v = data.get(c.key)
        if c.section and indent == 0:
            out.append("")
            out.append(f"# ── {c.section} " + "─" * 20)
        if c.kind is Kind.GROUP:
            out.append(f"{lead}{c.key}:{_comment(c)}")
            if as_is and v is None and not c.required:
                sample: list[str] = []
                emit(c, {}, indent + 2, sample)
                out.extend(f"{pad}  # {ln[len(pad) + 2:]}" for ln in sample)
            else:
                emit(c, v, indent + 2, out, as_is=as_is)
        elif c.kind is Kind.RECORDS:
            if not v:
                # absent stays absent ("not reported"); only a reported empty list is "none"
                out.append(f"{lead}{c.key}:{' []' if v is not None else ''}{_comment(c)}")
                # the fields of a record, commented out, so every field of the form is shown
                sample = []
                emit(c, {}, indent + 4, sample, first_prefix=f"{pad}  - ")
                out.extend(f"{pad}  # {ln[len(pad) + 2:]}" for ln in sample)
                continue
            out.append(f"{lead}{c.key}:{_comment(c)}")
            for rec in v:
                emit(c, rec, indent + 4, out, first_prefix=f"{pad}  - ", as_is=as_is)
        elif c.kind is Kind.FREE:
            # carried over as written: plugins read it, the form does not ask for it
            shown = _flow(v) if isinstance(v, dict) else ("" if as_is else "{}")
            out.append(f"{lead}{c.key}: {shown}".rstrip() + _comment(c))
        elif c.kind in (Kind.ENUM_LIST, Kind.TEXT_LIST):
            # a blank required list is an error until staff write [] ("none") or the items
            shown = _flow_list(v) if v is not None else ""
            out.append(f"{lead}{c.key}: {shown}".rstrip() + _comment(c))
            out.extend(_choices_block(c, pad))
        else:
            out.append(f"{lead}{c.key}: {_scalar(v)}".rstrip() + _comment(c))


def _blank_year(year: int) -> dict:
    return {"year": year}


def _shift(records: list[dict] | None, years: list[int]) -> list[dict]:
    """Keep the records of ``years`` and add blank ones for years not there."""
    by_year = {r.get("year"): r for r in (records or []) if isinstance(r, dict)}
    return [dict(by_year.get(y) or _blank_year(y)) for y in years]


def scaffold(company_id: str, round_id: str, previous: dict | None = None) -> str:
    """The text of a new company file; ``previous`` is an earlier round's data."""
    year = int(round_id[:4])
    data: dict[str, Any] = dict(previous or {})
    data["schema"] = SCHEMA_VERSION
    data["assessed_on"] = None  # always a new date for a new round
    data["financials"] = _shift(data.get("financials"), [year - 3, year - 2, year - 1])
    dist = dict(data.get("distinctiveness") or {})
    for key in ("market_share", "own_brands"):
        dist[key] = _shift(dist.get(key), [year - 2, year - 1])
    data["distinctiveness"] = dist
    inn = dict(data.get("innovation") or {})
    if inn.get("science_awards"):
        # keep only awards still inside the 近三年 window of the new round
        inn["science_awards"] = [a for a in inn["science_awards"]
                                 if isinstance(a, dict) and isinstance(a.get("year"), int)
                                 and a["year"] >= year - 3]
    data["innovation"] = inn
    out = [HEADER.format(company_id=company_id, round=round_id).rstrip("\n")]
    emit(COMPANY, data, 0, out)
    return "\n".join(out) + "\n"
