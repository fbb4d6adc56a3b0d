"""The follow-up section (§7 跟踪总结) on a company with two rounds: gaps that
closed, gaps still open, and last round's measures whose gaps all closed.
gz-xishuo-materials raised its R&D ratio from 1.74% to 5.66% between 2025
and 2026, which closes the R&D criterion and the 创新型 score."""

from __future__ import annotations

import pytest
from report_helpers import assessments, make_project

from zjtx_site.render.history import History, history_context
from zjtx_site.scoring.spans import Status


@pytest.fixture(scope="module")
def rounds(tmp_path_factory):
    project = make_project(tmp_path_factory.mktemp("followup"), ["gz-xishuo-materials"])
    got = assessments(project)
    return got[("gz-xishuo-materials", "2025")], got[("gz-xishuo-materials", "2026")]


def test_closed_and_open_gaps_follow_this_rounds_verdicts(rounds):
    prev, now = rounds
    h = history_context(now, History(previous=prev, rounds=(prev, now)))
    closed = {g["label"] for g in h["closed"]}
    still = {g["label"] for g in h["still"]}
    assert "评分指标：上年度研发费用占比" in closed
    assert any(label.startswith("评分达到 60 分") for label in closed)
    assert "近三年获得国家级或省级科技奖励" in still
    # every previous gap lands in exactly one list
    compared = [g for g in prev.gaps if g.tier not in {s["tier"] for s in h["superseded"]}]
    assert len(closed) + len(still) == len({(g.tier, g.criterion) for g in compared})
    # a closed gap is met now; an open one is not
    for g in prev.gaps:
        crit = next((c for t in now.tiers if t.tier == g.tier for top in t.criteria
                     for c in _walk(top) if c.id == g.criterion), None)
        if g.label in closed and crit is not None:
            assert crit.status in (Status.MET, Status.NOT_APPLICABLE)


def test_a_measure_is_done_when_all_its_gaps_closed(rounds):
    prev, now = rounds
    h = history_context(now, History(previous=prev, rounds=(prev, now)))
    closed = {(g["tier"], g["label"]) for g in h["closed"]}
    assert h["plan_done"], "the R&D measure of 2025 is done in 2026"
    for item in prev.plan:
        if not item.gaps or item.kind == "not_recoverable":    # nothing to carry out
            continue
        name = f"{item.id} {item.item}"
        labels = {(_tier_label(g.tier), g.label) for g in item.gaps}
        if labels <= closed:
            assert name in h["plan_done"]
        else:
            assert name in h["plan_open"] + h["plan_rules"]


def _walk(c):
    yield c
    for k in c.children:
        yield from _walk(k)


def _tier_label(tier):
    from zjtx_site.vocabulary import TIER_LABELS

    return TIER_LABELS[tier]
