"""Which lever meets which requirement, and the cost of a set of requirements.

:func:`apply` moves the levers a set of requirements needs, in a fixed order
(sales before the ratios that divide by them, each lever by the least that
meets every requirement on it). Moving a lever further never costs less, so
the cost of a set is a lower bound of the cost of any larger set: the search
prunes on it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from zjtx_site.scoring.plan import finance, state
from zjtx_site.scoring.plan.draft import Blocked, Draft
from zjtx_site.scoring.plan.projection import Projection
from zjtx_site.scoring.plan.reqs import MANUAL, Req


def _chain(m: str) -> Callable[[Draft, Req], None]:
    return lambda d, r: state.flag(d, r, f"chain.{m}", "chain")


# metric → (phase, handler); phases run in order so ratios see the sales they divide by
HANDLERS: dict[str, tuple[int, Callable[[Draft, Req], None]]] = {
    **{m: (1, finance.sales) for m in ("revenue", "main_growth", "main_growth_avg2", "revenue_cagr",
                                "main_revenue_mean3")},
    "main_share": (2, finance.focus),
    **{m: (3, finance.rd) for m in finance.RD_INDEX},
    "net_margin": (4, finance.profit), "debt_ratio": (5, finance.debt), "rd_staff_share": (6, finance.staff),
    **{m: (7, state.ip) for m in ("class1", "class1_self_developed", "class1_high_value", "class1_applied", "class2")},
    **{m: (7, state.institution) for m in ("institution_level", "provincial_institution", "any_institution")},
    **{m: (7, state.award) for m in ("awards_3y", "award_provincial_rank3_3y", "award_national_rank3_3y",
                                "award_national_rank5_3y")},
    "maker_top500": (7, state.maker), "maker_top50": (7, state.maker), "titles_any": (7, state.title),
    "equity_raised_2y": (7, state.equity), "equity_raised_3y": (7, state.equity),
    "domestic_share": (7, lambda d, r: state.records(d, r, "distinctiveness.market_share", "domestic", "share")),
    "own_brands": (7, lambda d, r: state.records(d, r, "distinctiveness.own_brands", "count", "brand")),
    "domestic_rank": (7, state.rank), "global_rank": (7, state.rank), "standards_total": (7, state.standards),
    "quality_award_provincial": (7, lambda d, r: state.flag(d, r, "refinement.quality_award", "quality_award",
                                                       "provincial")),
    "iso9001": (7, lambda d, r: state.listed(d, r, "refinement.management_certs", "certification",
                                        ("iso9001",), 1)),
    "management_certs": (7, lambda d, r: state.listed(d, r, "refinement.management_certs", "certification",
                                                 ("iso9001", "iso14001", "ohsas18001"))),
    "foreign_certs": (7, lambda d, r: state.listed(d, r, "refinement.foreign_product_certs", "foreign_certs",
                                              ("ul", "csa", "etl", "gs"))),
    "info_systems": (7, lambda d, r: state.listed(d, r, "refinement.info_systems", "info_systems",
                                             ("erp_oa", "cax", "cam", "crm", "srm"))),
    "digital_level": (7, lambda d, r: state.count_state(d, r, "refinement.digital_level", "digital_level")),
    **{m: (7, _chain(m)) for m in ("fills_gap", "supplies_leaders", "serves_key_leader")},
    "strategic_emerging": (7, lambda d, r: state.flag(d, r, "product.strategic_emerging", "field")),
    "platform_score": (7, lambda d, r: state.count_state(d, r, "compliance.platform_score", "platform")),
    "local_score": (7, state.local),
    "niche_years": (8, state.time),
    "new_product": (7, lambda d, r: state.report_only(d, r, "product.new_product")),
}


def phase(r: Req) -> int:
    if r.op == MANUAL:
        return 0
    return HANDLERS[r.metric][0] if r.metric in HANDLERS else 9


def apply(reqs: tuple[Req, ...], proj: Projection, pick: Callable[[str, str, Req], Any],
          improve: bool, registry: Any) -> Draft:
    """Move the levers every requirement needs; raises :class:`Blocked`."""
    d = Draft(proj, pick, improve, registry)
    for r in sorted(reqs, key=phase):
        if r.op == MANUAL:
            state.evidence(d, r)
        elif r.metric in HANDLERS:
            HANDLERS[r.metric][1](d, r)
        else:
            raise Blocked("unplannable", r)
    finance.account(d)
    return d


# the lever a metric's figure belongs to: a missing figure or a past one is
# reported under the Appendix C item of the lever that would move it
LEVER_OF = {
    **dict.fromkeys(("revenue", "main_growth", "main_growth_avg2", "revenue_cagr", "main_revenue_mean3"), "sales"),
    "main_share": "focus", **dict.fromkeys(finance.RD_INDEX, "rd"), "net_margin": "profit", "debt_ratio": "debt",
    "rd_staff_share": "staff", "class1": "patent", "class1_self_developed": "patent",
    "class1_high_value": "patent_high", "class1_applied": "patent_applied", "class2": "ip2",
    **dict.fromkeys(("institution_level", "provincial_institution", "any_institution"), "institution"),
    "awards_3y": "award", "award_provincial_rank3_3y": "award", "award_national_rank3_3y": "award_national",
    "award_national_rank5_3y": "award_national", "maker_top500": "maker", "maker_top50": "maker",
    "titles_any": "title", "equity_raised_2y": "equity", "equity_raised_3y": "equity", "domestic_share": "share",
    "own_brands": "brand", "domestic_rank": "rank", "global_rank": "global_rank", "standards_total": "standards",
    "quality_award_provincial": "quality_award", "iso9001": "certification", "management_certs": "certification",
    "foreign_certs": "foreign_certs", "info_systems": "info_systems", "digital_level": "digital_level",
    **dict.fromkeys(("fills_gap", "supplies_leaders", "serves_key_leader"), "chain"),
    "strategic_emerging": "field", "platform_score": "platform", "local_score": "local", "niche_years": "time",
}
