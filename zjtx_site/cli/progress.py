"""Progress lines for long builds.

A build says what each stage did (validate, score, charts, pages, site), with
counts such as ``已评分 400/1000``. Staff at a terminal see those lines once a
build has run for 10 seconds (a short build stays quiet): then the lines held
so far are shown, and each later one as it comes, with the time so far and,
for a stage that reports ``done/total``, an estimate of the time it still
needs. When stderr is not a terminal (CI, a pipe, a log file) nothing is
shown: the final summary says what was built.
"""

from __future__ import annotations

import re
import sys
import threading
import time
from collections.abc import Callable
from typing import TextIO

DELAY = 10.0
_COUNT = re.compile(r"(\d+)/(\d+)")


class Progress:
    def __init__(self, stream: TextIO | None = None, *, delay: float = DELAY,
                 clock: Callable[[], float] = time.monotonic, enabled: bool | None = None):
        self.stream = stream or sys.stderr
        self.enabled = _is_terminal(self.stream) if enabled is None else enabled
        self.clock = clock
        self.start = clock()
        self.held: list[str] = []
        self.live = False
        self.stages: dict[str, tuple[float, int]] = {}
        self.lock = threading.Lock()
        self.timer: threading.Timer | None = None
        if self.enabled:
            # a stage may run long without a word (the site engine): show what is held on time
            self.timer = threading.Timer(delay, self.flush)
            self.timer.daemon = True
            self.timer.start()

    def __call__(self, message: str) -> None:
        if not self.enabled:
            return
        now = self.clock()
        line = f"[{now - self.start:5.0f} 秒] {message}{self._estimate(message, now)}"
        with self.lock:
            if self.live:
                print(line, file=self.stream, flush=True)
            else:
                self.held.append(line)

    def flush(self) -> None:
        with self.lock:
            self.live = True
            for line in self.held:
                print(line, file=self.stream, flush=True)
            self.held = []

    def close(self) -> None:
        """The build is over: nothing held is shown (it ran for less than the delay)."""
        if self.timer is not None:
            self.timer.cancel()
        self.enabled = False

    def _estimate(self, message: str, now: float) -> str:
        m = _COUNT.search(message)
        if not m:
            return ""
        done, total = int(m.group(1)), int(m.group(2))
        stage = _COUNT.sub("", message)
        began, first = self.stages.setdefault(stage, (now, done))
        if done <= first or done >= total:
            return ""
        left = (now - began) / (done - first) * (total - done)
        return f"，预计还需 {left:.0f} 秒"


def _is_terminal(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False
