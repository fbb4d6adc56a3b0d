"""A draft: the projected company with a plan's changes, and the levers it moved.

A requirement on a metric is met by moving one lever: R&D expense of a year
(``rd``), sales of a year (``sales``: revenue and main revenue together),
focus on the main business (``focus``), Ⅰ类 patents, an R&D institution a level
up, and so on. Each lever records the data changes, the money (万元, where the
change converts) and the units (项, 名, 级 ...) a measure's estimate prices.

A requirement a lever cannot meet raises :class:`Blocked`: a past year's
figure (``past``), a length of time only waiting closes (``time``), an
improvement asked of the assessment year itself or faster than one level a
year (``later``), or nothing to move (``unplannable``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from zjtx_site.scoring.plan.projection import Projection, fin_path, get_path
from zjtx_site.scoring.plan.reqs import Req

HUNDRED = Fraction(100)


class Blocked(Exception):
    def __init__(self, why: str, req: Req, year: int | None = None, figure: str = ""):
        super().__init__(why)
        self.why, self.req, self.year, self.figure = why, req, year, figure


@dataclass
class Use:
    """One lever moved by a draft."""
    lever: str
    kind: str                       # improve | qualify | data | evidence
    year: int | None                # the financial year it changes
    reqs: list[Req] = field(default_factory=list)
    changes: dict[str, Any] = field(default_factory=dict)
    money: Fraction | None = None
    units: Fraction = Fraction(0)
    measure: Any = None

    @property
    def cost(self) -> Fraction:
        if self.kind in ("data", "evidence"):
            return Fraction(0)
        if self.money is not None:
            return self.money
        est = self.measure.estimate_wan if self.measure is not None else None
        return (est or Fraction(0)) * max(self.units, Fraction(1))


def _f(v: Any) -> Fraction | None:
    return None if v is None else Fraction(v)


class Draft:
    """The projected company with the plan's changes, built requirement by requirement."""

    def __init__(self, proj: Projection, pick: Callable[[str, str, Req], Any], improve: bool,
                 registry: Any = None):
        self.proj, self.pick, self.improve, self.registry = proj, pick, improve, registry
        self.fin: dict[tuple[int, str], Fraction] = {}
        self.state: dict[str, Any] = {}
        self.uses: dict[tuple, Use] = {}

    # reading and writing ---------------------------------------------------------
    def fg(self, i: int, name: str) -> Fraction | None:
        y = self.proj.window[i]
        if (y, name) in self.fin:
            return self.fin[(y, name)]
        return _f(getattr(self.proj.entry(i), name))

    def required(self, i: int, name: str) -> Fraction:
        """A figure every financial year reports (revenue, main revenue)."""
        v = self.fg(i, name)
        # required by the intake schema, and plan years copy the last reported year
        assert v is not None, name
        return v

    def metric(self, name: str) -> Any:
        """A metric of the draft's state (non-financial metrics only)."""
        from zjtx_site.scoring.plan.projection import apply_changes

        return self.registry[name].fn(apply_changes(self.proj.company, self.state))

    def sg(self, path: str) -> Any:
        return self.state[path] if path in self.state else get_path(self.proj.company, path)

    def use(self, lever: str, kind: str, year: int | None, req: Req, key: Any = None) -> Use:
        k = (lever, year) if key is None else key
        u = self.uses.get(k)
        if u is None:
            if kind in ("improve", "qualify") and not self.improve:
                raise Blocked("later", req)
            measure = self.pick(kind, lever, req)
            if measure is None and kind in ("improve", "qualify"):
                raise Blocked("unplannable", req)
            u = self.uses[k] = Use(lever=lever, kind=kind, year=year, measure=measure)
        u.reqs.append(req)
        return u

    def set_fin(self, u: Use, i: int, name: str, value: Fraction) -> None:
        y = self.proj.window[i]
        self.fin[(y, name)] = value
        u.changes[fin_path(y, name)] = value

    def set_state(self, u: Use, path: str, value: Any) -> None:
        self.state[path] = value
        u.changes[path] = value

    def editable(self, i: int, req: Req) -> None:
        if not self.proj.editable(i):
            raise Blocked("past", req, self.proj.window[i])

    def data_fin(self, i: int, name: str, value: Fraction, req: Req) -> None:
        """Report a missing figure (the plan takes it at the value the rule needs).

        A plan year copies the last reported year, so a figure missing there is
        reported for that year; every window year holding the copy takes the value."""
        p = self.proj
        year = min(p.window[i], p.last_actual)
        indices = [j for j, y in enumerate(p.window)
                   if y == year or (y > p.last_actual and getattr(p.entry(j), name) is None)]
        if name == "rd_expense" and any(value > self.required(j, "revenue") for j in indices):
            raise Blocked("unplannable", req)          # R&D is part of revenue (crosschecks)
        u = self.use("data", "data", year, req, key=("data", fin_path(year, name)))
        for j in indices:
            self.fin[(p.window[j], name)] = value
            u.changes[fin_path(p.window[j], name)] = value

    def data_state(self, path: str, value: Any, req: Req) -> None:
        u = self.use("data", "data", None, req, key=("data", path))
        self.set_state(u, path, value)
