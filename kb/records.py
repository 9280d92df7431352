"""The base of every record of the library: immutable, comparable, JSON-ready (`to_dict()`), and cheap to define.
Imports nothing of the project."""
from __future__ import annotations

from collections import namedtuple

TYPE_CHECKING = False  # typing costs milliseconds at start-up; annotations here are never evaluated
if TYPE_CHECKING:
    from typing import Any


class Located(dict):
    """A mapping read from YAML that remembers the line it starts on and the line of each key."""

    def __init__(self) -> None:
        super().__init__()
        self.line = 0
        self.key_lines: dict[str, int] = {}
        self.value_lines: dict[str, list[int]] = {}  # for a key whose value is a list: the line of each element


_SCALARS = frozenset((str, int, float, bool, type(None)))


def _plain(value: Any) -> Any:
    if type(value) in _SCALARS:  # most values: checked first, as a failed hasattr() costs an exception
        return value
    if hasattr(value, "to_dict"):
        return value.to_dict()
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


class Data:
    """Mixin: a record that turns into JSON-ready dicts and lists."""

    __slots__ = ()

    def to_dict(self) -> dict[str, Any]:
        return {name: _plain(getattr(self, name)) for name in self._fields if not name.startswith("_")}


def record(cls: type) -> type:
    """An immutable record class from an annotated class body, like a frozen dataclass.

    Built on collections.namedtuple rather than dataclasses: defining a frozen dataclass compiles four or more
    methods, about half a millisecond each time a process starts, and the command line defines some twenty of these
    on its way to one consultation. A namedtuple is defined in a tenth of that, its instances are immutable,
    compare and hash by value, pickle, and read their fields through C-level descriptors. `_replace` replaces
    fields; `to_dict()` comes from Data.
    """
    names = list(cls.__dict__.get("__annotations__", {}))
    defaults = [cls.__dict__[n] for n in names if n in cls.__dict__]
    base = namedtuple(cls.__name__, names, defaults=defaults, module=cls.__module__)
    body = {k: v for k, v in cls.__dict__.items() if k not in names and k not in ("__dict__", "__weakref__")}
    body["__slots__"] = ()
    made = type(cls.__name__, (base, *cls.__bases__), body)
    made.__qualname__ = cls.__qualname__
    return made
