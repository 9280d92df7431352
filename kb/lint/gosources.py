"""What the Go source a stage copies from the build context shows, for kb/lint/builds.py's go_build: whether it uses
cgo, the cgo-only modules go.mod requires, the module's tree (kb/lint/goreach.py), whether C of its own comes in and
a `#cgo LDFLAGS: -static` of its own. Read as kb/lint/context.py reads the context: by the evidence scanners, inside
the context only, bounded.
"""
from __future__ import annotations

import posixpath
from collections.abc import Mapping

from ..evidence.errors import EvidenceError, read_project_file
from .context import MAX_CONTEXT_FILES

TYPE_CHECKING = False
if TYPE_CHECKING:
    from .goreach import GoTree

_USES_CGO = {"go.cgo_import", "go.imports_net", "go.imports_os_user", "go.imports_plugin"}


def go_sources(context_dir: str, sources: list[str], natives: Mapping[str, Mapping[str, dict]]
               ) -> tuple[bool | None, tuple[str, ...], "GoTree | None", bool | None, str]:
    """What the Go source copied from `sources` shows: (does it import C, net, os/user, plugin or a cgo module:
    True, False, or None when a third-party package might; the cgo-only modules its go.mod requires; the module's
    source for kb/lint/goreach.py, None without exactly one go.mod and its `module` line; does C code of its own
    come in: True for an `import "C"` or a cgo module, False when go.mod requires no cgo module and no source read
    imports "C" (the C is then taken for the standard library's alone: runtime/cgo, net, os/user), None without a
    go.mod; FILE:LINE of a `#cgo LDFLAGS: -static` in a file that imports "C", else "")."""
    from ..evidence.project import inspect_project
    from .landing import file_entries

    paths = [s for s in sources if "*" not in s and "$" not in s]
    # a glob in the last component names the context files it matches (`COPY *.go go.mod go.sum ./`)
    paths += [src for _, src in file_entries(context_dir, "/", [s for s in sources if "*" in s and "$" not in s])]
    if not paths:
        return None, (), None, None, ""
    try:
        report = inspect_project(context_dir, natives, paths=paths, max_files=MAX_CONTEXT_FILES, ecosystems=("go",))
    except EvidenceError:
        return None, (), None, None, ""
    cgo_pkgs = tuple(dict.fromkeys(o.value for o in report.find("go.cgo_module")
                                   if posixpath.basename(o.file) == "go.mod"))
    go_files = tuple(f for f in report.files if f.endswith(".go") and not f.endswith("_test.go"))
    from .goreach import local_replacements, module_tree  # only for a module it can walk

    mods = [f for f in report.files if posixpath.basename(f) == "go.mod"]
    local = {d for f in mods for d in local_replacements(f, read_project_file(context_dir, f) or "")} \
        if len(mods) > 1 else set()  # modules beside the built one, which it replaces a dependency with
    tree = module_tree(report, go_files, frozenset(local))
    if tree is None and "." in paths:
        from .glide import glide_tree  # a GOPATH project (no go.mod) copied whole

        tree = glide_tree(context_dir, report, go_files)
    own_c = bool(cgo_pkgs) or any(o.key == "go.cgo_import" or (o.key == "go.cgo_module" and o.file.endswith(".go"))
                                  for o in report.observations)
    if not own_c and (not report.has("go.module") or report.truncated):
        own_c = None
    cgo_files = {o.file for o in report.find("go.cgo_import")}
    static = next((f"{o.file}:{o.line}" for o in report.find("go.cgo_static") if o.file in cgo_files), "")
    if not go_files:
        return (True if cgo_pkgs else None), cgo_pkgs, tree, own_c, static
    if cgo_pkgs or any(o.key in _USES_CGO or (o.key == "go.cgo_module" and o.file.endswith(".go"))
                       for o in report.observations):
        return True, cgo_pkgs, tree, own_c, static
    return (None if report.has("go.third_party_import") else False), cgo_pkgs, tree, own_c, static
