"""Which crates a Rust program of the build context links, for TLS evidence (MI411): the package that builds it
(the root manifest's, or a workspace member's, by its package or [[bin]] name) and the crates Cargo.lock says that
package reaches (`reachable_crates`). A workspace's other members (a benches crate calling
reqwest) say nothing about this program."""
from __future__ import annotations

import os
import posixpath

from ..evidence.errors import read_project_file

MAX_MEMBERS = 200  # workspace members read at most
MAX_LOCK_PACKAGES = 20_000  # a Cargo.lock's packages read at most


def reachable_crates(manifest: str | None, lock: str, optional: bool = True) -> list[str] | None:
    """The crates reachable from the package of `manifest` in `lock`; None when that cannot be told (no [package],
    not in the lock, a file that is not TOML), so that every crate of the lock counts. `optional` False: the build
    turns on no features of its own (no --features, -F or --all-features), so an optional dependency counts only
    when the package's default features turn it on (Cargo.lock lists every optional dependency any feature could
    bring)."""
    import tomllib  # only where a Rust program's crates are read

    try:
        doc, locked = tomllib.loads(manifest or ""), tomllib.loads(lock)
    except (tomllib.TOMLDecodeError, RecursionError):
        return None
    package = doc.get("package")
    name = package.get("name") if isinstance(package, dict) else None
    entries = locked.get("package")
    if not isinstance(name, str) or not isinstance(entries, list):
        return None
    deps = _lock_deps(entries)
    if name not in deps:
        return None
    tables = [doc.get("dependencies")]
    targets = doc.get("target")
    if isinstance(targets, dict):
        tables += [t.get("dependencies") for t in targets.values() if isinstance(t, dict)]
    direct, on = set(), None if optional else _default_enabled(doc.get("features"))
    for table in tables:
        for crate, spec in (table.items() if isinstance(table, dict) else ()):
            renamed = spec.get("package") if isinstance(spec, dict) else None
            if on is not None and isinstance(spec, dict) and spec.get("optional") is True and str(crate) not in on:
                continue  # an optional dependency no default feature turns on: not built
            direct.add(renamed if isinstance(renamed, str) else str(crate))
    if not direct <= deps[name]:
        return None  # the lock does not list what the manifest asks for (another version of the manifest): all count
    return _reached(deps, name, direct)


def _reached(deps: dict[str, set[str]], start: str, direct) -> list[str]:
    """`start`, then every crate reachable in `deps` from its `direct` dependencies."""
    out, todo = [start], sorted(direct)
    seen = {start, *todo}
    while todo:
        crate = todo.pop()
        out.append(crate)
        for d in sorted(deps.get(crate, ()) - seen):
            seen.add(d)
            todo.append(d)
    return out


def _default_enabled(features) -> set[str]:
    """The dependency names the `default` feature turns on, through the features it names ("dep:x", "x", "x/f";
    a weak "x?/f" turns nothing on)."""
    table = features if isinstance(features, dict) else {}
    out, todo, seen = set(), ["default"], {"default"}
    while todo:
        items = table.get(todo.pop())
        for item in items if isinstance(items, list) else ():
            if not isinstance(item, str) or "?/" in item:
                continue
            item = item[4:] if item.startswith("dep:") else item.split("/", 1)[0]
            out.add(item)
            if item in table and item not in seen:
                seen.add(item)
                todo.append(item)
    return out


def _manifests(context_dir: str) -> dict[str, str] | None:
    """Member directory ("" for the root package) -> its Cargo.toml text, for the root manifest of the build context
    and the workspace members it lists (`member_dirs`); None without a readable root manifest."""
    root = read_project_file(context_dir, "Cargo.toml")
    doc = _toml(root)
    if doc is None or root is None:
        return None
    by_dir = {"": root} if isinstance(doc.get("package"), dict) else {}
    for member in member_dirs(context_dir, "", doc.get("workspace")):
        text = read_project_file(context_dir, posixpath.join(member, "Cargo.toml"))
        if text is not None:
            by_dir[member] = text
    return by_dir


