"""What shows that a build links a library whose -dev package its stage installed (MI412's evidence).

A -dev package in a build stage is a strong hint, not proof: it may serve a build-time probe or a tool. MI412 names
what the build itself shows beside it: the context's CMakeLists.txt (`find_package(jsoncpp)`,
`pkg_check_modules(AV libavformat)`, `pkg_search_module`), its meson.build (`dependency('jsoncpp')`), or a `-lNAME`
flag of a RUN line of the stage. A name is matched to a library by the library's name (jsoncpp is libjsoncpp,
sqlite3 libsqlite3, as lint_stem reads both) or by the `find` names of knowledge/native-libraries.yaml (LibMagic is
libmagic, FFMPEG the FFmpeg libraries). Without such evidence the finding says only that the -dev package was
installed there. Each text is read in one pass: every call up to its `)`, then on after it.
"""
from __future__ import annotations

import re

from ..lazyre import lazy
from .cmaketext import cmake_calls
from .profiles import lib_stem

# `Analysis`, `StageInfo` and `Libraries` in annotations are kb.lint's classes: named, never imported

#: pkg_check_modules / pkg_search_module words that are options, not modules
_PKG_OPTIONS = {"REQUIRED", "QUIET", "IMPORTED_TARGET", "GLOBAL", "NO_CMAKE_PATH", "NO_CMAKE_ENVIRONMENT_PATH"}
_CALLS = ("find_package", "pkg_check_modules", "pkg_search_module")
_MESON = lazy(r"""\bdependency\s*\(\s*['"]([A-Za-z0-9_.+-]{1,100})['"]""")
#: a why that already names the build's own evidence (CMakeLists.txt's target_link_libraries, pyembed's readers)
_SHOWN = ("CMakeLists.txt", "meson.build", " at line ")
_LFLAG = lazy(r"(?<![\w-])-l([A-Za-z][A-Za-z0-9_+-]{0,100})(?![\w+-])")


def _stem(name: str) -> str:
    name = re.split(r"[<>=]", name, maxsplit=1)[0]  # a pkg-config version constraint: jsoncpp>=1.9
    return lib_stem(name if name.lower().startswith("lib") else "lib" + name)


def cmake_names(text: str) -> dict[str, str]:
    """Every module a CMakeLists.txt asks for (the name as written -> the call, shortened)."""
    lower = text.lower()
    out: dict[str, str] = {}
    for call in _CALLS:
        for words in cmake_calls(text, lower, call):
            names = words[:1] if call == "find_package" else [w for w in words[1:] if w.upper() not in _PKG_OPTIONS]
            for name in names:
                if name[:1].isalpha():
                    out.setdefault(name, f"{call}({' '.join(words[:2 if call == 'find_package' else 3])})")
    return out


def evidence(a: "Analysis", libs: "Libraries", info: "StageInfo") -> dict[str, str]:
    """The libraries (stem -> what shows the link) that the build of stage `info` asks for by name."""
    found: dict[str, str] = {}
    if info.cmake:
        from .cmake import _cmakelists

        text = _cmakelists(a) or ""
        meson = "meson" in {s.get("tool") for s in info.cmake.values()}
        names = {m.group(1): f"dependency('{m.group(1)}')" for m in _MESON.finditer(text)} if meson else \
            cmake_names(text)
        where = "meson.build" if meson else "CMakeLists.txt"
        for name, call in names.items():
            for stem in (libs.find_names.get(name.lower()), _stem(name)):
                if stem:
                    found.setdefault(stem, f"{call} in {where}")
    from .autoconf import configure_names, runs_configure

    if runs_configure(info):  # an autotools build: what configure.ac probes for
        key = ("configure.ac", a.context_dir)
        if key not in a.context_cache:
            from ..evidence.errors import read_project_file

            a.context_cache[key] = next(((rel, t) for rel in ("configure.ac", "configure.in") if a.context_dir and
                                         (t := read_project_file(a.context_dir, rel)) is not None), None)
        if a.context_cache[key]:
            rel, text = a.context_cache[key]
            for name, call in configure_names(text).items():
                for stem in (libs.find_names.get(name.lower()), _stem(name)):
                    if stem:
                        found.setdefault(stem, f"{call} in {rel}")
    for run in info.stage.runs:
        text = info.texts.get(run.line) or run.command or " ".join(run.argv)
        if "-l" in text:
            for m in _LFLAG.finditer(text):
                found.setdefault(_stem(m.group(1)), f"-l{m.group(1)} at line {run.line}")
    return found


def with_evidence(a: "Analysis", libs: "Libraries", info: "StageInfo", needs: dict[str, str]) -> dict[str, str]:
    """`needs` (stem -> why) with what the build shows of each link added to its why, those it shows first."""
    if not needs or not (info.cmake or info.compiles):
        return needs
    shown = evidence(a, libs, info)
    out = {stem: why if any(m in why for m in _SHOWN) else f"{why}; {shown[stem]}"
           for stem, why in needs.items() if stem in shown or any(m in why for m in _SHOWN)}
    return {**out, **{stem: why for stem, why in needs.items() if stem not in out}}


#: find_library()'s keywords after the names (cmake.org/cmake/help/latest/command/find_library.html)
_FIND_KEYWORDS = frozenset({"HINTS", "PATHS", "PATH_SUFFIXES", "DOC", "REQUIRED", "NO_CACHE", "ENV", "VALIDATOR",
                            "NO_DEFAULT_PATH", "NO_PACKAGE_ROOT_PATH", "NO_CMAKE_PATH", "NO_CMAKE_ENVIRONMENT_PATH",
                            "NO_SYSTEM_ENVIRONMENT_PATH", "NO_CMAKE_SYSTEM_PATH", "NO_CMAKE_INSTALL_PREFIX",
                            "CMAKE_FIND_ROOT_PATH_BOTH", "ONLY_CMAKE_FIND_ROOT_PATH", "NO_CMAKE_FIND_ROOT_PATH",
                            "NAMES_PER_DIR", "OPTIONAL"})


def found_libraries(a: "Analysis", info: "StageInfo") -> dict[str, str]:
    """The libraries (stem -> why) the context's CMakeLists.txt looks for by name with find_library(VAR name) or
    find_library(VAR NAMES n1 n2 ...), where this stage ran cmake: what it finds it links (ghzuo/CVTree:
    find_library(HDF5_CXX_LIBRARY hdf5_cpp)). The caller keeps those the stage has, for a name it does not find
    links nothing."""
    if not info.cmake:
        return {}
    from .cmake import _cmakelists

    text = _cmakelists(a) or ""
    out: dict[str, str] = {}
    for words in cmake_calls(text, text.lower(), "find_library"):
        names = words[2:] if words[1:2] == ["NAMES"] else words[1:2]
        for name in names:
            if name in _FIND_KEYWORDS:
                break
            if name[:1].isalpha() and all(c.isalnum() or c in "_+-" for c in name):
                out.setdefault(lib_stem("lib" + name), f"find_library({words[0]} {name}) in CMakeLists.txt")
    return out
