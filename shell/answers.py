"""Answers given as a file (`--answers FILE`): a YAML mapping or `FACT=VALUE` lines, told apart by the whole file.

The format is decided by every line, not the first: a file whose every meaningful line (not blank, not a `#`
comment) is `FACT=VALUE` is lines; anything else must be a YAML mapping of facts to text values. A file that is
neither names the first line that fits neither format. The file is read through kb.files: type checked before it
is opened, at most kb.files.MAX_ANSWERS_FILE bytes, UTF-8 with or without a BOM.
"""
from __future__ import annotations

import re

_ASSIGNMENT = re.compile(r"[^\s=:#][^=:]*=.*")  # FACT=VALUE (linear: two character classes, no nesting)


class AnswersFileError(ValueError):
    """What is wrong with an answers file, with the `where` (file:line) it is wrong."""


def parse_answers(text: str, path: str) -> list[tuple[str, str, str]]:
    """(fact, value, where) from the text of an answers file named `path`."""
    from kb.files import safe_text

    meaningful = [(n, line.strip()) for n, line in enumerate(text.splitlines(), 1)
                  if line.strip() and not line.strip().startswith("#")]
    if meaningful and all(_ASSIGNMENT.fullmatch(line) for _, line in meaningful):
        out = []
        for n, line in meaningful:
            fact, _, value = line.partition("=")
            if not fact.strip():
                raise AnswersFileError(f"{safe_text(path)}:{n}: expected FACT=VALUE, got '{safe_text(line[:60])}'")
            out.append((fact.strip(), value.strip(), f"{safe_text(path)}:{n}"))
        return out
    if not meaningful:
        return []
    from kb.model import Located
    from kb.yamlfile import YamlError, parse_yaml

    try:
        doc = parse_yaml(text)
    except YamlError as e:
        first = next((n for n, line in meaningful if _ASSIGNMENT.fullmatch(line)), None)
        if first is not None:  # some lines are FACT=VALUE: name the first that is not
            n, line = next((n, line) for n, line in meaningful if not _ASSIGNMENT.fullmatch(line))
            raise AnswersFileError(f"{safe_text(path)}:{n}: expected FACT=VALUE like line {first}, got "
                                   f"'{safe_text(line[:60])}'") from None
        raise AnswersFileError(f"{safe_text(path)}:{e.line or 1}: neither FACT=VALUE lines nor a YAML mapping: "
                               f"{safe_text(e.message)}") from None
    if not isinstance(doc, Located):
        n, line = next(((n, line) for n, line in meaningful if not _ASSIGNMENT.fullmatch(line)), meaningful[0])
        raise AnswersFileError(f"{safe_text(path)}:{n}: expected FACT=VALUE lines or a YAML mapping of facts to "
                               f"answers, got '{safe_text(line[:60])}'")
    out = []
    for key, value in doc.items():
        where = f"{safe_text(path)}:{doc.key_lines[key]}"
        if isinstance(value, bool):
            value = "yes" if value else "no"
        if not isinstance(value, (str, int, float)):
            shown = "nothing" if value is None else "a list" if isinstance(value, list) else "a mapping"
            raise AnswersFileError(f"{where}: the answer to '{safe_text(key)}' must be a value, not {shown}")
        out.append((str(key), str(value), where))
    return out


def read_answers_file(path: str) -> list[tuple[str, str, str]]:
    """(fact, value, where) from the file at `path`; kb.files.InputFileError or AnswersFileError when it cannot
    be used."""
    from kb.files import MAX_ANSWERS_FILE, read_text

    return parse_answers(read_text(path, MAX_ANSWERS_FILE, "an answers file"), path)
