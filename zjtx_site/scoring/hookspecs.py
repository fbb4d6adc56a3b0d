"""The hooks a zjtx plugin may implement.

Every hook has the form ``zjtx_register_<kind>(register)``: the plugin calls
``register(obj)`` for each thing it provides. The host calls each plugin's
hook itself, so it knows which plugin registered what, validates each
registration, and names the plugin when something is wrong. Built-in
evaluators are registered through these same hooks.

An outside plugin replaces a built-in one of the same key by registering it
with ``replace=True``; two registrations of one key without it, or two
outside plugins for one key, are refused at load time.
"""

from __future__ import annotations

import pluggy

hookspec = pluggy.HookspecMarker("zjtx_site")
hookimpl = pluggy.HookimplMarker("zjtx_site")


@hookspec
def zjtx_register_dimensions(register):
    """Register dimension evaluators (专精特新链品).

    :param register: ``register(evaluator, *, replace=False)``. ``evaluator``
        has ``key`` (one of ``specialization``, ``refinement``,
        ``distinctiveness``, ``innovation``, ``chain``, ``product``), ``label``
        (Chinese), ``evaluate(company, metrics) -> DimensionResult`` and
        ``describe() -> dict`` (a dimension in the format of
        ``scoring/data/dimensions.yaml``, checked at load time; the methodology
        page shows it). ``metrics`` is a :class:`zjtx_site.MetricContext`.

    Exactly one evaluator per dimension must be registered across all
    plugins. The result must be a :class:`zjtx_site.DimensionResult`
    with a score in 0–100; anything else is reported as a failure of the
    plugin for that company file.

    since: 0.1
    """


@hookspec
def zjtx_register_metrics(register):
    """Register derived figures that rule-set and dimension data can name.

    :param register: ``register(metric, *, replace=False)`` with a
        :class:`zjtx_site.Metric` (``name``, ``label``, ``unit``,
        ``evidence``, ``fn(company, *args) -> Span``).

    since: 0.1
    """


@hookspec
def zjtx_register_rulesets(register):
    """Register tier rule-set data files.

    :param register: ``register(path, *, replace=False)`` with the path of a
        YAML rule-set file (format: docs/rules-data.md). Its ``id`` is the
        key (``miit-2022``, ``miit-2026``, or a new one).

    since: 0.1
    """


@hookspec
def zjtx_register_grader(register):
    """Register the L1–L5 grader (standard §7.1).

    :param register: ``register(grader, *, replace=False)``; ``grader`` has
        ``key = "grading"``, ``grade(company, metrics) -> Grade``,
        ``level_for(revenue, field_match) -> (level, band)`` (used row by row
        by ``zjtx classify``) and ``describe() -> dict`` (the grading table in
        the format of ``scoring/data/grading.yaml``).

    since: 0.1
    """


@hookspec
def zjtx_register_plan_makers(register):
    """Register the plan maker (standard §7.4, §8.2, Appendix C; rules.md §5).

    :param register: ``register(maker, *, replace=False)``; ``maker`` has
        ``key = "plan"`` and ``make(request) -> Plan``. ``request`` is a
        :class:`zjtx_site.PlanRequest` (the company, its
        grade, the four ``TierResult``, ``held``, ``ready_to_apply``,
        ``next_tier``, every registered rule set, ``forced`` for ``--rules``,
        the metrics and the measure catalogue); the result is a
        :class:`zjtx_site.Plan` (``target``: a ``PlanTarget``
        or ``None``, ``gaps``, and the ordered ``PlanItem`` values), and
        ``describe() -> dict`` (the Appendix C areas and items it plans with,
        for the methodology page).

    since: 0.1 (``make(request) -> Plan`` since 0.2)
    """


@hookspec
def zjtx_register_measures(register):
    """Register Appendix C measures for the plan catalogue (data/measures.yaml).

    :param register: ``register(measure, *, replace=False)`` with a
        :class:`zjtx_site.Measure` or a mapping in the
        format of ``data/measures.yaml`` (checked on load; a bad entry is a
        ``PluginError`` naming the plugin and the field). Its ``id`` is the key:
        ``replace=True`` replaces the built-in measure of that id; a new id
        adds a measure, which the plan considers before the built-in ones.

    since: 0.2
    """
