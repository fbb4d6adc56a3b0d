"""Built-in plugin: the cultivation plan and the Appendix C measure catalogue.

The plan maker is in ``scoring/plan/`` (target and rules, options, search,
items); the catalogue is ``data/measures.yaml``, registered through the same
hook as a plugin's measures.
"""

from __future__ import annotations

from typing import Any

from zjtx_site.scoring.hookspecs import hookimpl
from zjtx_site.scoring.plan.catalogue import builtin_measures
from zjtx_site.scoring.plan.maker import PlanMaker
from zjtx_site.vocabulary import APPENDIX_C


def plan_catalog() -> dict[str, Any]:
    """Appendix C as the methodology page lists it: areas, items, and the measures of each."""
    by_item: dict[tuple[str, str], list[str]] = {}
    for m in builtin_measures():
        by_item.setdefault((m.area, m.item), []).append(m.id)
    return {"areas": [{"id": area, "label": label,
                       "items": [{"label": item, "measures": by_item.get((area, item), [])} for item in items]}
                      for area, (label, items) in APPENDIX_C.items()]}


@hookimpl
def zjtx_register_plan_makers(register):
    register(PlanMaker())


@hookimpl
def zjtx_register_measures(register):
    for m in builtin_measures():
        register(m)
