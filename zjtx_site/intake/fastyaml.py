"""A lean YAML 1.2 loader for company files on ruamel.yaml's C parser.

ruamel's safe loader spends most of its time outside the C parser: its
resolver re-derives the YAML version for every scalar, and its constructor
dispatches every node through a generic table. Company files need far less:
plain mappings, sequences and the core-schema scalars, no tags other than
the core schema's (and those only where they fit their value), no aliases
of mappings or sequences. Its differences from ruamel's safe loader are
listed and tested in tests/test_fastyaml_differential.py. This module keeps ruamel's C parser and its own YAML 1.2 resolver
patterns (so both loaders agree on what a scalar is) and replaces the two
slow layers with direct code, checking the hostile-input limits on the way.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from ruamel.yaml.cyaml import CParser
from ruamel.yaml.nodes import MappingNode, ScalarNode, SequenceNode
from ruamel.yaml.resolver import implicit_resolvers
from ruamel.yaml.tag import Tag

Y = "tag:yaml.org,2002:"
_TAGS = {name: Tag(suffix=Y + name) for name in
         ("str", "seq", "map", "null", "bool", "int", "float", "timestamp")}
for _t in _TAGS.values():
    _ = _t.trval  # computed once, shared by every node

# YAML 1.2 implicit resolvers, indexed by first character, as ruamel's own
_BY_FIRST: dict[str | None, list[tuple[Tag, Any]]] = {}
for _versions, _tag, _regexp, _first in implicit_resolvers:
    if (1, 2) not in _versions:
        continue
    name = _tag.rsplit(":", 1)[1]
    if name not in _TAGS:
        continue  # merge keys ("<<") and the like are plain text here
    tag = _TAGS[name]
    firsts: list[str | None] = list(_first) if _first else [None]
    for ch in firsts:
        _BY_FIRST.setdefault(ch, []).append((tag, _regexp))
_ANY = _BY_FIRST.get(None, [])


class Refused(Exception):
    """Input a company file may not contain; carries a message and a mark."""

    def __init__(self, message: str, mark: Any):
        super().__init__(message)
        self.message, self.mark = message, mark


class DateText(str):
    """A scalar YAML resolves as a timestamp; the validator checks it."""


class BadNumber(str):
    """A float scalar that is not a finite number (``.inf``, ``.nan``)."""


class _Composer(CParser):
    """ruamel's C parser and composer with a resolver that only resolves."""

    def resolve(self, kind: Any, value: Any, implicit: Any) -> Tag:
        if kind is ScalarNode:
            if implicit[0]:
                for tag, regexp in _BY_FIRST.get(value[:1], _ANY) if value else _BY_FIRST.get("", _ANY):
                    if regexp.match(value):
                        return tag
            return _TAGS["str"]
        return _TAGS["seq"] if kind is SequenceNode else _TAGS["map"]

    def descend_resolver(self, current_node: Any, current_index: Any) -> None:
        return None

    def ascend_resolver(self) -> None:
        return None


def _decimal(text: str) -> Decimal | BadNumber:
    try:
        value = Decimal(text.replace("_", ""))
    except InvalidOperation:
        return BadNumber(text)
    return value if value.is_finite() else BadNumber(text)


def _int(text: str, mark: Any) -> int:
    s = text.replace("_", "")
    sign = -1 if s[:1] == "-" else 1
    if s[:1] in "+-":
        s = s[1:]
    try:
        if s.startswith("0x"):
            return sign * int(s[2:], 16)
        if s.startswith("0o"):
            return sign * int(s[2:], 8)
        if s.startswith("0b"):
            return sign * int(s[2:], 2)
        return sign * int(s)
    except ValueError:
        # more than 4300 digits: Python refuses, and so do we, with a place
        raise Refused(f"数字过长（{len(text)} 位），请核对", mark) from None


_SCALARS = {
    "null": lambda v, m: None,
    "bool": lambda v, m: v.lower() == "true",
    "int": _int,
    "float": lambda v, m: _decimal(v),
    "timestamp": lambda v, m: DateText(v),
    "str": lambda v, m: v,
}


