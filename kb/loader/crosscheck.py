"""Checks across sections and layers, once every rule file is read: facts and values rules use, examples,
references between strategies, changes, caveats, images and releases, diagnoses' rule trails."""
from __future__ import annotations


from ..errors import Problem
from ..model import CATALOGUE_FACTS, Knowledge

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
    from .catalogue import lint_libraries

    # lint's shared-library table: the `libraries` entries with lint's fields first, then native_packages system:
    # (what no one soname names: boost's versioned sonames, headers-only -dev packages); a library in both is a
    # load error where the second is read
    system = kb.native_packages.get("system", {})
    kb.native_packages["system"] = {**lint_libraries(kb.libraries), **system}
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
        if {ex.negative for ex in rule.examples} != {False, True}:
            problems.append(Problem(rule.file, rule.line, rule.id, "every rule needs an example of what it concludes "
                                                                   "('expect') and one of what it must not ('expect_not')"))

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
    named = {str(info.get("name")) for info in kb.libraries.values() if info.get("name")}
    q = kb.questions.get("native_libs")
    for choice in (c for c in (q.choices if q else ()) if c != "other" and c not in named):
        problems.append(Problem("", q.line, q.id, f"library '{choice}' has no entry under 'libraries' (name: {choice})"))


def _closest(word: str, candidates: list[str]) -> str | None:
    import difflib

    match = difflib.get_close_matches(word, candidates, n=1, cutoff=0.75)
    return match[0] if match else None
