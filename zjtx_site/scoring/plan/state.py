"""Levers on the company's state: patents, institutions, awards, titles, certificates ...

Each raises a count or sets a flag to what the requirement needs. An
unreported figure is a ``data`` lever: reporting it may settle the
requirement at no cost (the plan takes it at the value the rule needs).
"""

from __future__ import annotations

import dataclasses
import math
from fractions import Fraction
from typing import Any

from zjtx_site.intake.fields import lookup
from zjtx_site.intake.model import record_class
from zjtx_site.intake.schema import COMPANY
from zjtx_site.scoring.plan.draft import Blocked, Draft
from zjtx_site.scoring.plan.reqs import Req
from zjtx_site.scoring.spans import Status


def count_state(d: Draft, r: Req, path: str, lever: str, kind: str = "improve") -> None:
    """A count to raise to the requirement (项, 个, 级, 分)."""
    cur = d.sg(path)
    need = r.value
    if cur is None:
        return d.data_state(path, _plain(need), r)
    if Fraction(cur) >= need:
        return
    u = d.use(lever, kind, None, r)
    u.units += need - Fraction(cur)
    d.set_state(u, path, _plain(need))


def _plain(v: Fraction) -> Any:
    return int(v) if v.denominator == 1 else v


_IP = "innovation.ip."


def ip(d: Draft, r: Req) -> None:
    lever = {"class1_high_value": "patent_high", "class1_applied": "patent_applied", "class2": "ip2"}.get(
        r.metric, "patent")
    part, total = _IP + r.metric, _IP + "class1"
    need = r.value
    cur = d.sg(part)
    if cur is None:
        whole = d.sg(total)
        if r.metric == "class2" or whole is None or whole >= need:
            return d.data_state(part, int(need), r)
        cur = 0                     # fewer Ⅰ类 in all than needed: the plan adds them
    if cur >= need:
        return
    u = d.use(lever, "improve", None, r)
    u.units += need - cur
    d.set_state(u, part, int(need))
    if r.metric != "class2" and r.metric != "class1":
        whole = d.sg(total)
        if whole is None or whole < need:
            d.set_state(u, total, int(need))


_LEVEL_NAMES = {4: "national", 3: "provincial", 2: "municipal", 1: "own"}


def institution(d: Draft, r: Req) -> None:
    need = int(r.value) if r.metric == "institution_level" else (3 if r.metric == "provincial_institution" else 1)
    span = d.metric("institution_level")
    if span.lo is not None and span.lo >= need:
        return
    path = f"innovation.rd_institutions.tech_center.{_LEVEL_NAMES[need]}"
    if span.hi is None or span.hi >= need:
        return d.data_state(path, 1, r)
    steps = need - int(span.lo or 0)
    # one level a year (能级提升): own → municipal → provincial → national
    if steps > max(0, d.proj.year - d.proj.base.assessed_on.year):
        raise Blocked("later", r)
    u = d.use("institution", "improve", None, r)
    u.units += steps
    d.set_state(u, path, max(1, d.sg(path) or 0))


def award(d: Draft, r: Req) -> None:
    national = r.metric.startswith("award_national")
    lever = "award_national" if national else "award"
    awards = d.sg("innovation.science_awards")
    cls = record_class(lookup(COMPANY, "innovation.science_awards"))
    new = cls(year=d.proj.year - 1, level="national" if national else "provincial", rank=1)
    if awards is None:
        return d.data_state("innovation.science_awards", (new,), r)
    if d.metric(r.metric).at_least(r.value) is Status.MET:
        return
    u = d.use(lever, "improve", None, r)
    u.units += 1
    d.set_state(u, "innovation.science_awards", (*awards, new))


def maker(d: Draft, r: Req) -> None:
    want = "top50" if r.metric == "maker_top50" else "top500"
    cur = d.sg("innovation.maker_china")
    if cur is None:
        return d.data_state("innovation.maker_china", want, r)
    if cur == "top50" or cur == want:
        return
    u = d.use("maker", "improve", None, r)
    u.units += 1
    d.set_state(u, "innovation.maker_china", want)


def title(d: Draft, r: Req) -> None:
    titles = d.sg("honors.titles")
    if any(t in titles for t in r.args):
        return
    u = d.use("title", "qualify", None, r)
    title = next(t for t in ("high_tech", *r.args) if t in r.args)
    u.units += 1
    d.set_state(u, "honors.titles", (*titles, title))


