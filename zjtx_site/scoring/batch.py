"""Scoring many companies: each under the time limit, failures kept or raised.

A failure of one company's plugins raises :class:`EvaluationError`, or under
``keep_going`` is listed and the company left out (a failure inside one
dimension stays on its Assessment, which is then marked incomplete).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from zjtx_site.errors import EvaluationError
from zjtx_site.scoring import guard
from zjtx_site.scoring.engine import Engine, assess
from zjtx_site.scoring.results import Assessment


def assess_all(engine: Engine, companies: Iterable[Any], *, forced: str | None = None, keep_going: bool = False,
               progress: Callable[[str], None] = lambda s: None) -> tuple[list[Assessment], list[str]]:
    assessments: list[Assessment] = []
    failures: list[str] = []
    with guard.TimeLimit(guard.time_limit()) as limit:
        for i, c in enumerate(companies, 1):
            try:
                a = limit.run(c.source, assess, engine, c, forced=forced, keep_going=keep_going)
            except EvaluationError as exc:
                if not keep_going:
                    raise
                failures.append(f"{exc}（未生成该文件的报告）")
                continue
            assessments.append(a)
            failures += a.failures
            if i % 200 == 0:
                progress(f"已评分 {i}")
    return assessments, failures
