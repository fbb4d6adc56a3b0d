"""Staging and swapping: the live ``content/`` and ``site/`` change only whole.

Everything is written under ``.zjtx/staging`` first; only when every stage
has succeeded are the staged folders swapped in, so a failure at any stage
leaves the last good ``content/`` and ``site/`` as they were.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from typing import Callable

from zjtx_site.render.pages import Output
from zjtx_site.website.engines import DEFAULT_ENGINE, build_site
from zjtx_site.website.writer import Writer

STATE_DIR = ".zjtx"
MANIFEST = "manifest.json"


def read_manifest(path: Path) -> dict[str, str]:
    try:
        data = json.loads(path.read_text("utf-8")) if path.is_file() else {}
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def publish_outputs(project: Path, outputs: list[Output], *, run_site: bool,
                    progress: Callable[[str], None], engine: str = DEFAULT_ENGINE,
                    notice: Callable[[str], None] = lambda s: None) -> Writer:
    """Stage ``outputs`` as content/, build the site from it, then swap both in."""
    state = project / STATE_DIR
    staging = state / "staging"
    if staging.exists():
        shutil.rmtree(staging)
    content_new = staging / "content"
    content_new.mkdir(parents=True)
    manifest_path = state / MANIFEST
    writer = Writer(content_new, project / "content", read_manifest(manifest_path))
    for output in outputs:
        writer.write(output)
    writer.draw_charts(progress)
    progress(f"content/：重新生成 {writer.rendered} 个文件，沿用 {writer.reused} 个")
    site_new = staging / "site"
    if run_site:
        for text in build_site(engine, project, content_new, site_new, progress=progress).notices:
            notice(text)
    swap(content_new, project / "content")
    if run_site:
        swap(site_new, project / "site")
    manifest_path.write_text(json.dumps(writer.new, ensure_ascii=False, indent=0, sort_keys=True), "utf-8")
    shutil.rmtree(staging, ignore_errors=True)
    return writer


def swap(new: Path, live: Path) -> None:
    old = live.with_name(live.name + ".old")
    if old.exists():
        shutil.rmtree(old)
    if live.exists():
        os.replace(live, old)
    os.replace(new, live)
    if old.exists():
        shutil.rmtree(old)
