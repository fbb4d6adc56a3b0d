"""Text from company files, made inert for Markdown and HTML.

Every value a template prints goes through :func:`md` unless it is a
:class:`Raw` built by our own code (a link, a table of our making). So a
company name such as ``<script>``, ``|``, ``[x](javascript:…)``, backticks
or a leading ``#`` shows as plain text and breaks no table.

Characters Python-Markdown can backslash-escape are escaped that way; the
ones it cannot (``~``, ``^``, ``=``) become numeric entities, so neither a
stray backslash nor a setext heading appears, nor, in a project whose own
mkdocs.yml enables pymdownx's tilde, caret or mark, a strikethrough,
superscript or highlight.
"""

from __future__ import annotations

import html
import json
import re

# Inline markup anywhere; block markers (#, +, -, 1.) only where a line starts.
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]|!])")
_LINE_START = re.compile(r"^(\s*)([#+\-]|\d+(?=[.)]))")


class Raw(str):
    """Markdown produced by zjtx itself; printed as is."""


def md(value: object) -> str:
    if isinstance(value, Raw):
        return value
    if value is None:
        return ""
    # one line, no edge spaces: four leading spaces would start a code block
    text = str(value).replace("\r", " ").replace("\n", " ").replace("\t", " ").strip(" ")
    text = html.escape(text, quote=True)
    text = _MD_SPECIAL.sub(r"\\\1", text)
    text = text.replace("~", "&#126;").replace("^", "&#94;").replace("=", "&#61;")
    m = _LINE_START.match(text)
    if m:
        marker = m.group(2)
        text = m.group(1) + (marker + "\\" if marker[0].isdigit() else "\\" + marker) + text[m.end():]
    return text


def front_matter(value: object) -> Raw:
    """A YAML scalar for the page's front matter (the browser title, the nav).

    mkdocs puts ``title`` into the HTML unescaped and never as Markdown, so it
    is HTML-escaped only, and quoted so that ``:``, ``#`` or ``[`` cannot
    change the YAML."""
    text = str(value).replace("\r", " ").replace("\n", " ")
    return Raw(json.dumps(html.escape(text, quote=True), ensure_ascii=False))


def finalize(value: object) -> str:
    return md(value)
