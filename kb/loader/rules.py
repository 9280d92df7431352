"""Reading the rule sections of a rule file: inference rules and checks (MI1xx-MI3xx), image families, lint
checks (MI4xx) and diagnoses (MI5xx)."""
from __future__ import annotations

import re

from ..model import Condition, Diagnosis, Example, ImageFamily, LintExample, LintRule, Located, Rule
from .reader import LIBCS, SHELLS, TZDATA, Reader, _registered


class RuleSections(Reader):
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
            checks = _registered("check")
            if kind == "check" and check not in checks:
                self.problem(item.key_lines.get("check", item.line), rid,
                             f"no planner check is registered under '{check}' (registered: {', '.join(checks)})")
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
                negative = isinstance(ex, Located) and "expect_not" in ex
                key = "expect_not" if negative else "expect"
                if not isinstance(ex, Located) or not isinstance(ex.get("given"), Located) \
                        or not isinstance(ex.get(key), Located) or ("expect" in ex and negative):
                    self.problem(getattr(ex, "line", item.line), rid,
                                 "an example has a 'given' mapping and either 'expect' or 'expect_not'")
                    continue
                self.keys_ok(ex, rid, ("given", key), ())
                expect = {str(k): str(v) for k, v in ex[key].items()}
                if negative and not set(expect) <= {name for name, _, _ in self.facts(item, "then", rid)} | {"rejects"}:
                    self.problem(ex.key_lines[key], rid, "'expect_not' names what the rule concludes "
                                                         "(one of its 'then' facts, or 'rejects' for a check)")
                examples.append(Example(given={str(k): str(v) for k, v in ex["given"].items()}, expect=expect,
                                        line=ex.line, negative=negative))
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
                "libstdcxx", "libgcc_s", "workdir", "rust_target", "notes", "sources", "ca_certificates", "floating",
                "go_version", "libs", "programs", "tzdata", "users", "groups")
        items = self.items(doc, "image_families")
        if not items:  # no need to look at the families read before (kb/loader/filecache.py)
            return
        table = {f.id: f for f in self.kb.image_families}
        added = []
        for item in items:
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
                libstdcxx=self.flag(item, "libstdcxx", fid) if "libstdcxx" in item else None,
                libgcc_s=self.flag(item, "libgcc_s", fid) if "libgcc_s" in item else None,
                workdir=self.text(item, "workdir", fid) or None, rust_target=rust_target,
                notes=self.text(item, "notes", fid), sources=self.sources_ok(item, fid), line=item.line,
                ca_certificates=self.flag(item, "ca_certificates", fid) if "ca_certificates" in item else None,
                floating=self.text(item, "floating", fid), go_version=self.text(item, "go_version", fid) or None,
                libs=self.strings(item, "libs", fid) if "libs" in item else None,
                programs=self.strings(item, "programs", fid) if "programs" in item else (),
                tzdata=self.choice(item, "tzdata", fid, TZDATA) if "tzdata" in item else None,
                users=self.strings(item, "users", fid) if "users" in item else None,
                groups=self.strings(item, "groups", fid) if "groups" in item else None)
            if fid in table:
                where = self.origin.get(("image_families", fid), "an earlier definition")
                self.problem(item.line, fid, f"duplicate image family id '{fid}' (already defined at {where})")
            else:
                self.origin[("image_families", fid)] = f"{self.file}:{item.line}"
                table[fid] = family
                added.append(family)
        self.kb.image_families[:0] = added  # a later layer's patterns are tried first

    def read_lints(self, doc: Located) -> None:
        from ..model import SEVERITIES

        lint_checks = _registered("lint")

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
            elif status == "active" and name not in lint_checks:
                self.problem(item.key_lines.get("name", item.line), lid,
                             f"no check is registered under '{name}' in kb/lint/checks.py")
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
        from ..diagnose import CONFIDENCES, backtracking_risk, matches_alone
        from ..model import DiagnosisFix

        keys = ("id", "name", "patterns", "cause", "fix", "fix_key", "fixes", "confidence", "confidence_when", "unless",
                "rules", "implies", "sources", "examples", "negative_examples", "overrides", "status")
        for item in self.items(doc, "diagnoses"):
            did = self.text(item, "id", "diagnosis") or "diagnosis"
            if not self.keys_ok(item, did, keys, ("id", "name", "patterns", "cause", "fix", "sources", "examples")):
                continue
            name = self.id_and_name(item, did, "MI5", "a diagnosis")

            def regexes(owner: Located, key: str, what: str) -> tuple[tuple[str, ...], list]:
                """Patterns under `key`; invalid ones and ones that may backtrack exponentially are problems."""
                found = self.strings(owner, key, did)
                compiled = []
                for i, pattern in enumerate(found):
                    at = owner.value_lines.get(key, [])
                    line = at[i] if i < len(at) else owner.key_lines.get(key, owner.line)
                    try:
                        compiled.append(re.compile(pattern, re.IGNORECASE))
                    except re.error as e:
                        # block-style lists put pattern i on the line after the key, plus i
                        self.problem(line, did, f"{what} {i + 1} is not a valid regular expression: {e}")
                        continue
                    risk = backtracking_risk(pattern)
                    if risk:
                        self.problem(line, did, f"{what} {i + 1} may take exponential time on some input: {risk}; "
                                                f"rewrite it without that shape")
                return found, compiled

            patterns, compiled = regexes(item, "patterns", "pattern")
            unless, _ = regexes(item, "unless", "'unless' pattern")
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
            fixes = []
            for f in self.items(item, "fixes"):
                if self.keys_ok(f, did, ("key", "fix", "when"), ("key", "fix", "when")):
                    when, _ = regexes(f, "when", "'when' pattern")
                    fixes.append(DiagnosisFix(key=self.text(f, "key", did), text=self.text(f, "fix", did), when=when))
            confidence = self.choice(item, "confidence", did, CONFIDENCES, "certain")
            confidence_when = []
            for level, _ps in self.mapping(item, "confidence_when", did).items():
                if str(level) not in CONFIDENCES:
                    self.problem(item.key_lines.get("confidence_when", item.line), did,
                                 f"confidence_when '{level}' is not one of: {', '.join(CONFIDENCES)}")
                ps, _ = regexes(self.mapping(item, "confidence_when", did), str(level), f"'{level}' pattern")
                confidence_when.append((str(level), ps))
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
                                  overrides=self.strings(item, "overrides", did), fix_key=self.text(item, "fix_key", did),
                                  fixes=tuple(fixes), confidence=confidence, confidence_when=tuple(confidence_when),
                                  unless=unless, negative_examples=self.strings(item, "negative_examples", did),
                                  status=status, file=self.file, line=item.line)
            if len(compiled) == len(patterns):  # every pattern is valid: check them against the examples
                at = item.value_lines.get("patterns", [])
                for i, c in enumerate(compiled):
                    if status == "active" and not any(c.search(ex) for ex in examples):
                        self.problem(at[i] if i < len(at) else item.line, did,
                                     f"pattern {i + 1} matches none of the examples: give it one")
                negatives = diagnosis.negative_examples
                alone = matches_alone(diagnosis, [*examples, *negatives])
                for ex, hit in zip(examples, alone):
                    if not hit and any(c.search(ex) for c in compiled):
                        self.problem(item.key_lines.get("examples", item.line), did,
                                     f"example is excluded by an 'unless' pattern: '{ex[:60]}'")
                for ex, hit in zip(negatives, alone[len(examples):]):
                    if hit:
                        self.problem(item.key_lines.get("negative_examples", item.line), did,
                                     f"negative example matches: '{ex[:60]}'")
            if self.claim("diagnoses", did, item.line, self.kb.diagnoses):
                self.kb.diagnoses[did] = diagnosis
