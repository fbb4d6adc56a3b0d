"""What changed since the previous round: the input figures (本轮数据变化)
and, for the round pages, the companies that moved.

Figures are compared field by field from the field table, so every input
the company file holds is covered and labelled with its unit. Yearly
records (financials, market shares, brands) are compared on the latest
year of each round (上年度, which most criteria read) and, for a year both
rounds report, on a revised figure. A changed figure's effect on a tier is
the change of conclusion of the criteria that read it (through the metrics
of the rule-set files); a tier whose rule set changed is not compared
criterion by criterion.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from decimal import Decimal
from typing import Any

from zjtx_site.intake.fields import NUMERIC_KINDS, Field, Kind
from zjtx_site.intake.schema import COMPANY
from zjtx_site.render.evidence import field_key, financial_years
from zjtx_site.scoring.fmt import fmt_number
from zjtx_site.scoring.results import Assessment, Criterion
from zjtx_site.scoring.spans import Status
from zjtx_site.vocabulary import TIERS, next_tier_label

# one character for a conclusion, so a cell reads "× → ○"
MARK = {Status.MET: "○", Status.UNMET: "×", Status.NEEDS_DATA: "△", Status.MANUAL_REVIEW: "◇",
        Status.NOT_APPLICABLE: "—"}
TIER_SHORT = {"innovative_sme": "创新型", "srdi_sme": "专精特新", "little_giant": "小巨人",
              "single_champion": "单项冠军"}
SKIPPED = (Kind.TEXT, Kind.DATE, Kind.CREDIT_CODE, Kind.FREE)

Fields = Mapping[tuple[str, str], tuple[str, ...]]


def shown(f: Field, v: Any) -> str:
    if v is None:
        return "未报告"
    if f.kind is Kind.BOOL:
        return "是" if v else "否"
    if f.kind is Kind.ENUM:
        return f.choice_label(v)
    if f.kind is Kind.ENUM_LIST:
        return "、".join(f.choice_label(x) for x in v) or "无"
    if f.kind is Kind.TEXT_LIST:
        return "、".join(v) or "无"
    if f.kind in NUMERIC_KINDS:
        text = str(v) if f.kind is Kind.YEAR else fmt_number(Decimal(v))
        return text + (f.unit if f.unit == "%" else f" {f.unit}" if f.unit else "")
    return str(v)


def _count(v: Any) -> str:
    return "未报告" if v is None else f"{len(v)} 条"


def _walk(f: Field, old: Any, new: Any, key: str) -> Iterator[dict[str, Any]]:
    """(key, year, label, old, new) of every changed input below ``f``."""
    for c in f.children:
        if c.personal or c.kind in SKIPPED:
            continue
        k = f"{key}.{c.key}" if key else c.key
        o, n = getattr(old, c.key, None), getattr(new, c.key, None)
        if c.kind is Kind.GROUP:
            yield from _walk(c, o, n, k)
        elif c.kind is Kind.RECORDS:
            yield from _records(c, o, n, k)
        elif o != n:
            yield {"key": k, "year": None, "label": c.label, "before": shown(c, o), "now": shown(c, n)}


def _records(f: Field, old: Any, new: Any, key: str) -> Iterator[dict[str, Any]]:
    if f.child("year") is None:
        if _count(old) != _count(new):
            yield {"key": key, "year": None, "label": f.label, "before": _count(old), "now": _count(new)}
        return
    old, new = tuple(old or ()), tuple(new or ())
    by_year = {e.year: e for e in old}
    last_old, last_new = (old[-1] if old else None), (new[-1] if new else None)
    for c in f.children:
        if c.key == "year" or c.kind in SKIPPED or c.personal:
            continue
        if last_new is not None and (last_old is None or last_old.year != last_new.year):
            o = getattr(last_old, c.key, None) if last_old is not None else None
            n = getattr(last_new, c.key, None)
            if o != n:
                before = f"{shown(c, o)}（{last_old.year} 年）" if last_old is not None else "未报告"
                yield {"key": f"{key}.{c.key}", "year": last_new.year, "label": f"{c.label}（上年度）",
                       "before": before, "now": f"{shown(c, n)}（{last_new.year} 年）"}
        for e in new:
            prev = by_year.get(e.year)
            if prev is None:
                continue
            o, n = getattr(prev, c.key, None), getattr(e, c.key, None)
            if o != n:
                yield {"key": f"{key}.{c.key}", "year": e.year, "label": f"{c.label}（{e.year} 年，数据更正）",
                       "before": shown(c, o), "now": shown(c, n)}


def _find(c: Criterion, crit_id: str) -> Criterion | None:
    if c.id == crit_id:
        return c
    return next((hit for k in c.children if (hit := _find(k, crit_id)) is not None), None)


def _reads(paths: tuple[str, ...], key: str, year: int | None, years: list[int]) -> bool:
    for p in paths:
        if field_key(p) != key:
            continue
        if year is None or year in financial_years(p, years) or not p.startswith("financials"):
            return True
    return False


def tier_effects(row: dict[str, Any], a: Assessment, prev: Assessment, fields: Fields) -> dict[str, str]:
    """tier -> the effect of one changed input: the criteria reading it whose
    conclusion changed, 未变 when none did, — when no criterion reads it."""
    years = [y.year for y in (a.company.financials or ())]
    out: dict[str, str] = {}
    for t in a.tiers:
        leaves = [leaf for c in t.criteria for leaf in c.leaves()
                  if _reads(fields.get((t.tier, leaf.id), ()), row["key"], row["year"], years)]
        if not leaves:
            out[t.tier] = "—"
            continue
        try:
            p = prev.tier(t.tier)
        except KeyError:
            out[t.tier] = "上一轮未评价"
            continue
        if p.ruleset != t.ruleset:
            out[t.tier] = "规则已更新"
            continue
        changed = []
        for leaf in leaves:
            before = next((hit for c in p.criteria if (hit := _find(c, leaf.id)) is not None), None)
            if before is not None and before.status is not leaf.status:
                changed.append(f"{leaf.label}：{MARK[before.status]} → {MARK[leaf.status]}")
        out[t.tier] = "；".join(changed) or "未变"
    return out


def data_changes(a: Assessment, prev: Assessment, fields: Fields) -> list[dict[str, Any]]:
    rows = list(_walk(COMPANY, prev.company, a.company, ""))
    for row in rows:
        effects = tier_effects(row, a, prev, fields)
        row["effects"] = [effects.get(t, "—") for t in TIERS]
    return rows


def tier_columns() -> list[str]:
    return [TIER_SHORT[t] for t in TIERS]


# the round pages ------------------------------------------------------------------

def movers(by_company: Mapping[str, list[Assessment]], round_id: str) -> list[dict[str, Any]]:
    """Companies of ``round_id`` whose level, a tier's conclusion or the next
    tier changed since their previous round, with what changed."""
    out = []
    for cid in sorted(by_company):
        rounds = by_company[cid]
        idx = next((i for i, r in enumerate(rounds) if r.company.round == round_id), None)
        if not idx:
            continue
        a, p = rounds[idx], rounds[idx - 1]
        what = []
        if a.grade is None or p.grade is None:      # an incomplete round (--keep-going): no comparison
            continue
        if a.grade.level != p.grade.level:
            what.append(f"级别 {p.grade.level} → {a.grade.level}")
        for t in a.tiers:
            try:
                before = p.tier(t.tier).status
            except KeyError:
                continue
            if before is not t.status:
                what.append(f"{TIER_SHORT.get(t.tier, t.label)} {before.label} → {t.status.label}")
        if a.next_tier != p.next_tier:
            what.append(f"下一梯度 {next_tier_label(p.next_tier)} → {next_tier_label(a.next_tier)}")
        if what:
            out.append({"cid": cid, "name": a.company.basic.name, "before": p.company.round,
                        "changes": "；".join(what)})
    return out


__all__ = ["data_changes", "movers", "tier_columns"]
