"""The MI4xx checks of `minimage-ask lint`: one function per rule, registered under the rule's name
(`kb.detectors.detector("lint", name)`); the rule's id, severity, words and sources are data in
knowledge/rules-lint.yaml. Each function gets the analysed Dockerfile (kb/lint/stages.py) and the rule, and yields
:class:`~kb.lint.results.Hit`s.
"""
from __future__ import annotations

from ..detectors import detector
from ..model import LintRule
from ..versions import parse_version
from .builds import BuiltFile
from .cargoprebuilt import library_hits
from .cargoroot import cargo_context
from .cmakeprebuilt import library_hits as cmake_library_hits
from .context import cargo_dependencies, cargo_lock
from .cxxlink import have_cxx_runtime
from .floating import moves_apart
from .gofloor import certain_floor, glibc_needed, own_c_unseen
from .libinstall import first_name, install_hint
from .libraries import missing_libraries
from .profiles import GLIBC_SHIMS, Profile, digest_only
from .results import Hit
from .tagrelease import inferred, tag_note
from .runtime import libraries
from .stages import Analysis, StageInfo


def _describe(art: BuiltFile) -> str:
    if art.lang == "image":
        return f"the program {art.path} of {art.builder}"
    name = {"c": "C", "cpp": "C++", "go": "Go", "rust": "Rust"}[art.lang]
    if art.linkage == "unknown" and art.builder != "the build context":  # kb/lint/released.py: downloaded
        return f"the {name} program {art.path} ({art.why})"
    if art.linkage == "unknown":  # kb/lint/prebuilt.py, cargoprebuilt.py: copied from the build context
        return f"the {name} program {art.path} (copied prebuilt from the build context, {art.why})"
    return f"the {name} program {art.path}"


def _image_has(prof: Profile) -> str:
    if prof.libc == "none":
        return "no C library and no loader"
    if prof.libc == "musl":
        return "musl, not glibc" + (f" ({inferred(prof, None)})" if prof.inferred else "")
    return f"{prof.libc}"


def _final_arrivals(a: Analysis, built_here: bool = False):
    """BuiltFiles copied into the final stage, with the line that put them there (and, with `built_here`, the
    ones built in the final stage itself or the stages it is FROM, at their build line)."""
    final = a.final
    seen = set()
    for art, line, _src in final.arrivals:
        if art.stage != final.index and (art.path, line) not in seen:
            seen.add((art.path, line))
            yield art, line
    if built_here:
        copied = {art.path for art, _line, _src in final.arrivals}
        for art in final.files.values():
            if art.path not in copied and (art.path, art.line) not in seen and _same_lineage(a, art.stage):
                seen.add((art.path, art.line))
                yield art, art.line


def _same_lineage(a: Analysis, index: int) -> bool:
    """Is stage `index` the final stage or one it is built FROM (so its libraries are the final image's)?"""
    i: int | None = a.final.index
    while i is not None:
        if i == index:
            return True
        i = a.stages[i].stage.base_stage
    return False


def _floating(a: Analysis, *profiles: Profile) -> str:
    """' (X names no release: ...; pin ...)' for the references among `profiles` whose release floats."""
    notes = [f"{p.ref} names no release ({p.floating})" for p in profiles if p.floating]
    return "; " + "; ".join(dict.fromkeys(notes)) + ": the verdict is as of today, pin both stages to one release" \
        if notes else ""


def _glibc_ok(prof: Profile) -> bool:
    return prof.libc == "glibc" or "loader-glibc" in prof.provided or \
        bool(prof.installed & {"gcompat", "libc6-compat"})


def _libc_hits(a: Analysis, linkage: str):
    """A hit for every artefact linked against `linkage` that reaches the final stage."""
    prof = a.final.profile
    for art, line in _final_arrivals(a):
        if art.linkage == linkage:
            yield Hit(line, {"what": _describe(art), "why": art.why, "builder": art.builder,
                             "image": a.final.image, "has": _image_has(prof), "path": art.path},
                      art.lang)


@detector("lint", "glibc-binary-without-glibc")
def check_glibc_without_glibc(a: Analysis, rule: LintRule):
    prof = a.final.profile
    if (prof.known or prof.inferred) and not _glibc_ok(prof):
        yield from _libc_hits(a, "glibc")
    elif prof.libc == "musl" and "libc6-compat" in prof.installed and "gcompat" not in prof.installed \
            and "loader-glibc" not in prof.provided:
        yield from _without_libresolv(a)


