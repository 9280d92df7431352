"""`minimage-ask diagnose [TEXT]`: what a container start-up error means, how to fix it, and the rules behind it."""
from __future__ import annotations

import argparse
import json
import shlex
import textwrap

from ..common import Env, ExitStatus, UsageError, add_common, command_parser, load_rulebase

NAME = "diagnose"
HELP = "what a container error message means (MI5xx): cause, fix, rules; then continue the consultation"
API = ("diagnose", "follow_up")

EXAMPLES = """\
examples:
  minimage-ask diagnose 'exec /app: no such file or directory'
  docker logs web 2>&1 | minimage-ask diagnose
  minimage-ask diagnose --format json "version \\`GLIBC_2.34' not found"

In a terminal it then offers to continue the consultation with the answers the message gives (tls=yes, ...);
otherwise it prints the `minimage-ask --answer ...` command that does it.

exit status: 0 something was recognised, 1 nothing was, 2 bad input (no text, binary data, too large)
"""
PROMPT = "Continue the consultation with what this tells us? [Y/n] "


def parser() -> argparse.ArgumentParser:
    p = command_parser(NAME, "Recognise a container error message (from docker run, logs or CI) and say what "
                             "causes it, how to fix it, and which rules it rests on.", EXAMPLES)
    p.add_argument("text", nargs="*", metavar="TEXT", help="the error message (default: read standard input)")
    p.add_argument("--format", "-f", choices=("text", "json"), default="text")
    p.add_argument("--no-continue", action="store_true", help="do not offer to continue the consultation")
    add_common(p)
    return p


def _wrap(label: str, body: str) -> str:
    return textwrap.fill(body, width=100, initial_indent=f"  {label:<8}", subsequent_indent=" " * 10,
                         break_on_hyphens=False, break_long_words=False)


def match_text(m) -> str:
    sure = "" if m.confidence == "certain" else f", {m.confidence}"  # likely or possible: the cause says what else
    out = [f"{m.id} {m.name} (line {m.line}: {m.matched!r}){sure}", _wrap("cause:", m.cause), _wrap("fix:", m.fix)]
    if m.facts:
        out.append(_wrap("shows:", ", ".join(f"{k} = {v}" for k, v in m.facts.items())))
    if m.trail:
        out.append(_wrap("rules:", " -> ".join(f"{t.rule} {t.name}" for t in m.trail)))
    if m.sources:
        out.append(_wrap("source:", ", ".join(m.sources)))
    return "\n".join(out)


def continue_command(answers: dict[str, str]) -> str:
    return " ".join(["minimage-ask", *(f"--answer {shlex.quote(f'{k}={v}')}" for k, v in answers.items())])


def run(args, env: Env) -> int:
    from_stdin = not args.text
    if from_stdin:
        if env.stdin_isatty:
            env.stderr.write("Paste the error message, then press Ctrl-D:\n")
        raw = env.stdin.read((1 << 20) + 1)
        if isinstance(raw, bytes):
            try:
                raw = raw.decode("utf-8")
            except UnicodeDecodeError as e:
                raise UsageError(f"standard input is not UTF-8 text (byte {e.start})") from None
    else:
        raw = " ".join(args.text)
    rb = load_rulebase(args.rules)
    matches = rb.diagnose(raw)
    # the consultation this continues: the answers the message gives, what else it shows (binary_glibc = 2.34, ...)
    # as evidence
    session = rb.follow_up(matches)
    answers = dict(session.answers)
    command = continue_command(answers)
    if args.format == "json":
        env.stdout.write(json.dumps({"matches": [m.to_dict() for m in matches], "answers": answers,
                                     "continue": command if matches else None}, indent=2) + "\n")
        return ExitStatus.OK if matches else ExitStatus.NO_PLAN
    if not matches:
        env.stdout.write("Not recognised: no known container error message in this text. "
                         "`minimage-ask rules` lists the MI5xx messages known.\n")
        return ExitStatus.NO_PLAN
    env.stdout.write("\n\n".join(match_text(m) for m in matches) + "\n")
    if args.no_continue:
        return ExitStatus.OK
    interactive = env.stdin_isatty and env.stdout_isatty and not from_stdin
    if not interactive:
        what = "with what this tells us" if answers else "to find an image that avoids it"
        env.stdout.write(f"\nContinue the consultation {what}:\n  {command}\n")
        return ExitStatus.OK
    env.stdout.write("\n" + PROMPT)
    env.stdout.flush()
    reply = env.stdin.readline().strip().lower()
    if reply not in ("", "y", "yes"):
        return ExitStatus.OK
    try:
        from ..chat import run_chat
    except ImportError:
        env.stdout.write(f"The conversation is not available here; run:\n  {command}\n")
        return ExitStatus.OK
    args.output = None
    run_chat(rb, session, args, env)
    return ExitStatus.OK
