"""Where in the build context the Cargo project a stage builds lives, for the checks that read its Cargo.lock and
Cargo.toml (MI412, MI434): the context's top when it has either file, as before; else the directory a COPY put where
the stage's `cargo build` ran (`COPY ./operator /datahaven`, `WORKDIR /datahaven`, `cargo build`: operator/), since
cargo reads the manifest and the lock of the directory it runs in (or of the workspace above it). The run directory
is read back from what the build produces: cargo writes to <project>/target/<profile>/ unless CARGO_TARGET_DIR says
otherwise (kb/lint/builds.py `cargo_build`), so each rust output under a /target/ directory names its project.
"""
from __future__ import annotations

import os

TYPE_CHECKING = False
if TYPE_CHECKING:
    from .stages import Analysis, StageInfo


def _has_cargo(root: str) -> bool:
    return any(os.path.isfile(os.path.join(root, f)) for f in ("Cargo.lock", "Cargo.toml"))


def cargo_context(a: "Analysis", info: "StageInfo | None") -> str | None:
    """The directory (inside the build context) whose Cargo.lock and Cargo.toml describe what stage `info` builds
    with cargo; the context itself when it has one of them, when the stage builds nothing with cargo from a copied
    directory, or when that directory is not in the context."""
    ctx = a.context_dir
    if not ctx or info is None:
        return ctx
    projects = tuple(dict.fromkeys(b.path.split("/target/", 1)[0] for b in info.files.values()
                                   if b.lang == "rust" and b.stage == info.index and "/target/" in b.path))
    # kept by what it is made of: the cache is shared by every Dockerfile of one lint run (stage numbers are not)
    key = ("cargo-context", ctx, projects, tuple(map(tuple, info.context_dirs)))
    if key in a.context_cache:
        return a.context_cache[key]
    found = ctx
    if projects and not _has_cargo(ctx):
        from .hidden import context_path

        real = os.path.realpath(ctx)
        for project in projects:
            rel = context_path(info.context_dirs, project or "/")
            if rel is None or rel == ".":
                continue
            full = os.path.realpath(os.path.join(real, rel))
            if full.startswith(real + os.sep) and os.path.isdir(full) and _has_cargo(full):
                found = full
                break
    a.context_cache[key] = found
    return found
