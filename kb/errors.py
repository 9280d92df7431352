"""Typed errors of the library. Each carries the fields a front end needs to say what went wrong and where."""
from __future__ import annotations

from dataclasses import dataclass


class MinimageError(Exception):
    """Base class of every error the library raises on bad input.

    Its subclasses: RuleFileError, UnknownFact, InvalidAnswer, DiagnoseInputError and EngineError here, and
    kb.evidence.errors.EvidenceError. A front end catches MinimageError and says the message; anything else is a bug.
    This module imports nothing of the project, so every other module may import it.
    """


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


class InvalidAnswer(MinimageError):
    def __init__(self, fact: str, value: str, legal: list[str]):
        self.fact, self.value, self.legal = fact, value, legal
        shown = value if len(value) <= 40 else value[:37] + "..."
        super().__init__(f"'{shown}' is not an answer to {fact} (legal: {', '.join(legal)})")


class DiagnoseInputError(MinimageError, ValueError):
    """The text cannot be diagnosed (empty, binary, too large). Raised by kb.diagnose."""


class EngineError(MinimageError, RuntimeError):
    """durable-rules reported an error while running our rules (kb.engine). A front end treats it as a bug."""
