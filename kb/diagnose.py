"""`minimage-ask diagnose`: recognise container start-up errors (the MI5xx `diagnoses:` of rules.yaml).

Each diagnosis's patterns are searched, case-insensitively, in every line of the text. A match gives the cause, the
fix, the trail of knowledge rules behind it, and the facts the message shows; facts that are questions of the
consultation (tls=yes, language=go, ...) can continue it. No terminal I/O here.
"""
from __future__ import annotations

import re

from .errors import DiagnoseInputError
from .model import Data, Diagnosis, Knowledge, record

MAX_LINE = 4096  # longer lines are cut: no error message we know is longer, and it bounds the regex work
MAX_TEXT = 1 << 20


@record
class TrailStep(Data):
    rule: str
    name: str
    summary: str


@record
class Match(Data):
    id: str
    name: str
    line: int  # 1-based line of the input where it matched
    matched: str  # the text that matched
    cause: str
    fix: str
    trail: tuple[TrailStep, ...]
    facts: dict  # every fact the message implies
    answers: dict  # the facts that answer questions of the consultation
    sources: tuple[str, ...]


_COMPILED: dict[int, list] = {}


def _compiled(kb: Knowledge) -> list[tuple[Diagnosis, list[re.Pattern]]]:
    key = id(kb)
    if key not in _COMPILED:
        _COMPILED.clear()
        _COMPILED[key] = [(d, [re.compile(p, re.IGNORECASE) for p in d.patterns])
                          for d in kb.diagnoses.values() if d.status == "active"]
    return _COMPILED[key]


def check_text(text: str) -> str:
    if len(text) > MAX_TEXT:
        raise DiagnoseInputError(f"the text is {len(text)} characters long; the limit is {MAX_TEXT}")
    if "\0" in text:
        raise DiagnoseInputError("the text contains NUL bytes: it looks like binary data, not an error message")
    if not text.strip():
        raise DiagnoseInputError("no text to diagnose: give the error message as an argument or on standard input")
    return text


def _trail(kb: Knowledge, ids) -> tuple[TrailStep, ...]:
    out = []
    for rid in ids:
        rule = kb.rules.get(rid) or kb.lints.get(rid)
        if rule is not None:
            out.append(TrailStep(rid, rule.name, rule.summary))
    return tuple(out)


def diagnose(kb: Knowledge, text: str) -> list[Match]:
    """Every diagnosis whose patterns match the text, in the order of the lines; one match per diagnosis."""
    check_text(text)
    found: dict[str, Match] = {}
    per_line: dict[int, set[str]] = {}
    for n, line in enumerate(text.splitlines() or [text], 1):
        line = line[:MAX_LINE]
        for d, patterns in _compiled(kb):
            if d.id in found:
                continue
            for pattern in patterns:
                m = pattern.search(line)
                if m is None:
                    continue
                groups = {k: v for k, v in m.groupdict().items() if v is not None}
                facts = {}
                for fact, value in d.implies.items():
                    filled = re.sub(r"\{(\w+)\}", lambda g: groups.get(g.group(1), ""), value)
                    if filled:
                        facts[fact] = filled
                answers = {f: v for f, v in facts.items() if f in kb.questions and v in kb.questions[f].choices}
                found[d.id] = Match(id=d.id, name=d.name, line=n, matched=m.group(0), cause=d.cause, fix=d.fix,
                                    trail=_trail(kb, d.rules), facts=facts, answers=answers, sources=d.sources)
                per_line.setdefault(n, set()).add(d.id)
                break
    dropped = set()
    for ids in per_line.values():
        for did in ids:
            dropped.update(o for o in kb.diagnoses[did].overrides if o in ids)
    return sorted((m for m in found.values() if m.id not in dropped), key=lambda m: (m.line, m.id))


def answers_of(matches: list[Match]) -> dict[str, str]:
    """The consultation answers all matches imply (the first match wins on a conflict)."""
    out: dict[str, str] = {}
    for m in matches:
        for fact, value in m.answers.items():
            out.setdefault(fact, value)
    return out
