"""Everything the commands print goes through here: no control character of
a company file (ESC, NUL, a carriage return, DEL, a bidi override) reaches a
terminal or a CI log as itself; each is written as ``\\u001b``."""

from __future__ import annotations

import io
from typing import TextIO

from zjtx_site.intake.problems import visible


class Visible(io.TextIOBase):
    """A text stream that writes control characters as visible escapes
    (valid inside a JSON string too, so ``--json`` output stays JSON)."""

    def __init__(self, stream: TextIO):
        super().__init__()
        self.stream = stream

    def write(self, text: str) -> int:
        self.stream.write(visible(text))
        return len(text)

    def flush(self) -> None:
        self.stream.flush()

    def isatty(self) -> bool:
        return self.stream.isatty()

    def fileno(self) -> int:
        return self.stream.fileno()

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return getattr(self.stream, "encoding", "utf-8")
