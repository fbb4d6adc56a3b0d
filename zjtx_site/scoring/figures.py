"""The derived figures a report shows beside its tables, computed once here.

Pages read them from the Assessment (:class:`~zjtx_site.scoring.results.Figure`),
so render never holds a metric context nor recomputes a ratio.
"""

from __future__ import annotations

from zjtx_site.scoring.fmt import fmt_span
from zjtx_site.scoring.metrics import MetricContext
from zjtx_site.scoring.results import Figure

# the per-year ratios of the three-year table: (name, label, part, whole)
YEAR_RATIOS = (("main_share", "主营业务收入占比", "main_revenue", "revenue"),
               ("net_margin", "净利润率", "net_profit", "revenue"),
               ("rd_ratio", "研发费用占比", "rd_expense", "revenue"),
               ("rd_staff_share", "研发人员占比", "rd_staff", "employees"))
# the rule-relevant figures of the due-diligence section, in the order shown
SUMMARY = ("main_share", "main_growth", "main_growth_avg2", "revenue_cagr", "rd_ratio_y3",
           "rd_expense_sum2", "rd_staff_share", "net_margin", "debt_ratio")
# the summary figures that are the last year's cell of the three-year table (its per-year
# ratio, or the debt ratio as filed): pages show them there once
LAST_YEAR_CELL = {"main_share": "main_share", "main_growth": "main_growth", "rd_ratio_y3": "rd_ratio",
                  "rd_staff_share": "rd_staff_share", "net_margin": "net_margin", "debt_ratio": "debt_ratio"}


def year_ratio_name(name: str) -> str:
    return f"year:{name}"


def derive(ctx: MetricContext) -> tuple[Figure, ...]:
    company, reg = ctx.company, ctx.registry
    out: list[Figure] = []
    years = [y.year for y in company.financials]
    share, growth = reg["year_share"], reg["year_growth"]
    for name, label, part, whole in YEAR_RATIOS:
        for i, year in enumerate(years):
            out.append(Figure(name=year_ratio_name(name), label=label, year=year,
                              shown=fmt_span(share, ctx.get("year_share", (part, whole, i)))))
    for i, year in enumerate(years[1:], 1):
        out.append(Figure(name=year_ratio_name("main_growth"), label="主营业务收入增长率", year=year,
                          shown=fmt_span(growth, ctx.get("year_growth", (i,)))))
    for name in SUMMARY:
        m = reg.get(name)
        if m is not None:
            out.append(Figure(name=name, label=m.label, shown=fmt_span(m, ctx.get(name)), evidence=m.evidence))
    return tuple(out)
