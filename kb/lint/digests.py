"""MI419: a floating tag frozen by a digest, so the release it holds is not known (issue 9, digest-pinned images).

`gcr.io/distroless/cc:debug@sha256:...` is the image the tag named on the day the digest was taken: read as today's
tag it is Debian 13, but a digest taken before August 2025 is Debian 12. A digest only freezes a floating tag
(image_families' `floating`), at a date the Dockerfile does not say, so the final image may hold any release the tag
ever meant, older than today's. A glibc program built on another image than that one (a builder whose glibc may be
newer) may then need symbol versions the final image lacks (graft#175: GLIBC_2.39 not found on a distroless cc
digest of Debian 12 under a trixie builder). A digest on a tag that names its release (`-debian12`, `-bookworm`)
pins both, and a builder FROM the same reference and digest is the same image: neither is reported.

A floating builder frozen by a digest cannot move any more either: MI415's "after the next move" does not hold for
it (kb/lint/floating.py asks `frozen`).
"""
from __future__ import annotations

from ..detectors import detector
from ..model import LintRule
from .results import Hit

TYPE_CHECKING = False
if TYPE_CHECKING:
    from .stages import Analysis, StageInfo


def root_stage(a: "Analysis", index: int) -> "StageInfo":
    """The stage whose FROM names an image, reached from stage `index` through `FROM <stage>` chains."""
    info, seen = a.stages[index], set()
    while info.stage.base_stage is not None and info.index not in seen:
        seen.add(info.index)
        info = a.stages[info.stage.base_stage]
    return info


def frozen(a: "Analysis", index: int) -> bool:
    """Is stage `index` built on an image reference pinned by a digest (`name[:tag]@sha256:...`)?"""
    ref = root_stage(a, index).image or ""
    return "@" in ref and "$" not in ref


def _lineage(a: "Analysis", index: int):
    """Stage `index` and the stages it is built FROM."""
    seen: set[int] = set()
    i: int | None = index
    while i is not None and i not in seen:
        seen.add(i)
        yield a.stages[i]
        i = a.stages[i].stage.base_stage


def _builds_glibc(a: "Analysis", index: int) -> bool:
    """Does stage `index` (or a stage it is FROM) compile or link something on a glibc image?"""
    prof = a.stages[index].profile
    return prof.libc == "glibc" and any(info.compiles or any(f.linkage == "glibc" for f in info.files.values())
                                        for info in _lineage(a, index))


@detector("lint", "digest-frozen-floating-release")
def check_digest_frozen_floating(a: "Analysis", rule: LintRule):
    final = a.final
    prof = final.profile
    if not prof.known or prof.libc != "glibc" or not prof.floating or not frozen(a, final.index):
        return
    image = root_stage(a, final.index).image
    seen: set[int] = set()
    for info in _lineage(a, final.index):
        for cf in info.stage.copy_from:
            src = cf.stage_index
            if src is None or src in seen or not _builds_glibc(a, src):
                continue
            seen.add(src)
            builder = root_stage(a, src).image
            if builder == image:
                continue  # one reference and digest in both stages: the same image
            bprof = a.stages[src].profile
            yield Hit(cf.line, {
                "stage": a.stages[src].stage.name or str(src), "builder": builder, "image": image,
                "builder_release": f"{bprof.release}, glibc {bprof.glibc}" if bprof.glibc else "glibc, release unknown",
                "image_release": f"{prof.release}, glibc {prof.glibc}" if prof.glibc else prof.release or "?",
                "floating": prof.floating})
