"""Words of a Dockerfile and its RUN lines: variable expansion, paths, options, simple commands.

Heuristics that never raise. Every pattern runs over user text, so each is linear: `_VAR` stops a `${NAME:-...}`
default at the next `${` (an unclosed one cannot make it rescan the rest of the word), and commands are split on
their separators alone (the parts are stripped afterwards, no `\\s*` around the separator to backtrack over).
"""
from __future__ import annotations

import posixpath
import re
import shlex

_VAR = re.compile(r"\$(?:\{([A-Za-z_][A-Za-z0-9_]*)(?::?[-+](?:[^}$]|\$(?!\{))*)?\}|([A-Za-z_][A-Za-z0-9_]*))")
_SPLIT = re.compile(r"&&|\|\||;|\||\n|(?<![<>&])&(?![&>])")
_ASSIGN = re.compile(r"[A-Za-z_][A-Za-z0-9_]*=")
#: a C compiler's name: gcc, cc, clang, g++, c++, clang++, with a target prefix and a version suffix
CC = re.compile(r"(?:[\w.]+-)*(?:gcc|cc|clang|g\+\+|c\+\+|clang\+\+)(?:-\d+(?:\.\d+)*)?")
#: directories a COPY or cp into means "into the directory" even without a trailing /
BIN_DIRS = {"/bin", "/sbin", "/usr/bin", "/usr/sbin", "/usr/local/bin", "/usr/local/sbin", "/go/bin"}


def expand(word: str, env: dict, unknown: str = "*") -> str:
    """`word` with $NAME and ${NAME...} replaced by their values in `env` (`unknown` when unset or empty)."""
    return _VAR.sub(lambda m: env.get(m.group(1) or m.group(2)) or unknown, word)


def abspath(path: str, cwd: str) -> str:
    return posixpath.normpath(posixpath.join(cwd or "/", path)) if path else cwd


def unquote(v: str) -> str:
    if len(v) >= 2 and v[0] == v[-1] and v[0] in "\"'":
        return v[1:-1]
    return v


def is_assignment(word: str) -> bool:
    return _ASSIGN.match(word) is not None


def positional(args: list[str], takes_value: set) -> list[str]:
    """The arguments that are not options (nor the values of the options in `takes_value`)."""
    out, skip = [], False
    for a in args:
        if skip:
            skip = False
            continue
        if a.startswith("-"):
            if a in takes_value:
                skip = True
            continue
        out.append(a)
    return out


_SPLITS: dict[str, tuple[tuple[str, ...], ...]] = {}  # RUN text -> its commands: the walk and MI440 both split it


def simple_commands(text: str) -> list[list[str]]:
    """The simple commands of a shell command line, as argv lists (a heuristic split, never raises)."""
    if len(text) > 65536:
        return _split(text)  # not kept: 512 such texts would hold a lot of memory
    done = _SPLITS.get(text)
    if done is None:
        if len(_SPLITS) >= 512:
            _SPLITS.clear()
        done = _SPLITS[text] = tuple(tuple(argv) for argv in _split(text))
    return [list(argv) for argv in done]


def _split(text: str) -> list[list[str]]:
    text = text.replace("\\\n", " ")
    out = []
    for part in _SPLIT.split(text):
        part = part.strip().lstrip("({").rstrip(")}").strip()
        if not part or part.startswith("#"):
            continue
        try:
            argv = shlex.split(part, comments=True)
        except ValueError:
            argv = part.split()
        if argv:
            out.append(argv)
    return out


def pip_dirs(args: list[str], env: dict, cwd: str) -> tuple[str, ...]:
    """Where `pip install ARGS` puts packages: --target/--prefix/--root, the active venv, else the interpreter's
    site-packages (/usr/local/lib, /usr/lib) and ~/.local for --user."""
    for i, a in enumerate(args[:-1]):
        if a in ("-t", "--target", "--prefix", "--root"):
            return (abspath(expand(args[i + 1], env, "*"), cwd),)
    for a in args:
        if a.startswith(("--target=", "--prefix=", "--root=")):
            return (abspath(expand(a.split("=", 1)[1], env, "*"), cwd),)
    if env.get("VIRTUAL_ENV"):
        return (abspath(env["VIRTUAL_ENV"], cwd),)
    return ("/usr/local/lib", "/usr/lib", "/root/.local", posixpath.join(env.get("HOME") or "/root", ".local"))
