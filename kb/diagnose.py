"""`minimage-ask diagnose`: recognise container start-up and build errors (the MI5xx `diagnoses:` of rules.yaml).

Each diagnosis's patterns are searched, case-insensitively, in every line of the text. A match gives the cause, the
fix that fits the situation the text shows (the first of its `fixes` whose `when` patterns all match a line, else
`fix`), how sure the match is (`confidence`, raised or lowered by `confidence_when`), the trail of knowledge rules
behind it, and the facts the message shows; facts that are questions of the consultation (tls=yes, language=go, ...)
can continue it. A diagnosis does not apply when one of its `unless` patterns matches a line; one that matches drops
the diagnoses it `overrides` (less specific or contradictory explanations of the same text). No terminal I/O here.

Patterns come from rules files users may write (`--rules`), so `backtracking_risk` rejects, at load, the shapes
that make a backtracking regex engine take exponential time; lines are cut at MAX_LINE characters and the text at
MAX_TEXT, which bounds the rest.
"""
from __future__ import annotations

import re
from functools import lru_cache

from .errors import DiagnoseInputError
from .model import Data, Diagnosis, Knowledge, record

try:  # Python 3.11+
    import re._parser as _sre_parse  # type: ignore[import-not-found]
    import re._constants as _sre_c  # type: ignore[import-not-found]
except ImportError:  # pragma: no cover - older interpreters
    import sre_constants as _sre_c  # type: ignore[no-redef]
    import sre_parse as _sre_parse  # type: ignore[no-redef]

MAX_LINE = 4096  # longer lines are cut: no error message we know is longer, and it bounds the regex work
MAX_TEXT = 1 << 20
CONFIDENCES = ("certain", "likely", "possible")


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
    confidence: str = "certain"  # certain, likely or possible
    fix_key: str = ""  # the kind of fix `fix` is (static-build, glibc-image, install-lib, ...)


# ---- the regular expressions -----------------------------------------------------------------------------------------

_REPEATS = {_sre_c.MAX_REPEAT, _sre_c.MIN_REPEAT}
_POSSESSIVE = {getattr(_sre_c, "POSSESSIVE_REPEAT", None)} - {None}
_ATOMIC = {getattr(_sre_c, "ATOMIC_GROUP", None)} - {None}
_ALPHABET = [chr(i) for i in range(128)] + ["é", "ß", "\u4e00", "\u00a0"]
_CATEGORIES = {
    _sre_c.CATEGORY_DIGIT: str.isdigit, _sre_c.CATEGORY_NOT_DIGIT: lambda c: not c.isdigit(),
    _sre_c.CATEGORY_SPACE: str.isspace, _sre_c.CATEGORY_NOT_SPACE: lambda c: not c.isspace(),
    _sre_c.CATEGORY_WORD: lambda c: c.isalnum() or c == "_",
    _sre_c.CATEGORY_NOT_WORD: lambda c: not (c.isalnum() or c == "_"),
}


def _chars(op, av) -> set[str]:
    """The characters of the sample alphabet one item can match first (case-folded)."""
    if op is _sre_c.LITERAL:
        return {chr(av).lower()}
    if op is _sre_c.NOT_LITERAL:
        return {c.lower() for c in _ALPHABET if c.lower() != chr(av).lower()}
    if op is _sre_c.ANY:
        return {c.lower() for c in _ALPHABET}
    if op is _sre_c.IN:
        negate = any(o is _sre_c.NEGATE for o, _ in av)
        hit = set()
        for c in _ALPHABET:
            ok = False
            for o, a in av:
                if o is _sre_c.LITERAL and c.lower() == chr(a).lower():
                    ok = True
                elif o is _sre_c.RANGE and any(a[0] <= ord(x) <= a[1] for x in (c, c.swapcase()[:1] or c)):
                    ok = True
                elif o is _sre_c.CATEGORY and _CATEGORIES.get(a, lambda _c: True)(c):
                    ok = True
            if ok != negate:
                hit.add(c.lower())
        return hit
    return {c.lower() for c in _ALPHABET}  # anything else (back references, ...): assume any character


