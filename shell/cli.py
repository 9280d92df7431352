"""The `minimage-ask` command: it finds the command in the table (shell/commands/), runs it, and turns what goes
wrong into an exit status, in one place (EXIT_STATUS).

    minimage-ask [GLOBAL OPTIONS] [COMMAND] [OPTIONS]      COMMAND defaults to consult

`main(argv, env) -> int` takes its streams and terminal checks from `env`, so tests run it in-process. The common
options (--rules PATH, --debug) may come before the command word. This module must not import prompt-toolkit:
only the conversation (shell.chat) does, and only when a terminal is there.
"""
from __future__ import annotations

import sys

from kb.errors import EngineError, MinimageError, RuleFileError

from .commands import DEFAULT, NAMES, command as load_command, table
from .common import VERSION, Env, ExitStatus, UsageError, parse

__all__ = ["main", "run", "Env", "ExitStatus", "UsageError", "VERSION", "EXIT_STATUS", "split_command"]

#: What each error means for the exit status, the first matching class wins. Messages: `Error: ...` on stderr, no
#: traceback unless --debug; argparse's own usage errors exit 2 and --help/--version 0 (SystemExit, in main).
EXIT_STATUS: tuple[tuple[type[BaseException], ExitStatus], ...] = (
    (KeyboardInterrupt, ExitStatus.INTERRUPTED),
    (BrokenPipeError, ExitStatus.OK),  # the reader went away (`| head`): nothing left to say
    (RuleFileError, ExitStatus.USAGE),  # every problem listed, file:LINE: ID: message
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
        args = parse(parser_for(command), rest, env)
        env.debug = args.debug
        return int(command.run(args, env))
    except SystemExit as e:  # argparse: --help, --version, usage errors
        return ExitStatus.USAGE if e.code not in (0, None) else ExitStatus.OK
    except BaseException as e:  # noqa: BLE001 - every error becomes a message and a status, per EXIT_STATUS
        status = next((s for cls, s in EXIT_STATUS if isinstance(e, cls)), None)
        if status is None or (status == ExitStatus.INTERNAL and env.debug):
            raise
        report(e, status, env)
        return status


def report(e: BaseException, status: ExitStatus, env: Env) -> None:
    """The one message on stderr for an error that ends the command."""
    if isinstance(e, KeyboardInterrupt):
        env.stderr.write("\nInterrupted.\n")
    elif isinstance(e, BrokenPipeError):
        pass
    elif isinstance(e, RuleFileError):
        n = len(e.problems)
        env.stderr.write(f"Error: the rules cannot be loaded ({n} problem{'s' if n != 1 else ''}):\n")
        env.stderr.write("".join(f"  {p}\n" for p in e.problems))
    elif status == ExitStatus.INTERNAL:
        env.stderr.write(f"Error: internal error: {type(e).__name__}: {e} (run with --debug for the traceback)\n")
    else:
        env.stderr.write(f"Error: {e}\n")


def run() -> None:
    """Console-script entry point."""
    sys.exit(main())
