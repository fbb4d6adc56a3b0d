"""Publishing a round: the committed content is what the data gives, then a git tag."""

from __future__ import annotations

import subprocess
from pathlib import Path

from zjtx_site.errors import UsageError

REVIEWED = ("companies", "content", "templates", "mkdocs.yml")


def git(root: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(["git", *args], cwd=root, capture_output=True, text=True)


def check_publishable(root: Path, rnd: str) -> str:
    """Refuse before building: not a repository, a tag that exists, no data; returns the tag."""
    if git(root, "rev-parse", "--is-inside-work-tree").returncode != 0:
        raise UsageError("发布需要项目在 git 仓库中（发布即打 git 标签）")
    tag = f"round-{rnd}"
    if git(root, "rev-parse", "-q", "--verify", f"refs/tags/{tag}").returncode == 0:
        raise UsageError(f"标签 {tag} 已存在：该轮次已发布，不会覆盖")
    if not list((root / "companies").glob(f"*/{rnd}.yaml")):
        raise UsageError(f"companies/ 中没有评估轮次 {rnd} 的数据")
    return tag


def check_committed(root: Path) -> None:
    dirty = git(root, "status", "--porcelain", "--", *REVIEWED).stdout
    if dirty.strip():
        raise UsageError("以下文件有未提交的改动，请先审阅并提交（git add / git commit），再发布：\n" + dirty.rstrip())


def tag_round(root: Path, tag: str, message: str) -> None:
    tagged = git(root, "tag", "-a", tag, "-m", message)
    if tagged.returncode != 0:
        raise UsageError(f"打标签失败：{tagged.stderr.strip()}")
