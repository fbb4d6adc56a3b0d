"""Where company files live: ``companies/<company-id>/<round>.yaml``."""

from __future__ import annotations

import re
import stat
from dataclasses import dataclass
from pathlib import Path

from zjtx_site.intake.problems import Problem
from zjtx_site.intake.yamlload import not_regular

# \Z, not $: "$" also matches before a final newline, and a folder name may end in one
COMPANY_ID_RE = re.compile(r"^[a-z0-9][a-z0-9-]{1,62}\Z")
ROUND_RE = re.compile(r"^[0-9]{4}(-[a-z0-9]+)?\Z")
COMPANIES_DIR = "companies"
# Git cannot hold an empty folder; a fresh project keeps its companies/ with this.
ALLOWED_PLACEHOLDERS = {".gitkeep"}


@dataclass(frozen=True, slots=True)
class Entry:
    path: Path
    shown: str
    company_id: str
    round: str


def _lexical(path: Path) -> tuple[str, ...]:
    """The absolute parts of ``path``, ``.`` and ``..`` applied without
    following links (as a shell's ``cd`` does)."""
    parts: list[str] = []
    for part in (path if path.is_absolute() else Path.cwd() / path).parts:
        if part == "..":
            if len(parts) > 1:
                parts.pop()
        elif part != ".":
            parts.append(part)
    return tuple(parts)


def shown_path(path: Path) -> str:
    """The path as the user can open it from where they ran the command:
    relative to it when that needs at most one ``..``, else as given."""
    target, here = _lexical(path), _lexical(Path.cwd())
    if target[:1] != here[:1]:          # another drive (Windows)
        return str(path)
    n = 0
    while n < min(len(target), len(here)) and target[n] == here[n]:
        n += 1
    ups = len(here) - n
    if ups >= 2:
        return str(path)
    return str(Path(*([".."] * ups), *target[n:]))


def round_sort_key(round_id: str) -> tuple[int, str]:
    """Rounds sort by year, then suffix (``2026`` < ``2026-h2`` < ``2027``)."""
    return int(round_id[:4]), round_id[4:]


def entry_for(path: Path) -> tuple[Entry | None, list[Problem]]:
    """Name checks for one file; the id and round come from its path."""
    shown = shown_path(path)
    company_id, stem, suffix = path.parent.name, path.stem, path.suffix
    problems = []
    if suffix != ".yaml":
        hint = "（请把扩展名改为 .yaml）" if suffix == ".yml" else ""
        problems.append(Problem(file=shown, message=f"不是企业数据文件：文件名应为 <评估轮次>.yaml{hint}"))
    if not COMPANY_ID_RE.match(company_id):
        problems.append(Problem(
            file=shown, message=f"企业编号（文件夹名）“{company_id}”不合规：只能用小写字母、数字和连字符，"
                                "以字母或数字开头，2～63 个字符，例如 gz-ruixin-bio"))
    if suffix == ".yaml" and not ROUND_RE.match(stem):
        problems.append(Problem(
            file=shown, message=f"评估轮次（文件名）“{stem}”不合规：应为四位年份，可加后缀，例如 2026 或 2026-h2"))
    if problems:
        return None, problems
    return Entry(path=path, shown=shown, company_id=company_id, round=stem), []


def discover(root: Path, targets: list[Path] | None = None) -> tuple[list[Entry], list[Problem]]:
    """Every company file under the given targets (default: ``companies/``).

    Anything under ``companies/`` that is not a company file is a problem
    that names the path, never a silent skip."""
    entries: list[Entry] = []
    problems: list[Problem] = []
    base = root / COMPANIES_DIR
    if base.is_symlink() and not _inside(base, root):
        return [], [Problem(file=shown_path(base), message="companies/ 是指向项目以外的符号链接，不会读取；"
                                                          "请把企业数据放在项目自己的 companies/ 文件夹中")]
    if not targets:
        if not base.is_dir():
            return [], [Problem(file=shown_path(base), message="找不到 companies/ 文件夹：请在项目根目录运行，或用 -C 指定项目目录")]
        targets = [base]
    for t in targets:
        # the project's own companies/ may be a link within the project; nothing else
        kind = "dir" if t == base and base.is_dir() else _kind(t)
        if kind == "file":
            e, ps = entry_for(t)
            problems += ps
            entries += [e] if e else []
        elif kind == "dir":
            _walk(t, entries, problems)
        elif kind is None:
            problems.append(Problem(file=shown_path(t), message="文件或文件夹不存在"))
        else:
            problems.append(Problem(file=shown_path(t), message=not_regular(t) or "不是普通文件"))
    entries.sort(key=lambda e: (e.company_id, round_sort_key(e.round), e.shown))
    return entries, problems


def _kind(path: Path) -> str | None:
    """"file", "dir", "link", "other" (a FIFO, a device) or None, never
    following a link: a link under companies/ may lead to /dev/zero or
    out of the project."""
    try:
        mode = path.lstat().st_mode
    except OSError:
        return None
    if stat.S_ISLNK(mode):
        return "link"
    return "file" if stat.S_ISREG(mode) else "dir" if stat.S_ISDIR(mode) else "other"


def _inside(path: Path, root: Path) -> bool:
    try:
        path.resolve().relative_to(root.resolve())
    except (ValueError, OSError, RuntimeError):
        return False
    return True


def _refuse(path: Path, problems: list[Problem]) -> bool:
    """A problem for a link or a special file; True when there was one."""
    why = not_regular(path)
    if why:
        problems.append(Problem(file=shown_path(path), message=why))
    return why is not None


def _walk(folder: Path, entries: list[Entry], problems: list[Problem]) -> None:
    if folder.resolve().name == COMPANIES_DIR:
        for child in _children(folder):
            if _refuse(child, problems):
                continue
            if _kind(child) == "dir":
                _company(child, entries, problems)
            else:
                problems.append(Problem(
                    file=shown_path(child),
                    message="companies/ 下只能放企业文件夹（companies/<企业编号>/<评估轮次>.yaml）"))
    elif folder.resolve().parent.name == COMPANIES_DIR:
        _company(folder, entries, problems)
    elif _kind(folder / COMPANIES_DIR) in ("dir", "link"):
        # a project folder (``zjtx check .``): its data is companies/, not the
        # YAML files of .venv/, the package or the rule sets
        _walk(folder / COMPANIES_DIR, entries, problems)
    else:
        for child in _children(folder):
            kind = _kind(child)
            if kind == "dir":
                if not child.name.startswith("."):
                    _walk(child, entries, problems)
            elif child.suffix in (".yaml", ".yml") and not _refuse(child, problems):
                _add(child, entries, problems)


def _company(folder: Path, entries: list[Entry], problems: list[Problem]) -> None:
    for child in _children(folder):
        if _refuse(child, problems):
            continue
        if _kind(child) == "dir":
            problems.append(Problem(file=shown_path(child),
                                    message="企业文件夹里不应再有子文件夹；每轮数据是一个 <评估轮次>.yaml 文件"))
        else:
            _add(child, entries, problems)


def _add(path: Path, entries: list[Entry], problems: list[Problem]) -> None:
    e, ps = entry_for(path)
    problems += ps
    if e:
        entries.append(e)


def _children(folder: Path) -> list[Path]:
    return sorted(c for c in folder.iterdir() if c.name not in ALLOWED_PLACEHOLDERS)
