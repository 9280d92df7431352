"""Crates that Cargo.lock lists but whose C library the program links only with a feature turned on (MI412).

Cargo.lock lists the optional dependencies a crate's features could bring, not only those the build turns on:
defguard's lists libsqlite3-sys through sqlx-sqlite although its Cargo.toml turns on sqlx's postgres feature only.
The `linked_through` of a `rust:` entry of knowledge/native-packages.yaml says, for such a crate, which crates reach
it ("sqlx-sqlite sqlx-core") and which crate/feature pairs make them link it ("sqlx/sqlite-unbundled"). When every
package of Cargo.lock that depends on the crate is one of those, the crate counts only if a Cargo.toml of the context
turns on one of those features; with none visible, lint says nothing of its library. A crate other packages reach
(rusqlite's libsqlite3-sys) counts as before, and so does a lock that names no dependencies (lint cannot tell).
"""
from __future__ import annotations


def lock_dependents(lock: str | None) -> dict[str, set[str]] | None:
    """crate -> the packages of the Cargo.lock text `lock` whose `dependencies` name it ("name" or "name version");
    None when there is no readable lock."""
    if not lock:
        return None
    import tomllib

    try:
        packages = tomllib.loads(lock).get("package")
    except (tomllib.TOMLDecodeError, RecursionError):
        return None
    out: dict[str, set[str]] = {}
    for package in packages if isinstance(packages, list) else ():
        name = package.get("name") if isinstance(package, dict) else None
        deps = package.get("dependencies") if isinstance(package, dict) else None
        for dep in deps if isinstance(name, str) and isinstance(deps, list) else ():
            if isinstance(dep, str) and dep.split():
                out.setdefault(dep.split()[0], set()).add(name)
    return out


def gated_off(entry: dict, crate: str, turned_on: set[str], dependents: dict[str, set[str]] | None) -> bool:
    """Is the crate `crate` (its `rust:` entry) in Cargo.lock only through crates that link it with a feature that no
    Cargo.toml of the context turns on (`turned_on`: crate/feature pairs)?"""
    gates = entry.get("linked_through")
    users = (dependents or {}).get(crate)
    if not gates or not users:
        return False
    for gate in gates:
        through, _, features = gate.partition(":")
        if users <= set(through.split()):
            return not set(features.split()) & turned_on
    return False
