"""A library the final image has, but at another soname than the build linked (MI450): OpenSSL is libssl.so.1.1 on
Debian 9-11, Ubuntu 20.04 and EL8, libssl.so.3 from Debian 12, Ubuntu 22.04 and EL9 on (`openssl:` of each release
in knowledge/releases.yaml). A program built on one side of that line and run on the other fails to load, with the
library "there": "libssl.so.3: cannot open shared object file" on a bullseye image, "libssl.so.1.1: ..." on a
bookworm one. MI412 says when the library is missing altogether; MI404 when the glibc is older; this says which
library, and why, when the two releases differ.
"""
from __future__ import annotations

from ..detectors import detector
from ..model import LintRule
from .cargoroot import cargo_context
from .context import cargo_dependencies, cargo_lock
from .libraries import _brings_code, _copied_libs, _final_copies, stage_needs
from .results import Hit
from .runtime import libraries

TYPE_CHECKING = False
if TYPE_CHECKING:
    from .stages import Analysis


def _lineage(a: "Analysis") -> set[int]:
    out, i = set(), a.final.index
    while i is not None:
        out.add(i)
        i = a.stages[i].stage.base_stage
    return out


def _openssl(a: "Analysis", release: str | None) -> str | None:
    return a.kb.releases.get(release or "", {}).get("openssl")


def _newer_release(a: "Analysis", built: str | None, runs: str | None) -> tuple[str, str] | None:
    """(the build's OpenSSL release, the final image's) when both have one soname but the build's release is newer
    (`openssl_release` in releases.yaml: 1.1.1 on Debian 10, 1.1.0 on Debian 9)."""
    from ..versions import parse_version  # a user's rule file may write any text there: never int() it

    releases = a.kb.releases
    mine, theirs = (releases.get(r or "", {}).get("openssl_release") for r in (built, runs))
    if mine and theirs and parse_version(mine) > parse_version(theirs) > parse_version(""):
        return mine, theirs
    return None


@detector("lint", "library-soname-differs-between-releases")
def check_soname(a: "Analysis", rule: LintRule):
    final = a.final
    prof = final.profile
    run_version = _openssl(a, prof.release) if prof.known and prof.libc == "glibc" else None
    if not run_version or "libs-bundle" in prof.provided:
        return
    libs = libraries(a.kb)
    if prof.libs is not None and "libssl" not in prof.libs \
            and not any(libs.ships(p, "libssl") for p in prof.installed):
        return  # no OpenSSL at all in the final image: MI412's
    # EL9's compat-openssl11 brings libssl.so.1.1 back beside OpenSSL 3
    also = {"1.1"} if a.kb.releases[prof.release].get("openssl11_package") in prof.installed else set()
    lineage, done = _lineage(a), set()
    copies = _final_copies(a)  # a stage the final one is built FROM may hold the COPY (`FROM base AS rootless`)
    arrivals = [x for i in lineage for x in a.stages[i].arrivals]
    for cf in copies:
        idx = cf.stage_index
        if idx is None or idx in done or idx in lineage:
            continue
        src = a.stages[idx]
        build_version = _openssl(a, src.profile.release) if src.profile.libc == "glibc" else None
        newer = build_version == run_version and _newer_release(a, src.profile.release, prof.release)
        if not build_version or (build_version == run_version and not newer) or build_version in also \
                or not _brings_code(a, cf.line, cf.sources, src):
            continue
        done.add(idx)
        if _copied_libs(final, idx, copies)[0]:
            continue  # the library directory comes along
        where = cargo_context(a, src)  # the Cargo project the stage builds (kb/lint/cargoroot.py)
        why = stage_needs(libs, src, lambda: cargo_lock(where), manifest=lambda: cargo_dependencies(where)).get("libssl")
        if why:
            programs = [ln for _art, ln, s in arrivals if s == idx]  # the COPY of the program, if lint saw it
            values = {"image": final.image, "run_release": prof.release, "run_version": run_version,
                      "run_soname": f"libssl.so.{run_version}", "builder": src.image,
                      "build_release": src.profile.release, "build_links": f"libssl.so.{build_version}", "why": why,
                      "expect": f'"libssl.so.{build_version}: cannot open shared object file"'}
            if newer:  # one soname, two OpenSSL releases: what 1.1.1 added is not in 1.1.0
                version = newer[0].replace(".", "_")
                values.update(run_version=newer[1], build_links=f"OpenSSL {newer[0]}'s libssl.so.{build_version}",
                              expect=f'"version \'OPENSSL_{version}\' not found" where it calls a function '
                                     f"{newer[0]} added")
            yield Hit(min(programs) if programs else cf.line, values)