def equity(d: Draft, r: Req) -> None:
    two, three = d.sg("financing.equity_raised_2y"), d.sg("financing.equity_raised_3y")
    path = "financing.equity_raised_2y" if r.metric == "equity_raised_2y" else "financing.equity_raised_3y"
    cur = two if r.metric == "equity_raised_2y" else three
    if cur is None:
        return d.data_state(path, r.value, r)
    if Fraction(cur) >= r.value:
        return
    u = d.use("equity", "improve", None, r)
    d.set_state(u, path, r.value)
    if r.metric == "equity_raised_2y" and three is not None and Fraction(three) < r.value:
        d.set_state(u, "financing.equity_raised_3y", r.value)


def records(d: Draft, r: Req, path: str, key: str, lever: str) -> None:
    """The last entry of a yearly list (market share, own brands)."""
    entries = d.sg(path)
    last = entries[-1] if entries else None
    if last is None or getattr(last, key) is None:
        if last is None:
            cls = record_class(lookup(COMPANY, path))
            last = cls(**{f.name: None for f in dataclasses.fields(cls) if f.name != "year"}, year=d.proj.last_actual)
        return d.data_state(path, (*(entries or ())[:-1], _with(last, key, r.value)), r)
    cur = Fraction(getattr(last, key))
    if cur >= r.value:
        return
    u = d.use(lever, "improve", None, r)
    u.units += r.value - cur
    d.set_state(u, path, (*entries[:-1], _with(last, key, r.value)))


def _with(entry: Any, key: str, value: Fraction) -> Any:
    return dataclasses.replace(entry, **{key: _plain(value)})


def local(d: Draft, r: Req) -> None:
    """The provincial 地方特色 score: only reported, never planned."""
    if d.sg("distinctiveness.local_score") is None:
        return d.data_state("distinctiveness.local_score", _plain(r.value), r)
    raise Blocked("unplannable", r)


def rank(d: Draft, r: Req) -> None:
    path = "distinctiveness." + r.metric
    cur = d.sg(path)
    if cur is None:
        return d.data_state(path, int(r.value), r)
    if cur <= r.value:
        return
    u = d.use("global_rank" if r.metric == "global_rank" else "rank", "improve", None, r)
    u.units += cur - r.value
    d.set_state(u, path, int(r.value))


def standards(d: Draft, r: Req) -> None:
    s = d.sg("honors.standards")
    parts = (s.international, s.national, s.industry)
    known = sum(p for p in parts if p is not None)
    if None in parts:
        return d.data_state("honors.standards.industry", int(r.value - known + (s.industry or 0)), r)
    if known >= r.value:
        return
    u = d.use("standards", "improve", None, r)
    u.units += r.value - known
    d.set_state(u, "honors.standards.industry", int(s.industry + r.value - known))


def listed(d: Draft, r: Req, path: str, lever: str, choices: tuple[str, ...], need: int | None = None) -> None:
    cur = d.sg(path)
    need = int(r.value) if need is None else need
    if cur is None:
        return d.data_state(path, choices[:need], r)
    if len(cur) >= need and not (r.metric == "iso9001" and "iso9001" not in cur):
        return
    u = d.use(lever, "improve", None, r)
    add = ["iso9001"] if r.metric == "iso9001" else [c for c in choices if c not in cur][: need - len(cur)]
    u.units += len(add)
    d.set_state(u, path, (*cur, *add))


def flag(d: Draft, r: Req, path: str, lever: str, value: Any = True) -> None:
    cur = d.sg(path)
    if cur is None:
        return d.data_state(path, value, r)
    if cur == value or (value == "provincial" and cur == "national"):
        return
    u = d.use(lever, "improve", None, r)
    u.units += 1
    d.set_state(u, path, value)


def evidence(d: Draft, r: Req) -> None:
    d.use("manual", "evidence", None, r, key=("evidence", r.closes))


def time(d: Draft, r: Req) -> None:
    have = Fraction(d.proj.company.specialization.niche_years)
    if have < r.value:
        raise Blocked("time", r, d.proj.year + math.ceil(r.value - have))


def report_only(d: Draft, r: Req, path: str) -> None:
    """A fact of the product or company only reporting settles (新产品 ...)."""
    if d.sg(path) is None:
        return d.data_state(path, r.op == ">=", r)
    raise Blocked("unplannable", r)
