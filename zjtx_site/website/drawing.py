"""Drawing many charts: serially for a few, on a process pool for many.

Each chart is a pure function of its arguments, so the bytes are the same
however the work is split. The pool uses the platform's default way to start
workers ("spawn" on Windows and macOS, where there is no fork), so each job
(a :class:`Chart`: a chart name and its arguments) travels pickled.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from zjtx_site.render.pages import Chart

POOL_FROM = 16          # below this, starting workers costs more than it saves


def _draw(chart: Chart) -> bytes:
    return chart.draw()


def draw_all(jobs: Sequence[Chart]) -> Iterable[bytes]:
    workers = min(os.cpu_count() or 1, 8)
    if len(jobs) < POOL_FROM or workers < 2:
        return [_draw(c) for c in jobs]
    import multiprocessing

    ctx = multiprocessing.get_context()   # the default start method, never a forced fork
    return _pooled(jobs, workers, ctx)


def _pooled(jobs: Sequence[Chart], workers: int, ctx: Any) -> Iterator[bytes]:
    import concurrent.futures

    # in order, as they come: the caller can report progress
    with concurrent.futures.ProcessPoolExecutor(workers, mp_context=ctx) as pool:
        yield from pool.map(_draw, jobs, chunksize=8)
