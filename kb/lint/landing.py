"""Where a path a COPY or cp names lands: does a source path (maybe a glob) name an artefact, and where does the
copy put it; does the final stage copy anything from the build context. Path arithmetic; the only I/O is one stat of the build
context per single-source COPY (:func:`context_entry`: is the source a file or a directory), one listing of the
directory a glob source names (:func:`file_entries`) and one stat per file landing in a step's directory
(:func:`files_dir`)."""
from __future__ import annotations

import fnmatch
import os
import posixpath

# `Analysis` in annotations is kb.lint.stages' class (which imports this module): named, never imported


def copies_from_context(a: "Analysis") -> bool:
    """Does the final stage COPY or ADD anything from the build context (no --from), itself or through a stage that
    only picks files out of it (picking_stages)? Only such a COPY can bring a program built outside the Dockerfile
    (kb/lint/prebuilt.py), so its readers are imported only then."""
    return bool(a.context_dir) and bool(context_copies(a.final.stage) or picking_stages(a))


def context_copies(stage) -> list[tuple[int, tuple[str, ...]]]:
    """(line, sources) of each COPY/ADD of `stage` (a parsed Stage) from the build context, not --from another."""
    return [(ins.line, tuple(ins.args[:-1])) for ins in stage.instructions
            if ins.cmd in ("COPY", "ADD") and not any(f.startswith("--from") for f in ins.flags) and len(ins.args) >= 2]


def picking_stages(a: "Analysis") -> list:
    """The final stage's COPY --from lines (CopyFrom) whose stage builds nothing and copies files from the build
    context: a stage that picks the platform's file out of prebuilt ones (`COPY app-linux-* ./` then `RUN mv
    app-linux-amd64 app` per TARGETPLATFORM, cloudprober's Dockerfile.pw)."""
    return [cf for cf in a.final.stage.copy_from if cf.instruction == "COPY" and cf.stage_index is not None
            and cf.stage_index != a.final.index and not a.stages[cf.stage_index].files
            and context_copies(a.report.stages[cf.stage_index])]


def context_entry(context_dir: str | None, dest: str, src: str, dest_is_dir: bool) -> tuple[str, str]:
    """(where in the image, the build-context path) for `COPY src dest` of one source path from the build context. A
    directory's files land at dest; a file lands at dest/NAME when dest is a directory (`COPY go.sum .`), so a WORKDIR
    below dest is not inside it. A source the context does not show (a listed context, no context) is taken for a
    directory, as before its kind could be read."""
    if dest_is_dir and context_dir:
        rel = posixpath.normpath(src.lstrip("/")) or "."
        path = os.path.join(context_dir, rel)
        if not rel.startswith("..") and os.path.lexists(path) and not os.path.isdir(path):
            return posixpath.join(dest, posixpath.basename(rel)), src
    return dest, src


def file_entries(context_dir: str | None, dest: str, sources: list) -> list[tuple[str, str]]:
    """(where in the image, the build-context path) of each source of `COPY a.sh b.sh /x/` (a `dest` directory):
    /x/a.sh from a.sh; a glob in the last component only names the context files it matches (`COPY
    backend/package*.json ./backend/`: backend/package.json at dest/package.json), listed when there is a context."""
    out = []
    for src in sources:
        if not any(c in src for c in "*?[$"):
            out.append((posixpath.join(dest, posixpath.basename(src.rstrip("/"))), src))
            continue
        folder, pattern = posixpath.split(posixpath.normpath(src.lstrip("/")))
        if not context_dir or any(c in folder for c in "*?[$") or folder.startswith("..") or "$" in pattern:
            continue
        base, where = os.path.realpath(context_dir), os.path.realpath(os.path.join(context_dir, folder))
        if where != base and not where.startswith(base + os.sep):
            continue  # a symbolic link out of the build context: Docker's COPY never reads there
        try:
            names = sorted(os.listdir(where))
        except OSError:
            continue
        out.extend((posixpath.join(dest, n), posixpath.join(folder, n)) for n in names
                   if fnmatch.fnmatchcase(n, pattern) and os.path.isfile(os.path.join(where, n)))
    return out


def files_dir(context_dir: str | None, entries, cwd: str) -> str | None:
    """The build-context directory the files copied into `cwd` itself came from, when they all came from one
    (`COPY backend/package.json backend/package-lock.json ./` then npm ci: backend), walking the COPYs back to the
    last one that put a whole directory over `cwd`; None when no file, or files from several directories, landed
    there, or when a whole directory was put over `cwd` before them: `COPY api .` then `COPY swagger.yaml
    ./swagger.yaml` still builds in api (caraml-dev/merlin)."""
    dirs = set()
    for dest, src in entries if context_dir else ():
        dest = dest.rstrip("/") or "/"
        if cwd == dest or cwd.startswith(dest.rstrip("/") + "/"):
            return None
        rel = posixpath.normpath(src.lstrip("/"))
        if posixpath.dirname(dest) == cwd and posixpath.basename(dest) == posixpath.basename(rel) \
                and not rel.startswith("..") and os.path.isfile(os.path.join(context_dir, rel)):
            dirs.add(posixpath.dirname(rel))
    return dirs.pop() if len(dirs) == 1 else None


def into_directory(dest_raw: str) -> bool:
    """Is a COPY's or cp's destination written as a directory (DIR/, DIR/., ., ./), so that a file lands in it under
    its own name? `cp /src/app /out/.` puts the program at /out/app, not at /out."""
    return dest_raw.endswith(("/", "/.")) or dest_raw in (".", "./")


def matches(art_path: str, src: str) -> bool:
    """Does the source path `src` (maybe a glob) name the artefact at `art_path` (maybe ending in an unknown name)?"""
    if src == art_path:
        return True
    if "*" in art_path:
        if posixpath.dirname(art_path) == posixpath.dirname(src):
            return True
        return fnmatch.fnmatchcase(src, art_path)
    return any(ch in src for ch in "*?[") and fnmatch.fnmatchcase(art_path, src)


def landing(art_path: str, src: str, dest: str, dest_is_dir: bool) -> str | None:
    """Where `COPY src dest` puts the artefact at art_path, or None if it does not copy it."""
    if matches(art_path, src):
        name = posixpath.basename(art_path if "*" not in art_path else src)
        if "*" in name:
            name = posixpath.basename(art_path)
        return posixpath.join(dest, name) if dest_is_dir else dest
    prefix = src.rstrip("/") + "/"
    if src == "/" or art_path.startswith(prefix):  # a directory: its contents land under dest
        rel = art_path[len(prefix):] if src != "/" else art_path.lstrip("/")
        return posixpath.join(dest, rel)
    if "*" in art_path and posixpath.dirname(art_path) == src.rstrip("/"):
        return posixpath.join(dest, "*")
    return None


def mounts_shell(mounts, shell: str) -> bool:
    """Does one of a RUN's --mount flags bind another image's or stage's directory over the shell's (`--mount=from=
    busybox:latest,src=/bin/,dst=/bin/`, argoproj/argo-workflows on scratch), so the shell-form RUN finds one?"""
    where = posixpath.dirname(shell)
    for mount in mounts:
        fields = dict(f.partition("=")[::2] for f in str(mount).split(","))
        target = fields.get("target") or fields.get("dst") or fields.get("destination") or ""
        if fields.get("from") and posixpath.normpath("/" + target.strip().lstrip("/")) in (where, "/"):
            return True
    return False
