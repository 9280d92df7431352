"""Plain data objects shared by the loader, engine, planner and explanations.

Everything here is frozen and serialises with `to_dict()`, so results can be compared, cached, printed as JSON and
passed between threads without copying.
"""
from __future__ import annotations

from collections import namedtuple
from dataclasses import dataclass, field

TYPE_CHECKING = False  # typing costs milliseconds at start-up; annotations here are never evaluated
if TYPE_CHECKING:
    from typing import Any

UNKNOWN = "unknown"
# facts whose values are the ids of catalogue entries
CATALOGUE_FACTS = {"strategy": "strategies", "change": "changes", "caveat": "caveats"}


class Located(dict):
    """A mapping read from YAML that remembers the line it starts on and the line of each key."""

    def __init__(self) -> None:
        super().__init__()
        self.line = 0
        self.key_lines: dict[str, int] = {}


def _plain(value: Any) -> Any:
    if hasattr(value, "to_dict"):
        return value.to_dict()
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


class Data:
    """Mixin: a record that turns into JSON-ready dicts and lists."""

    __slots__ = ()

    def to_dict(self) -> dict[str, Any]:
        return {name: _plain(getattr(self, name)) for name in self._fields if not name.startswith("_")}


def record(cls: type) -> type:
    """An immutable record class from an annotated class body, like a frozen dataclass.

    Built on collections.namedtuple rather than dataclasses: defining a frozen dataclass compiles four or more
    methods, about half a millisecond each time a process starts, and the command line defines some twenty of these
    on its way to one consultation. A namedtuple is defined in a tenth of that, its instances are immutable,
    compare and hash by value, pickle, and read their fields through C-level descriptors. `_replace` replaces
    fields; `to_dict()` comes from Data.
    """
    names = list(cls.__dict__.get("__annotations__", {}))
    defaults = [cls.__dict__[n] for n in names if n in cls.__dict__]
    base = namedtuple(cls.__name__, names, defaults=defaults, module=cls.__module__)
    body = {k: v for k, v in cls.__dict__.items() if k not in names and k not in ("__dict__", "__weakref__")}
    body["__slots__"] = ()
    made = type(cls.__name__, (base, *cls.__bases__), body)
    made.__qualname__ = cls.__qualname__
    return made


# --- the knowledge, as loaded from rules.yaml -------------------------------------------------------------------


@record
class Condition(Data):
    """`fact` holds one of `values` (or, with `negate`, none of them). `values == ("*",)` means any value."""

    fact: str
    values: tuple[str, ...]
    negate: bool = False

    def holds(self, known: dict[str, set[str]]) -> bool | None:
        """True/False when the known facts decide it, None while `fact` is still open."""
        have = known.get(self.fact)
        if not have:
            return None
        if self.values == ("*",):
            return True
        hit = bool(have.intersection(self.values))
        return not hit if self.negate else hit

    def describe(self) -> str:
        if self.values == ("*",):
            return f"{self.fact} is known"
        op = "is not" if self.negate else "is"
        return f"{self.fact} {op} {' or '.join(self.values)}"


@record
class Example(Data):
    given: dict[str, str]
    expect: dict[str, Any]
    line: int = 0


@record
class Rule(Data):
    id: str
    name: str
    kind: str  # infer: compiled to durable-rules; check: a constraint the planner applies to every (strategy, image)
    when: tuple[Condition, ...]
    then: tuple[tuple[str, str], ...]
    summary: str
    why: str
    sources: tuple[str, ...]
    examples: tuple[Example, ...] = ()
    check: str | None = None
    status: str = "active"
    file: str = ""
    line: int = 0

    @property
    def title(self) -> str:
        return f"{self.id} {self.name}"


@record
class Question(Data):
    id: str
    text: str
    choices: dict[str, str]
    aliases: dict[str, str]
    if_unknown: str | None
    unknown_reason: str
    help: str = ""
    line: int = 0

    def legal(self) -> list[str]:
        return [*self.choices, UNKNOWN]

    def normalise(self, raw: str) -> str | None:
        """The canonical value for what a person typed, or None if it is not an answer to this question."""
        text = raw.strip().lower()
        if text in self.choices or text == UNKNOWN:
            return text
        if text in ("?", "dunno", "don't know", "dont know", "not sure", "idk"):
            return None
        if text in self.aliases:
            return self.aliases[text]
        yes_no = {"y": "yes", "true": "yes", "n": "no", "false": "no"}
        if set(self.choices) == {"yes", "no"} and text in yes_no:
            return yes_no[text]
        if text in ("u", "?unknown", "skip"):
            return UNKNOWN
        return None


