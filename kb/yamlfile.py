"""YAML reading for rule files: libyaml's composer, then a direct walk of its nodes.

Walking the nodes is about twice as fast as PyYAML's generic constructor, and it lets every mapping remember the
line of each key (for `file:LINE` messages) and reject duplicate keys, which PyYAML silently overwrites. Plain
scalars follow YAML 1.2's core schema, so `yes` and `no` stay strings (they are answers here).
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
    if value[0] in "-+.0123456789":  # only then can it be a number
        if _INT.fullmatch(value):
            return int(value)
        if _FLOAT.fullmatch(value):
            return float(value)
    return value


def _walk(node: yaml.Node) -> Any:
    kind = type(node)
    if kind is yaml.ScalarNode:
        return _scalar(node)
    if kind is yaml.SequenceNode:
        return [_walk(n) for n in node.value]
    mapping = Located()
    mapping.line = node.start_mark.line + 1
    lines = mapping.key_lines
    for key_node, value_node in node.value:
        if type(key_node) is not yaml.ScalarNode:
            raise YamlError(key_node.start_mark.line + 1, "a mapping key must be a plain value")
        key = str(_scalar(key_node))
        if key in mapping:
            raise YamlError(key_node.start_mark.line + 1, f"duplicate key '{key}'")
        mapping[key] = _walk(value_node)
        lines[key] = key_node.start_mark.line + 1
        if type(value_node) is yaml.SequenceNode:
            mapping.value_lines[key] = [n.start_mark.line + 1 for n in value_node.value]
    return mapping


def parse_yaml(text: str) -> Any:
    """The document as Located mappings, lists and scalars; raises YamlError with the line of the problem."""
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        raise YamlError(mark.line + 1 if mark else 0, str(e.problem or e.context)) from None
    except yaml.YAMLError as e:
        raise YamlError(0, str(e)) from None
    return None if node is None else _walk(node)
