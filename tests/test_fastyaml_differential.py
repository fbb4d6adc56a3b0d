"""The lean loader (intake/fastyaml.py) against ruamel.yaml's own safe loader.

fastyaml reuses ruamel's C parser and YAML 1.2 resolver patterns but builds
values itself. Random documents go through both; they must accept and reject
the same texts and give the same values, except for these deliberate
differences:

1. floats are exact ``Decimal`` (ruamel: ``float``); non-finite ones
   (``.inf``, ``.nan``) are ``BadNumber`` text, refused later by validation;
2. timestamps stay ``DateText`` (ruamel: ``date``/``datetime``); the
   validator checks and converts them;
3. aliases of mappings and sequences (the "billion laughs"), tags other than
   the core schema's, and mapping keys are refused (ruamel builds them); an
   alias of a plain value reads as that value, as in ruamel;
4. an explicit core tag must fit its value under YAML 1.2 (``!!bool "yes"``
   is refused; ruamel reads it as ``False``).
"""

from __future__ import annotations

import math
from datetime import date, datetime
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML
from ruamel.yaml.error import MarkedYAMLError, YAMLError

from zjtx_site.intake import fastyaml

# plain scalars that exercise the resolver: YAML 1.1 words that 1.2 reads as text,
# numbers in every core form, dates, and plain text
TOKENS = ["12", "-3", "+7", "0", "0123", "0x1F", "0o17", "1_000", "3.14", "-0.5", "1e3", "1.5E-2", ".5", "1.",
          ".inf", "-.Inf", ".NaN", "true", "False", "TRUE", "yes", "No", "on", "off", "y", "null", "~", "Null",
          "NULL", "2024-06-30", "2024-6-30", "2024-06-30 12:00:00", "2024-06-30T12:00:00Z", "12:30", "abc",
          "中文名称", "广州 某某 公司", "a b", "1 2", "'quoted'", '"dq"', "''", '""', "v1.2", "1,000", "１２"]
TAGGED = ["!!str 12", "!!int 12", "!!float 3", "!!float 2.5", "!!bool true", "!!null ~", "!!str true",
          '!!int "12"', "!!timestamp 2024-06-30"]
text = st.text(alphabet="abcxyz019 中文_.+-", min_size=1, max_size=8).filter(
    lambda s: s == s.strip() and s[0] not in "-+." and not s.endswith(("-", ".")))
scalar = st.one_of(st.sampled_from(TOKENS), st.sampled_from(TAGGED), text)
key = st.text(alphabet="abcdefgh_", min_size=1, max_size=6)


@st.composite
def block(draw, depth=0):
    """A block mapping as YAML text, with flow sequences and nested mappings."""
    keys = draw(st.lists(key, min_size=1, max_size=5, unique=True))
    lines = []
    pad = "  " * depth
    for k in keys:
        kind = draw(st.integers(0, 3 if depth < 3 else 1))
        if kind <= 1:
            lines.append(f"{pad}{k}: {draw(scalar)}")
        elif kind == 2:
            items = draw(st.lists(scalar.filter(lambda s: "," not in s and not s.startswith("!!")),
                                  max_size=4))
            lines.append(f"{pad}{k}: [{', '.join(items)}]")
        else:
            lines.append(f"{pad}{k}:")
            lines.append(draw(block(depth + 1)))
    return "\n".join(lines)


def _ruamel(text: str):
    return YAML(typ="safe").load(text)          # with the C parser, as fastyaml


def _ours(text: str):
    return fastyaml.load(text, max_nodes=10_000, max_depth=20)


def _same(ours, theirs, path="") -> None:
    if isinstance(theirs, dict):
        assert isinstance(ours, dict) and list(ours) == list(theirs), path
        for k in theirs:
            _same(ours[k], theirs[k], f"{path}.{k}")
    elif isinstance(theirs, list):
        assert isinstance(ours, list) and len(ours) == len(theirs), path
        for i, (a, b) in enumerate(zip(ours, theirs)):
            _same(a, b, f"{path}[{i}]")
    elif isinstance(theirs, bool) or theirs is None or isinstance(theirs, str):
        assert ours == theirs and type(ours) is type(theirs) or isinstance(ours, str) and ours == theirs, path
    elif isinstance(theirs, int):
        assert type(ours) is int and ours == theirs, path
    elif isinstance(theirs, float):
        if math.isfinite(theirs):                    # difference 1: exact
            assert isinstance(ours, Decimal) and float(ours) == theirs, path
        else:
            assert isinstance(ours, fastyaml.BadNumber), path
    elif isinstance(theirs, (date, datetime)):       # difference 2: text, checked later
        assert isinstance(ours, fastyaml.DateText), path
    else:
        raise AssertionError(f"{path}: unexpected {type(theirs).__name__}")


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(block())
def test_both_loaders_agree(doc):
    try:
        theirs = _ruamel(doc)
    except YAMLError:
        theirs = YAMLError
    try:
        ours = _ours(doc)
    except fastyaml.Refused as exc:
        # difference 4 is the only refusal of ours that ruamel's safe loader may not share
        if theirs is not YAMLError:
            assert "显式标签" in exc.message, (doc, exc.message)
        return
    except MarkedYAMLError:
        ours = YAMLError
    if theirs is YAMLError or ours is YAMLError:
        assert theirs is ours, doc            # both refuse the syntax
        return
    _same(ours, theirs)


@pytest.mark.parametrize("doc", ['a: !!bool "yes"', "a: !!bool on", "a: !!int abc", "a: !!null x",
                                 "a: !!float text"])
def test_an_explicit_tag_must_fit_its_value(doc):
    with pytest.raises(fastyaml.Refused, match="显式标签"):
        _ours(doc)


@pytest.mark.parametrize("doc,value", [('a: !!bool "true"', True), ("a: !!str 12", "12"), ("a: !!float 3", Decimal(3)),
                                       ('a: !!int "12"', 12), ("a: !!null ~", None)])
def test_an_explicit_tag_that_fits_reads_as_core_yaml(doc, value):
    assert _ours(doc) == {"a": value}


@pytest.mark.parametrize("doc", ["a: &x [1, 2]\nb: *x", "a: &x {k: 1}\nb: *x", "a: !!python/object:os.system x",
                                 "? {a: 1}\n: 2", "a: 1\na: 2"])
def test_deliberate_refusals(doc):
    with pytest.raises(fastyaml.Refused):
        _ours(doc)


def test_an_alias_of_a_plain_value_reads_as_the_value():
    assert _ours("a: &x 1\nb: *x") == _ruamel("a: &x 1\nb: *x") == {"a": 1, "b": 1}
