"""Installed packages copied between stages. A COPY --from of a directory that holds (or lies inside) what a pip or
npm step of the source stage installed brings those packages; so does a COPY of a directory the source stage had
itself received packages into from another stage (`npm ci` in a deps stage, node_modules copied to a builder that
runs the build, then from the builder to the runner). Each arrival names the stage whose step installed the packages,
so the checks that read what was installed (MI413, MI440-MI442) read that stage's steps, however many stages the
directory passed through. Path arithmetic only, no I/O."""
from __future__ import annotations

import posixpath

# `StageInfo` in annotations is kb.lint.stages' class (which imports this module): named, never imported


def _covers(d: str, src: str) -> bool:
    """Does a COPY of `src` take packages installed in `d` (d inside src, or src a part of d)?"""
    return d == src or d.startswith(src.rstrip("/") + "/") or src.startswith(d.rstrip("/") + "/")


def _landed(d: str, src: str, dest: str) -> str:
    """Where the packages of `d` are after `COPY src dest` (a directory's contents land at dest)."""
    if d.startswith(src.rstrip("/") + "/"):
        return posixpath.join(dest, posixpath.relpath(d, src))
    return dest


def copy_packages(info: "StageInfo", src_stage: "StageInfo", src_index: int, src: str, dest: str, line: int) -> None:
    """Record in `info` the packages `COPY --from=<src_stage> src dest` at `line` brings, if it brings any: in
    `pkg_arrivals` (line, tool, the stage that installed them) and in `pkg_copied` (where they now are, tool, that
    stage), which a later COPY from this stage follows."""
    found = next(((d, tool, src_index) for _line, tool, dirs in src_stage.pkg_installs for d in dirs
                  if _covers(d, src)), None)
    if found is None:
        found = next(((d, tool, origin) for d, tool, origin in src_stage.pkg_copied if _covers(d, src)), None)
    if found is None and _NEXT_STANDALONE in src.rstrip("/") + "/":
        # Next.js's `output: "standalone"` copies the node_modules files the server needs into .next/standalone
        # (nextjs.org/docs/app/api-reference/config/next-config-js/output): the stage's node packages go with it
        node = [(d, tool, src_index) for _line, tool, dirs in src_stage.pkg_installs for d in dirs if tool in _NODE]
        node += [(d, tool, origin) for d, tool, origin in src_stage.pkg_copied if tool in _NODE]
        if node:
            info.pkg_arrivals.append((line, node[0][1], node[0][2]))
            info.pkg_copied.append((posixpath.join(dest, "node_modules"), node[0][1], node[0][2]))
            return
    if found is not None:
        d, tool, origin = found
        info.pkg_arrivals.append((line, tool, origin))
        info.pkg_copied.append((_landed(d, src, dest), tool, origin))


_NEXT_STANDALONE = "/.next/standalone/"
_NODE = ("npm", "yarn", "pnpm", "bun")
