"""MI470 and MI490: a Python, Node or conda package that opens a system library without bundling it (`loads` in
knowledge/native-packages.yaml: opencv-python's libGL, python-magic's libmagic, the Chromium build puppeteer
downloads) goes into a final image that lacks the library.

A library counts as there when the final image ships it, when a step installs the Debian or Alpine package that
ships it or one of the packages the entry names as bringing it, or, for a name ending in `+recommends`, when apt
installs that package without --no-install-recommends and before any RUN that writes an apt configuration turning
Recommends off (google-chrome-stable brings libXtst only through at-spi2-core, which libatspi2.0-0 recommends). An
entry's `skip_env` variables, set to anything but false or 0, stop the download that brings the library-opening
binary (PUPPETEER_SKIP_DOWNLOAD), and its `images_with` globs name base images that ship what it opens
(ghcr.io/puppeteer/puppeteer). Its `loads_unless` packages, or extras (name[extra], which a pip step's requirements
name: kb/lint/pyextras.py), bring a copy of their own in the image: psycopg[binary] installs psycopg-binary, whose
wheel carries libpq, where psycopg alone is pure Python and opens the system's libpq.so.5. Its `deps_run` commands,
run by a RUN of the final image (on glibc: they install with apt-get), install what it opens (`playwright install
--with-deps`). A package with `downloads_by` commands opens nothing until a RUN of the final image runs one of them
(`playwright install`: since Playwright 1.38 installing the package downloads no browser), and such a RUN counts as
its install where no pip or npm step shows one. A conda step brings, besides the packages it names, the run
requirements of a named package whose conda-build recipe is in the build context (kb/lint/conda.py `recipe_via`:
`conda install mss` with MSS's meta.yaml brings pyqt), and a conda entry's `loads_unless` are conda packages of the
same steps (conda-forge's libgl, which ships libGL.so.1, for conda's Qt 5).
"""
from __future__ import annotations

import fnmatch
import posixpath
import re

from ..detectors import detector
from ..lazyre import lazy
from ..model import LintRule
from .profiles import lib_stem
from .results import Hit
from .runtime import _installs, _lineage, libraries
from .shellwords import positional, simple_commands

TYPE_CHECKING = False
if TYPE_CHECKING:
    from .stages import Analysis, StageInfo

_RECOMMENDS = "+recommends"
_NO_RECOMMENDS = lazy(r"--no-install-recommends|Install-Recommends[= ]+[\"']?(?:false|0|no)\b", re.I)
#: the line of an apt configuration file that turns Recommends off (APT::Install-Recommends "false";), as echo or
#: printf write it, quotes escaped or not: not the `-o APT::Install-Recommends=false` of one command
_RECOMMENDS_OFF = lazy(r"Install-Recommends\s+\\?[\"']?(?:false|0|no)\b", re.I)


@detector("lint", "package-loads-system-library")
def check_package_loads_system_library(a: "Analysis", rule: LintRule):
    """A Python, Node or conda package that opens a system library at import time without bundling it (`loads` in
    native-packages.yaml: opencv-python's libGL, python-magic's libmagic) goes into a final image without it."""
    prof = a.final.profile
    if prof.known and prof.libc in ("glibc", "musl"):
        yield from _loads_hits(a, {lib_stem(x) for x in prof.libs or ()})


@detector("lint", "package-loads-library-unseen")
def check_package_loads_library_unseen(a: "Analysis", rule: LintRule):
    """MI470 for a final image lint does not know (jupyter/minimal-notebook, a private base): only the Dockerfile's
    own steps can show the library, so a package that opens one that no step installs is said, as unseen."""
    if not a.final.profile.known:
        yield from _loads_hits(a, set())


