"""MI402 for the Dockerfile's own Go builds (kb/lint/checks.py) and for a Go program built on the host and copied
prebuilt from the build context (kb/lint/prebuilt.py, kb/lint/hostbuild.py): the host's build leaves CGO_ENABLED
to its default, cgo is on wherever a C compiler is, and a program that imports net, os/user, plugin or C then links
the host's glibc dynamically, which the final image lacks. The host is not visible, so this is a warning that says
what it depends on, never MI401's error.

On Alpine, libc6-compat and gcompat do not make such a program safe. libc6-compat (a subpackage of aports'
main/musl) only links the glibc loader's name (ld-linux-x86-64.so.2, and /lib64 to /lib "for go precompiled
binaries") and libc.so.6, libm.so.6, libpthread.so.0, librt.so.1, libcrypt.so.1 and libutil.so.1 to musl's own
library; gcompat adds "glibc-compatible APIs" to musl and a loader stub, but glibc's internals leak into a binary
built against it (its README), so glibc-only symbols (__vfprintf_chk and the other _FORTIFY_SOURCE functions,
__res_init) and the C++ run time a cgo dependency links (libstdc++.so.6, libgcc_s.so.1) still fail with "Error
relocating ...: symbol not found" or "Error loading shared library" (src-d/gitbase#631).

MI499 alike: a Go program built with cgo whose go.mod and source are not in the build context, on a glibc newer than
the final image's that the standard library's C runs on (kb/lint/gofloor.py): only C of its own could fail, which
lint cannot see, so a warning rather than MI404's error. MI429 alike: any program built on glibc 2.35 to 2.37 into an
image with 2.34 or later, where only a function glibc added since 2.34 could fail.
"""
from __future__ import annotations

from ..detectors import detector
from ..model import LintRule
from ..versions import parse_version
from .checks import GLIBC_SHIMS, _describe, _final_arrivals, _floating, check_cgo_implicit
from .gofloor import certain_floor, glibc_needed, own_c_unseen, stdlib_floor
from .landing import copies_from_context
from .results import Hit
from .stages import Analysis
from .tagrelease import inferred


@detector("lint", "cgo-enabled-implicitly")
def check_cgo_defaults(a: Analysis, rule: LintRule):
    yield from check_cgo_implicit(a, rule)
    yield from host_cgo_hits(a)


def _host_programs(a: Analysis):
    """(program, COPY line, its build as the context shows it or why lint cannot see it: kb/lint/hostbuild.py) for
    the first Go program of each COPY or ADD of the final stage that copies one prebuilt from the build context."""
    from .prebuilt import copied_programs, module_path

    programs = copied_programs(a)
    if not programs:
        return
    from .hostbuild import host_build

    module, done = module_path(a.context_dir), set()
    for art, line, src in programs:
        if line not in done:
            done.add(line)
            yield art, line, src, host_build(a, src, src.rstrip("/").rsplit("/", 1)[-1], module)


def _shim_note(installed: set) -> str:
    shims = sorted(installed & GLIBC_SHIMS)
    if not shims:
        return ""
    return (f"; {' and '.join(shims)} {'does' if len(shims) == 1 else 'do'} not make it run: libc6-compat only "
            "links glibc's file names (ld-linux-x86-64.so.2, libc.so.6, libm.so.6, libpthread.so.0, ...) to musl, "
            "gcompat adds part of glibc's API, and neither gives glibc-only symbols (__vfprintf_chk and the other "
            "__*_chk, __res_init) or libstdc++")


def host_cgo_hits(a: Analysis):
    """MI402 for each Go program the final stage copies prebuilt from the build context (the first one per COPY
    line) when the final image has no glibc and the host build the context shows (or, when it shows none, the
    default) leaves cgo on and the program may use it."""
    prof = a.final.profile
    if not prof.known or prof.libc == "glibc" or "loader-glibc" in prof.provided or not copies_from_context(a):
        return
    from .hostbuild import cgo_use

    for art, line, _src, build in _host_programs(a):
        if isinstance(build, str):
            builder = f"the build outside the Dockerfile that made it, as far as lint sees ({build})"
        else:
            if build.cgo is not None or build.static:
                continue  # CGO_ENABLED=1 is no default: a dynamic link lint cannot see, not this rule's
            builder = f"`{build.how}`, the build outside the Dockerfile that made it ({build.where})"
        uses, evidence = cgo_use(a, art)
        if uses is False:
            continue
        state = ("is built with cgo on wherever that host has a C compiler, cgo's default for native builds, "
                 "off since Go 1.20 only when no C compiler is found")
        if not isinstance(build, str) and build.goos == "linux":
            state += (f"; GOOS={build.goos} is a native build on a Linux host of the same architecture, a "
                      "cross-build with cgo off elsewhere")
        why = (evidence + ", which links the C library when cgo is on") if uses else \
            f"whether it imports net, os/user or C lint cannot see: {evidence}"
        risk = "so built on a glibc host (most CI runners and developer machines) it links glibc dynamically"
        yield Hit(line, {"what": _describe(art), "builder": builder, "why": why, "risk": risk, "state": state,
                         "image": a.final.image, "floating": _shim_note(prof.installed)},
                  "host")