def _first(items) -> tuple[set[str], bool]:
    """(the characters a sequence can start with, whether it can match the empty string)."""
    first: set[str] = set()
    for op, av in items:
        if op is _sre_c.AT or op in (_sre_c.ASSERT, _sre_c.ASSERT_NOT):
            continue  # zero-width: look at what follows
        if op is _sre_c.SUBPATTERN or op in _ATOMIC:
            sub, nullable = _first(av[-1] if op is _sre_c.SUBPATTERN else av)
        elif op is _sre_c.BRANCH:
            sub, nullable = set(), False
            for alt in av[1]:
                s, n = _first(alt)
                sub |= s
                nullable |= n
        elif op in _REPEATS or op in _POSSESSIVE:
            sub, nullable = _first(av[2])
            nullable = nullable or av[0] == 0
        else:
            sub, nullable = _chars(op, av), False
        first |= sub
        if not nullable:
            return first, False
    return first, True


def _unbounded_repeat_inside(items) -> bool:
    for op, av in items:
        if op in _REPEATS and av[1] > 1 and _first(av[2]) != (set(), True):
            return True
        if op is _sre_c.SUBPATTERN and _unbounded_repeat_inside(av[-1]):
            return True
        if op is _sre_c.BRANCH and any(_unbounded_repeat_inside(alt) for alt in av[1]):
            return True
    return False


def _overlapping_branch_inside(items) -> bool:
    for op, av in items:
        if op is _sre_c.SUBPATTERN and _overlapping_branch_inside(av[-1]):
            return True
        if op is _sre_c.BRANCH:
            seen: set[str] = set()
            for alt in av[1]:
                chars, nullable = _first(alt)
                if nullable or chars & seen:
                    return True
                seen |= chars
    return False


def _risk(items) -> str | None:
    for op, av in items:
        if op in _REPEATS:
            if av[1] > 1 and _unbounded_repeat_inside(av[2]):
                return "a quantifier applied to a group that holds another quantifier (like (a+)+ or (.*)*)"
            if av[1] > 1 and _overlapping_branch_inside(av[2]):
                return "a quantifier applied to alternatives that can start alike (like (a|ab)* or (x|)+)"
            found = _risk(av[2])
        elif op is _sre_c.SUBPATTERN:
            found = _risk(av[-1])
        elif op is _sre_c.BRANCH:
            found = next((r for alt in av[1] if (r := _risk(alt))), None)
        elif op in (_sre_c.ASSERT, _sre_c.ASSERT_NOT):
            found = _risk(av[1])
        else:
            found = None  # atomic groups and possessive quantifiers do not backtrack
        if found:
            return found
    return None


@lru_cache(maxsize=4096)
def _parsed(pattern: str) -> tuple | None:
    """The top-level items of a pattern as `re` parses it (case-insensitive), or None when it is not valid. Parsed
    once per pattern and process: loading checks each pattern's shape (backtracking_risk) and then the examples,
    which need its literal (required_literal); the items are only read."""
    try:
        return tuple(_sre_parse.parse(pattern, re.IGNORECASE))
    except re.error:
        return None


def backtracking_risk(pattern: str) -> str | None:
    """Why a pattern may take exponential time on some line (None when it has none of the known shapes)."""
    items = _parsed(pattern)
    if items is None:
        return None  # reported as invalid elsewhere
    return _risk(items)


def required_literal(pattern: str) -> str:
    """The longest run of plain ASCII characters every match must contain (lower case), or "" when there is none.
    A line without it cannot match, so the regular expression is not run on it: that keeps the quadratic cost of
    patterns like `\\S+: x` off lines that have nothing to do with them."""
    items = _parsed(pattern)
    if items is None:
        return ""
    best, run = "", ""
    for op, av in items:
        if op is _sre_c.LITERAL and av < 128:
            run += chr(av).lower()
            continue
        best, run = max(best, run, key=len), ""
    return max(best, run, key=len)


class _Pattern:
    """A compiled pattern with its required literal."""

    __slots__ = ("regex", "literal")

    def __init__(self, pattern: str):
        self.regex = re.compile(pattern, re.IGNORECASE)
        self.literal = required_literal(pattern)

    def search(self, line: str, lower: str) -> re.Match | None:
        return self.regex.search(line) if self.literal in lower else None


# ---- matching -------------------------------------------------------------------------------------------------------


