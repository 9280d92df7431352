"""Reading a CMakeLists.txt's text without compiling a pattern: its calls `name(...)` and its line comments. Shared
by kb/lint/cmake.py, linkevidence.py, boostlibs.py and cmakeprebuilt.py, and cheap to import (a one-file lint
imports it; kb/lint/cmake.py's patterns are compiled only where cmake runs)."""
from __future__ import annotations


def commented(text: str, at: int) -> bool:
    """Is position `at` of a CMake file inside a line comment (a `#` before it on its line)?"""
    return "#" in text[text.rfind("\n", 0, at) + 1:at]


def cmake_calls(text: str, lower: str, name: str):
    """The words of every call `name(...)` of a CMakeLists.txt (`lower` is its lowercase text; a word boundary before
    the name; comment words left out, and a call in a comment, `#find_package(SQLite3)`, too). Read by kb/lint/
    linkevidence.py's cmake_names, boostlibs.py and cmakeprebuilt.py."""
    start = lower.find(name)
    while start >= 0:
        open_ = start + len(name)
        end = lower.find(")", open_)
        if end < 0:
            return
        body = text[open_:end].lstrip(" \t")
        if body.startswith("(") and (start == 0 or not (lower[start - 1].isalnum() or lower[start - 1] == "_")) \
                and not commented(text, start):
            yield [w for w in body[1:].split() if not w.startswith("#")]
        start = lower.find(name, end)
