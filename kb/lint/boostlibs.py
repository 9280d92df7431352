"""The Boost libraries a CMake build links, by component (MI412).

Alpine's boost-dev (and Debian's libboost-all-dev) brings every Boost library, but each compiled library has its own
run-time package: Alpine's boostX.Y-<name> subpackages, also installable as boost-<name> (aports main/boost1.82
APKBUILD: `_boostlib`, `provides="boost-$name=..."`, each moving `usr/lib/libboost_$name*.so.[0-9]*`; boostX.Y-libs
and the boost package itself depend on all of them), Debian's libboost-<name><version> (libboost-json1.81.0 ships
libboost_json.so.1.81.0: `dpkg -c` on Debian 12). A final image with boost-system and boost-locale but no boost-json
fails on a program that links libboost_json.so (otland/forgottenserver#4890). What a build links is read from the
context's CMakeLists.txt: `find_package(Boost [version] [REQUIRED] COMPONENTS a b c)`, with `${VAR}` expanded from
every `set(VAR ...)` and `list(APPEND VAR ...)` of the file (every branch: lint does not evaluate conditions), and
`Boost::name` targets. Only libraries Boost compiles count (`COMPILED`, the `_libs` of that APKBUILD; Boost.JSON is
one unless BOOST_JSON_HEADER_ONLY, www.boost.org/doc/libs/release/libs/json/doc/html/json/overview.html): not the
header-only ones, and not Boost.System, header-only since Boost 1.69 (its library a stub kept for compatibility:
www.boost.org/users/history/version_1_69_0.html). A build that sets the variable Boost_USE_STATIC_LIBS on (not a
global property of that name), or whose stage builds Boost with `b2 install link=static`, links none of them
dynamically; a stage that installed no Boost -dev package (Boost from vcpkg or built in) is left alone. Each call is
read up to its `)`, then on after it: linear in the text.
"""
from __future__ import annotations

import fnmatch
import posixpath

from .cmaketext import cmake_calls
from .profiles import lib_stem

# `Analysis` and `StageInfo` in annotations are kb.lint.stages' classes: named, never imported

#: Boost's compiled libraries, as their components are named (aports main/boost1.82/APKBUILD `_libs`, less system)
COMPILED = frozenset("""atomic chrono container context contract coroutine date_time fiber filesystem graph iostreams
    locale log_setup log math prg_exec_monitor program_options python3 random regex serialization stacktrace_basic
    stacktrace_noop thread timer type_erasure url wave wserialization json nowide charconv process cobalt""".split())
#: Boost.Test's libraries (unit_test_framework, prg_exec_monitor) are left out with System: they link the test
#: programs a `BUILD_TESTING` branch adds, not the program an image ships (www.boost.org/libs/test, "Usage variants")
#: packages that bring every Boost library (Alpine's boost, boost-libs, boostX.Y, boostX.Y-libs)
_ALL = ("boost", "boost-libs", "boost[0-9]*.[0-9]*", "boost[0-9]*-libs")
#: the -dev packages that make a stage's Boost (Alpine boost-dev, boost1.82-dev; Debian libboost-*-dev)
_DEV = ("boost-dev", "boost[0-9]*-dev", "libboost*-dev")
MAX_LIST = 64
_ON = ("ON", "TRUE", "1", "YES", "Y")


def components(text: str) -> dict[str, str] | None:
    """The compiled Boost components (name -> what names it) the CMakeLists.txt text links; None when it neither
    finds Boost nor names a Boost:: target (what it links of Boost is not visible)."""
    lower = text.lower()
    variables: dict[str, list[str]] = {}
    for call in ("set", "list"):
        for words in cmake_calls(text, lower, call):
            if call == "list":
                words = words[1:] if words[:1] == ["APPEND"] else []
            if words:  # a component list is short: at most MAX_LIST words are kept of a variable
                kept = variables.setdefault(words[0], [])
                kept.extend(words[1:MAX_LIST + 1 - len(kept)])
    out: dict[str, str] = {}
    seen = "Boost::" in text
    for words in cmake_calls(text, lower, "find_package"):
        if words[:1] != ["Boost"]:
            continue
        seen = True
        named, listing = [], False
        for word in words[1:]:
            if word in ("COMPONENTS", "OPTIONAL_COMPONENTS"):
                listing = True
            elif word.isupper() and not word.startswith("$"):
                listing = False  # REQUIRED, CONFIG, QUIET ...
            elif listing:
                named += variables.get(word[2:-1], []) if word.startswith("${") and word.endswith("}") else [word]
        shown = f"find_package(Boost COMPONENTS {' '.join(named)}) in CMakeLists.txt"
        out.update((c, shown) for c in named if c.lower() in COMPILED and c.lower() not in out)
    at = text.find("Boost::")
    while at >= 0:
        end = at + 7
        while end < len(text) and (text[end].isalnum() or text[end] == "_"):
            end += 1
        name = text[at + 7:end]
        if name.lower() in COMPILED:
            out.setdefault(name.lower(), f"Boost::{name} in CMakeLists.txt")
        at = text.find("Boost::", end)
    return out if seen else None