def _without_libresolv(a: Analysis):
    """A Go program built with cgo by Go 1.20 or later (a golang image's) links libresolv.so.2 for net's resolver
    (net/cgo_unix_cgo_res.go: `#cgo LDFLAGS: -lresolv`); libc6-compat links the loader and libc.so.6, libm.so.6,
    libpthread.so.0, librt.so.1, libcrypt.so.1 and libutil.so.1 to musl, and no libresolv.so.2 (aports
    main/musl/APKBUILD, compat()). GoogleCloudPlatform/cloud-sql-proxy#1678."""
    has = ("musl with libc6-compat, which links glibc's loader and libc.so.6 to musl's but has no libresolv.so.2, "
           "which net's cgo resolver links from Go 1.20 on (\"Error loading shared library libresolv.so.2\")")
    for art, line in _final_arrivals(a):
        bprof = a.stages[art.stage].profile
        if art.lang == "go" and art.linkage == "glibc" and bprof.source.startswith("family golang") \
                and (bprof.go_version or (1, 20)) >= (1, 20):
            yield Hit(line, {"what": _describe(art), "why": art.why, "builder": art.builder, "image": a.final.image,
                             "has": has, "path": art.path}, "go")


@detector("lint", "musl-binary-without-musl")
def check_musl_without_musl(a: Analysis, rule: LintRule):
    prof = a.final.profile
    if (prof.known or prof.inferred) and prof.libc != "musl" and "loader-musl" not in prof.provided:
        yield from _libc_hits(a, "musl")


def check_cgo_implicit(a: Analysis, rule: LintRule):
    prof = a.final.profile
    if not prof.known:
        return
    for art, line in _final_arrivals(a):
        if art.lang == "go" and art.go_implicit and art.linkage == "static" and prof.libc != _builder_libc(a, art):
            bprof = a.stages[art.stage].profile
            if bprof.libc not in ("glibc", "musl", "none") and prof.libc != "none":
                continue  # the builder's C library is not known: only an image with none at all surely lacks it
            libc, state = bprof.libc if bprof.libc in ("glibc", "musl") else "the C library", "is static only by default"
            if bprof.has_compiler and bprof.libc not in ("glibc", "musl", "none"):
                state, risk = "is built with cgo on", "one import of net, os/user or a cgo package links a C library"
            elif bprof.has_compiler:
                risk = f"one import of net, os/user or a cgo package links {libc}"
            else:
                risk = (f"installing gcc (build-base) or a Go older than 1.20 turns cgo on, and net and os/user "
                        f"then link {libc}")
            yield Hit(art.line, {"what": _describe(art), "builder": art.builder, "why": art.why, "risk": risk,
                                 "state": state,
                                 "image": a.final.image, "floating": _floating(a, bprof)})


def _builder_libc(a: Analysis, art: BuiltFile) -> str | None:
    return a.stages[art.stage].profile.libc


@detector("lint", "cpp-runtime-libraries-missing")
def check_cxx_libs(a: Analysis, rule: LintRule):
    prof = a.final.profile
    if not prof.known:
        return
    have = have_cxx_runtime(prof, libraries(a.kb))
    for art, line in _final_arrivals(a, built_here=True):
        if art.linkage not in ("glibc", "musl") or art.linkage != prof.libc:
            continue  # a missing loader is reported by MI401/MI409
        missing = sorted((lib for lib in art.needs if not have.get(lib, True)), reverse=True)  # libstdc++ first
        if missing:
            because = art.cxx or ("Rust's standard library unwinds through libgcc_s" if art.lang == "rust" else art.why)
            yield Hit(line, {"what": _describe(art), "missing": " and ".join(missing), "because": because,
                             "image": a.final.image}, art.lang)
    missing = sorted((lib for lib, there in have.items() if not there), reverse=True)
    if missing and any(info.pip_npm and info.profile.libc == "musl" for info in a.stages):
        from .pycxx import pip_cxx_arrivals  # pip's C++ source builds on musl (no musllinux wheel)

        for line, built, src in pip_cxx_arrivals(a):
            yield Hit(line, {"what": f"what pip compiled in {src.image} ({'; '.join(built)})",
                             "missing": " and ".join(missing), "image": a.final.image,
                             "because": "a C++ extension module built from source links the system's libstdc++; "
                                        "only a wheel bundles its own"}, "python")


