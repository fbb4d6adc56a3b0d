"""Digests of plugin sources, by content, for the website's reuse keys.

A page may be reused only if nothing it depends on changed; a plugin is one
of those things. Its version alone is not enough (an editable install or a
local file changes without a new version), so each loaded plugin is also
hashed by the content of its source files: the module (the whole package
folder when it is a package) and the files its distribution installed.
"""

from __future__ import annotations

import hashlib
import sys
import types
import uuid
from collections.abc import Iterable
from pathlib import Path
from typing import Any

_SKIP_DIRS = {"__pycache__"}


def digest_of(parts: Iterable[str]) -> str:
    h = hashlib.sha256()
    for p in parts:
        h.update(p.encode("utf-8") + b"\0")
    return h.hexdigest()


def file_digest(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def local_digest(path: Path) -> str:
    """A local plugin file by content, with the data files beside it (anything in the
    plugins folder that is not another plugin), which it may read."""
    data = [p for p in sorted(path.parent.rglob("*")) if _wanted(p) and p.suffix != ".py"]
    return digest_of([file_digest(path), *(f"{p.relative_to(path.parent).as_posix()}:{file_digest(p)}"
                                          for p in data)])


def _wanted(path: Path) -> bool:
    return path.is_file() and path.suffix != ".pyc" and not _SKIP_DIRS.intersection(path.parts)


def _module_files(module: types.ModuleType) -> list[tuple[str, Path]]:
    """(name relative to where the module lives, path) of the module's source files."""
    folders = list(getattr(module, "__path__", None) or ())
    if folders:                                   # a package: every file in its folders
        out = []
        for folder in map(Path, folders):
            out += [(f"{folder.name}/{p.relative_to(folder).as_posix()}", p)
                    for p in sorted(folder.rglob("*")) if _wanted(p)]
        return out
    file = getattr(module, "__file__", None)
    return [(Path(file).name, Path(file))] if file and Path(file).is_file() else []


def _dist_files(dist: Any) -> list[tuple[str, Path]]:
    out = []
    for f in getattr(dist, "files", None) or ():
        name = str(f)
        if ".dist-info" in name or ".egg-info" in name:
            continue
        path = Path(dist.locate_file(f))
        if _wanted(path):
            out.append((name, path))
    return out


def object_digest(obj: Any, dist: Any = None) -> str:
    """The digest of the source a plugin object comes from (and of its distribution's files).

    An object whose source cannot be found gets a digest that is new on every run, so
    pages that depend on it are never reused: slower, never stale."""
    module: types.ModuleType | None
    if isinstance(obj, types.ModuleType):
        module = obj
    else:
        modname = getattr(obj, "__module__", None) or type(obj).__module__
        module = sys.modules.get(modname) if isinstance(modname, str) else None
    files = dict(_module_files(module) if module is not None else [])
    files.update(_dist_files(dist) if dist is not None else {})
    if not files:
        return f"unknown-source:{uuid.uuid4().hex}"
    return digest_of(f"{name}:{file_digest(path)}" for name, path in sorted(files.items()))