def static_boost(text: str) -> bool:
    """Does the CMakeLists.txt text set the variable Boost_USE_STATIC_LIBS on, which FindBoost and BoostConfig read
    (`set(...)`, `option(...)`)? A global property of that name (`set_property(GLOBAL PROPERTY Boost_USE_STATIC_LIBS
    ON)`) is not the variable and changes nothing (aws-samples/aws-iot-securetunneling-localproxy#62)."""
    lower = text.lower()
    return any(words[:1] == ["Boost_USE_STATIC_LIBS"] and words[-1:] and words[-1].strip('"').upper() in _ON
               for call in ("set", "option") for words in cmake_calls(text, lower, call))


def _b2_static(info: "StageInfo") -> bool:
    """Does the stage build Boost from source with static libraries only (`./b2 install link=static`): then a later
    find_package(Boost) finds no shared library to link."""
    from .shellwords import simple_commands

    for run in info.stage.runs:
        for argv in simple_commands(run.command):
            if argv and argv[0].rsplit("/", 1)[-1] in ("b2", "bjam") and "link=static" in argv:
                return True
    return False


def boost_needs(a: "Analysis", info: "StageInfo", needs: dict[str, str]) -> dict[str, str]:
    """`needs` with the Boost libraries the stage's cmake build links, by component, in place of the whole of Boost
    that its -dev package stands for."""
    dev = next((p for p in sorted(info.profile.installed) if any(fnmatch.fnmatchcase(p, g) for g in _DEV)), None)
    if not info.cmake or dev is None:
        return needs
    from .cmake import _cmakelists

    text = _cmakelists(a) or ""
    found = {} if static_boost(text) or _b2_static(info) else components(text)
    if found is None and not (text and _never_named(a, text)):
        return needs
    out = {stem: why for stem, why in needs.items() if not stem.startswith("libboost")}
    for name, shown in (found or {}).items():
        out.setdefault(lib_stem(f"libboost_{name}"), f"libboost_{name}.so: {shown}, {dev} installed there")
    return out


MAX_SUBDIRECTORIES = 64


def _never_named(a: "Analysis", top: str) -> bool:
    """Do the project's CMakeLists.txt files, the top one and those its add_subdirectory() calls reach (all of them
    in the build context), never name Boost? Then the build links no Boost library, whatever -dev package the stage
    installed (its headers only: ghzuo/CVTree's boost/algorithm). False when one of them cannot be read."""
    from ..evidence.errors import read_project_file

    todo, seen = [("", top)], {""}
    while todo:
        where, text = todo.pop()
        lower = text.lower()
        if "boost" in lower:
            return False
        for words in cmake_calls(text, lower, "add_subdirectory"):
            sub = words[0].strip('"') if words else ""
            path = posixpath.normpath(posixpath.join(where, sub)) if sub else ""
            if not sub or "$" in sub or path.startswith("..") or len(seen) >= MAX_SUBDIRECTORIES:
                return False
            if path in seen:
                continue
            seen.add(path)
            found = read_project_file(a.context_dir, f"{path}/CMakeLists.txt")
            if found is None:
                return False
            todo.append((path, found))
    return True


def ships(package: str, stem: str) -> bool:
    """Does the package `package` bring the Boost library `stem` (libboost-json): boost-json, boost1.82-json,
    libboost-json1.81.0, or one that brings them all?"""
    if not stem.startswith("libboost-"):
        return False
    name = stem[len("libboost-"):]
    if any(fnmatch.fnmatchcase(package, g) for g in _ALL):
        return True
    base = package.split("-", 1)
    return len(base) == 2 and fnmatch.fnmatchcase(base[0], "boost[0-9]*.[0-9]*") and \
        base[1].replace("_", "-") == name or lib_stem(package.removesuffix("-dev")) == stem


def install_name(stem: str, apk: bool) -> str:
    """The run-time package of the Boost library `stem` to install: Alpine's boost-<name>; on Debian the
    libboost-<name><version> of the Boost the build used, named with Debian 12's 1.81 packages as the example."""
    name = stem[len("libboost-"):]
    return f"boost-{name}" if apk else \
        f"libboost-{name}<Boost version> (libboost-{name}1.81.0 with Debian 12's libboost-{name}1.81-dev)"
