"""A build that links LLVM's C++ standard library, libc++, instead of GCC's libstdc++ (MI412).

clang++ links libstdc++ by default on Debian, Ubuntu and Alpine; it links libc++ when told: `-stdlib=libc++` (in
CXXFLAGS, LDFLAGS, CMAKE_CXX_FLAGS ...), `-lc++` (LIBS="-lc++" to a configure script), or CMake's
LLVM_ENABLE_LIBCXX=ON. Installing libc++-dev alone says nothing (a clang toolchain often brings it: the `headers-only`
entry of knowledge/native-libraries.yaml), so the link is taken from what the stage's RUN lines, its ENV and the
build files of the context it runs (Makefile.in and configure.ac for ./configure, the Makefile for make,
CMakeLists.txt, meson.build) say. The program then needs libc++.so.1 at run time, and on Debian libc++abi.so.1 and
libunwind.so.1 too: Debian 12's libc++.so is the linker script `INPUT(libc++.so.1 -lunwind -lc++abi)`, and
libc++1 depends on libc++abi1 and libunwind (apt-cache depends libc++1-14). Checked with clang 14 on Debian 12: a C
program linked with -lc++, or C++ built with -stdlib=libc++, needs libc++.so.1, libunwind.so.1 and libc++abi.so.1,
and in an empty root without them fails with "error while loading shared libraries: libc++.so.1: cannot open shared
object file" (lexiforest/curl-impersonate#143). Alpine ships the library in its libc++ package. Linked from the
archive (-static-libstdc++, libc++.a, -l:libc++.a) nothing is needed.
"""
from __future__ import annotations

from ..lazyre import lazy

# `Analysis` and `StageInfo` in annotations are kb.lint's classes: named, never imported

#: what asks for libc++: -stdlib=libc++ (also --stdlib), -lc++ as a word, LLVM_ENABLE_LIBCXX set on
_LINKS = lazy(r"-?-stdlib=libc\+\+|(?<![\w-])-lc\+\+(?![\w+-])|LLVM_ENABLE_LIBCXX(?::BOOL)?=(?:ON|TRUE|1|YES)\b")
#: libc++ linked from its archive
_STATIC = lazy(r"-static-libstdc\+\+|libc\+\+\.a\b")
#: the development packages that let the link succeed (Debian's libc++-dev and libc++-NN-dev, Alpine's libc++-dev)
_DEV = ("libc++-dev", "libc++-")
#: build files read for a stage that runs the tool
_FILES = {"configure": ("Makefile.in", "configure.ac", "configure.in"), "make": ("Makefile", "GNUmakefile", "Makefile.in"),
          "cmake": ("CMakeLists.txt",), "meson": ("meson.build",)}


def _installed(info: "StageInfo") -> bool:
    return any(p.startswith(_DEV) and p.endswith("-dev") for p in info.profile.installed)


def _context_text(a: "Analysis", rel: str) -> str | None:
    key = ("libcxx-file", a.context_dir, rel)
    if key not in a.context_cache:
        from ..evidence.errors import read_project_file

        a.context_cache[key] = read_project_file(a.context_dir, rel) if a.context_dir else None
    return a.context_cache[key]


def _shown(text: str, where: str, numbered: bool) -> str | None:
    m = _LINKS.search(text)
    if m is None:
        return None
    return f"{m.group(0)} in {where}" + (f" at line {text.count(chr(10), 0, m.start()) + 1}" if numbered else "")


def libcxx_link(a: "Analysis", info: "StageInfo") -> str | None:
    """What shows that stage `info` links libc++ dynamically ('-lc++ in Makefile.in at line 350'), or None."""
    if not info.compiles or not _installed(info):
        return None
    texts = [(info.texts.get(run.line) or run.command or " ".join(run.argv), f"the RUN at line {run.line}", False)
             for run in info.stage.runs]
    texts += [(f"{k}={v}", f"ENV {k}", False) for k, v in info.env.items() if "c++" in v]
    if info.context_dirs:
        tools = {what.lstrip("./") for _line, what in info.compiles} | {s.get("tool") for s in info.cmake.values()}
        for tool, names in _FILES.items():
            if tool in tools:
                texts += [(t, rel, True) for rel in names if (t := _context_text(a, rel)) is not None]
    if any(_STATIC.search(t) for t, _w, _n in texts):
        return None
    return next((s for t, where, numbered in texts if (s := _shown(t, where, numbered))), None)


def libcxx_needs(a: "Analysis", info: "StageInfo", needs: dict[str, str]) -> dict[str, str]:
    """`needs` with libc++ added when the stage's build links it."""
    if "libc++" in needs:
        return needs
    shown = libcxx_link(a, info)
    if shown is None:
        return needs
    also = "" if info.profile.libc == "musl" else ", with libc++abi.so.1 and libunwind.so.1 (Debian's libc++.so " \
        "links all three)"
    return {"libc++": f"{shown} links LLVM's libc++: libc++.so.1{also}", **needs}
