"""Why a pip/npm step on Alpine (musl) goes wrong for the native packages it installs (MI408's `{compile}`), by
what the step's stage has and what each package publishes (knowledge/native-packages.yaml):

- `glibc_only` (Node): the package carries prebuilt binaries for glibc only, required by platform and arch and never
  by libc, or a musl-named build that was linked on a glibc host (@matrix-org/matrix-sdk-crypto-nodejs), and has no
  source build (onnxruntime-node's bin/napi-v6/linux/x64/onnxruntime_binding.node, which links
  libonnxruntime.so.1 and needs ld-linux-x86-64.so.2): it installs, then fails at require() whatever the stage has,
  a compiler or gcompat (which lacks the fortified glibc symbols it calls: IrosTheBeggar/mStream#718);
- `glibc_prebuild`: a glibc prebuild picked on musl too (node-gyp-build's, or a .node file the package ships and its
  install script replaces only where it compiles: uws), which gcompat or a compiler avoids; `error`, what its
  loader says then, where it is not the loader's own error;
- no compiler in the stage, or gcc without g++ for a package whose source build is C++;
- with build tools there, only a download named without its libc (node-pre-gyp's default) still goes wrong;
- a step that runs no install scripts (`skipped`: --ignore-scripts) compiles and downloads nothing, so no reason that
  rests on a build (no compiler, no g++, a glibc download) is said: only the prebuilt binaries a package carries
  (`glibc_only`, `glibc_prebuild`) go wrong there, and MI443 names what then has no binding at all.
"""
from __future__ import annotations

from ..detectors import detector
from ..model import LintRule
from .profiles import GLIBC_SHIMS, PY_TOOLS
from .results import Hit
from .runtime import (compiler_at, install_names, locked_versions, musl_build_published, newest_python_wheels,
                      no_cxx_compiler_at, python_of)

TYPE_CHECKING = False
if TYPE_CHECKING:
    from .stages import Analysis, StageInfo

_NODE_TOOLS = ("npm", "yarn", "pnpm")


@detector("lint", "native-packages-on-alpine")
def check_native_alpine(a: "Analysis", rule: LintRule):
    native = a.kb.native_packages
    shimmed: dict[int, list[str]] = {}  # stage -> the packages of it that load only with a glibc shim
    for info in a.stages:
        if info.profile.libc != "musl" or not info.pip_npm:
            continue
        from .loads import download_skipped  # a package whose only binary is a download the build turned off
        from .pybuilt import brought  # the packages a named one brings (`required_by`)

        shim = bool(info.profile.installed & GLIBC_SHIMS)
        for line, tool, args, cwd in info.pip_npm:
            names, locked, _complete = install_names(a, info, tool, args, cwd)
            versions = locked_versions(a, info, tool, cwd, args)
            eco = native.get("node" if tool in _NODE_TOOLS else "python", {})
            via = brought(eco, names) if tool in _NODE_TOOLS and not locked else {}
            locked = [*locked, *via]  # no lockfile: what the named packages bring (`required_by`)
            python = python_of(a, info) if tool in PY_TOOLS else None
            table = {k: e for k, e in eco.items()
                     if not musl_build_published(e, versions.get(k, ""), newest_python_wheels(e, python))
                     and not (shim and (e.get("glibc_prebuild") or e.get("gcompat")))
                     and not (e.get("skip_env") and download_skipped(a, e["skip_env"]))}  # puppeteer's Chromium
            if shim:
                shimmed.setdefault(info.index, []).extend(
                    n for n in dict.fromkeys((*names, *locked)) if eco.get(n, {}).get("gcompat"))
            hits = sorted(dict.fromkeys(n for n in names if n in table))
            hits += sorted(dict.fromkeys(f"{n} (a dependency of {via[n]})" if n in via else
                                         f"{n} (indirect, from the lockfile)" for n in locked
                                         if n in table and n not in names))
            skipped = ""
            if tool in _NODE_TOOLS:  # --ignore-scripts: nothing compiles (kb/lint/npmscripts.py, MI443)
                from .npmscripts import skipped_by

                skipped = skipped_by(a, info, line, tool, args, cwd)
            if hits and (why := musl_failure(info, line, names, locked, table, versions, hits, skipped)):
                hits, tools = why
                yield Hit(line, {"packages": ", ".join(hits), "tool": tool, "image": info.image,
                                 "compile": tools}, "pip" if tool in PY_TOOLS else "npm")
    yield from _shim_left_behind(a, shimmed)


