"""Words of a Dockerfile and its RUN lines: variable expansion, paths, options, simple commands.

Heuristics that never raise. Every pattern runs over user text, so each is linear: `_VAR` stops a `${NAME:-...}`
default at the next `${` (an unclosed one cannot make it rescan the rest of the word), and commands are split on
their separators in one left-to-right pass that skips what is quoted ('...', "...", `...`, $(...)), so a `|` or
`;` inside an -ldflags string or a command substitution does not cut the command it is part of.
"""
from __future__ import annotations

import posixpath
import shlex

from ..lazyre import lazy

#: $NAME, ${NAME}, ${NAME:-word}; and a positional parameter ($1, ${1}: a script's or a function's argument, which lint
#: does not know), matched so that it expands as any unknown variable does, never as its text
_VAR = lazy(r"\$(?:\{([A-Za-z_][A-Za-z0-9_]*)(?::?[-+](?:[^}$]|\$(?!\{))*)?\}|([A-Za-z_][A-Za-z0-9_]*)|\{[0-9]\}|[0-9])")
_ASSIGN = lazy(r"[A-Za-z_][A-Za-z0-9_]*=")
#: a C compiler's name: gcc, cc, clang, g++, c++, clang++, with a target prefix and a version suffix
CC = lazy(r"(?:[\w.]+-)*(?:gcc|cc|clang|g\+\+|c\+\+|clang\+\+)(?:-\d+(?:\.\d+)*)?")
#: what a RUN that runs a script or reads a list (kb/lint/hidden.py) has in its text: a RUN without any is as it reads
HIDING = ("$(", "`", "xargs", ".sh", "sh ", "bash", "source", ". ", "./", "-c")
#: directories a COPY or cp into means "into the directory" even without a trailing /
BIN_DIRS = {"/bin", "/sbin", "/usr/bin", "/usr/sbin", "/usr/local/bin", "/usr/local/sbin", "/go/bin"}


def expand(word: str, env: dict, unknown: str = "*") -> str:
    """`word` with $NAME and ${NAME...} replaced by their values in `env` (`unknown` when unset or empty)."""
    if "$" not in word:  # most words: no pattern to run (nor to compile, in a one-file lint)
        return word
    return _VAR.sub(lambda m: env.get(m.group(1) or m.group(2)) or unknown, word)


def split_variables(argv: list[str], env: dict) -> list[str]:
    """`argv` with each word that is a whole $NAME or ${NAME} set in `env` replaced by the words of its value: the
    shell's field splitting of an unquoted expansion (buildDeps='gcc libpq-dev' ... apt-get install $buildDeps)."""
    if not any("$" in word for word in argv):
        return argv
    out = []
    for word in argv:
        m = _VAR.fullmatch(word) if word.startswith("$") else None
        value = env.get(m.group(1) or m.group(2)) if m else None
        out.extend(value.split() if value is not None else (word,))
    return out


def abspath(path: str, cwd: str) -> str:
    return posixpath.normpath(posixpath.join(cwd or "/", path)) if path else cwd


def unquote(v: str) -> str:
    if len(v) >= 2 and v[0] == v[-1] and v[0] in "\"'":
        return v[1:-1]
    return v


def is_assignment(word: str) -> bool:
    return _ASSIGN.match(word) is not None


#: the options of npm, yarn and pnpm install/add/ci that take a value as the next word (yarn --network-timeout 600000,
#: npm --omit dev, pnpm --filter app): that word is not a package name (npm help config, yarn v1 `yarn help`, pnpm's CLI
#: reference)
NODE_VALUE = frozenset({
    "--prefix", "-w", "--workspace", "--network-timeout", "--network-concurrency", "--cache-folder", "--modules-folder",
    "--mutex", "--registry", "--cwd", "--global-folder", "--link-folder", "--preferred-cache-folder", "--use-yarnrc",
    "--proxy", "--https-proxy", "--child-concurrency", "--cache", "--loglevel", "--omit", "--include", "--only",
    "--userconfig", "--fetch-retries", "--fetch-timeout", "--fetch-retry-mintimeout", "--fetch-retry-maxtimeout",
    "--install-strategy", "--tag", "--filter", "--dir", "-C", "--store-dir", "--reporter"})


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
_SPECIAL = lazy(r"[;|&\n'\"`#\\()]")


def _close(text: str, i: int, quote: str) -> int:
    """The index just past the quote that closes the one opened at i - 1 (len(text) if none does)."""
    while True:
        j = text.find(quote, i)
        if j < 0:
            return len(text)
        if quote == "'":
            return j + 1
        k = j  # a backslash-escaped \" or \` does not close: count the backslashes before it
        while k > i and text[k - 1] == "\\":
            k -= 1
        if (j - k) % 2 == 0:
            return j + 1
        i = j + 1


