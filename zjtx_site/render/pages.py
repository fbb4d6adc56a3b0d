"""What render hands to the website stage: page values, never files.

A :class:`Page` is one file of ``content/`` with the key of everything its
bytes depend on and a function that makes them; a :class:`Chart` names a
chart function of :mod:`zjtx_site.render.charts` and its arguments. Making
is lazy, so the website stage can reuse last build's file when the key is
unchanged without rendering anything.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any, Callable, Union


@dataclass(frozen=True, slots=True, kw_only=True)
class Page:
    path: str                       # relative to content/, with forward slashes
    key: str                        # digest of every input of the bytes
    make: Callable[[], bytes]
    # what a later stage needs to know of the page besides its bytes (a report's
    # company, round and PDF path, for the print version); not part of the bytes
    meta: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class Chart:
    path: str
    key: str
    kind: str                       # a function name in render.charts
    args: tuple[Any, ...]

    def draw(self) -> bytes:
        from zjtx_site.render import charts

        return getattr(charts, self.kind)(*self.args)


Output = Union[Page, Chart]


def digest(*parts: str) -> str:
    """One key from several: each part is separated, so ("ab", "c") != ("a", "bc")."""
    h = hashlib.sha256()
    for p in parts:
        h.update(p.encode("utf-8") + b"\0")
    return h.hexdigest()
