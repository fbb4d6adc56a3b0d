"""Requirements: "metric op value" conditions a plan must make true.

A requirement comes from an open criterion (or a score line's next band) of
the target tier. Requirements on the same metric merge into the stricter one;
a set of them is one way to meet the tier (an *option*).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from fractions import Fraction

MANUAL = "manual"     # op of a judgement criterion: met by evidence, not by a figure


@dataclass(frozen=True, slots=True)
class Req:
    metric: str                 # metric name ("" for a judgement criterion)
    args: tuple
    op: str                     # ">=", "<=", "true" or MANUAL
    value: Fraction             # threshold in the metric's comparison space
    closes: frozenset[str]      # "<tier>.<criterion id>", "<tier>.score.<line id>"
    label: str                  # the criterion's label
    alt: str | None = None      # "<tier>.<any-of id>": items sharing it are alternatives
    points: Fraction = Fraction(0)   # points it gains on a score line
    tier: str = ""
    note: str = ""              # judgement: the rule's note
    facts: tuple = ()           # judgement: Fact values
    evidence: str = ""          # judgement: what settles it

    @property
    def key(self) -> tuple:
        return (self.metric, self.args, self.op, self.closes if self.op == MANUAL else None)

    def stricter(self, other: Req) -> Req:
        """This requirement merged with ``other`` on the same metric."""
        if self.op == ">=":
            value = max(self.value, other.value)
        elif self.op == "<=":
            value = min(self.value, other.value)
        else:
            value = self.value
        strong = self if value == self.value else other
        return Req(metric=self.metric, args=self.args, op=self.op, value=value,
                   closes=self.closes | other.closes, label=strong.label, alt=self.alt or other.alt,
                   points=self.points + other.points, tier=self.tier or other.tier, note=self.note,
                   facts=self.facts, evidence=self.evidence)

    def implied_by(self, other: Req) -> bool:
        """``other`` (same metric) asks at least as much as this one."""
        if other.key != self.key:
            return False
        if self.op == ">=":
            return other.value >= self.value
        if self.op == "<=":
            return other.value <= self.value
        return True


@dataclass(frozen=True)
class Option:
    """One way to meet a tier: requirements, plus score nodes still to choose points for."""
    reqs: tuple[Req, ...] = ()
    scores: tuple = field(default=())     # ScoreNode values (plan.options) left open

    def merge(self, other: Option) -> Option:
        return Option(merge(self.reqs + other.reqs), self.scores + other.scores)


def merge(reqs: Iterable[Req]) -> tuple[Req, ...]:
    out: dict[tuple, Req] = {}
    for r in reqs:
        old = out.get(r.key)
        out[r.key] = r if old is None else old.stricter(r)
    return tuple(out.values())


def dominates(a: Option, b: Option) -> bool:
    """Every requirement of ``a`` is implied by one of ``b`` (so ``a`` asks no more)."""
    if a.scores != b.scores and a.scores:
        return False
    by_key = {r.key: r for r in b.reqs}
    return all(r.key in by_key and r.implied_by(by_key[r.key]) for r in a.reqs)


def pareto(options: list[Option]) -> list[Option]:
    """Drop options that ask at least as much as another (ties keep the first)."""
    keep: list[Option] = []
    for i, o in enumerate(options):
        if any(j != i and dominates(p, o) and not (dominates(o, p) and j > i)
               for j, p in enumerate(options)):
            continue
        keep.append(o)
    return keep
