"""What uv installs, read like pip's steps: `uv pip install|sync ARGS` is pip's install with uv's choice of
environment, `uv sync` installs a project's uv.lock into its environment.

Where the packages go (docs.astral.sh/uv: "Using environments", "Project environment"): `uv pip` takes --target,
--prefix, --system (the interpreter's site-packages), --python PATH (the environment of that interpreter), else the
active VIRTUAL_ENV, else .venv in the current directory; `uv sync` uses UV_PROJECT_ENVIRONMENT, else the project's
.venv. The step is recorded as a pip step (tool "pip") or, for `uv sync`, a locked step (tool "uv") whose packages
are uv.lock's. No pattern here runs over more than one word at a time.
"""
from __future__ import annotations

import posixpath

from .shellwords import abspath, expand, expand_known, pip_dirs

# `StageInfo` in annotations is kb.lint.stages' class: named, never imported (stages imports this module)

#: uv's global options that take a value and may come before its subcommand
_UV_GLOBAL_VALUE = {"--cache-dir", "--directory", "--project", "--config-file", "--color", "--python-preference"}


def _subcommand(argv: list[str]) -> tuple[list[str], dict[str, str]]:
    """`uv [global options] SUB ARGS` as ([SUB, *ARGS], the global options' values)."""
    i, seen = 1, {}
    while i < len(argv) and argv[i].startswith("-"):
        name, eq, value = argv[i].partition("=")
        if name in _UV_GLOBAL_VALUE and not eq:
            seen[name], i = (argv[i + 1] if i + 1 < len(argv) else ""), i + 2
        else:
            seen[name] = value
            i += 1
    return argv[i:], seen


def option_value(args: list[str], *names: str) -> str | None:
    """The value of the first of `names` among `args` (`--python 3.12` or `--python=3.12`), None without one."""
    for i, a in enumerate(args):
        if a in names and i + 1 < len(args):
            return args[i + 1]
        name, eq, value = a.partition("=")
        if eq and name in names:
            return value
    return None


def uv_step(info: "StageInfo", argv: list[str], env: dict, cwd: str, line: int) -> None:
    """Record `uv pip install|sync` (as pip) and `uv sync` (as uv, from uv.lock) in `info`: the step, where its
    packages go, and that it may build source distributions with a compiler."""
    words, opts = _subcommand(argv)
    where = opts.get("--directory") or opts.get("--project") or option_value(words[1:], "--directory", "--project")
    if where:
        cwd = abspath(expand(where, env, "*"), cwd)
    if words[:1] == ["pip"] and words[1:2] in (["install"], ["sync"]):
        args = [expand_known(a, env) for a in words[2:]]  # ".[${EXTRAS}]": the extras an ARG default names
        if any(a in ("-t", "--target", "--prefix") or a.startswith(("--target=", "--prefix=")) for a in args) \
                or "--system" in args:
            dirs = pip_dirs(args, env, cwd)
        else:
            python = option_value(args, "--python", "-p") or ""
            venv = posixpath.dirname(posixpath.dirname(python)) if "/bin/" in python else ""
            dirs = (abspath(expand(venv or env.get("VIRTUAL_ENV") or ".venv", env, "*"), cwd),)
        info.compiles.append((line, "pip install by uv (source builds)"))
        info.pip_npm.append((line, "pip", args, cwd))
        info.pkg_installs.append((line, "pip", dirs))
    elif words[:1] == ["sync"]:
        target = env.get("UV_PROJECT_ENVIRONMENT") or ".venv"
        info.compiles.append((line, "pip install by uv sync (source builds)"))
        info.pip_npm.append((line, "uv", words[1:], cwd))
        info.pkg_installs.append((line, "uv", (abspath(expand(target, env, "*"), cwd),)))


def uv_locked(context_dir: str | None, sub: str = "") -> list[str]:
    """The packages of the uv.lock in `sub` of the build context (PEP 503 names), [] when there is none: each
    `[[package]]` table's `name = "..."` line (dependencies are inline tables, `{ name = ... }`, not lines)."""
    if not context_dir:
        return []
    from ..evidence.errors import read_project_file
    from ..evidence.textscan import pep503

    text = read_project_file(context_dir, posixpath.join(sub, "uv.lock")) or ""
    out, in_package = [], False
    for raw in text.splitlines():
        stripped = raw.strip()
        if stripped.startswith("["):
            in_package = stripped == "[[package]]"
        elif in_package and raw.startswith("name = "):
            out.append(pep503(raw.split("=", 1)[1].strip().strip('"')))
            in_package = False
    return list(dict.fromkeys(out))



