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

from .shellwords import abspath, expand, pip_dirs

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
        args = words[2:]
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
