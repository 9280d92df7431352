"""What a RUN line hides: the shell scripts it runs from the build context (`RUN ./tools/ci-build.sh`, `bash
build.sh`, `. ./env.sh`), the command string of `sh -c '...'`, and the package lists it reads from files
(`apt-get install $(cat deps.txt)`, `$(grep -v '^#' build_tools/*.deps)`, `xargs apt-get install -y < pkgs.txt`,
`cat pkgs.txt | xargs apk add`). :func:`reveal` returns the RUN's text with each of them spliced in, so the walk
(kb/lint/stages.py) and the removal reader of MI440 (kb/lint/runtime.py) see the builds, installs, purges and
compiler flags a script or a list holds as if they were written in the RUN.

A script or list is found where a COPY from the build context put it (the directory or file a single-source COPY
names: `COPY . /p4c/`, `COPY build.sh /build.sh`) and read as `inspect` reads project files: inside the context
only (no '..', no symbolic link out), regular files only (a FIFO or device is never opened), bounded in size. Each
file is read once per RUN line, scripts nest to a bounded depth, and the whole text spliced into one RUN is bounded.
A script whose #! names no shell (python, node, perl) is not read. Without a build context nothing is read, and
only `sh -c` strings are revealed. Every pattern is linear in the text.
"""
from __future__ import annotations

import fnmatch
import os
import posixpath
import re
import shlex

from .shellwords import _parts, abspath, expand, is_assignment, simple_commands

MAX_DEPTH = 4  # a script that runs a script ... this deep
MAX_FILES = 32  # scripts and lists read for one RUN line, all told
MAX_CHARS = 1 << 20  # characters spliced into one RUN line, all told
MAX_SCRIPT_BYTES = 256 << 10  # one script
MAX_LIST_BYTES = 64 << 10  # one package list
MAX_GLOB = 16  # files one glob of a list may name
SHELLS = {"sh", "bash", "dash", "ash", "zsh", "ksh", "mksh"}
_SHELL_VALUE = {"-o", "+o", "-O", "+O", "--rcfile", "--init-file"}
_PREFIXES = {"sudo", "exec", "time", "nohup", "command", "builtin"}
_SUDO_VALUE = {"-u", "-g", "-C", "-h", "-p", "-U", "-r", "-t"}
#: a command substitution with nothing nested in it: $(...) or `...`, at most 4,000 characters inside
_SUBST = re.compile(r"\$\(([^()`$]{1,4000})\)|`([^`$]{1,4000})`")
_SUDO = re.compile(r"^\s*sudo(?:[ \t]+-[A-Za-z]+)*[ \t]+")  # sudo -E apt-get: apt-get
_HINTS = ("$(", "`", "xargs", ".sh", "sh ", "bash", "source", ". ", "/")


class _Budget:
    __slots__ = ("files", "chars", "seen")

    def __init__(self):
        self.files, self.chars, self.seen = MAX_FILES, MAX_CHARS, {}


def reveal(context_dir: str | None, context_dirs: list, text: str, cwd: str, env: dict,
           cache: dict | None = None) -> str:
    """TEXT with the scripts it runs and the lists it reads spliced in (TEXT itself when there are none).
    `context_dirs` are the (directory or file in the image, build-context path) pairs the stage's COPYs made, in
    order; `cache` keeps files read across RUN lines and Dockerfiles (path -> text or None)."""
    if not any(h in text for h in _HINTS):
        return text
    return _reveal(context_dir, context_dirs, text, cwd, env, 0, _Budget(), cache if cache is not None else {})


def _reveal(ctx, dirs, text, cwd, env, depth, budget, cache) -> str:
    text = text.replace("\\\n", " ")
    if ctx and ("$(" in text or "`" in text):
        text = _SUBST.sub(lambda m: _list_words(ctx, dirs, m.group(1) or m.group(2), cwd, env, budget, cache)
                          or m.group(0), text)
    out, changed, previous = [], False, None
    for part, separator in _with_separators(text):
        if part.lstrip().startswith(("cd ", "pushd ")):  # where the scripts and lists after it are looked up
            argv = _command(part)
            if len(argv) > 1 and not argv[1].startswith("-"):
                cwd = abspath(expand(argv[1], env, "x"), cwd)
        new = _part(ctx, dirs, part, previous if separator == "|" else None, cwd, env, depth, budget, cache)
        previous = part
        if new is not None:
            out.append(new)
            changed = True
        elif depth and part.lstrip().startswith("sudo "):  # a script's `sudo apt-get ...`: the command under sudo
            out.append(_SUDO.sub("", part, count=1))
            changed = True
        else:
            out.append(part)
    return "\n".join(out) if changed else text


