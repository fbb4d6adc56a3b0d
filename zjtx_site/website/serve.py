"""Live preview: watch what staff edit and serve ``site/`` on localhost.

The rebuild itself is passed in by the caller (the CLI), so this wing never
reaches back up to the build.
"""

from __future__ import annotations

import functools
import http.server
import threading
from pathlib import Path
from typing import Callable

WATCHED = ("companies", "templates", "plugins", "mkdocs.yml", "jieba-dict.txt")


def snapshot(root: Path) -> tuple:
    """What a rebuild depends on that staff edit: names, sizes and times."""
    items = []
    for name in WATCHED:
        path = root / name
        files = [path] if path.is_file() else sorted(p for p in path.rglob("*") if p.is_file()) \
            if path.is_dir() else []
        for f in files:
            try:
                st = f.stat()
            except OSError:
                continue
            items.append((f.relative_to(root).as_posix(), st.st_size, st.st_mtime_ns))
    return tuple(items)


def watch(root: Path, rebuild: Callable[[], None], stop: threading.Event, interval: float = 1.0) -> None:
    """Call ``rebuild`` whenever the watched files change, until ``stop`` is set."""
    last = snapshot(root)
    while not stop.wait(interval):
        now = snapshot(root)
        if now != last:
            last = now
            rebuild()


def start_server(site: Path, host: str, port: int) -> http.server.ThreadingHTTPServer:
    """A quiet static server for ``site/`` on a background thread."""
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(site))
    handler.log_message = lambda *a, **k: None  # type: ignore[attr-defined]
    server = http.server.ThreadingHTTPServer((host, port), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server
