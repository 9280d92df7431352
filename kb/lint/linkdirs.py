"""The library directories a build command points a link at, for MI496's libraries installed under a prefix of their
own and linked in the same image (kb/lint/loaderpath.py).

A later build links what an install put under PREFIX/lib when it is told to look there: CMake's
-DCMAKE_PREFIX_PATH=PREFIX (a `;` or `:` list; find_package and find_library search PREFIX/lib), a package's
-D<NAME>_ROOT=PREFIX (BOOST_ROOT, Boost_ROOT, OpenCV_ROOT) or -DBOOST_LIBRARYDIR=DIR, the linker's -LDIR (also inside
LDFLAGS=, -Wl,-L), or configure's --with-NAME=PREFIX. A program linked so has no rpath to that directory: gcc and ld add
none for -L, and CMake's installed targets get none unless CMAKE_INSTALL_RPATH says so (CMake strips the build-tree
RPATH on install; a program run from its build tree keeps a RUNPATH to the directories it links directly, which does
not serve their own DT_NEEDED libraries: alicevision/CCTag#175, libboost_chrono.so.1.70.0 that libboost_timer
needs). So a CMake hint counts once an install follows it (`cmake` kind), a -L or --with at once (`ld` kind).
Linear: one look at each word."""
from __future__ import annotations

import posixpath

from .shellwords import expand, is_assignment, unquote

_CMAKE_PREFIX = "-DCMAKE_PREFIX_PATH"


def _value(word: str, option: str) -> str | None:
    """The value of -DOPTION=v or -DOPTION:TYPE=v."""
    if not word.startswith(option):
        return None
    rest = word[len(option):]
    if rest.startswith(":"):
        rest = rest[rest.find("="):] if "=" in rest else ""
    return rest[1:] if rest.startswith("=") else None


def _absolute(path: str, env: dict) -> str | None:
    path = expand(unquote(path), env, "*")
    return posixpath.normpath(path) if path.startswith("/") and "*" not in path else None


def linked_dirs(argv: list[str], env: dict) -> list[tuple[str, str, str]]:
    """(library directory, kind, the word that says so) for each directory `argv` links from; kind `cmake` (counts
    once an install follows) or `ld` (counts at once)."""
    out: list[tuple[str, str, str]] = []
    for word in argv:
        if is_assignment(word):
            name, _, value = word.partition("=")
            if name in ("LDFLAGS", "LIBS"):
                out.extend(d for w in unquote(value).split() for d in linked_dirs([w], env))
            continue
        if not word.startswith("-"):
            continue
        value = _value(word, _CMAKE_PREFIX)
        if value is not None:
            for part in unquote(value).replace(";", ":").split(":"):
                d = _absolute(part, env)
                if d:
                    out.append((posixpath.join(d, "lib") if d != "/" else "/lib", "cmake", word))
            continue
        if word.startswith("-D") and "=" in word:
            name = word[2:].split("=", 1)[0].split(":", 1)[0]
            d = _absolute(word.split("=", 1)[1], env)
            if d and name.upper().endswith("_ROOT"):
                out.append((posixpath.join(d, "lib"), "cmake", word))
            elif d and name.upper().endswith("_LIBRARYDIR"):
                out.append((d, "cmake", word))
            continue
        if word.startswith(("-L", "-Wl,-L")):
            d = _absolute(word.split("-L", 1)[1], env)
            if d:
                out.append((d, "ld", word))
        elif word.startswith("--with-") and "=" in word:
            d = _absolute(word.split("=", 1)[1], env)
            if d:
                out.append((posixpath.join(d, "lib"), "ld", word))
    return out
