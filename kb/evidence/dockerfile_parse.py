"""Parse a Dockerfile into stages with the `dockerfile` package (a wrapper around BuildKit's parser).

``parse_dockerfile(path)`` / ``parse_dockerfile_text(text)`` return a frozen :class:`DockerfileReport`:
stages (base image, name, instructions with line numbers), ``COPY --from`` edges, ENV/ARG values, RUN
commands, CMD/ENTRYPOINT in shell or exec form, USER. Malformed input raises
:class:`~kb.evidence.errors.EvidenceError` with the line number. The checks that BuildKit makes when it
dispatches the file (unknown instruction, no FROM, bad stage names, missing arguments) are made here too,
since the parser alone accepts them.
"""

from __future__ import annotations

import os
import re
import shlex

import dockerfile as _df

from ..lazyre import lazy
from .dockerfile_model import CopyFrom, DockerfileReport, ExecSpec, Instruction, RunCommand, Stage
from .errors import EvidenceError, read_head, stat_regular_file

__all__ = ["Instruction", "CopyFrom", "RunCommand", "ExecSpec", "Stage", "DockerfileReport",
           "parse_dockerfile", "parse_dockerfile_text", "with_build_args", "MAX_DOCKERFILE_BYTES"]

MAX_DOCKERFILE_BYTES = 1 << 20
MAX_INSTRUCTIONS = 20_000

KNOWN_INSTRUCTIONS = frozenset({"ADD", "ARG", "CMD", "COPY", "ENTRYPOINT", "ENV", "EXPOSE", "FROM", "HEALTHCHECK",
                                "LABEL", "MAINTAINER", "ONBUILD", "RUN", "SHELL", "STOPSIGNAL", "USER", "VOLUME",
                                "WORKDIR"})
_TAKES_FLAGS = frozenset({"FROM", "RUN", "COPY", "ADD", "HEALTHCHECK", "ONBUILD"})
_STAGE_NAME = lazy(r"^[a-z][a-z0-9._-]*$")
# A ${NAME:-default} default stops at the next "${" as well as at "}": an unclosed one cannot make every later "$"
# rescan the rest of the word (linear; the parser's own expansion does not nest either).
_VAR = lazy(r"\$(?:\{([A-Za-z_][A-Za-z0-9_]*)(?::?([-+])((?:[^}$]|\$(?!\{))*))?\}|([A-Za-z_][A-Za-z0-9_]*))")
# a parser directive (# syntax=...); the value is stripped afterwards: `(.*?)\s*$` would backtrack over every space
_DIRECTIVE = lazy(r"\s*#\s*([a-zA-Z]+)\s*=(.*)")


# ---- helpers ----------------------------------------------------------------------------------------------
def _unquote(s: str) -> str:
    """Remove shell-style quoting from one ENV/ARG value, as BuildKit's word expansion does; never raises."""
    if not s or not any(c in s for c in "\"'\\"):
        return s
    try:
        parts = shlex.split(s, posix=True)
    except ValueError:
        return s
    return " ".join(parts)


def _expand(word: str, env: dict[str, str | None]) -> str:
    if "$" not in word:  # most words: no pattern to run (nor to compile, in a one-file lint)
        return word

    def sub(m: re.Match) -> str:
        name = m.group(1) or m.group(4)
        val = env.get(name)
        op, alt = m.group(2), m.group(3)
        if op == "-":
            return val if val else (alt or "")
        if op == "+":
            return (alt or "") if val else ""
        return val or ""
    return _VAR.sub(sub, word)


def _flag(flags, name: str) -> list[str]:
    out = []
    for f in flags:
        if f.startswith(f"--{name}="):
            out.append(f.split("=", 1)[1])
    return out


def _error_line(text: str) -> int | None:
    """Find the first line at which the parser fails, by bisecting over line prefixes."""
    lines = text.split("\n")

    def fails(n: int) -> bool:
        chunk = "\n".join(lines[:n])
        try:
            _df.parse_string(chunk)
        except _df.GoParseError as e:
            return "no instructions" not in str(e)
        except Exception:
            return True
        return False

    lo, hi = 1, len(lines)
    if not fails(hi):
        return None
    while lo < hi:
        mid = (lo + hi) // 2
        if fails(mid):
            hi = mid
        else:
            lo = mid + 1
    return lo


