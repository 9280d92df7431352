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


#: apk's global options that take a value (apk(8): man.archlinux.org/man/apk.8)
_APK_GLOBAL_VALUE = {"-X", "--repository", "-p", "--root", "--arch", "--cache-dir", "--cache-max-age", "--keys-dir",
                     "--repositories-file", "--progress-fd", "--wait", "--timeout"}


def apk_argv(argv: list[str]) -> list[str]:
    """`apk [global options] COMMAND ARGS` (apk(8): `apk --no-cache add gcompat`) as `apk COMMAND [global options]
    ARGS`, so that the command is always argv[1]; the options keep their values after it."""
    rest, options = argv[1:], []
    while rest and rest[0].startswith("-"):
        options.append(rest.pop(0))
        if options[-1] in _APK_GLOBAL_VALUE and rest:
            options.append(rest.pop(0))
    return [argv[0], *rest[:1], *options, *rest[1:]]


def simple_commands(text: str) -> list[list[str]]:
    """The simple commands of a shell command line, as argv lists (a heuristic split, never raises)."""
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