def uv_without_linux_wheels(context_dir: str | None, sub: str = "") -> dict[str, str]:
    """{package: version} of the uv.lock in `sub` whose `[[package]]` table has an sdist and no wheel Linux can
    install (none at all, or only macOS and Windows ones; a pure-Python `-any` wheel is one): `uv sync` builds those
    from source. A lock written with `exclude-newer` before a release's Linux wheels were uploaded keeps it that way
    (saleor/saleor#19194: lxml 6.1.0 with its macOS and Windows wheels only)."""
    if not context_dir:
        return {}
    from ..evidence.errors import read_project_file
    from ..evidence.textscan import pep503

    text = read_project_file(context_dir, posixpath.join(sub, "uv.lock"), _MAX_LOCK) or ""
    out: dict[str, str] = {}
    name = version = ""
    sdist = linux = in_wheels = False

    def done() -> None:
        if name and sdist and not linux:
            out[name] = version

    for raw in text.splitlines():
        line = raw.strip()
        if line == "[[package]]":
            done()
            name, version, sdist, linux, in_wheels = "", "", False, False, False
        elif in_wheels:  # `{ url = "https://.../lxml-6.1.0-cp312-cp312-manylinux_2_28_x86_64.whl", ... }`
            in_wheels = not line.startswith("]")
            url = line.split('"', 2)[1] if line.startswith('{ url = "') else ""
            linux = linux or "linux" in url or url.endswith("-any.whl")  # a platform's, or a pure-Python wheel
        elif line.startswith("name = ") and not name:
            name = pep503(_field(line, "name") or "")
        elif line.startswith("version = ") and not version:
            version = _field(line, "version") or ""
        elif line.startswith("sdist = {"):
            sdist = True
        elif line.startswith("wheels = ["):
            in_wheels = not line.endswith("]")
    done()
    return out


#: a lock's size lint reads for a project's closure: uv.lock files of large projects pass 1 MiB
_MAX_LOCK = 8 << 20


def _field(text: str, key: str) -> str | None:
    """The quoted value of `key = "..."` in one line of uv.lock (`{ name = "numpy", extra = [...] }`)."""
    at = text.find(key + ' = "')
    if at < 0 or at and text[at - 1] not in " {,":
        return None
    start = at + len(key) + 4
    end = text.find('"', start)
    return text[start:end] if end > start else None


def _extras(text: str) -> list[str]:
    """`extra = ["http2", "socks"]` of one dependency line."""
    at = text.find("extra = [")
    if at < 0:
        return []
    inner = text[at + 9:text.find("]", at)]
    return [w.strip().strip('"') for w in inner.split(",") if w.strip().strip('"')]


def _lock_graph(text: str) -> tuple[dict, list[str]]:
    """{(package, extra or ""): [(dependency, its extras)]} and the project packages (source editable or virtual
    ".") of a uv.lock, read line by line as uv writes it: [[package]] tables, their `dependencies = [` lists and the
    lists of their [package.optional-dependencies]; the metadata tables (requires-dist) are not dependencies."""
    from ..evidence.textscan import pep503

    graph: dict[tuple[str, str], list] = {}
    roots: list[str] = []
    name, mode, target = "", "", None
    for raw in text.splitlines():
        line = raw.strip()
        if line.startswith("["):
            if line.startswith("[[package]]"):
                name, mode, target = "", "package", None
            elif line.startswith("[package.optional-dependencies]"):
                mode, target = "optional", None
            elif not line.startswith(("[{", "[ ")) and target is None:
                mode = "other"  # [package.metadata], [package.dev-dependencies], ...
            continue
        if target is not None:
            if line.startswith("]"):
                target = None
            elif (dep := _field(line, "name")) is not None:
                target.append((pep503(dep), _extras(line)))
            continue
        if mode == "package" and line.startswith("name = ") and not name:
            name = pep503(_field(line, "name") or "")
        elif mode == "package" and line.startswith("source = ") and ('editable = "."' in line or 'virtual = "."' in line):
            roots.append(name)
        elif line.endswith("= [") and name and (mode == "package" and line.startswith("dependencies ") or mode == "optional"):
            target = graph.setdefault((name, "" if mode == "package" else pep503(line.split("=", 1)[0].strip())), [])
    return graph, roots


def uv_project_packages(context_dir: str | None, sub: str, extras: list[str]) -> list[str] | None:
    """The packages of the uv.lock in `sub` that installing its project with `extras` brings: the project's
    dependencies and those of the extras asked for, and theirs, through the lock's dependency lists (markers are
    not read: a package one of them leaves out still counts). None when the lock cannot say (no lock, none of its
    packages or several of them the project): then every package of it is the answer (uv_locked). Linear."""
    if not context_dir:
        return None
    from ..evidence.errors import read_project_file
    from ..evidence.textscan import pep503

    graph, roots = _lock_graph(read_project_file(context_dir, posixpath.join(sub, "uv.lock"), _MAX_LOCK) or "")
    if len(roots) != 1:
        return None
    seen: set[tuple[str, str]] = set()
    queue = [(roots[0], "")] + [(roots[0], pep503(e)) for e in extras]
    while queue:  # each (package, extra) once
        key = queue.pop()
        if key not in seen:
            seen.add(key)
            for dep, dep_extras in graph.get(key, ()):
                queue += [(dep, ""), *((dep, pep503(e)) for e in dep_extras)]
    return list(dict.fromkeys(name for name, _ in sorted(seen)))