def _directives(text: str) -> list[tuple[str, str]]:
    out = []
    for line in text.split("\n")[:50]:
        m = _DIRECTIVE.match(line) if "#" in line else None  # a directive is a comment
        if not m:
            break
        out.append((m.group(1).lower(), m.group(2).strip()))
    return out


# ---- entry points -----------------------------------------------------------------------------------------
def parse_dockerfile(path: "str | os.PathLike[str]") -> DockerfileReport:
    path = os.fspath(path)
    st = stat_regular_file(path, "a Dockerfile")
    if st.st_size > MAX_DOCKERFILE_BYTES:
        raise EvidenceError(path, f"{st.st_size} bytes: larger than the {MAX_DOCKERFILE_BYTES}-byte cap",
                            reason="too-large")
    data = read_head(path, MAX_DOCKERFILE_BYTES + 1)
    if len(data) > MAX_DOCKERFILE_BYTES:
        raise EvidenceError(path, f"larger than the {MAX_DOCKERFILE_BYTES}-byte cap", reason="too-large")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        line = data[:e.start].count(b"\n") + 1
        raise EvidenceError(path, f"not UTF-8 text (byte {e.start})", reason="malformed", line=line) from None
    return parse_dockerfile_text(text, path)


def parse_dockerfile_text(text: str, path: str | None = None) -> DockerfileReport:
    """Parse Dockerfile source text. Raises EvidenceError (reason "malformed", with ``line``) on bad input."""
    if len(text) > MAX_DOCKERFILE_BYTES:
        raise EvidenceError(path, f"larger than the {MAX_DOCKERFILE_BYTES}-character cap", reason="too-large")
    if text.startswith("\ufeff"):
        text = text[1:]
    if (i := text.find("\0")) >= 0:
        raise EvidenceError(path, "binary data: NUL byte in the Dockerfile", reason="malformed",
                            line=text.count("\n", 0, i) + 1)
    if any(0xD800 <= ord(c) <= 0xDFFF for c in text if ord(c) >= 0xD800):
        raise EvidenceError(path, "text contains lone surrogate characters", reason="malformed")
    try:
        cmds = _df.parse_string(text)
    except _df.GoParseError as e:
        msg = str(e)
        if "no instructions" in msg:
            raise EvidenceError(path, "no instructions (empty Dockerfile or only comments)",
                                reason="malformed") from None
        raise EvidenceError(path, msg, reason="malformed", line=_error_line(text)) from None
    except Exception as e:  # anything else from the extension is still a bad file to us
        raise EvidenceError(path, f"parser error: {type(e).__name__}: {e}", reason="malformed") from None
    if len(cmds) > MAX_INSTRUCTIONS:
        raise EvidenceError(path, f"{len(cmds)} instructions: more than the cap of {MAX_INSTRUCTIONS}",
                            reason="too-large")
    return _build(cmds, text, path)


def with_build_args(report: DockerfileReport, values: dict[str, str]) -> DockerfileReport:
    """`report` as `docker build --build-arg NAME=VALUE ...` would see it: each global ARG that `values` names takes
    that value, and every FROM is resolved again."""
    global_args = tuple((k, values.get(k, v)) for k, v in report.global_args)
    genv = dict(global_args)
    names = {s.name: s.index for s in report.stages if s.name}
    stages = []
    for s in report.stages:
        resolved = _expand(s.base_image, genv)
        stages.append(s._replace(base_image_resolved=resolved, base_stage=_earlier_stage(resolved, names, s.index)))
    return report._replace(global_args=global_args, stages=tuple(stages))


def _bad(path, line, msg) -> EvidenceError:
    return EvidenceError(path, msg, reason="malformed", line=line)


