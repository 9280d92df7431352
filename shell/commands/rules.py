"""`minimage-ask rules [ID...]`: the rule catalogue, or rules in full."""
from __future__ import annotations

import argparse

from ..common import ExitStatus, UsageError, add_common, command_parser, load_rulebase

NAME = "rules"
HELP = "the rules of every kind (MI1xx-3xx, lint MI4xx, diagnose MI5xx) and their sources (A7, K10.5), or one in full"
API = ("catalog",)

EXAMPLES = """\
examples:
  minimage-ask rules
  minimage-ask rules MI204
  minimage-ask rules A7 K10.5 golang/go#38017
  minimage-ask rules --format json
  minimage-ask rules --format markdown > docs/rules.md
"""


def parser() -> argparse.ArgumentParser:
    p = command_parser(NAME, "List the rules and the sources they cite, or show one in full: a rule of any kind "
                             "(MI101, MI401, MI501), a shipped source (A7, K10.1) or a public document as plans cite "
                             "it (golang/go#38017).", EXAMPLES)
    p.add_argument("ids", nargs="*", metavar="ID", help="rule or source IDs to show in full")
    p.add_argument("--format", "-f", choices=("text", "json", "markdown"), default="text",
                   help="markdown: the whole catalogue as docs/rules.md has it")
    add_common(p)
    return p


def run(args, env) -> int:
    from .. import render
    from ..jsontext import dumps

    catalog = load_rulebase(args.rules).catalog()
    if args.format == "markdown":
        env.stdout.write(render.rules_markdown(catalog))
        return ExitStatus.OK
    if not args.ids:
        entries = catalog.rules()
        if args.format == "json":
            env.stdout.write(dumps([e.to_dict() for e in entries]) + "\n")
        else:
            env.stdout.write(render.rules_table(entries) + "\n\n" + render.rules_table(catalog.sources()) + "\n")
        return ExitStatus.OK
    entries = [catalog.get(i) for i in args.ids]
    missing = [i for i, e in zip(args.ids, entries) if e is None]
    if missing:
        rules = catalog.rules()
        raise UsageError(f"unknown rule or source {', '.join(missing)} (rules: {rules[0].id} to {rules[-1].id}; "
                         "sources: A1-A17, K8.1-K10.10; or a citation as a plan prints it)")
    if args.format == "json":
        env.stdout.write(dumps([e.to_dict() for e in entries]) + "\n")
    else:
        env.stdout.write("\n\n".join(render.entry_text(catalog, e) for e in entries) + "\n")
    return ExitStatus.OK
