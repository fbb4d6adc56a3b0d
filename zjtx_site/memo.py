"""Values kept between builds, each under the digest of everything it depends on.

A rebuild after one company file changed should cost that company, not the
portfolio: intake keeps each file's validation result and scoring each
company's assessment, in ``.zjtx/memo/<kind>/``. The key is the whole
dependency (the file's bytes, the tool's code, the rule sets and plugins), so
an entry is never stale; it is only unused, and a full build drops the unused.

An entry that is missing, unreadable, from another version or refused is a
miss: the value is computed again, never an error. Entries are pickles (exact:
Fractions and Decimals come back as they went), read with an allow-list of the
classes they may name (this package's types and a few of the standard
library's), so a stray or crafted file cannot call anything else.
"""

from __future__ import annotations

import dataclasses
import gc
import hashlib
import io
import os
import pickle
import sys
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from fractions import Fraction
from pathlib import Path
from typing import Any

FORMAT = "1"
FOLDER = Path(".zjtx") / "memo"
OFF_ENV = "ZJTX_NO_MEMO"          # set (to anything but "" or "0") to compute everything afresh
_STDLIB = {("fractions", "Fraction"): Fraction, ("decimal", "Decimal"): Decimal,
           ("datetime", "date"): date, ("datetime", "datetime"): datetime}


def key_of(*parts: str) -> str:
    """One key from several parts; the format and the Python version are always among them."""
    h = hashlib.sha256()
    for p in (FORMAT, sys.version, *parts):
        h.update(p.encode("utf-8") + b"\0")
    return h.hexdigest()


def _fraction(numerator: int, denominator: int) -> Fraction:
    # Fraction pickles itself as its string, parsed again on loading: slow, for no gain
    return Fraction(numerator, denominator)


_NAMES: dict[type, tuple[str, ...]] = {}


def _names(cls: type) -> tuple[str, ...]:
    names = _NAMES.get(cls)
    if names is None:
        names = _NAMES[cls] = tuple(f.name for f in dataclasses.fields(cls))
    return names


def _dataclass(cls: type, values: tuple[Any, ...]) -> Any:
    """A frozen dataclass back from its field values, without running __init__ again (it ran
    when the value was made). The default for slotted classes looks up the fields anew for
    every object, which made reading an assessment cost half of computing it."""
    obj: Any = object.__new__(cls)
    for name, value in zip(_names(cls), values):
        object.__setattr__(obj, name, value)
    return obj


_CALLABLE = {("zjtx_site.memo", "_fraction"): _fraction, ("zjtx_site.memo", "_dataclass"): _dataclass}


def _value_class(obj: Any) -> bool:
    """A class of ours that only holds a value: a dataclass, an enum, a marked string (the
    parser's DateText); calling it looks up a member or sets fields, nothing else."""
    return (isinstance(obj, type) and obj.__module__.startswith("zjtx_site.")
            and (dataclasses.is_dataclass(obj) or issubclass(obj, (Enum, str))))


class _Pickler(pickle.Pickler):
    def reducer_override(self, obj: Any) -> Any:
        if type(obj) is Fraction:
            return _fraction, (obj.numerator, obj.denominator)
        cls = type(obj)
        if dataclasses.is_dataclass(cls) and cls.__module__.startswith("zjtx_site."):
            return _dataclass, (cls, tuple(getattr(obj, n) for n in _names(cls)))
        if isinstance(obj, type) or callable(obj):
            # named by reference: refused here exactly when reading would refuse it, so a
            # value that could not come back is not kept rather than kept and missed forever
            name = (getattr(obj, "__module__", None), getattr(obj, "__qualname__", None))
            if name not in _STDLIB and name not in _CALLABLE and not _value_class(obj):
                raise pickle.PicklingError(f"{name[0]}.{name[1]} is not allowed in a memo")
        return NotImplemented


class _Unpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str) -> Any:
        found = _STDLIB.get((module, name)) or _CALLABLE.get((module, name))
        if found is not None:
            return found
        obj = getattr(sys.modules.get(module), name, None) if "." not in name else None
        if _value_class(obj):
            return obj
        raise pickle.UnpicklingError(f"{module}.{name} is not allowed in a memo")


def dumps(value: Any) -> bytes:
    buf = io.BytesIO()
    _Pickler(buf, protocol=pickle.HIGHEST_PROTOCOL).dump(value)
    return buf.getvalue()


def loads(data: bytes) -> Any:
    return _Unpickler(io.BytesIO(data)).load()


class Memo:
    """One kind of value (``kind`` names its folder). ``folder`` None: nothing is kept."""

    def __init__(self, folder: Path | None, kind: str):
        off = os.environ.get(OFF_ENV, "") not in ("", "0")
        self.folder = None if folder is None or off else folder / kind
        self.used: set[str] = set()
        self.hits = 0
        self._folders: set[Path] = set()      # made by this run: one mkdir each, not one per put

    @classmethod
    def of_project(cls, project: Path, kind: str, *, off: bool = False) -> Memo:
        return cls(None if off else project / FOLDER, kind)

    def _path(self, key: str) -> Path:
        assert self.folder is not None
        return self.folder / key[:2] / key

    def get(self, key: str, expected: type | tuple[type, ...] = object) -> Any | None:
        """The value kept under ``key`` if it is an ``expected``, else None."""
        if self.folder is None:
            return None
        self.used.add(key)
        # the cyclic collector would otherwise walk the heap while thousands of small
        # objects are made, none of them in a cycle
        was = gc.isenabled()
        gc.disable()
        try:
            value = loads(self._path(key).read_bytes())
        except Exception:  # noqa: BLE001 - any unreadable entry is only a miss
            return None
        finally:
            if was:
                gc.enable()
        if not isinstance(value, expected):
            return None
        self.hits += 1
        return value

    def put(self, key: str, value: Any) -> None:
        """Keep ``value``; a value that cannot be kept (a plugin's own type, a full disk) is
        computed again next time."""
        if self.folder is None:
            return
        self.used.add(key)
        path = self._path(key)
        tmp = path.with_name(f"{key}.{os.getpid()}.tmp")
        try:
            data = dumps(value)
            if path.parent not in self._folders:
                path.parent.mkdir(parents=True, exist_ok=True)
                self._folders.add(path.parent)
            tmp.write_bytes(data)
            os.replace(tmp, path)
        except Exception:  # noqa: BLE001 - keeping is an optimisation, never a failure
            tmp.unlink(missing_ok=True)

    def prune(self) -> None:
        """Drop every entry this run did not use: call it after a run that covered everything."""
        if self.folder is None or not self.folder.is_dir():
            return
        for sub in self.folder.iterdir():
            for entry in sub.iterdir() if sub.is_dir() else ():
                if entry.name not in self.used:
                    try:
                        entry.unlink(missing_ok=True)
                    except OSError:         # open elsewhere (Windows), a folder: left for next time
                        pass
