"""Checking what plugins return, where it comes back.

The host calls every plugin itself (see :mod:`.host`); this module is the
place where a call is made and its result judged. Anything that is not a
well-formed result of our own types is a failure attributed to the plugin,
the hook and the company file: ``None``, a wrong type, a float score (our
scores are exact), an indicator object that is not ours, an exception, and
also ``SystemExit`` or ``KeyboardInterrupt`` raised inside the call, which
would otherwise end the whole run looking like success.

A per-company time limit (:func:`within`) turns a plugin that never returns
into a failure too: the company is scored on a worker thread, and the caller
stops waiting when the limit passes.
"""

from __future__ import annotations

import os
import queue
import threading
from collections.abc import Callable
from fractions import Fraction
from typing import Any, Self

from zjtx_site.errors import EvaluationError, ResultError, UsageError
from zjtx_site.scoring.results import (
    DimensionResult,
    Gap,
    Grade,
    Indicator,
    Plan,
    PlanItem,
    PlanTarget,
    TierResult,
)
from zjtx_site.scoring.spans import Status

# Raised inside a plugin call, these are the plugin's failure, not the user's wish to stop.
FAULTS = (Exception, SystemExit, KeyboardInterrupt)
TIME_LIMIT_ENV = "ZJTX_TIME_LIMIT"
DEFAULT_TIME_LIMIT = 300.0          # seconds per company; generous: a company takes milliseconds

Check = Callable[[Any], str]        # returns what is wrong with a result, or ""

# thread id -> (plugin, hook) of the call running on it, so a time limit can name the plugin
_running: dict[int, tuple[str, str]] = {}


def call(plugin: str, hook: str, source: str, check: Check | None, fn: Callable[..., Any], *args: Any) -> Any:
    """``fn(*args)``, with any failure or bad result raised as an :class:`EvaluationError`."""
    me = threading.get_ident()
    _running[me] = (plugin, hook)
    try:
        result = fn(*args)
    except EvaluationError:
        raise
    except ResultError as exc:
        raise EvaluationError(plugin, source, f"{hook} 的结果无效：{exc}") from None
    except FAULTS as exc:
        raise EvaluationError(plugin, source, f"{hook} {_fault(exc)}") from None
    finally:
        _running.pop(me, None)
    problem = check(result) if check is not None else ""
    if problem:
        raise EvaluationError(plugin, source, f"{hook} {problem}")
    return result


def _fault(exc: BaseException) -> str:
    if isinstance(exc, SystemExit):
        return f"调用了 sys.exit({exc.code!r})（插件不能结束程序）"
    if isinstance(exc, KeyboardInterrupt):
        return "抛出了 KeyboardInterrupt"
    return f"抛出 {type(exc).__name__}: {exc}"


def _got(value: Any) -> str:
    return "None" if value is None else type(value).__name__


def _exact(value: Any) -> bool:
    # int or Fraction; never bool, float or Decimal (scores are exact fractions)
    return type(value) is int or isinstance(value, Fraction)


def _indicator(i: Any) -> str:
    if type(i) is not Indicator:
        return f"指标应为 zjtx_site 的 Indicator，实际是 {type(i).__module__}.{type(i).__qualname__}"
    if not (_exact(i.points) and _exact(i.max_points)):
        return f"指标 {i.id} 的得分应为精确数（Fraction 或 int），实际是 {_got(i.points)}/{_got(i.max_points)}"
    if not isinstance(i.status, Status):
        return f"指标 {i.id} 的状态应为 Status，实际是 {_got(i.status)}"
    return ""


def dimension(key: str) -> Check:
    """The check of a dimension evaluator's result for dimension ``key``."""
    want = f"应返回 维度 {key} 的 DimensionResult"

    def check(d: Any) -> str:
        if type(d) is not DimensionResult or d.key != key:
            return f"{want}，实际返回 {_got(d)}" + (f"（维度 {d.key}）" if type(d) is DimensionResult else "")
        if not _exact(d.score):
            return f"{want}，得分应为精确数（Fraction 或 int），实际是 {_got(d.score)}"
        if not isinstance(d.indicators, tuple):
            return f"{want}，indicators 应为元组，实际是 {_got(d.indicators)}"
        return next((p for p in map(_indicator, d.indicators) if p), "")
    return check


