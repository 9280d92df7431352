"""Go programs built outside the Dockerfile: a COPY from the build context of a binary named after the context's Go
module (MI411, MI416, MI418).

A project that builds with `go build` (or make, goreleaser) on the host and then runs `docker build` copies the
binary from the context: `COPY otpgateway .`. Lint cannot see how it was linked, but when the context is that Go
module (go.mod at its root), a file named as `go build` names the module's program is that program, and what go.mod
requires tells whether it makes TLS calls. The names: the last path element of the module path that is not a major
version suffix (`go help build`: "the last non-major-version component of the package path"; module
github.com/knadh/otpgateway/v3 builds otpgateway), and the name of each directory under cmd/ (the layout of a module
with several commands), each also with a Linux platform suffix as cross builds name them (NAME-linux-amd64,
NAME_linux_arm64, NAME.linux-amd64; ${TARGETOS} and ${TARGETARCH} as a linux/amd64 build sets them). Anything else
(a file with an extension, another name) is not taken for the program: a correct file that copies data or scripts
stays quiet. A Go project without go.mod (dep's Gopkg.toml, glide.yaml, or a Makefile that runs `go build`) names its
programs by cmd/NAME alone: the directories, and the cmd/NAME paths its Makefile names (`COMMANDS = cmd/gitbase`,
`go build ./cmd/app`); the Makefile's `go build -o PATH` names PATH's file in either case. How the program was built
is kb/lint/hostbuild.py's.
"""
from __future__ import annotations

import os
import posixpath
from itertools import islice

from ..lazyre import lazy
from .builds import GO_ARCHES as _ARCHES, BuiltFile
from .landing import context_copies as stage_context_copies, copies_from_context, into_directory, picking_stages
from .shellwords import abspath, expand

CONTEXT = "the build context"  # BuiltFile.builder of a program copied prebuilt from the build context


def module_path(context_dir: str) -> str | None:
    """The `module` line of the go.mod at the root of the build context, or None; without a go.mod, the import path
    of a glide project (kb/lint/glide.py)."""
    from ..evidence.errors import read_project_file

    text = read_project_file(context_dir, "go.mod")
    if text is None:
        from .glide import glide_package

        return glide_package(context_dir)
    for line in text.splitlines()[:50]:
        word, _, rest = line.split("//", 1)[0].strip().partition(" ")
        if word == "module" and rest.strip():
            return rest.strip().strip('"')
    return None


def _module_name(module: str | None) -> str:
    """The last non-major-version element of a module path ("" for none)."""
    parts = [p for p in (module or "").split("/") if p]
    while len(parts) > 1 and parts[-1][:1] == "v" and parts[-1][1:].isdecimal():
        parts.pop()
    return parts[-1] if parts else ""


def program_names(context_dir: str, module: str) -> set[str]:
    """The names `go build` gives the module's programs: its path's last non-major-version element, and cmd/NAME."""
    names = {_module_name(module)} - {""}
    cmd = os.path.join(context_dir, "cmd")
    try:
        if os.path.isdir(cmd) and not os.path.islink(cmd):
            names.update(n for n in sorted(os.listdir(cmd))[:200] if os.path.isdir(os.path.join(cmd, n)))
    except OSError:
        pass
    return names


def _root_package(context_dir: str) -> bool:
    """Does the build context's top directory hold Go source (a package `go build .` can build)?"""
    try:
        with os.scandir(context_dir) as entries:  # the first 2,000 entries: a huge directory is not read whole
            return any(e.name.endswith(".go") and not e.name.endswith("_test.go") for e in islice(entries, 2000))
    except OSError:
        return False


#: the platform ARGs BuildKit sets in every stage (docs.docker.com/reference/dockerfile/#automatic-platform-args-in-
#: the-global-scope), as a linux/amd64 build sets them: a COPY of build/NAME.${TARGETOS}-${TARGETARCH} names one file
PLATFORM_ARGS = {"TARGETOS": "linux", "TARGETARCH": "amd64", "BUILDOS": "linux", "BUILDARCH": "amd64"}


