"""Swapping the staged folders in, so that no interruption leaves a half state.

A build stages ``content/``, ``site/`` and the reuse manifest in its own
``.zjtx/staging-<pid>/``. The swap is a redo journal: once everything is
staged, ``.zjtx/swap.json`` is written (atomically, by rename) listing the
moves; that write is the commit point. Then each live folder is moved aside
and its staged one moved in, the manifest last, and the journal removed.

A build killed before the journal exists leaves the live folders untouched
(its staging is stale and removed by the next build). A build killed after
leaves a journal, and :func:`recover`, run by every build under the project
lock before anything else, finishes the moves. Either way the pages and the
keys they were made with arrive together, or not at all.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

from zjtx_site.website.lock import STATE_DIR

JOURNAL = "swap.json"


def commit(project: Path, staging: Path, moves: list[tuple[str, str]]) -> None:
    """Write the journal for ``moves`` ((path in staging, live path in the project), folders
    first, files last), then carry them out. On an error the moves done so far are undone."""
    state = project / STATE_DIR
    data = {"staging": staging.relative_to(state).as_posix(), "moves": [list(m) for m in moves]}
    tmp = state / f"{JOURNAL}.{os.getpid()}.tmp"
    with open(tmp, "w", encoding="utf-8") as fh:
        json.dump(data, fh)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, state / JOURNAL)           # the commit point
    apply(project, data, undo_on_error=True)


def apply(project: Path, data: dict, *, undo_on_error: bool = False) -> None:
    """Carry out (or finish) the journal's moves; each step can be repeated after a kill."""
    state = project / STATE_DIR
    staging = state / data["staging"]
    attempted: list[tuple[Path, Path, Path, bool]] = []
    try:
        for staged, live in data["moves"]:
            new, cur, old = staging / staged, project / live, staging / f"old-{staged}"
            if not new.exists():
                continue                         # moved in before the interruption
            if new.is_dir():
                attempted.append((new, cur, old, cur.exists() or old.exists()))
                if cur.exists():
                    if old.exists():
                        shutil.rmtree(old)
                    os.replace(cur, old)        # the last good one, aside
            os.replace(new, cur)
    except OSError:
        if not undo_on_error:
            raise
        _undo(attempted)
        (state / JOURNAL).unlink(missing_ok=True)
        raise
    (state / JOURNAL).unlink(missing_ok=True)
    shutil.rmtree(staging, ignore_errors=True)


def _undo(attempted: list[tuple[Path, Path, Path, bool]]) -> None:
    """Put the last good folders back after a failed swap (a full disk, a folder held open)."""
    for new, cur, old, had_live in reversed(attempted):
        if cur.exists() and not new.exists() and (old.exists() or not had_live):
            os.replace(cur, new)
        if old.exists() and not cur.exists():
            os.replace(old, cur)


def _journal(path: Path) -> dict:
    data = json.loads(path.read_text("utf-8"))
    if not (isinstance(data, dict) and isinstance(data.get("staging"), str) and isinstance(data.get("moves"), list)
            and all(isinstance(m, list) and len(m) == 2 for m in data["moves"])):
        raise ValueError("not a journal")
    return data


def pending(project: Path) -> bool:
    return (project / STATE_DIR / JOURNAL).exists()


def recover(project: Path) -> list[str]:
    """Finish an interrupted swap and remove what interrupted builds left; say what was done."""
    state = project / STATE_DIR
    said: list[str] = []
    journal = state / JOURNAL
    if journal.exists():
        try:
            data = _journal(journal)
        except ValueError:
            journal.unlink()
            said.append("上次构建留下的替换记录 .zjtx/swap.json 已损坏，已丢弃；content/ 和 site/ 未受影响。")
        else:
            apply(project, data)
            lives = "、".join(f"{live}/" for staged, live in data["moves"] if not live.startswith(STATE_DIR))
            said.append(f"上次构建在替换 {lives} 时被中断：已按 .zjtx/swap.json 完成替换。")
    for name in ("content", "site"):
        # left by versions that swapped through <name>.old beside the live folder
        old, live = project / f"{name}.old", project / name
        if old.is_dir() and not live.exists():
            os.replace(old, live)
            said.append(f"上次构建在替换 {name}/ 时被中断：已从 {name}.old/ 恢复上一次的 {name}/。")
        elif old.is_dir():
            shutil.rmtree(old, ignore_errors=True)
    stale = sorted(p for p in state.glob("staging*") if p.is_dir()) if state.is_dir() else []
    stale += sorted(project.glob(".zjtx-mkdocs*.yml"))
    for p in stale:
        if p.is_dir():
            shutil.rmtree(p, ignore_errors=True)
        else:
            p.unlink(missing_ok=True)
    if stale:
        said.append("已清理上次中断的构建留下的临时文件：" + "、".join(
            p.relative_to(project).as_posix() for p in stale))
    return said
