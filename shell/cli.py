"""The `minimage-ask` command: it finds the command in the table (shell/commands/), runs it, and turns what goes
wrong into an exit status, in one place (EXIT_STATUS).

    minimage-ask [GLOBAL OPTIONS] [COMMAND] [OPTIONS]      COMMAND defaults to consult

`main(argv, env) -> int` takes its streams and terminal checks from `env`, so tests run it in-process. The common
options (--rules PATH, --debug) may come before the command word. This module must not import prompt-toolkit:
only the conversation (shell.chat) does, and only when a terminal is there.
"""
from __future__ import annotations

import os
import sys

from kb.errors import EngineError, InstallError, MinimageError, RuleFileError
from kb.files import safe_text

from .commands import DEFAULT, NAMES, command as load_command, table
from .common import VERSION, Env, ExitStatus, UsageError, parse
from .output import OutputError, flush
from .quickargs import quick_parse

__all__ = ["main", "run", "Env", "ExitStatus", "UsageError", "VERSION", "EXIT_STATUS", "split_command"]

#: What each error means for the exit status, the first matching class wins. Messages: `Error: ...` on stderr, no
#: traceback unless --debug; argparse's own usage errors exit 2 and --help/--version 0 (SystemExit, in main).
EXIT_STATUS: tuple[tuple[type[BaseException], ExitStatus], ...] = (
    (KeyboardInterrupt, ExitStatus.INTERRUPTED),
    (BrokenPipeError, ExitStatus.OK),  # the reader went away (`| head`): nothing left to say
    (OutputError, ExitStatus.USAGE),  # --output or stdout cannot take the text (/dev/full, a closed descriptor)
    (UnicodeError, ExitStatus.USAGE),  # input that is not UTF-8, or a stream that cannot show a character
    (RuleFileError, ExitStatus.USAGE),  # every problem listed, file:LINE: ID: message
    (InstallError, ExitStatus.INTERNAL),  # durable-rules missing or mis-built: the message says how to repair it
    (EngineError, ExitStatus.INTERNAL),  # durable-rules failed on our rules: a bug
    (MinimageError, ExitStatus.USAGE),  # bad input: UsageError, EvidenceError, DiagnoseInputError, UnknownFact, ...
    (Exception, ExitStatus.INTERNAL),  # a bug: the last line of defence
)
GLOBAL_WITH_VALUE = ("--rules",)
GLOBAL_FLAGS = ("--debug",)


def commands_text() -> str:
    """The command list of `minimage-ask --help`, from the table."""
    commands = table()
    width = max(len(m.NAME) for m in commands)
    lines = [f"  {m.NAME:<{width}}  {m.HELP}" for m in commands]
    return "commands (`minimage-ask COMMAND --help` for each; no command means consult):\n" + "\n".join(lines)


def parser_for(command):
    """The command's parser; consult's is also the top level, whose help lists every command (importing them all,
    so only when help is asked for)."""
    p = command.parser()
    if command.NAME == DEFAULT:
        p.usage = "%(prog)s [COMMAND] [OPTIONS]"
        plain = p.format_help

        def format_help() -> str:
            p.description = f"{command.DESCRIPTION}\n\n{commands_text()}"
            return plain()

        p.format_help = format_help
    return p


def quick(command, argv: list[str]):
    """The command's arguments read without argparse, for a command that lists its OPTIONS (shell.quickargs) and a
    plain line; None otherwise."""
    options = getattr(command, "OPTIONS", None)
    return quick_parse(options, command.POSITIONAL, argv) if options else None


def split_command(argv: list[str]):
    """(command module, its argv): global options before the command word are handed on to the command."""
    leading: list[str] = []
    i = 0
    while i < len(argv):
        word = argv[i]
        if word in GLOBAL_WITH_VALUE and i + 1 < len(argv):
            leading += argv[i:i + 2]
            i += 2
        elif word in GLOBAL_FLAGS or word.partition("=")[0] in GLOBAL_WITH_VALUE:
            leading.append(word)
            i += 1
        else:
            break
    if i < len(argv) and argv[i] in NAMES:
        return load_command(argv[i]), leading + argv[i + 1:]
    return load_command(DEFAULT), argv


def main(argv: list[str] | None = None, env: Env | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    env = env or Env()
    env.debug = "--debug" in argv
    try:
        command, rest = split_command(argv)
        args = quick(command, rest) or parse(parser_for(command), rest, env)
        env.debug = args.debug
        status = int(command.run(args, env))
        flush(env.stdout, "standard output")  # /dev/full says so here, not as a lost write at exit
        return status
    except SystemExit as e:  # argparse: --help, --version, usage errors
        return ExitStatus.USAGE if e.code not in (0, None) else ExitStatus.OK
    except BaseException as e:  # noqa: BLE001 - every error becomes a message and a status, per EXIT_STATUS
        status = next((s for cls, s in EXIT_STATUS if isinstance(e, cls)), None)
        if status is None or (status == ExitStatus.INTERNAL and env.debug):
            raise
        report(e, status, env)
        return status


def report(e: BaseException, status: ExitStatus, env: Env) -> None:
    """The one message on stderr for an error that ends the command (control characters from the input escaped)."""
    if isinstance(e, (BrokenPipeError, OutputError)):
        _quiet_stdout(env)
    if isinstance(e, KeyboardInterrupt):
        env.stderr.write("\nInterrupted.\n")
    elif isinstance(e, BrokenPipeError):
        pass
    elif isinstance(e, UnicodeError):
        env.stderr.write(f"Error: {safe_text(_unicode_problem(e))}\n")
    elif isinstance(e, RuleFileError):
        total = getattr(e, "total", len(e.problems))
        env.stderr.write(f"Error: the rules cannot be loaded ({total} problem{'s' if total != 1 else ''}):\n")
        env.stderr.write("".join(f"  {safe_text(str(p))}\n" for p in e.problems))
        if getattr(e, "omitted", 0):
            env.stderr.write(f"  ... and {e.omitted} more\n")
    elif status == ExitStatus.INTERNAL and not isinstance(e, InstallError):
        env.stderr.write(f"Error: internal error: {type(e).__name__}: {safe_text(str(e))} "
                         "(run with --debug for the traceback)\n")
    else:
        env.stderr.write(f"Error: {safe_text(str(e))}\n")


def _unicode_problem(e: UnicodeError) -> str:
    if isinstance(e, UnicodeDecodeError):
        return f"the input is not UTF-8 text (byte 0x{e.object[e.start]:02x} at position {e.start + 1})"
    if isinstance(e, UnicodeEncodeError):
        return (f"cannot show the character {e.object[e.start:e.start + 1]!r} in the terminal's encoding "
                f"({e.encoding}); set a UTF-8 locale (LANG=C.UTF-8) or use --output")
    return str(e)


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
