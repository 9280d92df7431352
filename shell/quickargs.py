"""A command's options as data, for argparse and for a quick path that parses the plain command lines without it.

`lint` runs from pre-commit once per commit on a file or two, so its start-up is most of what it costs; argparse is
about 5 ms of that (importing it, then gettext and locale when it builds a parser, then the parser itself). A
command that lists its options as `Option`s gets both from one list: `add_options` gives them to its argparse parser
(the help, the usage errors, everything unusual) and `quick_parse` reads the plain lines without argparse: long
options spelled out (`--format json`, `--format=json`), the exact short ones (`-q`, `-f json`), positionals in one
run. For anything else it returns None and argparse parses the line, so a line is never read two ways
(tests/test_quickargs.py compares the two on generated lines).
"""
from __future__ import annotations

from types import SimpleNamespace

TYPE_CHECKING = False
if TYPE_CHECKING:
    import argparse


class Option:
    """One option: its flags (the long one first), the dest argparse would give it, and what it takes: "flag"
    (store_true), "value" (the last one given wins), "append" (repeatable) or "exit" (--version: argparse only)."""

    __slots__ = ("flags", "dest", "kind", "default", "choices", "metavar", "help", "extra")

    def __init__(self, *flags: str, kind: str = "value", default=None, choices: tuple | None = None,
                 metavar: str | None = None, help: str | None = None, **extra) -> None:  # noqa: A002 - argparse's word
        self.flags, self.kind, self.choices = flags, kind, choices
        self.metavar, self.help, self.extra = metavar, help, extra
        self.dest = flags[0].lstrip("-").replace("-", "_")
        self.default = False if kind == "flag" else default

    def add_to(self, parser: argparse.ArgumentParser) -> None:
        action = {"flag": "store_true", "append": "append", "exit": "version"}.get(self.kind)
        kwargs = {k: v for k, v in (("action", action), ("choices", self.choices), ("metavar", self.metavar),
                                    ("help", self.help)) if v is not None}
        if self.kind == "append":
            kwargs["default"] = []
        elif self.kind == "value":
            kwargs["default"] = self.default
        parser.add_argument(*self.flags, **kwargs, **self.extra)


def add_options(parser: argparse.ArgumentParser, options) -> None:
    for option in options:
        option.add_to(parser)


def quick_parse(options, positional: str, argv: list[str]) -> SimpleNamespace | None:
    """The namespace argparse would give for `argv` (one or more positionals, stored under `positional`), or None
    when the line is not one of the plain ones this reads; argparse then parses it."""
    by_flag = {flag: option for option in options for flag in option.flags}
    values = {o.dest: [] if o.kind == "append" else o.default for o in options if o.kind != "exit"}
    found: list[str] = []
    runs = 0  # argparse takes `nargs="+"` positionals in one run: `a --quiet b` is its usage error
    i, after_positional = 0, False
    while i < len(argv):
        word = argv[i]
        if word[:1] != "-" or word == "-":
            if not after_positional:
                runs += 1
            found.append(word)
            after_positional = True
            i += 1
            continue
        after_positional = False
        name, sep, attached = word.partition("=") if word.startswith("--") else (word, "", "")
        option = by_flag.get(name)
        if option is None or option.kind == "exit" or word == "--":
            return None  # `--`, an abbreviation, a cluster (`-qf`), --help, --version, or unknown: argparse's
        if option.kind == "flag":
            if sep:
                return None
            values[option.dest] = True
            i += 1
            continue
        if sep:
            value, i = attached, i + 1
        elif i + 1 < len(argv) and (argv[i + 1][:1] != "-" or argv[i + 1] == "-"):
            value, i = argv[i + 1], i + 2
        else:
            return None  # a missing value, or one that looks like an option: argparse says which
        if option.choices is not None and value not in option.choices:
            return None
        if option.kind == "append":
            values[option.dest].append(value)
        else:
            values[option.dest] = value
    if runs != 1:
        return None
    values[positional] = found
    return SimpleNamespace(**values)
