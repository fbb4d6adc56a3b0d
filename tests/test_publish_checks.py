"""zjtx publish tags only what git holds: company files and local plugins that
are ignored or uncommitted are refused, and a broken plugin is a message."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from cli_helpers import run

from zjtx_site.scoring import host

REPO = Path(__file__).resolve().parent.parent
IDS = ("gz-lanqi-bio", "gz-qintang-daily")


def git(root: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, check=True).stdout


@pytest.fixture
def repo(tmp_path, monkeypatch):
    monkeypatch.setenv(host.ALLOW_ENV, "")
    root = tmp_path / "proj"
    for cid in IDS:
        shutil.copytree(REPO / "companies" / cid, root / "companies" / cid)
    shutil.copy(REPO / "mkdocs.yml", root / "mkdocs.yml")
    (root / ".gitignore").write_text("/site/\n/.zjtx/\n", "utf-8")
    git(root, "init", "-q")
    git(root, "config", "user.email", "t@example.invalid")
    git(root, "config", "user.name", "t")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "data")
    return root


def tags(root: Path) -> str:
    return git(root, "tag")


def test_publish_refuses_an_ignored_company_file(repo, capsys):
    (repo / ".gitignore").write_text("/site/\n/.zjtx/\ncompanies/gz-qintang-daily/2026.yaml\n", "utf-8")
    git(repo, "rm", "-q", "--cached", "companies/gz-qintang-daily/2026.yaml")
    git(repo, "commit", "-qam", "ignore one company file")
    code, _, err = run(capsys, "-C", repo, "publish", "2026")
    assert code == 2
    assert "被 git 忽略" in err and "companies/gz-qintang-daily/2026.yaml" in err
    assert tags(repo) == "" and not (repo / "content").exists()     # refused before building


def test_publish_refuses_an_ignored_local_plugin(repo, capsys):
    (repo / "plugins").mkdir()
    (repo / "plugins" / "local_rule.py").write_text("# 本地插件\n", "utf-8")
    (repo / ".gitignore").write_text("/site/\n/.zjtx/\nplugins/\n", "utf-8")
    git(repo, "commit", "-qam", "ignore plugins")
    code, _, err = run(capsys, "-C", repo, "publish", "2026")
    assert code == 2 and "plugins/local_rule.py" in err and "被 git 忽略" in err
    assert tags(repo) == ""


@pytest.mark.site
@pytest.mark.parametrize("state", ["untracked", "modified"])
def test_publish_refuses_an_uncommitted_local_plugin(repo, capsys, state):
    (repo / "plugins").mkdir()
    plugin = repo / "plugins" / "local_rule.py"
    plugin.write_text("# 本地插件\n", "utf-8")
    assert run(capsys, "-C", repo, "build")[0] == 0
    git(repo, "add", "-A")
    if state == "untracked":
        git(repo, "rm", "-q", "--cached", "plugins/local_rule.py")
    git(repo, "commit", "-qm", "content")
    if state == "modified":
        plugin.write_text("# 本地插件，改过\n", "utf-8")
    code, _, err = run(capsys, "-C", repo, "publish", "2026")
    assert code == 2 and "未提交" in err and "plugins/local_rule.py" in err
    assert tags(repo) == ""


def test_publish_names_a_broken_plugin_without_a_traceback(repo, capsys, monkeypatch):
    (repo / "plugins").mkdir()
    (repo / "plugins" / "broken.py").write_text("raise RuntimeError('坏插件')\n", "utf-8")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "a broken plugin")
    monkeypatch.setenv(host.ALLOW_ENV, "local:broken")
    code, _, err = run(capsys, "-C", repo, "publish", "2026")
    assert code == 1 and "插件加载失败" in err and "坏插件" in err and "未发布" in err
    assert tags(repo) == ""
