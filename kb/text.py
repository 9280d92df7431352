"""Text from the user's input, made safe to show. Imports nothing of the project: every module may use it."""
from __future__ import annotations


def safe_text(text: str) -> str:
    """Text from input made safe to print on a terminal: control characters (escape sequences, carriage returns,
    bells) and undecodable bytes shown as \\xNN / \\uNNNN, newlines included, so one message stays one line."""
    if text.isprintable():
        return text
    out = []
    for ch in text:
        if ch.isprintable():
            out.append(ch)
        elif ord(ch) < 0x100:
            out.append(f"\\x{ord(ch):02x}")
        elif 0xDC80 <= ord(ch) <= 0xDCFF:  # a byte that was not UTF-8 (surrogateescape)
            out.append(f"\\x{ord(ch) - 0xDC00:02x}")
        else:
            out.append(f"\\u{ord(ch):04x}")
    return "".join(out)
