"""Regular expressions compiled on first use, for the modules every `minimage-ask lint` process imports.

Compiling a pattern costs 50-200 µs; a module-level `re.compile` pays it in every process that imports the module,
although a one-file lint of a Go Dockerfile never reaches a pip requirement's or a conda spec's pattern (issue 9:
one file at most 2x hadolint). `lazy(pattern, flags)` stands in for `re.compile(pattern, flags)`: the first call of
any method compiles the pattern, and from then on its match, search, sub ... are the compiled pattern's own bound
methods, held in the object's slots, so a use costs what it cost before. Imports nothing of the project.
"""
from __future__ import annotations

import re

__all__ = ["lazy", "LazyPattern"]

_METHODS = ("match", "fullmatch", "search", "sub", "subn", "split", "findall", "finditer", "scanner")


class LazyPattern:
    """A `re.Pattern` that compiles itself on first use (the same methods and attributes)."""

    __slots__ = ("pattern", "_flags", "_compiled", *_METHODS)

    def __init__(self, pattern: str, flags: int = 0) -> None:
        self.pattern, self._flags, self._compiled = pattern, flags, None

    def __getattr__(self, name: str):
        """Called only for what is not set yet: compiles, then binds the methods (later calls do not come here)."""
        if name.startswith("__"):  # copy, pickle and friends probe for special methods: not a use
            raise AttributeError(name)
        compiled = self._compiled
        if compiled is None:
            compiled = re.compile(self.pattern, self._flags)
            for method in _METHODS:
                setattr(self, method, getattr(compiled, method))
            self._compiled = compiled
        return getattr(compiled, name)

    def __repr__(self) -> str:
        return f"lazy({self.pattern!r})"


def lazy(pattern: str, flags: int = 0) -> LazyPattern:
    return LazyPattern(pattern, flags)
