"""Staging and swapping: the live ``content/`` and ``site/`` change only whole.

Everything is written under this process's ``.zjtx/staging-<pid>/`` first:
``content/``, ``site/`` and the reuse manifest (the key and digest of every
file). Only when every stage has succeeded are they swapped in together
through the journal (:mod:`.journal`), so a failure or a kill at any stage
leaves the last good ``content/`` and ``site/`` with their own keys. The
caller holds the project lock (:mod:`.lock`).
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable
from pathlib import Path

from zjtx_site.errors import StorageError
from zjtx_site.render.pages import Output
from zjtx_site.website import journal
from zjtx_site.website.engines import DEFAULT_ENGINE, build_site
from zjtx_site.website.lock import STATE_DIR
from zjtx_site.website.writer import Manifest, Writer

MANIFEST = "manifest.json"
KEPT = "content/ 和 site/ 保持上一次成功构建的内容，临时文件已清理"
PENDING = "替换未能完成也未能撤销：下一次 zjtx build 会先完成这次替换"


def outcome(project: Path) -> str:
    """What a failed build left: the last good folders, or a swap the next build finishes."""
    return PENDING if journal.pending(project) else KEPT


def read_manifest(path: Path) -> Manifest:
    """The last build's keys; anything unreadable or of an older format means "reuse nothing"."""
    try:
        data = json.loads(path.read_text("utf-8")) if path.is_file() else {}
    except (OSError, ValueError):
        return {}
    files = data.get("files") if isinstance(data, dict) else None
    if not isinstance(files, dict):
        return {}
    return {rel: (v[0], v[1]) for rel, v in files.items()
            if isinstance(v, list) and len(v) == 2 and all(isinstance(x, str) for x in v)}


def manifest_text(manifest: Manifest) -> str:
    return json.dumps({"format": 2, "files": {k: list(v) for k, v in manifest.items()}},
                      ensure_ascii=False, indent=0, sort_keys=True)


def publish_outputs(project: Path, outputs: list[Output], *, run_site: bool,
                    progress: Callable[[str], None], engine: str = DEFAULT_ENGINE,
                    notice: Callable[[str], None] = lambda s: None,
                    finish_site: Callable[[Path], None] | None = None) -> Writer:
    """Stage ``outputs`` as content/, build the site from it with ``engine``, then swap both
    in with their keys. ``finish_site`` adds to the staged site before the swap (the PDFs)."""
    staging = project / STATE_DIR / f"staging-{os.getpid()}"

    def make_site(site: Path) -> None:
        for text in build_site(engine, project, staging / "content", site, progress=progress).notices:
            notice(text)

    try:
        return _stage_and_swap(project, staging, outputs, run_site, progress, make_site, finish_site)
    except OSError as exc:
        raise StorageError.from_os(exc, outcome(project)) from None
    finally:
        if not journal.pending(project):
            shutil.rmtree(staging, ignore_errors=True)


def _stage_and_swap(project: Path, staging: Path, outputs: list[Output], run_site: bool,
                    progress: Callable[[str], None], make_site: Callable[[Path], None],
                    finish_site: Callable[[Path], None] | None) -> Writer:
    if staging.exists():
        shutil.rmtree(staging)
    content_new = staging / "content"
    content_new.mkdir(parents=True)
    writer = Writer(content_new, project / "content", read_manifest(project / STATE_DIR / MANIFEST))
    for output in outputs:
        writer.write(output)
    writer.draw_charts(progress)
    progress(f"content/：重新生成 {writer.rendered} 个文件，沿用 {writer.reused} 个")
    moves = [("content", "content")]
    if run_site:
        make_site(staging / "site")
        if finish_site is not None:
            finish_site(staging / "site")
        moves.append(("site", "site"))
    (staging / MANIFEST).write_text(manifest_text(writer.manifest()), "utf-8")
    moves.append((MANIFEST, f"{STATE_DIR}/{MANIFEST}"))
    journal.commit(project, staging, moves)
    return writer
