"""`minimage-ask [consult]`: the consultation, as a conversation in a terminal, a script on a pipe, or one-shot
answers from flags. It is what runs when no command word is given."""
from __future__ import annotations

import argparse

from ..common import add_common, add_result_options, command_parser, emit_result, load_rulebase, open_session

NAME = "consult"
HELP = "find the smallest base image: questions in a terminal, answers on stdin or --answer (the default)"
API = ("session", "consult")

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
DESCRIPTION = ("Find the smallest Docker base image your program really runs on, what to change in the build "
               "to get there, and why.")


def parser() -> argparse.ArgumentParser:
    p = command_parser("", DESCRIPTION, EXAMPLES)  # prog "minimage-ask": it is the top level too
    add_result_options(p, "answer a question without being asked (repeatable); every fact accepts 'unknown'")
    p.add_argument("--answers", metavar="FILE", help="answers from a YAML mapping or FACT=VALUE lines")
    p.add_argument("--script", action="store_true", help="read answers from standard input even on a terminal")
    add_common(p)
    return p


def run(args, env) -> int:
    rb = load_rulebase(args.rules, keep_results=bool(args.answer or args.answers))
    session = open_session(rb, args)
    if args.answer or args.answers:
        return emit_result(session.result(), args, env)
    if env.stdin_isatty and not args.script:
        from ..chat import run_chat  # prompt-toolkit is imported only here

        return run_chat(rb, session, args, env)
    from ..script import run_script

    return run_script(session, args, env)
