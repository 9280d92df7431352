"""What lint reports: a check's raw hit, the finding made of it with the rule's words, and a file's result."""
from __future__ import annotations

from ..model import Data, record


@record
class Hit(Data):
    """What a check found: the line, the variant of the fix to show, and the values for the message template."""

    line: int
    values: dict
    variant: str = "default"


@record
class Finding(Data):
    file: str
    line: int
    rule: str
    name: str
    severity: str
    message: str
    fix: str
    sources: tuple[str, ...]
    target: str = ""  # the --target stage whose image it is about; "" for the last stage's (a plain docker build)

    def __str__(self) -> str:
        return f"{self.file}:{self.line} {self.rule} {self.severity}: {self.message}"


@record
class LintResult(Data):
    """The findings for one Dockerfile, or why it could not be read (`error`: path, line, message, reason)."""

    file: str
    findings: tuple[Finding, ...] = ()
    error: dict | None = None


class _Template(dict):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def render(template: str, values: dict) -> str:
    return template.format_map(_Template(values))
