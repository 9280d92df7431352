"""The console script's entry point, kept apart so that it runs before anything else is imported.

A command-line run is short: it imports, loads the knowledge (tens of thousands of small objects that live until
exit), consults once and exits. The cyclic garbage collector would walk those objects again and again while they
are made, for nothing (about 3 ms of a 60 ms run, benchmarks/ `consult_process`). So it is off for the command,
and the conversation, which lives as long as the user types, turns it back on (shell.chat). Reference counting
still frees everything that is not in a cycle.
"""
import gc
import sys


def run() -> None:
    gc.disable()
    from .cli import main

    sys.exit(main())
