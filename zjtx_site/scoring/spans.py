"""Exact figures that may be partly unknown, and the four-way status.

A figure is a :class:`Span`: the range it can take given what was reported.
A reported figure is a point (``lo == hi``); an unreported one is open at
both ends. Testing a rule against the span applies rules.md's missing-data
semantics directly: *met* when it passes even at the worst end, *unmet*
when it fails even at the best end, *needs_data* otherwise. All bounds are
``Fraction`` so that no float ever decides a band.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

Number = Fraction | int


class Status(enum.Enum):
    MET = "met"
    UNMET = "unmet"
    NEEDS_DATA = "needs_data"
    MANUAL_REVIEW = "manual_review"
    NOT_APPLICABLE = "not_applicable"

    @property
    def label(self) -> str:
        return STATUS_LABELS[self]


STATUS_LABELS = {
    Status.MET: "符合",
    Status.UNMET: "不符合",
    Status.NEEDS_DATA: "待补充数据",
    Status.MANUAL_REVIEW: "待人工判断",
    Status.NOT_APPLICABLE: "不适用",
}

# rules.md: unmet > needs_data > manual_review > met
_PRECEDENCE = (Status.UNMET, Status.NEEDS_DATA, Status.MANUAL_REVIEW, Status.MET)


def all_of(statuses: list[Status]) -> Status:
    live = [s for s in statuses if s is not Status.NOT_APPLICABLE]
    for s in _PRECEDENCE:
        if s in live:
            return s
    return Status.MET


def any_of(statuses: list[Status]) -> Status:
    live = [s for s in statuses if s is not Status.NOT_APPLICABLE]
    for s in (Status.MET, Status.MANUAL_REVIEW, Status.NEEDS_DATA):
        if s in live:
            return s
    return Status.UNMET


def exact(value: int | Decimal | Fraction) -> Fraction:
    return Fraction(value)


@dataclass(frozen=True, slots=True)
class Span:
    lo: Fraction | None   # None: no lower bound known
    hi: Fraction | None   # None: no upper bound known

    @staticmethod
    def of(value: int | Decimal | Fraction | bool | None) -> Span:
        if value is None:
            return UNKNOWN
        v = Fraction(int(value)) if isinstance(value, bool) else Fraction(value)
        return Span(v, v)

    @staticmethod
    def between(lo: Number | None, hi: Number | None) -> Span:
        return Span(None if lo is None else Fraction(lo), None if hi is None else Fraction(hi))

    @property
    def known(self) -> bool:
        # Span.of shares one object for both ends: test identity before value
        return self.lo is not None and (self.lo is self.hi or self.lo == self.hi)

    @property
    def value(self) -> Fraction | None:
        return self.lo if self.known else None

    def at_least(self, t: Fraction) -> Status:
        if self.lo is not None and self.lo >= t:
            return Status.MET
        if self.hi is not None and self.hi < t:
            return Status.UNMET
        return Status.NEEDS_DATA

    def at_most(self, t: Fraction) -> Status:
        if self.hi is not None and self.hi <= t:
            return Status.MET
        if self.lo is not None and self.lo > t:
            return Status.UNMET
        return Status.NEEDS_DATA


UNKNOWN = Span(None, None)
BOOL_UNKNOWN = Span(Fraction(0), Fraction(1))
