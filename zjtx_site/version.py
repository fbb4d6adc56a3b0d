"""The tool's version and the digest of its code: leaves, so every stage can print the one
and key what it keeps on the other without importing the API facade."""

from __future__ import annotations

import hashlib
from pathlib import Path

__version__ = "0.1.0"


def code_digest() -> str:
    """The tool's own files: source, templates, packaged data (grading bands, rule sets,
    dimension tables) and assets, so any change to them between builds re-renders and
    re-scores."""
    pkg = Path(__file__).resolve().parent
    h = hashlib.sha256()
    for p in sorted(pkg.rglob("*")):
        if p.is_file() and p.suffix != ".pyc" and "__pycache__" not in p.parts:
            h.update(f"{p.relative_to(pkg).as_posix()}:{hashlib.sha256(p.read_bytes()).hexdigest()}".encode() + b"\0")
    return h.hexdigest()
