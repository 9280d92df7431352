"""C++ that a program links without a C++ compiler command in sight, and the C++ run-time libraries a final image
has (MI403, MI491).

A Go build with cgo on links C++ when a package it reaches compiles or links C++: the Go modules of
knowledge/native-packages.yaml `go_cxx` (go-libutp's libutp, anacrolix/torrent's root package that imports it,
gorocksdb's RocksDB). Such a program NEEDs libstdc++.so.6, which NEEDs libgcc_s.so.1, unless the external link is
static (`-extldflags '-static'`, or '-static-libstdc++ -static-libgcc'). When the build context holds the Go source,
the packages the build names are walked (kb/lint/goreach.py, cgo files included); an import of such a package is the
proof (MI403). When only go.mod lists the module (its source is not there, or a reached import of another module may
bring it), lint says what it cannot tell (MI491, a warning); when the walk sees all of it and none imports one,
nothing. The check MI491 is in kb/lint/cxxchecks.py.
"""
from __future__ import annotations

import posixpath
import re

from ..lazyre import lazy

TYPE_CHECKING = False
if TYPE_CHECKING:
    from .builds import BuiltFile
    from .profiles import Profile
# `Analysis` and `StageInfo` in annotations are kb.lint.stages' classes, which import this module, and `Libraries`
# kb.lint.libraries' (which imports stages through aptprograms): named, never imported (annotations are not evaluated)

CXX_RUNTIME = frozenset({"libstdc++.so.6", "libgcc_s.so.1"})
CXX_ORDER = ("libstdc++.so.6", "libgcc_s.so.1")  # as the loader meets them: the program NEEDs the first
MAX_GO_MOD_LINES = 5000  # go.mod lines read for its requirements (the file is size-capped when read, too)
_SPACE = lazy(r"[ \t]+")


def have_cxx_runtime(prof: "Profile", libs: "Libraries") -> dict[str, bool]:
    """Does the final image have libstdc++.so.6 and libgcc_s.so.1: its base image (None, not known, counts as
    having them: no rule claims what the catalogue does not), a COPY of the files, or a package its RUN steps
    installed and did not delete: the `runtime` packages of the library table (releases.yaml: libstdc++6, the
    compilers, and programs written in C++ such as nodejs and cmake, which depend on both)."""
    musl = prof.libc == "musl"
    return {"libstdc++.so.6": prof.libstdcxx is not False or "libstdcxx" in prof.provided
                              or any(libs.ships(p, "libstdc++", musl) for p in prof.installed),
            "libgcc_s.so.1": prof.libgcc_s is not False or "libgcc_s" in prof.provided
                             or any(libs.ships(p, "libgcc-s", musl) for p in prof.installed)}


def go_required(text: str) -> list[tuple[str, int]]:
    """(module path, line) of every requirement go.mod lists, direct and `// indirect`, in both forms
    (`require M v` and the lines of a `require (...)` block). One pass over at most MAX_GO_MOD_LINES lines."""
    out: list[tuple[str, int]] = []
    block = False
    for i, raw in enumerate(text.split("\n", MAX_GO_MOD_LINES)[:MAX_GO_MOD_LINES], 1):
        line = raw.split("//", 1)[0].strip()
        if not line:
            continue
        words = _SPACE.split(line)
        if block:
            if words[0] == ")":
                block = False
            elif len(words) >= 2:
                out.append((words[0].strip('"'), i))
        elif words[0] == "require":
            if words[1:2] == ["("]:
                block = True
            elif len(words) >= 3:
                out.append((words[1].strip('"'), i))
    return out


def _flags(argv: list[str]) -> tuple[str, set[str]]:
    """The -ldflags text and the -tags of a `go build|install` command line."""
    ldflags, tags = "", set()
    for i, a in enumerate(argv):
        name, eq, val = a.partition("=")
        if name in ("-ldflags", "--ldflags", "-tags", "--tags"):
            if not eq:
                val = argv[i + 1] if i + 1 < len(argv) else ""
            if name.endswith("tags"):
                tags.update(t for t in re.split(r"[,\s]+", val) if t)
            else:
                ldflags += " " + val
    return ldflags, tags