@detector("lint", "builder-glibc-newer-than-runtime")
def check_glibc_skew(a: Analysis, rule: LintRule):
    from .addonfloor import addon_floors  # a Node addon's prebuilt binary built on a newer glibc (prebuilt_glibc)
    yield from addon_floors(a)
    prof = a.final.profile
    if not (prof.known or prof.inferred) or prof.libc != "glibc" or not prof.glibc:
        return
    for art, line in _final_arrivals(a):
        if art.linkage == "glibc" and art.builder_glibc and not own_c_unseen(art, prof.glibc) \
                and parse_version(certain_floor(art)) > parse_version(prof.glibc):  # MI499, MI429 instead
            if art.lang == "rust":
                from .rustfloor import std_floor_within  # a Rust program whose crates compile no C

                if std_floor_within(a.context_dir, art, prof.glibc):
                    continue  # MI426
            bprof = a.stages[art.stage].profile
            pinned = f"; {art.why}, not the builder's" if art.glibc_pin else ""  # cargo zigbuild's .2.xx suffix
            yield Hit(line, {"what": _describe(art), "builder": art.builder, "builder_glibc": art.builder_glibc + pinned,
                             "builder_release": inferred(bprof, art.builder_release), "image_glibc": prof.glibc,
                             "image": a.final.image, "image_release": inferred(prof, prof.release),
                             "floating": _floating(a, bprof, prof)})


def _shell_ok(prof: Profile, argv0: str) -> bool | None:
    if "shell" in prof.provided:
        return True
    if not prof.known:
        return None
    if prof.shell in (None, "none"):
        return False
    if argv0 == prof.shell_path:
        return True
    if argv0 in ("/bin/sh", "sh", "/bin/ash", "ash"):
        return prof.shell_path == "/bin/sh"  # distroless :debug has /busybox/sh only
    if argv0 in ("/bin/bash", "bash", "/usr/bin/bash"):
        return prof.shell == "bash"
    if argv0 in ("/bin/dash", "dash"):
        return prof.shell in ("bash", "dash")
    return None


@detector("lint", "shell-form-without-shell")
def check_shell_form(a: Analysis, rule: LintRule):
    for info in a.stages:
        for line, what, argv0, installed in info.shell_uses:
            if not installed and _shell_ok(info.profile, argv0) is False:
                where = f"{info.profile.shell_path} only" if info.profile.shell_path else "no shell"
                yield Hit(line, {"what": what, "shell": argv0, "image": info.image,
                                 "has": where}, "run" if what == "RUN" else "cmd")


# Alpine packages that are or pull in the C library's headers and start files (musl-dev). g++ is in the list because
# its package depends on musl-dev (through libc-dev in older releases): the gpp() subpackage of aports main/gcc/APKBUILD
# declares `depends="... gcc libc-dev"`, and https://pkgs.alpinelinux.org/package/v3.21/main/x86_64/g++ lists musl-dev
# among its dependencies; build-base depends on g++, gcc and musl-dev, alpine-sdk on build-base (K8.5).
_LIBC_HEADERS = {"musl-dev", "build-base", "libc-dev", "alpine-sdk", "g++"}


def _headers_added_by(info: StageInfo, line: int) -> bool:
    """Were the headers added at or before `line`? `apk add build-base && make && apk del build-base` compiles with
    them although the stage ends without them."""
    return any(ln <= line and not _LIBC_HEADERS.isdisjoint(pkgs) for ln, pkgs in info.apk_adds)


def _xx_sysroot(a: Analysis, info: StageInfo) -> bool:
    """Does the stage, or one it is built FROM, run tonistiigi/xx's `xx-apk add`? Its xx-clang and xx-c++ then
    compile against the target's sysroot, which xx-apk fills (g++ brings the target's musl-dev), not against the
    packages apk added for the build platform."""
    while True:
        if any(ins.cmd == "RUN" and "xx-apk" in " ".join(ins.args) for ins in info.stage.instructions):
            return True
        if info.stage.base_stage is None:
            return False
        info = a.stages[info.stage.base_stage]