def _build(cmds, text: str, path: str | None) -> DockerfileReport:
    warnings: list[str] = []
    global_args: list[tuple[str, str | None]] = []
    stages_raw: list[dict] = []
    cur: dict | None = None
    names: dict[str, int] = {}

    for c in cmds:
        cmd = (c.cmd or "").upper()
        ins = Instruction(cmd=cmd, line=c.start_line, end_line=c.end_line, flags=tuple(c.flags),
                          args=tuple(c.value), json=bool(c.json), original=c.original,
                          sub_cmd=(c.sub_cmd.upper() if c.sub_cmd else None),
                          heredocs=tuple((h.name, h.content) for h in (c.heredocs or ())))
        if cmd not in KNOWN_INSTRUCTIONS:
            raise _bad(path, ins.line, f"unknown instruction: {c.cmd}")
        if ins.flags and cmd not in _TAKES_FLAGS:
            raise _bad(path, ins.line, f"{cmd} does not take flags: unknown flag {ins.flags[0]}")
        if cmd == "FROM":
            v = list(c.value)
            if not v:
                raise _bad(path, ins.line, "FROM requires an image")
            if len(v) == 2 or len(v) > 3 or (len(v) == 3 and v[1].lower() != "as"):
                raise _bad(path, ins.line, "FROM takes an image and an optional 'AS name'")
            name = v[2].lower() if len(v) == 3 else None
            if name is not None:
                if not _STAGE_NAME.match(name):
                    raise _bad(path, ins.line, f"invalid name for build stage: {v[2]!r}")
                if name in names:
                    raise _bad(path, ins.line, f"duplicate stage name {v[2]!r}")
            for f in c.flags:
                if not f.startswith("--platform="):
                    raise _bad(path, ins.line, f"unknown flag for FROM: {f}")
            idx = len(stages_raw)
            if name:
                names[name] = idx
            cur = {"index": idx, "name": name, "image": v[0], "line": ins.line, "end": ins.end_line,
                   "platform": (_flag(c.flags, "platform") or [None])[0], "ins": [ins]}
            stages_raw.append(cur)
            continue
        if cur is None:
            if cmd == "ARG":
                for a in _parse_arg(ins, path):
                    global_args.append(a)
                continue
            raise _bad(path, ins.line, f"{cmd} before the first FROM (only ARG may come first)")
        cur["ins"].append(ins)
        cur["end"] = ins.end_line

    if not stages_raw:
        raise EvidenceError(path, "no FROM instruction: a Dockerfile needs at least one stage", reason="malformed")

    genv = {k: v for k, v in global_args}
    stages: list[Stage] = []
    for raw in stages_raw:
        stages.append(_stage(raw, genv, names, path, warnings))
    return DockerfileReport(path=path, stages=tuple(stages), global_args=tuple(global_args),
                            directives=tuple(_directives(text)), warnings=tuple(warnings))


def _parse_arg(ins: Instruction, path) -> list[tuple[str, str | None]]:
    if not ins.args:
        raise _bad(path, ins.line, "ARG requires at least one argument")
    out = []
    for a in ins.args:
        name, eq, val = a.partition("=")
        if not name:  # Docker refuses only this: `ARG x=1 # note` declares x, '#', 'note' (both builders build it)
            raise _bad(path, ins.line, "ARG names can not be blank")
        out.append((name, _unquote(val) if eq else None))
    return out


def _exec_spec(ins: Instruction, shell: tuple[str, ...]) -> ExecSpec:
    if ins.json:
        return ExecSpec(line=ins.line, form="exec", argv=ins.args, command=None)
    command = " ".join(ins.args)
    return ExecSpec(line=ins.line, form="shell", argv=shell + (command,), command=command)


def _earlier_stage(image: str, names: dict[str, int], index: int) -> int | None:
    """The index of the stage before stage `index` that a FROM of `image` names (None: an image, not a stage)."""
    found = names.get(image.lower())
    return found if found is not None and found < index else None