def member_dirs(context_dir: str, base: str, workspace) -> list[str]:
    """The member directories (relative to the context) that the [workspace] table of the manifest in `base` lists:
    each path as written and each glob (`crates/*`, as cargo expands it) matched against the context's directories,
    less those `exclude` names; at most MAX_MEMBERS, none outside the context."""
    members = workspace.get("members") if isinstance(workspace, dict) else None
    excluded = workspace.get("exclude") if isinstance(workspace, dict) else None
    skip = {posixpath.normpath(posixpath.join(base, e)) for e in excluded if isinstance(e, str)} \
        if isinstance(excluded, list) else set()
    out: list[str] = []
    for member in members if isinstance(members, list) else ():
        if not isinstance(member, str) or ".." in member.split("/"):
            continue
        found = glob_dirs(context_dir, posixpath.join(base, member.strip("/"))) if any(c in member for c in "*?[") \
            else [posixpath.normpath(posixpath.join(base, member))]
        out += [d for d in found if d not in skip and d not in out]
        if len(out) >= MAX_MEMBERS:
            break
    return out[:MAX_MEMBERS]


def glob_dirs(context_dir: str, pattern: str) -> list[str]:
    """The context's directories a member glob matches, one path component at a time (fnmatch per component, as
    cargo's glob: `*` stays inside one); symbolic links are not followed, so nothing outside the context is read."""
    import fnmatch

    found = [""]
    for part in pattern.split("/"):
        if part in ("", "."):
            continue
        nxt = []
        for rel in found[:MAX_MEMBERS]:
            if not any(c in part for c in "*?["):
                full = os.path.join(context_dir, rel, part)
                if os.path.isdir(full) and not os.path.islink(full):
                    nxt.append(posixpath.join(rel, part))
                continue
            try:
                with os.scandir(os.path.join(context_dir, rel) if rel else context_dir) as entries:
                    names = sorted(e.name for e in entries if e.is_dir(follow_symlinks=False))
            except OSError:
                continue
            nxt += [posixpath.join(rel, n) for n in names if fnmatch.fnmatchcase(n, part)]
        found = nxt
    return [f for f in found if f]


def cargo_programs(a) -> dict[str, str]:
    """program_manifests of the build context of Analysis `a`, read once for all the Dockerfiles of a context."""
    key = ("cargo-programs", a.context_dir)
    if key not in a.context_cache:
        a.context_cache[key] = program_manifests(a.context_dir) if a.context_dir else {}
    return a.context_cache[key]


def program_manifests(context_dir: str) -> dict[str, str]:
    """The programs the build context's Cargo project builds (each package's name and [[bin]] names, of the root
    manifest and of its workspace members) -> the manifest that names it (Cargo.toml, cmd/cli/Cargo.toml); when no
    manifest names one, the workspace's own packages in Cargo.lock -> "Cargo.lock" (`lock_packages`)."""
    out: dict[str, str] = {}
    for where, text in (_manifests(context_dir) or {}).items():
        for name in sorted(_programs(_toml(text) or {})):
            out.setdefault(name, posixpath.join(where, "Cargo.toml"))
    if not out:
        out = dict.fromkeys(lock_packages(read_project_file(context_dir, "Cargo.lock")), "Cargo.lock")
    return out


def lock_packages(lock: str | None) -> dict[str, set[str]]:
    """The packages of Cargo.lock that are the workspace's own (an entry without `source`: not from a registry or
    git) -> the crates each depends on, as the lock lists them; what the members' manifests would say when the
    context has only the lock (their names are the programs cargo builds, unless a [[bin]] renames one)."""
    entries = (_toml(lock) or {}).get("package")
    return _lock_deps(entries, own=True) if isinstance(entries, list) else {}


