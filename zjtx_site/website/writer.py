"""Writing page values into a staged ``content/``, reusing last build's files.

Each file's key (from render) is compared with the manifest of the last
build; an unchanged file is copied, not rendered or drawn again. Charts
are drawn together at the end, on every core (:mod:`.drawing`).
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Callable

from zjtx_site.render.pages import Chart, Output, Page
from zjtx_site.website.drawing import draw_all


class Writer:
    """Writes the staged tree, reusing last build's file when its key matches."""

    def __init__(self, staging: Path, previous: Path, manifest: dict[str, str]):
        self.staging, self.previous, self.old = staging, previous, manifest
        self.new: dict[str, str] = {}
        self.rendered = self.reused = 0
        self.charts: list[Chart] = []   # to draw at the end

    def _reuse(self, rel: str, key: str) -> bool:
        target = self.staging / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        self.new[rel] = key
        prev = self.previous / rel
        if self.old.get(rel) == key and prev.is_file():
            shutil.copyfile(prev, target)
            self.reused += 1
            return True
        return False

    def write(self, output: Output) -> None:
        if isinstance(output, Chart):
            if not self._reuse(output.path, output.key):
                self.charts.append(output)
        else:
            self.put(output)

    def put(self, page: Page) -> None:
        if not self._reuse(page.path, page.key):
            (self.staging / page.path).write_bytes(page.make())
            self.rendered += 1

    def draw_charts(self, progress: Callable[[str], None]) -> None:
        jobs, self.charts = self.charts, []
        if not jobs:
            return
        for done, (chart, data) in enumerate(zip(jobs, draw_all(jobs)), 1):
            (self.staging / chart.path).write_bytes(data)
            self.rendered += 1
            if done % 500 == 0 and done < len(jobs):
                progress(f"已绘制 {done}/{len(jobs)} 张图表")
        progress(f"已绘制 {len(jobs)} 张图表")
