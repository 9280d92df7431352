"""`minimage-ask lint`: libc-aware checks of Dockerfiles (the MI4xx rules of knowledge/rules-lint.yaml).

The rules' ids, severities, messages, fixes and sources are data; the detection is code, one small function per
rule in kb/lint/checks.py, registered under the rule's kebab-case name in `kb.detectors.DETECTORS["lint"]`. Every
function gets the same analysed Dockerfile:

    profiles.py    what a stage's base image is (catalogue and image_families: libc, release, shell, compiler)
    stages.py      walking the stages: ENV/ARG/WORKDIR/USER/RUN/COPY, where built programs land; --target stages
    stageinfo.py   what one walked stage holds
    debextract.py  packages apt-get download fetched and dpkg --extract unpacked into a tree COPY makes a root
    cmake.py       what cmake, meson and the make or ninja they generate for build, and how it links
    ggmlclone.py   a ggml project (llama.cpp, whisper.cpp) cloned and built in a stage: its OpenMP run-time (MI412)
    builds.py      what gcc/clang, go and cargo commands build and how it links (BuiltFile)
    cargoprebuilt.py  a Rust program copied prebuilt from the build context, read by its Cargo.lock (MI411, MI412);
                   MI431 when it goes into an image without a C library
    cmakeprebuilt.py  a C or C++ program copied prebuilt from the build context, read by its CMakeLists.txt (MI412)
    cmaketext.py   a CMakeLists.txt's calls and line comments, read without a pattern
    shellwords.py  variable expansion, paths, options and simple commands of RUN lines
    shellvars.py   which assignments of a RUN a build command sees (export, prefix, set -a)
    unexported.py  MI498: such an assignment the build command never sees (CGO_ENABLED=0 that leaves cgo on)
    gofloor.py     the glibc a Go program built with cgo asks for (MI404's floor), when MI499 applies instead, and
                   what any program built on glibc 2.35-2.37 asks for whatever it calls (MI429 above it)
    rustfloor.py   the glibc a Rust program whose crates compile no C asks for (MI404's floor), MI426 instead
    workflows.py   the context's GitHub Actions workflows, job by job (CI builds, a run step's go build, which steps
                   build this Dockerfile and for which platforms)
    buildargs.py   a FROM $BUILD_FROM a build file beside the Dockerfile fills in (Home Assistant add-ons), or the
                   build-args of the CI workflow step that builds the file
    alpineskew.py  MI427: a program built on one Alpine release linking libraries the final installs from another
    alpinerepos.py  MI433: apk pointed at edge (or a later release) installing packages onto the image's older musl
    rundeps.py     MI428: `apk add --virtual .python-rundeps` replacing the Python image's own virtual package
    context.py     build-context facts from the evidence scanners (TLS use, requirements, package.json)
    gorun.py       `go run` of a release script that runs go build: the build it runs, from its string literals
    gosources.py   what the Go source a stage copied shows (cgo, its modules and tree, #cgo LDFLAGS: -static)
    makefiles.py   what `make [TARGET]` runs, from the build context's Makefile
    libraries.py   the shared libraries a build stage links, and whether the final image has them (MI412;
                   MI430 when lint does not know the final image)
    pyembed.py     a program that embeds Python links libpython3.X.so.1.0 (MI412's evidence for it)
    pyversion.py   the Python X.Y a stage's base image says it has (MI471, MI412)
    liblinks.py    libraries linked by hand into /lib (ln -s /usr/lib/libssl.so.3 /lib/), where MI441's packages look
    linkevidence.py  what shows a build links a library (find_package, pkg-config modules, -lNAME), for MI412
    gocgolibs.py   the system libraries go.mod's cgo modules link (go-piv/piv-go: libpcsclite.so.1), for MI412
    cmakeinstalls.py  the shared libraries a CMake project's install puts into <prefix>/lib (MI495)
    contextimages.py  an image the build context builds (docker build -t NAME -f FILE in a script, a Dockerfile's
                   comment or a CI workflow): its FROM's libc, and that Dockerfile's walk before the stages FROM it
    prefixlibs.py  MI496: libraries copied, or installed under a prefix (/opt) and linked, where the loader never looks
    linkdirs.py    the library directories a build command links from (-DCMAKE_PREFIX_PATH, -DBOOST_ROOT, -L)
    libcxx.py      a clang build told to use LLVM's libc++ (-stdlib=libc++, -lc++): libc++.so.1 for MI412
    libinstall.py  the run-time packages MI412 says to install, per distribution and release
    appbundles.py  what dotnet publish, deno compile and bun build --compile write, and checks MI420-MI423
    checks.py      the checks
    cibuilds.py    MI425: what a CI job builds on its runner before building this Dockerfile, on an older glibc
    users.py       MI407: a user USER or --chown names that the image's /etc/passwd lacks and nothing adds;
                   MI424: the same after a COPY of another stage's /etc/passwd over the image's
    tagrelease.py  the release an image lint does not know names in its tag (-bullseye, ubuntu22.04, -alpine3.19)
    digests.py     MI419: a floating final image frozen by a digest, so its release (hence glibc) is not known
    pystdlib.py    MI493: a Python interpreter copied into the image without its standard library (lib/pythonX.Y)
    wheellibs.py   MI494: site-packages/NAME copied alone, without the NAME.libs of vendored libraries its pip wheel keeps beside it
    staticnss.py   MI492: a static glibc program (Go with cgo; C whose source calls getaddrinfo, getpwnam) whose lookups need that glibc's NSS modules
    apkdel.py      apk add and del in a RUN, a deletion of a list computed after listing the installed packages
    cxxlink.py     C++ a Go build (knowledge go_cxx) or a crate links, the C++ run-time libraries an image has
    cxxchecks.py   MI491: such a module in go.mod whose use lint cannot confirm, on an image without them
    runtime.py     what pip/npm steps install (shared with MI408), and checks MI440-MI442: a library deleted with
                   the build dependencies, a system package an installed package needs, dependencies not locked
    uvsteps.py     what `uv pip install` and `uv sync` install, and into which environment
    nodeabi.py     MI432: Node addons built for one Node ABI (another node:N, or bun install) loaded by another
    pkgcross.py    MI413: packages installed on one libc (or a newer glibc), copied into a stage of another
    loads.py       checks MI470, MI490: a package that opens a system library it does not bundle (opencv-python's
                   libGL, puppeteer's downloaded Chromium) in a final image without it
    results.py     Hit, Finding, LintResult, render

No terminal I/O here; `shell/lint.py` renders findings as text, JSON or SARIF.
"""
from __future__ import annotations