def _shim_left_behind(a: "Analysis", shimmed: dict[int, list[str]]):
    """Packages that load with a glibc shim (`gcompat` with glibc_only), installed in a stage that has gcompat or
    libc6-compat and copied into a musl final image without either (soketi/soketi#741: uWebSockets.js's glibc
    binary, "Error loading shared library ld-linux-x86-64.so.2", once gcompat stayed in the build stage)."""
    final = a.final
    if final.profile.libc != "musl" or final.profile.installed & GLIBC_SHIMS:
        return
    for line, tool, src in dict.fromkeys(final.pkg_arrivals):
        if src in shimmed and shimmed[src] and tool in _NODE_TOOLS:
            packages = list(dict.fromkeys(shimmed[src]))
            names, one = ", ".join(packages), len(packages) == 1
            stage = a.stages[src]
            yield Hit(line, {"packages": names, "tool": tool, "image": stage.image, "compile": (
                f"{names} load{'s' if one else ''} a prebuilt binary linked against glibc, which runs there through "
                f"{' and '.join(sorted(stage.profile.installed & GLIBC_SHIMS))}, but this COPY brings "
                f"{'it' if one else 'them'} into "
                f"{final.image}, which has neither gcompat nor libc6-compat: expect \"Error loading shared library "
                "ld-linux-x86-64.so.2\" at require() (install gcompat in this stage too)")}, "npm")


def musl_failure(info: "StageInfo", line: int, names, locked, table: dict, versions: dict,
                 hits: list[str], skipped: str = "") -> tuple[list[str], str] | None:
    """(the packages to name, why they fail) for the step at `line`, or None when they compile and run."""
    every = list(dict.fromkeys((*names, *locked)))
    only = [n for n in every if table.get(n, {}).get("glibc_only")]
    if only:  # fails at run time whatever the stage has: named alone, before any build-time doubt
        s = "s" if len(only) == 1 else ""
        shimmed = all(table[n].get("gcompat") for n in only)  # the table leaves them out where a shim is
        return [h for h in hits if h.split(" ", 1)[0] in only], (
            f"{', '.join(only)} ship{s} prebuilt binaries linked against glibc only (chosen by platform and arch, or "
            f"named for musl but linked on a glibc host) and compile{s} nothing, so the install succeeds and "
            "require() fails: expect \"Error loading shared library ld-linux-x86-64.so.2\" " + (
                "(gcompat or libc6-compat in the image lets them load)" if shimmed else
                "(gcompat does not help: such builds call glibc's own symbols, such as the fortified "
                "__vsnprintf_chk, that gcompat lacks)"))
    glibc = [n for n in every if table.get(n, {}).get("glibc_prebuild")]
    if glibc and (skipped or not compiler_at(info, line)):
        said = [f"{table[n]['error']}\" ({n})" for n in glibc if table[n].get("error")]  # its loader's own words
        expect = "\"" + (said[0] if said else "Error loading shared library ld-linux-x86-64.so.2\"")
        return hits, (f"{', '.join(glibc)} load{'s' if len(glibc) == 1 else ''} a prebuilt binary built for "
                      "glibc, picked by platform and arch, never by libc (node-gyp-build's prebuilds, a .node file "
                      "the package ships), which only a compile at install replaces and "
                      f"{'the step runs no install script (' + skipped + ')' if skipped else 'there is no compiler here'}: "
                      f"expect {expect} at require() (gcompat or libc6-compat, or a compiler here, avoids it)")
    if skipped:  # nothing compiles or downloads: no build can fail (MI443 names a binding left out)
        return None
    from .prebuiltdownload import builds_from_source, downloads_glibc_build

    fetched = [n for n in every if n in table and downloads_glibc_build(table[n], versions.get(n, ""))
               and not builds_from_source(info, line, n)]
    if not compiler_at(info, line):  # a download comes before any build: the glibc one installs, then fails
        built = [h for h in hits if h.split(" ", 1)[0] not in fetched]
        if not fetched:
            return hits, "there is no compiler in this stage, so the build fails for any without one"
        return hits, _downloaded(fetched, "which installs although there is no compiler here") + (
            f"; and there is no compiler in this stage for {', '.join(built)}, so that build fails" if built else "")
    from .pkgversions import compiles_cxx

    cxx = sorted(n for n in every if n in table and compiles_cxx(table[n], versions.get(n, "")))
    if cxx and no_cxx_compiler_at(info, line):
        return hits, (f"gcc is installed but no C++ compiler (g++, or build-base), and {', '.join(cxx)} "
                      f"compile{'s' if len(cxx) == 1 else ''} C++ code, so the build fails")
    # they compile against musl and run; only a download named without its libc does not
    if not fetched:
        return None
    return [h for h in hits if h.split(" ", 1)[0] in fetched], \
        _downloaded(fetched, "and compile{s} nothing although build tools are here")


def _downloaded(fetched: list[str], how: str) -> str:
    s = "s" if len(fetched) == 1 else ""
    return (f"{', '.join(fetched)} download{s} a prebuilt binary named without its libc (on musl, the glibc build) "
            f"{how.format(s=s)}: expect \"Error relocating ...: symbol not found\" (or a crash) "
            "at require() (npm rebuild NAME --build-from-source, with build tools, compiles it for musl)")
