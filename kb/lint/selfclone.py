"""A stage that fetches the build context's own repository and builds it: `git clone https://github.com/OWNER/REPO`
(or `go get github.com/OWNER/REPO`) where the context's go.mod says `module github.com/OWNER/REPO` (simple-torrent's
Dockerfile clones boypt/simple-torrent, the repository it sits in). What the clone holds is not in the Dockerfile, but
the context is that repository (at some commit), so lint reads the context's go.mod and source for the build exactly
as if the stage had run `COPY . DIR`: the cgo and library checks (MI403, MI491, MI411, MI460-MI462) then see what the
program links. A clone of any other repository (a fork, a dependency) stays unread: it is not the context.

The walk (kb/lint/stages.py) calls `self_clone` for each `git clone` and `go get` of a stage with a build context;
the context's module path is read once per context. A `go get` that builds what it fetched (GOPATH mode, Go before
1.18) is walked as the `go install` it is.
"""
from __future__ import annotations

import posixpath

from .shellwords import abspath, expand, positional

#: git clone's options that take the next word as their value (`--depth 1`, `-b v1.2`)
_CLONE_VALUE = {"-b", "--branch", "--depth", "-o", "--origin", "-c", "--config", "-j", "--jobs", "--reference",
                "--reference-if-able", "--separate-git-dir", "-u", "--upload-pack", "--template", "--filter",
                "--shallow-since", "--shallow-exclude", "--server-option", "--bundle-uri"}
#: go get's options that take a value (-modfile, -overlay, ...): the rest are flags (-d, -u, -v, -t, -insecure)
_GET_VALUE = {"-modfile", "-overlay", "-pkgdir", "-tags", "-ldflags", "-gcflags", "-mod", "-C"}


def repository(url: str) -> str:
    """HOST/OWNER/REPO of a clone URL (https://, git://, ssh://, git@HOST:OWNER/REPO.git), lower case; "" for a word
    that is no URL lint can read (a variable left unexpanded)."""
    url = url.strip().strip("'\"")
    if not url or "$" in url or "*" in url:
        return ""
    _scheme, sep, rest = url.partition("://")
    if sep:
        url = rest.split("@", 1)[-1] if "@" in rest.split("/", 1)[0] else rest
    elif ":" in url and "@" in url.split(":", 1)[0]:  # scp-like: git@github.com:owner/repo.git
        host, _, path = url.split("@", 1)[1].partition(":")
        url = f"{host}/{path}"
    url = url.split("#", 1)[0].split("?", 1)[0].rstrip("/")
    url = url[:-4] if url.endswith(".git") else url
    return url.lower()


def module_repository(module: str) -> str:
    """The repository path of a Go module path: without its major-version suffix (github.com/o/r/v2), lower case."""
    parts = module.strip().split("/")
    if len(parts) > 3 and parts[-1][:1] == "v" and parts[-1][1:].isdecimal():
        parts.pop()
    return "/".join(parts).lower()


def _context_module(a) -> str | None:
    """The context's go.mod module path, read once per context (kb/lint/prebuilt.py `module_path`)."""
    key = ("go-module", a.context_dir)
    if key not in a.context_cache:
        from .prebuilt import module_path

        a.context_cache[key] = module_path(a.context_dir)
    return a.context_cache[key]


def self_clone(a, info, argv: list[str], cwd: str, env: dict, line: int) -> None:
    """For `git clone URL [DIR]` or `go get PATH` (`argv`, run in `cwd`) of the repository whose go.mod is the build
    context's: the context recorded as copied to where the source lands (the clone's directory; $GOPATH/src/PATH for
    go get), as `COPY . DIR` records it, so the go build after it reads the context's go.mod and source. A `go get`
    that also installs the program (without -d: in GOPATH mode, GO111MODULE=off, or before Go 1.18, whose go get
    still built what it fetched) is walked as the `go install` it runs."""
    module = _context_module(a) if a.context_dir else None
    if not module:
        return
    own, command = module_repository(module), (posixpath.basename(argv[0]), argv[1])
    if command == ("git", "clone"):
        words = positional(argv[2:], takes_value=_CLONE_VALUE)
        url = expand(words[0], env, "$") if words else ""
        if repository(url) != own:
            return
        name = posixpath.basename(url.rstrip("/").rsplit(":", 1)[-1]).removesuffix(".git")  # as git names it
        dest = abspath(expand(words[1], env, "*") if len(words) > 1 else name, cwd)
    elif command == ("go", "get"):
        paths = [repository(expand(w.split("@", 1)[0], env, "$")) for w in positional(argv[2:], _GET_VALUE)]
        if not any(p == own or p.startswith(own + "/") for p in paths):  # the module, a package of it, ./...
            return
        gopath = (env.get("GOPATH") or "/go").split(":", 1)[0]
        dest = posixpath.join(gopath, "src", module)
    else:
        return
    if "*" in dest:
        return
    if "." not in info.context_sources:
        info.context_sources.append(".")
    info.context_dirs.append((dest, "."))
    go = info.profile.go_version
    if command == ("go", "get") and "-d" not in argv and (env.get("GO111MODULE") == "off" or go and go < (1, 18)):
        import shlex

        a._commands(info, shlex.join(["go", "install", *argv[2:]]), cwd, env, line, make_depth=0)
