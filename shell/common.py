"""What every command of the shell shares: its surroundings (Env), exit statuses, the usage error, the common flags,
loading the rule base, reading answers and writing output.

The bottom of the shell: at module level it imports nothing from shell/ but quickargs, and render, output and
answers only when used (modules that import nothing of the shell), so every other module may import it and nothing
imports back up. It must not import prompt-toolkit, nor argparse at import (a plain `lint` parses without it).
"""
from __future__ import annotations

import os
import sys
from enum import IntEnum

from kb.errors import MinimageError

from .quickargs import Option, add_options

TYPE_CHECKING = False  # typing costs milliseconds at start-up; annotations here are never evaluated
if TYPE_CHECKING:
    import argparse
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


_PROCESS = object()  # "the process's own stream", as opposed to None: a descriptor the caller closed


class Env:
    """Everything the command reads from its surroundings, so tests can supply their own. (A plain class: defining a
    dataclass costs every start of the command line milliseconds.)"""

    def __init__(self, stdin: IO = _PROCESS, stdout: IO = _PROCESS, stderr: IO = _PROCESS,
                 stdin_isatty: bool | None = None, stdout_isatty: bool | None = None, environ: dict | None = None,
                 history_path: str | None = None, debug: bool = False) -> None:
        self.stdin = sys.stdin if stdin is _PROCESS else stdin
        self.stdout = sys.stdout if stdout is _PROCESS else stdout
        self.stderr = sys.stderr if stderr is _PROCESS else stderr
        self.stdin_isatty, self.stdout_isatty = stdin_isatty, stdout_isatty
        self.environ = dict(os.environ) if environ is None else environ
        self.history_path, self.debug = history_path, debug
        # a descriptor closed by the caller (`minimage-ask <&- >&-`): Python gives None; we read nothing from it,
        # and a write to it is an error that says so (shell.output.ClosedStream)
        if self.stdin is None or self.stdout is None or self.stderr is None:
            from .output import ClosedStream

            self.stdin = self.stdin if self.stdin is not None else ClosedStream("standard input")
            self.stdout = self.stdout if self.stdout is not None else ClosedStream("standard output")
            self.stderr = self.stderr if self.stderr is not None else ClosedStream("standard error", quiet=True)
        if self.stdout is sys.stdout:  # a full disk (`> /dev/full`) is an error to report, not an internal one
            from .output import GuardedStream

            try:  # a file name that is not UTF-8 is shown as \udcff, not an encoding error (strict locales)
                sys.stdout.reconfigure(errors="backslashreplace")
            except (AttributeError, ValueError, OSError):
                pass
            self.stdout = GuardedStream(sys.stdout)
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


def _help_formatter():
    """argparse's RawDescriptionHelpFormatter, sized to the terminal as shutil.get_terminal_size() would (COLUMNS,
    else the terminal of standard output, else 80) without importing shutil: argparse builds a formatter for every
    option it adds, and shutil brings bz2, lzma and fnmatch, a millisecond and a half of every start. Made on first
    use, since argparse is imported only by a command line the quick path does not read."""
    global _HelpFormatter
    if _HelpFormatter is None:
        import argparse

        class HelpFormatter(argparse.RawDescriptionHelpFormatter):
            def __init__(self, prog: str, indent_increment: int = 2, max_help_position: int = 24,
                         width: int | None = None) -> None:
                if width is None:
                    width = terminal_columns() - 2
                super().__init__(prog, indent_increment, max_help_position, width)

        _HelpFormatter = HelpFormatter
    return _HelpFormatter


_HelpFormatter = None


def terminal_columns(fallback: int = 80) -> int:
    try:
        columns = int(os.environ["COLUMNS"])
    except (KeyError, ValueError):
        columns = 0
    if columns <= 0:
        try:
            columns = os.get_terminal_size(sys.__stdout__.fileno()).columns
        except (AttributeError, ValueError, OSError):
            columns = 0
    return columns if columns > 0 else fallback