#: the CPU names of Rust's Linux target triples (rustc --print target-list), as cross builds name their files
_VERSION = lazy(r"\$|v?\d+(?:\.\d+){0,3}")  # a release's version in a file name, or "$" for an open variable
_RUST_ARCHES = {"x86_64", "aarch64", "i686", "armv7", "arm", "riscv64gc", "powerpc64le", "s390x"}


def program_of(base: str, names: set[str], rust: bool = False) -> str | None:
    """The program NAME of `names` the file name `base` is: NAME itself (no extension), NAME-linux-ARCH,
    NAME_linux_ARCH or NAME.linux-ARCH (Go's cross builds), with a version between (NAME-1.4.0-linux-amd64, or
    NAME-$-linux-amd64 where a variable the Dockerfile leaves open stood: ${VERSION}), NAME-ARCH (a release
    workflow's NAME-$TARGETARCH); with `rust`, also NAME-RUSTARCH (NAME-x86_64) and NAME-TRIPLE (NAME-x86_64-unknown-linux-gnu,
    NAME-aarch64-unknown-linux-musl: cargo's --target). None when it is none of them."""
    if base in names and "." not in base:
        return base
    for sep in ("-", "_"):
        stem, _, arch = base.rpartition(sep)
        head, _, goos = stem.rpartition(sep)
        if goos == "linux" and arch in _ARCHES and head in names:
            return head
        name, _, version = head.rpartition(sep)
        if goos == "linux" and arch in _ARCHES and name in names and _VERSION.fullmatch(version):
            return name
        if arch in _ARCHES and stem.endswith(".linux") and stem[:-6] in names:
            return stem[:-6]
        if stem in names and (arch in _ARCHES or rust and arch in _RUST_ARCHES):
            return stem
    if rust:
        for name in names:
            triple = base[len(name) + 1:] if base.startswith(name) and base[len(name):len(name) + 1] in "-_" else ""
            parts = triple.split("-")
            if len(parts) in (3, 4) and parts[0] in _RUST_ARCHES | _ARCHES and "linux" in parts[1:3]:
                return name
    return None


def libc_of_name(base: str) -> str | None:
    """'musl' or 'glibc' when the file name carries a target triple that says (…-linux-musl, …-linux-gnu)."""
    tail = base.rsplit("-linux-", 1)[1] if "-linux-" in base else ""
    return "musl" if tail.startswith("musl") else "glibc" if tail.startswith("gnu") else None


#: files that make a build context without go.mod a Go project (dep, glide, govendor)
_GO_PROJECT = ("Gopkg.toml", "Gopkg.lock", "glide.yaml", "vendor/vendor.json")
#: directories every base image that has a file system has: `COPY prog /bin` puts prog into /bin
_IMAGE_DIRS = {"/bin", "/sbin", "/usr/bin", "/usr/sbin", "/usr/local/bin", "/usr/local/sbin"}


def _makefile_names(a, module: str | None) -> tuple[set[str], dict[str, str]]:
    """(the cmd/NAME names the Makefile mentions, when it runs go or the context has go.mod; the files its go
    commands write -> the package each builds)."""
    text = a._makefile("", None)
    if text is None:
        return set(), {}
    from .hostbuild import go_commands, output_of
    from .makefiles import rule_lines  # its patterns are compiled only where there is a Makefile
    names = set()
    for word in text.replace("'", " ").replace('"', " ").replace("=", " ").split():
        head, sep, name = word.partition("cmd/")
        if sep and head in ("", "./", "/") or head.endswith("/") and sep:
            name = name.split("/", 1)[0]
            if name and all(c.isalnum() or c in "-_." for c in name) and "." not in name:
                names.add(name)
    outputs, go = {}, False
    for _target, line, _raw in rule_lines(text):
        for argv, _env, cwd in go_commands(line):
            go = True
            out, pkg = output_of(argv, module, cwd)
            if out and "*" not in out and "$" not in out:
                outputs[posixpath.basename(out)] = pkg
    return (names if go or module is not None else set()), outputs