import os
import posixpath

from ..detectors import DETECTORS
from ..model import Knowledge
from . import cabundle as _cabundle  # noqa: F401  registers MI411, MI416 (TLS calls without a CA bundle)
from . import checks as _checks  # noqa: F401  registers the checks
from . import gomods as _gomods  # noqa: F401  registers MI460-MI462 (Go modules that link a prebuilt library)
from . import digests as _digests  # noqa: F401  registers MI419 (a floating tag frozen by a digest)
from . import staticnss as _staticnss  # noqa: F401  registers MI492 (static glibc and its NSS modules)
from . import hostchecks as _hostchecks  # noqa: F401  registers MI402 (the Dockerfile's and the host's Go builds)
from . import muslwhy as _muslwhy  # noqa: F401  registers MI408 (native packages on Alpine)
from . import runtime as _runtime  # noqa: F401  registers MI440-MI442 (run-time needs the build takes away)
from .landing import context_copies  # noqa: F401 - part of this package's interface (cibuilds, pkgflow)
from .profiles import Profile, profile_for
from .results import Finding, Hit, LintResult, render
from .stages import Analysis

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterable

    from ..evidence.dockerfile_parse import DockerfileReport

__all__ = ["lint_paths", "lint_text", "lint_report", "Finding", "LintResult", "render", "Hit", "Analysis",
           "Profile", "profile_for"]