def _with_separators(text: str):
    """(PART, the separator before it: "|", "&&", ";" ...) for each command of TEXT, as kb/lint/shellwords.py
    cuts them (the parts are consecutive slices of TEXT)."""
    pos = end = 0
    for part in _parts(text):
        start = text.find(part, pos) if part else pos
        start = pos if start < 0 else start
        yield part, text[end:start].strip()
        end = pos = start + len(part)


def _command(part: str) -> list[str]:
    """The command of PART without the assignments, `env`, and `sudo`/`exec`/`time` words before it."""
    commands = simple_commands(part)
    argv = commands[0] if len(commands) == 1 else []
    while argv and (is_assignment(argv[0]) or argv[0] == "env" or argv[0] in _PREFIXES):
        skip_value = argv[0] == "sudo"
        argv = argv[1:]
        while skip_value and argv and argv[0].startswith("-"):
            argv = argv[2:] if argv[0] in _SUDO_VALUE else argv[1:]
    return argv


def _part(ctx, dirs, part, piped_from, cwd, env, depth, budget, cache) -> str | None:
    """What to read in place of one simple command: a script's text, a `sh -c` string, or a command that `xargs`
    feeds from a list; None to keep PART as written."""
    argv = _command(part)
    if not argv:
        return None
    prog = posixpath.basename(argv[0])
    if prog == "xargs":
        return _xargs(ctx, dirs, argv, piped_from, cwd, env, budget, cache) if ctx else None
    path = None
    if prog in SHELLS:
        i = 1
        while i < len(argv) and argv[i][:1] in "-+" and argv[i] not in ("-", "--"):
            if argv[i] == "-c" or (argv[i].startswith("-") and not argv[i].startswith("--") and "c" in argv[i]):
                if i + 1 < len(argv) and depth < MAX_DEPTH:  # sh -c 'STRING': STRING is the command line
                    return _reveal(ctx, dirs, argv[i + 1], cwd, env, depth + 1, budget, cache)
                return None
            i += 2 if argv[i] in _SHELL_VALUE else 1
        if i < len(argv) and argv[i] == "--":
            i += 1
        path = argv[i] if i < len(argv) else None
    elif prog in (".", "source") and len(argv) > 1:
        path = argv[1]
    elif "/" in argv[0] or argv[0].endswith(".sh"):
        path = argv[0]
    if path is None or not ctx or depth >= MAX_DEPTH:
        return None
    word = expand(path, env, "")
    if "$" in word or not word or any(c in word for c in "*?["):
        return None
    script = _read(ctx, dirs, abspath(word, cwd), MAX_SCRIPT_BYTES, budget, cache, once=True)
    if script is None or not _is_shell(script):
        return None
    return _reveal(ctx, dirs, script, cwd, env, depth + 1, budget, cache)


def _is_shell(text: str) -> bool:
    """Is TEXT a shell script (no #!, or a #! that names a shell)?"""
    if not text.startswith("#!"):
        return True
    words = text[2:].split("\n", 1)[0].split()
    if not words:
        return True
    prog = posixpath.basename(words[0])
    if prog == "env":
        prog = next((w for w in words[1:] if not w.startswith("-")), "")
    return posixpath.basename(prog) in SHELLS


def _list_files(argv: list[str]) -> list[str] | None:
    """The files a command that prints a list reads: `cat F...`, `< F`, `grep -v PATTERN F...`, `sed EXPR F...`;
    None for any other command (its output cannot be known)."""
    if not argv:
        return None
    prog = posixpath.basename(argv[0])
    words = [w for w in argv[1:] if not w.startswith("-")]
    if prog == "cat" and words:
        return words
    if prog == "<" and len(argv) == 2:
        return argv[1:]
    if prog in ("grep", "egrep") and any(w.startswith("-") and "v" in w and not w.startswith("--") for w in argv[1:]):
        return words[1:] or None  # the first word is the pattern
    if prog == "sed" and len(words) > 1 and not any(w in ("-i", "--in-place") for w in argv):
        return words[1:]
    return None


