"""Load rules.yaml (and rule files layered on top), validate all of it, and build the knowledge objects.

Every problem found is collected, not just the first, and reported as `file:LINE: ID: message`, so a broken file
is fixed in one pass. YAML here follows 1.2 for booleans: `yes` and `no` stay strings (they are answers).
"""
from __future__ import annotations

import os
import re
from collections.abc import Iterable

TYPE_CHECKING = False  # typing costs milliseconds at start-up; annotations here are never evaluated
if TYPE_CHECKING:
    from typing import Any

from .errors import Problem, RuleFileError
from .model import (CATALOGUE_FACTS, UNKNOWN, Caveat, Change, Condition, Example, Image, Knowledge, Located, Question,
                    Rule, Step, Strategy)
from .model import Diagnosis, ImageFamily, LintExample, LintRule

ARTICLE_CLAIMS = {f"A{i}" for i in range(1, 18)}
CHECKS = ("libc", "glibc_version", "libs", "runtime", "ca-certificates", "tzdata", "passwd", "shell")
NEEDS_CHECKED = ("ca-certificates", "tzdata", "passwd", "shell", "native-libs")
LIBCS = ("glibc", "musl", "none")
SHELLS = ("none", "busybox", "dash", "bash")
PACKAGE_MANAGERS = ("none", "apk", "apt")
TZDATA = ("yes", "no", "utc-only")
FAMILIES = ("debian", "alpine")
SECTIONS = ("version", "include", "questions", "derived", "evidence", "releases", "default_debian", "libraries", "images", "strategies",
            "changes", "caveats", "image_families", "lints", "diagnoses", "rules")


def default_rules_path() -> str:
    """rules.yaml inside the installed package, or at the top of a source checkout."""
    here = os.path.dirname(os.path.abspath(__file__))
    packaged = os.path.join(here, "rules.yaml")
    return packaged if os.path.exists(packaged) else os.path.join(os.path.dirname(here), "rules.yaml")


