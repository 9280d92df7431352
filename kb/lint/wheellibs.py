"""MI494: one package directory of site-packages (or dist-packages) copied from a stage whose pip installed it
from a wheel that keeps its vendored shared libraries beside it, in NAME.libs, which the copy leaves out.

auditwheel repair (manylinux and musllinux wheels) copies the libraries an extension module links into the wheel,
renamed with a hash (libbz2-a1e77c99.so.1.0.6), and sets the extension's RPATH to $ORIGIN/../NAME.libs: since
auditwheel 3.0 that directory sits beside the package, in site-packages itself (before, NAME/.libs inside it, which
a copy of the package directory keeps: `wheel_libs_since` says from which release, and on which Python pip's newest
release is that new). A COPY --from of site-packages/NAME alone brings the package without them, and `import NAME`
stops at "ImportError: liblzma-51a76f52.so.5.2.4: cannot open shared object file" (checked with pysam 0.24.1's
wheel: its libchtslib NEEDs liblzma and libbz2 from pysam.libs; guigolab/ggsashimi#80, libz). Which
packages' wheels do: `wheel_libs` of knowledge/native-packages.yaml `python:` (the directory's name, after the
distribution; `import` the package directory's, when it is another: pillow's PIL). Quiet when a COPY or ADD of the
chain brings that directory (the whole site-packages, a parent, a pattern naming it) or a RUN of the final image's
stages installs the package again with pip.
"""
from __future__ import annotations

import fnmatch
import posixpath

from ..detectors import detector
from ..model import LintRule
from .pystdlib import final_chain, stage_copies
from .results import Hit
from .shellwords import abspath

TYPE_CHECKING = False
if TYPE_CHECKING:
    from .stages import Analysis, StageInfo

_PACKAGES_DIRS = ("site-packages", "dist-packages")
_GLOB = "*?["


def _wheel_libs(a: "Analysis") -> dict[str, tuple[str, str, dict]]:
    """package directory name -> (distribution name, its wheels' libraries directory, its entry)."""
    out = {}
    for name, entry in (a.kb.native_packages.get("python") or {}).items():
        libs = entry.get("wheel_libs")
        if libs:
            out[entry.get("import") or name] = (name, libs, entry)
    return out


def _older_wheel(a: "Analysis", index: int | None, dist: str, entry: dict) -> bool:
    """Does the first pip step of stage `index` (or of a stage it is built FROM) that installs `dist` get a release
    older than `wheel_libs_since` says (whose wheel keeps its libraries inside the package, in NAME/.libs): pinned
    below its first version, or unpinned on a Python older than the one whose newest release has NAME.libs? A
    range (numpy<2) is taken as new enough."""
    since = entry.get("wheel_libs_since")
    if not since:
        return False
    from ..evidence.textscan import pep503
    from ..versions import parse_version
    from .pkgversions import locked_versions, python_of
    from .runtime import install_names

    first, python = since[0].split()
    while index is not None:
        info = a.stages[index]
        for _line, tool, args, cwd in info.pip_npm:
            if tool != "pip":
                continue
            names, locked, _all = install_names(a, info, tool, list(args), cwd)
            if pep503(dist) not in {pep503(n) for n in (*names, *locked) if n}:
                continue
            version = locked_versions(a, info, tool, cwd, list(args)).get(pep503(dist), "")
            if version.startswith("?"):
                return False
            if version:
                return parse_version(version) < parse_version(first)
            on = python_of(a, info)
            return on is not None and on < tuple(int(p) for p in python.split("."))
        index = info.stage.base_stage
    return False


def _pip_installed(a: "Analysis", index: int) -> set[str]:
    """The packages the pip steps of stage `index` and of the stages it is built FROM name (PEP 503 names)."""
    from ..evidence.textscan import pep503
    from .runtime import install_names

    out: set[str] = set()
    while index is not None:
        info = a.stages[index]
        for _line, tool, args, cwd in info.pip_npm:
            if tool == "pip":
                names, locked, _all = install_names(a, info, tool, list(args), cwd)
                out.update(pep503(n) for n in (*names, *locked) if n)
        index = info.stage.base_stage
    return out


def _brings(src: str, dest: str, target: str) -> bool:
    """Does a COPY of `src` to `dest` put the directory `target` of the source in place: `src` is `target` or a
    parent of it, or a pattern naming one of them?"""
    src = abspath(src, "/").rstrip("/") or "/"
    if any(c in src for c in _GLOB):
        d = target
        while d != "/":
            if fnmatch.fnmatch(d.lower(), src.lower()):
                return True
            d = posixpath.dirname(d)
        return False
    src, target = src.lower(), target.lower()  # Pillow.libs (older wheels) and pillow.libs
    return src == "/" or target == src or target.startswith(src + "/")


def _reinstalled(a: "Analysis", chain: list["StageInfo"], dist: str) -> bool:
    from ..evidence.textscan import pep503

    return any(pep503(dist) in _pip_installed(a, info.index) for info in chain)


@detector("lint", "wheel-libs-left-out")
def check_wheel_libs_left_out(a: "Analysis", rule: LintRule):
    table = _wheel_libs(a)
    if not table:
        return
    chain = final_chain(a)
    copies = [(cfs, sources, dest) for info in chain for _i, cfs, sources, dest, _d in stage_copies(a, info)]
    for cfs, sources, _dest in copies:
        for cf in cfs:
            if cf.stage_index is None:
                continue
            for raw in sources:
                src = abspath(raw, "/").rstrip("/")
                parent, pkg = posixpath.dirname(src), posixpath.basename(src)
                if posixpath.basename(parent) not in _PACKAGES_DIRS or pkg not in table:
                    continue
                dist, libs, entry = table[pkg]
                from ..evidence.textscan import pep503

                if pep503(dist) not in _pip_installed(a, cf.stage_index):
                    continue  # not pip's wheel (a distribution's python3-NAME package links the system's libraries)
                if _older_wheel(a, cf.stage_index, dist, entry):
                    continue  # its libraries are in NAME/.libs, which the copy brings
                libdir = posixpath.join(parent, libs)
                if any(c2.stage_index == cf.stage_index and _brings(s, d, libdir)
                       for c2s, srcs, d in copies for c2 in c2s for s in srcs):
                    continue
                if _reinstalled(a, chain, dist):
                    continue
                yield Hit(cf.line, {"src": src, "stage": cf.source, "package": pkg, "dist": dist, "libs": libs,
                                    "libdir": libdir})
