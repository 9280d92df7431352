"""`minimage-ask rules [ID...]`: the rule catalogue, or rules in full."""
from __future__ import annotations

import argparse

from ..common import ExitStatus, UsageError, add_common, command_parser, load_rulebase

NAME = "rules"
HELP = "the rule catalogue (every kind: MI1xx-3xx, lint MI4xx, diagnose MI5xx), or one rule in full"
API = ("catalogue",)

EXAMPLES = """\
examples:
  minimage-ask rules
  minimage-ask rules MI204
  minimage-ask rules --format json
"""


def parser() -> argparse.ArgumentParser:
    p = command_parser(NAME, "List the rules, or show one in full.", EXAMPLES)
    p.add_argument("ids", nargs="*", metavar="ID", help="rule IDs to show in full")
    p.add_argument("--format", "-f", choices=("text", "json"), default="text")
    add_common(p)
    return p


def run(args, env) -> int:
    import json

    from .. import render

    catalogue = load_rulebase(args.rules).catalogue()
    rules = list(catalogue.values())
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
