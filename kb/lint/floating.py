"""MI415: when a floating tag can really part a glibc program from the glibc it was linked against.

A tag that names no release (rust:1, debian, gcr.io/distroless/base) moves to each new Debian release, and only
forward. A program linked on the builder runs on any final image whose glibc is at least the builder's (glibc keeps
every older symbol version), so the move that breaks it is the builder's: a floating builder moving past a final
image that stays. It cannot happen when
  - the builder's release is pinned and only the final image floats: the final image only gets newer;
  - the builder's floating tag is frozen by a digest (name:tag@sha256:...): it moves no more (MI419 is about a
    frozen final image, whose release is then not known);
  - both stages are FROM one and the same reference (debian and debian, debian:${V} and debian:${V}): one build
    pulls it once, so both stages always hold the same release.
A version tag that was superseded before the last move and is no longer rebuilt (rust:1.89 on trixie) is pinned by
the `release_by_tag` patterns of image-families.yaml, not here.
"""
from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from .profiles import Profile
    from .stages import Analysis


def _root_ref(a: "Analysis", index: int) -> str:
    """The image reference stage `index` is built on, through `FROM <stage>` chains, normalised with its tag."""
    from .profiles import _with_tag, normalise_ref

    info, seen = a.stages[index], set()
    while info.stage.base_stage is not None and info.index not in seen:
        seen.add(info.index)
        info = a.stages[info.stage.base_stage]
    ref = info.image or ""
    return _with_tag(normalise_ref(ref)) if ref and "$" not in ref else ""


def moves_apart(a: "Analysis", builder: int, bprof: "Profile", prof: "Profile") -> bool:
    """Can the release of builder stage `builder` (profile `bprof`) move past the final image's (`prof`)?"""
    from .digests import frozen

    if not bprof.floating or frozen(a, builder):
        return False  # pinned builder (a floating final image only moves to newer glibcs), or frozen by a digest
    ref = _root_ref(a, builder)
    return not ref or ref != _root_ref(a, a.final.index)
