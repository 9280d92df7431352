"""MI427: a program built on one Alpine release runs on another, whose packages of the libraries it links are other
versions.

Alpine moves a library's soname or symbols between releases (libffi.so.6 in Alpine 3.11, libffi.so.8 from 3.15; Boost
and libevent with their versions), and musl loads no other soname than the one a program was linked against. A
stage that compiles against its -dev packages and a final stage that installs the same libraries from another
release (or from a floating `alpine`, which has moved since) gives "Error loading shared library libffi.so.6" or
"Error relocating ...: symbol not found" (egallesio/STklos#309: alpine:3.11 into alpine:latest;
ruimarinho/docker-bitcoin-core#100: alpine:3.9 into alpine; livepeer/stream-tester#154: a cgo Go build against
ffmpeg-dev on golang:1.15-alpine, whose last build was Alpine 3.14, into alpine). Both pinned to one release run. Said only where both
releases are read from the references and at least one differs or floats, the copy brings code that is not all
static, and the final stage installs a library the build stage had a -dev package of.
"""
from __future__ import annotations

from ..detectors import detector
from ..model import LintRule
from .profiles import alpine_release
from .results import Hit

TYPE_CHECKING = False
if TYPE_CHECKING:
    from .stages import Analysis


@detector("lint", "alpine-release-skew")
def check_alpine_skew(a: "Analysis", rule: LintRule):
    from .apknames import has_library, linked_by
    from .libraries import _final_copies
    from .runtime import libraries

    final = a.final
    runs = alpine_release(final.image or "") if final.profile.libc == "musl" else None
    if runs is None or not final.profile.installed:
        return
    libs = libraries(a.kb)
    done = set()
    for cf in _final_copies(a):
        src = a.stages[cf.stage_index] if cf.stage_index is not None else None
        if src is None or src.index in done or src.profile.libc != "musl":
            continue
        built = alpine_release(src.image or "")
        if built == "floating" and src.profile.source.startswith("family") and \
                (src.profile.release or "").startswith("alpine"):  # a family's tag pattern pinned it:
            built = src.profile.release[len("alpine"):]  # a retired golang:1.N-alpine, its last build's Alpine
        if built is None or built == runs or built == "floating" == runs:
            continue
        arrived = [art for art, line, _s in final.arrivals if line == cf.line]
        if not any(not what.startswith(("pip", "npm", "yarn", "pnpm", "cargo", "go ")) for _l, what in src.compiles) \
                and not any(art.lang == "go" and art.linkage == "musl" for art in arrived):
            continue  # a C compiler, make, cmake, or a cgo Go build: what pip, npm or cargo build is another rule's
        if arrived and all(art.linkage == "static" for art in arrived):
            continue
        dev = {stem for _line, pkgs in src.apk_adds for p in pkgs if (stem := linked_by(libs, p.split("=")[0], True))}
        shared = sorted(stem for stem in dev if any(has_library(libs, p, stem, True) for p in final.profile.installed))
        if shared:
            done.add(src.index)
            yield Hit(cf.line, {"image": final.image, "runs": _said(runs), "builder": src.image,
                                "built": _said(built), "libs": ", ".join(libs.file_stem(s) for s in shared)})


def _said(release: str) -> str:
    return "a floating Alpine release" if release == "floating" else f"Alpine {release}"
