"""The console script's entry point, kept apart so that it runs before anything else is imported.

A command-line run is short: it imports, loads the knowledge (tens of thousands of small objects that live until
exit), consults once and exits. The cyclic garbage collector would walk those objects again and again while they
are made, for nothing (about 3 ms of a 60 ms run, benchmarks/ `consult_process`). So it is off for the command,
and the conversation, which lives as long as the user types, turns it back on (shell.chat). Reference counting
still frees everything that is not in a cycle.

The interpreter's exit runs the collector once more over every object, whether it is on or not (about 5 ms of CPU
for a consultation, benchmarks/ `consult_first`): after a one-shot command, everything is moved out of its reach
first (gc.freeze). Exit is otherwise unchanged: streams are flushed, atexit handlers run; what was never collected
during the command (cyclic garbage, which only the collector frees) stays uncollected, as the operating system
takes the memory back.
"""
import gc
import sys


def run() -> None:
    gc.disable()
    from .cli import main

    status = main()
    if not gc.isenabled():  # a one-shot command (the conversation turned the collector back on)
        gc.freeze()
    sys.exit(status)
