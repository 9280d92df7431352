"""What every command of the shell shares: its surroundings (Env), exit statuses, the usage error, the common flags,
loading the rule base, reading answers and writing output.

The bottom of the shell: it imports nothing from shell/ at module level (render, a pure module, only when a result
is written), so every other module may import it and nothing imports back up. It must not import prompt-toolkit.
"""
from __future__ import annotations

import argparse
import contextlib
import os
import sys
from dataclasses import dataclass, field
from enum import IntEnum

from kb.errors import MinimageError

TYPE_CHECKING = False  # typing costs milliseconds at start-up; annotations here are never evaluated
if TYPE_CHECKING:
    from typing import IO

VERSION = "0.1.0"


class ExitStatus(IntEnum):
    OK = 0  # a plan was found (lint: no error found)
    NO_PLAN = 1  # no viable plan (lint: an error was found)
    USAGE = 2  # bad usage or bad input: flags, answers, rule files, unreadable files
    CANNOT_VERIFY = 69  # verify: no Docker engine is reachable, so nothing was verified
    INTERNAL = 70  # a bug: please report it (traceback with --debug)
    INTERRUPTED = 130  # Ctrl-C


class UsageError(MinimageError):
    """Bad input from the user that the shell itself finds (flags, answer files, stdin); `Error: ...`, status 2."""


@dataclass
class Env:
    """Everything the command reads from its surroundings, so tests can supply their own."""

    stdin: IO = field(default_factory=lambda: sys.stdin)
    stdout: IO = field(default_factory=lambda: sys.stdout)
    stderr: IO = field(default_factory=lambda: sys.stderr)
    stdin_isatty: bool | None = None
    stdout_isatty: bool | None = None
    environ: dict = field(default_factory=lambda: dict(os.environ))
    history_path: str | None = None
    debug: bool = False

    def __post_init__(self) -> None:
        if self.stdin_isatty is None:
            self.stdin_isatty = _isatty(self.stdin)
        if self.stdout_isatty is None:
            self.stdout_isatty = _isatty(self.stdout)
        if self.history_path is None:
            state = self.environ.get("XDG_STATE_HOME") or os.path.join(
                os.path.expanduser(self.environ.get("HOME", "~")), ".local", "state")
            self.history_path = os.path.join(state, "minimage", "history")


def _isatty(stream: IO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


# -- parsing the command line ------------------------------------------------------------------------------------------


def command_parser(name: str, description: str, examples: str) -> argparse.ArgumentParser:
    """The parser of `minimage-ask NAME`, with its examples (and exit statuses) after the options."""
    return argparse.ArgumentParser(prog=f"minimage-ask {name}".strip(), description=description, epilog=examples,
                                   formatter_class=argparse.RawDescriptionHelpFormatter)


def add_common(p: argparse.ArgumentParser) -> None:
    """The options every command takes (they may also come before the command: `minimage-ask --rules X lint ...`)."""
    p.add_argument("--rules", action="append", default=[], metavar="PATH",
                   help="layer a rules file on top of the shipped rules.yaml (repeatable)")
    p.add_argument("--debug", action="store_true", help="show tracebacks of internal errors")
    p.add_argument("--version", action="version", version=f"minimage-ask {VERSION}")


def parse(parser: argparse.ArgumentParser, argv: list[str], env: Env) -> argparse.Namespace:
    """parse_args, with argparse's help and usage errors going to env's streams rather than sys's."""
    with contextlib.redirect_stdout(env.stdout), contextlib.redirect_stderr(env.stderr):
        return parser.parse_args(argv)


# -- the rule base, answers, output ------------------------------------------------------------------------------------


def load_rulebase(paths: list[str]):
    import kb

    return kb.load(*paths)


def write_output(text: str, args, env: Env) -> None:
    if getattr(args, "output", None):
        path = args.output
        tmp = os.path.join(os.path.dirname(path) or ".", f".{os.path.basename(path)}.tmp")
        try:
            with open(tmp, "w", encoding="utf-8") as f:
                f.write(text)
            os.replace(tmp, path)
        except OSError as e:
            raise UsageError(f"cannot write {path}: {e.strerror or e}") from None
    else:
        env.stdout.write(text)


def parse_assignment(text: str, where: str) -> tuple[str, str]:
    fact, sep, value = text.partition("=")
    if not sep or not fact.strip():
        raise UsageError(f"{where}: expected FACT=VALUE, got '{clip(text)}'")
    return fact.strip(), value.strip()


def clip(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."


def read_answers_file(path: str) -> list[tuple[str, str, str]]:
    """(fact, value, where) from a YAML mapping or FACT=VALUE lines."""
    from kb.model import Located
    from kb.yamlfile import parse_yaml

    try:
        with open(path, encoding="utf-8") as f:
            text = f.read()
    except UnicodeDecodeError as e:
        raise UsageError(f"{path}: not UTF-8 text (byte {e.start})") from None
    except OSError as e:
        raise UsageError(f"cannot read {path}: {e.strerror or e}") from None
    doc = None
    if "=" not in text.split("\n", 1)[0]:
        try:
            doc = parse_yaml(text)
        except Exception:  # not YAML: read as FACT=VALUE lines below
            doc = None
    if isinstance(doc, Located):
        return [(str(k), str(v), f"{path}:{doc.key_lines[k]}") for k, v in doc.items()]
    out = []
    for n, line in enumerate(text.splitlines(), 1):
        line = line.strip()
        if line and not line.startswith("#"):
            fact, value = parse_assignment(line, f"{path}:{n}")
            out.append((fact, value, f"{path}:{n}"))
    return out


def apply_answer(session, fact: str, value: str, where: str) -> str:
    from kb import InvalidAnswer, UnknownFact

    try:
        return session.answer(fact, value)
    except UnknownFact as e:
        raise UsageError(f"{where}: unknown fact '{e.fact}' (known facts: {', '.join(e.legal)})") from None
    except InvalidAnswer as e:
        raise UsageError(f"{where}: '{clip(e.value)}' is not an answer to {e.fact} "
                         f"(legal: {', '.join(e.legal)})") from None


def open_session(rb, args, evidence=()):
    """A session from the evidence, then the answers of `--answers FILE` and `--answer FACT=VALUE` (where a command
    has them), each bad one reported with where it was given."""
    session = rb.session(evidence=evidence)
    if getattr(args, "answers", None):
        for fact, value, where in read_answers_file(args.answers):
            apply_answer(session, fact, value, where)
    for text in getattr(args, "answer", None) or ():
        fact, value = parse_assignment(text, "--answer")
        apply_answer(session, fact, value, f"--answer {clip(text)}")
    return session


def emit_result(result, args, env: Env) -> int:
    """A consultation's result in args.format (text, json, dockerfile), to args.output or stdout."""
    from . import render

    if args.format == "json":
        write_output(render.result_json(result) + "\n", args, env)
    elif args.format == "dockerfile":
        if not result.plans:
            env.stderr.write(f"Error: no viable plan: {result.no_plan_reason}\n")
            return ExitStatus.NO_PLAN
        if not 1 <= args.plan <= len(result.plans):
            raise UsageError(f"--plan {args.plan}: there are {len(result.plans)} plans")
        write_output(result.plans[args.plan - 1].dockerfile, args, env)
    else:
        write_output(render.result_text(result) + "\n", args, env)
    return ExitStatus.OK if result.plans else ExitStatus.NO_PLAN
