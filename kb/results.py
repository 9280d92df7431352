"""What a consultation produces: facts and their justifications, plans, rejections, the result."""
from __future__ import annotations

from .records import Data, record

TYPE_CHECKING = False  # typing costs milliseconds at start-up; annotations here are never evaluated
if TYPE_CHECKING:
    from typing import Any


@record
class Fact(Data):
    name: str
    value: str

    @property
    def id(self) -> str:
        return f"{self.name}={self.value}"

    def __str__(self) -> str:
        return f"{self.name} = {self.value}"


@record
class Justification(Data):
    """Why a fact holds: the user said so, evidence showed it, it was assumed, or a rule derived it from premises."""

    fact: Fact
    source: str  # user | evidence | assumption | rule
    rule_id: str | None = None
    premises: tuple[Fact, ...] = ()
    note: str = ""  # evidence: the file that shows it; assumption: why it is safe


@record
class Assumption(Data):
    fact: str
    assumed: str
    reason: str


@record
class Rejection(Data):
    image: str
    strategy: str
    rule_id: str
    reason: str


@record
class Reason(Data):
    """One line of a plan's justification: a rule that contributed, and what it concluded."""

    rule_id: str
    name: str
    summary: str
    sources: tuple[str, ...]
    conclusion: str


@record
class Plan(Data):
    """One way to ship the program: a final image, a build image, and the build changes, with reasons."""

    rank: int
    strategy: str
    strategy_title: str
    final_image: str
    build_image: str
    changes: tuple[Step, ...]  # noqa: F821 - kb.model.Step: the build steps that matter, each with its reason
    provides: dict[str, Any]
    size_mb: float
    size_note: str
    caveats: tuple[str, ...]
    tradeoffs: tuple[str, ...]
    image_notes: str
    justification: tuple[Reason, ...]
    cmd: tuple[str, ...]
    user: str | None
    steps: tuple[Step, ...] = ()  # noqa: F821 - kb.model.Step: every step of the Dockerfile, in order
    entrypoint: tuple[str, ...] = ()  # an ENTRYPOINT replacing the image's own, when its own would run something else
    platform: str = "amd64"  # the target platform this plan was checked for
    platforms: tuple[str, ...] = ()  # every platform the plan's Dockerfile serves (docker buildx build --platform)
    build_platform: str = ""  # `$BUILDPLATFORM` when the build stage cross-compiles on the build machine
    final_platform: str = ""  # the final stage pinned to one platform (an inspected binary for another CPU)

    @property
    def dockerfile(self) -> str:
        from .dockerfile import render  # rendered on demand: most plans of a consultation are never shown

        return render(self)

    def to_dict(self) -> dict[str, Any]:
        d = Data.to_dict(self)
        del d["steps"]
        d["dockerfile"] = self.dockerfile
        return d


@record
class Result(Data):
    plans: tuple[Plan, ...]
    assumptions: tuple[Assumption, ...]
    facts: tuple[Justification, ...]
    rejected: tuple[Rejection, ...]
    no_plan_reason: str = ""
    warnings: tuple[str, ...] = ()  # answers that contradict evidence or have no effect (never silently dropped)

    @property
    def best(self) -> Plan | None:
        return self.plans[0] if self.plans else None

    def to_dict(self) -> dict[str, Any]:
        return {
            "plans": [p.to_dict() for p in self.plans],
            "assumptions": [a.to_dict() for a in self.assumptions],
            "facts": [
                {"fact": j.fact.name, "value": j.fact.value, "source": j.source, "rule": j.rule_id,
                 "premises": [p.id for p in j.premises], **({"note": j.note} if j.note else {})}
                for j in self.facts
            ],
            "rejected": [r.to_dict() for r in self.rejected],
            "no_plan_reason": self.no_plan_reason,
            "warnings": list(self.warnings),
        }
