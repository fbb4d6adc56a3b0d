"""One writer at a time: two builds started together both end cleanly with the
content/ of a sequential build; a build that cannot wait names the holder's
pid; the lock is released by a killed holder, re-entrant, and works without
fcntl."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from cli_helpers import run

from zjtx_site.errors import LockError
from zjtx_site.scoring import host
from zjtx_site.website import lock
from zjtx_site.website.engines import SiteBuild

REPO = Path(__file__).resolve().parent.parent
HERE = str(REPO)
COMPANIES = ["gz-jirui-drive", "gz-lanqi-bio", "gz-qintang-daily"]


def tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def make(root: Path) -> Path:
    for cid in COMPANIES:
        shutil.copytree(REPO / "companies" / cid, root / "companies" / cid)
    shutil.copy(REPO / "mkdocs.yml", root / "mkdocs.yml")
    return root


def env(**extra: str) -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": os.pathsep.join([HERE, os.environ.get("PYTHONPATH", "")]),
            host.ALLOW_ENV: "", **extra}


def start(*args: str | Path, **extra: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "zjtx_site", *map(str, args)], env=env(**extra),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


@pytest.mark.site
@pytest.mark.slow
def test_two_builds_started_together_both_end_cleanly(tmp_path):
    sequential = make(tmp_path / "sequential")
    for _ in range(2):
        assert start("-C", sequential, "build").wait(300) == 0
    proj = make(tmp_path / "proj")
    first, second = start("-C", proj, "build"), start("-C", proj, "build")
    results = [(*p.communicate(timeout=300), p.returncode) for p in (first, second)]
    results = [(code, out, err) for out, err, code in results]
    for code, out, err in results:
        assert code == 0, err
        assert "Traceback" not in err and "构建完成" in out
    # they ran one after the other: the second waited, naming the first by its pid
    waited = [err for _, _, err in results if "正在使用此项目，等待其结束" in err]
    assert len(waited) == 1
    assert f"pid {first.pid}" in waited[0] or f"pid {second.pid}" in waited[0]
    assert tree(proj / "content") == tree(sequential / "content")
    assert (proj / "site" / "index.html").is_file()
    assert not list((proj / ".zjtx").glob("staging*")) and not list(proj.glob(".zjtx-mkdocs*"))


def test_a_build_that_cannot_wait_names_the_holder(tmp_path):
    proj = make(tmp_path / "proj")
    with lock.project_lock(proj, "publish"):
        done = start("-C", proj, "build", **{lock.WAIT_ENV: "0"})
        _, err = done.communicate(timeout=120)
        code = done.returncode
    assert code == 4
    assert f"pid {os.getpid()}" in err and "zjtx publish" in err and "本次 zjtx build 未执行" in err
    assert "Traceback" not in err and not (proj / "content").exists()


HOLD = ("import sys, time; from pathlib import Path; from zjtx_site.website.lock import project_lock\n"
        "with project_lock(Path(sys.argv[1]), sys.argv[2]):\n"
        "    print('held', flush=True); time.sleep(float(sys.argv[3]))\n")


def hold(proj: Path, command: str, seconds: float) -> subprocess.Popen:
    """Another process holding the project's lock for ``seconds``, once it says so."""
    other = subprocess.Popen([sys.executable, "-c", HOLD, str(proj), command, str(seconds)], env=env(),
                             stdout=subprocess.PIPE, text=True)
    assert other.stdout.readline().strip() == "held"
    return other


def test_a_build_waits_for_the_holder_then_runs(tmp_path, monkeypatch, capsys):
    proj = make(tmp_path / "proj")
    monkeypatch.setenv(host.ALLOW_ENV, "")
    monkeypatch.setattr("zjtx_site.website.staging.build_site", lambda engine, project, docs, site, progress=None:
                        (site.mkdir(), SiteBuild(engine="fake", incremental=False, rebuilt=0))[1])
    other = hold(proj, "import", 1.5)
    t0 = time.monotonic()
    status, _, err = run(capsys, "-C", proj, "build")
    assert status == 0 and time.monotonic() - t0 >= 0.5
    assert f"（pid {other.pid}，zjtx import" in err and "等待其结束" in err
    assert other.wait(30) == 0


