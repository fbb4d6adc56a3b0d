"""Blocks that many reports print alike, kept once in ``content/_shared/``.

Every report used to carry the same rule interpretations, band tables and
field list: about a fifth of its bytes, repeated for every company and round,
and a template change showed up as a thousand identical diffs. Such a block
is written once, under a name made from its own text, and the report includes
it with pymdownx.snippets (``--8<-- "_shared/…"``). The site, the PDF and a
reader of the rendered page see the same report as before.

The name follows the text, so a report whose shared text changes changes too:
incremental builds that look at a page's own source stay exact, and a block
no report uses any more is simply not written again.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass

SHARED_DIR = "_shared"
# pymdownx.snippets' block form: the marker alone on its line, the path relative to content/
INCLUDE = re.compile(r'^--8<-- "(' + SHARED_DIR + r'/[A-Za-z0-9._-]+\.md)"[ \t]*$', re.MULTILINE)


@dataclass(frozen=True, slots=True)
class SharedBlock:
    path: str          # relative to content/
    text: str

    @property
    def include(self) -> str:
        return f'--8<-- "{self.path}"'


def is_page(path: str) -> bool:
    """Whether a file of content/ is a page of the site (a shared block is part of others)."""
    return path.endswith(".md") and not path.startswith(SHARED_DIR + "/")


def shared_block(kind: str, text: str) -> SharedBlock:
    """``text`` as a shared file named ``<kind>-<digest>.md``."""
    name = hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]
    return SharedBlock(path=f"{SHARED_DIR}/{kind}-{name}.md", text=text)


def expand(text: str, lookup: Mapping[str, Callable[[], bytes]]) -> str:
    """The page as the site shows it: each include replaced by its block (for the PDF,
    which reads a report's Markdown itself)."""
    def repl(m: re.Match) -> str:
        make = lookup.get(m.group(1))
        if make is None:
            raise KeyError(f"shared block {m.group(1)} is not among the pages")
        return make().decode("utf-8").rstrip("\n")
    return INCLUDE.sub(repl, text)
