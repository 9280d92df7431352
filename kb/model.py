"""Plain data objects shared by the loader, engine, planner and explanations: the knowledge as loaded from
knowledge/*.yaml, the whole Knowledge, and (from kb/results.py) what a consultation produces.

Everything here is frozen and serialises with `to_dict()`, so results can be compared, cached, printed as JSON and
passed between threads without copying.
"""
from __future__ import annotations

from .records import Data, Located, record  # noqa: F401 - part of this module's interface
from .results import (Assumption, Fact, Justification, Plan, Reason, Rejection,  # noqa: F401 - likewise
                      Result)

TYPE_CHECKING = False  # typing costs milliseconds at start-up; annotations here are never evaluated
if TYPE_CHECKING:
    from typing import Any

UNKNOWN = "unknown"
# facts whose values are the ids of catalogue entries
CATALOGUE_FACTS = {"strategy": "strategies", "change": "changes", "caveat": "caveats"}


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
    """Facts given, and what the rule must conclude from them (`negative`: what it must NOT conclude)."""

    given: dict[str, str]
    expect: dict[str, Any]
    line: int = 0
    negative: bool = False


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
    multiple: bool = False  # several choices in one answer, separated by commas: each becomes a fact of its own

    def legal(self) -> list[str]:
        return [*self.choices, UNKNOWN]

    def values(self, value: str) -> list[str]:
        """The fact values of a normalised answer (one, or each of a multiple answer's choices)."""
        return value.split(",") if self.multiple and value != UNKNOWN else [value]

    def normalise(self, raw: str) -> str | None:
        """The canonical value for what a person typed, or None if it is not an answer to this question. A multiple
        answer is its choices, each normalised, sorted and joined by commas ("libpq,zlib")."""
        if self.multiple and ("," in raw or "+" in raw):
            parts = [p for p in (self._one(x) for x in raw.replace("+", ",").split(",") if x.strip())]
            if not parts or None in parts or UNKNOWN in parts:
                return None
            return ",".join(sorted(set(parts)))  # type: ignore[arg-type]
        return self._one(raw)

    def _one(self, raw: str) -> str | None:
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
    platforms: tuple[str, ...] = ()  # the platforms it is published for (amd64, arm64, arm/v7, ...); () = not recorded
    platforms_source: str = ""  # where that list comes from
    shell_path: str = "/bin/sh"  # where its shell is (distroless :debug: /busybox/sh, with no /bin/sh)

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

    stage: str  # build | final (a change's "setup" step goes first in the build stage)
    instruction: str  # empty for a step that only adds Go build tags
    why: str = ""
    family: str | None = None  # only for build images of this family (debian | alpine)
    go_tags: tuple[str, ...] = ()  # Go build tags: merged into one GOFLAGS before `go build`
    before: str | None = None  # a change's build step goes before the strategy's first step starting with this


@record
class Strategy(Data):
    """A way to build the program; the artefact it yields is what the final image must be able to run."""

    id: str
    title: str
    build_image: str  # may contain {debian}: the Debian release is pinned to the final image's
    build_release: str | None  # the release of a build image without {debian}, for the glibc check
    build_family: str  # debian | alpine | rhel | wolfi
    libc: str  # what the artefact needs: none | glibc | musl | any (interpreted: the runtime image brings it)
    libs: frozenset[str]
    runtime: str | None
    steps: tuple[Step, ...]
    cmd: tuple[str, ...]  # exec-form command; "{runtime}" is the final image's interpreter path
    sources: tuple[str, ...]
    prebuilt: bool = False  # no build: the artefact is an inspected binary, described by evidence facts
    line: int = 0
    build_platforms: tuple[str, ...] = ()  # the platforms its build image is published for; () = all six asked about
    native_build: tuple[str, ...] = ()  # packages of its build family that compile against named native libraries
    newer_runtime_runs: bool = False  # a later release of its runtime runs it too (a JAR: class files run forward)

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
    build_platform: str = ""  # the build stage runs on this platform (`$BUILDPLATFORM`: cross-build, no emulation)


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
    libstdcxx: bool | None  # None: not known (left out of the family), so no rule claims it is missing
    libgcc_s: bool | None
    workdir: str | None
    rust_target: str | None  # gnu | musl: cargo's default target
    notes: str
    sources: tuple[str, ...]
    line: int = 0
    ca_certificates: bool | None = None  # a CA bundle at /etc/ssl/certs (None: not known)
    floating: str = ""  # why this reference's release or toolchain moves over time ("" when it is pinned)
    go_version: str | None = None  # the Go toolchain of a golang image when the tag does not say (None: unknown)
    libs: tuple[str, ...] | None = None  # shared libraries the image ships, by stem (libssl, libz); None: not known
    programs: tuple[str, ...] = ()  # programs the image ships, linked against its libc (/usr/local/bin/node)
    tzdata: str | None = None  # yes | no | utc-only: a zone database in /usr/share/zoneinfo (None: not known)
    users: tuple[str, ...] | None = None  # every user and group of its /etc/passwd and /etc/group (None: not known)
    groups: tuple[str, ...] | None = None

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


