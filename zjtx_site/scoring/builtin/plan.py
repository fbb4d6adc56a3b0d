"""Built-in plugin: the cultivation plan and the Appendix C measure catalogue.

The plan maker is in ``scoring/plan/`` (target and rules, options, search,
items); the catalogue is ``data/measures.yaml``, registered through the same
hook as a plugin's measures.
"""

from __future__ import annotations

from zjtx_site.scoring.hookspecs import hookimpl
from zjtx_site.scoring.plan.catalogue import builtin_measures
from zjtx_site.scoring.plan.maker import PlanMaker


@hookimpl
def zjtx_register_plan_makers(register):
    register(PlanMaker())


@hookimpl
def zjtx_register_measures(register):
    for m in builtin_measures():
        register(m)
