"""Interrupted builds: a kill -9 at any moment, then changed or reverted data,
and the next build's content/ equals a clean build's byte for byte. File-system
errors leave the last good content/ and site/, clean up staging, and say what
happened in Chinese with the path."""

from __future__ import annotations

import errno
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from cli_helpers import run

from zjtx_site.scoring import host
from zjtx_site.website import journal, staging
from zjtx_site.website.engines import SiteBuild
from zjtx_site.website.writer import Writer

REPO = Path(__file__).resolve().parent.parent
HERE = str(REPO)                     # the zjtx_site under test, for subprocesses
COMPANIES = ["gz-jirui-drive", "gz-lanqi-bio"]
EDITED = "companies/gz-jirui-drive/2026.yaml"

# Run in a subprocess: counts every file-system change the build makes (through audit
# events), and kills itself with SIGKILL at the N-th. The on-disk state can only differ
# between two such events, so killing at each of them covers every moment of a build.
CHILD = r'''
import os, signal, sys
sys.dont_write_bytecode = True
project, kill_at, log = sys.argv[1], int(sys.argv[2]), sys.argv[3]
from zjtx_site.cli import main
import zjtx_site.build, zjtx_site.render.charts, matplotlib.figure  # noqa: F401 - loaded before counting
WRITE = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_APPEND | os.O_TRUNC
EVENTS = {"os.rename", "os.remove", "os.rmdir", "os.mkdir", "shutil.rmtree", "shutil.copyfile",
          "os.truncate", "os.link", "os.symlink"}
out = open(log, "w", encoding="utf-8")
n = 0
def hook(event, args):
    global n
    if event == "open":
        if not (len(args) > 2 and isinstance(args[2], int) and args[2] & WRITE):
            return
    elif event not in EVENTS:
        return
    n += 1
    out.write(f"{n}\t{event}\t{args[0]!s}\n")
    out.flush()
    if n == kill_at:
        os.kill(os.getpid(), signal.SIGKILL)
sys.addaudithook(hook)
sys.exit(main(["-C", project, "build"]))
'''


def tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": os.pathsep.join([HERE, os.environ.get("PYTHONPATH", "")]),
            host.ALLOW_ENV: ""}


def zjtx(*args: str | Path, check: bool = True) -> subprocess.CompletedProcess:
    done = subprocess.run([sys.executable, "-m", "zjtx_site", *map(str, args)], env=env(), text=True,
                          capture_output=True, timeout=300, check=False)
    assert "Traceback" not in done.stderr, done.stderr
    if check:
        assert done.returncode == 0, done.stderr
    return done


def make(root: Path) -> Path:
    for cid in COMPANIES:
        shutil.copytree(REPO / "companies" / cid, root / "companies" / cid)
    shutil.copy(REPO / "mkdocs.yml", root / "mkdocs.yml")
    return root


def set_niche(root: Path, years: int) -> None:
    path = root / EDITED
    text = (REPO / EDITED).read_text("utf-8")
    assert "niche_years: 13" in text
    path.write_text(text.replace("niche_years: 13", f"niche_years: {years}"), "utf-8")


@pytest.fixture(scope="module")
def states(tmp_path_factory):
    """A project built from data A, the clean content/ of data A and of data C, and the
    file-system events of a build of data B from A (a dry run of the child, no kill)."""
    base = tmp_path_factory.mktemp("kill")
    a = make(base / "a")
    zjtx("-C", a, "build")
    c = make(base / "c")
    set_niche(c, 1)
    zjtx("-C", c, "build")
    dry = base / "dry"
    shutil.copytree(a, dry)
    set_niche(dry, 2)
    (base / "child.py").write_text(CHILD, "utf-8")
    subprocess.run([sys.executable, str(base / "child.py"), str(dry), "0", str(base / "events")],
                   env=env(), check=True, capture_output=True, timeout=300)
    events = [line.split("\t") for line in (base / "events").read_text("utf-8").splitlines()]
    return {"base": base, "a": a, "clean_a": tree(a / "content"), "clean_c": tree(c / "content"),
            "events": [(int(n), ev, path) for n, ev, path in events]}


# Named moments of a build of B over A, found in the dry run's events; the kill comes just
# before the named change. Before the journal is committed a kill leaves a stale staging
# folder; after it, a swap that the next build finishes (and says so).
BEFORE_COMMIT = {
    "lock": lambda ev, p: p.endswith(".zjtx/lock"),
    "staged page": lambda ev, p: ev == "open" and "/staging-" in p and p.endswith(".md"),
    "mkdocs config": lambda ev, p: ev == "open" and ".zjtx-mkdocs-" in p,
    "journal committed": lambda ev, p: ev == "os.rename" and "swap.json" in p,
}
AFTER_COMMIT = {
    "content aside": lambda ev, p: ev == "os.rename" and p.endswith("/content") and "/staging-" not in p,
    "content in": lambda ev, p: ev == "os.rename" and p.endswith("/staging-PID/content"),
    "site aside": lambda ev, p: ev == "os.rename" and p.endswith("/site") and "/staging-" not in p,
    "site in": lambda ev, p: ev == "os.rename" and p.endswith("/staging-PID/site"),
    "manifest in": lambda ev, p: ev == "os.rename" and p.endswith("/staging-PID/manifest.json"),
    "journal removed": lambda ev, p: ev == "os.remove" and p.endswith("swap.json"),
}
MOMENTS = {**BEFORE_COMMIT, **AFTER_COMMIT,
           "staging removed": lambda ev, p: ev == "shutil.rmtree" and "/staging-" in p}
