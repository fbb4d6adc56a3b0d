"""The library's errors, one definition each.

Library code raises these; only ``zjtx_site.cli`` turns them into Chinese
messages and exit codes. Every message is already written for the reader
(association staff): what went wrong, where, and what to do.
"""

from __future__ import annotations

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


class FormError(ZjtxError):
    """The workbook cannot be read as a form or registry at all (one message)."""


class RegistryError(FormError):
    """The registry file for ``zjtx classify`` cannot be read."""


class FontMissing(ZjtxError, RuntimeError):
    """No CJK font for the charts; the message says what to install."""
