"""MI403 for Python packages that pip compiled from C++ sources on musl: a release with no musllinux wheel for the
stage's Python (knowledge/native-packages.yaml `python:` entries whose `libs` name libstdc++, their `musl_builds`,
`cxx_versions` and `musl_python`) is built there,
and its extension module links the system's libstdc++.so.6 and libgcc_s.so.1 (grpcio's cygrpc, greenlet, kiwisolver:
readelf -d on such builds). A wheel, musllinux or manylinux, bundles both in NAME.libs instead (Brotli 1.0.9's
musllinux wheel: Brotli.libs/libstdc++-a9383cce.so.6.0.28), so only a source build needs them from the image.

The image that runs the package is the final one: the stage that ran pip when the final image is that stage (or built
FROM it), else a stage the final one copies code from (what pip installed travels with --prefix, --target, a venv or
/usr/local; kb/lint/libraries.py's _brings_code decides what counts as code). An apk del of the build packages takes
libstdc++ and libgcc with g++ (nothing else on python:alpine depends on them).
"""
from __future__ import annotations

from .profiles import PY_TOOLS

TYPE_CHECKING = False
if TYPE_CHECKING:
    from .stages import Analysis, StageInfo


def cxx_source_builds(a: "Analysis", info: "StageInfo") -> list[str]:
    """The packages (with how lint knows the stage installs them) that the stage's pip steps compile from C++ on
    musl: no musllinux wheel for the pinned version (or the newest one this Python gets), and a C++ compiler there
    when the step runs (without one the build fails: MI408)."""
    if info.profile.libc != "musl":
        return []
    from .pkgversions import compiles_cxx, locked_versions, musl_build_published, newest_python_wheels, python_of
    from .pybuilt import _installed
    from .runtime import compiler_at, no_cxx_compiler_at

    steps = [(line, tool, args, cwd) for line, tool, args, cwd in info.pip_npm if tool in PY_TOOLS]
    if not any(compiler_at(info, line) and not no_cxx_compiler_at(info, line) for line, *_ in steps):
        return []
    table = a.kb.native_packages.get("python", {})
    python = python_of(a, info)
    versions: dict[str, str] = {}
    for line, tool, args, cwd in steps:
        versions.update(locked_versions(a, info, tool, cwd, args))
    out = []
    for name, how in _installed(a, info).items():
        entry = table.get(name)
        version = versions.get(name, "")
        if entry and "libstdc++" in entry["libs"] and compiles_cxx(entry, version) and not musl_build_published(
                entry, version, newest_python_wheels(entry, python)):
            pinned = f" {version}" if version else ""
            out.append(f"{name}{pinned}" + ("" if how == "installed there" else f", {how}"))
    return out


def pip_cxx_arrivals(a: "Analysis"):
    """(line, what, stage) for each way C++ that pip compiled on musl reaches the final image: the pip step of the
    final stage's own lineage, or a COPY --from of code from a stage where pip compiled it."""
    from .libraries import _brings_code, _final_copies

    final = a.final
    lineage, i = [], final.index
    while i is not None and len(lineage) <= len(a.stages):
        lineage.append(i)
        i = a.stages[i].stage.base_stage
    for index in reversed(lineage):
        info = a.stages[index]
        built = cxx_source_builds(a, info) if info.pip_npm else []
        if built:
            line = max(ln for ln, tool, _args, _cwd in info.pip_npm if tool in PY_TOOLS)
            yield line, built, info
    seen = set(lineage)
    for cf in _final_copies(a):
        index = cf.stage_index
        if index is None or index in seen or not a.stages[index].pip_npm:
            continue
        src = a.stages[index]
        if _brings_code(a, cf.line, cf.sources, src) and (built := cxx_source_builds(a, src)):
            seen.add(index)
            yield cf.line, built, src
