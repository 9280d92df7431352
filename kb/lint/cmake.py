"""What cmake (and the make or ninja it generates for) or meson builds: a C or C++ program in the build directory
(or, after an install step, in PREFIX/bin), linked statically only when something asks for it.

A configure step (`cmake [-S SRC] [-B BUILD] [-DVAR=VALUE ...] [SRC]`, `meson setup BUILD`) is remembered per build
directory; a build step (`cmake --build BUILD`, `make` or `ninja` in BUILD, `ninja -C BUILD`) produces the
program, an install step (`cmake --install BUILD [--prefix P]`, `make install [DESTDIR=D]`, `ninja install`)
puts it in PREFIX/bin. The link is static when the configure flags or the context's CMakeLists.txt say so
(CMAKE_EXE_LINKER_FLAGS with -static, target_link_options / target_link_libraries / add_link_options with
-static, meson's -Dc_link_args=-static); otherwise it is dynamic against the stage's C library, cmake's default,
and the finding says so. C++ when CMakeLists.txt names C++ sources or the CXX language.
"""
from __future__ import annotations

import posixpath
import re

from .builds import BuiltFile, dynamic_libc
from .cmaketext import commented
from .profiles import CXX_TOOLCHAINS, lib_stem
from .shellwords import abspath, expand

# `Analysis` and `StageInfo` in annotations are kb.lint.stages' classes, which import this module: named, never
# imported (annotations are not evaluated here)

_STATIC = re.compile(r"(?<![\w-])(-static|-static-pie|--static)(?![\w-])")
_LINK_SETTING = re.compile(r"(?is)(?:CMAKE_EXE_LINKER_FLAGS\w*|target_link_options|target_link_libraries"
                           r"|add_link_options|link_args)[^)\n]*")
_CXX = re.compile(r"(?i)\.(cpp|cc|cxx|c\+\+)\b|\bproject\s*\(\s*[\w-]+\s+CXX\b")
_LANGUAGES, _CXX_WORD = re.compile(r"(?i)LANGUAGES"), re.compile(r"(?i)\bCXX\b")


def _is_cxx(text: str) -> bool:
    """C++ sources, `project(NAME CXX)`, or CXX after LANGUAGES before the call's `)`: looked for after the first
    LANGUAGES of each `)`-delimited part only (`LANGUAGES[^)]*\\bCXX` retried from every LANGUAGES: quadratic)."""
    if _CXX.search(text):
        return True
    for part in text.split(")"):
        m = _LANGUAGES.search(part)
        if m and _CXX_WORD.search(part, m.end()):
            return True
    return False
_CONFIGURE_VALUE = {"-S", "-B", "-G", "-T", "-A", "-C", "-U", "--preset", "--toolchain", "--install-prefix"}


def _cmakelists(a: "Analysis") -> str | None:
    if not a.context_dir:
        return None
    key = ("cmakelists", a.context_dir)
    if key not in a.context_cache:
        from ..evidence.errors import read_project_file

        a.context_cache[key] = read_project_file(a.context_dir, "CMakeLists.txt") or \
            read_project_file(a.context_dir, "meson.build")
    return a.context_cache[key]


#: OpenMP in a CMake project: find_package(OpenMP), OpenMP:: targets, -fopenmp, ggml's own GGML_OPENMP
_OPENMP = re.compile(r"(?i)find_package\s*\(\s*OpenMP\b|\bOpenMP::|-fopenmp\b|\bGGML_OPENMP\b")
#: a project that builds ggml (llama.cpp, whisper.cpp, stable-diffusion.cpp embed it as a subdirectory, or fetch
#: it) or links an installed one: ggml's CMakeLists.txt has option(GGML_OPENMP "ggml: use OpenMP" ON), so with GCC
#: it links libgomp unless the build turns that off (github.com/ggml-org/ggml/blob/master/CMakeLists.txt,
#: ggml-org/llama.cpp#7731). The word alone (a comment, an option's description) is not a build of it.
_GGML = re.compile(r"(?i)\badd_subdirectory\s*\(\s*[\w./${}-]*\bggml\b|\bFetchContent_Declare\s*\(\s*ggml\b"
                   r"|\bfind_package\s*\(\s*ggml\b")


def _source_lists(a: "Analysis", info: "StageInfo") -> list[tuple[str, str]]:
    """(build-context path, text) of the CMakeLists.txt of each source directory this stage configured, found through
    the COPY that put it there (COPY llama.cpp /app/llama.cpp, then cmake -B build in /app/llama.cpp), and the
    context's own top-level one."""
    from ..evidence.errors import read_project_file
    from .hidden import context_path

    out, seen = [], set()
    for setup in info.cmake.values():
        src = setup.get("source")
        rel = context_path(info.context_dirs, src) if src and a.context_dir and setup["tool"] == "cmake" else None
        path = posixpath.normpath(posixpath.join(rel, "CMakeLists.txt")) if rel is not None else None
        if path is None or path in seen:
            continue
        seen.add(path)
        key = ("cmakelists", a.context_dir, path)
        if key not in a.context_cache:
            a.context_cache[key] = read_project_file(a.context_dir, path)
        if a.context_cache[key] is not None:
            out.append((path, a.context_cache[key]))
    top = _cmakelists(a)
    if top is not None and "CMakeLists.txt" not in seen:
        out.append(("CMakeLists.txt", top))
    return out


