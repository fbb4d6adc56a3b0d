"""What is missing: the data to supply and the judgements to make, from what each
criterion and indicator recorded it read (no rule file, no metric)."""

from __future__ import annotations

import dataclasses
import re
from typing import Any

from zjtx_site.intake.fields import lookup
from zjtx_site.intake.schema import COMPANY
from zjtx_site.scoring.results import Assessment, Criterion
from zjtx_site.scoring.spans import Status
from zjtx_site.vocabulary import TIER_LABELS

_INDEX = re.compile(r"^([a-z0-9_]+)(?:\[([^\]]*)\])?$")


def missing_fields(company: Any, evidence: str) -> list[tuple[str, str]]:
    """The fields named in ``evidence`` (``financials[2].debt_ratio``,
    ``financials[1..2].rd_expense``, ``distinctiveness.market_share[-1].domestic``)
    that the company did not report, as (key, Chinese label with year)."""
    out: list[tuple[str, str]] = []
    for path in (p.strip() for p in evidence.split(",") if p.strip()):
        parts = path.split(".")
        try:
            field = lookup(COMPANY, re.sub(r"\[[^\]]*\]", "", path))
        except KeyError:
            continue
        nodes: list[tuple[Any, str, str]] = [(company, "", "")]
        for part in parts:
            m = _INDEX.match(part)
            if m is None:
                nodes = []
                break
            name, index = m.group(1), m.group(2)
            nxt = []
            for obj, key, year in nodes:
                v = getattr(obj, name, None) if obj is not None else None
                key = f"{key}.{name}" if key else name
                if index is None:
                    nxt.append((v, key, year))
                    continue
                if v is None:                       # the list itself was not reported
                    nxt.append((None, f"{key}[]", year))
                    continue
                if index == "":
                    picks: list[int] = list(range(len(v)))
                elif ".." in index:
                    a, b = index.split("..")
                    picks = list(range(int(a), int(b) + 1))
                else:
                    picks = [int(index) % len(v)] if v else []
                for k in picks:
                    if 0 <= k < len(v):
                        entry = v[k]
                        nxt.append((entry, f"{key}[{k}]", f"{entry.year} 年" if hasattr(entry, "year") else year))
            nodes = nxt
        for value, key, year in nodes:
            if _absent(value):
                out.append((key, field.label + (f"（{year}）" if year else "")))
    return out


def _absent(v: Any) -> bool:
    if v is None:
        return True
    if dataclasses.is_dataclass(v) and not isinstance(v, type):
        return all(_absent(getattr(v, f.name)) for f in dataclasses.fields(v))
    return False


def missing_items(a: Assessment) -> list[dict[str, Any]]:
    """The data to supply, one row per unreported field, each with every
    conclusion it would settle: the needs_data criteria of every tier (through
    the inputs their rules recorded) and the needs_data indicators of the six
    dimensions. A criterion whose inputs cannot be traced is listed by itself."""
    rows: dict[str, dict[str, Any]] = {}

    def add(key: str, what: str, settles: str) -> None:
        shown = "—" if ":" in key else key         # untraceable: no field to name
        row = rows.setdefault(key, {"what": what, "key": shown, "settles": []})
        if settles not in row["settles"]:
            row["settles"].append(settles)

    for t in a.tiers:
        tier_label = TIER_LABELS.get(t.tier, t.label)

        def walk(c: Criterion) -> None:
            if c.status is not Status.NEEDS_DATA or c.id == "prerequisite":
                return
            if c.children:
                for k in c.children:
                    walk(k)
                return
            found = False
            for key, label in missing_fields(a.company, ",".join(c.open_inputs)):
                add(key, label, f"{tier_label}：{c.label}")
                found = True
            if not found:
                add(f"criterion:{t.tier}:{c.id}", c.label, f"{tier_label}：{c.label}（企业现状：{c.value}）")

        for c in t.criteria:
            walk(c)
    for d in a.dimensions:
        for i in d.indicators:
            if i.status is not Status.NEEDS_DATA:
                continue
            fields = missing_fields(a.company, i.evidence)
            for key, label in fields:
                add(key, label, f"六维诊断·{d.label}：{i.label}")
            if not fields:
                add(f"indicator:{d.key}:{i.id}", i.label, f"六维诊断·{d.label}：{i.label}")
    return [dict(r, settles="；".join(r["settles"])) for r in rows.values()]


def manual_items(a: Assessment) -> list[dict[str, str]]:
    out = []
    for t in a.tiers:
        for c in t.criteria:
            for leaf in c.leaves():
                if leaf.status is Status.MANUAL_REVIEW:
                    out.append({"tier": TIER_LABELS.get(t.tier, t.label), "label": leaf.label,
                                "note": leaf.note or "规则没有给出可计算的标准",
                                "facts": "；".join(f"{f.label} {f.value}" for f in leaf.facts) or "—",
                                "evidence": leaf.evidence or "—"})
    return out