@detector("lint", "apk-gcc-without-libc-headers")
def check_apk_gcc(a: Analysis, rule: LintRule):
    """Only where the stage (or a stage FROM it) compiles: gcc installed for nothing else is no error."""
    children: dict[int, list[StageInfo]] = {}
    for info in a.stages:
        if info.stage.base_stage is not None:
            children.setdefault(info.stage.base_stage, []).append(info)
    for info in a.stages:
        if info.profile.installed & _LIBC_HEADERS:
            continue
        lineage = [info] + [c for c in children.get(info.index, ()) if not c.profile.installed & _LIBC_HEADERS]
        for line, pkgs in info.apk_adds:
            if any(line == l2 for s in a.stages if s is not info and s.index < info.index for l2, _ in s.apk_adds):
                continue  # inherited from the stage this one is FROM: reported there
            compilers = [p for p in pkgs if p in ("gcc", "clang", "clang15", "clang16", "clang17", "clang18")]
            steps = [(cl, what) for s in lineage for cl, what in s.compiles
                     if (cl > line or s is not info) and not _headers_added_by(s, cl) and not _xx_sysroot(a, s)]
            if compilers and steps:
                yield Hit(line, {"compiler": compilers[0], "step": steps[0][1], "step_line": steps[0][0]})


def _cgo_off_builds(a: Analysis):
    for info in a.stages:
        for art in info.files.values():
            if art.stage == info.index and art.lang == "go" and art.go_cgo_off and art.go_cgo_packages:
                yield art


@detector("lint", "cgo-package-built-without-cgo")
def check_cgo_package(a: Analysis, rule: LintRule):
    """go.mod lists the module; whether the built package imports it is not visible (kb/lint/goreach.py)."""
    for art in _cgo_off_builds(a):
        if art.go_cgo_reached is None:
            yield Hit(art.line, {"packages": ", ".join(art.go_cgo_packages), "target": art.go_target,
                                 "off": art.go_cgo_off})


@detector("lint", "cgo-package-imported-built-without-cgo")
def check_cgo_package_imported(a: Analysis, rule: LintRule):
    """The built package reaches an import of the module in the build context's source."""
    for art in _cgo_off_builds(a):
        if art.go_cgo_reached:
            yield Hit(art.line, {"imports": ", ".join(art.go_cgo_reached), "target": art.go_target,
                                 "off": art.go_cgo_off})


def _openmp(a: Analysis, stage: StageInfo):
    from .autoconf import build_openmp  # the stage's cmake or ./configure build with OpenMP: libgomp

    return build_openmp(a, stage)


@detector("lint", "needed-library-missing")
def check_needed_library(a: Analysis, rule: LintRule):
    """Code copied from a build stage links libraries that stage installed; the final image must have them."""
    yield from _library_hits(a, unknown=False)


def _cargo_dependencies(a: Analysis, src=None):
    key, cache = ("cargo-dependencies", cargo_context(a, src)), a.context_cache  # read once for all its Dockerfiles
    return cache[key] if key in cache else cache.setdefault(key, cargo_dependencies(key[1]))


def _library_hits(a: Analysis, *, unknown: bool):
    final, libs = a.final, libraries(a.kb)  # one index of the library table per knowledge (kb/lint/runtime.py)
    found = [(ln, f"what this COPY brings from the {src.image} stage", src, m) for ln, src, m in
             missing_libraries(a, libs, lambda i: _same_lineage(a, i), lambda s: cargo_lock(cargo_context(a, s)),
                               lambda s: _openmp(a, s), unknown=unknown, manifest=lambda s: _cargo_dependencies(a, s))]
    if not unknown:  # programs copied prebuilt from the build context: Rust by Cargo.lock, C and C++ by CMakeLists.txt
        found += [(ln, _describe(art), final, m) for hits in (library_hits(a, libs), cmake_library_hits(a, libs))
                  for ln, art, m in hits]
    for line, what, src, missing in found:
        apk = final.profile.libc == "musl" or unknown and bool(final.apk_adds)  # apk's package names, not apt's
        yield Hit(line, {"libs": ", ".join(f"{s} ({why})" for s, why in missing), "what": what,
                         "image": final.image, "first": first_name(*missing[0]),
                         "failure": _load_failure(final, first_name(*missing[0])),
                         "packages": " ".join(s for s, _why in missing),
                         "installed": " ".join(sorted(final.profile.installed)),
                         "install": install_hint(a, libs, src, missing, apk)},
                  "copied" if final.profile.libc == "none" else "no-manager" if final.profile.package_manager == "none"
                  else "apk" if apk else "apt")


def _load_failure(final: StageInfo, first: str) -> str:
    """What the final image's loader says of a missing library: musl's and glibc's words differ (musl's
    ldso/dynlink.c; checked: a musl program run without its library in a chroot)."""
    if final.profile.libc == "musl":
        return f"Error loading shared library {first}.so...: No such file or directory"
    return f"error while loading shared libraries: {first}.so...: cannot open shared object file"


@detector("lint", "needed-library-unseen")
def check_needed_library_unseen(a: Analysis, rule: LintRule):
    """MI412 for a final image lint does not know: only its own RUN steps' packages can show the library."""
    yield from _library_hits(a, unknown=True)


