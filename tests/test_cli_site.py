"""zjtx serve (rebuild and browser reload) and zjtx publish."""

from __future__ import annotations

import re
import shutil
import socket
import subprocess
import threading
import time
import urllib.request
from pathlib import Path

import pytest

from zjtx_site import cli
from zjtx_site.website.serve import live_server

REPO = Path(__file__).resolve().parent.parent


def _project(tmp_path: Path, ids=("gz-lanqi-bio", "gz-qintang-daily")) -> Path:
    root = tmp_path / "proj"
    for cid in ids:
        shutil.copytree(REPO / "companies" / cid, root / "companies" / cid)
    shutil.copy(REPO / "mkdocs.yml", root / "mkdocs.yml")
    return root


def _get(url: str, timeout: float = 10) -> bytes:
    with urllib.request.urlopen(url, timeout=timeout) as r:
        return r.read()


def test_serve_rebuilds_on_a_change_and_reloads_the_browser(tmp_path):
    """The served pages carry the reload script; a company file changed on disk runs
    the rebuild, and a page waiting on the reload endpoint learns of the new site."""
    root = _project(tmp_path)
    (root / "site").mkdir()
    (root / "site" / "index.html").write_text("<html><body>旧</body></html>", "utf-8")
    calls = []

    def rebuild():
        calls.append(1)
        (root / "site" / "index.html").write_text("<html><body>新</body></html>", "utf-8")

    with socket.socket() as s:            # a free port
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = live_server(root, "127.0.0.1", port, rebuild)
    server.build_delay = 0.05
    t = threading.Thread(target=server.serve, daemon=True)
    t.start()
    time.sleep(0.5)
    try:
        page = _get(f"http://127.0.0.1:{port}/index.html").decode("utf-8")
        assert "旧" in page and "livereload" in page
        epoch = int(re.search(r"livereload\((\d+)", page).group(1))
        answer: list[bytes] = []
        poll = threading.Thread(target=lambda: answer.append(
            _get(f"http://127.0.0.1:{port}/livereload/{epoch}/1", timeout=30)))
        poll.start()
        time.sleep(0.5)
        f = root / "companies" / "gz-qintang-daily" / "2026.yaml"
        f.write_text(f.read_text("utf-8").replace("schema: 1", "schema: 1\n"), "utf-8")
        poll.join(30)
        assert answer and int(answer[0]) > epoch, "the waiting page was not told to reload"
        assert calls, "no rebuild after the change"
        assert "新" in _get(f"http://127.0.0.1:{port}/index.html").decode("utf-8")
    finally:
        server.shutdown()
        t.join(5)


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


@pytest.mark.site
def test_publish_validates_and_scores_from_the_data_not_from_the_memo(repo, monkeypatch):
    from zjtx_site.scoring import batch

    (repo / ".gitignore").write_text("/site/\n/.zjtx/\n", "utf-8")
    assert cli.main(["-C", str(repo), "build"]) == 0          # the memo now holds every file
    _git(repo, "add", "-A")
    _git(repo, "commit", "-qm", "content")
    scored: list[str] = []
    real = batch.assess
    monkeypatch.setattr(batch, "assess", lambda e, c, **k: (scored.append(f"{c.company_id}/{c.round}"), real(e, c, **k))[1])
    assert cli.main(["-C", str(repo), "build"]) == 0
    assert scored == []
    assert cli.main(["-C", str(repo), "publish", "2026"]) == 0
    assert sorted(scored) == sorted(f"{p.parent.name}/{p.stem}" for p in (repo / "companies").rglob("*.yaml"))