def command_parser(name: str, description: str, examples: str) -> argparse.ArgumentParser:
    """The parser of `minimage-ask NAME`, with its examples (and exit statuses) after the options."""
    import argparse

    return argparse.ArgumentParser(prog=f"minimage-ask {name}".strip(), description=description, epilog=examples,
                                   formatter_class=_help_formatter())


#: The options every command takes (they may also come before the command: `minimage-ask --rules X lint ...`).
COMMON_OPTIONS = (
    Option("--rules", kind="append", metavar="PATH", help="layer a rules file on top of the shipped rules.yaml "
                                                          "(repeatable)"),
    Option("--debug", kind="flag", help="show tracebacks of internal errors"),
    Option("--version", kind="exit", version=f"minimage-ask {VERSION}"),
)


def add_common(p: argparse.ArgumentParser) -> None:
    add_options(p, COMMON_OPTIONS)


def add_result_options(p: argparse.ArgumentParser, answer_help: str) -> None:
    """The options of the commands that end in a consultation's result (consult, inspect)."""
    p.add_argument("--answer", "-a", action="append", default=[], metavar="FACT=VALUE", help=answer_help)
    p.add_argument("--format", "-f", choices=("text", "json", "dockerfile"), default="text",
                   help="output: the recommendation as text (default), all of it as JSON, or the Dockerfile alone")
    p.add_argument("--plan", type=int, default=1, metavar="N", help="which plan --format dockerfile writes (default 1)")
    p.add_argument("--output", "-o", metavar="PATH", help="write the output to PATH instead of standard output")


def parse(parser: argparse.ArgumentParser, argv: list[str], env: Env) -> argparse.Namespace:
    """parse_args, with argparse's help and usage errors going to env's streams rather than sys's (what
    contextlib.redirect_stdout/redirect_stderr do, without importing contextlib on every start)."""
    saved = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = env.stdout, env.stderr
    try:
        return parser.parse_args(argv)
    finally:
        sys.stdout, sys.stderr = saved


# -- the rule base, answers, output ------------------------------------------------------------------------------------


def load_rulebase(paths: list[str], keep_results: bool = False):
    """The rule base with the user's rule files; `keep_results` for a one-shot answer (kb.result_store)."""
    import kb

    return kb.load(*paths, keep_results=keep_results)


def write_output(text: str, args, env: Env) -> None:
    """To --output (shell.output: atomic for files, in place for devices and FIFOs, `-` is stdout) or stdout."""
    from .output import write_output as write

    write(text, getattr(args, "output", None) or "-", env.stdout)


def parse_assignment(text: str, where: str) -> tuple[str, str]:
    fact, sep, value = text.partition("=")
    if not sep or not fact.strip():
        raise UsageError(f"{where}: expected FACT=VALUE, got '{clip(text)}'")
    return fact.strip(), value.strip()


def clip(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."


def read_answers_file(path: str) -> list[tuple[str, str, str]]:
    """(fact, value, where) from a YAML mapping or FACT=VALUE lines (shell.answers decides which, by every line)."""
    from kb.files import InputFileError

    from .answers import AnswersFileError, read_answers_file as read

    try:
        return read(path)
    except InputFileError as e:
        raise UsageError(f"cannot read {e}") from None
    except AnswersFileError as e:
        raise UsageError(str(e)) from None


def apply_answer(session, fact: str, value: str, where: str) -> str:
    from kb import InvalidAnswer, UnknownFact

    try:
        clash = session.contradiction(fact, value)
        if clash:  # one run, one answer per fact: which of two was meant is not ours to guess
            name, new, old, earlier = clash
            raise UsageError(f"{where}: {name} = {new} contradicts {name} = {old} given at {earlier}; "
                             "answer each fact once")
        return session.answer(fact, value, where)
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


def emit_result(result, args, env: Env, extra: dict | None = None) -> int:
    """A consultation's result in args.format (text, json, dockerfile), to args.output or stdout; `extra` adds keys
    to the JSON object (inspect: what was inspected)."""
    from . import render

    if args.format == "json":
        if extra:
            from .jsontext import dumps

            text = dumps({**result.to_dict(), **extra})
        else:
            text = render.result_json(result)
        write_output(text + "\n", args, env)
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