def lock_crates(lock: str | None) -> set[str]:
    """Every package Cargo.lock lists (registry, git and the workspace's own); empty when there is no readable lock."""
    entries = (_toml(lock) or {}).get("package")
    return set(_lock_deps(entries)) if isinstance(entries, list) else set()


def _lock_deps(entries: list, own: bool = False) -> dict[str, set[str]]:
    """crate -> the crates its Cargo.lock entry depends on (`own`: only the entries without `source`)."""
    deps: dict[str, set[str]] = {}
    for e in entries[:MAX_LOCK_PACKAGES]:
        if isinstance(e, dict) and isinstance(e.get("name"), str) and not (own and "source" in e):
            listed = e.get("dependencies") if isinstance(e.get("dependencies"), list) else []
            deps.setdefault(e["name"], set()).update(str(d).split(" ", 1)[0] for d in listed)
    return deps


def built_crates(context_dir: str, program: str, optional: bool = True) -> set[str] | None:
    """The crates `program` links (with a Cargo.lock; without one, the packages of the members it depends on by
    path and its dependencies' names), or None when lint cannot tell (no manifest naming the program). With no
    manifest naming it, a package of the lock's own named so (`lock_packages`): the crates the lock says it reaches
    (its dev-dependencies among them: the lock does not tell them apart)."""
    lock = read_project_file(context_dir, "Cargo.lock")
    by_dir = _manifests(context_dir)
    for where, text in (by_dir or {}).items():
        if program in _programs(_toml(text) or {}):
            if lock is not None:
                crates = reachable_crates(text, lock, optional)
                return set(crates) if crates else None
            return _path_closure(where, by_dir)
    entries = (_toml(lock) or {}).get("package")
    if not isinstance(entries, list) or program not in _lock_deps(entries, own=True):
        return None
    deps = _lock_deps(entries)
    return set(_reached(deps, program, deps[program]))


def _path_closure(start: str, by_dir: dict[str, str]) -> set[str]:
    """Without a Cargo.lock: the packages of `start` and of the members its path dependencies name, with its
    dependencies' names (a manifest of one of those packages then counts; another member's does not)."""
    out, todo, seen = set(), [start], {start}
    while todo:
        where = todo.pop()
        doc = _toml(by_dir.get(where)) or {}
        out |= _programs({"package": doc.get("package")})
        deps = doc.get("dependencies")
        for name, spec in (deps.items() if isinstance(deps, dict) else ()):
            out.add(str(name))
            path = spec.get("path") if isinstance(spec, dict) else None
            if isinstance(path, str):
                target = posixpath.normpath(posixpath.join(where, path))
                if target in by_dir and target not in seen:
                    seen.add(target)
                    todo.append(target)
    return out


def _programs(doc: dict) -> set[str]:
    """The programs a manifest builds: its package's name and its [[bin]] targets' names."""
    package, bins = doc.get("package"), doc.get("bin")
    names = {package.get("name")} if isinstance(package, dict) else set()
    names |= {b.get("name") for b in bins if isinstance(b, dict)} if isinstance(bins, list) else set()
    return {n for n in names if isinstance(n, str)}


def _toml(text: str | None) -> dict | None:
    import tomllib

    try:
        return tomllib.loads(text) if text is not None else None
    except (tomllib.TOMLDecodeError, RecursionError):
        return None


def of_program(observation, crates: set[str], manifests: dict[str, str]) -> bool:
    """Whether a TLS observation of the build context belongs to the program: a Cargo.lock entry of a crate it
    reaches, or a dependency in the manifest of a package it reaches (`manifests`: manifest file -> package name);
    what is not cargo's (Go source, an https:// URL) is left as it was."""
    base = posixpath.basename(observation.file)
    if base == "Cargo.lock":
        note = observation.note or ""
        return not note.startswith("crate ") or note[len("crate "):] in crates
    if base == "Cargo.toml":
        return manifests.get(observation.file) in crates
    return True