def go_binaries(a) -> list[tuple[BuiltFile, int]]:
    """(the program, its COPY line) for each file the final stage copies from the build context whose name is one
    of the context's Go module's programs."""
    return [(art, line) for art, line, _src in copied_programs(a)]


def copied_programs(a) -> list[tuple[BuiltFile, int, str]]:
    """go_binaries, each with the source path of its COPY (bin/app-linux-amd64)."""
    from ..evidence.errors import read_project_file

    if not copies_from_context(a):
        return []  # nothing comes from the build context into the final stage
    released = _goreleaser_copies(a)
    module = module_path(a.context_dir)
    mk_names, outputs = _makefile_names(a, module)
    from .goreleaser import image_binaries, release_named

    in_context = image_binaries(a)  # GoReleaser's dockers: its binaries are in the Docker context, go.mod or not
    if module is None and not mk_names and not outputs and not in_context \
            and all(read_project_file(a.context_dir, f) is None for f in _GO_PROJECT):
        return released
    names = program_names(a.context_dir, module) if module is not None else program_names(a.context_dir, "")
    commands = program_names(a.context_dir, "")  # cmd/NAME: a module without a root package builds cmd/<its name>
    released_names = in_context - names
    names |= mk_names | set(outputs) | released_names
    out, taken = released, {(line, src) for _art, line, src in released}
    for ins, src, base, stem, path in context_copies(a, names):
        if (ins.line, src) in taken:
            continue
        own = stem in names - {_module_name(module)} or stem in commands and not _root_package(a.context_dir)
        release = release_named(a, stem) if stem in released_names else None
        target = outputs.get(base) or (_package(release.main) if release else f"./cmd/{stem}" if own else ".")
        why = f"named after the Go module {module} of the build context" if stem == _module_name(module) \
            else f"the file the Makefile's go build writes ({target})" if base in outputs \
            else f"the binary GoReleaser builds from {release.main} for this Dockerfile" if release \
            else f"named after the command cmd/{stem} of the Go project in the build context"
        out.append((BuiltFile(path=path, lang="go", linkage="unknown", stage=a.final.index, line=ins.line,
                              builder=CONTEXT, builder_release=None, builder_glibc=None, go_dir="",
                              go_target=target, why=why), ins.line, src))
    return out + _picked(a, names, module)


def _picked(a, names: set[str], module: str | None) -> list[tuple[BuiltFile, int, str]]:
    """A program of `names` the final stage copies from a stage that picked it out of the build context
    (landing.picking_stages): the stage COPYs the program's cross builds (a `*` in the file name read as an
    architecture: app-linux-*), and the final stage copies the file of the program's own name from it."""
    out = []
    for cf in picking_stages(a):
        picked = {program_of(posixpath.basename(src.rstrip("/")).replace("*", "amd64"), names)
                  for _line, sources in stage_context_copies(a.report.stages[cf.stage_index]) for src in sources} - {None}
        for src in cf.sources if picked else ():
            base = posixpath.basename(src.rstrip("/"))
            if base in picked:
                dest = cf.dest or "/"
                path = posixpath.join(dest, base) if into_directory(dest) else dest
                why = (f"named after the Go module {module} of the build context" if base == _module_name(module)
                       else "a program of the Go project in the build context") + \
                    f", picked out of the build context by stage {cf.source}"
                out.append((BuiltFile(path=path if path.startswith("/") else "/" + path, lang="go", linkage="unknown",
                                      stage=a.final.index, line=cf.line, builder=CONTEXT, builder_release=None,
                                      builder_glibc=None, go_dir="", go_target=".", why=why), cf.line, src))
    return out


