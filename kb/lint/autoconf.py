"""What an autotools build's configure.ac (or configure.in) links, as MI412's evidence (kb/lint/linkevidence.py).

A stage that runs `./configure` builds what the context's configure.ac probes: `PKG_CHECK_MODULES([VAR], [gnutls
libconfuse >= 3.0])` adds the modules' libraries to the program's link (pkg.m4's `VAR_LIBS`), `AC_CHECK_LIB([confuse],
[cfg_init])` adds -lconfuse to LIBS when found, and `AC_SEARCH_LIBS([func], [a b])` the first of those libraries that
has it (the autoconf manual, "Libraries"; pkg-config's pkg.m4). Module names are pkg-config's (gnutls, libconfuse),
read as libraries as linkevidence reads CMake's. Each macro's arguments are split at the commas outside `[...]` and
`(...)`, and the reading goes on after the macro: linear in the text, each macro bounded.
"""
from __future__ import annotations

# `StageInfo` in annotations is kb.lint.stages' class: named, never imported

_MACROS = ("PKG_CHECK_MODULES", "PKG_CHECK_MODULES_STATIC", "AC_CHECK_LIB", "AC_SEARCH_LIBS")
MAX_ARGS_CHARS = 4096  # a macro's arguments longer than this are not read (they hold whole shell programs)
_OPERATORS = {">=", "<=", "=", ">", "<", "!="}


def _arguments(text: str, open_: int) -> tuple[list[str], int]:
    """The macro arguments after the `(` at `open_` (outer quotes `[...]` stripped) and where they end."""
    args, depth, start, i, end = [], 0, open_ + 1, open_ + 1, min(len(text), open_ + MAX_ARGS_CHARS)
    while i < end:
        c = text[i]
        if c in "[(":
            depth += 1
        elif c in "])":
            if depth == 0:  # the macro's own `)`
                args.append(text[start:i])
                return [a.strip().removeprefix("[").removesuffix("]").strip() for a in args], i + 1
            depth -= 1
        elif c == "," and depth == 0:
            args.append(text[start:i])
            start = i + 1
        i += 1
    return [], end


def configure_names(text: str) -> dict[str, str]:
    """Every library name configure.ac's link probes ask for (name as written -> the macro, shortened)."""
    out: dict[str, str] = {}
    for macro in _MACROS:
        at = text.find(macro + "(")
        while at >= 0:
            if at and (text[at - 1].isalnum() or text[at - 1] == "_"):
                at = text.find(macro + "(", at + len(macro))
                continue
            args, end = _arguments(text, at + len(macro))
            if macro.startswith("PKG"):
                names = [w for w in (args[1] if len(args) > 1 else "").split()
                         if w not in _OPERATORS and w[:1].isalpha()]
            elif macro == "AC_CHECK_LIB":
                names = args[:1]
            else:
                names = (args[1] if len(args) > 1 else "").split()
            for name in names:
                if name[:1].isalpha() and "$" not in name:
                    out.setdefault(name, f"{macro}({', '.join(args[:2])})")
            at = text.find(macro + "(", max(end, at + len(macro)))
    return out


def runs_configure(info: "StageInfo") -> bool:
    """Does a RUN step of the stage run a configure script (./configure, ../configure, sh configure)?"""
    return any(w == "configure" or w.endswith("/configure")
               for run in info.stage.runs for w in (run.command or " ".join(run.argv)).replace(";", " ").split())


def configure_openmp(a, info: "StageInfo") -> str | None:
    """Why what this stage builds with ./configure links GCC's OpenMP runtime (libgomp.so.1), or None: the context's
    configure.ac calls AC_OPENMP, which puts -fopenmp into OPENMP_CFLAGS/OPENMP_CXXFLAGS where the compiler takes it
    (the autoconf manual, "Generic Compiler Characteristics"; bcgsc/abyss#176: libgomp.so.1 gone with g++)."""
    if not a.context_dir or not runs_configure(info):
        return None
    from ..evidence.errors import read_project_file

    for name in ("configure.ac", "configure.in"):
        text = read_project_file(a.context_dir, name) or ""
        at = text.find("AC_OPENMP")
        while at >= 0:
            after = text[at + 9:at + 10]
            if not (at and (text[at - 1].isalnum() or text[at - 1] == "_")) and not (after.isalnum() or after == "_"):
                return f"AC_OPENMP in {name}"
            at = text.find("AC_OPENMP", at + 9)
    return None


def build_openmp(a, info: "StageInfo") -> str | None:
    """Why the stage's cmake or ./configure build links libgomp (kb/lint/cmake.py's openmp, configure_openmp), or
    None; kb/lint/cmake.py, whose patterns are compiled at import, is imported only for a stage that ran cmake."""
    if not info.cmake:
        return configure_openmp(a, info)
    from .cmake import openmp

    return openmp(a, info)