def _parts(text: str) -> list[str]:
    """TEXT cut at the shell's command separators (&&, ||, ;, |, &, newline) outside quotes, backquotes, $(...) and
    comments: one pass over the special characters only, a quote left open runs to the end of the text."""
    out, start, i, n, depth = [], 0, 0, len(text), 0
    while True:
        m = _SPECIAL.search(text, i)
        if m is None:
            break
        j, c = m.start(), m.group()
        i = j + 1
        if c == "\\":
            i = j + 2
        elif c in "'\"`":
            i = _close(text, j + 1, c)
        elif c == "(":
            depth += text[j - 1:j] == "$"
        elif c == ")":
            depth -= depth > 0
        elif c == "#":
            if j == 0 or text[j - 1] in " \t\n;&|(":
                end = text.find("\n", j)  # a comment: its quotes (don't) open nothing
                i = n if end < 0 else end
        elif depth:
            continue
        elif c == "&" and (text[j - 1:j] in ("<", ">") or text[j + 1:j + 2] == ">"):
            continue  # 2>&1, &>: redirections
        else:
            out.append(text[start:j])
            if text[j:j + 2] in ("&&", "||"):
                i = j + 2
            start = i
    out.append(text[start:])
    return out


_PAIR = {"(": ")", "{": "}", ")": "(", "}": "{"}


def _ungroup(part: str) -> str:
    """PART without the ( { that open a subshell or group before it and the ) } that close one after it; a brace
    or parenthesis that belongs to the command (${VAR}, $(cmd)) stays: only the unbalanced ones go. The brackets
    are counted once and the counts kept as they go (recounting per bracket was quadratic: minutes on a RUN of
    many lines of `(`)."""
    left = {c: part.count(c) for c in "(){}"}
    start, end = 0, len(part)
    while start < end and part[start] in "({" and left[part[start]] > left[_PAIR[part[start]]]:
        left[part[start]] -= 1
        start += 1
        while start < end and part[start].isspace():
            start += 1
    while end > start and part[end - 1] in ")}" and left[part[end - 1]] > left[_PAIR[part[end - 1]]]:
        left[part[end - 1]] -= 1
        end -= 1
        while end > start and part[end - 1].isspace():
            end -= 1
    return part[start:end]


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


#: reserved words that open a compound command and are followed by a command (if cargo build; then make; else
#: ...): the command after them is a simple command of its own (bash(1), SHELL GRAMMAR, Compound Commands)
_LEADING_RESERVED = {"if", "then", "else", "elif", "do", "while", "until", "!"}
#: reserved words that close one, or open a loop header that is no command (for NAME in WORDS; case WORD in)
_NOT_COMMANDS = {"fi", "done", "esac", "for", "select", "case"}


def _split(text: str) -> list[list[str]]:
    text = text.replace("\\\n", " ")
    out = []
    for part in _parts(text):
        part = _ungroup(part.strip())
        if not part or part.startswith("#"):
            continue
        try:
            argv = shlex.split(part, comments=True)
        except ValueError:
            argv = part.split()
        if "$(" in part:
            argv = _substitutions(argv)
        while argv and argv[0] in _LEADING_RESERVED:
            argv = argv[1:]
        if argv and argv[0] not in _NOT_COMMANDS:
            out.append(argv)
    return out


def _substitutions(argv: list[str]) -> list[str]:
    """The words of a $(...) with spaces inside (GOARCH=$(go env GOARCH)) joined back into the one word it is."""
    out, open_ = [], 0
    for w in argv:
        if open_ > 0:
            out[-1] += " " + w
        else:
            out.append(w)
        open_ += w.count("(") - w.count(")") if open_ > 0 or "$(" in w else 0
    return out


#: the options of `apk add` that take a value (--virtual NAME, -X URL, ...)
APK_ADD_VALUE = frozenset({"--virtual", "-t", "--repository", "-X", "--root", "-p"})
#: apk's global options that take a value (apk(8): apk --root /x add ..., apk -X URL add ...)
_APK_VALUE = {"-X", "--repository", "-p", "--root", "--arch", "--cache-dir", "--keys-dir", "--repositories-file",
              "--timeout", "--wait", "--cache-max-age", "--progress-fd"}


def apk_argv(argv: list[str]) -> list[str]:
    """`apk --update --no-cache add x` as `apk add --update --no-cache x`: the applet first, whatever global
    options come before it (apk accepts them on either side)."""
    i = 1
    while i < len(argv) and argv[i].startswith("-"):
        i += 2 if argv[i] in _APK_VALUE else 1
    if i >= len(argv) or i == 1:
        return argv
    return [argv[0], argv[i], *argv[1:i], *argv[i + 1:]]


