"""From files to validated, frozen companies: the pipeline's first stage."""

from __future__ import annotations

import functools
import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from zjtx_site.intake import layout, plausibility
from zjtx_site.intake.crosschecks import CrossChecker
from zjtx_site.intake.model import build_company
from zjtx_site.intake.problems import Problem, Severity, has_errors, sort_key
from zjtx_site.intake.schema import COMPANY
from zjtx_site.intake.validate import Validator
from zjtx_site.intake.yamlload import LoadFailure, decode, locate, parse, read_bytes
from zjtx_site.memo import Memo, key_of
from zjtx_site.version import code_digest


@functools.cache
def _parser() -> str:
    """Parsed values and the wording of syntax errors come from ruamel.yaml and its C part."""
    import importlib.metadata

    def version(dist: str) -> str:
        try:
            return importlib.metadata.version(dist)
        except importlib.metadata.PackageNotFoundError:
            return "-"

    return f"ruamel.yaml={version('ruamel.yaml')},clib={version('ruamel.yaml.clib')}"


@dataclass(frozen=True, slots=True)
class FileResult:
    entry: layout.Entry
    company: Any | None          # a model.Company when the file has no error
    problems: tuple[Problem, ...]


@dataclass(frozen=True, slots=True)
class ProjectData:
    results: tuple[FileResult, ...]
    problems: tuple[Problem, ...]   # every problem, layout ones included, sorted

    @property
    def companies(self) -> tuple[Any, ...]:
        return tuple(r.company for r in self.results if r.company is not None)

    @property
    def ok(self) -> bool:
        return not has_errors(self.problems)

    @property
    def invalid_files(self) -> tuple[str, ...]:
        return tuple(sorted({p.file for p in self.problems if p.is_error}))


def validate_text(text: str, shown: str) -> tuple[dict | None, list[Problem]]:
    """Parse and check one file's text; clean data when it has no error."""
    try:
        data = parse(text, shown)
    except LoadFailure as exc:
        return None, list(exc.problems)
    v = Validator(shown)
    clean = v.group(COMPANY, data, ())
    problems = v.problems
    if clean is not None:
        problems += CrossChecker(shown).run(clean)
        problems += plausibility.check(clean, shown)
    if problems:
        problems = locate(text, problems)
    return clean, problems


def load_file(entry: layout.Entry, memo: Memo | None = None, code: str | None = None) -> FileResult:
    """``memo``: results kept by earlier runs, under what decides them: the file's bytes and
    place, ``code`` (the tool's code digest, computed when not given) and the YAML parser."""
    try:
        raw = read_bytes(entry.path, entry.shown)
    except LoadFailure as exc:
        return FileResult(entry, None, exc.problems)
    if memo is None:
        return _load(entry, raw)
    key = key_of(code or code_digest(), _parser(), entry.shown, entry.company_id, entry.round,
                 hashlib.sha256(raw).hexdigest())
    kept = memo.get(key, tuple)
    if kept is not None and len(kept) == 2 and isinstance(kept[1], tuple):
        return FileResult(entry, *kept)
    result = _load(entry, raw)
    memo.put(key, (result.company, result.problems))
    return result


def _load(entry: layout.Entry, raw: bytes) -> FileResult:
    try:
        text = decode(raw, entry.shown)
    except LoadFailure as exc:
        return FileResult(entry, None, exc.problems)
    clean, problems = validate_text(text, entry.shown)
    if clean is not None and clean.get("assessed_on") and not has_errors(problems):
        year = clean["assessed_on"].year
        if year != int(entry.round[:4]):
            problems.append(Problem(
                file=entry.shown, severity=Severity.WARNING,
                message=f"评估轮次 {entry.round} 与评估日期 {clean['assessed_on'].isoformat()} 不在同一年，请核对"))
    company = None
    if clean is not None and not has_errors(problems):
        company = build_company(clean, company_id=entry.company_id, round=entry.round,
                                source=entry.shown,
                                digest=hashlib.sha256(text.encode("utf-8")).hexdigest())
    return FileResult(entry, company, tuple(sorted(problems, key=sort_key)))


def load_project(root: Path, targets: list[Path] | None = None, memo: Memo | None = None) -> ProjectData:
    """``memo``: see :func:`load_file`; when every file was read (no ``targets``), the
    results of files that are gone or changed are dropped from it."""
    entries, problems = layout.discover(root, targets)
    code = code_digest() if memo is not None else None
    results = tuple(load_file(e, memo, code) for e in entries)
    if memo is not None and targets is None:
        memo.prune()
    every = list(problems)
    for r in results:
        every += r.problems
    return ProjectData(results, tuple(sorted(every, key=sort_key)))