@record
class Image(Data):
    ref: str
    title: str
    libc: str  # glibc | musl | none
    libc_version: str | None
    loader: str | None
    release: str
    libs: frozenset[str]
    shell: str
    package_manager: str
    ca_certificates: bool
    tzdata: str  # yes | no | utc-only
    passwd: bool
    nonroot_user: str | None
    runtime: str | None
    runtime_path: str | None
    size_mb: float
    size_source: str
    sources: tuple[str, ...]
    notes: str
    aliases: tuple[str, ...] = ()
    deprecated: str | None = None  # known (for lint and inspect) but never recommended
    line: int = 0
    entrypoint: tuple[str, ...] = ()  # the image's own ENTRYPOINT (distroless language images run the interpreter)

    def to_dict(self) -> dict[str, Any]:
        d = Data.to_dict(self)
        d["libs"] = sorted(self.libs)
        return d

    def provides(self) -> dict[str, Any]:
        """What a person gets in this final image."""
        return {
            "shell": self.shell,
            "package_manager": self.package_manager,
            "ca_certificates": self.ca_certificates,
            "tzdata": self.tzdata,
            "passwd": self.passwd,
            "libc": self.libc if self.libc == "none" else f"{self.libc} {self.libc_version or ''}".strip(),
        }


@record
class Step(Data):
    """A Dockerfile instruction plus the one-line reason shown beside it in the plan."""

    stage: str  # build | final
    instruction: str
    why: str = ""
    family: str | None = None  # only for build images of this family (debian | alpine)


@record
class Strategy(Data):
    """A way to build the program; the artefact it yields is what the final image must be able to run."""

    id: str
    title: str
    build_image: str  # may contain {debian}: the Debian release is pinned to the final image's
    build_release: str | None  # the release of a build image without {debian}, for the glibc check
    build_family: str  # debian | alpine
    libc: str  # what the artefact needs: none | glibc | musl | any (interpreted: the runtime image brings it)
    libs: frozenset[str]
    runtime: str | None
    steps: tuple[Step, ...]
    cmd: tuple[str, ...]  # exec-form command; "{runtime}" is the final image's interpreter path
    sources: tuple[str, ...]
    prebuilt: bool = False  # no build: the artefact is an inspected binary, described by evidence facts
    line: int = 0

    def to_dict(self) -> dict[str, Any]:
        d = Data.to_dict(self)
        d["libs"] = sorted(self.libs)
        return d


@record
class Change(Data):
    """A build change a rule can call for. With `supplies`, it is applied only where the final image lacks that."""

    id: str
    title: str
    supplies: str | None
    applies_to: tuple[str, ...]  # strategy ids; empty = all
    steps: tuple[Step, ...]
    size_mb: float
    line: int = 0


@record
class Caveat(Data):
    id: str
    text: str
    strategies: tuple[str, ...]  # empty = all
    images: tuple[str, ...]  # empty = all
    line: int = 0


@record
class ImageFamily(Data):
    """What a base image is, by pattern, for images not in the catalogue (builders, other tags): for `lint`."""

    id: str
    title: str
    match: tuple[str, ...]  # glob patterns over normalised refs (docker.io/library/ dropped, ":latest" added)
    libc: str  # glibc | musl | none
    release: str | None  # the release when no release_by_tag pattern matches
    release_by_tag: tuple[tuple[str, str], ...]  # (glob, release), first match wins
    shell: str  # none | busybox | dash | bash
    shell_path: str
    passwd: bool
    gcc: bool  # a C compiler is on PATH (so Go's cgo defaults on)
    libstdcxx: bool
    libgcc_s: bool
    workdir: str | None
    rust_target: str | None  # gnu | musl: cargo's default target
    notes: str
    sources: tuple[str, ...]
    line: int = 0

    def release_for(self, ref: str) -> str | None:
        import fnmatch

        for pattern, release in self.release_by_tag:
            if fnmatch.fnmatchcase(ref, pattern):
                return release
        return self.release


