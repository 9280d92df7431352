"""The `minimage-ask` command: a conversation in a terminal, a script on a pipe, one-shot answers from flags.

`main(argv, env) -> int` takes its streams and terminal checks from `env`, so tests run it in-process. This module
must not import prompt-toolkit: only the conversation (shell.chat) does, and only when a terminal is there.
"""
from __future__ import annotations

import argparse
import contextlib
import os
import sys
from dataclasses import dataclass, field
from enum import IntEnum

TYPE_CHECKING = False  # typing costs milliseconds at start-up; annotations here are never evaluated
if TYPE_CHECKING:
    from typing import IO, Callable

VERSION = "0.1.0"


class ExitStatus(IntEnum):
    OK = 0  # a plan was found (lint: no error found)
    NO_PLAN = 1  # no viable plan (lint: an error was found)
    USAGE = 2  # bad usage or bad input: flags, answers, rule files, unreadable files
    CANNOT_VERIFY = 69  # verify: no Docker engine is reachable, so nothing was verified
    INTERNAL = 70  # a bug: please report it (traceback with --debug)
    INTERRUPTED = 130  # Ctrl-C


class UsageError(Exception):
    """Bad input from the user; printed as `Error: ...` with exit status 2."""


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


EXAMPLES = """\
examples:
  minimage-ask                                     talk it through in a terminal
  minimage-ask --answer language=go --answer cgo=no --answer tls=yes
  minimage-ask --answer language=c --answer static_ok=no --format dockerfile --output Dockerfile
  printf 'c\\nno\\n' | minimage-ask                  answers on stdin, in the order the questions come
  minimage-ask --answers answers.yaml --format json
  minimage-ask rules                               the rule catalogue; `minimage-ask rules MI204` for one rule
  minimage-ask lint Dockerfile                     libc-aware Dockerfile checks (MI4xx); lint --help
  minimage-ask diagnose 'exec /app: no such file or directory'   what an error message means (MI5xx)

exit status: 0 a plan was found, 1 no viable plan, 2 usage or input error, 69 (verify) no Docker engine,
70 internal error, 130 interrupted
"""


def consult_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="minimage-ask",
        description="Find the smallest Docker base image your program really runs on, what to change in the build "
                    "to get there, and why. Other commands: rules, lint, diagnose.",
        epilog=EXAMPLES, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--answer", "-a", action="append", default=[], metavar="FACT=VALUE",
                   help="answer a question without being asked (repeatable); every fact accepts 'unknown'")
    p.add_argument("--answers", metavar="FILE", help="answers from a YAML mapping or FACT=VALUE lines")
    p.add_argument("--format", "-f", choices=("text", "json", "dockerfile"), default="text",
                   help="output: the recommendation as text (default), all of it as JSON, or the Dockerfile alone")
    p.add_argument("--plan", type=int, default=1, metavar="N", help="which plan --format dockerfile writes (default 1)")
    p.add_argument("--output", "-o", metavar="PATH", help="write the output to PATH instead of standard output")
    p.add_argument("--script", action="store_true", help="read answers from standard input even on a terminal")
    add_common(p)
    return p


def parse(parser: argparse.ArgumentParser, argv: list[str], env: Env) -> argparse.Namespace:
    """parse_args, with argparse's help and usage errors going to env's streams rather than sys's."""
    with contextlib.redirect_stdout(env.stdout), contextlib.redirect_stderr(env.stderr):
        return parser.parse_args(argv)


def add_common(p: argparse.ArgumentParser) -> None:
    p.add_argument("--rules", action="append", default=[], metavar="PATH",
                   help="layer a rules file on top of the shipped rules.yaml (repeatable)")
    p.add_argument("--debug", action="store_true", help="show tracebacks of internal errors")
    p.add_argument("--version", action="version", version=f"minimage-ask {VERSION}")


def rules_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="minimage-ask rules", description="List the rules, or show one in full.",
                                epilog="examples:\n  minimage-ask rules\n  minimage-ask rules MI204\n"
                                       "  minimage-ask rules --format json",
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("ids", nargs="*", metavar="ID", help="rule IDs to show in full")
    p.add_argument("--format", "-f", choices=("text", "json"), default="text")
    add_common(p)
    return p


# -- helpers shared by the commands ------------------------------------------------------------------------------------


def load_rulebase(paths: list[str]):
    import kb

    return kb.load(*paths)


def write_output(text: str, args, env: Env) -> None:
    """To --output (shell.output: atomic for files, in place for devices and FIFOs, `-` is stdout) or stdout."""
    from .output import write_output as write

    write(text, getattr(args, "output", None) or "-", env.stdout)


def parse_assignment(text: str, where: str) -> tuple[str, str]:
    fact, sep, value = text.partition("=")
    if not sep or not fact.strip():
        raise UsageError(f"{where}: expected FACT=VALUE, got '{_clip(text)}'")
    return fact.strip(), value.strip()


def _clip(text: str, limit: int = 60) -> str:
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
        return session.answer(fact, value)
    except UnknownFact as e:
        raise UsageError(f"{where}: unknown fact '{e.fact}' (known facts: {', '.join(e.legal)})") from None
    except InvalidAnswer as e:
        raise UsageError(f"{where}: '{_clip(e.value)}' is not an answer to {e.fact} "
                         f"(legal: {', '.join(e.legal)})") from None


