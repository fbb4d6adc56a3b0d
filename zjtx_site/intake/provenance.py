"""Where a company file comes from: the last git commit that changed it.

One ``git log`` over ``companies/`` gives every file's last commit (hash,
author date, subject); ``git status`` marks files with uncommitted changes,
whose last commit would misdescribe them. Outside a git repository, or for
an uncommitted file, there is no revision and reports show the content
digest instead. Author dates, not commit dates: a rebase keeps them.
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path

from zjtx_site.intake.layout import COMPANIES_DIR


@dataclass(frozen=True, slots=True, kw_only=True)
class Revision:
    commit: str          # full hash
    date: str            # author date, YYYY-MM-DD
    subject: str         # the first line of the message

    @property
    def short(self) -> str:
        return self.commit[:7]


def company_file(company_id: str, round_id: str) -> str:
    """A company file's path within its project, whatever the working directory."""
    return f"{COMPANIES_DIR}/{company_id}/{round_id}.yaml"


def _git(project: Path, *args: str) -> str | None:
    try:
        proc = subprocess.run(["git", "-C", str(project), *args], capture_output=True, text=True, check=False,
                              encoding="utf-8", errors="replace", timeout=120)
    except (OSError, subprocess.SubprocessError):
        return None
    return proc.stdout if proc.returncode == 0 else None


def file_revisions(project: Path) -> dict[str, Revision]:
    """``companies/<id>/<round>.yaml`` (relative to the project) -> its last
    commit, for every committed file without uncommitted changes."""
    prefix = _git(project, "rev-parse", "--show-prefix")
    if prefix is None:
        return {}
    prefix = prefix.strip()
    log = _git(project, "log", "--no-renames", "--format=%x00%H%x09%as%x09%s", "--name-only", "--",
               COMPANIES_DIR)
    status = _git(project, "status", "--porcelain", "--untracked-files=all", "--", COMPANIES_DIR)
    if log is None or status is None:
        return {}
    out: dict[str, Revision] = {}
    for block in log.split("\0")[1:]:
        head, _, names = block.partition("\n")
        commit, date, subject = (head.split("\t", 2) + ["", ""])[:3]
        rev = Revision(commit=commit, date=date, subject=subject)
        for name in names.splitlines():
            name = name.strip()
            if name.startswith(prefix):
                out.setdefault(name[len(prefix):], rev)
    for line in status.splitlines():
        path = line[3:].strip().strip('"')
        out.pop(path.removeprefix(prefix), None)
    return out