_UNQUOTED = str.maketrans("", "", "'\"\\")


def _runs_say(a: Analysis, word: str) -> bool:
    """Does a RUN of any stage have `word` in its text, quotes and backslashes taken out (the words of its commands
    are made of what is left: kb/lint/shellwords.py)?"""
    return any(word in run.command.translate(_UNQUOTED) for info in a.stages for run in info.stage.runs)


def _installs_and_copies(a: Analysis) -> bool:
    """Can MI496/MI497 fire: a stage installs something (make/cmake/ninja/meson/b2 install, apt-get install) and a
    stage copies from another one (the final stage or one it is built FROM)?"""
    return any(any(f.startswith("--from") for f in ins.flags) for info in a.stages
               for ins in info.stage.instructions if ins.cmd in ("COPY", "ADD")) and (_runs_say(a, "install")
                                                                                 or _runs_say(a, "apk"))


def _installs_somewhere(a: Analysis) -> bool:
    """Can MI496 fire: a stage copies what another installed (`_installs_and_copies`), or a RUN installs with make,
    cmake, ninja, meson or b2, or the final image is one the build context may build (kb/lint/prefixlibs.py)?"""
    return _installs_and_copies(a) or bool(a.context_dir) and not a.final.profile.known or (
        _runs_say(a, "install") and any(t in run.command for info in a.stages for run in info.stage.runs
                                        for t in ("make", "b2", "bjam", "ninja", "meson", "cmake")))


def _final_glibc(a: Analysis) -> bool:
    return a.final.profile.known and a.final.profile.libc == "glibc"


def _copies_from_stages(a: Analysis) -> bool:
    """Does the final stage, or a stage it is built FROM (`FROM base AS rootless`), COPY --from another stage?"""
    i, seen = a.final.index, 0
    while i is not None and seen <= len(a.stages):
        if any(cf.stage_index is not None for cf in a.stages[i].stage.copy_from):
            return True
        i, seen = a.stages[i].stage.base_stage, seen + 1
    return False


def _builds_install(a: Analysis) -> bool:
    """Can MI495 fire: a RUN installs a build with make, ninja, meson, cmake or b2 (kb/lint/ldcache.py
    `_install_step`: the program and its `install` word are both in the RUN's text), and the final image has glibc
    (or is one lint does not know, which the build context may build: kb/lint/contextimages.py)?"""
    if not _final_glibc(a) and (a.final.profile.known or not a.context_dir):
        return False
    for info in a.stages:
        for run in info.stage.runs:
            text = run.command.translate(_UNQUOTED)
            if "install" in text and any(tool in text for tool in ("make", "ninja", "meson", "b2", "bjam")):
                return True
    return False


def _bundles_arrive(a: Analysis) -> bool:
    """MI420-MI423 judge only what `dotnet publish`, `deno compile` or `bun build --compile` made (kb/lint/
    appbundles.py, imported by the walk where one runs) and a COPY brought into the final stage."""
    return any(art.linkage.startswith("bundle-") for art, _line, _src in a.final.arrivals)


def _packages_installed(a: Analysis) -> bool:
    """MI470/MI490 judge the packages of pip, npm or conda steps, or a COPY of node_modules/NAME into the final
    stage (kb/lint/runtime.py `_installs`)."""
    return any(info.pip_npm for info in a.stages) or \
        any("node_modules/" in s for cf in a.final.stage.copy_from for s in cf.sources)


_OUTPUTS = (".deb", ".rpm", ".tgz", ".tar.gz", ".tar.xz", ".tar", ".zip", ".so")
_OUTPUT_DIRS = ("build", "builds", "dist", "bin", "out", "target", "release", "artifacts")


def build_output(source: str) -> bool:
    """Is a COPY/ADD source from the context what a build writes (a package, an archive, a file under build/ ...)?"""
    low = source.lower().lstrip("./")
    return low.endswith(_OUTPUTS) or low.split("/", 1)[0] in _OUTPUT_DIRS