def _lines(text: str) -> list[tuple[str, str]]:
    """(line, its case-folded form) for each line, cut at MAX_LINE; a repeated line is blank (it can match nothing new)."""
    seen: set[str] = set()
    out = []
    for line in text.splitlines() or [text]:
        line = line[:MAX_LINE]
        if line in seen:
            line = ""
        seen.add(line)
        out.append((line, line.casefold()))  # casefold: never skips a line IGNORECASE would match
    return out


def _any_line(patterns: list[_Pattern], lines: list[tuple[str, str]]) -> bool:
    return any(p.search(line, lower) for p in patterns for line, lower in lines)


class _Compiled:
    """A diagnosis with its regular expressions compiled."""

    def __init__(self, d: Diagnosis):
        def comp(ps):
            return [_Pattern(p) for p in ps]

        self.d = d
        self.patterns = comp(d.patterns)
        self.unless = comp(d.unless)
        self.fixes = [(f, comp(f.when)) for f in d.fixes]
        self.confidence_when = [(level, comp(ps)) for level, ps in d.confidence_when]

    def first_match(self, lines: list[tuple[str, str]]) -> tuple[int, re.Match] | None:
        """The first (line number, match) of any pattern, or None (also when an `unless` pattern matches)."""
        for n, (line, lower) in enumerate(lines, 1):
            for pattern in self.patterns:
                m = pattern.search(line, lower)
                if m is not None:
                    return None if _any_line(self.unless, lines) else (n, m)
        return None

    def fix(self, lines: list[tuple[str, str]]) -> tuple[str, str]:
        for f, when in self.fixes:
            if all(_any_line([w], lines) for w in when):
                return f.key, f.text
        return self.d.fix_key, self.d.fix

    def confidence(self, lines: list[tuple[str, str]]) -> str:
        for level, patterns in self.confidence_when:
            if _any_line(patterns, lines):
                return level
        return self.d.confidence


def matches_alone(d: Diagnosis, texts: list[str]) -> list[bool]:
    """For each text: does this diagnosis, on its own, match it (its patterns, less its `unless`)? For the loader's
    checks of examples; the diagnosis is compiled once for all of them."""
    compiled = _Compiled(d)
    return [compiled.first_match(_lines(text)) is not None for text in texts]


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


_RANK = {c: i for i, c in enumerate(CONFIDENCES)}


class Diagnoser:
    """The active diagnoses of one knowledge base, compiled once: a RuleBase keeps one (RuleBase.diagnose)."""

    def __init__(self, kb: Knowledge):
        self.kb = kb
        self.compiled = [_Compiled(d) for d in kb.diagnoses.values() if d.status == "active"]

    def diagnose(self, text: str) -> list[Match]:
        """Every diagnosis that matches the text and is not overridden by another match, one match per diagnosis,
        in the order of the lines; on the same line the surer first."""
        kb = self.kb
        check_text(text)
        lines = _lines(text)
        found: dict[str, Match] = {}
        for c in self.compiled:
            hit = c.first_match(lines)
            if hit is None:
                continue
            n, m = hit
            d = c.d
            groups = {k: v for k, v in m.groupdict().items() if v is not None}
            facts = {}
            for fact, value in d.implies.items():
                filled = re.sub(r"\{(\w+)\}", lambda g: groups.get(g.group(1), ""), value)
                if filled:
                    facts[fact] = filled
            answers = {f: v for f, v in facts.items() if f in kb.questions and v in kb.questions[f].choices}
            fix_key, fix = c.fix(lines)
            found[d.id] = Match(id=d.id, name=d.name, line=n, matched=m.group(0), cause=d.cause, fix=fix,
                                trail=_trail(kb, d.rules), facts=facts, answers=answers, sources=d.sources,
                                confidence=c.confidence(lines), fix_key=fix_key)
        dropped = {o for did in found for o in kb.diagnoses[did].overrides if o in found}
        return sorted((m for m in found.values() if m.id not in dropped),
                      key=lambda m: (m.line, _RANK.get(m.confidence, 0), m.id))


def diagnose(kb: Knowledge, text: str) -> list[Match]:
    """Diagnose `text` against `kb` (compiling its diagnoses each call: hold a Diagnoser to reuse them)."""
    return Diagnoser(kb).diagnose(text)


def answers_of(matches: list[Match]) -> dict[str, str]:
    """The consultation answers all matches imply (the first match wins on a conflict)."""
    out: dict[str, str] = {}
    for m in matches:
        for fact, value in m.answers.items():
            out.setdefault(fact, value)
    return out
