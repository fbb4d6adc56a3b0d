"""Built-in plugin: the cultivation plan (standard §7.4, §8.2, Appendix C).

Gaps come from the tiers the company's level aims at (rules.md §5): the
next tier, and for L4–L5 the 小巨人 track as well. Each gap goes to the
Appendix C item that closes it; items are ordered along the tier path, then
by how many unmet criteria each closes, then by how near the company is.
"""

from __future__ import annotations

from fractions import Fraction
from functools import lru_cache
from importlib import resources
from typing import Any

from zjtx_site.scoring.fmt import fmt_number
from zjtx_site.scoring.hookspecs import hookimpl
from zjtx_site.scoring.results import Criterion, Gap, Grade, PlanItem, TierResult
from zjtx_site.scoring.spans import Status
from zjtx_site.scoring.yamldata import load_data
from zjtx_site.vocabulary import TIERS

# Gaps no Appendix C item can close: they stay in the checklist and gap list.
NOT_PLANNED = {"sme", "no_incident", "prerequisite"}


@lru_cache(maxsize=1)
def plan_catalog() -> dict[str, Any]:
    text = resources.files("zjtx_site.scoring").joinpath("data", "plan.yaml").read_text("utf-8")
    data = load_data(text)
    items = {}
    for a_index, area in enumerate(data["areas"]):
        for i_index, item in enumerate(area["items"]):
            items[item["id"]] = dict(item, area=area["id"], area_label=area["label"],
                                     rank=(a_index, i_index))
    return {"areas": data["areas"], "items": items}


def target_tiers(grade: Grade, tiers: tuple[TierResult, ...], next_tier: str | None) -> list[str]:
    if next_tier is None:
        return []
    targets = [next_tier]
    met = {t.tier for t in tiers if t.status is Status.MET}
    # L4–L5 go straight to the national 小巨人 track (§7.1 note): their path starts at
    # 小巨人. L2–L3 paths only end there and advance step by step: the next tier alone.
    if grade.path_tiers[:1] == ("little_giant",) and "little_giant" not in met and next_tier != "little_giant" \
            and TIERS.index(next_tier) < TIERS.index("little_giant"):
        targets.insert(0, "little_giant")
    return targets


def collect_gaps(tier: TierResult) -> list[Gap]:
    out: list[Gap] = []

    def walk(c: Criterion) -> None:
        if c.status in (Status.MET, Status.NOT_APPLICABLE):
            return
        if c.children:
            for k in c.children:
                walk(k)
            return
        if c.gap is None:
            return
        if c.id == "score" and tier.score is not None:
            for line in tier.score.lines:
                if line.points < line.max_points:
                    out.append(Gap(criterion=f"score.{line.id}", label=f"评分指标：{line.label}",
                                   tier=tier.tier, status=c.gap.status, value=line.value,
                                   threshold=f"满分 {fmt_number(line.max_points)} 分",
                                   shortfall=f"+{fmt_number(line.max_points - line.points)} 分",
                                   plan_item=line.plan,
                                   closes=line.points / line.max_points))
        out.append(c.gap)

    for c in tier.criteria:
        walk(c)
    return out


class PlanMaker:
    key = "plan"
    label = "培育提升规划"

    def describe(self) -> dict[str, Any]:
        """The Appendix C areas and items this maker plans with."""
        return {"areas": plan_catalog()["areas"]}

    def make(self, company: Any, grade: Grade, tiers: tuple[TierResult, ...],
             next_tier: str | None) -> tuple[tuple[Gap, ...], tuple[PlanItem, ...]]:
        catalog = plan_catalog()["items"]
        by_tier = {t.tier: t for t in tiers}
        targets = target_tiers(grade, tiers, next_tier)
        gaps: list[Gap] = []
        for rank, tier in enumerate(targets):
            gaps += collect_gaps(by_tier[tier])
        grouped: dict[str, list[Gap]] = {}
        for g in gaps:
            if g.status is Status.MANUAL_REVIEW or g.criterion in NOT_PLANNED or not g.plan_item:
                continue
            grouped.setdefault(g.plan_item, []).append(g)

        def order(item_id: str) -> tuple:
            gs = grouped[item_id]
            tier_rank = min(targets.index(g.tier) for g in gs)
            unmet = sum(g.status is Status.UNMET for g in gs)
            nearest = max((g.closes for g in gs), default=Fraction(0))
            return (tier_rank, -unmet, -nearest, catalog[item_id]["rank"])

        items = []
        for n, item_id in enumerate(sorted(grouped, key=order), start=1):
            meta = catalog[item_id]
            items.append(PlanItem(area=meta["area"], area_label=meta["area_label"], item=item_id,
                                  item_label=meta["label"], advice=meta["advice"],
                                  gaps=tuple(grouped[item_id]), order=n))
        return tuple(gaps), tuple(items)


@hookimpl
def zjtx_register_plan_makers(register):
    register(PlanMaker())
