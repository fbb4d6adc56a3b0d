"""The library's errors, one definition each.

Library code raises these; only ``zjtx_site.cli`` turns them into Chinese
messages and exit codes. Every message is already written for the reader
(association staff): what went wrong, where, and what to do.
"""

from __future__ import annotations

import errno
from typing import Protocol


class Reportable(Protocol):
    """An input problem (intake.problems.Problem): a leaf module names only its shape."""

    def format(self) -> str: ...


class ZjtxError(Exception):
    """Base of every error this package raises on purpose."""


class UsageError(ZjtxError):
    """A user mistake (a bad argument, a missing folder); printed without a traceback."""


class PluginError(ZjtxError):
    """A plugin could not be loaded, or registered something invalid."""


class EvaluationError(ZjtxError):
    """A plugin failed while scoring one company file; names both."""

    def __init__(self, plugin: str, source: str, message: str):
        super().__init__(f"{source}: 插件 {plugin} 出错：{message}")
        self.plugin, self.source, self.detail = plugin, source, message


class ResultError(ValueError):
    """A result that breaks its invariants: a bug in the evaluator that built it."""


class BuildError(ZjtxError):
    """The build stopped; ``problems`` are the input problems that stopped it, if any."""

    def __init__(self, message: str, problems: tuple[Reportable, ...] = ()):
        super().__init__(message)
        self.problems = problems


class LockError(ZjtxError):
    """Another zjtx process holds the project's lock; ``pid`` names it when known."""

    def __init__(self, message: str, pid: int | None = None):
        super().__init__(message)
        self.pid = pid


class StorageError(BuildError):
    """The file system refused (no space, read-only, no permission); the message names the path."""

    @classmethod
    def from_os(cls, exc: OSError, outcome: str) -> StorageError:
        return cls(f"{os_error_text(exc)}。{outcome}")


_ERRNO_TEXT = {
    errno.ENOSPC: "磁盘空间不足", errno.EDQUOT: "超出磁盘配额", errno.EROFS: "文件系统是只读的",
    errno.EACCES: "没有权限", errno.EPERM: "没有权限", errno.ENOENT: "文件或文件夹不存在",
    errno.EISDIR: "这是一个文件夹", errno.ENOTDIR: "路径中有一项不是文件夹", errno.EBUSY: "正被其他程序占用",
    errno.ENOTEMPTY: "文件夹不是空的", errno.EIO: "读写出错（磁盘故障？）",
}


def os_error_reason(exc: OSError) -> str:
    """Why an OSError happened, in Chinese where we know the errno."""
    return _ERRNO_TEXT.get(exc.errno or 0) or exc.strerror or type(exc).__name__


def os_error_text(exc: OSError) -> str:
    """An OSError in words for the reader: the path(s) and the reason in Chinese."""
    reason = os_error_reason(exc)
    paths = [str(p) for p in (exc.filename, exc.filename2) if p is not None]
    where = " → ".join(paths) if paths else "（未知路径）"
    return f"文件操作失败：{where}：{reason}"


class FormError(ZjtxError):
    """The workbook cannot be read as a form or registry at all (one message)."""


class RegistryError(FormError):
    """The registry file for ``zjtx classify`` cannot be read."""


class FontMissing(ZjtxError, RuntimeError):
    """No CJK font for the charts; the message says what to install."""