def package_argv(argv: list[str]) -> tuple[list[str], str]:
    """A package manager's command as the walk reads it, and the manager: apk's with the applet first (apk_argv);
    bitnami/minideb's `install_packages PKG...` (its script: apt-get update, then apt-get install -y
    --no-install-recommends PKG...), a script images copy from it, as that apt-get install."""
    if posixpath.basename(argv[0]) == "install_packages":
        return ["apt-get", "install", "-y", "--no-install-recommends", *argv[1:]], "apt-get"
    return apk_argv(argv), "apk"


#: pip's general options that take a value (`pip --help`, pip 25): they may come before the subcommand
_PIP_GENERAL_VALUE = {"--python", "--log", "--keyring-provider", "--proxy", "--retries", "--timeout", "--exists-action",
                      "--trusted-host", "--cert", "--client-cert", "--cache-dir", "--use-feature", "--use-deprecated",
                      "--resume-retries"}


def pip_args(rest: list[str]) -> list[str]:
    """pip's words after `pip` (or `python -m pip`) with its subcommand first: `--disable-pip-version-check -q
    install x` as `install --disable-pip-version-check -q x`, so general options before the subcommand do not hide
    it (they are accepted on either side)."""
    i = 0
    while i < len(rest) and rest[i].startswith("-"):
        i += 2 if rest[i] in _PIP_GENERAL_VALUE else 1
    if i >= len(rest) or i == 0:
        return rest
    return [rest[i], *rest[:i], *rest[i + 1:]]


def expand_known(word: str, scope: dict) -> str:
    """`word` with the variables `scope` sets replaced by their values and the others left as written: what an ARG
    default that names earlier ARGs (ARG SITE=/usr/local/lib/python${PY}/site-packages) holds."""
    if "$" not in word:
        return word
    return _VAR.sub(lambda m: scope.get(m.group(1) or m.group(2)) or m.group(0), word)


def activated(argv: list[str], env: dict) -> dict:
    """`. VENV/bin/activate` (or `source`) sets VIRTUAL_ENV for the rest of the RUN, so a later `pip install` of it
    installs into VENV (`export` is kb/lint/stages.py's, with the shell variables it exports)."""
    if len(argv) > 1 and argv[0] in (".", "source") and argv[1].endswith("/bin/activate"):
        return {"VIRTUAL_ENV": posixpath.dirname(posixpath.dirname(expand(argv[1], env, "*")))}
    return {}


def expand_args(pairs) -> dict:
    """The ARGs before the first FROM with their defaults, each expanded with the ARGs before it (Docker does):
    ARG SITE=/usr/local/lib/python${PY}/site-packages after ARG PY=3.11 holds .../python3.11/...; an ARG without a
    default is left out."""
    out: dict = {}
    for k, v in pairs:
        if v is not None:
            out[k] = expand_known(unquote(v), out)
    return out


def pip_dirs(args: list[str], env: dict, cwd: str, wheel: bool = False) -> tuple[str, ...]:
    """Where `pip install ARGS` puts packages: --target/--prefix/--root, the active venv, else the interpreter's
    site-packages (/usr/local/lib, /usr/lib) and ~/.local for --user. With `wheel`, where `pip wheel ARGS` puts the
    wheels it builds: -w/--wheel-dir, else the current directory (a COPY of them to another stage carries what
    they were compiled against)."""
    if wheel:
        for i, a in enumerate(args):
            if a in ("-w", "--wheel-dir") and i + 1 < len(args):
                return (abspath(expand(args[i + 1], env, "*"), cwd),)
            if a.startswith("--wheel-dir="):
                return (abspath(expand(a.split("=", 1)[1], env, "*"), cwd),)
        return (cwd,)
    for i, a in enumerate(args[:-1]):
        if a in ("-t", "--target", "--prefix", "--root"):
            return (abspath(expand(args[i + 1], env, "*"), cwd),)
    for a in args:
        if a.startswith(("--target=", "--prefix=", "--root=")):
            return (abspath(expand(a.split("=", 1)[1], env, "*"), cwd),)
    venv = env.get("VIRTUAL_ENV") or _venv_on_path(env.get("PATH") or "")
    if venv:
        return (abspath(venv, cwd),)
    return ("/usr/local/lib", "/usr/lib", "/root/.local", posixpath.join(env.get("HOME") or "/root", ".local"))


def _venv_on_path(path: str) -> str:
    """The environment whose bin/ comes first on PATH, ahead of the system's (ENV PATH="/app/venv/bin:$PATH" is how
    most Dockerfiles activate one: the `pip` a RUN finds is its own); only a directory named like one (venv, .venv,
    env, virtualenv), as PATH also holds other tools' bin directories."""
    for entry in path.split(":"):
        entry = entry.rstrip("/")
        if entry in BIN_DIRS:
            return ""
        if entry.endswith("/bin") and "env" in posixpath.basename(posixpath.dirname(entry)).lower():
            return posixpath.dirname(entry)
    return ""
