"""The MI4xx checks of `minimage-ask lint`: one function per rule, registered under the rule's name
(`kb.detectors.detector("lint", name)`); the rule's id, severity, words and sources are data in
knowledge/rules-lint.yaml. Each function gets the analysed Dockerfile (kb/lint/stages.py) and the rule, and yields
:class:`~kb.lint.results.Hit`s.
"""
from __future__ import annotations

import re

from ..detectors import detector
from ..evidence.textscan import pep503
from ..model import LintRule
from ..versions import parse_version
from .builds import BuiltFile
from .context import package_json, requirements
from .profiles import Profile
from .results import Hit
from .shellwords import positional
from .stages import Analysis

_REQ_END = re.compile(r"[\[=<>!~;@ ]")  # where a requirement's name ends


def _describe(art: BuiltFile) -> str:
    name = {"c": "C", "cpp": "C++", "go": "Go", "rust": "Rust"}[art.lang]
    return f"the {name} program {art.path}"


def _image_has(prof: Profile) -> str:
    if prof.libc == "none":
        return "no C library and no loader"
    if prof.libc == "musl":
        return "musl, not glibc"
    return f"{prof.libc}"


def _final_arrivals(a: Analysis):
    """BuiltFiles copied into the final stage (or built there), with the line that put them there."""
    final = a.final
    seen = set()
    for art, line, _src in final.arrivals:
        if art.stage != final.index and (art.path, line) not in seen:
            seen.add((art.path, line))
            yield art, line


def _glibc_ok(prof: Profile) -> bool:
    return prof.libc == "glibc" or "loader-glibc" in prof.provided or \
        bool(prof.installed & {"gcompat", "libc6-compat"})


def _libc_hits(a: Analysis, linkage: str):
    """A hit for every artefact linked against `linkage` that reaches the final stage."""
    prof = a.final.profile
    for art, line in _final_arrivals(a):
        if art.linkage == linkage:
            yield Hit(line, {"what": _describe(art), "why": art.why, "builder": art.builder,
                             "image": a.final.stage.base_image_resolved, "has": _image_has(prof), "path": art.path},
                      art.lang)


@detector("lint", "glibc-binary-without-glibc")
def check_glibc_without_glibc(a: Analysis, rule: LintRule):
    prof = a.final.profile
    if prof.known and not _glibc_ok(prof):
        yield from _libc_hits(a, "glibc")


@detector("lint", "musl-binary-without-musl")
def check_musl_without_musl(a: Analysis, rule: LintRule):
    prof = a.final.profile
    if prof.known and prof.libc != "musl" and "loader-musl" not in prof.provided:
        yield from _libc_hits(a, "musl")


@detector("lint", "cgo-enabled-implicitly")
def check_cgo_implicit(a: Analysis, rule: LintRule):
    prof = a.final.profile
    if not prof.known:
        return
    for art, line in _final_arrivals(a):
        if art.lang == "go" and art.go_implicit and art.linkage == "static" and prof.libc != _builder_libc(a, art):
            yield Hit(art.line, {"what": _describe(art), "builder": art.builder, "why": art.why,
                                 "image": a.final.stage.base_image_resolved})


def _builder_libc(a: Analysis, art: BuiltFile) -> str | None:
    return a.stages[art.stage].profile.libc


@detector("lint", "cpp-runtime-libraries-missing")
def check_cxx_libs(a: Analysis, rule: LintRule):
    prof = a.final.profile
    if not prof.known:
        return
    have = {"libstdc++.so.6": prof.libstdcxx or "libstdcxx" in prof.provided
                              or bool(prof.installed & {"libstdc++", "libstdc++6", "g++", "build-base"}),
            "libgcc_s.so.1": prof.libgcc_s or "libgcc_s" in prof.provided
                             or bool(prof.installed & {"libgcc", "libgcc-s1", "libgcc1", "libstdc++", "libstdc++6",
                                                       "build-base", "gcc", "g++"})}
    for art, line in _final_arrivals(a):
        if art.linkage not in ("glibc", "musl") or art.linkage != prof.libc:
            continue  # a missing loader is reported by MI401/MI409
        missing = sorted(lib for lib in art.needs if not have.get(lib, True))
        if missing:
            yield Hit(line, {"what": _describe(art), "missing": " and ".join(missing),
                             "image": a.final.stage.base_image_resolved}, art.lang)


