"""Levers on the financial years: sales, focus, R&D, profit, debt, R&D staff.

Each moves the figure of one year of the application's window by the least
that meets the requirement; a year already final raises ``past``. Sales move
revenue and main revenue together (the rest of the business unchanged), and
run before the ratios that divide by them, so moving a lever further never
costs less.
"""

from __future__ import annotations

import math
from fractions import Fraction

from zjtx_site.scoring.plan.draft import HUNDRED, Blocked, Draft, Use, _f
from zjtx_site.scoring.plan.projection import Projection, cents_up, fin_path, get_path
from zjtx_site.scoring.plan.reqs import Req


def sales(d: Draft, r: Req) -> None:
    rev, main = d.required(2, "revenue"), d.required(2, "main_revenue")
    m1, m2 = d.required(0, "main_revenue"), d.required(1, "main_revenue")
    v = r.value
    delta: Fraction | None
    if r.metric == "revenue":
        delta = v - rev
    elif r.metric == "main_growth":
        delta = m2 * (1 + v / HUNDRED) - main if m2 else None
    elif r.metric == "main_growth_avg2":
        delta = (m2 * (1 + (2 * v - (m2 / m1 - 1) * HUNDRED) / HUNDRED) - main) if m1 and m2 else None
    elif r.metric == "revenue_cagr":
        r1 = d.required(0, "revenue")
        delta = v * r1 - rev if r1 else None
    else:   # main_revenue_mean3
        delta = 3 * v - (m1 + m2 + main)
    if delta is None:
        raise Blocked("unplannable", r)
    if delta <= 0:
        return
    d.editable(2, r)
    u = d.use("sales", "improve", d.proj.window[2], r)
    delta = cents_up(delta)
    d.set_fin(u, 2, "revenue", rev + delta)
    d.set_fin(u, 2, "main_revenue", main + delta)


def focus(d: Draft, r: Req) -> None:
    rev, main = d.required(2, "revenue"), d.required(2, "main_revenue")
    need = r.value / HUNDRED * rev
    if main >= need:
        return
    d.editable(2, r)
    u = d.use("focus", "improve", d.proj.window[2], r)
    d.set_fin(u, 2, "main_revenue", min(rev, cents_up(need)))


RD_INDEX = {"rd_ratio_y3": 2, "rd_expense_y3": 2, "rd_expense_sum2": 2, "rd_expense_mean2": 2,
             "rd_ratio_y2": 1, "rd_expense_y2": 1}


def move(d: Draft, r: Req, i: int, name: str, need: Fraction, lever: str, lower: bool = False) -> None:
    """Move one figure of window year ``i`` to ``need`` (at least, or at most when
    ``lower``); an unreported figure is reported instead (the plan takes it at the need)."""
    cur = d.fg(i, name)
    # cur is None only when the entry's figure is (the draft writes figures, never None)
    if cur is None or getattr(d.proj.entry(i), name) is None:
        value = need if cur is None else (min(cur, need) if lower else max(cur, need))
        return d.data_fin(i, name, value, r)
    if (cur <= need) if lower else (cur >= need):
        return
    d.editable(i, r)
    u = d.use(lever, "improve", d.proj.window[i], r)
    d.set_fin(u, i, name, need)


def rd(d: Draft, r: Req) -> None:
    i = RD_INDEX[r.metric]
    if r.metric.startswith("rd_ratio"):
        need = r.value / HUNDRED * d.required(i, "revenue")
    elif r.metric in ("rd_expense_sum2", "rd_expense_mean2"):
        other = d.fg(1, "rd_expense")
        if other is None:
            d.data_fin(1, "rd_expense", Fraction(0), r)
            other = Fraction(0)
        need = (r.value if r.metric == "rd_expense_sum2" else 2 * r.value) - other
    else:
        need = r.value
    if need > d.required(i, "revenue"):
        raise Blocked("unplannable", r)         # R&D is part of revenue (crosschecks)
    move(d, r, i, "rd_expense", cents_up(max(need, Fraction(0))), "rd")


def profit(d: Draft, r: Req) -> None:
    move(d, r, 2, "net_profit", cents_up(r.value / HUNDRED * d.required(2, "revenue")), "profit")


def debt(d: Draft, r: Req) -> None:
    move(d, r, 2, "debt_ratio", r.value, "debt", lower=True)


def staff(d: Draft, r: Req) -> None:
    emp = d.fg(2, "employees")
    if emp is None:
        raise Blocked("unplannable", r)
    move(d, r, 2, "rd_staff", min(emp, Fraction(math.ceil(r.value / HUNDRED * emp))), "staff")


def account(d: Draft) -> None:
    """Money of each lever: what its changes are worth in 万元, where they convert."""
    p = d.proj
    for u in d.uses.values():
        if u.kind != "improve" and u.kind != "qualify":
            continue
        if u.lever == "sales":
            was, now = _moved(p, u, "revenue")
            u.money = now - was
        elif u.lever == "focus":
            # the part of the main revenue that sales did not bring
            sales = d.required(2, "revenue") - Fraction(p.company.financials[2].revenue)
            was, now = _moved(p, u, "main_revenue")
            u.money = now - was - sales
        elif u.lever in ("rd", "profit"):
            was, now = _moved(p, u, "rd_expense" if u.lever == "rd" else "net_profit")
            u.money = now - was
        elif u.lever == "debt":
            assets = _f(p.company.financials[2].total_assets)
            was, now = _moved(p, u, "debt_ratio")
            drop = was - now
            u.units = drop
            u.money = None if assets is None else drop * assets / HUNDRED
        elif u.lever == "staff":
            was, now = _moved(p, u, "rd_staff")
            u.units = Fraction(now) - was
        elif u.lever == "equity":
            before = get_path(p.company, "financing.equity_raised_2y")
            after = u.changes.get("financing.equity_raised_2y")
            if after is None:
                before = get_path(p.company, "financing.equity_raised_3y")
                after = u.changes["financing.equity_raised_3y"]
            u.money = Fraction(after) - Fraction(before)
        elif u.lever == "share":
            u.money = _share_money(p, u)


def _moved(p: Projection, u: Use, name: str) -> tuple[Fraction, Fraction]:
    """A figure a financial lever moved: as projected, and as the plan sets it."""
    # financial levers always move a window year, and only a reported figure
    # (a missing one is reported instead: Draft.data_fin)
    assert u.year is not None
    before = _f(getattr(p.company.financials[p.window.index(u.year)], name))
    assert before is not None, name
    return before, u.changes[fin_path(u.year, name)]


def _share_money(p: Projection, u: Use) -> Fraction | None:
    records = p.company.distinctiveness.market_share
    cur = Fraction(records[-1].domestic) if records and records[-1].domestic else None
    main = _f(p.base.financials[-1].main_revenue)
    if not cur or main is None:
        return None
    return (u.units / cur) * main