def grade(g: Any) -> str:
    if type(g) is not Grade:
        return f"应返回 Grade，实际返回 {_got(g)}"
    if not _exact(g.revenue):
        return f"Grade 的营业收入应为精确数，实际是 {_got(g.revenue)}"
    return ""


def plan(made: Any) -> str:
    ok = (type(made) is Plan and isinstance(made.gaps, tuple) and all(type(x) is Gap for x in made.gaps)
          and isinstance(made.items, tuple) and all(type(x) is PlanItem for x in made.items)
          and (made.target is None or type(made.target) is PlanTarget))
    return "" if ok else f"应返回 Plan（PlanTarget、Gap 与 PlanItem 的元组），实际返回 {_got(made)}"


def tier(t: Any) -> str:
    return "" if type(t) is TierResult else f"应返回 TierResult，实际返回 {_got(t)}"


def time_limit() -> float:
    """Seconds per company, from ``ZJTX_TIME_LIMIT`` (0 or less: no limit)."""
    raw = os.environ.get(TIME_LIMIT_ENV, "").strip()
    if not raw:
        return DEFAULT_TIME_LIMIT
    try:
        return float(raw)
    except ValueError:
        raise UsageError(f"环境变量 {TIME_LIMIT_ENV}={raw!r} 应为秒数（每家企业评分的时间上限）") from None


class _Worker:
    """One daemon thread running jobs in turn. Abandoned (never joined) once a job overruns,
    so a hung plugin cannot keep the program from exiting; stopped when no longer needed,
    so no idle thread is left behind (charts are drawn in forked processes)."""

    def __init__(self) -> None:
        self.jobs: queue.Queue = queue.Queue()
        self.thread = threading.Thread(target=self._loop, name="zjtx-scoring", daemon=True)
        self.thread.start()

    def _loop(self) -> None:
        while True:
            job = self.jobs.get()
            if job is None:
                return
            fn, args, kw, box, done = job
            try:
                box.append((True, fn(*args, **kw)))
            except BaseException as exc:  # noqa: BLE001 - handed back to the caller's thread
                box.append((False, exc))
            done.set()

    def stop(self, wait: bool) -> None:
        self.jobs.put(None)
        if wait:
            self.thread.join()


class TimeLimit:
    """Runs one company's scoring at a time, failing with :class:`EvaluationError` (naming the
    plugin that was running) when it takes longer than ``seconds`` (0 or less: no limit)."""

    def __init__(self, seconds: float):
        self.seconds = seconds
        self.worker: _Worker | None = None

    def __enter__(self) -> Self:
        return self

    def __exit__(self, exc_type: object, *rest: object) -> None:
        if self.worker is not None:
            # on Ctrl-C, do not wait for the company being scored: the thread is a daemon
            self.worker.stop(wait=exc_type is None)
            self.worker = None

    def run(self, source: str, fn: Callable[..., Any], *args: Any, **kw: Any) -> Any:
        if self.seconds <= 0:
            return fn(*args, **kw)
        if self.worker is None:
            self.worker = _Worker()
        box: list[tuple[bool, Any]] = []
        done = threading.Event()
        self.worker.jobs.put((fn, args, kw, box, done))
        if not done.wait(self.seconds):
            plugin, hook = _running.get(self.worker.thread.ident or 0, ("?", "?"))
            self.worker = None          # abandoned; the next company gets a fresh thread
            raise EvaluationError(plugin, source, f"{hook} 超过 {self.seconds:g} 秒没有返回（时间上限见环境变量 "
                                                  f"{TIME_LIMIT_ENV}）")
        ok, value = box[0]
        if ok:
            return value
        raise value


def within(seconds: float, source: str, fn: Callable[..., Any], *args: Any, **kw: Any) -> Any:
    """``fn(*args, **kw)`` under a time limit of its own."""
    with TimeLimit(seconds) as limit:
        return limit.run(source, fn, *args, **kw)
