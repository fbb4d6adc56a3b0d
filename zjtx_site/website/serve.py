"""Live preview: serve ``site/`` on localhost, rebuild on a change, reload the browser.

mkdocs' live-reload server does the watching (watchdog) and the reloading:
every HTML page it serves carries a small script that long-polls the server,
and the page reloads once a rebuild has finished. The rebuild itself is
passed in by the caller (the CLI), so this wing never reaches back up to the
build. The live site is swapped in whole by each build, and the server reads
files by path, so it always serves the latest complete site.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

WATCHED = ("companies", "templates", "plugins", "mkdocs.yml", "jieba-dict.txt")


def live_server(root: Path, host: str, port: int, rebuild: Callable[[], None]) -> Any:
    """A live-reload server for ``root/site`` watching what staff edit; call ``serve()``
    (blocks: it runs ``rebuild`` after each burst of changes) and ``shutdown()``."""
    from mkdocs.livereload import LiveReloadServer

    server = LiveReloadServer(builder=rebuild, host=host, port=port, root=str(root / "site"))
    for name in WATCHED:
        if (root / name).exists():
            server.watch(str(root / name))
    return server