@detector("lint", "unknown-base-image")
def check_unknown_image(a: Analysis, rule: LintRule):
    final = a.final
    sources = {cf.stage_index for cf in final.stage.copy_from if cf.stage_index is not None}
    if not final.profile.known and (sources or final.arrivals or final.files or final.compiles or final.pip_npm):
        yield Hit(final.stage.line, _unknown(final, "the final image"))
    for i in sorted(sources):
        info = a.stages[i]
        if not info.profile.known and info.stage.base_stage is None:
            yield Hit(info.stage.line, _unknown(info, "a stage the final image copies from"))
    prof = final.profile
    if prof.known and prof.libc == "glibc" and not prof.glibc:  # a glibc image whose release its tag does not name
        glibc_from = [a.stages[i].profile for i in sorted(sources)
                      if a.stages[i].profile.libc == "glibc" and a.stages[i].profile.glibc]
        linkages = {art.linkage for art, _line, _src in final.arrivals}
        if glibc_from and (not linkages or "glibc" in linkages):  # programs known static need no glibc
            b = glibc_from[0]
            yield Hit(final.stage.line, {
                "image": final.image, "role": "the final image",
                "cannot": f"it is a glibc image, but which release (hence which glibc) this tag holds is not known "
                          f"({prof.source}), so what the {b.ref} stage (glibc {b.glibc}) built cannot be checked "
                          "against it; use a tag that names its release"})
    if prof.known and prof.libc == "glibc":  # a builder whose tag names no release: what it links cannot be checked
        seen = set()
        for art, _line, _src in final.arrivals:
            b = a.stages[art.stage] if art.lang != "image" and art.linkage == "glibc" else None
            if b is None or b.index in seen or not b.profile.known or b.profile.glibc or b.profile.libc != "glibc":
                continue
            seen.add(b.index)
            yield Hit(b.stage.line, {
                "image": b.image, "role": "the stage that builds " + _describe(art),
                "cannot": f"it is a glibc image, but which release (hence which glibc) this tag holds is not known "
                          f"({b.profile.source}), so what it links cannot be checked against {prof.ref}"
                          + (f" (glibc {prof.glibc})" if prof.glibc else "") + "; use a tag that names its release"})


def _unknown(info: StageInfo, role: str) -> dict:
    """MI414's values: an ARG with no value leaves the reference empty (or only its `:` or `@`, as
    `${IMAGE}:${TAG}` does), so the image is named as written."""
    ref = info.image if (info.image or "").strip(":@/") else info.stage.base_image
    return {"image": ref, "role": role, "cannot": _cannot(ref, info.profile)}


def _cannot(ref: str, prof: Profile) -> str:
    if "$" in ref:
        return "it is set by an ARG lint cannot resolve"
    if digest_only(ref):  # profiles.py: a repository whose every known image has one libc gives that libc
        known = f" (every {ref.partition('@')[0]} image lint knows has {prof.libc})" if prof.libs_floor else " and libc"
        return f"a digest without a tag: which tag, hence which release{known}, it names is not written; add the tag " \
            "(image:tag@sha256:...)"
    return "it is neither in the image catalogue nor in image_families" + tag_note(ref)


@detector("lint", "floating-release-glibc")
def check_floating_release(a: Analysis, rule: LintRule):
    """A glibc program between stages whose Debian release is today's default of a floating tag: fine today only
    while the builder's release is not newer than the final image's (MI404 says when it already is)."""
    prof = a.final.profile
    if not (prof.known or prof.inferred) or prof.libc != "glibc" or not prof.glibc:
        return
    for art, line in _final_arrivals(a):
        bprof = a.stages[art.stage].profile
        if art.linkage != "glibc" or not art.builder_glibc or art.glibc_pin \
                or not moves_apart(a, art.stage, bprof, prof):  # glibc_pin: the builder's glibc is not used
            continue  # kb/lint/floating.py: a pinned builder, or one reference in both stages
        if parse_version(glibc_needed(art)) > parse_version(prof.glibc):
            continue  # MI404, MI429 or MI499
        yield Hit(line, {"what": _describe(art), "builder": art.builder, "image": a.final.image,
                         "release": inferred(bprof, art.builder_release), "image_release": inferred(prof, prof.release),
                         "floating": "; ".join(dict.fromkeys(f"{p.ref}: {p.floating}" for p in (bprof, prof)
                                                             if p.floating))})
