"""A parsed rule file as plain data and back, for kb/loader/filecache.py: the mappings, lists and scalars
kb/yamlfile.py makes, with every mapping's lines, so a file that must be read again on another state (a file before
it was edited) is not parsed again. Rebuilding the document from `marshal`'s output takes a sixth of libyaml's time.

A mapping is the tuple (values, line, key_lines, value_lines); a list is a list; a scalar is itself. Reading one back
checks every value's type (what a planted entry holds is refused, never used), and the nesting depth.
"""
from __future__ import annotations

from ..cache import BadEntry
from ..model import Located

MAX_DEPTH = 128  # more than kb/yamlfile.py lets a document have (64; not imported from there: it imports PyYAML)
_SCALARS = frozenset((str, int, float, bool, type(None)))


def encode_doc(value):
    """A parsed document (or part of one) as plain data."""
    kind = type(value)
    if kind in _SCALARS:
        return value
    if kind is list:
        return [encode_doc(v) for v in value]
    if isinstance(value, Located):
        return ({k: encode_doc(v) for k, v in value.items()}, value.line, dict(value.key_lines),
                {k: list(v) for k, v in value.value_lines.items()})
    raise TypeError(f"a parsed rule file holds a {kind.__name__}")


def decode_doc(value, depth: int = 0):
    """The document `encode_doc` made `value` from; BadEntry for anything that is not exactly such data."""
    kind = type(value)
    if kind in _SCALARS:
        return value
    if depth > MAX_DEPTH:
        raise BadEntry("a document nested too deeply")
    if kind is list:
        return [v if type(v) in _SCALARS else decode_doc(v, depth + 1) for v in value]
    if kind is not tuple or len(value) != 4:
        raise BadEntry("not a parsed rule file")
    values, line, key_lines, value_lines = value
    if type(values) is not dict or type(line) is not int or type(key_lines) is not dict \
            or type(value_lines) is not dict:
        raise BadEntry("a mapping of a parsed rule file is not (values, line, key lines, value lines)")
    mapping = Located()
    for k, v in values.items():
        if type(k) is not str:
            raise BadEntry("a key of a parsed rule file is not text")
        mapping[k] = v if type(v) in _SCALARS else decode_doc(v, depth + 1)
    for k, n in key_lines.items():
        if type(k) is not str or type(n) is not int:
            raise BadEntry("a key line of a parsed rule file is not a number")
    for k, lines in value_lines.items():
        if type(k) is not str or type(lines) is not list or not all(type(n) is int for n in lines):
            raise BadEntry("the value lines of a parsed rule file are not numbers")
    mapping.line, mapping.key_lines, mapping.value_lines = line, key_lines, value_lines
    return mapping