def emit_result(result, args, env: Env, extra: dict | None = None) -> int:
    """Write the result as --format asks; `extra` adds keys to the JSON object (inspect: what was inspected)."""
    from . import render

    if args.format == "json":
        if extra:
            import json

            text = json.dumps({**result.to_dict(), **extra}, indent=2)
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


# -- the commands -------------------------------------------------------------------------------------------------------


def cmd_consult(argv: list[str], env: Env) -> int:
    args = parse(consult_parser(), argv, env)
    env.debug = args.debug
    rb = load_rulebase(args.rules)
    session = rb.session()
    if args.answer or args.answers:
        if args.answers:
            for fact, value, where in read_answers_file(args.answers):
                apply_answer(session, fact, value, where)
        for text in args.answer:
            fact, value = parse_assignment(text, "--answer")
            apply_answer(session, fact, value, f"--answer {_clip(text)}")
        return emit_result(session.result(), args, env)
    if env.stdin_isatty and not args.script:
        from .chat import run_chat  # prompt-toolkit is imported only here

        return run_chat(rb, session, args, env)
    from .script import run_script

    return run_script(session, args, env)


def cmd_rules(argv: list[str], env: Env) -> int:
    import json

    from . import render

    args = parse(rules_parser(), argv, env)
    env.debug = args.debug
    knowledge = load_rulebase(args.rules).knowledge
    catalogue = {**knowledge.rules, **knowledge.lints, **knowledge.diagnoses}  # MI1xx-3xx, MI4xx lint, MI5xx diagnose
    rules = sorted(catalogue.values(), key=lambda r: r.id)
    if args.ids:
        missing = [i for i in args.ids if i.upper() not in catalogue]
        if missing:
            raise UsageError(f"unknown rule {', '.join(missing)} (rules: {rules[0].id} to {rules[-1].id})")
        rules = [catalogue[i.upper()] for i in args.ids]
    if args.format == "json":
        env.stdout.write(json.dumps([r.to_dict() for r in rules], indent=2) + "\n")
    elif args.ids:
        env.stdout.write("\n\n".join(render.rule_text(r) for r in rules) + "\n")
    else:
        env.stdout.write(render.rules_table(rules) + "\n")
    return ExitStatus.OK


def cmd_lint(argv: list[str], env: Env) -> int:
    from .lint import run_lint

    return run_lint(argv, env)


def cmd_diagnose(argv: list[str], env: Env) -> int:
    from .diagnose import run_diagnose

    return run_diagnose(argv, env)


def inspect_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="minimage-ask inspect",
        description="Look at a binary, a script or a source directory, turn what it shows into facts, and print "
                    "the plans. Questions the evidence does not settle count as unknown unless answered.",
        epilog="examples:\n  minimage-ask inspect ./server                 an ELF binary: libc, libraries, glibc version\n"
               "  minimage-ask inspect . --answer static_ok=yes a project directory\n"
               "  minimage-ask inspect ./app --chat             then ask what is still open\n",
        formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("path", help="an ELF binary, a #! script or a project directory")
    p.add_argument("--answer", "-a", action="append", default=[], metavar="FACT=VALUE",
                   help="answer a question the evidence leaves open (repeatable)")
    p.add_argument("--format", "-f", choices=("text", "json", "dockerfile"), default="text")
    p.add_argument("--plan", type=int, default=1, metavar="N", help="which plan --format dockerfile writes")
    p.add_argument("--output", "-o", metavar="PATH", help="write the output to PATH")
    p.add_argument("--chat", action="store_true", help="in a terminal, go on to ask the questions still open")
    add_common(p)
    return p


def cmd_inspect(argv: list[str], env: Env) -> int:
    from kb.evidence.errors import EvidenceError
    from kb.evidence.facts import inspect_path

    args = parse(inspect_parser(), argv, env)
    env.debug = args.debug
    rb = load_rulebase(args.rules)
    try:
        kind, report, evidence = inspect_path(args.path)
    except EvidenceError as e:
        raise UsageError(str(e)) from None
    warnings = inspection_warnings(report)
    session = rb.session()
    session.add_evidence(evidence)
    for text in args.answer:
        fact, value = parse_assignment(text, "--answer")
        apply_answer(session, fact, value, f"--answer {_clip(text)}")
    if args.chat and env.stdin_isatty:
        from .chat import run_chat

        return run_chat(rb, session, args, env)
    from kb.files import safe_text

    if args.format == "text":
        shown = evidence or []
        env.stdout.write(f"Evidence from {kind} {safe_text(args.path)}:\n")
        env.stdout.write("".join(f"  {str(j.fact):<36} {safe_text(j.note)}\n" for j in shown)
                         or ("  nothing that settles a question in what was read (see the warnings)\n" if warnings
                             else "  nothing that settles a question\n"))
        env.stdout.write("".join(f"  warning: {safe_text(w)}\n" for w in warnings))
        env.stdout.write("\n")
    elif warnings:  # JSON carries them (below); a Dockerfile on stdout must stay clean: stderr
        if args.format == "dockerfile":
            env.stderr.write("".join(f"warning: {safe_text(args.path)}: {safe_text(w)}\n" for w in warnings))
    return emit_result(session.result(), args, env,
                       {"inspected": {"path": args.path, "kind": kind, "warnings": warnings,
                                      "truncated": bool(getattr(report, "truncated", False))}})


