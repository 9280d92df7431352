"""The command table of `minimage-ask`: one module per command, in the order `minimage-ask --help` lists them.

Each module exposes
    NAME     the word after `minimage-ask` ("consult" is also what runs when no command word is given)
    HELP     one line for `minimage-ask --help`
    API      the kb.RuleBase methods it is a front end for (a test checks they exist and are called)
    parser() its argparse parser, with examples in the epilog and the common options (shell.common.add_common)
    run(args, env) -> int   the command itself, on parsed arguments; heavy imports happen inside it

Only the command that runs is imported (verify's subprocess and tempfile cost more than a consultation's start-up
should); `--help` imports them all for their HELP. A command module imports from shell.common, shell.render and the
modules below it (script, chat), never from shell.cli or from another command, so the shell has no import loops.
"""
from __future__ import annotations

import sys

NAMES = ("consult", "inspect", "lint", "diagnose", "verify", "rules")  # each module's NAME (a test checks it)
DEFAULT = "consult"


def command(name: str):
    """The module of command `name` (one of NAMES). (`__import__`, not importlib.import_module: importing importlib
    costs every start a quarter of a millisecond.)"""
    module = f"{__name__}.{name}"
    __import__(module)
    return sys.modules[module]


def table() -> list:
    """Every command module, in NAMES order."""
    return [command(name) for name in NAMES]
