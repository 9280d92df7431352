"""Small helpers for scanning user text in linear time: line numbers by offset, JSON key lines, Go imports.

Everything here reads its input once (or once per distinct question, memoised): no regular expression that can
backtrack over a whole file, no `text.count("\\n", 0, pos)` per match. Used by the project scanner and by lint.
"""
from __future__ import annotations

from ..lazyre import lazy

CPP_EXT = frozenset({".cpp", ".cc", ".cxx", ".c++", ".cp", ".hpp", ".hh", ".hxx"})  # C++ sources and headers

__all__ = ["Lines", "json_key_lines", "go_imports", "QUOTED_HTTPS", "pep503"]


class Lines:
    """Line numbers (1-based) of offsets in one text, and the first line holding a needle (memoised)."""

    def __init__(self, text: str) -> None:
        self.text = text
        self._starts: list[int] | None = None
        self._found: dict[str, int | None] = {}

    def of(self, pos: int) -> int:
        from bisect import bisect_right  # here: most texts scanned have nothing to place (a lint of a Go Dockerfile)

        if self._starts is None:
            starts, i = [0], self.text.find("\n")
            while i >= 0:
                starts.append(i + 1)
                i = self.text.find("\n", i + 1)
            self._starts = starts
        return bisect_right(self._starts, pos)

    def find(self, needle: str) -> int | None:
        """The line of the first occurrence of `needle`, or None."""
        if needle not in self._found:
            i = self.text.find(needle)
            self._found[needle] = self.of(i) if i >= 0 else None
        return self._found[needle]


# a JSON string followed by a colon: an object key. Tries start only at quotes and stop at the next quote (or the
# end of the line), so the whole scan is linear.
_JSON_KEY = lazy(r'"((?:[^"\\\n]|\\.)*)"[ \t]*:')


def json_key_lines(text: str) -> dict[str, int]:
    """{key: the line of its first occurrence as an object key} for a JSON text (keys unescaped only for \\/)."""
    lines = Lines(text)
    out: dict[str, int] = {}
    for m in _JSON_KEY.finditer(text):
        key = m.group(1).replace("\\/", "/")
        if key not in out:
            out[key] = lines.of(m.start())
    return out


# ---- Go ---------------------------------------------------------------------------------------------------------

_DECL_WORDS = ("func", "type", "var", "const")


def _go_string(s: str) -> tuple[str | None, str]:
    """A leading Go string literal ("..." or `...`) of `s`: (its value, the rest), or (None, s)."""
    if s[:1] in ('"', "`"):
        end = s.find(s[0], 1)
        if end > 0:
            return s[1:end], s[end + 1:]
    return None, s


def _go_spec(s: str) -> tuple[str | None, str]:
    """An import spec at the start of `s` ([name] "path"): (the path, the rest), or (None, s)."""
    s = s.lstrip()
    path, rest = _go_string(s)
    if path is None:
        name, _, after = s.partition(" ")
        if not name or not all(ch.isalnum() or ch in "_." for ch in name):
            name, _, after = s.partition("\t")
            if not name or not all(ch.isalnum() or ch in "_." for ch in name):
                return None, s
        path, rest = _go_string(after.lstrip())
    return path, rest


def go_imports(text: str) -> list[tuple[str, int]]:
    """The imported package paths of a Go source file, each with its line, in order.

    Reads the file line by line up to the first top-level func/type/var/const declaration (imports come before
    them), skipping // and /* */ comments (a cgo preamble is a comment). An `import (` that never closes runs to
    that point. Linear in the length of the text, whatever it holds.
    """
    out: list[tuple[str, int]] = []
    in_block = in_comment = False
    for number, raw in enumerate(text.split("\n"), 1):
        line = raw.strip()
        if in_comment:
            end = line.find("*/")
            if end < 0:
                continue
            in_comment, line = False, line[end + 2:].strip()
        if line.startswith("/*"):
            end = line.find("*/", 2)
            if end < 0:
                in_comment = True
                continue
            line = line[end + 2:].strip()
        line = line.split("//", 1)[0].strip()  # no import path holds "//"
        if not line:
            continue
        if not in_block:
            word = line.split(None, 1)[0].split("(", 1)[0]
            if word in _DECL_WORDS:
                break
            if word != "import":
                continue
            line = line[len("import"):].lstrip()
            if line.startswith("("):
                in_block, line = True, line[1:]
            else:
                path, _ = _go_spec(line)
                if path is not None:
                    out.append((path, number))
                continue
        while in_block and line:  # specs, maybe several on one line with ';', maybe the closing ')'
            line = line.lstrip(" \t;")
            if line.startswith(")"):
                in_block, line = False, ""
                break
            path, rest = _go_spec(line)
            if path is None:
                in_block = ")" not in line
                break
            out.append((path, number))
            line = rest
    return out


# ---- shared patterns --------------------------------------------------------------------------------------------

#: a quoted https:// URL in source code (a literal prefix: linear)
QUOTED_HTTPS = lazy(r"""["'`]https://""")


def pep503(name: str) -> str:
    """A Python package name normalised (PEP 503): lowercase, runs of -_. as one - (one pass, no backtracking)."""
    return _PEP503_RUN.sub("-", name).lower()


_PEP503_RUN = lazy(r"[-_.]+")
