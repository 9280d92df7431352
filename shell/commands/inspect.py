"""`minimage-ask inspect PATH`: facts from a binary, a script or a project directory, then the plans."""
from __future__ import annotations

import argparse

from ..common import add_common, add_result_options, command_parser, emit_result, load_rulebase, open_session

NAME = "inspect"
HELP = "facts from an ELF binary, a #! script or a project directory, then the plans for it"
API = ("inspect", "session")

EXAMPLES = """\
examples:
  minimage-ask inspect ./server                 an ELF binary: libc, libraries, glibc version
  minimage-ask inspect . --answer static_ok=yes a project directory
  minimage-ask inspect ./app --chat             then ask what is still open
"""


def parser() -> argparse.ArgumentParser:
    p = command_parser(NAME, "Look at a binary, a script or a source directory, turn what it shows into facts, and "
                             "print the plans. Questions the evidence does not settle count as unknown unless "
                             "answered.", EXAMPLES)
    p.add_argument("path", help="an ELF binary, a #! script or a project directory")
    add_result_options(p, "answer a question the evidence leaves open (repeatable)")
    p.add_argument("--chat", action="store_true", help="in a terminal, go on to ask the questions still open")
    add_common(p)
    return p


def run(args, env) -> int:
    rb = load_rulebase(args.rules, keep_results=not (args.chat and env.stdin_isatty))
    seen = rb.inspect(args.path)
    session = open_session(rb, args, evidence=seen.evidence)
    if args.chat and env.stdin_isatty:
        from ..chat import run_chat

        return run_chat(rb, session, args, env)
    warnings = [str(w) for w in seen.warnings]
    if args.format == "text":
        from ..render import evidence_text

        env.stdout.write(evidence_text(seen) + "\n\n")
    elif warnings and args.format == "dockerfile":  # a Dockerfile on stdout must stay clean: warnings to stderr
        from kb.files import safe_text

        env.stderr.write("".join(f"warning: {safe_text(args.path)}: {safe_text(w)}\n" for w in warnings))
    return emit_result(session.result(), args, env,
                       {"inspected": {"path": args.path, "kind": seen.kind, "warnings": warnings,
                                      "truncated": bool(getattr(seen.report, "truncated", False))}})
