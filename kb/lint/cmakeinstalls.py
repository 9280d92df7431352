"""The shared libraries a CMake project's `make install` puts into <prefix>/lib (for MI495, kb/lint/ldcache.py).

A project whose directory is not named like a library (aktualizr) still installs one when its CMakeLists.txt files
say so: `add_library(NAME SHARED ...)` and `install(TARGETS ... NAME ... LIBRARY DESTINATION lib)` (or
${CMAKE_INSTALL_LIBDIR}, which GNUInstallDirs makes `lib` under /usr/local; a target installed without a LIBRARY
destination goes there too since CMake 3.14). The files are those CMake reads: the source directory's
CMakeLists.txt and, through add_subdirectory(DIR) of a literal DIR (not EXCLUDE_FROM_ALL), theirs, read from the
build context through the COPY that put the source there; conditionals are not evaluated, and a project that sets
an install RPATH (CMAKE_INSTALL_RPATH, INSTALL_RPATH) is left alone: its programs find the libraries. Bounded: MAX_FILES files,
MAX_DEPTH levels. Sources: https://cmake.org/cmake/help/latest/command/install.html (TARGETS, LIBRARY DESTINATION,
default destinations), https://cmake.org/cmake/help/latest/module/GNUInstallDirs.html,
https://cmake.org/cmake/help/latest/command/add_subdirectory.html; advancedtelematic/aktualizr#1515
(src/libaktualizr/CMakeLists.txt: add_library(aktualizr_lib SHARED ...), install(TARGETS aktualizr_lib LIBRARY
DESTINATION lib)).
"""
from __future__ import annotations

import posixpath

from ..lazyre import lazy

MAX_FILES = 200
MAX_DEPTH = 6
_SHARED = lazy(r"(?i)\badd_library\s*\(\s*([A-Za-z0-9_.+-]+)\s+SHARED\b")
_INSTALL = lazy(r"(?i)\binstall\s*\(\s*TARGETS\b([^()]*)\)")
_SUBDIR = lazy(r"(?i)\badd_subdirectory\s*\(([^()]*)\)")
_RPATH = lazy(r"\b(?:CMAKE_)?INSTALL_RPATH\b")  # the installed programs are told where their libraries are
_KEYWORDS = {"EXPORT", "RUNTIME_DEPENDENCIES", "RUNTIME_DEPENDENCY_SET", "ARCHIVE", "LIBRARY", "RUNTIME", "OBJECTS",
             "FRAMEWORK", "BUNDLE", "PRIVATE_HEADER", "PUBLIC_HEADER", "RESOURCE", "FILE_SET", "CXX_MODULES_BMI",
             "INCLUDES", "DESTINATION", "PERMISSIONS", "CONFIGURATIONS", "COMPONENT", "NAMELINK_COMPONENT",
             "OPTIONAL", "EXCLUDE_FROM_ALL", "NAMELINK_ONLY", "NAMELINK_SKIP"}
_LIBDIRS = {"lib", "lib/", "${CMAKE_INSTALL_LIBDIR}", "${CMAKE_INSTALL_LIBDIR}/"}


def _installed_to_lib(args: str) -> list[str]:
    """The targets of one install(TARGETS ...) whose library goes to <prefix>/lib."""
    words = [w.strip("\"'") for w in args.split()]
    targets = []
    for w in words:
        if w.upper() in _KEYWORDS:
            break
        targets.append(w)
    rest = [w.upper() if w.upper() in _KEYWORDS else w for w in words[len(targets):]]
    if "LIBRARY" not in rest:  # CMake 3.14 on: LIBRARY defaults to ${CMAKE_INSTALL_LIBDIR}, unless one DESTINATION
        return targets if rest[:1] != ["DESTINATION"] or rest[1:2] and rest[1] in _LIBDIRS else []
    i = rest.index("LIBRARY")
    dest = rest[i + 2] if rest[i + 1:i + 2] == ["DESTINATION"] and len(rest) > i + 2 else None
    return targets if dest in _LIBDIRS else []


def shared_installs(read, source: str) -> str | None:
    """'TARGET (PATH)' for the first shared library the CMake project at build-context directory `source` installs
    into <prefix>/lib, or None; read(path) -> text | None reads a build-context file."""
    shared: dict[str, str] = {}
    installed: list[str] = []
    todo, seen = [(posixpath.normpath(source or "."), 0)], set()
    while todo and len(seen) < MAX_FILES:
        where, depth = todo.pop(0)
        path = posixpath.normpath(posixpath.join(where, "CMakeLists.txt"))
        if path in seen:
            continue
        seen.add(path)
        text = read(path)
        if text is None:
            continue
        if _RPATH.search(text):
            return None
        for m in _SHARED.finditer(text):
            shared.setdefault(m.group(1), path)
        for m in _INSTALL.finditer(text):
            installed.extend(_installed_to_lib(m.group(1)))
        if depth >= MAX_DEPTH:
            continue
        for m in _SUBDIR.finditer(text):
            words = m.group(1).split()
            sub = words[0].strip("\"'") if words else ""
            if sub and "$" not in sub and "EXCLUDE_FROM_ALL" not in (w.upper() for w in words[1:]):
                rel = posixpath.normpath(posixpath.join(where, sub))
                if not rel.startswith(".."):
                    todo.append((rel, depth + 1))
    target = next((t for t in installed if t in shared), None)
    return f"{target} ({shared[target]}: add_library({target} SHARED), installed to lib)" if target else None


def stage_shared_installs(a, info, build_dir: str) -> str | None:
    """The shared library `make install` in `build_dir` of stage `info` installs into /usr/local/lib, read from the
    CMakeLists.txt of the source directory its cmake step configured (None when it is not in the build context,
    or the prefix set there is another)."""
    setup = info.cmake.get(build_dir)
    if not a.context_dir or not setup or setup.get("tool") != "cmake" or not setup.get("source"):
        return None
    for flag in setup["flags"].split():
        if flag.startswith("CMAKE_INSTALL_PREFIX") and posixpath.normpath(flag.split("=", 1)[-1] or "/") != "/usr/local":
            return None
    from ..evidence.errors import read_project_file
    from .hidden import context_path

    rel = context_path(info.context_dirs, setup["source"])
    if rel is None:
        return None
    key = ("cmake-shared-installs", a.context_dir, rel)
    if key not in a.context_cache:
        a.context_cache[key] = shared_installs(lambda p: read_project_file(a.context_dir, p), rel)
    return a.context_cache[key]