def _stage(raw: dict, genv: dict, names: dict, path, warnings: list[str]) -> Stage:
    idx = raw["index"]
    image = raw["image"]
    resolved = _expand(image, genv)
    base_stage = _earlier_stage(resolved, names, idx)
    env: list[tuple[str, str]] = []
    args: list[tuple[str, str | None]] = []
    runs: list[RunCommand] = []
    copies: list[CopyFrom] = []
    cmd = entry = None
    user = user_line = workdir = None
    shell: tuple[str, ...] = ("/bin/sh", "-c")
    exposes: list[str] = []
    for ins in raw["ins"][1:]:
        c = ins.cmd
        if c == "ENV":
            if not ins.args or len(ins.args) % 2:
                raise _bad(path, ins.line, "ENV requires NAME=value pairs (or NAME value)")
            for k, v in zip(ins.args[0::2], ins.args[1::2]):
                if not k:
                    raise _bad(path, ins.line, "ENV names can not be blank")
                env.append((k, _unquote(v)))
        elif c == "ARG":
            args.extend(_parse_arg(ins, path))
        elif c == "RUN":
            mounts = tuple(f.split("=", 1)[1] for f in ins.flags if f.startswith("--mount="))
            if ins.json:
                runs.append(RunCommand(ins.line, ins.end_line, " ".join(ins.args), True, ins.args, mounts))
            else:
                heredocs = _heredoc_bodies(ins)
                cmdtext = " ".join(ins.args)
                if heredocs:
                    cmdtext = _heredoc_command(cmdtext, heredocs)
                runs.append(RunCommand(ins.line, ins.end_line, cmdtext, False, (), mounts, bool(heredocs)))
            for m in mounts:
                src = _mount_from(m)
                if src is not None:
                    copies.append(_copy_from(src, idx, names, ins.line, (), None, "RUN --mount", genv, warnings))
        elif c in ("COPY", "ADD"):
            if len(ins.args) < 2:
                raise _bad(path, ins.line, f"{c} requires at least two arguments: a source and a destination")
            froms = _flag(ins.flags, "from")
            if froms and c == "ADD":
                raise _bad(path, ins.line, "ADD does not support --from")
            for src in froms:
                copies.append(_copy_from(src, idx, names, ins.line, ins.args[:-1], ins.args[-1], c, genv, warnings))
        elif c == "CMD":
            if not ins.args and not ins.json:
                warnings.append(f"line {ins.line}: CMD with no command")
            cmd = _exec_spec(ins, shell)
        elif c == "ENTRYPOINT":
            entry = _exec_spec(ins, shell)
        elif c == "USER":
            if not ins.args or not ins.args[0]:
                raise _bad(path, ins.line, "USER requires a user name or id")
            user, user_line = ins.args[0], ins.line
        elif c == "WORKDIR":
            if not ins.args:
                raise _bad(path, ins.line, "WORKDIR requires a path")
            workdir = ins.args[0]
        elif c == "SHELL":
            if not ins.json or not ins.args:
                raise _bad(path, ins.line, "SHELL requires the arguments to be a JSON array")
            shell = tuple(ins.args)
        elif c == "EXPOSE":
            exposes.extend(ins.args)
    return Stage(index=idx, name=raw["name"], base_image=image, base_image_resolved=resolved,
                 base_stage=base_stage, platform=raw["platform"], line=raw["line"], end_line=raw["end"],
                 instructions=tuple(raw["ins"]), copy_from=tuple(copies), env=tuple(env), args=tuple(args),
                 runs=tuple(runs), cmd=cmd, entrypoint=entry, user=user, user_line=user_line, workdir=workdir,
                 shell=shell, exposes=tuple(exposes))


def _heredoc_bodies(ins: Instruction) -> list[str]:
    return [body for _name, body in ins.heredocs]


_HEREDOC_MARK = lazy(r"<<-?[ \t]*(?:'[^'\n]*'|\"[^\"\n]*\"|[A-Za-z0-9_]+)")
_SHELLS = {"sh", "bash", "ash", "dash", "zsh"}


def _heredoc_command(line: str, bodies: list[str]) -> str:
    """The shell text of a RUN with here-documents (BuildKit): `RUN <<EOF` alone runs the body as the script; a
    command line besides it runs, with the body as its input, which is shell text only when that command is a
    shell (`RUN bash -e <<EOF`); `RUN pip install x && python - <<'PY'` runs the pip line, the body is Python."""
    rest = _HEREDOC_MARK.sub(" ", line).strip()
    if not rest:
        return "\n".join(bodies).strip()
    first = rest.split(None, 1)[0].rsplit("/", 1)[-1]
    return "\n".join([rest, *bodies]).strip() if first in _SHELLS else rest


def _mount_from(spec: str) -> str | None:
    for part in spec.split(","):
        k, _, v = part.partition("=")
        if k.strip() == "from":
            return v.strip()
    return None


def _copy_from(src: str, idx: int, names: dict, line: int, sources, dest, instruction: str,
               genv: dict, warnings: list[str]) -> CopyFrom:
    resolved = _expand(src, genv)
    key = resolved.lower()
    stage_index: int | None = None
    if key in names:
        stage_index = names[key]
    elif key.isdigit():
        stage_index = int(key)
    if stage_index is not None and stage_index >= idx:
        warnings.append(f"line {line}: --from={src} names stage {stage_index}, which is not an earlier stage")
        stage_index = None
    return CopyFrom(line=line, source=src, stage_index=stage_index,
                    image=None if stage_index is not None else resolved, sources=tuple(sources), dest=dest,
                    instruction=instruction)
