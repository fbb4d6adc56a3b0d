"""Helpers for the scoring tests: build test companies from an example file.

A test company starts from a rich, valid example file (by default
``companies/gz-jirui-drive/2025.yaml``), is changed through dotted paths
(``"financials.2.revenue"``, ``"innovation.ip.class1"``), dumped back to YAML
text and run through the real validator (``loader.validate_text``) and
``model.build_company``, so every test company is one a user could write.
Numbers are written as exact decimals: a change of ``"630"`` or
``Decimal("11024.99")`` reaches the scorer as that exact decimal.
"""

from __future__ import annotations

import copy
import os
import re
from datetime import date
from decimal import Decimal
from fractions import Fraction
from functools import lru_cache
from io import StringIO
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.constructor import SafeConstructor
from ruamel.yaml.representer import SafeRepresenter

from zjtx_site.intake.loader import validate_text
from zjtx_site.intake.model import build_company
from zjtx_site.intake.problems import has_errors
from zjtx_site.scoring.engine import assess, make_engine
from zjtx_site.scoring.spans import Status

ROOT = Path(__file__).resolve().parent.parent
COMPANIES = ROOT / "companies"
RULESETS = ROOT / "zjtx_site" / "scoring" / "data" / "rulesets"
DATA = ROOT / "zjtx_site" / "scoring" / "data"
BASE = "gz-jirui-drive/2025.yaml"

MET, UNMET, ND, MR, NA = (Status.MET, Status.UNMET, Status.NEEDS_DATA, Status.MANUAL_REVIEW,
                          Status.NOT_APPLICABLE)


class _Drop:
    def __repr__(self) -> str:
        return "DROP"


DROP = _Drop()
"""A change value that removes the key (absent = not reported)."""


_NUMBER = re.compile(r"^-?[0-9]+(\.[0-9]+)?$")


def _represent_decimal(r: Any, v: Decimal) -> Any:
    if v == v.to_integral_value():
        return r.represent_scalar("tag:yaml.org,2002:int", str(int(v)))
    return r.represent_scalar("tag:yaml.org,2002:float", format(v, "f"))


# add_constructor/add_representer are classmethods: subclasses keep them from
# leaking into every other YAML(typ="safe") of the test process
class _DecimalConstructor(SafeConstructor):
    pass


class _DecimalRepresenter(SafeRepresenter):
    pass


_DecimalConstructor.add_constructor("tag:yaml.org,2002:float", lambda c, n: Decimal(n.value))
_DecimalRepresenter.add_representer(Decimal, _represent_decimal)


def _yaml() -> YAML:
    y = YAML(typ="safe", pure=True)
    y.Constructor = _DecimalConstructor
    y.Representer = _DecimalRepresenter
    y.default_flow_style = False
    return y


def plain_yaml() -> YAML:
    return YAML(typ="safe", pure=True)


@lru_cache(maxsize=None)
def _base(name: str) -> dict:
    return _yaml().load((COMPANIES / name).read_text(encoding="utf-8"))


def base_dict(name: str = BASE) -> dict:
    return copy.deepcopy(_base(name))


def _exact(v: Any) -> Any:
    """Numbers as exact decimals for the YAML text (a Fraction must terminate)."""
    if isinstance(v, bool) or v is None:
        return v
    if isinstance(v, float):
        raise TypeError("write test figures as str, int or Decimal, never float")
    if isinstance(v, Fraction):
        d = Decimal(v.numerator) / Decimal(v.denominator)
        if Fraction(d) != v:
            raise ValueError(f"{v} is not a terminating decimal")
        return d
    if isinstance(v, str) and _NUMBER.match(v):
        return Decimal(v)
    if isinstance(v, list):
        return [_exact(x) for x in v]
    if isinstance(v, dict):
        return {k: _exact(x) for k, x in v.items()}
    return v


def _keys(path: str) -> list:
    return [int(p) if p.lstrip("-").isdigit() else p for p in path.split(".")]