def openmp(a: "Analysis", info: "StageInfo") -> str | None:
    """Why what this stage builds with cmake links GCC's OpenMP runtime (libgomp.so.1), or None: the CMakeLists.txt
    of a source directory it configured (or the context's) finds OpenMP, or builds ggml (GGML_OPENMP is ON by
    default)."""
    if not info.cmake or any(re.search(r"(?i)GGML_OPENMP=(OFF|0|NO)\b", s["flags"]) for s in info.cmake.values()):
        return None
    for path, text in _source_lists(a, info):
        m = _OPENMP.search(text)
        if m is not None:
            return f"OpenMP in {path} ({m.group(0)})"
        if _GGML.search(text):
            return f"ggml, built with OpenMP by default, in {path}"
    return None


def configure(info: "StageInfo", argv: list[str], cwd: str, env: dict) -> None:
    """Remember a configure step's build directory and its -D settings."""
    args = argv[1:]
    meson = posixpath.basename(argv[0]) == "meson"
    if meson and args[:1] == ["setup"]:
        args = args[1:]
    build = source = None
    flags: list[str] = []
    positional: list[str] = []
    i = 0
    while i < len(args):
        a = args[i]
        if a.startswith("-D"):
            flags.append(a[2:] if len(a) > 2 else (args[i + 1] if i + 1 < len(args) else ""))
            i += 1 if len(a) > 2 else 2
            continue
        if a in _CONFIGURE_VALUE and i + 1 < len(args):
            if a == "-B":
                build = args[i + 1]
            elif a == "-S":
                source = args[i + 1]
            i += 2
            continue
        if a.startswith("-B") and len(a) > 2:
            build = a[2:]
        elif a.startswith("-S") and len(a) > 2:
            source = a[2:]
        elif not a.startswith("-"):
            positional.append(a)
        i += 1
    if meson:
        build = build or (positional[0] if positional else ".")
    where = abspath(expand(build or ".", env, "x"), cwd)
    source = source or (positional[-1] if positional and not meson else None if meson else ".")
    info.cmake[where] = {"flags": " ".join(expand(f, env, "") for f in flags), "tool": "meson" if meson else "cmake",
                         "source": abspath(expand(source, env, "x"), cwd) if source else None}


def _built(a: "Analysis", info: "StageInfo", build_dir: str, path: str, line: int) -> BuiltFile | None:
    setup = info.cmake.get(build_dir)
    if setup is None:
        return None
    text = _cmakelists(a)
    settings = " ".join(_LINK_SETTING.findall(text or ""))
    flags = setup["flags"]
    static = bool(_STATIC.search(flags) or _STATIC.search(settings) or "-static" in env_flags(info))
    lang = "cpp" if text and _is_cxx(text) else "c"
    libc = dynamic_libc(info)
    tool = setup["tool"]  # the finding names the tool that configured the build, and its build file
    build_file = "meson.build" if tool == "meson" else "CMakeLists.txt"
    if static:
        linkage, why = "static", f"the build asks {tool} for -static"
    elif libc is None:
        return None
    else:
        linkage = libc
        why = (f"{tool} links dynamically unless told otherwise: neither the -D settings nor {build_file} pass "
               "-static" if text is not None else
               f"{tool} links dynamically by default, and {build_file} is not in the build context to say otherwise")
    needs = frozenset({"libstdc++.so.6", "libgcc_s.so.1"}) if lang == "cpp" and linkage != "static" and \
        "-static-libstdc++" not in flags + settings else frozenset()
    p = info.profile
    cxx = sorted(p.installed & CXX_TOOLCHAINS) or ([f"{info.image}'s own"] if p.gcc else [])
    unseen = (f"is built by {tool} from a project whose {build_file} is not in the build context, linked dynamically "
              f"({tool}'s default), in a stage with a C++ compiler ({', '.join(cxx)})") \
        if text is None and linkage != "static" and cxx else ""  # MI491: it may be C++ (kb/lint/cxxchecks.py)
    return BuiltFile(path=path, lang=lang, linkage=linkage, line=line, needs=needs, why=why, stage=info.index,
                     builder=info.image, builder_release=p.release, builder_glibc=p.glibc,
                     cxx_unseen=unseen)


def env_flags(info: "StageInfo") -> str:
    return info.env.get("LDFLAGS", "") + " " + info.env.get("CMAKE_EXE_LINKER_FLAGS", "")