def context_outputs(a: Analysis) -> list[tuple[int, str]]:
    """(line, first source) of the final stage's COPY/ADD from the build context of build outputs: what MI425 judges
    (kb/lint/cibuilds.py). In a checkout with CI workflows, a program file (a name without an extension) that the
    checkout lacks counts too: something writes it there before the docker build (komodo's `COPY src/komodod`)."""
    if not a.context_dir:
        return []
    checkout = os.path.isdir(os.path.join(a.context_dir, ".github", "workflows"))
    out = []
    for line, sources in context_copies(a.final.stage):
        built = [s for s in sources if build_output(s) or checkout and _not_checked_in(a.context_dir, s)]
        if built:
            out.append((line, built[0]))
    return out


#: what holds installed Node packages: node_modules, and the server bundles that carry their own (Nuxt/Nitro's
#: .output/server/node_modules, Next.js's .next/standalone/node_modules)
_PACKAGE_HOLDERS = ("node_modules", ".output", "standalone")


def context_packages(a: Analysis) -> list[tuple[int, str]]:
    """(line, source) of the final stage's COPY/ADD from the build context of installed Node packages (a source with
    a path element in _PACKAGE_HOLDERS): what a CI job's install put there (MI413, kb/lint/pkgcross.py)."""
    if not a.context_dir:
        return []
    return [(line, src) for line, sources in context_copies(a.final.stage) for src in sources
            if any(part in _PACKAGE_HOLDERS for part in src.split("/"))]


def _not_checked_in(context_dir: str, source: str) -> bool:
    """A program file (no extension, no variable or wildcard) that is not in the build context."""
    name = posixpath.basename(source.rstrip("/"))
    return bool(name) and "." not in name and not any(c in source for c in "*?[$") \
        and not os.path.lexists(os.path.join(context_dir, source.lstrip("/")))


def _ci_built(a: Analysis) -> bool:
    """MI425 judges build outputs copied from the context, and, where the context has CI workflows, any file the
    final stage copies from the context, itself or through a stage FROM scratch (another job's artifact)."""
    if context_outputs(a) or _old_glibc_takes_context_files(a):
        return True
    if not a.context_dir or not os.path.isdir(os.path.join(a.context_dir, ".github", "workflows")):
        return False
    final = a.final.stage
    return any(cf.stage_index is not None and a.report.stages[cf.stage_index].is_scratch for cf in final.copy_from) \
        or any(sources != (".",) for _line, sources in context_copies(final))


def _old_glibc_takes_context_files(a: Analysis) -> bool:
    """MI425 also judges a Go program of the context built on a host, where no CI job is seen, in a glibc image
    without GLIBC_2.34 (kb/lint/hostchecks.py)."""
    prof = a.final.profile
    if not a.context_dir or prof.libc != "glibc" or not prof.glibc or not context_copies(a.final.stage):
        return False
    from ..versions import parse_version

    return parse_version(prof.glibc) < (2, 34) and os.path.isfile(os.path.join(a.context_dir, "go.mod"))


def _pip_on_musl(a: Analysis) -> bool:
    """MI444 judges pip steps on musl (kb/lint/wheelindex.py)."""
    return any(info.profile.libc == "musl" and any(tool == "pip" for _l, tool, _a, _c in info.pip_npm)
               for info in a.stages)


def _names_users(a: Analysis) -> bool:
    """MI407 judges the names USER and COPY/ADD --chown give (kb/lint/users.py)."""
    return any(info.users for info in a.stages) or \
        any(f.startswith("--chown=") for s in a.report.stages for ins in s.instructions for f in ins.flags)


def _node_installs(a: Analysis) -> bool:
    """MI443 judges npm, yarn and pnpm installs (kb/lint/npmscripts.py)."""
    return any(tool in ("npm", "yarn", "pnpm") for info in a.stages for _line, tool, _args, _cwd in info.pip_npm)


