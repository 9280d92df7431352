"""Go projects of the GOPATH era that glide or dep vendored: no go.mod, but glide.yaml's `package:` names the import
path of the project's root, so lint can place the project's own packages as it does a module's (kb/lint/goreach.py
GoTree) and read the program a COPY of the context brings by its name (kb/lint/prebuilt.py module_path). dep's
Gopkg.toml names no import path; there the project's own imports tell it: the prefix that, cut from the import
paths its source imports, leaves directories of the project (github.com/argoproj/argo-rollouts/utils/metric and
utils/metric/ in the context), agreed by at least two of them.
"""
from __future__ import annotations

import posixpath

TYPE_CHECKING = False
if TYPE_CHECKING:
    from .goreach import GoTree


def glide_package(context_dir: str) -> str | None:
    """The import path glide.yaml's `package:` gives a GOPATH project of the build context's root (glide vendored
    Go dependencies before modules; such a project has no go.mod), or None."""
    from ..evidence.errors import read_project_file

    for line in (read_project_file(context_dir, "glide.yaml") or "").splitlines()[:50]:
        word, _, rest = line.split("#", 1)[0].strip().partition(" ")
        if word == "package:" and rest.strip():
            return rest.strip().strip("'\"")
    return None


def glide_tree(context_dir: str, report, go_files: tuple[str, ...]) -> "GoTree | None":
    """The source of a glide project copied whole (no go.mod anywhere): its own packages, under glide.yaml's
    import path, without the vendored ones."""
    if any(posixpath.basename(f) == "go.mod" for f in report.files):
        return None
    package = glide_package(context_dir)
    if not package and _dep_project(context_dir):
        package = imported_root(report, go_files)
    if not package:
        return None
    from .goreach import GoTree

    own = tuple(f for f in go_files if not f.startswith("vendor/"))
    return GoTree(module=package, root="", files=own, complete=not report.truncated)


def _dep_project(context_dir: str) -> bool:
    """Does the build context's root hold dep's Gopkg.toml or Gopkg.lock?"""
    import os

    return any(os.path.isfile(os.path.join(context_dir, name)) for name in ("Gopkg.toml", "Gopkg.lock"))


def imported_root(report, go_files: tuple[str, ...]) -> str | None:
    """The import path of the project's root, from the imports of its own packages: the prefix most of the
    imported paths that end in a directory of the project share (two at least), or None."""
    dirs = {posixpath.dirname(f) for f in go_files if not f.startswith("vendor/")}
    votes: dict[str, int] = {}
    for o in report.find("go.third_party_import"):
        parts = str(o.value).split("/")
        n = next((n for n in range(1, len(parts)) if "/".join(parts[n:]) in dirs), None)
        if n is not None and "." in parts[0]:
            root = "/".join(parts[:n])
            votes[root] = votes.get(root, 0) + 1
    best = max(votes.items(), key=lambda kv: kv[1], default=(None, 0))
    return best[0] if best[1] >= 2 else None
