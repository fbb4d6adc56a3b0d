"""Which tier the plan aims at, and under which rules (rules.md §5, score-output.md).

- ``held``: the titles of the ladder the company holds; a higher SME title
  (创新型 → 专精特新 → 小巨人) counts for the lower ones. 单项冠军 is its own
  programme and implies nothing below it.
- ``ready_to_apply``: tiers met now and not held, lowest first.
- ``next_tier``: the lowest tier neither met nor held; a company that is not an
  SME skips the SME ladder (单项冠军 is not limited to SMEs); a 单项冠军 holder
  has none.
- The plan's rule set is the one in force when the application it aims at is
  made: a round of applications in year A is held under the rules in force by
  the end of A (a plan made on 2026-03-18 for 2026 uses miit-2026).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from fractions import Fraction
from typing import Any

from zjtx_site.scoring.results import TierResult
from zjtx_site.scoring.spans import Span, Status
from zjtx_site.vocabulary import SME_LADDER, TIERS


def held_tiers(titles: Iterable[str]) -> tuple[str, ...]:
    titles = set(titles)
    held: set[str] = set()
    for i, tier in enumerate(SME_LADDER):
        if tier in titles:
            held.update(SME_LADDER[: i + 1])
    if "single_champion" in titles:
        held.add("single_champion")
    return tuple(t for t in TIERS if t in held)


def ready_to_apply(tiers: Iterable[TierResult], held: tuple[str, ...]) -> tuple[str, ...]:
    met = {t.tier for t in tiers if t.status is Status.MET}
    return tuple(t for t in TIERS if t in met and t not in held)


def is_sme(sme: Span) -> bool:
    """Not an SME only when the 公告条件 on size is certainly unmet."""
    return sme.at_least(Fraction(1)) is not Status.UNMET


def choose_next(tiers: Iterable[TierResult], held: tuple[str, ...], sme: Span) -> str | None:
    if "single_champion" in held:
        return None
    met = {t.tier for t in tiers if t.status is Status.MET}
    ladder = TIERS if is_sme(sme) else ("single_champion",)
    return next((t for t in ladder if t not in met and t not in held), None)


def following_tier(next_tier: str, path_tiers: tuple[str, ...], met_or_held: set[str]) -> str | None:
    """The tier after ``next_tier`` on the company's §7.1 path (L2–L3 up to 小巨人,
    L4–L5 on the national track up to 单项冠军), skipping any met or held."""
    last = max((TIERS.index(t) for t in path_tiers), default=-1)
    for t in TIERS[TIERS.index(next_tier) + 1: last + 1]:
        if t not in met_or_held:
            return t
    return None


def ruleset_for_year(rulesets: Mapping[str, Any], year: int, forced: str | None) -> tuple[Any, str]:
    """The rule set of an application made in ``year``, and why."""
    if forced:
        return rulesets[forced], f"按 --rules {forced} 指定（假设分析）"
    end = date(year, 12, 31)
    usable = sorted((rs for rs in rulesets.values() if rs.in_force <= end), key=lambda r: (r.in_force, r.id))
    if not usable:
        rs = min(rulesets.values(), key=lambda r: (r.in_force, r.id))
        return rs, f"{year} 年尚无施行的规则集，采用最早的 {rs.id}"
    rs = usable[-1]
    return rs, f"{year} 年申报时施行的规则集为 {rs.id}（{rs.in_force.isoformat()} 起施行）"


def application_date(year: int, assessed_on: date, rs: Any) -> date:
    """The date an application of ``year`` is taken to be made: not before the
    assessment, nor before its rule set is in force."""
    start = assessed_on if year == assessed_on.year else date(year, 1, 1)
    return max(start, rs.in_force) if rs.in_force.year == year else start
