"""Script mode: answers come from standard input, one per line, in the order the questions come.

A line `FACT=VALUE` sets any fact out of order; blank lines and `#` comments are skipped. Each question is echoed
with the answer taken (on stderr when the output is JSON or a Dockerfile, so it never mixes with them). At end of
input, questions still open count as `unknown` and show up as assumptions.
"""
from __future__ import annotations

from .common import Env, UsageError, apply_answer, clip, emit_result, parse_assignment

MAX_LINE = 4096


def input_lines(env: Env):
    """(line number, text) of standard input, decoded strictly so bad bytes are reported with their line."""
    stream = getattr(env.stdin, "buffer", None)
    if stream is None:  # a text stream (tests): already decoded
        for n, line in enumerate(env.stdin, 1):
            yield n, line
        return
    for n, raw in enumerate(stream, 1):
        try:
            yield n, raw.decode("utf-8")
        except UnicodeDecodeError as e:
            raise UsageError(f"stdin line {n}: not valid UTF-8 (byte {e.start + 1} of the line)") from None


def run_script(session, args, env: Env) -> int:
    echo = env.stdout if args.format == "text" else env.stderr
    for n, line in input_lines(env):
        text = line.strip()
        if len(text) > MAX_LINE:
            raise UsageError(f"stdin line {n}: {len(text)} characters is too long for an answer")
        if not text or text.startswith("#"):
            continue
        if "=" in text:
            fact, value = parse_assignment(text, f"stdin line {n}")
            value = apply_answer(session, fact, value, f"stdin line {n}")
            echo.write(f"= {fact} = {value}\n")
            continue
        question = session.next_question()
        if question is None:
            raise UsageError(f"stdin line {n}: '{clip(text)}' answers nothing: every question that matters is "
                             "answered already")
        value = apply_answer(session, question.id, text, f"stdin line {n} (question {question.id})")
        echo.write(f"? {question.text} {value}\n")
    if args.format == "text":
        echo.write("\n")
    return emit_result(session.result(), args, env)