@detector("lint", "builder-glibc-newer-than-runtime")
def check_glibc_skew(a: Analysis, rule: LintRule):
    prof = a.final.profile
    if not prof.known or prof.libc != "glibc" or not prof.glibc:
        return
    for art, line in _final_arrivals(a):
        if art.linkage == "glibc" and art.builder_glibc and parse_version(art.builder_glibc) > parse_version(prof.glibc):
            yield Hit(line, {"what": _describe(art), "builder": art.builder, "builder_glibc": art.builder_glibc,
                             "builder_release": art.builder_release or "?", "image": a.final.stage.base_image_resolved,
                             "image_glibc": prof.glibc, "image_release": prof.release or "?"})


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
        for line, what, argv0 in info.shell_uses:
            if _shell_ok(info.profile, argv0) is False:
                where = f"{info.profile.shell_path} only" if info.profile.shell_path else "no shell"
                yield Hit(line, {"what": what, "shell": argv0, "image": info.stage.base_image_resolved,
                                 "has": where}, "run" if what == "RUN" else "cmd")


_LIBC_HEADERS = {"musl-dev", "build-base", "libc-dev", "alpine-sdk"}


@detector("lint", "apk-gcc-without-libc-headers")
def check_apk_gcc(a: Analysis, rule: LintRule):
    for info in a.stages:
        if info.profile.installed & _LIBC_HEADERS:
            continue
        for line, pkgs in info.apk_adds:
            compilers = [p for p in pkgs if p in ("gcc", "clang", "clang15", "clang16", "clang17", "clang18")]
            if compilers:
                yield Hit(line, {"compiler": compilers[0]})


@detector("lint", "named-user-without-passwd")
def check_user(a: Analysis, rule: LintRule):
    for info in a.stages:
        prof = info.profile
        if not prof.known or prof.passwd is not False or "passwd" in prof.provided:
            continue
        for line, user in info.users:
            name = user.split(":", 1)
            if "$" in user or all(part.isdigit() for part in name if part) or name[0] == "root":
                continue
            yield Hit(line, {"user": user, "image": info.stage.base_image_resolved})


def _req_name(spec: str) -> str:
    return pep503(_REQ_END.split(spec, maxsplit=1)[0])


def _npm_name(spec: str) -> str:
    if spec.startswith("@"):
        scope, _, rest = spec[1:].partition("/")
        return "@" + scope + "/" + rest.split("@", 1)[0]
    return spec.split("@", 1)[0]


@detector("lint", "native-packages-on-alpine")
def check_native_alpine(a: Analysis, rule: LintRule):
    native = a.kb.native_packages
    for info in a.stages:
        if info.profile.libc != "musl":
            continue
        for line, tool, args, cwd in info.pip_npm:
            names: list[str] = []
            if tool == "pip":
                specs = positional(args, takes_value={"-r", "--requirement", "-c", "--constraint", "-e",
                                                      "--editable", "-i", "--index-url", "--extra-index-url",
                                                      "-t", "--target", "--prefix", "--root", "-f", "--find-links",
                                                      "--only-binary", "--no-binary", "--platform"})
                names = [_req_name(s) for s in specs if not s.startswith((".", "/")) and "://" not in s]
                for i, arg in enumerate(args):
                    if arg in ("-r", "--requirement") and i + 1 < len(args):
                        names += requirements(a.context_dir, args[i + 1])
                table = native.get("python", {})
            else:
                specs = positional(args, takes_value={"--prefix", "-w", "--workspace"})
                names = [_npm_name(s) for s in specs]
                if not specs:
                    names = package_json(a.context_dir)
                table = native.get("node", {})
            hits = sorted(dict.fromkeys(n for n in names if n in table))
            if hits:
                tools = "build tools are installed, so they compile from source" if info.profile.has_compiler \
                    else "there is no compiler in this stage, so the build fails for any without one"
                yield Hit(line, {"packages": ", ".join(hits), "tool": tool, "image": info.stage.base_image_resolved,
                                 "compile": tools}, "pip" if tool == "pip" else "npm")


@detector("lint", "cgo-package-built-without-cgo")
def check_cgo_package(a: Analysis, rule: LintRule):
    for info in a.stages:
        for art in info.files.values():
            if art.stage == info.index and art.lang == "go" and art.go_cgo == "0" and art.go_cgo_packages:
                yield Hit(art.line, {"packages": ", ".join(art.go_cgo_packages)})
