"""Publishing a round: the committed content is what the data gives, then a git tag."""

from __future__ import annotations

import subprocess
from pathlib import Path

from zjtx_site.errors import UsageError

REVIEWED = ("companies", "content", "templates", "plugins", "mkdocs.yml")


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


def _read_by_build(rel: str) -> bool:
    """A file the build reads: a company data file or a local plugin."""
    parts = rel.split("/")
    return ((len(parts) == 3 and parts[0] == "companies" and parts[2].endswith(".yaml"))
            or (len(parts) == 2 and parts[0] == "plugins" and parts[1].endswith(".py")))


def check_tracked(root: Path) -> None:
    """Refuse company files and local plugins that git ignores: ``git status`` never shows
    them, so the tag would hold reports without the data and code they were made from."""
    listed = git(root, "ls-files", "-z", "--others", "--ignored", "--exclude-standard", "--",
                 "companies", "plugins")
    if listed.returncode != 0:
        raise UsageError(f"无法列出被 git 忽略的文件：{listed.stderr.strip()}")
    ignored = sorted(rel for rel in listed.stdout.split("\0") if rel and _read_by_build(rel))
    if ignored:
        raise UsageError("以下企业数据文件或本地插件被 git 忽略（.gitignore 等），发布的标签不会包含它们。"
                         "请取消忽略并提交（git add -f 或修改 .gitignore，再 git commit），然后发布：\n"
                         + "\n".join(f"  {rel}" for rel in ignored))


def check_committed(root: Path) -> None:
    dirty = git(root, "status", "--porcelain", "--untracked-files=all", "--", *REVIEWED).stdout
    if dirty.strip():
        raise UsageError("以下文件有未提交的改动，请先审阅并提交（git add / git commit），再发布：\n" + dirty.rstrip())


def tag_round(root: Path, tag: str, message: str) -> None:
    tagged = git(root, "tag", "-a", tag, "-m", message)
    if tagged.returncode != 0:
        raise UsageError(f"打标签失败：{tagged.stderr.strip()}")