def apply(data: dict, changes: dict[str, Any] | None) -> dict:
    for path, value in (changes or {}).items():
        keys = _keys(path)
        node = data
        for k in keys[:-1]:
            if isinstance(k, int):
                node = node[k]
            else:
                if node.get(k) is None:
                    node[k] = {}
                node = node[k]
        last = keys[-1]
        if value is DROP:
            if isinstance(last, int):
                del node[last]
            else:
                node.pop(last, None)
        else:
            node[last] = _exact(copy.deepcopy(value))
    return data


def dump(data: dict) -> str:
    buf = StringIO()
    _yaml().dump(data, buf)
    return buf.getvalue()


def company_from_dict(data: dict, company_id: str = "gz-test-co", round: str | None = None) -> Any:
    text = dump(data)
    shown = f"companies/{company_id}/{round or 'test'}.yaml"
    clean, problems = validate_text(text, shown)
    if clean is None or has_errors(problems):
        raise AssertionError("test company is invalid:\n" + "\n".join(p.format() for p in problems)
                             + "\n---\n" + text)
    return build_company(clean, company_id=company_id, round=round or str(clean["assessed_on"].year),
                         source=shown, digest="0" * 64)


def make_company(changes: dict[str, Any] | None = None, base: str = BASE) -> Any:
    return company_from_dict(apply(base_dict(base), changes))


@lru_cache(maxsize=1)
def engine():
    old = os.environ.get("ZJTX_PLUGINS")
    os.environ["ZJTX_PLUGINS"] = ""     # no installed third-party plugins in these tests
    try:
        return make_engine(None)
    finally:
        if old is None:
            del os.environ["ZJTX_PLUGINS"]
        else:
            os.environ["ZJTX_PLUGINS"] = old


def run(changes: dict[str, Any] | None = None, base: str = BASE, forced: str | None = None):
    return assess(engine(), make_company(changes, base), forced=forced)


def run_dict(data: dict, forced: str | None = None):
    return assess(engine(), company_from_dict(data), forced=forced)


def find(tier_result, path: str):
    """The criterion at ``a/b/c`` (ids from the top of the tier)."""
    nodes = tier_result.criteria
    found = None
    for part in path.split("/"):
        matches = [c for c in nodes if c.id == part]
        if len(matches) != 1:
            raise KeyError(f"{tier_result.tier}: no single criterion {part!r} in {path!r}: "
                           f"{[c.id for c in nodes]}")
        found = matches[0]
        nodes = found.children
    return found


def leaf_paths(tier_result) -> dict[str, Status]:
    out: dict[str, Status] = {}

    def walk(c, prefix: str) -> None:
        p = f"{prefix}/{c.id}" if prefix else c.id
        if not c.children:
            out[p] = c.status
        for k in c.children:
            walk(k, p)

    for c in tier_result.criteria:
        walk(c, "")
    return out


def line(a, tier: str, line_id: str):
    t = a.tier(tier)
    assert t.score is not None, f"{tier} has no score table"
    matches = [s for s in t.score.lines if s.id == line_id]
    assert len(matches) == 1, (tier, line_id)
    return matches[0]


def indicator(a, dim: str, ind_id: str):
    d = a.dimension(dim)
    matches = [i for i in d.indicators if i.id == ind_id]
    assert len(matches) == 1, (dim, ind_id)
    return matches[0]


def group(a, tier: str, key: str):
    return next(g for g in a.tier(tier).score.groups if g.key == key)


def load_ruleset_yaml(rid: str) -> dict:
    return plain_yaml().load((RULESETS / f"{rid}.yaml").read_text(encoding="utf-8"))


def leaf_conditions(rid: str) -> list[tuple[str, str, dict]]:
    """(tier, path, condition) for every leaf condition a rule-set file defines itself."""
    data = load_ruleset_yaml(rid)
    out = []

    def walk(tier: str, c: dict, prefix: str) -> None:
        p = f"{prefix}/{c['id']}" if prefix else c["id"]
        kids = list(c.get("all") or []) + list(c.get("any") or []) + list(c.get("cases") or [])
        if not kids:
            out.append((tier, p, c))
        for k in kids:
            walk(tier, k, p)

    for tier, spec in data["tiers"].items():
        for c in spec["criteria"]:
            walk(tier, c, "")
    return out


def d(y: int, m: int, day: int) -> date:
    return date(y, m, day)
