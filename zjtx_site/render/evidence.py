"""Which company fields each tier criterion reads, from the rule-set files.

The criteria of a tier result name their metrics only in the rule-set file
that defines the tier; the metrics name the company-file keys they read
(``financials[2].rd_expense``). The executive summary needs this to tell a
figure of a past year from one the company can still change, and the
"本轮数据变化" table to say which tiers a changed figure bears on. Rule
sets that are not built in have no file here: their criteria read nothing
we can name, and the pages say so rather than guess.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import lru_cache
from typing import Any

from zjtx_site.scoring.results import Assessment, Criterion


@lru_cache(maxsize=1)
def builtin_rulesets() -> dict[str, dict]:
    from zjtx_site.scoring.rules import builtin_ruleset_files, load_ruleset_file

    out = {}
    for f in builtin_ruleset_files():
        data = load_ruleset_file(f)
        out[data["id"]] = data
    return out


def spec_children(spec: dict) -> list[dict]:
    if "cases" in spec:
        return [{k: v for k, v in case.items() if k != "min"} for case in spec["cases"]]
    return list(spec.get("all") or spec.get("any") or ())


def tier_spec(ruleset: str, tier: str) -> dict:
    return builtin_rulesets().get(ruleset, {}).get("tiers", {}).get(tier) or {}


def criterion_fields(a: Assessment, registry: Mapping[str, Any]) -> dict[tuple[str, str], tuple[str, ...]]:
    """(tier, criterion id) -> the evidence paths the criterion reads, its
    sub-conditions' included; a scored criterion reads every scored indicator."""
    from zjtx_site.scoring.bands import indicator_metrics

    out: dict[tuple[str, str], tuple[str, ...]] = {}
    for t in a.tiers:
        raw = tier_spec(t.ruleset, t.tier)
        if not raw:
            continue
        scored = [m for g in (raw.get("score") or {}).get("groups", ()) for ind in g["indicators"]
                  for m in indicator_metrics(ind)]

        def walk(c: Criterion, spec: dict, tier: str = t.tier, scored: list[str] = scored) -> tuple[str, ...]:
            if spec.get("id") != c.id:
                return ()
            names = [spec["metric"]] if "metric" in spec else scored if "score" in spec else []
            paths = [p.strip() for n in names if n in registry for p in registry[n].evidence.split(",")
                     if p.strip()]
            for kid, sub in zip(c.children, spec_children(spec)):
                paths += walk(kid, sub, tier, scored)
            found = tuple(dict.fromkeys(paths))
            out[(tier, c.id)] = found
            return found

        for c, spec in zip(t.criteria, raw.get("criteria", ())):
            walk(c, spec)
    return out


_FIN = re.compile(r"^financials\[(-?\d*)(?:\.\.(-?\d+))?\]")


def financial_years(path: str, years: list[int]) -> list[int]:
    """The financial years an evidence path reads (``financials[1..2].x``,
    ``financials[].x``, ``financials[-1].x``); empty for other fields."""
    m = _FIN.match(path)
    if m is None or not years:
        return []
    n = len(years)
    if m.group(1) == "":
        return list(years)
    lo = int(m.group(1)) % n
    hi = int(m.group(2)) % n if m.group(2) else lo
    return years[lo:hi + 1]


def field_key(path: str) -> str:
    """``financials[1..2].rd_expense`` -> ``financials.rd_expense``."""
    return re.sub(r"\[[^\]]*\]", "", path)
