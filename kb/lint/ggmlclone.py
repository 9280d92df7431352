"""A ggml project cloned with git and built in the stage (llama.cpp, whisper.cpp, stable-diffusion.cpp, ggml itself):
its build files are not in the build context, so kb/lint/cmake.py cannot read them, but the project is known by its
clone URL, and what it links by default is ggml's: OpenMP. ggml's CMakeLists.txt has option(GGML_OPENMP "ggml: use
OpenMP" ON), and llama.cpp's Makefile added -fopenmp unless GGML_NO_OPENMP (LLAMA_NO_OPENMP before the rename) was
set, from ggml-org/llama.cpp#7606 (June 2024) until the Makefile was dropped. So the program links the compiler's
OpenMP run-time: GCC's libgomp.so.1 (ggml-org/llama.cpp#7731, leejet/stable-diffusion.cpp#400) or, built with clang
(CC=clang, CMAKE_C_COMPILER=clang), LLVM's libomp.so.5 (fboulnois/llama-cpp-docker#8: "apt-get the correct OpenMP
library (libgomp1 for CUDA, libomp-16-dev for clang)"). A build that turns OpenMP off (GGML_NO_OPENMP=1,
-DGGML_OPENMP=OFF) links neither.
"""
from __future__ import annotations

import re

from ..lazyre import lazy

TYPE_CHECKING = False
if TYPE_CHECKING:
    from .stages import StageInfo

#: `git clone [options] URL [DIR]` of a ggml project, by the repository name at the end of its URL
_CLONE = lazy(r"\bgit\s+clone\b[^;&|\n]*?(\S*/(llama\.cpp|whisper\.cpp|stable-diffusion\.cpp|ggml)(?:\.git)?/?)"
              r"(?=[\s;&|)\\]|$)", re.I)
#: a build of it after the clone: make (or gmake) or cmake
_BUILD = lazy(r"(?:^|[\s;&|(/])(?:g?make|cmake)(?=\s|$)")
#: OpenMP turned off: the Makefile's GGML_NO_OPENMP / LLAMA_NO_OPENMP, CMake's GGML_OPENMP / LLAMA_OPENMP
_OFF = lazy(r"(?:\b|(?<=-D))(?:GGML|LLAMA)_NO_OPENMP\s*=\s*['\"]?(?!0\b)\w"
            r"|(?:\b|(?<=-D))(?:GGML|LLAMA)_OPENMP\s*[:=]\s*(?:BOOL\s*=\s*)?['\"]?(?:OFF|0|NO|FALSE)\b", re.I)
#: built with clang: CC/CXX or CMake's compiler variables naming it
_CLANG = lazy(r"(?:\b|(?<=-D))(?:CC|CXX|CMAKE_C_COMPILER|CMAKE_CXX_COMPILER)\s*=\s*['\"]?\S*clang", re.I)


def cloned_openmp(info: "StageInfo") -> list[tuple[str, str]]:
    """(library stem, why) of the OpenMP run-time a ggml project the stage clones and then builds links: libgomp with
    GCC, libomp with clang; [] when no such clone is built here or its build turns OpenMP off."""
    runs = sorted((r.line, info.texts.get(r.line) or r.command or " ".join(r.argv)) for r in info.stage.runs)
    env = " ".join(f"{k}={v}" for k, v in info.stage.env_dict().items())
    for i, (line, text) in enumerate(runs):
        m = _CLONE.search(text)
        if m is None:
            continue
        after = " ".join([text[m.end():], *(t for _ln, t in runs[i + 1:])])
        if not _BUILD.search(after) or _OFF.search(after) or _OFF.search(env):
            return []
        project = m.group(2)
        if _CLANG.search(after) or _CLANG.search(env):
            return [("libomp", f"LLVM's OpenMP run-time: {project}, cloned at line {line} and built with clang, "
                               "links it by ggml's default GGML_OPENMP")]
        return [("libgomp", f"GCC's OpenMP run-time: {project}, cloned at line {line} and built with gcc, links it "
                            "by ggml's default GGML_OPENMP")]
    return []