def go_cxx(a: "Analysis", info: "StageInfo", built: "BuiltFile", argv: list[str], cwd: str,
           context: tuple) -> "BuiltFile":
    """`built` (a Go build with cgo on, linked dynamically) with the C++ run-time libraries it needs when a package
    it reaches links C++, or with what lint cannot tell about it (`cxx_unseen`) when only go.mod shows one."""
    table = a.kb.native_packages.get("go_cxx")
    if built.linkage not in ("glibc", "musl") or not a.context_dir or not table:
        return built
    ldflags, tags = _flags(argv)
    # what the external link leaves dynamic: -static-libstdc++ alone still NEEDs libgcc_s.so.1 (checked with g++ 12)
    words = set(ldflags.replace("'", " ").replace('"', " ").replace("=", " ").split())
    needs = CXX_RUNTIME - {lib for flag, lib in (("-static-libstdc++", "libstdc++.so.6"),
                                                 ("-static-libgcc", "libgcc_s.so.1")) if flag in words}
    if not needs:
        return built
    tree = context[2] if len(context) > 2 else None
    target = built.go_target
    if tree is None or not (target.startswith(".") or "$" in target or target == tree.module
                            or target.startswith(tree.module + "/")):
        return built  # no go.mod the stage copied, or a package of another module (go install tool@v1)
    from ..evidence.errors import read_project_file

    gomod = posixpath.join(tree.root, "go.mod")
    listed = {}
    for mod, line in go_required(read_project_file(a.context_dir, gomod) or ""):
        entry = table.get(mod)
        if entry is not None and not tags & set(entry.get("without_tags", ())):
            listed.setdefault(mod, (entry, f"{gomod}:{line}"))
    if not listed:
        return built
    patterns = tuple(p for mod, (entry, _w) in listed.items() for p in (entry.get("packages") or (mod,)))
    exact = frozenset(p for entry, _w in listed.values() for p in entry.get("packages", ()))
    from .goreach import cgo_imports_reached, target_dir

    seen = None
    start = target_dir(tree, target, a.context_subdir(info, cwd))
    if start is not None:
        seen = cgo_imports_reached(a.context_dir, tree, start, patterns, cgo=True, exact=exact)
    if seen == ():
        return built  # the whole walk is visible and imports none of them
    if seen:
        mod = seen[0].split(" ", 1)[0]
        entry = next((e for m, (e, _w) in listed.items() if mod == m or mod in e.get("packages", ())), None)
        note = f": {entry['note']}" if entry and entry.get("note") else ""
        return built._replace(needs=built.needs | needs,
                              cxx=f"with cgo on it links C++: it imports {seen[0]}{note}")
    if needs != CXX_RUNTIME:
        return built  # the build already links some of it in: it knows there is C++, and MI403 is for what is seen
    mod, (entry, where) = next(iter(listed.items()))
    more = f" (and {len(listed) - 1} more such module{'s' if len(listed) > 2 else ''})" if len(listed) > 1 else ""
    return built._replace(cxx_unseen=f"{where} requires {mod}{more}: {entry.get('note') or 'C++ through cgo'}")


def rust_cxx(a: "Analysis", built: "BuiltFile") -> "BuiltFile":
    """`built` (a cargo build) with libstdc++.so.6 needed too when a crate its program links, by the build context's
    Cargo.lock, links C++ (`libstdc++` among the `libs` of the rust table: librocksdb-sys, link-cplusplus, which
    the cxx bridge depends on). A static link (the musl targets) carries it."""
    if built.linkage not in ("glibc", "musl") or not a.context_dir:
        return built
    table = a.kb.native_packages.get("rust", {})
    from .context import cargo_lock

    for crate in cargo_lock(a.context_dir) or ():
        entry = table.get(crate)
        if entry is not None and "libstdc++" in entry.get("libs", ()):
            return built._replace(needs=built.needs | CXX_RUNTIME,
                                  cxx=f"it links C++: the crate {crate} in Cargo.lock ({entry.get('note')})")
    return built