# then: revert the data (the case that once left stale pages for good) or change it again
CASES = [(name, "revert") for name in MOMENTS] + [(name, "change") for name in ("content in", "site aside",
                                                                                "manifest in")]


def moment(states, name: str) -> int:
    events = states["events"]
    pid = next(p for _, _, p in events if "/staging-" in p).split("/staging-")[1].split("/")[0]
    pred = MOMENTS[name]
    for n, ev, path in events:
        if pred(ev, path.replace(f"staging-{pid}", "staging-PID")):
            return n
    raise AssertionError(f"no event for {name}: {events}")


def _after_kill(states, tmp_path, then: str, *, tidy: bool = True) -> subprocess.CompletedProcess:
    proj = tmp_path / "proj"
    if then == "revert":
        set_niche(proj, 13)
        want = states["clean_a"]
    else:
        set_niche(proj, 1)
        want = states["clean_c"]
    done = zjtx("-C", proj, "build")
    assert tree(proj / "content") == want
    assert (proj / "site" / "index.html").is_file()
    state = proj / ".zjtx"
    assert not (state / "swap.json").exists() and not list(proj.glob("*.old"))
    if tidy:
        assert not list(state.glob("staging*")) and not list(proj.glob(".zjtx-mkdocs*"))
    return done


@pytest.mark.site
@pytest.mark.slow
@pytest.mark.parametrize(("name", "then"), CASES)
def test_kill_at_any_moment_then_the_next_build_equals_a_clean_one(states, tmp_path, name, then):
    proj = tmp_path / "proj"
    shutil.copytree(states["a"], proj)
    set_niche(proj, 2)                                       # data B
    n = moment(states, name)
    killed = subprocess.run([sys.executable, str(states["base"] / "child.py"), str(proj), str(n),
                             str(tmp_path / "events")], env=env(), capture_output=True, timeout=300, check=False)
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    done = _after_kill(states, tmp_path, then)
    assert ("已按 .zjtx/swap.json 完成替换" in done.stderr) == (name in AFTER_COMMIT)


