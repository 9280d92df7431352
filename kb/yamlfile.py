"""YAML reading for rule files: libyaml's composer, then a direct walk of its nodes.

Walking the nodes is about twice as fast as PyYAML's generic constructor, and it lets every mapping remember the
line of each key (for `file:LINE` messages) and reject duplicate keys, which PyYAML silently overwrites. Plain
scalars follow YAML 1.2's core schema, so `yes` and `no` stay strings (they are answers here).

Hostile input is bounded: an alias is walked again each time it is used, so a "billion laughs" file of a few hundred
bytes would expand to billions of nodes; the walk stops at MAX_NODES values (over 200 times what the shipped
knowledge has) and at MAX_DEPTH levels of nesting, and an alias that contains itself is refused. File sizes are
capped where files are read (kb.files).
"""
from __future__ import annotations

import re
from typing import Any

import yaml

from .model import Located

try:  # libyaml parses far faster; fall back to the pure-Python parser where PyYAML was built without it
    _Base = yaml.CBaseLoader
except AttributeError:  # pragma: no cover - depends on how PyYAML was built
    _Base = yaml.BaseLoader

_TAGS = {yaml.ScalarNode: "tag:yaml.org,2002:str", yaml.SequenceNode: "tag:yaml.org,2002:seq",
         yaml.MappingNode: "tag:yaml.org,2002:map"}


class _Loader(_Base):
    """The composer alone: tags are not resolved here (_scalar does it for plain scalars), which saves PyYAML's
    per-node resolver calls, about a third of the time of reading rules.yaml."""

    def descend_resolver(self, current_node, current_index):
        pass

    def ascend_resolver(self):
        pass

    def resolve(self, kind, value, implicit):
        return _TAGS[kind]

_INT = re.compile(r"[-+]?[0-9]+")
_FLOAT = re.compile(r"[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?")


MAX_NODES = 1_000_000
MAX_DEPTH = 64


class YamlError(ValueError):
    def __init__(self, line: int, message: str):
        self.line, self.message = line, message
        super().__init__(f"line {line}: {message}")


_PLAIN = {"": None, "~": None, "null": None, "Null": None, "NULL": None,
          "true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False}


def _scalar(node: yaml.ScalarNode) -> Any:
    value = node.value
    if node.style:  # quoted or block scalars are always text
        return value
    if value in _PLAIN:
        return _PLAIN[value]
    if value[0] in _NUMERIC:  # only then can it be a number
        return _number(value)
    return value


_NUMERIC = frozenset("-+.0123456789")


def _number(value: str) -> Any:
    """A plain scalar that starts like a number: the number, or the text when it is not one."""
    if _INT.fullmatch(value):
        return int(value)
    if _FLOAT.fullmatch(value):
        return float(value)
    return value


_BOMB = f"the document expands to more than {MAX_NODES:,} values (aliases that repeat aliases?): refused"
_Scalar, _Sequence = yaml.ScalarNode, yaml.SequenceNode


class _Walk:
    """One walk of a document's nodes, counting them (aliases too) against MAX_NODES.

    The scalars in a mapping or a list, most of the nodes, are read where they are met rather than by a call of
    walk() each: the same values, counted in the same order (so a refusal names the same line)."""

    def __init__(self) -> None:
        self.left = MAX_NODES
        self.open: set[int] = set()  # ids of the collections being walked: an alias to one of them is a cycle

    def walk(self, node: yaml.Node, depth: int = 0) -> Any:
        self.left -= 1
        if self.left < 0:
            raise YamlError(node.start_mark.line + 1, _BOMB)
        kind = type(node)
        if kind is _Scalar:
            return _scalar(node)
        if depth >= MAX_DEPTH:
            raise YamlError(node.start_mark.line + 1, f"nested more than {MAX_DEPTH} levels deep")
        key = id(node)
        if key in self.open:
            raise YamlError(node.start_mark.line + 1, "an alias refers to a collection that contains it")
        self.open.add(key)
        try:
            return self._sequence(node, depth) if kind is _Sequence else self._mapping(node, depth)
        finally:
            self.open.discard(key)

    def _value(self, node: yaml.Node, depth: int) -> Any:
        """walk(node, depth), with a scalar read here."""
        if type(node) is not _Scalar:
            return self.walk(node, depth)
        self.left -= 1
        if self.left < 0:
            raise YamlError(node.start_mark.line + 1, _BOMB)
        value = node.value
        if node.style:
            return value
        if value in _PLAIN:
            return _PLAIN[value]
        if value[0] in _NUMERIC:
            return _number(value)
        return value

    def _sequence(self, node: yaml.SequenceNode, depth: int) -> list:
        value = self._value
        return [value(n, depth + 1) for n in node.value]

    def _mapping(self, node: yaml.MappingNode, depth: int) -> Located:
        mapping = Located()
        mapping.line = node.start_mark.line + 1
        lines = mapping.key_lines
        value = self._value
        for key_node, value_node in node.value:
            if type(key_node) is not _Scalar:
                raise YamlError(key_node.start_mark.line + 1, "a mapping key must be a plain value")
            name = key_node.value
            if not key_node.style and (name in _PLAIN or name[0] in _NUMERIC):
                name = str(_scalar(key_node))
            if name in mapping:
                raise YamlError(key_node.start_mark.line + 1, f"duplicate key '{name}'")
            mapping[name] = value(value_node, depth + 1)
            lines[name] = key_node.start_mark.line + 1
            if type(value_node) is _Sequence:
                mapping.value_lines[name] = [n.start_mark.line + 1 for n in value_node.value]
        return mapping


def parse_yaml(text: str) -> Any:
    """The document as Located mappings, lists and scalars; raises YamlError with the line of the problem."""
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        raise YamlError(mark.line + 1 if mark else 0, " ".join(str(e.problem or e.context).split())) from None
    except yaml.YAMLError as e:
        raise YamlError(0, " ".join(str(e).split())) from None
    except RecursionError:
        raise YamlError(0, "nested too deeply") from None
    return None if node is None else _Walk().walk(node)
