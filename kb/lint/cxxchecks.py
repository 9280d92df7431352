"""MI491: a program that may link C++ goes to a final image without libstdc++.so.6 or libgcc_s.so.1, and lint
cannot see whether it does: a Go build with cgo on whose go.mod lists a module that links C++ (kb/lint/cxxlink.py),
or a cmake or meson build of a project whose build file is not in the build context (a cloned project), in a stage
with a C++ compiler (kb/lint/cmake.py). What it cannot tell, as a warning; MI403 (kb/lint/checks.py) is the error
for what lint sees."""
from __future__ import annotations

from ..detectors import detector
from ..model import LintRule
from .checks import _describe, _final_arrivals
from .cxxlink import CXX_ORDER, CXX_RUNTIME, have_cxx_runtime
from .results import Hit
from .runtime import libraries

TYPE_CHECKING = False
if TYPE_CHECKING:
    from .builds import BuiltFile
    from .stages import Analysis


def _cannot_tell(a: "Analysis", art: "BuiltFile") -> str:
    if art.lang != "go":
        return "lint cannot tell whether the project compiles C++"
    if not art.go_target or "$" in art.go_target:
        return "lint cannot tell which package the build names"
    return (f"lint cannot tell whether {art.go_target} reaches it: not all of the source its imports lead to is in the "
            "build context")


@detector("lint", "cpp-runtime-unverified")
def check_cxx_unverified(a: "Analysis", rule: LintRule):
    """MI491: a program that may link C++, into a final image without libstdc++.so.6 or libgcc_s.so.1, when lint
    cannot see whether it does: a cgo build of a Go module whose go.mod lists a module that links C++, or a cmake or
    meson build of a project whose build file is not in the build context, in a stage with a C++ compiler."""
    prof = a.final.profile
    if not prof.known:
        return
    have = have_cxx_runtime(prof, libraries(a.kb))
    for art, line in _final_arrivals(a, built_here=True):
        if not art.cxx_unseen or art.linkage != prof.libc or CXX_RUNTIME <= art.needs:
            continue
        missing = [lib for lib in CXX_ORDER if not have[lib]]
        if missing:
            symptom = (f"Error loading shared library {missing[0]}: No such file or directory" if prof.libc == "musl"
                       else f"error while loading shared libraries: {missing[0]}: cannot open shared object file")
            evidence = f"is built with cgo on ({art.why}), and {art.cxx_unseen}" if art.lang == "go" else art.cxx_unseen
            what = _describe(art) if art.lang == "go" else (
                f"each program in {art.path[:-2]}" if art.path.endswith("/*") else f"the program {art.path}")
            yield Hit(line, {"what": what, "evidence": evidence, "symptom": symptom,
                             "missing": " and ".join(missing), "image": a.final.image,
                             "unseen": _cannot_tell(a, art)},
                      ("go" if art.lang == "go" else "cpp") + ("_musl" if prof.libc == "musl" else ""))