class _Reader:
    """Reads one parsed file into a Knowledge, collecting problems."""

    def __init__(self, kb: Knowledge, file: str, problems: list[Problem], origin: dict[tuple[str, str], str],
                 pending: list):
        self.kb, self.file, self.problems = kb, file, problems
        self.origin = origin  # (section, id) -> "file:line" of its definition, across layers
        self.pending = pending  # (rule, conditions with lines, conclusions with lines) for the cross-check

    def problem(self, line: int, ident: str, message: str) -> None:
        self.problems.append(Problem(self.file, line, ident, message))

    # -- small typed accessors --------------------------------------------------------------------------------------

    def keys_ok(self, item: Located, ident: str, allowed: Iterable[str], required: Iterable[str]) -> bool:
        allowed = set(allowed)
        ok = True
        for key in item:
            if key not in allowed:
                self.problem(item.key_lines.get(key, item.line), ident,
                             f"unknown key '{key}' (expected one of: {', '.join(sorted(allowed))})")
        for key in required:
            if key not in item or item[key] in (None, "", [], {}):
                self.problem(item.line, ident, f"missing required key '{key}'")
                ok = False
        return ok

    def text(self, item: Located, key: str, ident: str, default: str = "") -> str:
        value = item.get(key, default)
        if value is None:
            return default
        if not isinstance(value, (str, int, float)) or isinstance(value, bool):
            self.problem(item.key_lines.get(key, item.line), ident, f"'{key}' must be text")
            return default
        return str(value)

    def strings(self, item: Located, key: str, ident: str) -> tuple[str, ...]:
        value = item.get(key)
        if value is None:
            return ()
        if isinstance(value, (str, int, float)) and not isinstance(value, bool):
            return (str(value),)
        if isinstance(value, list) and all(isinstance(v, (str, int, float)) and not isinstance(v, bool)
                                           for v in value):
            return tuple(str(v) for v in value)
        self.problem(item.key_lines.get(key, item.line), ident, f"'{key}' must be a list of text")
        return ()

    def number(self, item: Located, key: str, ident: str) -> float:
        value = item.get(key, 0)
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            self.problem(item.key_lines.get(key, item.line), ident, f"'{key}' must be a number")
            return 0.0
        return float(value)

    def flag(self, item: Located, key: str, ident: str) -> bool:
        value = item.get(key, False)
        if not isinstance(value, bool):
            self.problem(item.key_lines.get(key, item.line), ident, f"'{key}' must be true or false")
            return False
        return value

    def choice(self, item: Located, key: str, ident: str, legal: Iterable[str], default: str | None = None) -> str:
        value = self.text(item, key, ident, default or "")
        legal = tuple(legal)
        if value not in legal:
            self.problem(item.key_lines.get(key, item.line), ident,
                         f"'{key}' is '{value}', expected one of: {', '.join(legal)}")
        return value

    def items(self, doc: Located, section: str) -> list[Located]:
        value = doc.get(section)
        if value is None:
            return []
        if not isinstance(value, list):
            self.problem(doc.key_lines.get(section, 1), section, f"'{section}' must be a list")
            return []
        out = []
        for i, item in enumerate(value):
            if not isinstance(item, Located):
                self.problem(doc.key_lines.get(section, 1), section, f"entry {i + 1} of '{section}' must be a mapping")
            else:
                out.append(item)
        return out

    def id_and_name(self, item: Located, ident: str, prefix: str, what: str) -> str:
        """Check an ID of the form PREFIX + two digits and a kebab-case name; returns the name."""
        if not re.fullmatch(prefix + r"\d\d", ident):
            self.problem(item.line, ident, f"{what} id is {prefix} followed by two digits")
        name = self.text(item, "name", ident)
        if not re.fullmatch(r"[a-z][a-z0-9]*(-[a-z0-9]+)*", name):
            self.problem(item.key_lines.get("name", item.line), ident, f"name '{name}' is not kebab-case")
        return name

    def mapping(self, doc: Located, key: str, ident: str) -> Located:
        value = doc.get(key)
        if isinstance(value, Located):
            return value
        if value is not None:
            self.problem(doc.key_lines.get(key, doc.line), ident, f"'{key}' must be a mapping")
        empty = Located()
        empty.line = doc.line
        return empty

    def claim(self, section: str, ident: str, line: int, table: dict) -> bool:
        """Register an id; a second definition, in this file or a lower layer, is a clash."""
        if ident in table:
            where = self.origin.get((section, ident), "an earlier definition")
            self.problem(line, ident, f"duplicate {section[:-1] if section.endswith('s') else section} id "
                                      f"'{ident}' (already defined at {where})")
            return False
        self.origin[(section, ident)] = f"{self.file}:{line}"
        return True

    # -- sections -------------------------------------------------------------------------------------------------

    def read(self, doc: Any) -> None:
        if not isinstance(doc, Located):
            self.problem(1, "file", "a rule file must be a YAML mapping with sections such as 'rules' and 'images'")
            return
        for key in doc:
            if key not in SECTIONS:
                self.problem(doc.key_lines[key], key, f"unknown section '{key}' (expected one of: {', '.join(SECTIONS)})")
        if "version" in doc and doc["version"] != 1:
            self.problem(doc.key_lines["version"], "version", f"unsupported version {doc['version']!r} (expected 1)")
        self.read_questions(doc)
        self.read_derived(doc)
        self.read_releases(doc)
        self.read_libraries(doc)
        self.read_images(doc)
        self.read_strategies(doc)
        self.read_changes(doc)
        self.read_caveats(doc)
        self.read_rules(doc)
        self.read_image_families(doc)
        self.read_lints(doc)
        self.read_diagnoses(doc)

    def read_questions(self, doc: Located) -> None:
        for item in self.items(doc, "questions"):
            qid = self.text(item, "id", "question") or "question"
            if not self.keys_ok(item, qid, ("id", "text", "choices", "aliases", "if_unknown", "unknown_reason", "help"),
                                ("id", "text", "choices")):
                continue
            if not re.fullmatch(r"[a-z][a-z0-9_]*", qid):
                self.problem(item.line, qid, "a question id must be a snake_case fact name")
            choices = self.mapping(item, "choices", qid)
            choice_text = {str(k): str(v) for k, v in choices.items()}
            if UNKNOWN in choice_text:
                self.problem(choices.key_lines.get(UNKNOWN, item.line), qid, "'unknown' is always allowed; do not list it")
            aliases = {str(k).lower(): str(v) for k, v in self.mapping(item, "aliases", qid).items()}
            for alias, target in aliases.items():
                if target not in choice_text:
                    self.problem(item.key_lines.get("aliases", item.line), qid,
                                 f"alias '{alias}' points to '{target}', which is not a choice")
            if_unknown = item.get("if_unknown")
            if if_unknown is not None and str(if_unknown) not in choice_text:
                self.problem(item.key_lines.get("if_unknown", item.line), qid,
                             f"if_unknown '{if_unknown}' is not a choice (choices: {', '.join(choice_text)})")
            if self.claim("questions", qid, item.line, self.kb.questions):
                self.kb.questions[qid] = Question(
                    id=qid, text=self.text(item, "text", qid), choices=choice_text, aliases=aliases,
                    if_unknown=None if if_unknown is None else str(if_unknown),
                    unknown_reason=self.text(item, "unknown_reason", qid), help=self.text(item, "help", qid),
                    line=item.line)

    def read_derived(self, doc: Located) -> None:
        for section, table in (("derived", self.kb.derived), ("evidence", self.kb.evidence)):
            facts = self.mapping(doc, section, section)
            for name, values in facts.items():
                line = facts.key_lines.get(name, facts.line)
                if not isinstance(values, Located):
                    self.problem(line, name, f"a fact under '{section}' lists its values as a mapping: value: description")
                    continue
                if name in self.kb.derived or name in self.kb.evidence or name in self.kb.questions:
                    self.problem(line, name, f"fact '{name}' is already defined")
                    continue
                table[name] = {str(k): str(v) for k, v in values.items()}

    def read_releases(self, doc: Located) -> None:
        releases = self.mapping(doc, "releases", "releases")
        for name, info in releases.items():
            if not isinstance(info, Located):
                self.problem(releases.key_lines.get(name, releases.line), name, "a release is a mapping (glibc, debian)")
                continue
            self.keys_ok(info, name, ("glibc", "debian", "glibcxx"), ())
            self.kb.releases[name] = {k: str(v) for k, v in info.items()}
        if "default_debian" in doc:
            self.kb.default_debian = str(doc["default_debian"])

    def read_libraries(self, doc: Located) -> None:
        libraries = self.mapping(doc, "libraries", "libraries")
        for soname, info in libraries.items():
            if not isinstance(info, Located):
                self.problem(libraries.key_lines.get(soname, libraries.line), soname,
                             "a library maps package managers to package names")
                continue
            self.keys_ok(info, soname, ("apt", "apk", "size_mb"), ())
            self.kb.libraries[soname] = {k: dict(v) if isinstance(v, dict) else v for k, v in info.items()}

    def read_images(self, doc: Located) -> None:
        keys = ("ref", "title", "aliases", "libc", "libc_version", "loader", "release", "libs", "shell",
                "package_manager", "ca_certificates", "tzdata", "passwd", "nonroot_user", "runtime", "runtime_path",
                "size_mb", "size_source", "sources", "notes", "deprecated", "entrypoint")
        for item in self.items(doc, "images"):
            ref = self.text(item, "ref", "image") or "image"
            if not self.keys_ok(item, ref, keys, ("ref", "title", "libc", "release", "size_mb", "sources")):
                continue
            libc = self.choice(item, "libc", ref, LIBCS)
            if libc != "none" and not item.get("loader"):
                self.problem(item.line, ref, f"an image with {libc} needs 'loader' (its ELF interpreter path)")
            image = Image(
                ref=ref, title=self.text(item, "title", ref), libc=libc,
                libc_version=self.text(item, "libc_version", ref) or None, loader=self.text(item, "loader", ref) or None,
                release=self.text(item, "release", ref), libs=frozenset(self.strings(item, "libs", ref)),
                shell=self.choice(item, "shell", ref, SHELLS, "none"),
                package_manager=self.choice(item, "package_manager", ref, PACKAGE_MANAGERS, "none"),
                ca_certificates=self.flag(item, "ca_certificates", ref),
                tzdata=self.choice(item, "tzdata", ref, TZDATA, "no"), passwd=self.flag(item, "passwd", ref),
                nonroot_user=self.text(item, "nonroot_user", ref) or None, runtime=self.text(item, "runtime", ref) or None,
                runtime_path=self.text(item, "runtime_path", ref) or None,
                size_mb=self.number(item, "size_mb", ref), size_source=self.text(item, "size_source", ref),
                sources=self.strings(item, "sources", ref), notes=self.text(item, "notes", ref),
                aliases=self.strings(item, "aliases", ref), deprecated=self.text(item, "deprecated", ref) or None,
                line=item.line, entrypoint=self.strings(item, "entrypoint", ref))
            if image.runtime and not image.runtime_path:
                self.problem(item.line, ref, "an image with a 'runtime' needs 'runtime_path'")
            if self.claim("images", ref, item.line, self.kb.images):
                self.kb.images[ref] = image
                for alias in image.aliases:
                    if alias in self.kb.image_aliases or alias in self.kb.images:
                        self.problem(item.key_lines.get("aliases", item.line), ref, f"alias '{alias}' is already taken")
                    self.kb.image_aliases[alias] = ref

    def steps(self, item: Located, ident: str, stages: tuple[str, ...] = ("build", "final")) -> tuple[Step, ...]:
        out = []
        raw = item.get("steps") or []
        if not isinstance(raw, list):
            self.problem(item.key_lines.get("steps", item.line), ident, "'steps' must be a list")
            return ()
        for step in raw:
            if not isinstance(step, Located):
                self.problem(item.key_lines.get("steps", item.line), ident, "each step is a mapping with stage and do")
                continue
            self.keys_ok(step, ident, ("stage", "do", "why", "family", "go_tag"), ("stage",))
            if not step.get("do") and not step.get("go_tag"):
                self.problem(step.line, ident, "a step needs 'do' (a Dockerfile instruction) or 'go_tag'")
            stage = self.choice(step, "stage", ident, stages)
            family = self.text(step, "family", ident)
            if family and family not in FAMILIES:
                self.problem(step.line, ident, f"step family '{family}' is not one of: {', '.join(FAMILIES)}")
            do = self.text(step, "do", ident)
            if step.get("go_tag"):
                do = f"go_tag {self.text(step, 'go_tag', ident)}"
            out.append(Step(stage=stage, instruction=do, why=self.text(step, "why", ident),
                            family=family or None))
        return tuple(out)

    def read_strategies(self, doc: Located) -> None:
        keys = ("id", "title", "build_image", "build_release", "build_family", "libc", "libs", "runtime", "steps", "cmd",
                "sources", "prebuilt")
        for item in self.items(doc, "strategies"):
            sid = self.text(item, "id", "strategy") or "strategy"
            prebuilt = self.flag(item, "prebuilt", sid)
            required = ("id", "title", "build_family", "libc", "steps", "sources")
            if not self.keys_ok(item, sid, keys, required + (() if prebuilt else ("build_image",))):
                continue
            strategy = Strategy(
                id=sid, title=self.text(item, "title", sid), build_image=self.text(item, "build_image", sid),
                build_release=self.text(item, "build_release", sid) or None,
                build_family=self.choice(item, "build_family", sid, FAMILIES),
                libc=self.choice(item, "libc", sid, (*LIBCS, "any", "evidence")),
                libs=frozenset(self.strings(item, "libs", sid)),
                runtime=self.text(item, "runtime", sid) or None, steps=self.steps(item, sid),
                cmd=self.strings(item, "cmd", sid) or ("/app",), sources=self.strings(item, "sources", sid),
                prebuilt=prebuilt, line=item.line)
            if self.claim("strategies", sid, item.line, self.kb.strategies):
                self.kb.strategies[sid] = strategy

    def read_changes(self, doc: Located) -> None:
        for item in self.items(doc, "changes"):
            cid = self.text(item, "id", "change") or "change"
            if not self.keys_ok(item, cid, ("id", "title", "supplies", "applies_to", "size_mb", "steps"),
                                ("id", "title", "steps")):
                continue
            supplies = self.text(item, "supplies", cid) or None
            if supplies and supplies not in NEEDS_CHECKED:
                self.problem(item.key_lines.get("supplies", item.line), cid,
                             f"supplies '{supplies}' is not one of: {', '.join(NEEDS_CHECKED)}")
            change = Change(id=cid, title=self.text(item, "title", cid), supplies=supplies,
                            applies_to=self.strings(item, "applies_to", cid), steps=self.steps(item, cid),
                            size_mb=self.number(item, "size_mb", cid) if "size_mb" in item else 0.0, line=item.line)
            if self.claim("changes", cid, item.line, self.kb.changes):
                self.kb.changes[cid] = change

    def read_caveats(self, doc: Located) -> None:
        for item in self.items(doc, "caveats"):
            cid = self.text(item, "id", "caveat") or "caveat"
            if not self.keys_ok(item, cid, ("id", "text", "strategies", "images"), ("id", "text")):
                continue
            caveat = Caveat(id=cid, text=self.text(item, "text", cid), strategies=self.strings(item, "strategies", cid),
                            images=self.strings(item, "images", cid), line=item.line)
            if self.claim("caveats", cid, item.line, self.kb.caveats):
                self.kb.caveats[cid] = caveat

    def facts(self, item: Located, key: str, ident: str) -> list[tuple[str, Any, int]]:
        raw = item.get(key)
        if raw is None:
            return []
        if not isinstance(raw, Located):
            self.problem(item.key_lines.get(key, item.line), ident, f"'{key}' must be a mapping of fact: value")
            return []
        return [(str(name), value, raw.key_lines.get(name, raw.line)) for name, value in raw.items()]

    def read_rules(self, doc: Located) -> None:
        keys = ("id", "name", "kind", "when", "then", "check", "summary", "why", "sources", "examples", "status")
        for item in self.items(doc, "rules"):
            rid = self.text(item, "id", "rule") or "rule"
            kind = self.text(item, "kind", rid) or "infer"
            required = ["id", "name", "summary", "why", "sources"]
            required += ["check"] if kind == "check" else ["when", "then"]
            if not self.keys_ok(item, rid, keys, required):
                continue
            if not re.fullmatch(r"MI\d{3}", rid):
                self.problem(item.line, rid, "a rule id is MI followed by three digits (MI1xx facts, MI15x checks, "
                                             "MI2xx strategies, MI26x changes, MI3xx caveats)")
            if kind not in ("infer", "check"):
                self.problem(item.key_lines.get("kind", item.line), rid, f"kind '{kind}' is not one of: infer, check")
            check = self.text(item, "check", rid) or None
            if kind == "check" and check not in CHECKS:
                self.problem(item.key_lines.get("check", item.line), rid,
                             f"check '{check}' is not one of: {', '.join(CHECKS)}")
            when = []
            for name, value, line in self.facts(item, "when", rid):
                negate = isinstance(value, dict) and list(value) == ["not"]  # {not: value} or {not: [values]}
                if negate:
                    value = value["not"]
                values = value if isinstance(value, list) else [value]
                if any(not isinstance(v, (str, int)) or isinstance(v, bool) for v in values):
                    self.problem(line, rid, f"condition on '{name}' must be a value, a list of values, "
                                            "or {not: value(s)}")
                    continue
                when.append((Condition(fact=name, values=tuple(str(v) for v in values), negate=negate), line))
            then = [(name, str(value), line) for name, value, line in self.facts(item, "then", rid)]
            sources = self.sources_ok(item, rid)
            examples = []
            raw_examples = item.get("examples") or []
            if not isinstance(raw_examples, list):
                self.problem(item.key_lines.get("examples", item.line), rid, "'examples' must be a list")
                raw_examples = []
            for ex in raw_examples:
                if not isinstance(ex, Located) or not isinstance(ex.get("given"), Located) \
                        or not isinstance(ex.get("expect"), Located):
                    self.problem(getattr(ex, "line", item.line), rid, "an example has 'given' and 'expect' mappings")
                    continue
                self.keys_ok(ex, rid, ("given", "expect"), ())
                examples.append(Example(given={str(k): str(v) for k, v in ex["given"].items()},
                                        expect={str(k): str(v) for k, v in ex["expect"].items()}, line=ex.line))
            status = self.text(item, "status", rid) or "active"
            if status not in ("active", "removed"):
                self.problem(item.key_lines.get("status", item.line), rid, "status must be active or removed")
            rule = Rule(id=rid, name=self.text(item, "name", rid), kind=kind,
                        when=tuple(c for c, _ in when), then=tuple((n, v) for n, v, _ in then),
                        summary=self.text(item, "summary", rid), why=self.text(item, "why", rid), sources=sources,
                        examples=tuple(examples), check=check, status=status, file=self.file, line=item.line)
            if self.claim("rules", rid, item.line, self.kb.rules):
                self.kb.rules[rid] = rule
                self.pending.append((rule, when, then))

    # -- lint and diagnose knowledge (image_families, lints: MI4xx, diagnoses: MI5xx) ------------------------------

    def read_image_families(self, doc: Located) -> None:
        keys = ("id", "title", "match", "libc", "release", "release_by_tag", "shell", "shell_path", "passwd", "gcc",
                "libstdcxx", "libgcc_s", "workdir", "rust_target", "notes", "sources")
        table = {f.id: f for f in self.kb.image_families}
        added = []
        for item in self.items(doc, "image_families"):
            fid = self.text(item, "id", "image family") or "image family"
            if not self.keys_ok(item, fid, keys, ("id", "title", "match", "libc", "shell", "passwd", "gcc",
                                                  "sources")):
                continue
            release = self.text(item, "release", fid) or None
            by_tag = []
            for pattern, rel in self.mapping(item, "release_by_tag", fid).items():
                by_tag.append((str(pattern), str(rel)))
            for rel in [release] + [r for _, r in by_tag]:
                if rel is not None and rel not in self.kb.releases:
                    self.problem(item.key_lines.get("release_by_tag" if rel != release else "release", item.line),
                                 fid, f"release '{rel}' is not under 'releases'")
            rust_target = self.text(item, "rust_target", fid) or None
            if rust_target not in (None, "gnu", "musl"):
                self.problem(item.key_lines.get("rust_target", item.line), fid, "rust_target is gnu or musl")
            family = ImageFamily(
                id=fid, title=self.text(item, "title", fid), match=self.strings(item, "match", fid),
                libc=self.choice(item, "libc", fid, LIBCS), release=release, release_by_tag=tuple(by_tag),
                shell=self.choice(item, "shell", fid, SHELLS), shell_path=self.text(item, "shell_path", fid, "/bin/sh"),
                passwd=self.flag(item, "passwd", fid), gcc=self.flag(item, "gcc", fid),
                libstdcxx=self.flag(item, "libstdcxx", fid), libgcc_s=self.flag(item, "libgcc_s", fid),
                workdir=self.text(item, "workdir", fid) or None, rust_target=rust_target,
                notes=self.text(item, "notes", fid), sources=self.strings(item, "sources", fid), line=item.line)
            if fid in table:
                where = self.origin.get(("image_families", fid), "an earlier definition")
                self.problem(item.line, fid, f"duplicate image family id '{fid}' (already defined at {where})")
            else:
                self.origin[("image_families", fid)] = f"{self.file}:{item.line}"
                table[fid] = family
                added.append(family)
        self.kb.image_families[:0] = added  # a later layer's patterns are tried first

    def sources_ok(self, item: Located, ident: str, key: str = "sources") -> tuple[str, ...]:
        sources = self.strings(item, key, ident)
        for src in sources:
            if re.fullmatch(r"A\d+", src) and src not in ARTICLE_CLAIMS:
                self.problem(item.key_lines.get(key, item.line), ident, f"source '{src}' is not an article claim (A1-A17)")
        return sources

    def read_lints(self, doc: Located) -> None:
        from .lint import CHECKS as LINT_CHECKS, SEVERITIES

        keys = ("id", "name", "severity", "summary", "why", "message", "fix", "sources", "examples", "status")
        for item in self.items(doc, "lints"):
            lid = self.text(item, "id", "lint") or "lint"
            if not self.keys_ok(item, lid, keys, ("id", "name", "severity", "summary", "message", "fix", "sources",
                                                  "examples")):
                continue
            name = self.id_and_name(item, lid, "MI4", "a lint rule")
            status = self.text(item, "status", lid) or "active"
            if status not in ("active", "removed"):
                self.problem(item.key_lines.get("status", item.line), lid, "status must be active or removed")
            elif status == "active" and name not in LINT_CHECKS:
                self.problem(item.key_lines.get("name", item.line), lid,
                             f"no check is registered under '{name}' in kb/lint.py")
            raw_fix = item.get("fix")
            if isinstance(raw_fix, Located):
                fix = {str(k): str(v) for k, v in raw_fix.items()}
                if "default" not in fix:
                    self.problem(item.key_lines.get("fix", item.line), lid, "a fix by variant needs a 'default'")
            else:
                fix = {"default": self.text(item, "fix", lid)}
            examples = []
            raw_examples = item.get("examples")
            if not isinstance(raw_examples, list):
                self.problem(item.key_lines.get("examples", item.line), lid, "'examples' must be a list")
                raw_examples = []
            for ex in raw_examples:
                if not isinstance(ex, Located) or ("flagged" in ex) == ("clean" in ex):
                    self.problem(getattr(ex, "line", item.line), lid,
                                 "a lint example has either 'flagged' or 'clean' (a Dockerfile)")
                    continue
                self.keys_ok(ex, lid, ("flagged", "clean", "at", "files"), ())
                at = ex.get("at")
                if at is not None and (isinstance(at, bool) or not isinstance(at, int)):
                    self.problem(ex.key_lines.get("at", ex.line), lid, "'at' is the line number of the finding")
                    at = None
                files = {str(k): str(v) for k, v in self.mapping(ex, "files", lid).items()}
                for fname in files:
                    if fname.startswith("/") or ".." in fname.split("/"):
                        self.problem(ex.key_lines.get("files", ex.line), lid, f"file '{fname}' is outside the context")
                flagged = "flagged" in ex
                examples.append(LintExample(dockerfile=self.text(ex, "flagged" if flagged else "clean", lid),
                                            flagged=flagged, at=at, line=ex.line, files=files))
            if status == "active" and not ({e.flagged for e in examples} >= {True, False}):
                self.problem(item.line, lid, "a lint rule needs at least one flagged and one clean example")
            severity = self.choice(item, "severity", lid, SEVERITIES)
            rule = LintRule(id=lid, name=name, severity=severity, summary=self.text(item, "summary", lid),
                            why=self.text(item, "why", lid), message=self.text(item, "message", lid), fix=fix,
                            sources=self.sources_ok(item, lid), examples=tuple(examples), status=status,
                            file=self.file, line=item.line)
            if self.claim("lints", lid, item.line, self.kb.lints):
                self.kb.lints[lid] = rule

    def read_diagnoses(self, doc: Located) -> None:
        keys = ("id", "name", "patterns", "cause", "fix", "rules", "implies", "sources", "examples", "overrides",
                "status")
        for item in self.items(doc, "diagnoses"):
            did = self.text(item, "id", "diagnosis") or "diagnosis"
            if not self.keys_ok(item, did, keys, ("id", "name", "patterns", "cause", "fix", "sources", "examples")):
                continue
            name = self.id_and_name(item, did, "MI5", "a diagnosis")
            patterns = self.strings(item, "patterns", did)
            compiled = []
            for i, pattern in enumerate(patterns):
                try:
                    compiled.append(re.compile(pattern, re.IGNORECASE))
                except re.error as e:
                    # block-style lists put pattern i on the line after the key, plus i
                    self.problem(item.key_lines.get("patterns", item.line) + 1 + i, did,
                                 f"pattern {i + 1} is not a valid regular expression: {e}")
            groups = {g for c in compiled for g in c.groupindex}
            implies = {str(k): str(v) for k, v in self.mapping(item, "implies", did).items()}
            for fact, value in implies.items():
                for ref in re.findall(r"\{(\w+)\}", value):
                    if ref not in groups:
                        self.problem(item.key_lines.get("implies", item.line), did,
                                     f"implies {fact}={value}: no pattern has a group named '{ref}'")
                q = self.kb.questions.get(fact)
                if q is not None and "{" not in value and value not in q.choices:
                    self.problem(item.key_lines.get("implies", item.line), did,
                                 f"implies {fact}={value}, not one of: {', '.join(q.choices)}")
            examples = self.strings(item, "examples", did)
            for ex in examples:
                if compiled and not any(c.search(ex) for c in compiled):
                    self.problem(item.key_lines.get("examples", item.line), did,
                                 f"example matches none of the patterns: '{ex[:60]}'")
            status = self.text(item, "status", did) or "active"
            if status not in ("active", "removed"):
                self.problem(item.key_lines.get("status", item.line), did, "status must be active or removed")
            diagnosis = Diagnosis(id=did, name=name, patterns=patterns, cause=self.text(item, "cause", did),
                                  fix=self.text(item, "fix", did), rules=self.strings(item, "rules", did),
                                  implies=implies, sources=self.sources_ok(item, did), examples=examples,
                                  overrides=self.strings(item, "overrides", did), status=status, file=self.file,
                                  line=item.line)
            if self.claim("diagnoses", did, item.line, self.kb.diagnoses):
                self.kb.diagnoses[did] = diagnosis


