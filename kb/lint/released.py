"""Programs a build stage downloads as the build context's own release (MI411, MI416).

A project's Dockerfile often packages the binary its CI released instead of compiling it: a stage runs `wget
https://github.com/OWNER/NAME/releases/download/${VERSION}/NAME-...-linux-musl.tar.gz`, unpacks it, and the final
stage copies NAME out of it (COPY --from=builder /NAME /). Lint cannot see how that binary was built, but when the
build context is the project (its Cargo.toml names a binary NAME, or its go.mod a program NAME, as `go build` names
them: kb/lint/prebuilt.py), the release is that source built, so what Cargo.toml and go.mod require tells whether
the program makes TLS calls, as for a binary copied prebuilt from the context. A downloaded program is taken for the
project's only when three things agree: the stage downloads a URL (wget, curl, ADD) whose path names the program,
the file the final stage copies has the program's name, and the stage builds no file of that name itself. Any other
downloaded program (a third party's tool) is not known to lint: nothing is said about it.
"""
from __future__ import annotations

import posixpath
import re

from .builds import BuiltFile
from .shellwords import abspath

TYPE_CHECKING = False
if TYPE_CHECKING:
    from .stages import Analysis, StageInfo

_DOWNLOADERS = ("wget", "curl", "aria2c")


def rust_programs(context_dir: str) -> dict[str, str]:
    """name -> where the root Cargo.toml of the build context names it: each [[bin]] name, and the package's own
    name when no [[bin]] is given (Cargo builds src/main.rs under the package name)."""
    from ..evidence.errors import read_project_file

    text = read_project_file(context_dir, "Cargo.toml")
    if not text:
        return {}
    import tomllib  # only where a downloaded program reaches the final image

    try:
        doc = tomllib.loads(text)
    except (tomllib.TOMLDecodeError, RecursionError):
        return {}
    package = doc.get("package") if isinstance(doc.get("package"), dict) else {}
    bins = [b.get("name") for b in doc.get("bin", ()) if isinstance(b, dict) and isinstance(b.get("name"), str)] \
        if isinstance(doc.get("bin"), list) else []
    out = {b: f"Cargo.toml's [[bin]] {b}" for b in bins}
    if not bins and isinstance(package.get("name"), str):
        out[package["name"]] = f"Cargo.toml's package {package['name']}"
    return out


def _go_programs(context_dir: str) -> dict[str, str]:
    from .prebuilt import module_path, program_names

    module = module_path(context_dir)
    if module is None:
        return {}
    return {n: f"a program of the Go module {module}" for n in program_names(context_dir, module)}


def _go_target(context_dir: str, name: str) -> str:
    """The package `go build` made NAME from: ./cmd/NAME when the module has that command, else the module's root."""
    import os

    return f"./cmd/{name}" if os.path.isdir(os.path.join(context_dir, "cmd", name)) else "."


def _downloads(a: "Analysis", info: "StageInfo") -> list[str]:
    """The URLs the stage (and the stages it is FROM) downloads: in RUN texts that run a downloader, and ADD's."""
    urls: list[str] = []
    index: int | None = info.index
    seen = set()
    while index is not None and index not in seen:
        seen.add(index)
        stage = a.stages[index].stage
        for ins in stage.instructions:
            text = " ".join(ins.args)
            if ins.cmd == "RUN" and any(d in text for d in _DOWNLOADERS) or ins.cmd == "ADD":
                urls += re.findall(r"(?:https?|ftp)://[^\s\"'<>|;&)]+", text)
        index = stage.base_stage
    return urls


def _names_it(url: str, name: str) -> bool:
    """Does the URL's path (not its host) name the program (…/rustic/releases/…, rustic-v1.0-x86_64….tar.gz)?"""
    path = url.split("://", 1)[-1].partition("/")[2]
    return re.search(rf"(?<![A-Za-z0-9_]){re.escape(name)}(?![A-Za-z0-9_])", path) is not None


def released_programs(a: "Analysis") -> list[tuple[BuiltFile, int]]:
    """(the program, its COPY line) for each file the final stage copies from a stage that downloaded it as the
    build context's own release (see the module's docstring)."""
    if not a.context_dir:
        return []
    out: list[tuple[BuiltFile, int]] = []
    programs: dict[str, tuple[str, str]] | None = None
    for cf in a.final.stage.copy_from:
        if cf.stage_index is None or cf.dest is None:
            continue
        info = a.stages[cf.stage_index]
        urls = _downloads(a, info)
        if not urls:
            continue
        if programs is None:
            programs = {n: ("rust", w) for n, w in rust_programs(a.context_dir).items()}
            programs.update((n, ("go", w)) for n, w in _go_programs(a.context_dir).items() if n not in programs)
        built = {posixpath.basename(art.path) for art in info.files.values()}
        for src in cf.sources:
            base = posixpath.basename(src.rstrip("/"))
            if base not in programs or base in built or "$" in base:
                continue
            url = next((u for u in urls if _names_it(u, base)), None)
            if url is None:
                continue
            lang, where = programs[base]
            dest = cf.dest
            path = posixpath.join(abspath(dest, "/"), base) if dest.endswith("/") or len(cf.sources) > 1 \
                else abspath(dest, "/")
            why = (f"downloaded in stage {info.stage.name or info.index} from {url.split('?', 1)[0]}: the project's "
                   f"own release, named by {where} in the build context")
            out.append((BuiltFile(path=path, lang=lang, linkage="unknown", stage=cf.stage_index, line=cf.line,
                                  builder=f"a release download ({info.image})", builder_release=None,
                                  builder_glibc=None, go_dir="" if lang == "go" else None,
                                  go_target=_go_target(a.context_dir, base) if lang == "go" else "", why=why), cf.line))
    return out
