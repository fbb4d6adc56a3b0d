"""The static shape of :class:`~zjtx_site.intake.model.Company`, for type checkers.

The record classes are made at run time from the field table; this writes
the same classes as a stub (``model.pyi``) so mypy can check every
``company.innovation.ip.class1`` in scoring and render. Run
``python -m zjtx_site.intake.model_stub > zjtx_site/intake/model.pyi``; a
test fails when the committed stub and the table disagree.
"""

from __future__ import annotations

from zjtx_site.intake.fields import Field, Kind
from zjtx_site.intake.model import _PY_TYPES, IDENTITY_FIELDS, _class_name
from zjtx_site.intake.schema import COMPANY

HEADER = '''# Generated from the field table by `python -m zjtx_site.intake.model_stub`; do not edit.
from datetime import date
from decimal import Decimal
from typing import Any

from zjtx_site.intake.fields import Field, Kind

IDENTITY_FIELDS: tuple[tuple[str, str], ...]
_PY_TYPES: dict[Kind, str]

def _class_name(key: str) -> str: ...

def build_company(clean: dict[str, Any], *, company_id: str, round: str, source: str,
                  digest: str) -> Company: ...
def record_class(f: Field) -> type: ...
'''


def _classes(f: Field, name: str, extra: tuple[tuple[str, str], ...], out: list[str]) -> None:
    lines = [f"class {name}:"]
    lines += [f"    {k}: {t}" for k, t in extra]
    for c in f.children:
        if c.kind is Kind.GROUP:
            sub = _class_name(c.key)
            _classes(c, sub, (), out)
            lines.append(f"    {c.key}: {sub}")
        elif c.kind is Kind.RECORDS:
            sub = _class_name(c.key) + "Entry"
            _classes(c, sub, (), out)
            lines.append(f"    {c.key}: tuple[{sub}, ...]" + ("" if c.required else " | None"))
        else:
            typ = _PY_TYPES[c.kind]
            # validation refuses a file without a required value: never None on a Company
            lines.append(f"    {c.key}: " + (typ.removesuffix(" | None") if c.required else typ))
    lines.append("    def __init__(self, **kwargs: Any) -> None: ...")
    out.append("\n".join(lines) + "\n")


def stub() -> str:
    out: list[str] = []
    _classes(COMPANY, "Company", IDENTITY_FIELDS, out)
    return HEADER + "\n" + "\n".join(out)


if __name__ == "__main__":
    print(stub(), end="")