def _cross_check_lints(kb: Knowledge, problems: list[Problem]) -> None:
    """The rule trail of each diagnosis names known rules; overrides name known diagnoses."""
    known = {*kb.rules, *kb.lints}
    for d in kb.diagnoses.values():
        for rid in d.rules:
            if rid not in known:
                problems.append(Problem(d.file, d.line, d.id, f"rule trail names unknown rule '{rid}'"))
        for did in d.overrides:
            if did not in kb.diagnoses:
                problems.append(Problem(d.file, d.line, d.id, f"overrides unknown diagnosis '{did}'"))


def _cross_check(kb: Knowledge, pending: list, problems: list[Problem]) -> None:
    """References between sections, checked once every layer is read."""
    concluded: dict[str, set[str]] = {}
    for rule, _, then in pending:
        for name, value, _ in then:
            concluded.setdefault(name, set()).add(value)

    for rule, when, then in pending:
        if rule.status != "active":
            continue
        for cond, line in when:
            legal = kb.legal_values(cond.fact)
            if legal is None:
                legal = concluded.get(cond.fact)
            if legal is None:
                known = sorted({*kb.questions, *kb.derived, *CATALOGUE_FACTS})
                hint = _closest(cond.fact, known)
                problems.append(Problem(rule.file, line, rule.id,
                                        f"unknown fact '{cond.fact}': no question or rule provides it"
                                        + (f" (did you mean '{hint}'?)" if hint else "")))
                continue
            for value in cond.values:
                if value != "*" and value not in legal and "*" not in legal:
                    problems.append(Problem(rule.file, line, rule.id,
                                            f"'{value}' is not a legal value of '{cond.fact}' "
                                            f"(legal: {', '.join(sorted(legal))})"))
        for name, value, line in then:
            if name in kb.questions:
                problems.append(Problem(rule.file, line, rule.id,
                                        f"'{name}' is a question; rules conclude derived facts only"))
                continue
            legal = kb.legal_values(name)
            if legal is None:
                problems.append(Problem(rule.file, line, rule.id,
                                        f"unknown fact '{name}': declare it under 'derived' with its values"))
            elif value not in legal:
                what = f"{name} id" if name in CATALOGUE_FACTS else f"value of '{name}'"
                problems.append(Problem(rule.file, line, rule.id,
                                        f"'{value}' is not a known {what} (known: {', '.join(sorted(legal))})"))
        for ex in rule.examples:
            for name, value in ex.given.items():
                q = kb.questions.get(name)
                if q is None:
                    legal = kb.evidence.get(name)
                    if legal is None:
                        problems.append(Problem(rule.file, ex.line, rule.id,
                                                f"example gives '{name}', which is neither a question nor evidence"))
                    elif "*" not in legal and value not in legal:
                        problems.append(Problem(rule.file, ex.line, rule.id,
                                                f"example gives {name}={value}, not one of: {', '.join(legal)}"))
                elif value not in q.legal():
                    problems.append(Problem(rule.file, ex.line, rule.id,
                                            f"example gives {name}={value}, not one of: {', '.join(q.legal())}"))
            for name, value in ex.expect.items():
                if name in ("best", "viable", "rejects"):
                    if kb.image(value) is None:
                        problems.append(Problem(rule.file, ex.line, rule.id, f"example names unknown image '{value}'"))
                elif kb.legal_values(name) is None and name not in concluded:
                    problems.append(Problem(rule.file, ex.line, rule.id, f"example expects unknown fact '{name}'"))
        if not rule.examples:
            problems.append(Problem(rule.file, rule.line, rule.id, "every rule needs at least one example"))

    runtimes = {img.runtime for img in kb.images.values() if img.runtime}
    for s in kb.strategies.values():
        if s.runtime and s.runtime not in runtimes:
            problems.append(Problem("", s.line, s.id, f"no image in the catalogue provides runtime '{s.runtime}'"))
    for c in kb.changes.values():
        for sid in c.applies_to:
            if sid not in kb.strategies:
                problems.append(Problem("", c.line, c.id, f"applies_to names unknown strategy '{sid}'"))
    for c in kb.caveats.values():
        for sid in c.strategies:
            if sid not in kb.strategies:
                problems.append(Problem("", c.line, c.id, f"caveat names unknown strategy '{sid}'"))
        for ref in c.images:
            if kb.image(ref) is None:
                problems.append(Problem("", c.line, c.id, f"caveat names unknown image '{ref}'"))
    for s in kb.strategies.values():
        if s.build_release and s.build_release not in kb.releases:
            problems.append(Problem("", s.line, s.id, f"build_release '{s.build_release}' is not under 'releases'"))
        if "{debian}" in s.build_image and s.build_release:
            problems.append(Problem("", s.line, s.id, "a build image with {debian} takes its release from the final "
                                                      "image; drop build_release"))
    for img in kb.images.values():
        if img.release not in kb.releases:
            problems.append(Problem("", img.line, img.ref, f"release '{img.release}' is not under 'releases'"))