_EXPLICIT_HINT = {
    "null": "null 或 ~", "bool": "true 或 false", "int": "整数，如 12", "float": "数字，如 12.5",
    "timestamp": "日期，如 2026-03-18", "str": "任意文本",
}


def _implicit(value: str) -> str:
    for tag, regexp in _BY_FIRST.get(value[:1], _ANY) if value else _BY_FIRST.get("", _ANY):
        if regexp.match(value):
            assert tag.trval is not None   # every resolver tag is one of _TAGS, made with a suffix
            return tag.trval[len(Y):]
    return "str"


def _explicit_ok(name: str, value: str) -> bool:
    """Whether an explicitly tagged scalar reads as YAML 1.2 core would read it."""
    if name == "str":
        return True
    found = _implicit(value)
    return found == name or (name == "float" and found == "int")


class Builder:
    """Nodes to Python values, refusing collection aliases, foreign tags and oversize input."""

    def __init__(self, max_nodes: int, max_depth: int):
        self.max_nodes, self.max_depth = max_nodes, max_depth
        self.count = 0
        self.seen: set[int] = set()

    def build(self, node: Any, depth: int = 1) -> Any:
        self.count += 1
        if self.count > self.max_nodes:
            raise Refused(f"数据项过多（上限 {self.max_nodes} 个）", node.start_mark)
        if depth > self.max_depth:
            raise Refused(f"嵌套层级过深（上限 {self.max_depth} 层）", node.start_mark)
        tag = node.ctag
        kind = type(node)
        if kind is ScalarNode:
            name = tag.trval[len(Y):] if tag.trval and tag.trval.startswith(Y) else ""   # "": no scalar of ours
            fn = _SCALARS.get(name)
            if fn is None:
                raise Refused(f"YAML 格式错误：不支持的 YAML 标签 {tag.trval}（如 !!python/object），公司数据只能包含普通的值",
                              node.start_mark)
            if tag is not _TAGS[name] and not _explicit_ok(name, node.value):
                # an explicit tag (ours are shared objects, a written one is new): the value
                # must be what the YAML 1.2 core schema gives that tag, or !!bool "yes" reads false
                raise Refused(f"YAML 格式错误：值“{node.value}”不符合显式标签 !!{name} 的写法"
                              f"（YAML 1.2：{_EXPLICIT_HINT[name]}）；请删除标签，直接写值", node.start_mark)
            return fn(node.value, node.start_mark)
        if id(node) in self.seen:
            raise Refused("不允许使用 YAML 锚点和别名（& 和 *）：请把内容直接写出来", node.start_mark)
        self.seen.add(id(node))
        if tag is not _TAGS["seq"] and tag is not _TAGS["map"] and tag.trval not in (Y + "seq", Y + "map"):
            raise Refused(f"YAML 格式错误：不支持的 YAML 标签 {tag.trval}，公司数据只能包含普通的值", node.start_mark)
        if kind is SequenceNode:
            return [self.build(child, depth + 1) for child in node.value]
        out: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            if type(key_node) is MappingNode:
                raise Refused("键必须是简单的文本，不能是映射", key_node.start_mark)
            key = self.build(key_node, depth + 1)
            if isinstance(key, list):
                # as ruamel does: a sequence key becomes a tuple, then an unknown key
                try:
                    key = tuple(key)
                    hash(key)
                except TypeError:
                    raise Refused("键必须是简单的文本，不能是列表或映射", key_node.start_mark) from None
            if key in out:
                raise Refused(f"YAML 格式错误：同一个键 \"{key}\" 出现了两次（重复的键），请删除或合并其中一个",
                              key_node.start_mark)
            out[key] = self.build(value_node, depth + 1)
        return out


def load(text: str, *, max_nodes: int, max_depth: int) -> Any:
    """One document's data; ``None`` for an empty stream.

    Raises ruamel's MarkedYAMLError for syntax errors and :class:`Refused`
    for what company files may not contain."""
    parser = _Composer(text)
    try:
        node = parser.get_single_node()
    finally:
        parser.dispose()
    if node is None:
        return None
    return Builder(max_nodes, max_depth).build(node)
