"""GoReleaser's output in the build context: which file of its dist/ layout a COPY takes, and how the context's
.goreleaser.yml builds it (MI402, kb/lint/hostchecks.py).

GoReleaser writes each build's binary to dist/ID_OS_ARCH[_VARIANT]/BINARY (dist/app_linux_amd64_v1/app: the build
`app`, GOAMD64=v1) and its archives as dist/NAME_VERSION_OS_ARCH.tar.gz, unpacked into dist/NAME_VERSION_linux_amd64/
(goreleaser.com/customization/builds/go/, the archives' default name template). A Dockerfile that copies from there
copies a Go program GoReleaser built outside Docker. GoReleaser does not turn cgo off: the build's `env:` and the
global `env:` are the environment `go build` gets, and without CGO_ENABLED=0 in them Go's default applies, cgo on
wherever the runner has a C compiler; a binary that imports net then needs glibc (swaggo/swag#1293: a GoReleaser
release that failed on Alpine for want of it).

The configuration is read as YAML (kb/yamlfile.py, bounded), never run: templates ({{ .Env.X }}) stay text.
"""
from __future__ import annotations

import posixpath

from ..lazyre import lazy
from ..records import Data, record
from .context import context_file

CONFIGS = (".goreleaser.yml", ".goreleaser.yaml", "goreleaser.yml", "goreleaser.yaml")
#: a directory of dist/: HEAD_linux_GOARCH, then the GOAMD64, GOARM64, GOARM, GO386, GOMIPS or GOPPC64 variant
_PLATFORM_DIR = lazy(r"(?P<head>[^/]+?)_linux_(?P<arch>amd64|arm64|386|armv[5-7]|arm|ppc64le|ppc64|s390x|riscv64|"
                     r"mips64le|mips64|mipsle|mips|loong64)(?:_(?:v[1-4]|v8\.\d|v9\.\d|[5-7]|sse2|softfloat|"
                     r"hardfloat|power\d+))?")


@record
class Release(Data):
    """The GoReleaser build that writes a copied file, as the configuration says."""

    config: str  # ".goreleaser.yml"
    build: str  # its id ("app"), or "" for the only build, unnamed
    cgo: str | None  # CGO_ENABLED as its env or the global env set it, None when neither does
    ldflags: str  # its ldflags and flags, joined
    tags: str  # its tags, and those of -tags flags, comma-joined
    main: str  # the package it builds (`main:`, "." by default)


def dist_program(src: str) -> tuple[str, str] | None:
    """(the head of its platform directory: the build id, or NAME_VERSION of an archive; the file name, "" for the
    directory itself) when the COPY source `src` is in GoReleaser's dist/ layout for a Linux platform, else None."""
    parts = posixpath.normpath(src.lstrip("/")).split("/")
    if parts[0] == "." and len(parts) > 1:
        parts = parts[1:]
    if len(parts) < 2 or len(parts) > 3 or parts[0] != "dist" or any(c in src for c in "*?[$"):
        return None
    found = _PLATFORM_DIR.fullmatch(parts[1])
    return (found["head"], parts[2] if len(parts) == 3 else "") if found else None


def _ids(head: str) -> tuple[str, ...]:
    """The build ids a platform directory's head may be: itself, or the NAME of an archive's NAME_VERSION."""
    name, _, version = head.rpartition("_")
    numbered = version[:1].isdigit() or version[:1] == "v" and version[1:2].isdigit()
    return (head, name) if name and numbered else (head,)


def program_name(head: str, name: str) -> str:
    """The program's file name: `name`, or for a copy of the platform directory itself the build's default binary,
    named after its id (the project's name, as both default to it)."""
    return name or _ids(head)[-1]


def _words(value) -> list[str]:
    """A field that is one string or a list of them, as strings."""
    items = value if isinstance(value, list) else [value] if value is not None else []
    return [str(v) for v in items if isinstance(v, (str, int, float))]


def _cgo(env) -> str | None:
    """The last CGO_ENABLED=VALUE of an env list (a later entry overrides an earlier one)."""
    values = [value.strip() for name, eq, value in (w.partition("=") for w in _words(env))
              if eq and name.strip() == "CGO_ENABLED"]
    return values[-1] if values else None


