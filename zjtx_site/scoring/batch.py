"""Scoring many companies: each under the time limit, failures kept or raised.

A failure of one company's plugins raises :class:`EvaluationError`, or under
``keep_going`` is listed and the company left out (a failure inside one
dimension stays on its Assessment, which is then marked incomplete).

With a memo, a company whose data, rule sets, plugins and tool code are all
as last time gets last time's assessment back: a rebuild after one file
changed scores that file. Incomplete assessments are never kept.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from zjtx_site.errors import EvaluationError
from zjtx_site.memo import Memo, key_of
from zjtx_site.scoring import guard
from zjtx_site.scoring.engine import Engine, assess
from zjtx_site.scoring.results import Assessment
from zjtx_site.version import code_digest


def assess_all(engine: Engine, companies: Iterable[Any], *, forced: str | None = None, keep_going: bool = False,
               progress: Callable[[str], None] = lambda s: None,
               memo: Memo | None = None) -> tuple[list[Assessment], list[str]]:
    """``memo``: assessments kept by earlier runs. ``companies`` are taken to be all there
    are: what the memo keeps for any other company is dropped."""
    assessments: list[Assessment] = []
    failures: list[str] = []
    base = key_of(code_digest(), engine.digest(), forced or "") if memo is not None else ""
    with guard.TimeLimit(guard.time_limit()) as limit:
        for i, c in enumerate(companies, 1):
            # the company's identity and file digest decide the company value itself
            key = key_of(base, c.source, c.company_id, c.round, c.digest) if memo is not None else ""
            a = memo.get(key, Assessment) if memo is not None else None
            if a is None:
                try:
                    a = limit.run(c.source, assess, engine, c, forced=forced, keep_going=keep_going)
                except EvaluationError as exc:
                    if not keep_going:
                        raise
                    failures.append(f"{exc}（未生成该文件的报告）")
                    continue
                if memo is not None and a.complete:
                    memo.put(key, a)
            assessments.append(a)
            failures += a.failures
            if i % 200 == 0:
                progress(f"已评分 {i}")
    if memo is not None:
        memo.prune()
    return assessments, failures
