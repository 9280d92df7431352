"""A C or C++ program that embeds Python links libpython3.X.so.1.0 (MI412).

Python's development files serve two kinds of builds: extension modules, which leave libpython to the interpreter
that imports them, and programs that embed the interpreter, which link the shared libpython. Only the second needs
the library in the final image, so the -dev package alone (python3-dev, headers-only in knowledge/native-packages.yaml)
is no evidence. The evidence lint reads, where the stage builds:

- the context's CMakeLists.txt links `${Python_LIBRARIES}`, `${Python3_LIBRARIES}`, `${PYTHON_LIBRARIES}` (FindPython,
  FindPython3, FindPythonLibs), the imported target `Python::Python` / `Python3::Python`, or `pybind11::embed`, in a
  target_link_libraries call (`Python::Module` is the extension-module target: no libpython);
- its meson.build asks for `dependency('python3-embed')` or a Python dependency with `embed: true`;
- a RUN line of the stage links it by hand: `python3-config --ldflags --embed`, `pkg-config ... python3-embed`,
  `-lpython3.X`.

Where the library comes from is per distribution (knowledge/native-libraries.yaml, entry libpython): Debian's and
Ubuntu's python3 does not bring it (libpython3.X does, and python3-dev through libpython3.X-dev), Alpine's python3
does, and the official python images have it in /usr/local/lib. Everything here is read in one pass per text.
"""
from __future__ import annotations

from ..lazyre import lazy

# `Analysis` and `StageInfo` in annotations are kb.lint.stages' classes: named, never imported

#: what a target_link_libraries word that links the shared libpython looks like
_CMAKE_WORDS = ("${python_libraries}", "${python3_libraries}", "${python_library}", "${python3_library}",
                "${python_libraries_release}", "python::python", "python3::python", "pybind11::embed")
_MESON = lazy(r"""dependency\s*\(\s*['"]python3?-embed['"]|\bembed\s*:\s*true\b""")
_RUN = lazy(r"python3?(?:\.\d{1,2})?-config\b[^;&|\n]{0,200}?--embed\b|\bpython-?3(?:\.\d{1,2})?-embed\b"
                  r"|(?<![\w-])-lpython3(?:\.\d{1,2})?(?![\w.])")


def _cmake_link(text: str) -> str | None:
    """The first target_link_libraries word of `text` that links libpython, with its target, or None. Each call is
    read up to its `)`, and the search goes on after it: linear in the text."""
    lower = text.lower()
    name = "target_link_libraries"
    start = lower.find(name)
    while start >= 0:
        open_ = start + len(name)
        end = lower.find(")", open_)
        if end < 0:
            return None
        body = lower[open_:end].lstrip(" \t")
        if body.startswith("("):
            words = body[1:].split()
            for word in words[1:]:
                if word in _CMAKE_WORDS:
                    original = text[open_:end].split()
                    shown = next((w for w in original if w.lower() == word), word)
                    return f"target_link_libraries({words[0]} ... {shown}) in CMakeLists.txt"
        start = lower.find(name, end)
    return None


def embeds_python(a: "Analysis", info: "StageInfo") -> str | None:
    """Why what stage `info` builds links the shared libpython, or None when nothing it shows says so."""
    if not info.compiles and not info.cmake:
        return None
    if info.cmake:
        from .cmake import _cmakelists

        text = _cmakelists(a) or ""
        if "meson" in {s.get("tool") for s in info.cmake.values()}:
            m = _MESON.search(text)
            if m is not None:
                return f"{m.group(0).strip()} in meson.build"
        else:
            why = _cmake_link(text) if "target_link_libraries" in text.lower() else None
            if why:
                return why
    for run in info.stage.runs:
        text = info.texts.get(run.line) or run.command or " ".join(run.argv)
        m = _RUN.search(text)
        if m is not None:
            return f"`{m.group(0).strip()}` at line {run.line}"
    return None


def python_version(a: "Analysis", info: "StageInfo") -> str | None:
    """The Python X.Y the build stage links: a Python image's own (its tag: python:3.12-bookworm), else its
    release's python3 package (releases.yaml: 3.8 on Ubuntu 20.04); None when neither says (python:3)."""
    from .pyversion import python_minor

    tagged = python_minor(a, info.index)
    if tagged is not None:
        return tagged[0]
    if "python" in (info.profile.ref or "").lower():
        return None  # a Python image whose tag names no minor: its Python is not the release's python3
    return a.kb.releases.get(info.profile.release or "", {}).get("python3")


def libpython_soname(a: "Analysis", info: "StageInfo") -> str:
    """libpython3.X.so.1.0 for the Python the build stage links, else libpython3.X.so.1.0 as a pattern."""
    version = python_version(a, info)
    return f"libpython{version}.so.1.0" if version else "libpython3.X.so.1.0"