def _release(config: str, doc: dict, build: dict) -> Release:
    flags = _words(build.get("flags"))
    tags = _words(build.get("tags"))
    for i, flag in enumerate(flags):
        if flag.startswith("-tags="):
            tags.append(flag[6:])
        elif flag == "-tags" and i + 1 < len(flags):
            tags.append(flags[i + 1])
    own, shared = _cgo(build.get("env")), _cgo(doc.get("env"))
    cgo = own if own is not None else shared
    return Release(config, str(build.get("id") or ""), cgo if cgo in ("0", "1") else None,
                   " ".join(_words(build.get("ldflags")) + flags), ",".join(tags), str(build.get("main") or "."))


def config(a) -> tuple[str, dict | None] | None:
    """(the configuration file's name, its document, None when it is not YAML lint reads) of the build context, or
    None when it has none; parsed once per lint run."""
    key = ("goreleaser", a.context_dir)
    if key not in a.context_cache:
        a.context_cache[key] = _parsed(a)
    return a.context_cache[key]


def _parsed(a) -> tuple[str, dict | None] | None:
    for rel in CONFIGS:
        text = context_file(a, rel)
        if text is None:
            continue
        from ..yamlfile import YamlError, parse_yaml  # only where a context has one

        try:
            doc = parse_yaml(text)
        except YamlError:
            return rel, None
        return rel, doc if isinstance(doc, dict) else None
    return None


def _go_builds(doc: dict) -> list[dict]:
    """The Go builds of the configuration (`builder: go`, the default; not skipped); one unnamed build when it has
    no `builds:` (GoReleaser's default)."""
    builds = doc.get("builds")
    if builds is None:
        return [{}]
    return [b for b in builds if isinstance(b, dict) and str(b.get("builder") or "go") == "go"
            and b.get("skip") is not True] if isinstance(builds, list) else []


def release_of(a, head: str, name: str) -> Release | str:
    """The build of the context's configuration that wrote dist/HEAD_linux_ARCH/NAME (its id is HEAD, or its
    binary NAME), or why lint cannot tell which."""
    found = config(a)
    if found is None:
        return "the build context has no .goreleaser.yml: GoReleaser's defaults leave CGO_ENABLED to Go's default"
    rel, doc = found
    if doc is None:
        return f"lint cannot read {rel} as YAML"
    builds = _go_builds(doc)
    ids = _ids(head)
    project = str(doc.get("project_name") or "")
    for build in builds:  # a build's id defaults to the project's name
        if str(build.get("id") or project) in ids:
            return _release(rel, doc, build)
    for build in builds:
        if name and posixpath.basename(str(build.get("binary") or project)) == name:
            return _release(rel, doc, build)
    if len(builds) == 1:
        return _release(rel, doc, builds[0])
    return f"none of the builds of {rel} has the id {head}"


def release_named(a, name: str) -> Release | None:
    """The first build of the context's configuration whose `binary:` is `name` (or a template, which can be any
    name), None when it has none."""
    found = config(a)
    if found is None or found[1] is None:
        return None
    rel, doc = found
    project = str(doc.get("project_name") or "")  # a build without `binary:` is named after it (unknown: any name)
    for build in _go_builds(doc):
        binary = str(build.get("binary") or project)
        if not binary or "{{" in binary or posixpath.basename(binary) == name:
            return _release(rel, doc, build)
    return None


def image_binaries(a) -> set[str]:
    """The binaries GoReleaser puts into the Docker context of this Dockerfile, when its `dockers:` builds it: each
    Go build's `binary:` (the project's name without one), templates left out."""
    found = config(a) if builds_image(a) else None
    if found is None:
        return set()
    project = str(found[1].get("project_name") or "")
    names = (str(build.get("binary") or project) for build in _go_builds(found[1]))
    return {posixpath.basename(n) for n in names if n and "{{" not in n}


def builds_image(a) -> bool:
    """Does the context's configuration build this Dockerfile with its `dockers:` (or `dockers_v2:`) section? Then
    GoReleaser copies its builds' binaries into the Docker build context, and a COPY of one takes GoReleaser's, not a
    Makefile's (goreleaser.com/customization/docker/: `dockerfile` defaults to Dockerfile). Matched by file name."""
    found = config(a)
    if found is None or found[1] is None:
        return False
    name = posixpath.basename(a.report.path or "Dockerfile")
    for section in ("dockers", "dockers_v2"):
        entries = found[1].get(section)
        for entry in entries if isinstance(entries, list) else ():
            if isinstance(entry, dict) and posixpath.basename(str(entry.get("dockerfile") or "Dockerfile")) == name:
                return True
    return False
