"""Problems found in input, reported as ``path:line:column: message``."""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass
from typing import Iterable, Protocol

# A path into the YAML document: mapping keys and list indexes.
DocPath = tuple[str | int, ...]


class Severity(enum.Enum):
    ERROR = "错误"
    WARNING = "警告"


@dataclass(frozen=True, slots=True, kw_only=True)
class Problem:
    file: str
    message: str
    severity: Severity = Severity.ERROR
    line: int = 1            # 1-based, as editors count
    column: int = 1
    doc_path: DocPath = ()   # resolved to line/column when the file is re-read
    at_key: bool = False     # point at the key itself (unknown key) not its value

    def format(self) -> str:
        return f"{self.file}:{self.line}:{self.column}: {self.severity.value}：{self.message}"

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR


# C0 but newline and tab, DEL, C1, and the bidirectional overrides that make a
# terminal show text in another order than it is
UNSEEN = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def visible(text: str) -> str:
    """Control characters written as ``\\u001b``: they show, and change nothing
    in a terminal, a log or a JSON string."""
    return UNSEEN.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def dotted(path: DocPath) -> str:
    """``("financials", 2, "revenue")`` → ``financials[2].revenue``."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + part
    return out


def sort_key(p: Problem) -> tuple:
    return (p.file, p.line, p.column, p.severity is not Severity.ERROR, p.message)


class Judged(Protocol):
    """A problem of any kind (a file's, a form cell's) that is an error or a warning."""

    @property
    def is_error(self) -> bool: ...


def has_errors(problems: Iterable[Judged]) -> bool:
    return any(p.is_error for p in problems)
