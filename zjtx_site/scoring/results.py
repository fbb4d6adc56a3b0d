"""Typed, frozen results of an assessment.

Results are built only through constructors that check their invariants
(a score within 0–100, points within their maximum), in the manner of
OpenSSF Scorecard's check results; "needs data" is a status of its own,
never a zero. No presentation lives here: templates decide how it looks.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from fractions import Fraction
from typing import TYPE_CHECKING, Any

from zjtx_site.errors import ResultError
from zjtx_site.scoring.spans import Status
from zjtx_site.vocabulary import APPENDIX_C

if TYPE_CHECKING:
    from zjtx_site.intake.model import Company


@dataclass(frozen=True, slots=True, kw_only=True)
class Indicator:
    id: str
    label: str
    value: str                 # as shown, with unit; "未报告" when missing
    target: str                # the band table or threshold in words
    points: Fraction           # with missing inputs counted at worst
    max_points: Fraction
    status: Status
    gap: str = ""              # what it takes to reach the next band / full points
    evidence: str = ""         # the company-file keys it read
    source: str = ""           # the rule or data file the bands come from

    def __post_init__(self) -> None:
        if not (0 <= self.points <= self.max_points) or self.max_points <= 0:
            raise ResultError(f"indicator {self.id}: points {self.points} not in 0..{self.max_points}")


@dataclass(frozen=True, slots=True, kw_only=True)
class DimensionResult:
    key: str
    label: str
    score: Fraction            # 0..100, exact; rounded only for display
    indicators: tuple[Indicator, ...]
    plugin: str = ""

    def __post_init__(self) -> None:
        if not (0 <= self.score <= 100):
            raise ResultError(f"dimension {self.key}: score {self.score} outside 0..100")

    @staticmethod
    def from_indicators(key: str, label: str, indicators: tuple[Indicator, ...],
                        plugin: str = "") -> DimensionResult:
        total = sum((i.max_points for i in indicators), Fraction(0))
        got = sum((i.points for i in indicators), Fraction(0))
        score = got / total * 100 if total else Fraction(0)
        return DimensionResult(key=key, label=label, score=score, indicators=indicators, plugin=plugin)

    @property
    def complete(self) -> bool:
        return all(i.status is not Status.NEEDS_DATA for i in self.indicators)


@dataclass(frozen=True, slots=True, kw_only=True)
class Gap:
    criterion: str             # criterion id
    label: str
    tier: str
    status: Status             # unmet or needs_data (or manual_review)
    value: str
    threshold: str
    shortfall: str = ""        # in the rule's own unit, e.g. "+0.6 个百分点"
    money: str = ""            # e.g. "约 +54 万元"
    plan_item: str = ""        # Appendix C item id
    closes: Fraction = Fraction(0)   # how much of the gap is bridged, for ordering
    # the same shortfall as figures (score-output.md): in ``unit`` (个百分点, 万元, 项,
    # 年, 名 ...), its 万元 equivalent where it converts, the points a scored line gains
    unit: str = ""
    shortfall_value: Fraction | None = None
    money_wan: Fraction | None = None
    points: Fraction | None = None
    current: Fraction | None = None
    target: Fraction | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Fact:
    """A reported figure a reviewer weighs on a judgement criterion."""
    metric: str
    label: str
    value: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Criterion:
    id: str
    label: str
    status: Status
    value: str
    threshold: str
    gap: Gap | None = None
    children: tuple[Criterion, ...] = ()
    note: str = ""
    # what the rule read: metric names, and the company-file keys behind them
    # (``financials[2].debt_ratio``), so a page can name the data to supply
    # without re-reading rule files or recomputing metrics
    reads: tuple[str, ...] = ()
    inputs: tuple[str, ...] = ()
    # the inputs whose absence keeps it undecided (a score: its undecided lines only)
    open_inputs: tuple[str, ...] = ()
    # manual_review only: the figures to weigh and what settles it
    facts: tuple[Fact, ...] = ()
    evidence: str = ""

    def leaves(self) -> tuple[Criterion, ...]:
        if not self.children:
            return (self,)
        return tuple(x for c in self.children for x in c.leaves())


@dataclass(frozen=True, slots=True, kw_only=True)
class ScoreLine:
    id: str
    group: str
    label: str
    value: str
    points: Fraction           # missing counted as 0
    best_points: Fraction      # missing counted at best
    max_points: Fraction
    bands: str
    status: Status
    plan: str = ""             # Appendix C item that raises it
    reads: tuple[str, ...] = ()
    inputs: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class GroupScore:
    key: str
    label: str
    points: Fraction
    best_points: Fraction
    max_points: Fraction
    minimum: Fraction | None


@dataclass(frozen=True, slots=True, kw_only=True)
class TierScore:
    total: Fraction
    best_total: Fraction
    pass_mark: Fraction
    groups: tuple[GroupScore, ...]
    lines: tuple[ScoreLine, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class TierResult:
    tier: str
    label: str
    ruleset: str
    ruleset_reason: str
    status: Status
    criteria: tuple[Criterion, ...]
    route: str | None = None          # "score" | "direct" when met
    score: TierScore | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Grade:
    level: str                 # L1..L5
    field_match: bool
    field_note: str
    revenue: Fraction
    band: str                  # revenue band in words
    priority: bool
    path: str                  # the service path (§7.1 note, §7.5)
    path_tiers: tuple[str, ...]


PLAN_KINDS = ("data", "evidence", "qualify", "improve", "not_recoverable")
PRIORITIES = ("high", "medium", "low")
PLAN_AREAS = tuple(APPENDIX_C)
_DUE = re.compile(r"^[0-9]{4}-(0[1-9]|1[0-2])$")


@dataclass(frozen=True, slots=True, kw_only=True)
class PlanItem:
    """One measure of the plan (score-output.md "The plan")."""
    id: str                    # p1, p2 ... in plan order
    kind: str                  # PLAN_KINDS
    tier: str                  # the tier it serves (the target, or the following tier)
    area: str                  # Appendix C area (PLAN_AREAS)
    area_label: str
    item: str                  # the Appendix C item it draws on, e.g. 研发投入占比提升
    measure: str               # the catalogue entry (data/measures.yaml or a plugin's)
    action: str                # what to do, in the company's own figures and names
    closes: tuple[str, ...]    # "<tier>.<criterion>" it settles, "<tier>.score.<line>" for points
    metric: str | None
    unit: str                  # unit of current/target/shortfall ("%" means percentage points)
    current: Fraction | None
    target: Fraction | None
    shortfall: Fraction | None
    money_wan: Fraction | None     # 万元 equivalent where it converts
    points: Fraction | None        # points gained where the rule scores
    alternatives: str | None       # items sharing this id satisfy one criterion either way
    priority: str
    due: str                   # YYYY-MM
    data_year: int | None      # the financial year whose figure must change
    owner: str                 # suggested department
    estimate_wan: Fraction | None = None   # rough cost where money does not convert (ranking only)
    service: str = ""          # §7.5 association service that fits
    changes: tuple[tuple[str, Any], ...] = ()   # the data it changes: (company-data path, value)
    apply_from: int | None = None   # not_recoverable: the first application no longer using it
    minimal: bool = False      # in plan_target.minimal_set
    gaps: tuple[Gap, ...] = ()  # the assessment's gaps it closes (tracked across rounds)

    def __post_init__(self) -> None:
        if self.kind not in PLAN_KINDS:
            raise ResultError(f"plan item {self.id}: kind {self.kind!r} not in {PLAN_KINDS}")
        if self.priority not in PRIORITIES:
            raise ResultError(f"plan item {self.id}: priority {self.priority!r} not in {PRIORITIES}")
        if self.area not in PLAN_AREAS:
            raise ResultError(f"plan item {self.id}: area {self.area!r} not in {PLAN_AREAS}")
        if not _DUE.match(self.due):
            raise ResultError(f"plan item {self.id}: due {self.due!r} is not YYYY-MM")


@dataclass(frozen=True, slots=True, kw_only=True)
class PlanTarget:
    """What the plan aims at: the tier, under the rules of the application year."""
    tier: str
    ruleset: str
    apply_in: int | None       # earliest application year the data can meet; None: not reachable
    minimal_set: tuple[str, ...]   # plan item ids
    reason: str = ""           # why this rule set and year
    cost_wan: Fraction | None = None   # estimated total of the minimal set
    following: PlanTarget | None = None   # the next step when the target waits only on judgement


@dataclass(frozen=True, slots=True, kw_only=True)
class Plan:
    """What a plan maker returns."""
    target: PlanTarget | None
    gaps: tuple[Gap, ...]
    items: tuple[PlanItem, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class Figure:
    """A derived figure as pages show it, computed once by the metrics.

    ``year`` is set for the per-year ratios of the three-year table."""
    name: str
    label: str
    shown: str                 # formatted with its unit; "未报告" when unknown
    evidence: str = ""
    year: int | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Assessment:
    company: Company
    grade: Grade
    dimensions: tuple[DimensionResult, ...]
    tiers: tuple[TierResult, ...]
    next_tier: str | None
    gaps: tuple[Gap, ...]             # every gap on the target tiers, plan item or not
    plan: tuple[PlanItem, ...]
    rulesets: tuple[str, ...]
    interpretations: tuple[str, ...]
    failures: tuple[str, ...] = ()    # plugin failures under --keep-going
    figures: tuple[Figure, ...] = ()  # derived figures the pages show

    def figure(self, name: str, year: int | None = None) -> Figure | None:
        return next((f for f in self.figures if f.name == name and f.year == year), None)
    held: tuple[str, ...] = ()        # tiers whose title is held (a higher SME title counts)
    ready_to_apply: tuple[str, ...] = ()   # met now and not held, lowest first
    plan_target: PlanTarget | None = None
    # (id, title) of every registered rule set: pages for the client name rules by title
    ruleset_titles: tuple[tuple[str, str], ...] = ()

    @property
    def complete(self) -> bool:
        return not self.failures

    def tier(self, tier_id: str) -> TierResult:
        for t in self.tiers:
            if t.tier == tier_id:
                return t
        raise KeyError(tier_id)

    def dimension(self, key: str) -> DimensionResult:
        for d in self.dimensions:
            if d.key == key:
                return d
        raise KeyError(key)
