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

from .runtime import compiler_at, no_cxx_compiler_at

TYPE_CHECKING = False
if TYPE_CHECKING:
    from .stages import StageInfo


def musl_failure(info: "StageInfo", line: int, names, locked, table: dict, versions: dict,
                 hits: list[str], skipped: str = "") -> tuple[list[str], str] | None:
    """(the packages to name, why they fail) for the step at `line`, or None when they compile and run."""
    every = list(dict.fromkeys((*names, *locked)))
    only = [n for n in every if table.get(n, {}).get("glibc_only")]
    if only:  # fails at run time whatever the stage has: named alone, before any build-time doubt
        s = "s" if len(only) == 1 else ""
        return [h for h in hits if h.split(" ", 1)[0] in only], (
            f"{', '.join(only)} ship{s} prebuilt binaries linked against glibc only (chosen by platform and arch, or "
            f"named for musl but linked on a glibc host) and compile{s} nothing, so the install succeeds and "
            "require() fails: expect \"Error loading shared library ld-linux-x86-64.so.2\" (gcompat does not help: "
            "such builds call glibc's own symbols, such as the fortified __vsnprintf_chk, that gcompat lacks)")
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
