"""What Alpine's apk adds and deletes in a RUN, including a deletion whose package list the RUN computes.

`apk add` records packages in the world file (/etc/apk/world); the packages they depend on come in unrecorded, and
`apk del` removes the named packages and every dependency nothing left in the world needs any more
(https://wiki.alpinelinux.org/wiki/Alpine_Package_Keeper, "Remove a Package"; apk-del(8): "apk del removes
packages from the world and commits the changes", the commit purging what is no longer required). So libstdc++ and
libgcc, pulled in by g++ or build-base, leave with them unless they were added by name. lint's profile keeps the
added names (`Profile.installed`): deleting a name or a virtual group takes it off, and what only it brought is gone.

A RUN that lists the installed packages first (`grep ^P /lib/apk/db/installed > /before`, `apk info > /before`)
and later deletes a list it computes (`diff /before /after | ... | xargs apk del`, `apk del $(...)`) removes
everything added after that first listing: the packages the RUN added since then are taken off. Without such a
listing in the same RUN, a computed list says nothing lint can read, and nothing is removed.
"""
from __future__ import annotations

import posixpath

from .shellwords import APK_ADD_VALUE, apk_argv, positional

# `StageInfo` in annotations is kb.lint.stages.StageInfo, which imports this module: named, never imported

APK_DB = "/lib/apk/db/installed"


def is_snapshot(argv: list[str]) -> bool:
    """Does this command list the installed packages (read the database, `apk info` of nothing, `apk list -I`)?"""
    if any(APK_DB in word for word in argv[1:]):
        return True
    argv = _unredirected(argv)
    if posixpath.basename(argv[0]) != "apk" or len(argv) < 2:
        return False
    argv = apk_argv(argv)
    if argv[1] == "info":
        return not positional(argv[2:], takes_value={"--root", "-p"})
    return argv[1] == "list" and any(a in ("-I", "--installed") for a in argv[2:])


def _unredirected(argv: list[str]) -> list[str]:
    """argv up to its first redirection (`apk info > /before`: the file is no package name)."""
    for i, word in enumerate(argv):
        if word.lstrip("0123456789&").startswith((">", "<")):
            return argv[:i]
    return argv


def deleted(argv: list[str]) -> tuple[list[str], bool] | None:
    """The names an `apk del` (or `xargs ... apk del`) names, and whether its list is computed when it runs (from
    xargs' input, `$(...)` or backquotes); None when the command is no apk del."""
    computed = False
    if posixpath.basename(argv[0]) == "xargs":
        at = next((i for i, a in enumerate(argv) if posixpath.basename(a) == "apk"), None)
        if at is None:
            return None
        argv, computed = argv[at:], True
    if posixpath.basename(argv[0]) != "apk" or len(argv) < 2:
        return None
    argv = apk_argv(argv)
    if argv[1] != "del":
        return None
    names = positional(argv[2:], takes_value={"--root", "-p"})
    if any(n.startswith(("$(", "`")) for n in names):
        computed = True
    return [n for n in names if not n.startswith(("$(", "`")) and not n.endswith((")", "`"))], computed


def added(argv: list[str]) -> tuple[set[str], str | None] | None:
    """The names an `apk add` adds and the virtual group it names (--virtual NAME, -t NAME); None for no apk add."""
    if posixpath.basename(argv[0]) != "apk" or len(argv) < 2:
        return None
    argv = apk_argv(argv)
    if argv[1] != "add":
        return None
    names = {package_name(p) for p in positional(argv[2:], takes_value=APK_ADD_VALUE)}
    group = None
    for i, a in enumerate(argv[2:], 2):
        if a in ("--virtual", "-t") and i + 1 < len(argv) or a.startswith("--virtual="):
            group = a.partition("=")[2] or argv[i + 1]
    return names, group


def package_name(arg: str) -> str:
    """The package an `apk add` argument names: NAME of NAME=VER, NAME>VER...; of a local package file, the name
    abuild gives it, NAME-VER-rREL.apk (sgerrand's glibc-2.30-r0.apk installs the package glibc)."""
    base = posixpath.basename(arg)
    if base.endswith(".apk"):
        parts = base[:-len(".apk")].split("-")
        if len(parts) >= 3 and parts[-1][:1] == "r" and parts[-1][1:].isdigit() and parts[-2][:1].isdigit():
            return "-".join(parts[:-2])
        return base
    return arg.split("=")[0].split(">")[0].split("<")[0]


def apk_step(info: "StageInfo", argv: list[str], line: int, snapshot: set | None) -> set | None:
    """Apply an apk add, apk del or listing of the installed packages to the stage (`snapshot`: the packages
    installed at the RUN's first listing, None before one); returns the snapshot in force after it."""
    prof = info.profile
    add = added(argv)
    if add is not None:
        names, group = add
        prof.installed.update(names)
        if "glibc" in names:  # Alpine has no glibc of its own: sgerrand/alpine-pkg-glibc's, the loader at /lib64
            prof.provided.add("loader-glibc")  # and glibc's libraries under /usr/glibc-compat/lib (its README)
        if group:
            info.virtual[group] = names
        info.apk_adds.append((line, positional(apk_argv(argv)[2:], takes_value=APK_ADD_VALUE)))
        return snapshot
    gone = deleted(argv)
    if gone is not None:
        names, computed = gone
        if computed and snapshot is not None:
            prof.installed &= snapshot  # everything added since the listing
        for name in names:
            prof.installed -= info.virtual.pop(name, set()) | {name}
        return snapshot
    if snapshot is None and is_snapshot(argv):
        return set(prof.installed)
    return snapshot


def deleted_after_build(info: "StageInfo") -> set[str]:
    """The packages apk added at or before the stage's last compile of its own (configure, make, a compiler; not
    pip's or npm's, which kb/lint/pybuilt.py's source_built_needs reads) that are gone by the stage's end: `apk del
    .build-deps` after `./configure && make install` leaves the program linked against their libraries
    (tcely/dockerhub-powerdns#1: mariadb-dev and postgresql-dev deleted, "Error loading shared library
    libmysqlclient.so.18"). A package added at or before that line is taken to be there when it ran, as
    source_built_needs takes pip's."""
    own = [ln for ln, what in info.compiles if not what.startswith(("pip", "npm", "yarn", "pnpm", "cargo", "go"))]
    if not own or not info.apk_adds:
        return set()
    last = max(own)
    return {p.split("=")[0] for ln, pkgs in info.apk_adds if ln <= last for p in pkgs} - info.profile.installed