def _with_recommends(lineage: "list[StageInfo]") -> set:
    """The packages the apt-get/apt install steps of the final image's stages (oldest first) install with their
    Recommends (apt's default), up to a RUN that writes an apt configuration turning them off: the file stays in the
    image, so it holds for that RUN's installs and every later one, in later stages too."""
    out: set = set()
    for text in (info.texts.get(r.line) or r.command or " ".join(r.argv) for info in lineage for r in info.stage.runs):
        if "apt.conf" in text and _RECOMMENDS_OFF.search(text):
            return out
        if "install" not in text or not ("apt-get" in text or "apt " in text):
            continue
        if _NO_RECOMMENDS.search(text) and "apt.conf" in text:
            continue  # an apt configuration in this RUN may turn Recommends off for its installs
        for argv in simple_commands(text):
            at = next((i for i, w in enumerate(argv) if posixpath.basename(w) in ("apt-get", "apt")), None)
            words = argv[at:] if at is not None and all("=" in w or w in ("sudo", "env") for w in argv[:at]) else []
            if "install" not in words:
                continue
            if any(_NO_RECOMMENDS.search(w) for w in words):
                continue
            out.update(p.split("=")[0] for p in positional(words[words.index("install") + 1:], takes_value={"-o", "-t"}))
    return out


def _truthy(value: str | None) -> bool:
    return value is not None and value.strip().strip("'\"").lower() not in ("", "false", "0", "no", "off")


def download_skipped(a: "Analysis", variables) -> bool:
    """Is one of `variables` set to a true value by an ENV of any stage, or on the command line of a RUN?"""
    for info in a.stages:
        env = info.stage.env_dict()
        if any(_truthy(env.get(v)) for v in variables):
            return True
        for run in info.stage.runs:
            text = run.command or " ".join(run.argv)
            for v in variables:
                m = re.search(rf"(?:^|[\s;&|]){re.escape(v)}=(\S*)", text) if v in text else None
                if m and _truthy(m.group(1)):
                    return True
    return False


def _ran(lineage: "list[StageInfo]", commands) -> int | None:
    """The line of the first RUN of the final image's stages with a simple command holding the words of one of
    `commands` in their order (`npx playwright@1.48 install --with-deps chromium` holds `playwright install
    --with-deps`; a word's @VERSION is dropped), or None."""
    wanted = [c.split() for c in commands]
    for info in lineage:
        for run in info.stage.runs:
            text = info.texts.get(run.line) or run.command or " ".join(run.argv)
            if not any(w[0] in text for w in wanted):
                continue  # most RUN lines: none of the commands, not split
            for argv in simple_commands(text):
                argv = [w if w.startswith("@") else w.partition("@")[0] for w in argv]
                if any(_in_order(w, argv) for w in wanted):
                    return run.line
    return None


def _in_order(words: list, argv: list) -> bool:
    rest = iter(argv)
    return all(word in rest for word in words)  # `in` on an iterator consumes it: the words in their order


def _downloads(a: "Analysis", lineage: "list[StageInfo]", steps: list) -> list:
    """(line, ecosystem, [name]) for a package whose `downloads_by` command a RUN of the final image runs where no
    pip or npm step shows its install (`npx playwright install chromium` after an `npm ci` of an unseen lockfile)."""
    named = {n for _line, _eco, names in steps for n in names}
    if any(a.kb.native_packages.get(eco, {}).get(n, {}).get("downloads_by")
           for _line, eco, names in steps for n in names):
        return []  # its install step is the finding (@playwright/test, then `npx playwright install`)
    for eco in ("node", "python"):
        for name, entry in a.kb.native_packages.get(eco, {}).items():
            if entry.get("downloads_by") and name not in named:
                line = _ran(lineage, entry["downloads_by"])
                if line is not None:
                    return [(line, eco, [name])]  # one package names the finding: the others are the same program
    return []