SEVERITIES = ("error", "warning", "info")  # of a lint rule, most severe first


@record
class LintRule(Data):
    """An MI4xx Dockerfile check. Detection is the function registered under `name` in kb/lint/checks.py."""

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
class DiagnosisFix(Data):
    """A fix for a situation: it comes first when each of its `when` patterns matches some line of the text."""

    key: str
    text: str
    when: tuple[str, ...] = ()


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
    overrides: tuple[str, ...] = ()  # less specific diagnoses dropped when this one matches the same text
    fix_key: str = ""  # what kind of fix `fix` is (static-build, glibc-image, ...), for the real-world rates
    fixes: tuple = ()  # DiagnosisFix: fixes for situations the text shows, tried in order before `fix`
    confidence: str = "certain"  # certain, likely or possible: how sure a match of the patterns is
    confidence_when: tuple = ()  # (level, patterns): the level when one of the patterns matches a line
    unless: tuple[str, ...] = ()  # patterns: a line matching one means this diagnosis does not apply
    negative_examples: tuple[str, ...] = ()  # messages it must not match (checked like `examples`)
    status: str = "active"
    file: str = ""
    line: int = 0

    @property
    def summary(self) -> str:
        """The message it recognises, by its first example (for the `rules` table)."""
        example = self.examples[0] if self.examples else self.patterns[0]
        return f"recognises: {example if len(example) <= 70 else example[:67] + '...'}"


# --- the whole knowledge base ---------------------------------------------------------------------------------


class Knowledge:
    """Everything read from one or more rule files, validated and cross-checked.

    A plain class rather than a dataclass: defining a dataclass imports and runs more than the command line can
    afford at every start. FIELDS lists every field: the loader fills them, the cache stores and restores them.
    """

    files: list[str]  # every file read: rule files, includes, the source documents validation checked against
    questions: dict[str, Question]
    derived: dict[str, dict[str, str]]
    evidence: dict[str, dict[str, str]]  # facts only inspection provides
    releases: dict[str, dict[str, str]]
    default_debian: str
    libraries: dict[str, dict[str, Any]]
    images: dict[str, Image]
    image_aliases: dict[str, str]
    strategies: dict[str, Strategy]
    changes: dict[str, Change]
    caveats: dict[str, Caveat]
    rules: dict[str, Rule]
    image_families: list[ImageFamily]  # in order: the first match wins
    lints: dict[str, LintRule]
    diagnoses: dict[str, Diagnosis]
    native_packages: dict[str, dict[str, dict]]  # ecosystem -> name -> libs, note, tls

    FIELDS = ("files", "questions", "derived", "evidence", "releases", "default_debian", "libraries", "images",
              "image_aliases", "strategies", "changes", "caveats", "rules", "image_families", "lints", "diagnoses",
              "native_packages")
    # The key of the cache entry this knowledge came from or went into (kb/cache.py), else None: it names the rule
    # files and the code exactly, so results kept across processes (kb/result_store.py) are keyed by it.
    cache_key: str | None = None

    def __init__(self, **fields: Any) -> None:
        unknown = set(fields) - set(self.FIELDS)
        if unknown:
            raise TypeError(f"Knowledge has no field {', '.join(sorted(unknown))}")
        for name in self.FIELDS:
            empty = [] if name in ("files", "image_families") else "trixie" if name == "default_debian" else {}
            setattr(self, name, fields.get(name, empty))

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Knowledge) and all(getattr(self, f) == getattr(other, f) for f in self.FIELDS)

    def replace(self, **changes: Any) -> "Knowledge":
        """A copy with some fields replaced (the others shared)."""
        return Knowledge(**{**{f: getattr(self, f) for f in self.FIELDS}, **changes})

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
