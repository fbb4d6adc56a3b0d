"""zjtx serve's watcher and zjtx publish."""

from __future__ import annotations

import shutil
import subprocess
import threading
from pathlib import Path

import pytest

from zjtx_site import cli
from zjtx_site.website.serve import snapshot, watch

REPO = Path(__file__).resolve().parent.parent


def _project(tmp_path: Path, ids=("gz-lanqi-bio", "gz-qintang-daily")) -> Path:
    root = tmp_path / "proj"
    for cid in ids:
        shutil.copytree(REPO / "companies" / cid, root / "companies" / cid)
    shutil.copy(REPO / "mkdocs.yml", root / "mkdocs.yml")
    return root


def test_snapshot_sees_a_changed_company_file(tmp_path):
    root = _project(tmp_path)
    before = snapshot(root)
    f = root / "companies" / "gz-lanqi-bio" / "2026.yaml"
    f.write_text(f.read_text("utf-8") + "\n", "utf-8")
    assert snapshot(root) != before


def test_watch_rebuilds_once_per_change_and_stops(tmp_path):
    root = _project(tmp_path)
    calls = []
    stop = threading.Event()
    changed = threading.Event()

    def rebuild():
        calls.append(1)
        changed.set()

    t = threading.Thread(target=watch, args=(root, rebuild, stop, 0.05))
    t.start()
    try:
        assert not changed.wait(0.3)          # nothing changed: no rebuild
        f = root / "companies" / "gz-qintang-daily" / "2026.yaml"
        f.write_text(f.read_text("utf-8").replace("schema: 1", "schema: 1\n"), "utf-8")
        assert changed.wait(5)
    finally:
        stop.set()
        t.join(5)
    assert not t.is_alive()
    assert len(calls) == 1


def _git(root, *args):
    return subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, check=True)


@pytest.fixture
def repo(tmp_path):
    root = _project(tmp_path)
    _git(root, "init", "-q")
    _git(root, "config", "user.email", "t@example.invalid")
    _git(root, "config", "user.name", "t")
    _git(root, "add", "-A")
    _git(root, "commit", "-qm", "data")
    return root


@pytest.mark.site
def test_publish_refuses_uncommitted_content_then_tags(repo, capsys):
    assert cli.main(["-C", str(repo), "publish", "2026"]) == 2
    assert "未提交" in capsys.readouterr().err
    (repo / ".gitignore").write_text("/site/\n/.zjtx/\n", "utf-8")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-qm", "content")
    assert cli.main(["-C", str(repo), "publish", "2026"]) == 0
    tags = _git(repo, "tag", "-n1").stdout
    assert "round-2026" in tags and "发布评估轮次 2026" in tags
    # a published round is never re-tagged
    assert cli.main(["-C", str(repo), "publish", "2026"]) == 2
    assert "已存在" in capsys.readouterr().err


@pytest.mark.site
def test_publish_refuses_a_round_without_data(repo, capsys):
    assert cli.main(["-C", str(repo), "publish", "2019"]) == 2
    assert "没有评估轮次 2019" in capsys.readouterr().err


def test_publish_needs_git(tmp_path, capsys):
    root = _project(tmp_path)
    assert cli.main(["-C", str(root), "publish", "2026"]) == 2
    assert "git" in capsys.readouterr().err
