"""The all-companies table of a portfolio page, paged above 200 rows.

Up to :data:`PAGE_FROM` companies the page holds the whole table, sorted and
filtered in the browser (``assets/tables.js``). Above that the page holds
the first :data:`PAGE_SIZE` rows only, so its first screen stays small
whatever the number of companies, and every row goes to a script beside it
(``assets/portfolio-rows-<name>.js``), loaded the first time staff page,
sort or filter: those then work on all rows. A script, not JSON, so that the
site opened from disk (file://) can load it too.
"""

from __future__ import annotations

import json
from collections import Counter
from html import escape
from typing import Any

PAGE_FROM = 200
PAGE_SIZE = 100
NEAR_SHOWN = 30         # near misses listed on a paged page (they are sorted closest first)


def is_paged(rows: int) -> bool:
    return rows > PAGE_FROM


def rows_script_path(page: str) -> str:
    """``portfolio.md`` -> ``assets/portfolio-rows-portfolio.js``; ``rounds/2026.md`` -> ``...-rounds-2026.js``."""
    return "assets/portfolio-rows-" + page[: -len(".md")].replace("/", "-") + ".js"


def row_cells(row: dict[str, Any]) -> list[str]:
    """One row of the table as the HTML of its cells, in the columns of portfolio.md.j2."""
    link = f'<a href="{escape(row["href"], quote=True)}">{escape(row["name"])}</a>'
    return [link, escape(row["round"]), escape(row["level"]), escape(row["field"]),
            *(escape(s) for s in row["tiers"]), escape(row["next"]), *(escape(s) for s in row["scores"])]


def rows_script(key: str, table: list[dict[str, Any]]) -> bytes:
    """Every row, under ``key`` (the page's script name), for assets/tables.js.

    Cells that recur (a tier's verdict, a level, a field) are written once in ``words``
    and given in the rows by their number: the script is about a third smaller."""
    cells = [row_cells(r) for r in table]
    seen = Counter(c for row in cells for c in row[1:])
    words: list[str] = []
    number: dict[str, int] = {}

    def packed(c: str) -> str | int:
        if seen[c] < 2 or len(c.encode("utf-8")) <= 4:
            return c
        if c not in number:
            number[c] = len(words)
            words.append(c)
        return number[c]

    rows = [[row[0], *(packed(c) for c in row[1:])] for row in cells]
    data = json.dumps({"words": words, "rows": rows}, ensure_ascii=False, separators=(",", ":"))
    return (f"(window.zjtxRows=window.zjtxRows||{{}})[{json.dumps(key)}]={data};\n").encode("utf-8")


def unpack_rows(pack: dict[str, Any]) -> list[list[str]]:
    """The rows of a rows script as cells (what assets/tables.js does in the browser)."""
    return [[pack["words"][c] if isinstance(c, int) else c for c in row] for row in pack["rows"]]