@pytest.mark.site
@pytest.mark.slow
def test_kill_while_mkdocs_runs(states, tmp_path):
    """The longest moment: mkdocs (a child process that outlives its killed parent) is
    writing the staged site."""
    proj = tmp_path / "proj"
    shutil.copytree(states["a"], proj)
    set_niche(proj, 2)
    child = subprocess.Popen([sys.executable, "-m", "zjtx_site", "-C", str(proj), "build"], env=env(),
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while not list(proj.glob(".zjtx-mkdocs-*.yml")) and time.monotonic() < deadline:
        time.sleep(0.02)
    child.send_signal(signal.SIGKILL)
    child.wait(30)
    # the orphaned mkdocs may still write into the dead build's staging folder, which the
    # next build then cannot remove entirely: harmless, and removed by the build after
    _after_kill(states, tmp_path, "revert", tidy=False)


# the journal, in-process ----------------------------------------------------------------

def _live(root: Path, name: str, text: str) -> None:
    (root / name).mkdir(parents=True)
    (root / name / "index.md").write_text(text, "utf-8")


def test_a_failed_swap_is_undone_and_nothing_is_left(tmp_path, monkeypatch):
    root = tmp_path
    _live(root, "content", "old content")
    _live(root, "site", "old site")
    stage = root / ".zjtx" / "staging-1"
    _live(stage, "content", "new content")
    _live(stage, "site", "new site")
    real = os.replace

    def refuse_site(src, dst):
        if Path(src) == stage / "site":
            raise PermissionError(errno.EACCES, "Permission denied", str(dst))
        return real(src, dst)

    monkeypatch.setattr(journal.os, "replace", refuse_site)
    with pytest.raises(PermissionError):
        journal.commit(root, stage, [("content", "content"), ("site", "site")])
    assert (root / "content" / "index.md").read_text("utf-8") == "old content"
    assert (root / "site" / "index.md").read_text("utf-8") == "old site"
    assert not journal.pending(root)


def test_recover_finishes_a_journal_and_says_so(tmp_path):
    root = tmp_path
    _live(root, "content", "old")
    stage = root / ".zjtx" / "staging-7"
    _live(stage, "old-content", "old")                       # killed between the two renames
    shutil.rmtree(root / "content")
    _live(stage, "content", "new")
    (stage / "manifest.json").write_text("{}", "utf-8")
    (root / ".zjtx" / "swap.json").write_text(json.dumps(
        {"staging": "staging-7", "moves": [["content", "content"], ["manifest.json", ".zjtx/manifest.json"]]}))
    said = journal.recover(root)
    assert (root / "content" / "index.md").read_text("utf-8") == "new"
    assert (root / ".zjtx" / "manifest.json").read_text("utf-8") == "{}"
    assert not stage.exists() and not journal.pending(root)
    assert said == ["上次构建在替换 content/ 时被中断：已按 .zjtx/swap.json 完成替换。"]


def test_recover_brings_back_a_content_old_left_by_older_versions(tmp_path):
    _live(tmp_path, "content.old", "last good")
    (tmp_path / ".zjtx" / "staging").mkdir(parents=True)
    said = journal.recover(tmp_path)
    assert (tmp_path / "content" / "index.md").read_text("utf-8") == "last good"
    assert not (tmp_path / ".zjtx" / "staging").exists()
    assert said[0].startswith("上次构建在替换 content/ 时被中断")


def test_a_corrupt_journal_is_dropped(tmp_path):
    _live(tmp_path, "content", "good")
    (tmp_path / ".zjtx").mkdir()
    (tmp_path / ".zjtx" / "swap.json").write_text("{not json", "utf-8")
    said = journal.recover(tmp_path)
    assert "已损坏" in said[0] and (tmp_path / "content" / "index.md").read_text("utf-8") == "good"


# file-system errors through the CLI -----------------------------------------------------

@pytest.fixture
def built(tmp_path, monkeypatch):
    monkeypatch.setenv(host.ALLOW_ENV, "")
    root = make(tmp_path / "proj")
    from zjtx_site.build import build

    build(root)
    monkeypatch.setattr(staging, "build_site", lambda engine, project, docs, site, progress=None: _fake_site(site))
    return root


def _fake_site(site: Path) -> SiteBuild:
    site.mkdir(parents=True)
    (site / "index.html").write_text("new site", "utf-8")
    return SiteBuild(engine="fake", incremental=False, rebuilt=1)


def _unchanged(root: Path, content: dict, site: dict) -> None:
    assert tree(root / "content") == content and tree(root / "site") == site
    assert not list((root / ".zjtx").glob("staging*")) and not journal.pending(root)


@pytest.mark.site
def test_disk_full_while_staging(built, capsys, monkeypatch):
    content, site = tree(built / "content"), tree(built / "site")
    set_niche(built, 3)
    put = Writer._put

    def full(self, rel, data):
        if rel.endswith("2026.md"):
            raise OSError(errno.ENOSPC, "No space left on device", str(self.staging / rel))
        return put(self, rel, data)

    monkeypatch.setattr(Writer, "_put", full)
    code, _, err = run(capsys, "-C", built, "build")
    assert code == 1
    assert "磁盘空间不足" in err and "staging-" in err and "2026.md" in err
    assert "content/ 和 site/ 保持上一次成功构建的内容" in err
    _unchanged(built, content, site)


@pytest.mark.site
def test_permission_denied_while_swapping(built, capsys, monkeypatch):
    content, site = tree(built / "content"), tree(built / "site")
    set_niche(built, 3)
    real = os.replace

    def refuse(src, dst):
        if Path(dst) == built / "site" and Path(src).name == "site":    # the new site, not the old one back
            raise PermissionError(errno.EACCES, "Permission denied", str(dst))
        return real(src, dst)

    monkeypatch.setattr(journal.os, "replace", refuse)
    code, _, err = run(capsys, "-C", built, "build")
    assert code == 1 and "没有权限" in err and str(built / "site") in err
    _unchanged(built, content, site)


@pytest.mark.site
def test_read_only_project(built, capsys, monkeypatch):
    from zjtx_site.website import lock

    def read_only(state):
        raise OSError(errno.EROFS, "Read-only file system", str(state / lock.LOCK))

    monkeypatch.setattr(lock, "_acquire", read_only)
    code, _, err = run(capsys, "-C", built, "build")
    assert code == 1 and "文件系统是只读的" in err and ".zjtx/lock" in err


def test_an_unreadable_file_is_named_not_a_traceback(tmp_path, capsys, monkeypatch):
    import os as _os

    root = make(tmp_path / "proj")
    target = root / EDITED
    real = _os.open

    def unreadable(path, *args, **kwargs):       # root reads everything: refuse it here
        if Path(path) == target:
            raise PermissionError(errno.EACCES, "Permission denied", str(path))
        return real(path, *args, **kwargs)

    monkeypatch.setattr(_os, "open", unreadable)
    code, _, err = run(capsys, "-C", root, "build")
    assert code == 1 and "没有权限" in err and EDITED in err
    assert not (root / "content").exists()