def _package(main: str) -> str:
    """The package a `main:` names: ./cr for cr/main.go, ./cmd/app for ./cmd/app."""
    where = posixpath.normpath(posixpath.dirname(main) if main.endswith(".go") else main or ".")
    return "." if where == "." else "./" + where


def context_copies(a, names: set[str], rust: bool = False):
    """(instruction, source, its file name, the program of `names` it is, where it lands) for each file the final
    stage COPYs or ADDs from the build context (not --from a stage) whose name is a program of `names` as
    `program_of` reads it; a directory of the context of that name (cmd/NAME: its source) is not one, unless
    GoReleaser's `dockers:` builds this Dockerfile from a context of its own, holding the binary of that name."""
    for ins, src, dest, into_dir in _final_context_sources(a):
        base = posixpath.basename(src.rstrip("/"))
        program = program_of(base, names, rust)
        if program is not None and (not os.path.isdir(os.path.join(a.context_dir, src.lstrip("/")))
                                    or not rust and _goreleaser_binary(a, base)):
            yield ins, src, base, program, posixpath.join(dest, base) if into_dir else dest


def _goreleaser_binary(a, name: str) -> bool:
    """Does GoReleaser build this Dockerfile (`dockers:`) with a build whose binary is `name`? Its Docker context is
    a directory of its own with the binaries, where the checkout has the source directory of that name (cr/)."""
    from .goreleaser import builds_image, release_named

    return builds_image(a) and release_named(a, name) is not None


def _final_context_sources(a):
    """(instruction, source, destination, whether a file lands in it under its own name) for each source the final
    stage COPYs or ADDs from the build context, the platform ARGs of its path expanded, and the stage's ARG defaults
    (`ARG BINARY_NAME=soarca`) and ENV values."""
    final = a.final
    scope = {**PLATFORM_ARGS, **{k: v for k, v in final.stage.args if v}, **dict(final.stage.env)}
    cwd = a.stages[final.stage.base_stage].cwd if final.stage.base_stage is not None else "/"
    for ins in final.stage.instructions:
        if ins.cmd == "WORKDIR" and ins.args:
            cwd = abspath(expand(ins.args[0], dict(final.stage.env), "x"), cwd)
        if ins.cmd not in ("COPY", "ADD") or any(f.startswith("--from") for f in ins.flags) or len(ins.args) < 2:
            continue
        dest_raw = ins.args[-1]
        dest = abspath(dest_raw, cwd)
        into_dir = into_directory(dest_raw) or len(ins.args) > 2 or \
            (dest in _IMAGE_DIRS and final.image != "scratch")
        for src in ins.args[:-1]:
            yield ins, expand(src, scope, "$") if "$" in src else src, dest, into_dir


def _goreleaser_copies(a) -> list[tuple[BuiltFile, int, str]]:
    """A file or directory of GoReleaser's dist/ layout the final stage copies (kb/lint/goreleaser.py): the Go
    program a GoReleaser build of the context wrote, at the package its `main:` names."""
    sources = [s for s in _final_context_sources(a) if "dist/" in s[1]]  # dist_program needs dist/PLATFORM
    if not sources:
        return []  # the module and its YAML reading load only for a copy out of dist/
    from .goreleaser import dist_program, program_name, release_of

    out = []
    for ins, src, dest, into_dir in sources:
        if (dist := dist_program(src)) is None:
            continue
        head, name = dist
        release = release_of(a, head, name)
        name = program_name(head, name)
        path = posixpath.join(dest, name) if into_dir or not dist[1] else dest
        why = f"built by GoReleaser: {src} is in its dist layout"
        out.append((BuiltFile(path=path, lang="go", linkage="unknown", stage=a.final.index, line=ins.line,
                              builder=CONTEXT, builder_release=None, builder_glibc=None, go_dir="",
                              go_target=release.main if not isinstance(release, str) else ".", why=why),
                    ins.line, src))
    return out
