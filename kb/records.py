"""The base of every record of the library: immutable, comparable, JSON-ready (`to_dict()`), and cheap to define.
Imports nothing of the project but its
`__new__` templates (kb/recordnew.py)."""
from __future__ import annotations

from types import CodeType, FunctionType

from .recordnew import NEW_BY_ARITY

try:
    from _collections import _tuplegetter  # what namedtuple's fields use
except ImportError:  # another Python than CPython
    from operator import itemgetter

    def _tuplegetter(index: int, doc: None) -> property:
        return property(itemgetter(index))

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
    """An immutable record class from an annotated class body, like a frozen dataclass or a namedtuple.

    Instances are tuples: immutable, compared and hashed by value, pickled by their class's name, with each field
    read through a C-level descriptor. `_replace` replaces fields, `_make` builds from an iterable, `_fields` names
    them; `to_dict()` comes from Data. A process defines some fifty on its way to one answer, and a namedtuple
    compiles source text for each (about 540,000 instructions a class, measured with cachegrind): here `__new__` is
    one of kb/recordnew.py's, byte-code cached, with the class's field names put in (about 165,000).
    """
    names = tuple(cls.__dict__.get("__annotations__", {}))
    defaults = tuple(cls.__dict__[n] for n in names if n in cls.__dict__)
    body = {k: v for k, v in cls.__dict__.items() if k not in names and k not in ("__dict__", "__weakref__")}
    body.update({name: _tuplegetter(index, None) for index, name in enumerate(names)})
    body.update(__slots__=(), _fields=names, _field_defaults=dict(zip(names[len(names) - len(defaults):], defaults)),
                __match_args__=names, __new__=_new(cls.__qualname__, names, defaults), _make=_make,
                _replace=_replace, __repr__=_repr, __getnewargs__=_getnewargs)
    made = type(cls.__name__, (tuple, *cls.__bases__), body)
    made.__qualname__ = cls.__qualname__
    return made


def _new_template(arity: int) -> CodeType:
    if arity < len(NEW_BY_ARITY):
        return NEW_BY_ARITY[arity].__code__
    args = ", ".join(f"a{i}" for i in range(arity))
    return eval(f"lambda _cls, {args}: _tuple_new(_cls, ({args}))", {"_tuple_new": tuple.__new__}).__code__


def _new(qualname: str, names: tuple, defaults: tuple):
    code = _new_template(len(names)).replace(co_varnames=("_cls", *names), co_name="__new__",
                                             co_qualname=f"{qualname}.__new__")
    return staticmethod(FunctionType(code, {"_tuple_new": tuple.__new__}, "__new__", defaults or None))


@classmethod
def _make(cls, iterable):
    made = tuple.__new__(cls, iterable)
    if len(made) != len(cls._fields):
        raise TypeError(f"{cls.__name__}: expected {len(cls._fields)} fields, got {len(made)}")
    return made


def _replace(self, **changes):
    made = self._make(map(changes.pop, self._fields, self))
    if changes:
        raise TypeError(f"{type(self).__name__} has no field {', '.join(map(repr, changes))}")
    return made


def _repr(self) -> str:
    return f"{type(self).__name__}({', '.join(f'{n}={v!r}' for n, v in zip(self._fields, self))})"


def _getnewargs(self) -> tuple:
    return tuple(self)