def _glibc_final(a: Analysis):
    """The final image's profile when it is a glibc image whose glibc lint knows (or infers from its tag), else None."""
    prof = a.final.profile
    return prof if (prof.known or prof.inferred) and prof.libc == "glibc" and prof.glibc else None


def _floor_hit(a: Analysis, art, line: int, floor: str) -> Hit:
    """MI499's and MI426's finding: the program, its builder's glibc, the image's, and the floor it asks for."""
    prof, bprof = a.final.profile, a.stages[art.stage].profile
    return Hit(line, {"what": _describe(art), "builder": art.builder, "builder_glibc": art.builder_glibc,
                      "builder_release": inferred(bprof, art.builder_release), "image_glibc": prof.glibc,
                      "image": a.final.image, "image_release": inferred(prof, prof.release), "floor": floor,
                      "floating": _floating(a, bprof, prof)})


@detector("lint", "go-cgo-glibc-unseen")
def check_go_cgo_unseen(a: Analysis, rule: LintRule):
    if (prof := _glibc_final(a)) is None:
        return
    for art, line in _final_arrivals(a):
        if art.linkage == "glibc" and art.builder_glibc and own_c_unseen(art, prof.glibc):
            yield _floor_hit(a, art, line, stdlib_floor(art.builder_glibc))


@detector("lint", "glibc-skew-newer-functions")
def check_newer_functions(a: Analysis, rule: LintRule):
    """MI429: built on glibc 2.35 to 2.37 into an image with 2.34 or later, older than the builder's (gofloor.py
    certain_floor); not where MI499 or MI426 says more of the program."""
    if (prof := _glibc_final(a)) is None:
        return
    image = parse_version(prof.glibc)
    for art, line in _final_arrivals(a):
        if art.linkage != "glibc" or not art.builder_glibc or own_c_unseen(art, prof.glibc):
            continue
        floor = certain_floor(art)
        if parse_version(floor) <= image < parse_version(glibc_needed(art)):
            from .rustfloor import std_floor_within

            if art.lang != "rust" or not std_floor_within(a.context_dir, art, prof.glibc):
                yield _floor_hit(a, art, line, floor)


@detector("lint", "rust-prebuilt-without-libc")
def check_rust_prebuilt_libc_less(a: Analysis, rule: LintRule):
    """MI431: a Rust program copied prebuilt from the build context into an image without a C library
    (kb/lint/cargoprebuilt.py libc_less_hits)."""
    from .cargoprebuilt import libc_less_hits

    for line, art, program in libc_less_hits(a):
        yield Hit(line, {"what": _describe(art), "program": program, "image": a.final.image})


@detector("lint", "rust-glibc-std-floor")
def check_rust_std_floor(a: Analysis, rule: LintRule):
    if (prof := _glibc_final(a)) is None:
        return
    for art, line in _final_arrivals(a):
        if art.lang == "rust" and art.linkage == "glibc" and art.builder_glibc \
                and parse_version(art.builder_glibc) > parse_version(prof.glibc):
            from .rustfloor import std_floor_within  # only for a Rust program built on a newer glibc

            if floor := std_floor_within(a.context_dir, art, prof.glibc):
                yield _floor_hit(a, art, line, floor)


HOST_GLIBC = "2.35"  # the oldest glibc of a build host to assume: ubuntu-22.04, GitHub's oldest hosted runner since
# ubuntu-20.04's removal (April 2025); Debian 12 has 2.36


def host_glibc_hits(a: Analysis):
    """MI425 when no CI job of the context is seen building what the final stage copies: a Go program built outside
    the Dockerfile (kb/lint/prebuilt.py) by a build that leaves cgo on, or sets it, and that may use it, copied into a
    glibc image older than what the standard library's C asks for on any build host of today (GLIBC_2.34 from glibc
    2.34 on: kb/lint/gofloor.py). ray-project/kuberay#2270: manager built on ubuntu-latest into base-debian11."""
    prof = _glibc_final(a)
    floor = stdlib_floor(HOST_GLIBC)
    if prof is None or parse_version(prof.glibc) >= parse_version(floor) or not copies_from_context(a):
        return
    from .hostbuild import cgo_use

    for art, line, src, build in _host_programs(a):
        if isinstance(build, str):
            how = f"a build outside this Dockerfile that lint cannot see ({build}), with cgo left to its default,"
        elif build.cgo == "0" or build.static or build.goos not in ("", "linux"):
            continue
        else:
            how = f"`{build.how}` ({build.where}), with cgo {'on' if build.cgo else 'left to its default'},"
        uses, _evidence = cgo_use(a, art)
        if uses is False:
            continue
        yield Hit(line, {"source": src, "how": how, "image": a.final.image, "image_glibc": prof.glibc,
                         "runner": "a build host of today",
                         "runner_glibc": f"{HOST_GLIBC} or later (GitHub's ubuntu-22.04 and ubuntu-24.04 runners: 2.35 "
                                         f"and 2.39; Debian 12: 2.36), where a cgo Go program asks for GLIBC_{floor}",
                         "libssl": ""}, "host")