def step(a: "Analysis", info: "StageInfo", argv: list[str], cwd: str, env: dict, line: int) -> BuiltFile | None:
    """A cmake, meson or ninja command: configure (remembered), build or install (a BuiltFile)."""
    prog = posixpath.basename(argv[0])
    args = argv[1:]
    if prog == "ninja":
        where = cwd
        for i, x in enumerate(args[:-1]):
            if x == "-C":
                where = abspath(expand(args[i + 1], env, "x"), cwd)
        goals = [x for x in args if not x.startswith("-") and x not in ("-C",)]
        return build_or_install(a, info, where, goals, line)
    if prog == "meson" and args[:1] in (["compile"], ["install"]):
        where = cwd
        for i, x in enumerate(args[:-1]):
            if x == "-C":
                where = abspath(expand(args[i + 1], env, "x"), cwd)
        return build_or_install(a, info, where, ["install"] if args[0] == "install" else [], line)
    if args[:1] == ["--build"] and len(args) > 1:
        return _built(a, info, abspath(expand(args[1], env, "x"), cwd), posixpath.join(
            abspath(expand(args[1], env, "x"), cwd), "*"), line)
    if args[:1] == ["--install"] and len(args) > 1:
        where = abspath(expand(args[1], env, "x"), cwd)
        prefix = None
        for i, x in enumerate(args[:-1]):
            if x == "--prefix":
                prefix = expand(args[i + 1], env, "x")
        return _installed(a, info, where, line, prefix, "")
    if prog in ("cmake", "meson") and not any(x in ("-E", "-P", "--version", "--help") for x in args[:1]):
        configure(info, argv, cwd, env)
    return None


def _installed(a: "Analysis", info: "StageInfo", where: str, line: int, prefix: str | None,
               destdir: str) -> BuiltFile | None:
    setup = info.cmake.get(where)
    if setup is None:
        return None
    if prefix is None:
        m = re.search(r"CMAKE_INSTALL_PREFIX(?::\w+)?=(\S+)|(?:^|\s)prefix=(\S+)", setup["flags"])
        prefix = (m.group(1) or m.group(2)) if m else "/usr/local"
    root = abspath(destdir, where) if destdir else "/"  # a relative DESTDIR is under the build directory
    return _built(a, info, where, posixpath.join(root, prefix.lstrip("/"), "bin", "*"), line)


def build_or_install(a: "Analysis", info: "StageInfo", where: str, goals: list[str], line: int,
                     overrides: dict | None = None) -> BuiltFile | None:
    """`make [install]` or `ninja [install]` in a directory a cmake or meson configure step set up."""
    if where not in info.cmake:
        return None
    if "install" in goals:
        return _installed(a, info, where, line, None, (overrides or {}).get("DESTDIR", ""))
    return _built(a, info, where, posixpath.join(where, "*"), line)


#: target_link_libraries words that are no library: scope keywords and the build-type selectors
_LINK_KEYWORDS = {"public", "private", "interface", "link_public", "link_private", "link_interface_libraries",
                  "debug", "optimized", "general"}
#: libraries the compiler links anyway (MI403's business) or that are not shared objects of their own
_LINK_IMPLIED = {"libstdc++", "libgcc-s", "libgcc", "libc"}


def linked_libraries(a: "Analysis", info: "StageInfo") -> dict[str, str]:
    """The system libraries (stem -> why) that the context's CMakeLists.txt links by name, where this stage ran cmake:
    the plain words of target_link_libraries (`resolv`, `-lssl`), as a `-l` flag would link them. Targets the file
    defines (add_library), imported targets (Foo::Bar), variables and paths are left out: lint cannot tell what
    they are. Read in one pass over the text, each call up to its `)`."""
    return linked_by_name(_cmakelists(a) or "") if info.cmake else {}


def linked_by_name(text: str) -> dict[str, str]:
    """linked_libraries of a CMakeLists.txt's text (also read for a program built outside the Dockerfile,
    kb/lint/cmakeprebuilt.py)."""
    lower = text.lower()
    calls, defined = [], set()
    for name, out in (("target_link_libraries", calls), ("add_library", None)):
        start = lower.find(name)
        while start >= 0:
            open_ = start + len(name)
            while open_ < len(text) and text[open_] in " \t":
                open_ += 1
            end = text.find(")", open_)
            if end < 0:
                break  # no call closes after this one: nothing further is a whole call
            if open_ < len(text) and text[open_] == "(" and end > 0 and (start == 0 or not (
                    lower[start - 1].isalnum() or lower[start - 1] == "_")) and not commented(text, start):
                words = [w for w in text[open_ + 1:end].split() if not w.startswith("#")]
                if out is None:
                    defined.update(words[:1])
                else:
                    out.append(words)
            start = lower.find(name, max(end, open_))
    needs: dict[str, str] = {}
    for words in calls:
        for word in words[1:]:
            bare = word[2:] if word.startswith("-l") else word
            if word.lower() in _LINK_KEYWORDS or bare in defined or bare.startswith("-") or not bare \
                    or any(c in bare for c in "$:/.<>\"'") or not all(c.isalnum() or c in "_+-" for c in bare):
                continue
            stem = lib_stem("lib" + bare)
            if stem not in _LINK_IMPLIED:
                needs.setdefault(stem, f"target_link_libraries({words[0]} ... {word}) in CMakeLists.txt")
    return needs