def _declares_args(a: Analysis) -> bool:
    """MI480 judges only names the Dockerfile declares by ARG (kb/lint/argscope.py `_declarations`)."""
    return bool(a.report.global_args) or any(ins.cmd == "ARG" for s in a.report.stages for ins in s.instructions)


def _copies_python(a: Analysis) -> bool:
    """Can MI493 fire: the final stage, or a stage it is built FROM, copies from another stage or an image a path
    naming python or a bin directory (kb/lint/pystdlib.py)?"""
    info = a.final
    while True:
        if any("python" in s or s.rstrip("/").endswith("/bin") for cf in info.stage.copy_from for s in cf.sources):
            return True
        if info.stage.base_stage is None:
            return False
        info = a.stages[info.stage.base_stage]


def _copies_package_dir(a: Analysis) -> bool:
    """Can MI494 fire: the final stage, or a stage it is built FROM, copies from another stage a path under
    site-packages or dist-packages (kb/lint/wheellibs.py)?"""
    info = a.final
    while True:
        if any("-packages/" in s for cf in info.stage.copy_from for s in cf.sources):
            return True
        if info.stage.base_stage is None:
            return False
        info = a.stages[info.stage.base_stage]


#: check modules imported only when the Dockerfile can need them, so that a one-file lint starts sooner (issue 9's
#: speed): module -> (the checks it registers, whether the analysis can need them). The others register at import.
ON_DEMAND = {
    "cibuilds": (("ci-built-files-on-older-glibc",), _ci_built),  # MI425
    "loaderpath": (("library-copied-by-link-name",), _installs_and_copies),  # MI497
    "prefixlibs": (("library-outside-loader-path",), _installs_somewhere),  # MI496
    "nodeabi": (("node-addon-across-node-abi",), lambda a: bool(a.final.pkg_arrivals)),  # MI432
    "pkgcross": (("installed-packages-cross-libc",),  # MI413: from another stage, or from a CI job's install
                 lambda a: any(info.pkg_arrivals for info in a.stages) or bool(context_packages(a))),
    "zonedata": (("named-zones-without-zone-data",),  # MI418: only a final image known to lack zone data
                 lambda a: a.final.profile.known and a.final.profile.tzdata in ("no", "utc-only")),
    "cxxchecks": (("cpp-runtime-unverified",),  # MI491: only a program that may link C++ lint cannot confirm
                  lambda a: any(art.cxx_unseen for info in a.stages for art in info.files.values())),
    "appbundles": (("bundled-runtime-without-its-libc", "framework-dependent-dotnet-without-runtime",  # MI420-MI423
                    "bundled-runtime-missing-libraries", "dotnet-without-icu"), _bundles_arrive),
    "loads": (("package-loads-system-library", "package-loads-library-unseen"), _packages_installed),  # MI470, MI490
    "ldcache": (("library-installed-without-ldconfig",), _builds_install),  # MI495
    "sonames": (("library-soname-differs-between-releases",),  # MI450: a glibc final image that copies from a stage
                lambda a: _final_glibc(a) and _copies_from_stages(a)),
    "argscope": (("variable-from-another-stage",), _declares_args),  # MI480
    "pystdlib": (("python-interpreter-without-stdlib",), _copies_python),  # MI493
    "wheellibs": (("wheel-libs-left-out",), _copies_package_dir),  # MI494
    "unexported": (("unexported-build-variable",), lambda a: any(info.lost_env for info in a.stages)),  # MI498
    "users": (("named-user-without-passwd", "named-user-lost-with-copied-passwd"), _names_users),  # MI407, MI424
    "npmscripts": (("install-scripts-skipped",), _node_installs),  # MI443
    "wheelindex": (("glibc-wheel-index-on-musl",), _pip_on_musl),  # MI444
    "rundeps": (("python-rundeps-replaced",),  # MI428: only a RUN that names the Python image's virtual package
                lambda a: any(ins.cmd == "RUN" and ".python-rundeps" in " ".join(ins.args)
                              for stage in a.report.stages for ins in stage.instructions)),
    "alpinerepos": (("apk-repository-ahead-of-image",),  # MI433: a musl (or unknown) final image that installs
                    lambda a: a.final.profile.libc in ("musl", None) and bool(a.final.apk_adds)),
    "alpineskew": (("alpine-release-skew",),  # MI427: a musl final image that installs packages and copies from stages
                   lambda a: a.final.profile.libc == "musl" and bool(a.final.profile.installed) and _copies_from_stages(a)),
}