def _list_words(ctx, dirs, inner, cwd, env, budget, cache) -> str | None:
    """The words of the files a $(cat F) / $(grep -v '^#' F) substitution prints, or None when lint cannot read
    them all."""
    if budget.files <= 0 or budget.chars <= 0:
        return None
    inner = inner.strip()
    if inner.startswith("<"):
        inner = "< " + inner[1:].lstrip()
    try:
        pipeline = [shlex.split(p) for p in inner.split("|")]
    except ValueError:
        return None
    files = _list_files(pipeline[0])
    if files is None or any(_list_files(p) is None and posixpath.basename(p[0] if p else "") not in
                            ("sort", "uniq", "tr", "xargs") for p in pipeline[1:]):
        return None
    return _words_of(ctx, dirs, files, cwd, env, budget, cache)


def _words_of(ctx, dirs, files, cwd, env, budget, cache) -> str | None:
    words: list[str] = []
    for f in files:
        word = expand(f, env, "")
        if "$" in word or not word:
            return None
        paths = _glob(ctx, dirs, abspath(word, cwd)) if any(c in word for c in "*?[") else [abspath(word, cwd)]
        if not paths:
            return None
        for path in paths:
            text = _read(ctx, dirs, path, MAX_LIST_BYTES, budget, cache)
            if text is None:
                return None
            for line in text.splitlines():
                words += line.split("#", 1)[0].split()
    return " ".join(shlex.quote(w) for w in words)


def _xargs(ctx, dirs, argv, piped_from, cwd, env, budget, cache) -> str | None:
    """`xargs [-a F] CMD ARGS < F` or `cat F | xargs CMD ARGS`: CMD ARGS with the list's words appended."""
    files, i = None, 1
    while i < len(argv) and argv[i].startswith("-"):
        if argv[i] in ("-a", "--arg-file") and i + 1 < len(argv):
            files = [argv[i + 1]]
        elif argv[i].startswith("--arg-file="):
            files = [argv[i].split("=", 1)[1]]
        i += 2 if argv[i] in ("-a", "--arg-file", "-I", "-d", "-E", "-L", "-n", "-P", "-s") else 1
    rest = argv[i:]
    if "<" in rest:
        k = rest.index("<")
        files, rest = rest[k + 1:k + 2], rest[:k] + rest[k + 2:]
    if files is None and piped_from is not None:
        first = _command(piped_from)
        files = _list_files(first)
    if not rest or not files:
        return None
    words = _words_of(ctx, dirs, files, cwd, env, budget, cache)
    return None if words is None else shlex.join(rest) + " " + words


def context_path(dirs: list, path: str) -> str | None:
    """The build-context path of the image path PATH, by the last COPY that put something there."""
    for dest, src in reversed(dirs):
        dest = dest.rstrip("/") or "/"
        src = src.strip("/") or "."
        if path == dest:
            return src
        if path.startswith(dest.rstrip("/") + "/"):
            rel = posixpath.relpath(path, dest)
            if posixpath.basename(src) == rel:
                return src  # COPY build.sh /usr/local/bin/: the file itself
            joined = posixpath.normpath(posixpath.join(src, rel))
            return None if joined.startswith("..") else joined
    return None


def _read(ctx, dirs, path, limit, budget, cache, once: bool = False) -> str | None:
    rel = context_path(dirs, path)
    if rel is None:
        return None
    if once and rel in budget.seen:
        return None  # each file once per RUN line: a script that runs itself stops here
    if budget.files <= 0 or budget.chars <= 0:
        return None
    budget.files -= 1
    key = ("hidden", ctx, rel, limit)
    if key not in cache:
        from ..evidence.errors import read_project_file

        cache[key] = read_project_file(ctx, rel, limit)
    text = cache[key]
    if once:
        budget.seen[rel] = True
    if text is None:
        return None
    text = text[:budget.chars]
    budget.chars -= len(text)
    return text


def _glob(ctx, dirs, path) -> list[str]:
    """The image paths a glob in the last component of PATH names, found in the build context's directory (at most
    MAX_GLOB, sorted as the shell sorts them); [] when the directory is not in the context."""
    folder, pattern = posixpath.split(path)
    if any(c in folder for c in "*?["):
        return []
    rel = context_path(dirs, folder)
    if rel is None:
        return []
    real_root = os.path.realpath(ctx)
    full = os.path.realpath(os.path.join(real_root, rel))
    if full != real_root and not full.startswith(real_root + os.sep):
        return []
    try:
        with os.scandir(full) as entries:
            names = []
            for entry in entries:
                if len(names) > 4 * MAX_GLOB:
                    break
                if fnmatch.fnmatchcase(entry.name, pattern) and not entry.name.startswith("."):
                    names.append(entry.name)
    except OSError:
        return []
    return [posixpath.join(folder, n) for n in sorted(names)[:MAX_GLOB]]
