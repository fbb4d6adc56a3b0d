"""The site's search index: written once, as UTF-8, without report tables.

mkdocs-material writes ``search/search_index.json`` with every non-ASCII
character escaped (``\\uXXXX``: six bytes for each Chinese character and for
each zero-width space between segmented words, where UTF-8 takes three), and
its offline plugin copies the whole of it into ``search/search_index.js`` for
pages opened from disk. After the engine has built the site, this module
rewrites the index once:

- as UTF-8, and only as the script: the theme loads the script from disk and
  asks for the JSON over http, and the shim ``assets/search-index.js`` answers
  that request from the script (:data:`SHIM`), so both ways read one file;
- a report keeps its title and its prose (summary, advice, follow-up). The
  theme keeps paragraph and list markup in a section's text and flattens a
  table to bare text between them; on report pages that bare text (the cover,
  the profile and every detail table) is dropped, and so are sections left
  with headings only, which are the same on every report. A company is found
  by the name in its reports' titles and by its page, which carries its
  product, chain and fields;
- everything else is kept as the theme indexed it.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

INDEX_JSON = Path("search") / "search_index.json"
INDEX_JS = Path("search") / "search_index.js"
SCRIPT_PREFIX = "var __index = "
SHIM = "assets/search-index.js"            # in render/assets/, listed in the config's polyfills

_REPORT = re.compile(r"^companies/[^/]+/(?!index\.html)[^/#]+\.html")
# the theme's kept block markup; text outside it is a flattened table
_BLOCK = re.compile(r"<(p|ul|ol|dl|pre|blockquote|div)\b[^>]*>.*?</\1>", re.DOTALL)


def is_report(location: str) -> bool:
    return bool(_REPORT.match(location))


def prose(text: str) -> str:
    """The paragraphs and lists of a section's indexed text, without bare table text."""
    return " ".join(m.group(0) for m in _BLOCK.finditer(text))


def lean_docs(docs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for doc in docs:
        location = doc.get("location", "")
        if not is_report(location):
            out.append(doc)
            continue
        page_doc = "#" not in location
        text = prose(doc.get("text", ""))
        if page_doc or text:
            out.append({**doc, "text": text})
    return out


def read_index(site: Path) -> dict[str, Any] | None:
    """The index the engine wrote (JSON), or the one this module wrote (the script)."""
    js, raw = site / INDEX_JS, site / INDEX_JSON
    if raw.is_file():
        return json.loads(raw.read_text("utf-8"))
    if js.is_file():
        text = js.read_text("utf-8")
        return json.loads(text[len(SCRIPT_PREFIX):]) if text.startswith(SCRIPT_PREFIX) else None
    return None


def write_index(site: Path, index: dict[str, Any]) -> int:
    """The one index file, as UTF-8; returns its size in bytes."""
    data = SCRIPT_PREFIX + json.dumps(index, ensure_ascii=False, separators=(",", ":"))
    (site / INDEX_JSON).unlink(missing_ok=True)
    path = site / INDEX_JS
    path.write_text(data, "utf-8")
    return len(data.encode("utf-8"))


def finish_index(site: Path) -> int | None:
    """Rewrite the engine's index in place (see the module's description)."""
    index = read_index(site)
    if index is None:
        return None
    index["docs"] = lean_docs(index.get("docs", []))
    return write_index(site, index)


def page_location(source: str) -> str:
    """The page a Markdown source becomes (``.html`` names: the offline plugin sets them)."""
    return source[: -len(".md")] + ".html"


def _by_page(docs: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    pages: dict[str, list[dict[str, Any]]] = {}
    for doc in docs:
        pages.setdefault(doc.get("location", "").split("#", 1)[0], []).append(doc)
    return pages


def merge_index(old: dict[str, Any], new: dict[str, Any] | None, rebuilt: set[str]) -> dict[str, Any] | None:
    """The index of a dirty build: ``new`` holds only the ``rebuilt`` pages; their entries
    replace theirs in ``old``, in the same place, so the result is what a full build gives.
    None when that place is unknown (a rebuilt page that had no entries) or ``new`` has a
    page that was not rebuilt."""
    fresh = _by_page(lean_docs((new or {}).get("docs", [])))
    before = _by_page(old.get("docs", []))
    if not set(fresh) <= rebuilt or not set(fresh) <= set(before):
        return None
    if any(page in before and page not in fresh for page in rebuilt):
        return None                 # not rendered, or no longer searchable: a full build decides
    docs: list[dict[str, Any]] = []
    for page, entries in before.items():
        docs += fresh.get(page, []) if page in rebuilt else entries
    return {**(new or old), "docs": docs}