def _load_needed(a: Analysis) -> None:
    checks = DETECTORS["lint"]
    for module, (names, needed) in ON_DEMAND.items():
        if not all(n in checks for n in names) and needed(a):
            __import__(f"{__name__}.{module}")  # registers its checks (no importlib to import for it)


def lint_report(kb: Knowledge, report: "DockerfileReport", *, file: str | None = None, context_dir: str | None = None,
                ignore: "Iterable[str]" = (), context_cache: dict | None = None) -> list[Finding]:
    """Every finding of every active lint rule for a parsed Dockerfile, ordered by line."""
    if context_dir is not None and any(v is None for _k, v in report.global_args):
        from .buildargs import resolve  # an add-on's FROM $BUILD_FROM: the image its build file names

        report = resolve(report, context_dir)
    analysis = Analysis(kb, report, context_dir, context_cache)
    ignored = {i.upper() for i in ignore} | {i.lower() for i in ignore}
    rules = [r for r in kb.lints.values() if r.status == "active" and r.id not in ignored and r.name not in ignored]
    out: dict[tuple[int, str], Finding] = {}
    name = file or report.path or "Dockerfile"
    for target in (-1, *analysis.targets()):  # the last stage, then each other stage a --target builds
        analysis.target = target
        stage = "" if target == -1 else analysis.final.stage.name
        where = f"in the image of target {stage}: " if stage else ""
        _load_needed(analysis)
        checks = DETECTORS["lint"]
        for rule in rules:
            fn = checks.get(rule.name)
            for hit in (fn(analysis, rule) or ()) if fn is not None else ():
                key = (hit.line, rule.id)
                if key in out:
                    continue
                fix = rule.fix.get(hit.variant) or rule.fix.get("default", "")
                out[key] = Finding(file=name, line=hit.line, rule=rule.id, name=rule.name, severity=rule.severity,
                                   message=where + render(rule.message, hit.values), fix=render(fix, hit.values),
                                   sources=rule.sources, target=stage)
    return sorted(out.values(), key=lambda f: (f.line, f.rule))


def lint_text(kb: Knowledge, text: str, *, file: str = "Dockerfile", context_dir: str | None = None,
              ignore: "Iterable[str]" = ()) -> list[Finding]:
    from ..evidence.dockerfile_parse import parse_dockerfile_text

    return lint_report(kb, parse_dockerfile_text(text, file), file=file, context_dir=context_dir, ignore=ignore)


def lint_paths(kb: Knowledge, paths: "Iterable[str]", *, context: str | None = None, use_context: bool = True,
               ignore: "Iterable[str]" = ()) -> list[LintResult]:
    """Lint each file; a file that cannot be read or parsed gets a result with `error` instead of findings."""
    from ..evidence.dockerfile_parse import parse_dockerfile
    from ..evidence.errors import EvidenceError

    cache: dict = {}
    out = []
    for path in paths:
        try:
            report = parse_dockerfile(path)
        except EvidenceError as e:
            out.append(LintResult(file=path, error=e.to_dict()))
            continue
        ctx = None
        if use_context:
            ctx = context or os.path.dirname(os.path.abspath(path))
        findings = lint_report(kb, report, file=path, context_dir=ctx, ignore=ignore, context_cache=cache)
        out.append(LintResult(file=path, findings=tuple(findings)))
    return out
