"""One version type for the whole project: glibc releases, GLIBCXX symbol versions, Go and compiler versions.

    parse_version("2.36") < parse_version("2.39")          # True
    parse_version("GLIBC_2.34") == parse_version("2.34")   # True: the first run of dotted numbers counts
    parse_version(None) == parse_version("") == Version()  # the empty version sorts before every other

A version is the first run of dot-separated decimal numbers in the text, compared number by number (2.9 < 2.10).
Parsing never raises and reads the text once, left to right (safe on any input). This module imports nothing of
the project: every other module may import it.
"""
from __future__ import annotations

__all__ = ["Version", "parse_version"]


class Version(tuple):
    """A version as a tuple of ints (so it compares, hashes and sorts like one); str() gives "2.36" back."""

    __slots__ = ()

    def __new__(cls, parts=()) -> "Version":
        return super().__new__(cls, (int(p) for p in parts))

    def __str__(self) -> str:
        return ".".join(str(p) for p in self)

    def __repr__(self) -> str:
        return f"Version({str(self)!r})"


def parse_version(text: "str | Version | None") -> Version:
    """The version written in `text` (e.g. "2.36", "GLIBC_2.34", "go1.22.3"); Version() if it has no digits."""
    if isinstance(text, Version):
        return text
    if not text:
        return Version()
    parts: list[int] = []
    digits = ""
    for ch in str(text):
        if "0" <= ch <= "9":
            if len(digits) >= 9:  # no version has a part this long: stop rather than build a huge int
                break
            digits += ch
        elif ch == "." and digits:
            parts.append(int(digits))
            digits = ""
        elif digits or parts:
            break
    if digits:
        parts.append(int(digits))
    return Version(parts)


def runtime_release(runtime: str) -> tuple[str, str]:
    """A runtime's name and release: "java21" -> ("java", "21"), "python3.13" -> ("python", "3.13")."""
    name = runtime.rstrip("0123456789.")
    return name, runtime[len(name):]


def in_spans(version: str, spans) -> bool:
    """Is `version` inside one of the "FROM UNTIL" spans of the knowledge (UNTIL excluded, "-" for today)? A Go
    module's v prefix and -pre or +build suffix are dropped; "" is the newest release, which only a span open to today
    holds; "?FLOOR" (a range) counts from its lowest release."""
    if not version:
        return any(span.partition(" ")[2].strip() == "-" for span in spans)
    wanted = parse_version(version.lstrip("?").lstrip("v").split("-", 1)[0].split("+", 1)[0])
    for span in spans:
        first, _, until = span.partition(" ")
        if parse_version(first) <= wanted and (until.strip() == "-" or wanted < parse_version(until.strip())):
            return True
    return False
