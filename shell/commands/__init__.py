"""The command table of `minimage-ask`: one module per command, in the order `minimage-ask --help` lists them.

Each module exposes
    NAME     the word after `minimage-ask` ("consult" is also what runs when no command word is given)
    HELP     one line for `minimage-ask --help`
    API      the kb.RuleBase methods it is a front end for (a test checks they exist and are called)
    parser() its argparse parser, with examples in the epilog and the common options (shell.common.add_common)
    run(args, env) -> int   the command itself, on parsed arguments; heavy imports happen inside it

A command module imports from shell.common, shell.render and the modules below it (script, chat), never from
shell.cli or from another command, so the shell has no import loops.
"""
from __future__ import annotations

from . import consult, diagnose, inspect, lint, rules, verify

TABLE = (consult, inspect, lint, diagnose, verify, rules)
COMMANDS = {module.NAME: module for module in TABLE}
DEFAULT = consult
