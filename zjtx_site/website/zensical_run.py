"""One Zensical build: ``python -m zjtx_site.website.zensical_run WORK build --strict -f CONFIG``.

What ``python -m zensical build ...`` does, with one difference. Zensical
0.0.73 caches each rendered page, but on every build, for every page, its
Rust core still calls the Python scanner ``zensical.collectors.references``
(links, images and footnotes, for link validation) over the whole Markdown
source, byte by byte: about 20 ms for a 40 KB report, most of an otherwise
cached build. That scan is a pure function of its arguments (the bytes and an
offset), so its results are kept in ``WORK/references.json`` by the digest of
those bytes, for the Zensical version that made them, and a page whose
source did not change is not scanned again. Only the results of this
build's calls are written back, after a successful build. A result that does
not survive the round trip through JSON exactly is not kept (it is scanned
every time), and a Zensical of another version (:data:`VERIFIED`), or
without that scanner, builds as is.

After a successful build, ``WORK/run.json`` says how many pages Zensical
rendered (its cache had no page for their source) and how many scans were
made or reused.
"""

from __future__ import annotations

import dataclasses
import hashlib
import inspect
import json
import os
import sys
import threading
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

FORMAT = 1
MEMO = "references.json"
RUN = "run.json"
# the versions whose scanner was read and found to depend on its arguments only
VERIFIED = ("0.0.73",)


def _classes(module: Any) -> dict[str, type]:
    return {name: cls for name in dir(module) if dataclasses.is_dataclass(cls := getattr(module, name))
            and isinstance(cls, type)}


def encode(value: Any) -> Any:
    """A reference as JSON: a dataclass is [class name, its fields]; ints and strings as is."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return [type(value).__name__, [encode(getattr(value, f.name)) for f in dataclasses.fields(value)]]
    if isinstance(value, (int, str)) and not isinstance(value, bool):
        return value
    raise TypeError(type(value).__name__)


def decode(data: Any, classes: dict[str, type]) -> Any:
    if isinstance(data, list):
        name, fields = data
        return classes[name](*(decode(x, classes) for x in fields))
    return data


class Memo:
    """The scanner's results by (digest of the bytes, offset), for one Zensical version."""

    def __init__(self, path: Path, version: str, classes: dict[str, type]):
        self.path, self.version, self.classes = path, version, classes
        self.old: dict[str, Any] = {}
        self.used: dict[str, Any] = {}
        self.hits = self.misses = 0
        self._lock = threading.Lock()
        try:
            data = json.loads(path.read_text("utf-8"))
        except (OSError, ValueError):
            data = None
        if isinstance(data, dict) and data.get("format") == FORMAT and data.get("zensical") == version \
                and isinstance(data.get("results"), dict):
            self.old = data["results"]

    def wrap(self, scan: Callable[..., Iterable[Any]]) -> Callable[..., list[Any]]:
        def references(markdown: bytes, shift: int = 0) -> list[Any]:
            if not isinstance(markdown, bytes) or not isinstance(shift, int):
                return list(scan(markdown, shift))
            key = f"{hashlib.sha256(markdown).hexdigest()}:{shift}"
            kept = self.used.get(key, self.old.get(key))
            if kept is not None:
                try:
                    found = [decode(x, self.classes) for x in kept]
                except (KeyError, TypeError, ValueError):
                    found = None
                if found is not None:
                    self.used[key] = kept
                    with self._lock:
                        self.hits += 1
                    return found
            found = list(scan(markdown, shift))
            with self._lock:
                self.misses += 1
            try:
                data = [encode(x) for x in found]
                exact = [decode(x, self.classes) for x in data] == found
            except (KeyError, TypeError, ValueError):
                exact = False
            if exact:
                self.used[key] = data
            return found

        return references

    def save(self) -> None:
        tmp = self.path.with_name(f"{self.path.name}.{os.getpid()}.tmp")
        tmp.write_text(json.dumps({"format": FORMAT, "zensical": self.version, "results": self.used},
                                  separators=(",", ":")), "utf-8")
        os.replace(tmp, self.path)


def install(path: Path) -> Memo | None:
    """Put the memo in front of the scanner, in a Zensical whose scanner is known to be pure
    (:data:`VERIFIED`): a later version is read again before it is memoized."""
    try:
        import zensical
        import zensical.collectors as collectors
        from zensical.collectors.references import types
        from zensical.utilities import span
    except ImportError:
        return None
    scan = getattr(collectors, "references", None)
    if zensical.version() not in VERIFIED or not callable(scan) \
            or list(inspect.signature(scan).parameters) != ["markdown", "shift"]:
        return None
    memo = Memo(path, zensical.version(), {**_classes(types), **_classes(span)})
    setattr(collectors, "references", memo.wrap(scan))
    return memo


class Renders:
    """Counts the pages Zensical renders (it calls into Python for each one its cache lacks)."""

    def __init__(self) -> None:
        self.count = 0
        self._lock = threading.Lock()

    def install(self) -> None:
        try:
            from zensical.markdown import render as module
        except ImportError:
            return
        real = getattr(module, "render", None)
        if not callable(real):
            return

        def render(*args: Any, **kwargs: Any) -> Any:
            with self._lock:
                self.count += 1
            return real(*args, **kwargs)

        setattr(module, "render", render)


def main(argv: list[str]) -> None:
    work = Path(argv[0])
    memo = install(work / MEMO)
    renders = Renders()
    renders.install()
    from zensical.main import cli

    try:
        cli.main(args=argv[1:], prog_name="zensical")
    except SystemExit as exc:
        if exc.code in (0, None):
            if memo is not None:
                memo.save()
            (work / RUN).write_text(json.dumps({
                "rendered": renders.count, "scanned": memo.misses if memo else None,
                "scans_reused": memo.hits if memo else None}), "utf-8")
        raise


if __name__ == "__main__":
    main(sys.argv[1:])
