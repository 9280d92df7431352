"""A ggml project cloned with git and built in the stage (llama.cpp, whisper.cpp, stable-diffusion.cpp, ggml itself):
its build files are not in the build context, so kb/lint/cmake.py cannot read them, but the project is known by its
clone URL, and what it links by default is ggml's: OpenMP. ggml's CMakeLists.txt has option(GGML_OPENMP "ggml: use
OpenMP" ON), and llama.cpp's Makefile added -fopenmp unless GGML_NO_OPENMP (LLAMA_NO_OPENMP before the rename) was
set, from ggml-org/llama.cpp#7606 (June 2024) until the Makefile was dropped. So the program links the compiler's
OpenMP run-time: GCC's libgomp.so.1 (ggml-org/llama.cpp#7731, leejet/stable-diffusion.cpp#400) or, built with clang
(CC=clang, CMAKE_C_COMPILER=clang), LLVM's libomp.so.5 (fboulnois/llama-cpp-docker#8: "apt-get the correct OpenMP
library (libgomp1 for CUDA, libomp-16-dev for clang)"). A build that turns OpenMP off (GGML_NO_OPENMP=1,
-DGGML_OPENMP=OFF) links neither. The same for a project of _OPENMP_SOURCES built from its source archive (vid.stab).
"""
from __future__ import annotations

import re

from ..lazyre import lazy

TYPE_CHECKING = False
if TYPE_CHECKING:
    from .stages import StageInfo

#: each simple command's text (cut at ;, &, | and newlines), a `git clone` in it, and a ggml project's URL as one
#: of its words (fullmatch on a word: a pattern scanning on from every `git clone` to a URL is quadratic)
_COMMAND = lazy(r"[^;&|\n]+")
_CLONE = lazy(r"\bgit\s+clone\b", re.I)
_WORD = lazy(r"\S+")
_PROJECT = lazy(r"\S*/(llama\.cpp|whisper\.cpp|stable-diffusion\.cpp|ggml)(?:\.git)?/?", re.I)
#: a build of it after the clone: make (or gmake) or cmake
_BUILD = lazy(r"(?:^|[\s;&|(/])(?:g?make|cmake)(?=\s|$)")
#: OpenMP turned off: the Makefile's GGML_NO_OPENMP / LLAMA_NO_OPENMP, CMake's GGML_OPENMP / LLAMA_OPENMP
_OFF = lazy(r"(?:\b|(?<=-D))(?:GGML|LLAMA)_NO_OPENMP\s*=\s*['\"]?(?!0\b)\w"
            r"|(?:\b|(?<=-D))(?:GGML|LLAMA)_OPENMP\s*[:=]\s*(?:BOOL\s*=\s*)?['\"]?(?:OFF|0|NO|FALSE)\b", re.I)
#: CC/CXX or CMake's compiler variables and the word they are set to (clang when it names clang)
_COMPILER = lazy(r"(?:\b|(?<=-D))(?:CC|CXX|CMAKE_C_COMPILER|CMAKE_CXX_COMPILER)\s*=\s*['\"]?(\S+)", re.I)


def _clone_of(text: str) -> tuple[str, int] | None:
    """(ggml project, offset just after its URL) of the first `git clone` of one in `text`; linear in its length."""
    for command in _COMMAND.finditer(text):
        clone = _CLONE.search(command.group())
        if clone is None:
            continue
        for word in _WORD.finditer(command.group(), clone.end()):
            project = _PROJECT.fullmatch(word.group().rstrip(")\\"))
            if project:
                return project.group(1), command.start() + word.end()
    return None


def _clang(text: str) -> bool:
    return any("clang" in m.group(1).lower() for m in _COMPILER.finditer(text))


#: projects built from their source archives that link the compiler's OpenMP run-time by default, with the CMake option
#: that turns it off: vid.stab's CMakeLists.txt has option(USE_OMP "use parallelization over OMP" ON)
#: (github.com/georgmartius/vid.stab/blob/master/CMakeLists.txt), so ffmpeg built --enable-libvidstab against it needs
#: libgomp.so.1 at run time (jrottenberg/ffmpeg#56)
_OPENMP_SOURCES = {"vid.stab": "USE_OMP"}


def _source_project(text: str) -> tuple[str, int] | None:
    """(project, offset after the word) of the first word of `text` naming one of _OPENMP_SOURCES as a path
    component (/tmp/vid.stab, .../vid.stab/archive/v1.1.0.tar.gz, vid.stab-1.1.0); linear in the text's length."""
    for word in _WORD.finditer(text):
        for part in word.group().split("/"):
            name = part.split("=")[-1]
            for project in _OPENMP_SOURCES:
                if name == project or name.startswith((project + "-", project + ".git")):
                    return project, word.end()
    return None


def _off(option: str, text: str) -> bool:
    """-DOPTION=OFF (or -DOPTION:BOOL=OFF; 0, NO, FALSE) in `text`; each occurrence looked at over a few characters."""
    key = "-D" + option
    at = text.find(key)
    while at >= 0:
        rest = text[at + len(key):at + len(key) + 24].split(None, 1)
        value = rest[0] if rest else ""
        if "=" in value and value.split("=", 1)[1].strip("'\"").upper() in ("OFF", "0", "NO", "FALSE"):
            return True
        at = text.find(key, at + 1)
    return False


def source_openmp(info: "StageInfo") -> list[tuple[str, str]]:
    """(library stem, why) of the OpenMP run-time a project of _OPENMP_SOURCES the stage builds from its source links;
    [] when none is built here or its build turns OpenMP off."""
    for run in sorted(info.stage.runs, key=lambda r: r.line):
        text = info.texts.get(run.line) or run.command or " ".join(run.argv)
        found = _source_project(text)
        if found is None:
            continue
        project, end = found
        after = text[end:]
        if not _BUILD.search(after) or _off(_OPENMP_SOURCES[project], after):
            continue
        if _clang(after):
            return [("libomp", f"LLVM's OpenMP run-time: {project}, built at line {run.line} with clang, links it by "
                               f"its default {_OPENMP_SOURCES[project]}=ON")]
        return [("libgomp", f"GCC's OpenMP run-time: {project}, built at line {run.line}, links it by its default "
                            f"{_OPENMP_SOURCES[project]}=ON")]
    return []


def cloned_openmp(info: "StageInfo") -> list[tuple[str, str]]:
    """(library stem, why) of the OpenMP run-time a ggml project the stage clones and then builds links: libgomp with
    GCC, libomp with clang; [] when no such clone is built here or its build turns OpenMP off."""
    runs = sorted((r.line, info.texts.get(r.line) or r.command or " ".join(r.argv)) for r in info.stage.runs)
    env = " ".join(f"{k}={v}" for k, v in info.stage.env_dict().items())
    for i, (line, text) in enumerate(runs):
        found = _clone_of(text)
        if found is None:
            continue
        project, end = found
        after = " ".join([text[end:], *(t for _ln, t in runs[i + 1:])])
        if not _BUILD.search(after) or _OFF.search(after) or _OFF.search(env):
            return []
        if _clang(after) or _clang(env):
            return [("libomp", f"LLVM's OpenMP run-time: {project}, cloned at line {line} and built with clang, "
                               "links it by ggml's default GGML_OPENMP")]
        return [("libgomp", f"GCC's OpenMP run-time: {project}, cloned at line {line} and built with gcc, links it "
                            "by ggml's default GGML_OPENMP")]
    return []
