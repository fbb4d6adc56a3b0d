"""One writer at a time: an exclusive lock on the project.

``zjtx build`` (and every ``serve`` rebuild), ``import`` and ``publish`` hold
it while they change ``content/``, ``site/``, ``.zjtx/`` or ``companies/``. A
second one waits for the first (``ZJTX_LOCK_WAIT`` seconds, default 600; 0
refuses at once) and then gives up with a message naming the holder's pid.

The lock is the operating system's own on ``.zjtx/lock``: ``fcntl.flock`` on
Linux and macOS, ``msvcrt.locking`` on Windows. Both are released by the
system when the holder dies, so a killed build never leaves the project
locked. Where neither exists, an exclusively created marker file stands in,
and a marker whose process is gone is taken over.

The lock is re-entrant within a process (``publish`` builds while holding it)
and serialises threads of one process too.
"""

from __future__ import annotations

import contextlib
import datetime
import json
import os
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from zjtx_site.errors import LockError

try:
    import fcntl
except ImportError:             # Windows
    fcntl = None  # type: ignore[assignment]
try:
    import msvcrt
except ImportError:             # everything else
    msvcrt = None  # type: ignore[assignment]

STATE_DIR = ".zjtx"
LOCK = "lock"
HOLDER = "lock-holder.json"
WAIT_ENV = "ZJTX_LOCK_WAIT"
DEFAULT_WAIT = 600.0
POLL = 0.1


@dataclass(frozen=True)
class Holder:
    pid: int | None
    command: str
    since: str

    def describe(self) -> str:
        if self.pid is None:
            return "另一个 zjtx 进程"
        return f"另一个 zjtx 进程（pid {self.pid}，zjtx {self.command}，开始于 {self.since}）"


_guard = threading.Lock()
_held: dict[Path, tuple[threading.RLock, int, IO[bytes] | None]] = {}


def wait_seconds() -> float:
    raw = os.environ.get(WAIT_ENV, "").strip()
    try:
        return float(raw) if raw else DEFAULT_WAIT
    except ValueError:
        from zjtx_site.errors import UsageError

        raise UsageError(f"环境变量 {WAIT_ENV}={raw!r} 应为秒数（等待项目锁的时间）") from None


def read_holder(state: Path) -> Holder:
    try:
        data = json.loads((state / HOLDER).read_text("utf-8"))
        return Holder(int(data["pid"]), str(data.get("command", "?")), str(data.get("since", "?")))
    except (OSError, ValueError, KeyError, TypeError):
        return Holder(None, "?", "?")


def _try_os_lock(fh: IO[bytes]) -> bool:
    if fcntl is not None:
        try:
            fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
            return True
        except BlockingIOError:
            return False
    if msvcrt is not None:
        try:
            fh.seek(0)
            msvcrt.locking(fh.fileno(), msvcrt.LK_NBLCK, 1)
            return True
        except OSError:
            return False
    raise AssertionError("no OS lock")      # pragma: no cover - _marker_lock is used instead


def _os_unlock(fh: IO[bytes]) -> None:
    if fcntl is not None:
        fcntl.flock(fh.fileno(), fcntl.LOCK_UN)
    elif msvcrt is not None:
        fh.seek(0)
        msvcrt.locking(fh.fileno(), msvcrt.LK_UNLCK, 1)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True
    return True


def _try_marker_lock(path: Path) -> bool:
    """Fallback without OS locks: create the marker exclusively; take over a dead holder's."""
    try:
        os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY))
        return True
    except FileExistsError:
        holder = read_holder(path.parent)
        if holder.pid is not None and holder.pid != os.getpid() and not _alive(holder.pid):
            path.unlink(missing_ok=True)
            return _try_marker_lock(path)
        return False


def _acquire(state: Path) -> tuple[bool, IO[bytes] | None]:
    """Try once: (acquired, the open lock file to keep; None for the marker fallback)."""
    state.mkdir(parents=True, exist_ok=True)
    path = state / LOCK
    if fcntl is None and msvcrt is None:
        return _try_marker_lock(path), None
    fh = open(path, "a+b")       # noqa: SIM115 - kept open while the lock is held
    try:
        if _try_os_lock(fh):
            return True, fh
    except BaseException:
        fh.close()
        raise
    fh.close()
    return False, None


@contextlib.contextmanager
def project_lock(project: Path, command: str, *, wait: float | None = None,
                 notify: Callable[[str], None] = lambda s: None) -> Iterator[None]:
    """Hold the project's lock for the block; wait up to ``wait`` seconds for another holder."""
    state = Path(project).resolve() / STATE_DIR
    with _guard:
        entry = _held.get(state)
        rlock = entry[0] if entry else threading.RLock()
        if entry is None:
            _held[state] = (rlock, 0, None)
    with rlock:                       # other threads of this process wait here
        _, depth, fh = _held[state]
        if depth == 0:
            fh = _wait_for(state, command, wait_seconds() if wait is None else wait, notify)
            _write_holder(state, command)
        _held[state] = (rlock, depth + 1, fh)
        try:
            yield
        finally:
            _, depth, fh = _held[state]
            _held[state] = (rlock, depth - 1, fh)
            if depth == 1:
                _release(state, fh)
                _held[state] = (rlock, 0, None)


def _wait_for(state: Path, command: str, wait: float, notify: Callable[[str], None]) -> IO[bytes] | None:
    deadline = time.monotonic() + max(wait, 0)
    told = False
    while True:
        acquired, fh = _acquire(state)
        if acquired:
            return fh
        holder = read_holder(state)
        if time.monotonic() >= deadline:
            waited = f"等待 {wait:g} 秒后" if wait > 0 else ""
            raise LockError(f"{holder.describe()}正在使用此项目，{waited}仍未结束，本次 zjtx {command} 未执行。"
                            f"请等它结束后重试（等待时间见环境变量 {WAIT_ENV}）。", holder.pid)
        if not told:
            notify(f"{holder.describe()}正在使用此项目，等待其结束……")
            told = True
        time.sleep(POLL)


def _write_holder(state: Path, command: str) -> None:
    since = datetime.datetime.now().strftime("%Y-%m-%d %H:%M:%S")
    tmp = state / f"{HOLDER}.{os.getpid()}.tmp"
    tmp.write_text(json.dumps({"pid": os.getpid(), "command": command, "since": since}), "utf-8")
    os.replace(tmp, state / HOLDER)


def _release(state: Path, fh: IO[bytes] | None) -> None:
    with contextlib.suppress(OSError):
        (state / HOLDER).unlink(missing_ok=True)
    if fh is None:
        (state / LOCK).unlink(missing_ok=True)
        return
    try:
        _os_unlock(fh)
    finally:
        fh.close()