def _loads_hits(a: "Analysis", have: set):
    prof = a.final.profile
    libs = libraries(a.kb)
    lineage = _lineage(a)
    base = a.stages[lineage[0].index].image or ""
    recommends = _with_recommends(lineage)

    def brings(pkg: str) -> bool:
        if pkg.endswith(_RECOMMENDS):
            return pkg[:-len(_RECOMMENDS)] in recommends
        return any(p == pkg or fnmatch.fnmatchcase(p, pkg) for p in prof.installed)

    def present(soname: str, apt: str, apk: str, more) -> bool:
        if lib_stem(soname) in have or lib_stem(apt) in have:
            return True  # the image ships it (GLib's libgthread comes with libglib)
        return any(brings(name) for name in (apt, apk, *more)) \
            or any(libs.ships(p, lib_stem(soname), prof.libc == "musl") for p in prof.installed)

    from .conda import recipe_via
    from .pybuilt import brought

    steps = list(_installs(a))
    steps += _downloads(a, lineage, steps)
    installed = {n for _line, eco, names in steps if eco in ("python", "conda") for n in names}  # conda's libgl
    for line, eco, names in steps:
        table = a.kb.native_packages.get(eco, {})
        # cairosvg brings cairocffi; a conda package whose recipe is in the context brings its run requirements
        via = brought(table, names, installed) if eco == "python" else \
            recipe_via(a.context_dir, names) if eco == "conda" else {}
        for name in dict.fromkeys([*names, *via]):
            entry = table.get(name) or {}
            if not entry.get("loads") or any(fnmatch.fnmatchcase(base.lower(), g) for g in entry.get("images_with", ())) \
                    or (entry.get("skip_env") and download_skipped(a, entry["skip_env"])) \
                    or any(n in installed for n in entry.get("loads_unless", ())) \
                    or entry.get("deps_run") and prof.libc != "musl" and _ran(lineage, entry["deps_run"]) \
                    or entry.get("downloads_by") and _ran(lineage, entry["downloads_by"]) is None:
                continue  # psycopg[binary] bundles libpq; `playwright install --with-deps` installs what it opens;
                # without `playwright install` there is no browser to open anything
            missing = [(so, apt, apk) for so, apt, apk, more in entry["loads"] if not present(so, apt, apk, more)]
            if missing:
                musl = prof.libc == "musl"
                program = entry.get("opened_by")  # a program it runs opens them: the loader's own error
                fix = "deps_run" if entry.get("deps_run") else "program"  # a command installs what it opens
                bundled = " or ".join(entry.get("loads_unless", ())[-1:]) or \
                    ("opencv-python-headless" if name.startswith("opencv") and eco != "conda" else "")
                variant = ("conda_own" if bundled else "conda") if eco == "conda" else f"{fix}_musl" if program and musl \
                    else fix if program else ("node_apk" if musl else "node") if eco == "node" else \
                    "apk" if musl else "apt"
                if variant in ("apk", "apt") and not bundled:  # no build of it ships the library (pyside2)
                    variant += "_only"
                first = missing[0][0]
                if program and musl:  # the downloaded build is linked against glibc: musl has no loader for it
                    expect = "Failed to launch the browser process ... ENOENT" if fix == "program" else \
                        "the browser does not start"
                    expect += " (the glibc loader it names is not there)"
                elif program:
                    expect = entry.get("error") or \
                        f"error while loading shared libraries: {first}: cannot open shared object file"
                else:
                    expect = entry.get("error") or f"ImportError: {first}: cannot open shared object file"
                yield Hit(line, {"package": f"{name} (a dependency of {via[name]})" if name in via else name, "libs": ", ".join(so for so, _apt, _apk in missing),
                                 "first": first, "image": a.final.image,
                                 "opens": f"runs {program}, which opens" if program else "opens",
                                 "when": "when it starts" if program else "at require()" if eco == "node" else
                                 "when imported",
                                 "expect": expect,
                                 "bundled": bundled, "deps": ("npx " if eco == "node" else "")
                                 + (entry.get("deps_run") or ("",))[0],
                                 "packages": " ".join(dict.fromkeys(apk if musl else apt
                                                                    for _so, apt, apk in missing))},
                          variant)
                break  # one finding per install step