def _closest(word: str, candidates: list[str]) -> str | None:
    import difflib

    match = difflib.get_close_matches(word, candidates, n=1, cutoff=0.75)
    return match[0] if match else None


def read_rule_file(path: str) -> tuple[str | None, Problem | None]:
    """The text of a rule file, or the problem that stops it being read."""
    try:
        with open(path, encoding="utf-8") as f:
            return f.read(), None
    except FileNotFoundError:
        return None, Problem(path, 0, "file", "no such file")
    except IsADirectoryError:
        return None, Problem(path, 0, "file", "is a directory, not a rule file")
    except UnicodeDecodeError as e:
        return None, Problem(path, 0, "file", f"not UTF-8 text ({e.reason} at byte {e.start})")
    except OSError as e:
        return None, Problem(path, 0, "file", f"cannot read: {e.strerror or e}")


def rule_files(paths: Iterable[str | os.PathLike] = (), *, base: bool = True) -> list[str]:
    return ([default_rules_path()] if base else []) + [os.fspath(p) for p in paths]


def load_knowledge(paths: Iterable[str | os.PathLike] = (), *, base: bool = True) -> Knowledge:
    """Read the shipped rules.yaml (unless `base` is False) and then each of `paths` layered on top.

    A file's `include:` list names other rule files (relative to it), read as layers before its own sections.
    `Knowledge.files` lists every file read, includes too. Raises RuleFileError listing every problem in every file.
    """
    kb = Knowledge()
    problems: list[Problem] = []
    pending: list = []
    origin: dict[tuple[str, str], str] = {}
    for path in rule_files(paths, base=base):
        _read_layer(kb, path, problems, origin, pending, ())
    _cross_check(kb, pending, problems)  # also after reading problems: report everything in one pass
    _cross_check_lints(kb, problems)
    if problems:
        raise RuleFileError([_with_file(p, origin) for p in problems])
    return kb


