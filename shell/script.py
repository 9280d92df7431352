"""Script mode: answers come from standard input, one per line, in the order the questions come.

A line `FACT=VALUE` sets any fact out of order; blank lines and `#` comments are skipped. Each question is echoed
with the answer taken (on stderr when the output is JSON or a Dockerfile, so it never mixes with them). At end of
input, questions still open count as `unknown` and show up as assumptions.
"""
from __future__ import annotations

import itertools

from .common import Env, UsageError, apply_answer, clip, emit_result, parse_assignment

MAX_LINE = 4096
MAX_LINE_BYTES = 4 * MAX_LINE  # UTF-8 takes up to 4 bytes a character


def input_lines(env: Env):
    """(line number, text) of standard input, decoded strictly so bad bytes are reported with their line.

    Bounded while reading (kb.files caps): a line is read at most MAX_LINE_BYTES at a time, and standard input as
    a whole at most kb.files.MAX_STDIN bytes, so `< /dev/zero` ends with an error instead of filling memory. A
    UTF-8 BOM before the first line is dropped; a closed stdin reads as empty."""
    from kb.files import BOM, MAX_STDIN

    stream = getattr(env.stdin, "buffer", env.stdin)
    total = 0
    for n in itertools.count(1):
        try:
            raw = stream.readline(MAX_LINE_BYTES + 1)
        except (OSError, ValueError):  # a closed descriptor: no more input
            return
        if not raw:
            return
        total += len(raw)
        if total > MAX_STDIN:
            raise UsageError(f"standard input is larger than the {MAX_STDIN >> 20} MiB cap (at line {n})")
        if len(raw) > MAX_LINE_BYTES:
            raise UsageError(f"stdin line {n}: longer than {MAX_LINE_BYTES} bytes: too long for an answer")
        if isinstance(raw, bytes):
            if n == 1 and raw.startswith(BOM):
                raw = raw[len(BOM):]
            try:
                raw = raw.decode("utf-8")
            except UnicodeDecodeError as e:
                raise UsageError(f"stdin line {n}: not valid UTF-8 (byte {e.start + 1} of the line)") from None
        elif n == 1:
            raw = raw.removeprefix("\ufeff")
        yield n, raw


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
