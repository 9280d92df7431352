"""Go projects of the GOPATH era that glide vendored: no go.mod, but glide.yaml's `package:` names the import path
of the project's root, so lint can place the project's own packages as it does a module's (kb/lint/goreach.py
GoTree) and read the program a COPY of the context brings by its name (kb/lint/prebuilt.py module_path).
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
    if not package:
        return None
    from .goreach import GoTree

    own = tuple(f for f in go_files if not f.startswith("vendor/"))
    return GoTree(module=package, root="", files=own, complete=not report.truncated)
