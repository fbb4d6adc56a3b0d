"""Applying a plan to the data, independently of the planner (rules.md §5 "When").

An application in year A uses the financial years A−3..A−1: the reported
years as they are, later years as a copy of the last reported one (the flat
projection the plan states), 从事细分市场年限 grown by the years passed, the
titles held and those the company can apply for now. The plan items'
``changes`` (company-data paths, from ``zjtx score --json``) are written into
that file, which then goes through the real validator and the real rules.
"""

from __future__ import annotations

import copy
import re
from datetime import date
from decimal import Decimal
from typing import Any

from scoring_helpers import company_from_dict, engine

from zjtx_site.scoring.engine import assess
from zjtx_site.scoring.score_json import to_json

LADDER = ("innovative_sme", "srdi_sme", "little_giant")
_SEG = re.compile(r"^([a-z0-9_]+)(?:\[(-?[0-9]+)\])?$")


def project(data: dict, year: int, titles: list[str]) -> dict:
    d = copy.deepcopy(data)
    assessed = d["assessed_on"]
    by_year = {f["year"]: f for f in d["financials"]}
    last = d["financials"][-1]
    d["financials"] = [copy.deepcopy(by_year.get(y) or dict(last, year=y)) for y in (year - 3, year - 2, year - 1)]
    d["specialization"]["niche_years"] = Decimal(str(d["specialization"]["niche_years"])) + (year - assessed.year)
    d["honors"]["titles"] = list(dict.fromkeys([*d["honors"]["titles"], *titles]))
    if year != assessed.year:
        d["assessed_on"] = date(year, 6, 30)
    return d


def _plain(v: Any) -> Any:
    if isinstance(v, float):
        return Decimal(repr(v))
    if isinstance(v, list):
        return [_plain(x) for x in v]
    if isinstance(v, dict):
        return {k: _plain(x) for k, x in v.items()}
    return v


def set_path(d: dict, path: str, value: Any) -> None:
    node: Any = d
    parts = path.split(".")
    for n, seg in enumerate(parts):
        name, index = _SEG.match(seg).groups()
        last = n == len(parts) - 1
        if index is None:
            if last:
                node[name] = _plain(value)
            else:
                if node.get(name) is None:
                    node[name] = {}
                node = node[name]
            continue
        records = node[name]
        i = int(index)
        pos = next(k for k, r in enumerate(records) if r["year"] == i) if i >= 1000 else i % len(records)
        if last:
            records[pos] = _plain(value)
        else:
            node = records[pos]


def apply_items(data: dict, items: list[dict]) -> dict:
    d = copy.deepcopy(data)
    for item in items:
        for path, value in item["changes"].items():
            if path.startswith("financials[") and int(path[11:15]) not in {f["year"] for f in d["financials"]}:
                continue                    # a year outside this window
            set_path(d, path, value)
    return d


def target_titles(j: dict, tier: str) -> list[str]:
    titles = list(j["held"]) + list(j["ready_to_apply"])
    if tier != j["next_tier"]:
        titles.append(j["next_tier"])          # the following tier: the next one is then held
    return titles


def meets(data: dict, j: dict, target: dict, items: list[dict]) -> bool:
    """Does the company meet ``target`` (a plan_target) in its application year once
    ``items`` are applied? Judgement criteria may stay open."""
    year = target["apply_in"]
    projected = project(data, year, target_titles(j, target["tier"]))
    changed = apply_items(projected, items)
    a = assess(engine(), company_from_dict(changed), forced=target["ruleset"])
    t = a.tier(target["tier"])
    assert t.ruleset == target["ruleset"], (t.ruleset, target)
    return t.status.value in ("met", "manual_review")


def plan_json(a) -> dict:
    return to_json(a)