def _read_layer(kb: Knowledge, path: str, problems: list[Problem], origin: dict, pending: list,
                including: tuple[str, ...]) -> None:
    """Read one rule file, its includes first, into `kb`."""
    from .yamlfile import YamlError, parse_yaml  # only here: a cached rule base needs no YAML at all

    kb.files.append(path)
    text, problem = read_rule_file(path)
    if problem:
        problems.append(problem)
        return
    try:
        doc = parse_yaml(text)
    except YamlError as e:
        problems.append(Problem(_display(path), e.line, "yaml", e.message))
        return
    if isinstance(doc, Located) and "include" in doc:
        line = doc.key_lines["include"]
        names = doc["include"]
        if not isinstance(names, list) or not all(isinstance(n, str) and n for n in names):
            problems.append(Problem(_display(path), line, "include", "'include' is a list of rule file paths"))
            names = []
        for i, name in enumerate(names):
            target = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(path)), name))
            if target in including or target == os.path.abspath(path):
                problems.append(Problem(_display(path), line + 1 + i, "include", f"'{name}' includes itself"))
                continue
            _read_layer(kb, target, problems, origin, pending, including + (os.path.abspath(path),))
    _Reader(kb, _display(path), problems, origin, pending).read(doc)


def _display(path: str) -> str:
    """The name used in messages: as given, but the shipped files are named from the knowledge base's top
    (rules.yaml, knowledge/images.yaml)."""
    top = os.path.dirname(default_rules_path())
    full = os.path.abspath(path)
    if full == default_rules_path() or os.path.dirname(full) == os.path.join(top, "knowledge"):
        return os.path.relpath(full, top)
    return str(path)


def _with_file(p: Problem, origin: dict[tuple[str, str], str]) -> Problem:
    if p.file:
        return p
    for (section, ident), where in origin.items():
        if ident == p.ident:
            return Problem(where.rsplit(":", 1)[0], p.line, p.ident, p.message)
    return Problem("rules.yaml", p.line, p.ident, p.message)
