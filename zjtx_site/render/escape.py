"""Text from company files, made inert for Markdown and HTML.

Every value a template prints goes through :func:`md` unless it is a
:class:`Raw` built by our own code (a link, a table of our making). So a
company name such as ``<script>``, ``|``, ``[x](javascript:…)``, backticks
or a leading ``#`` shows as plain text and breaks no table.
"""

from __future__ import annotations

import html
import re

# Inline markup anywhere; block markers (#, +, -, 1.) only where a line starts.
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]|~!])")
_LINE_START = re.compile(r"^(\s*)([#+\-=>]|\d+(?=[.)]))")


class Raw(str):
    """Markdown produced by zjtx itself; printed as is."""


def md(value: object) -> str:
    if isinstance(value, Raw):
        return value
    if value is None:
        return ""
    text = str(value).replace("\r", " ").replace("\n", " ")
    text = html.escape(text, quote=True)
    text = _MD_SPECIAL.sub(r"\\\1", text)
    m = _LINE_START.match(text)
    if m:
        marker = m.group(2)
        text = m.group(1) + (marker + "\\" if marker[0].isdigit() else "\\" + marker) + text[m.end():]
    return text


def finalize(value: object) -> str:
    return md(value)
