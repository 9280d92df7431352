"""MI413: Python or Node packages installed in one stage and copied into an image of another libc, or of an older
glibc: the wheels and prebuilt addons pip and npm picked are built for the libc they ran on.

Judged where the packages are copied to: the final stage, and any other stage on a Python or Node image (`docker
build --target` makes it the image, and such a stage is there to run them). A stage on another image that only
collects the packages (a COPY into alpine, then on to the final stage) is not judged: the final stage's COPY is.
"""
from __future__ import annotations

from ..detectors import detector
from ..model import LintRule
from ..versions import parse_version
from .checks import _floating
from .profiles import PY_TOOLS
from .pyversion import python_minor
from .results import Hit
from .runtime import install_names

# `Analysis` and `StageInfo` in annotations are kb.lint.stages' classes: named, never imported here


def _runs_packages(a: "Analysis", info: "StageInfo") -> bool:
    """Is the stage the final one, or on an image that runs Python or Node (so `--target` gives a runnable image)?"""
    if info is a.final:
        return True
    return python_minor(a, info.index) is not None or any(p.endswith("/node") for p in info.profile.programs)


@detector("lint", "installed-packages-cross-libc")
def check_packages_cross_libc(a: "Analysis", rule: LintRule):
    for info in a.stages:
        fprof = info.profile
        if not fprof.known or not info.pkg_arrivals or not _runs_packages(a, info):
            continue
        for line, tool, src in info.pkg_arrivals:
            sprof = a.stages[src].profile
            if not sprof.known or sprof.libc not in ("glibc", "musl"):
                continue
            values = {"tool": tool, "builder": a.stages[src].image,
                      "image": info.image, "builder_libc": sprof.libc_named,
                      "image_libc": fprof.libc_named, "natives": _compiled(a, a.stages[src], tool),
                      "floating": _floating(a, sprof, fprof)}
            if sprof.libc == "glibc" and fprof.libc == "glibc":
                if sprof.glibc and fprof.glibc and parse_version(sprof.glibc) > parse_version(fprof.glibc):
                    yield Hit(line, values, "skew")
            elif sprof.libc != fprof.libc:
                values["floating"] = ""  # glibc or musl does not move with a tag's date
                yield Hit(line, values, "libc")
    yield from _from_ci(a)


def _from_ci(a: "Analysis"):
    """Node packages a CI job installed on its runner (glibc) before building this Dockerfile, copied from the build
    context into the final image (PhenX/playwright-dashboard: a Nuxt .output built by `npm ci && npm run build` on
    ubuntu-latest, better-sqlite3 inside, run on node:22-alpine); said only when the lockfile of the directory the
    job installed in names a package native-packages.yaml knows to carry compiled code."""
    from . import context_packages
    from .cibuilds import ci_installer
    from .context import locked_packages, package_json

    copies, fprof = context_packages(a), a.final.profile
    found = ci_installer(a) if copies and fprof.known else None
    if found is None:
        return
    builder, release, tool, sub = found
    runner = a.kb.releases.get(release, {}).get("glibc")
    table = a.kb.native_packages.get("node", {})
    runs = set(package_json(a.context_dir, sub))  # its dependencies, not devDependencies: what the server runs
    names = sorted((n for n in dict.fromkeys(locked_packages(a.context_dir, tool, sub)) if n in table),
                   key=lambda n: n not in runs)  # named first, build tools after
    if not runner or not names:
        return
    if fprof.libc == "musl":
        variant = "libc"
    elif fprof.libc == "glibc" and fprof.glibc and parse_version(runner) > parse_version(fprof.glibc):
        variant = "skew"
    else:
        return
    line, _source = copies[0]
    yield Hit(line, {"tool": tool, "builder": builder, "builder_libc": f"glibc {runner}", "image": a.final.image,
                     "image_libc": fprof.libc_named, "natives": _named(names), "floating": ""}, variant)


def _compiled(a: "Analysis", info: "StageInfo", tool: str) -> str:
    """'; X and Y among them have compiled code' for the packages the stage's `tool` steps name (or lock) that
    native-packages.yaml knows to ship compiled code; '' when lint sees none (the list is not visible)."""
    eco = "python" if tool in PY_TOOLS else "node"
    table = a.kb.native_packages.get(eco, {})
    names: list[str] = []
    for _line, step_tool, args, cwd in info.pip_npm:
        if step_tool == tool:
            direct, locked, _complete = install_names(a, info, step_tool, args, cwd)
            names += [n for n in (*direct, *locked) if n in table]
    return _named(list(dict.fromkeys(names)))


def _named(names: list[str]) -> str:
    """'; X and Y among them have compiled code' ('' for none)."""
    if not names:
        return ""
    shown = ", ".join(names[:-1]) + " and " + names[-1] if 1 < len(names) <= 4 else \
        ", ".join(names[:4]) + (f" and {len(names) - 4} more" if len(names) > 4 else "")
    return f"; {shown} among them {'has' if len(names) == 1 else 'have'} compiled code"
