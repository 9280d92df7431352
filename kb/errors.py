"""Typed errors of the library. Each carries the fields a front end needs to say what went wrong and where."""
from __future__ import annotations

from .records import Data, record


class MinimageError(Exception):
    """Base class of every error the library raises on bad input.

    Its subclasses: RuleFileError, UnknownFact, InvalidAnswer, DiagnoseInputError and EngineError here, and
    kb.evidence.errors.EvidenceError. A front end catches MinimageError and says the message; anything else is a bug.
    This module imports nothing of the project, so every other module may import it.
    """


@record
class Problem(Data):
    """One problem in a rule file, reported as `file:LINE: ID: message`."""

    file: str
    line: int
    ident: str
    message: str

    def __str__(self) -> str:
        """One line, safe to print: control characters from the input (escape sequences, newlines) are escaped,
        and a problem of the whole file (line 0) names no line."""
        from .text import safe_text

        where = safe_text(self.file) + (f":{self.line}" if self.line > 0 else "")
        return f"{where}: {safe_text(str(self.ident))}: {safe_text(self.message)}"


class RuleFileError(MinimageError):
    """A rule file could not be loaded. `problems` lists every problem found, each with its file and line."""

    #: at most this many problems are kept and reported; `omitted` counts the rest ("... and N more")
    MAX_PROBLEMS = 100

    def __init__(self, problems: list[Problem]):
        self.problems = problems[:self.MAX_PROBLEMS]
        self.omitted = max(0, len(problems) - self.MAX_PROBLEMS)
        self.total = len(problems)
        lines = [str(p) for p in self.problems]
        if self.omitted:
            lines.append(f"... and {self.omitted} more")
        super().__init__("\n".join(lines))


class UnknownFact(MinimageError):
    def __init__(self, fact: str, legal: list[str]):
        self.fact, self.legal = fact, legal
        super().__init__(f"unknown fact '{fact}' (known facts: {', '.join(legal)})")


class InvalidAnswer(MinimageError, ValueError):
    def __init__(self, fact: str, value: str, legal: list[str]):
        self.fact, self.value, self.legal = fact, value, legal
        shown = value if len(value) <= 40 else value[:37] + "..."
        super().__init__(f"'{shown}' is not an answer to {fact} (legal: {', '.join(legal)})")


class DiagnoseInputError(MinimageError, ValueError):
    """The text cannot be diagnosed (empty, binary, too large). Raised by kb.diagnose."""


class EngineError(MinimageError, RuntimeError):
    """durable-rules reported an error while running our rules (kb.engine). A front end treats it as a bug."""


class InstallError(EngineError):
    """durable-rules is missing or was built wrongly: the message says how to repair the installation."""


class InvalidEvidence(MinimageError, TypeError):
    """Evidence that is not a Justification of a Fact whose name and value are text."""

    def __init__(self, item: object):
        self.item = item
        shown = repr(item)
        super().__init__(f"evidence must be kb.Justification records of text facts, not {shown[:80]}")


class UnknownImage(UnknownFact):
    """An image reference that is not in the catalogue (nor an alias of one)."""

    def __init__(self, ref: str, known: list[str]):
        super().__init__(ref, known)
        self.ref = ref
        Exception.__init__(self, f"unknown image '{ref}': not in the catalogue (`minimage-ask rules` and "
                                 f"knowledge/images.yaml list the {len(known)} images it has)")
