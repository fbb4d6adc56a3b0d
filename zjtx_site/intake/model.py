"""Typed, frozen company records, generated from the field table.

Each group of the table becomes a frozen, keyword-only dataclass with one
attribute per key, so the table stays the only place a field is declared.
Groups are always present (a missing group is a record of ``None``s) so
scorers can write ``company.innovation.ip.class1`` without guarding every
step; a missing value is ``None``, which means "not reported", never zero.
"""

from __future__ import annotations

import dataclasses
from datetime import date
from decimal import Decimal
from typing import Any

from zjtx_site.intake.fields import Field, Kind
from zjtx_site.intake.schema import COMPANY

_PY_TYPES = {
    Kind.INT: "int | None", Kind.YEAR: "int | None", Kind.MONEY: "Decimal | None",
    Kind.PERCENT: "Decimal | None", Kind.NUMBER: "Decimal | None", Kind.BOOL: "bool | None",
    Kind.DATE: "date | None", Kind.TEXT: "str | None", Kind.CREDIT_CODE: "str | None",
    Kind.ENUM: "str | None", Kind.ENUM_LIST: "tuple[str, ...] | None",
    Kind.TEXT_LIST: "tuple[str, ...] | None", Kind.FREE: "dict | None",
}

IDENTITY_FIELDS = (
    ("company_id", "str"),
    ("round", "str"),
    ("source", "str"),   # path as shown to users, relative to the project
    ("digest", "str"),   # sha256 of the file's bytes: the report's data version
)


def _class_name(key: str) -> str:
    return "".join(part.capitalize() for part in key.split("_")) or "Company"


def _make_class(f: Field, name: str, extra: tuple = ()) -> type:
    specs: list[tuple] = [(k, t, dataclasses.field()) for k, t in extra]
    for c in f.children:
        if c.kind is Kind.GROUP:
            typ = _make_class(c, _class_name(c.key))
            _CLASSES[id(c)] = typ
            specs.append((c.key, typ.__name__))
        elif c.kind is Kind.RECORDS:
            typ = _make_class(c, _class_name(c.key) + "Entry")
            _CLASSES[id(c)] = typ
            specs.append((c.key, f"tuple[{typ.__name__}, ...] | None"))
        else:
            specs.append((c.key, _PY_TYPES[c.kind]))
    cls = dataclasses.make_dataclass(name, specs, frozen=True, kw_only=True, slots=True,
                                     namespace={"__module__": __name__})
    # a module attribute under its own name, like a written class, so that a kept copy
    # (zjtx_site.memo) can name it
    if name in globals():
        raise RuntimeError(f"two schema groups make the class {name}")
    cls.__qualname__ = name
    globals()[name] = cls
    return cls


_CLASSES: dict[int, type] = {}
Company = _make_class(COMPANY, "Company", IDENTITY_FIELDS)
Company.__doc__ = "One company's data for one assessment round (schema 1), validated and exact."


def _build(f: Field, data: dict[str, Any] | None, cls: type, extra: dict | None = None) -> Any:
    data = data or {}
    kwargs: dict[str, Any] = dict(extra or {})
    for c in f.children:
        v = data.get(c.key)
        if c.kind is Kind.GROUP:
            kwargs[c.key] = _build(c, v, _CLASSES[id(c)])
        elif c.kind is Kind.RECORDS:
            sub = _CLASSES[id(c)]
            kwargs[c.key] = None if v is None else tuple(_build(c, r, sub) for r in v)
        else:
            kwargs[c.key] = v
    return cls(**kwargs)


def build_company(clean: dict[str, Any], *, company_id: str, round: str, source: str,
                  digest: str) -> Any:
    """A frozen Company from validated clean data (see validate.Validator)."""
    return _build(COMPANY, clean, Company, dict(company_id=company_id, round=round,
                                                source=source, digest=digest))


def record_class(f: Field) -> type:
    return _CLASSES[id(f)]


__all__ = ["Company", "build_company", "record_class", "Decimal", "date"]
