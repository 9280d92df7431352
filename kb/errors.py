"""Typed errors of the library. Each carries the fields a front end needs to say what went wrong and where."""
from __future__ import annotations

from dataclasses import dataclass


class MinimageError(Exception):
    """Base class of every error the library raises on bad input."""


@dataclass(frozen=True)
class Problem:
    """One problem in a rule file, reported as `file:LINE: ID: message`."""

    file: str
    line: int
    ident: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.ident}: {self.message}"


class RuleFileError(MinimageError):
    """A rule file could not be loaded. `problems` lists every problem found, each with its file and line."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


class UnknownFact(MinimageError):
    def __init__(self, fact: str, legal: list[str]):
        self.fact, self.legal = fact, legal
        super().__init__(f"unknown fact '{fact}' (known facts: {', '.join(legal)})")


class InvalidAnswer(MinimageError, ValueError):
    def __init__(self, fact: str, value: str, legal: list[str]):
        self.fact, self.value, self.legal = fact, value, legal
        shown = value if len(value) <= 40 else value[:37] + "..."
        super().__init__(f"'{shown}' is not an answer to {fact} (legal: {', '.join(legal)})")


class InvalidEvidence(MinimageError, TypeError):
    """Evidence that is not a Justification of a Fact whose name and value are text."""

    def __init__(self, item: object):
        self.item = item
        shown = repr(item)
        super().__init__(f"evidence must be kb.Justification records of text facts, not {shown[:80]}")
