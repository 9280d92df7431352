"""Inspect a script's shebang line: which interpreter it needs, and known shebang failure causes.

``inspect_script(path)`` reads at most the first line (bounded) of a file starting with ``#!``.
``parse_shebang(first_line_bytes)`` does the same on bytes already in memory.
"""

from __future__ import annotations

import os
from dataclasses import asdict, dataclass

from .errors import EvidenceError, read_head, stat_regular_file

__all__ = ["ScriptReport", "inspect_script", "parse_shebang", "MAX_SHEBANG_BYTES"]

# Linux reads at most BINPRM_BUF_SIZE (256 bytes since 5.1, 128 before) of the #! line.
MAX_SHEBANG_BYTES = 256
_KERNEL_OLD_LIMIT = 128

# Interpreter basename (after env) -> a language family the rules can use.
_FAMILIES = (
    ("python", "python"), ("node", "node"), ("nodejs", "node"), ("deno", "deno"), ("bun", "bun"),
    ("bash", "shell"), ("sh", "shell"), ("dash", "shell"), ("ash", "shell"), ("zsh", "shell"),
    ("ksh", "shell"), ("busybox", "shell"), ("perl", "perl"), ("ruby", "ruby"), ("php", "php"),
    ("lua", "lua"), ("tclsh", "tcl"), ("awk", "awk"), ("gawk", "awk"), ("java", "java"),
    ("pwsh", "powershell"), ("Rscript", "r"),
)
_BASH_ONLY = {"bash"}


@dataclass(frozen=True)
class ScriptReport:
    path: str | None
    shebang: str                          # the raw line after "#!", CR and LF removed
    interpreter: str                      # what the kernel executes, e.g. "/usr/bin/env" or "/bin/sh"
    interpreter_args: tuple[str, ...]     # the rest, as the kernel passes it (one argument) or env -S splits it
    uses_env: bool                        # "#!/usr/bin/env ..."
    env_split: bool                       # "env -S ..." (GNU coreutils >= 8.30, busybox env lacks -S)
    program: str                          # the program finally run: "python3", "/bin/sh", "node", ...
    program_args: tuple[str, ...]
    family: str | None                    # "python", "shell", "node", ... or None if unknown
    needs_shell: str | None               # "/bin/sh" or "bash" when the program is a shell, else None
    crlf: bool                            # the line ends in "\r\n": the kernel looks for "sh\r" and fails
    bom: bool                             # a UTF-8 BOM before "#!": the kernel does not see a shebang at all
    problems: tuple[str, ...]             # known failure causes, plain words

    def to_dict(self) -> dict:
        d = asdict(self)
        d["interpreter_args"] = list(self.interpreter_args)
        d["program_args"] = list(self.program_args)
        d["problems"] = list(self.problems)
        return d


def _family(program: str) -> str | None:
    base = program.rsplit("/", 1)[-1]
    for prefix, fam in _FAMILIES:
        if base == prefix or (base.startswith(prefix) and base[len(prefix):].replace(".", "").isdigit()):
            return fam
    return None


def parse_shebang(data: bytes, path: str | None = None) -> ScriptReport:
    """Parse the first line of a script. ``data`` is the start of the file (only the first line is used)."""
    bom = data.startswith(b"\xef\xbb\xbf")
    if bom:
        data = data[3:]
    if not data.startswith(b"#!"):
        raise EvidenceError(path, "not a script: the file does not start with '#!'", reason="not-elf")
    nl = data.find(b"\n")
    raw = data[2:nl] if nl >= 0 else data[2:]
    problems: list[str] = []
    if nl < 0 and len(data) >= MAX_SHEBANG_BYTES:
        problems.append(f"the #! line is longer than {MAX_SHEBANG_BYTES} bytes; the kernel truncates it")
    elif nl > _KERNEL_OLD_LIMIT:
        problems.append(f"the #! line is longer than {_KERNEL_OLD_LIMIT} bytes; Linux before 5.1 truncates it")
    crlf = raw.endswith(b"\r")
    line = raw.decode("utf-8", "replace")
    if crlf:
        line = line.rstrip("\r")
        problems.append("CRLF line ending: the kernel looks for an interpreter whose name ends in '\\r' "
                        "('no such file or directory' / 'bad interpreter'); convert the file to LF")
    if bom:
        problems.append("UTF-8 BOM before '#!': the kernel does not recognise the shebang ('exec format error')")
    text = line.strip(" \t")
    if not text:
        raise EvidenceError(path, "empty shebang line: '#!' names no interpreter", reason="malformed")
    # The kernel splits once: the interpreter, then everything else as ONE argument.
    parts = text.split(None, 1)
    interpreter = parts[0]
    rest = parts[1].strip(" \t") if len(parts) > 1 else ""
    interpreter_args: tuple[str, ...] = (rest,) if rest else ()
    if not interpreter.startswith("/"):
        problems.append(f"the interpreter {interpreter!r} is not an absolute path; the kernel will not search PATH")
    uses_env = interpreter.rsplit("/", 1)[-1] == "env"
    env_split = False
    program, program_args = interpreter, interpreter_args
    if uses_env:
        words = rest.split()
        # env options: -S/--split-string splits the rest; -i/-u NAME/NAME=VALUE may precede the program.
        i = 0
        while i < len(words):
            w = words[i]
            if w in ("-S", "--split-string") or w.startswith("-S"):
                env_split = True
                if w not in ("-S", "--split-string"):
                    words[i] = w[2:]
                    break
                i += 1
                continue
            if w in ("-u", "--unset", "-C", "--chdir"):
                i += 2
                continue
            if w.startswith("-") or ("=" in w and not w.startswith("/")):
                i += 1
                continue
            break
        remaining = words[i:]
        if not remaining:
            raise EvidenceError(path, "shebang uses env but names no program", reason="malformed")
        if len(rest.split()) > 1 and not env_split:  # options or assignments before the program count too
            problems.append("'#!/usr/bin/env prog arg' passes 'prog arg' as one word on Linux; use 'env -S'")
        program, program_args = remaining[0], tuple(remaining[1:])
        if env_split:
            problems.append("'env -S' needs GNU coreutils env >= 8.30; busybox env (alpine, busybox images) "
                            "does not support -S")
        if crlf:
            pass  # already reported; with env the failure message is 'env: 'prog\r': No such file or directory'
    fam = _family(program)
    base = program.rsplit("/", 1)[-1]
    needs_shell = None
    if fam == "shell":
        needs_shell = "bash" if base in _BASH_ONLY else (program if program.startswith("/") else base)
    return ScriptReport(path=path, shebang=line, interpreter=interpreter, interpreter_args=interpreter_args,
                        uses_env=uses_env, env_split=env_split, program=program, program_args=program_args,
                        family=fam, needs_shell=needs_shell, crlf=crlf, bom=bom, problems=tuple(problems))


def inspect_script(path: "str | os.PathLike[str]") -> ScriptReport:
    """Read the shebang of the file at ``path``. Raises EvidenceError if it is unreadable or not a script."""
    path = os.fspath(path)
    stat_regular_file(path, "a script")
    data = read_head(path, MAX_SHEBANG_BYTES + 3)
    if not data:
        raise EvidenceError(path, "empty file, not a script", reason="empty")
    return parse_shebang(data, path)