def inspection_warnings(report) -> list[str]:
    """What the inspection could not read (unreadable directories, a walk stopped at its file cap, files over the
    size cap, ...), as the report lists them."""
    return [str(w) for w in getattr(report, "warnings", ()) or ()]


def cmd_verify(argv: list[str], env: Env) -> int:
    from .verify import cmd_verify as verify

    return verify(argv, env)


COMMANDS: dict[str, Callable[[list[str], Env], int]] = {"inspect": cmd_inspect, "rules": cmd_rules, "lint": cmd_lint,
                                                        "diagnose": cmd_diagnose, "verify": cmd_verify}


GLOBAL_OPTIONS = {"--rules": 1, "--debug": 0}  # options every command takes, also before the command's name


def split_command(argv: list[str]) -> tuple[str | None, list[str]]:
    """(command name or None for a consultation, its arguments). Options every command takes may come before the
    name (`minimage-ask --rules mine.yaml rules MI901`): they are moved after it."""
    before, i = [], 0
    while i < len(argv):
        word = argv[i]
        name = word.split("=", 1)[0]
        if name not in GLOBAL_OPTIONS:
            break
        takes = GLOBAL_OPTIONS[name] if "=" not in word else 0
        before += argv[i:i + 1 + takes]
        i += 1 + takes
    if i < len(argv) and argv[i] in COMMANDS:
        return argv[i], before + argv[i + 1:]
    return None, argv


def main(argv: list[str] | None = None, env: Env | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    env = env or Env()
    env.debug = "--debug" in argv
    name, argv = split_command(argv)
    command = COMMANDS.get(name, cmd_consult)
    from kb.engine import InstallError
    from kb.errors import MinimageError, RuleFileError

    from kb.files import safe_text

    from .output import OutputError, flush

    try:
        status = int(command(argv, env))
        flush(env.stdout, "standard output")  # /dev/full says so here, not as a lost write at exit
        return status
    except SystemExit as e:  # argparse: --help, --version, usage errors
        return ExitStatus.USAGE if e.code not in (0, None) else ExitStatus.OK
    except BrokenPipeError:  # the reader went away (`| head`): the usual quiet exit
        _quiet_stdout(env)
        return ExitStatus.OK
    except OutputError as e:
        _quiet_stdout(env)
        env.stderr.write(f"Error: {safe_text(str(e))}\n")
        return ExitStatus.USAGE
    except (UnicodeDecodeError, UnicodeEncodeError) as e:  # input that is not UTF-8, or a stream that cannot show it
        env.stderr.write(f"Error: {safe_text(_unicode_problem(e))}\n")
        return ExitStatus.USAGE
    except RuleFileError as e:
        total = getattr(e, "total", len(e.problems))
        env.stderr.write(f"Error: the rules cannot be loaded ({total} problem{'s' if total != 1 else ''}):\n")
        env.stderr.write("".join(f"  {p}\n" for p in e.problems))
        if getattr(e, "omitted", 0):
            env.stderr.write(f"  ... and {e.omitted} more\n")
        return ExitStatus.USAGE
    except (UsageError, MinimageError) as e:
        env.stderr.write(f"Error: {safe_text(str(e))}\n")
        return ExitStatus.USAGE
    except KeyboardInterrupt:
        env.stderr.write("\nInterrupted.\n")
        return ExitStatus.INTERRUPTED
    except InstallError as e:  # durable-rules missing or mis-built: say how to repair it
        env.stderr.write(f"Error: {e}\n")
        return ExitStatus.INTERNAL
    except Exception as e:  # noqa: BLE001 - the last line of defence: no traceback for users
        if env.debug:
            raise
        env.stderr.write(f"Error: internal error: {type(e).__name__}: {safe_text(str(e))} "
                         "(run with --debug for the traceback)\n")
        return ExitStatus.INTERNAL


def _unicode_problem(e: UnicodeError) -> str:
    if isinstance(e, UnicodeDecodeError):
        return f"the input is not UTF-8 text (byte 0x{e.object[e.start]:02x} at position {e.start + 1})"
    return (f"cannot show the character {e.object[e.start:e.start + 1]!r} in the terminal's encoding "
            f"({e.encoding}); set a UTF-8 locale (LANG=C.UTF-8) or use --output")


def _quiet_stdout(env: Env) -> None:
    """After a failed write to the process's own stdout, point it at /dev/null so the interpreter's flush at
    exit does not fail again (Python's documented recipe for SIGPIPE)."""
    if getattr(env.stdout, "_stream", env.stdout) is not sys.stdout or sys.stdout is None:
        return
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):
        pass


def run() -> None:
    """Console-script entry point."""
    sys.exit(main())
