"""Go modules that link a prebuilt native library into the program (MI460-MI462).

Some cgo modules do not compile their C code on the builder: they ship it built, and link that. What it was built
against then decides where the program runs, whatever the Dockerfile's images agree on:

* a glibc floor (MI460): a static archive compiled against a newer glibc refers to that glibc's symbol versions,
  so linking on an older glibc fails and a program linked on a newer one stops on an older one with "version
  `GLIBC_2.38' not found" (duckdb-go-bindings' linux libraries for DuckDB 1.3.0: duckdb/duckdb#17632);
* a musl build chosen by a tag (MI461): confluent-kafka-go links its bundled librdkafka built for glibc unless
  `-tags musl` picks the musl one (or `-tags dynamic` the system's), so a build on Alpine fails to link with
  "undefined reference to `__strdup'";
* a shared library in the module cache (MI462): wasmer-go links packaged/lib/linux-amd64/libwasmer.so with an
  rpath into $GOPATH/pkg/mod, so a program copied into another image stops with "libwasmer.so: cannot open shared
  object file" unless the library is copied too.

The modules, the versions and what each needs are data: `go_prebuilt` under native_packages in
knowledge/rules-lint-gomods.yaml. The version is go.mod's `require` of the module the build's source tree
(kb/lint/goreach.py's GoTree) holds; a module whose import the walk from the built package shows absent (the whole
walk visible) is left alone. Only builds with cgo on and a dynamic link are considered (a static link carries its
C library: no floor; CGO_ENABLED=0 does not compile the module's cgo files at all).

go.mod's versions are read by kb/lint/goreach.py.
"""
from __future__ import annotations

import posixpath

from ..detectors import detector
from ..model import LintRule
from ..versions import in_spans, parse_version
from .goreach import required_versions
from .results import Hit

TYPE_CHECKING = False
if TYPE_CHECKING:
    from .builds import BuiltFile
    from .stages import Analysis


def modules_of(a: "Analysis", art: "BuiltFile") -> list[tuple[dict, str]]:
    """The go_prebuilt entries (with the version go.mod requires) that the Go build `art` may link."""
    table = a.kb.native_packages.get("go_prebuilt", {})
    if art.lang != "go" or not table or not a.context_dir or art.linkage not in ("glibc", "musl"):
        return []
    info = a.stages[art.stage]
    tree = a._go_context(info)[2]
    if tree is None:
        return []
    required = required_versions(a, info)
    out = []
    for name, entry in table.items():
        version = required.get(name)
        if version is None or not in_spans(version, entry["versions"]):
            continue
        if set(entry["without_tags"]) & set(art.go_tags):
            continue  # a tag that leaves the prebuilt library out (wasmer-go's custom_wasmer_runtime)
        if _not_reached(a, art, tree, name):
            continue
        out.append((entry, version))
    return out


def _not_reached(a: "Analysis", art: "BuiltFile", tree, module: str) -> bool:
    """Does the walk from the built package show, with the whole walk visible, that it never imports `module`?"""
    from .goreach import cgo_imports_reached, target_dir

    start = target_dir(tree, art.go_target, art.go_dir) if art.go_dir is not None else None
    if start is None or not any(posixpath.dirname(f) == start for f in tree.files):
        return False
    return cgo_imports_reached(a.context_dir, tree, start, (module,), cgo=True) == ()


def _builds(a: "Analysis"):
    """Every Go program a stage builds, once, with the line of its build."""
    seen = set()
    for info in a.stages:
        for art in info.files.values():
            if art.lang == "go" and art.stage == info.index and (art.path, art.line) not in seen:
                seen.add((art.path, art.line))
                yield art


@detector("lint", "go-module-prebuilt-glibc-floor")
def check_glibc_floor(a: "Analysis", rule: LintRule):
    from .checks import _describe, _final_arrivals

    prof = a.final.profile
    for art, line in _final_arrivals(a, built_here=True):
        if art.linkage != "glibc":
            continue
        for entry, version in modules_of(a, art):
            floor = entry["glibc"]
            if not floor:
                continue
            floor_v = parse_version(floor)
            where = []
            if art.builder_glibc and parse_version(art.builder_glibc) < floor_v:
                where.append(f"the builder {art.builder} has glibc {art.builder_glibc}, so the link fails")
            if prof.known and prof.libc == "glibc" and prof.glibc and parse_version(prof.glibc) < floor_v:
                where.append(f"{a.final.image} has glibc {prof.glibc}, so it stops with "
                             f"\"version `GLIBC_{floor}' not found\"")
            if where:
                yield Hit(line, {"what": _describe(art), "module": entry["name"], "version": version,
                                 "floor": floor, "note": entry["note"], "where": "; ".join(where)})


@detector("lint", "go-module-prebuilt-needs-musl-tag")
def check_musl_tag(a: "Analysis", rule: LintRule):
    from .checks import _describe

    for art in _builds(a):
        if art.linkage != "musl":
            continue
        for entry, version in modules_of(a, art):
            tag = entry["musl_tag"]
            if tag and tag not in art.go_tags:
                yield Hit(art.line, {"what": _describe(art), "module": entry["name"], "version": version,
                                     "tag": tag, "note": entry["note"], "builder": art.builder})


@detector("lint", "go-module-prebuilt-shared-library")
def check_shared(a: "Analysis", rule: LintRule):
    from .checks import _describe, _final_arrivals

    final_text = _final_text(a)
    for art, line in _final_arrivals(a):
        for entry, version in modules_of(a, art):
            lib = entry["shared"]
            if lib and lib.split(".so", 1)[0] not in final_text:
                yield Hit(line, {"what": _describe(art), "module": entry["name"], "version": version, "lib": lib,
                                 "note": entry["note"], "image": a.final.image})


def _final_text(a: "Analysis") -> str:
    """The words of the final stage's instructions and of the stages it is built FROM (a COPY or RUN that brings
    the library names it)."""
    words = []
    i = a.final.index
    while i is not None:
        stage = a.stages[i].stage
        for ins in stage.instructions:
            words.extend(str(w) for w in getattr(ins, "args", ()))
        i = stage.base_stage
    return " ".join(words)