@record
class LintExample(Data):
    dockerfile: str
    flagged: bool  # the rule must report it (at line `at`, when given) / must not
    at: int | None = None
    line: int = 0
    files: dict[str, str] | None = None  # the build context: file name -> content


@record
class LintRule(Data):
    """An MI4xx Dockerfile check. Detection is the function registered under `name` in kb/lint.py."""

    id: str
    name: str
    severity: str  # error | warning | info
    summary: str
    why: str
    message: str  # a str.format template filled by the check
    fix: dict[str, str]  # variant -> template; "default" always present
    sources: tuple[str, ...]
    examples: tuple[LintExample, ...] = ()
    status: str = "active"
    file: str = ""
    line: int = 0


@record
class Diagnosis(Data):
    """An MI5xx error-message pattern: what it means, how to fix it, the rules behind it, the facts it implies."""

    id: str
    name: str
    patterns: tuple[str, ...]  # regular expressions, searched case-insensitively line by line
    cause: str
    fix: str
    rules: tuple[str, ...]  # the rule trail: ids of MI1xx-MI4xx rules it relates to
    implies: dict[str, str]  # fact -> value; "{group}" takes a named group of the match
    sources: tuple[str, ...]
    examples: tuple[str, ...]
    overrides: tuple[str, ...] = ()  # less specific diagnoses dropped when this one matches the same line
    status: str = "active"
    file: str = ""
    line: int = 0

    @property
    def summary(self) -> str:
        """The message it recognises, by its first example (for the `rules` table)."""
        example = self.examples[0] if self.examples else self.patterns[0]
        return f"recognises: {example if len(example) <= 70 else example[:67] + '...'}"


# --- what a consultation produces --------------------------------------------------------------------------------


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
    changes: tuple[Step, ...]  # the build steps that matter, each with its reason
    provides: dict[str, Any]
    size_mb: float
    size_note: str
    caveats: tuple[str, ...]
    tradeoffs: tuple[str, ...]
    image_notes: str
    justification: tuple[Reason, ...]
    cmd: tuple[str, ...]
    user: str | None
    steps: tuple[Step, ...] = ()  # every step of the Dockerfile, in order
    entrypoint: tuple[str, ...] = ()  # an ENTRYPOINT replacing the image's own, when its own would run something else

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
        }



# --- the whole knowledge base ---------------------------------------------------------------------------------


@dataclass
class Knowledge:
    """Everything read from one or more rule files, validated and cross-checked."""

    files: list[str] = field(default_factory=list)
    questions: dict[str, Question] = field(default_factory=dict)
    derived: dict[str, dict[str, str]] = field(default_factory=dict)
    evidence: dict[str, dict[str, str]] = field(default_factory=dict)  # facts only inspection provides
    releases: dict[str, dict[str, str]] = field(default_factory=dict)
    default_debian: str = "trixie"
    libraries: dict[str, dict[str, Any]] = field(default_factory=dict)
    images: dict[str, Image] = field(default_factory=dict)
    image_aliases: dict[str, str] = field(default_factory=dict)
    strategies: dict[str, Strategy] = field(default_factory=dict)
    changes: dict[str, Change] = field(default_factory=dict)
    caveats: dict[str, Caveat] = field(default_factory=dict)
    rules: dict[str, Rule] = field(default_factory=dict)
    image_families: list[ImageFamily] = field(default_factory=list)  # in order: the first match wins
    lints: dict[str, LintRule] = field(default_factory=dict)
    diagnoses: dict[str, Diagnosis] = field(default_factory=dict)

    def legal_values(self, fact: str) -> set[str] | None:
        """The values a fact may take, or None if no question, declaration or rule provides the fact."""
        if fact in self.questions:
            return set(self.questions[fact].choices)
        if fact in CATALOGUE_FACTS:
            return set(getattr(self, CATALOGUE_FACTS[fact]))
        if fact in self.derived:
            return set(self.derived[fact])
        if fact in self.evidence:
            return set(self.evidence[fact])  # may be {"*"}: any value
        return None

    def image(self, ref: str) -> Image | None:
        ref = self.image_aliases.get(ref, ref)
        return self.images.get(ref)

    def active_rules(self, kind: str | None = None) -> list[Rule]:
        return [r for r in self.rules.values() if r.status == "active" and (kind is None or r.kind == kind)]
