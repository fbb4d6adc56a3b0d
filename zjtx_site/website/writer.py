"""Writing page values into a staged ``content/``, reusing last build's files.

Each file's key (from render) is compared with the manifest of the last
build, which records for each file its key and the digest of its bytes; an
unchanged file is not rendered or drawn again, but only when the file on
disk still has exactly the bytes that were made for that key. So a
``content/`` that is not the one the manifest describes (an interrupted
build of older versions, a ``git checkout``, a hand edit) is made again,
never trusted. Charts are drawn together at the end, on every core
(:mod:`.drawing`).

A reused file is hard-linked into the staged tree (copied where the file
system cannot link): until the swap the staged file and the live one are the
same file, so nothing may write into a staged file in place. :meth:`Writer._put`
always makes a new file, the engines change the times of no reused file, and
a failed build removes only the staged links.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from pathlib import Path

from zjtx_site.render.pages import Chart, Output, Page
from zjtx_site.website.drawing import draw_all

Manifest = dict[str, tuple[str, str]]          # path -> (key, sha256 of the bytes)


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class Writer:
    """Writes the staged tree, reusing last build's file when its key and bytes match."""

    def __init__(self, staging: Path, previous: Path, manifest: Manifest):
        self.staging, self.previous, self.old = staging, previous, manifest
        self.new: dict[str, str] = {}            # path -> key
        self.hashes: dict[str, str] = {}         # path -> sha256 of the bytes written
        self.rendered = self.reused = 0
        self.charts: list[Chart] = []   # to draw at the end
        self._folders: set[Path] = set()   # made in the staged tree

    def _reuse(self, rel: str, key: str) -> bool:
        target = self.staging / rel
        if target.parent not in self._folders:
            target.parent.mkdir(parents=True, exist_ok=True)
            self._folders.add(target.parent)
        self.new[rel] = key
        old = self.old.get(rel)
        if old is None or old[0] != key:
            return False
        source = self.previous / rel
        try:
            data = source.read_bytes()
        except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
            return False
        if sha(data) != old[1]:
            return False
        try:
            os.link(source, target)
        except OSError:                             # another file system, or one without links
            self._put(rel, data)
        else:
            self.hashes[rel] = old[1]
        self.reused += 1
        return True

    def _put(self, rel: str, data: bytes) -> None:
        target = self.staging / rel
        target.unlink(missing_ok=True)              # never into a file linked to the live one
        target.write_bytes(data)
        self.hashes[rel] = sha(data)

    def write(self, output: Output) -> None:
        if isinstance(output, Chart):
            if not self._reuse(output.path, output.key):
                self.charts.append(output)
        else:
            self.put(output)

    def put(self, page: Page) -> None:
        if not self._reuse(page.path, page.key):
            self._put(page.path, page.make())
            self.rendered += 1

    def draw_charts(self, progress: Callable[[str], None]) -> None:
        jobs, self.charts = self.charts, []
        if not jobs:
            return
        for done, (chart, data) in enumerate(zip(jobs, draw_all(jobs)), 1):
            self._put(chart.path, data)
            self.rendered += 1
            if done % 500 == 0 and done < len(jobs):
                progress(f"已绘制 {done}/{len(jobs)} 张图表")
        progress(f"已绘制 {len(jobs)} 张图表")

    def manifest(self) -> Manifest:
        return {rel: (key, self.hashes[rel]) for rel, key in self.new.items()}