def test_a_killed_holder_leaves_no_lock(tmp_path):
    proj = make(tmp_path / "proj")
    other = hold(proj, "build", 60)
    with pytest.raises(LockError) as e, lock.project_lock(proj, "build", wait=0):
        pass
    assert e.value.pid == other.pid
    other.send_signal(signal.SIGKILL)
    other.wait(30)
    with lock.project_lock(proj, "build", wait=5):
        assert lock.read_holder(proj / lock.STATE_DIR).pid == os.getpid()
    assert not (proj / lock.STATE_DIR / lock.HOLDER).exists()


def test_the_lock_is_reentrant_and_serialises_threads(tmp_path):
    order: list[str] = []
    with lock.project_lock(tmp_path, "publish"):
        with lock.project_lock(tmp_path, "build", wait=0):       # publish builds while holding it
            order.append("inner")

        def other():
            with lock.project_lock(tmp_path, "build"):
                order.append("thread")

        t = threading.Thread(target=other)
        t.start()
        time.sleep(0.2)
        order.append("outer")
    t.join(10)
    assert order == ["inner", "outer", "thread"]


def test_without_os_locks_a_marker_file_stands_in(tmp_path, monkeypatch):
    """Where neither fcntl nor msvcrt exists: an exclusive marker, taken over from a dead holder."""
    monkeypatch.setattr(lock, "fcntl", None)
    monkeypatch.setattr(lock, "msvcrt", None)
    state = tmp_path / lock.STATE_DIR
    try_it = ("import sys; from pathlib import Path; from zjtx_site.website import lock\n"
              "lock.fcntl = lock.msvcrt = None\n"
              "try:\n"
              "    with lock.project_lock(Path(sys.argv[1]), 'import', wait=0): print('acquired')\n"
              "except lock.LockError as exc: print('refused', exc.pid)\n")
    with lock.project_lock(tmp_path, "build"):
        assert (state / lock.LOCK).exists()
        other = subprocess.run([sys.executable, "-c", try_it, str(tmp_path)], env=env(), capture_output=True,
                               text=True, timeout=60, check=True)
        assert other.stdout.split() == ["refused", str(os.getpid())]
    assert not (state / lock.LOCK).exists()
    # a marker left by a process that no longer exists is taken over
    (state / lock.LOCK).write_text("", "utf-8")
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True,
                          check=True)
    (state / lock.HOLDER).write_text(f'{{"pid": {dead.stdout.strip()}, "command": "build", "since": "-"}}')
    with lock.project_lock(tmp_path, "build", wait=0):
        pass


@pytest.mark.site
def test_serve_rebuild_reports_a_held_lock_and_keeps_serving(tmp_path, monkeypatch, capsys):
    from zjtx_site.cli.site import _build_once

    proj = make(tmp_path / "proj")
    monkeypatch.setenv(lock.WAIT_ENV, "0")
    other = hold(proj, "build", 30)
    try:
        _build_once(proj)
    finally:
        other.kill()
        other.wait(30)
    err = capsys.readouterr().err
    assert "未重建" in err and f"pid {other.pid}" in err


def test_readme_documents_the_exit_codes_and_the_lock():
    from zjtx_site.cli import codes as cli

    text = (REPO / "README.md").read_text("utf-8")
    section = text.split("## 退出码与项目锁")[1].split("\n## ")[0]
    documented = {int(line.split("|")[1]) for line in section.splitlines() if line.startswith("| ") and
                  line.split("|")[1].strip().isdigit()}
    assert documented == {cli.OK, cli.FAILED, cli.USAGE, cli.INCOMPLETE, cli.LOCKED, cli.INTERRUPTED}
    for words in (".zjtx/lock", lock.WAIT_ENV, "pid", "fcntl", "msvcrt", "swap.json", "ZJTX_TIME_LIMIT"):
        assert words in section, words
