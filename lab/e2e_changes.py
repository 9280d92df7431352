"""What the end-to-end matrix shows for rules MI154, MI155 and MI156 (lab/e2e.py uses it).

These checks never reject an image outright in the rule base: where a final image lacks the CA bundle, zone data or
/etc/passwd that the program needs, a change supplies it (MI261 copies the CA bundle, MI262-MI264 copy or embed zone
data, MI265 copies a passwd) and the plan says so ("scratch gets a CA bundle from the change '...'"). What the rule
claims is then that the image *without* the change fails. So for each such plan that ran, the matrix builds the same
Dockerfile with only that change's lines taken out, on the same faithful image, and it must fail with the rule's
signature (the x509 / unknown time zone / unknown user failure), as a rejected image must.
"""
from __future__ import annotations

import re

SUPPLIED_BY = re.compile(r"gets .+ from the change '(?P<title>.+)'$")
RULES = ("MI154", "MI155", "MI156")
GOFLAGS = re.compile(r"^ENV GOFLAGS=-tags=(?P<tags>\S+)\n", re.MULTILINE)


def supplied(plan: dict) -> list[tuple[str, str]]:
    """(rule id, change title) for each of MI154-MI156 that the plan passed only through a change."""
    out = []
    for j in plan.get("justification", []):
        m = SUPPLIED_BY.search(j.get("conclusion", ""))
        if j.get("rule_id") in RULES and m:
            out.append((j["rule_id"], m.group("title")))
    return out


def change_titled(title: str):
    import kb

    changes = kb.load().knowledge.changes
    found = [c for c in changes.values() if c.title == title]
    if len(found) != 1:
        raise LookupError(f"no single change titled {title!r} in the rule base")
    return found[0]


def without_change(dockerfile: str, change) -> str:
    """The Dockerfile with the lines of ``change`` taken out (its instructions, and its Go build tags from the
    merged ENV GOFLAGS line); raises ValueError if none of them is there (the plan did not apply it)."""
    out = dockerfile
    for step in change.steps:
        if step.instruction:
            out = out.replace(step.instruction + "\n", "")
        if step.go_tags:
            def drop(m: re.Match) -> str:
                tags = [t for t in m.group("tags").split(",") if t not in step.go_tags]
                return f"ENV GOFLAGS=-tags={','.join(tags)}\n" if tags else ""
            out = GOFLAGS.sub(drop, out)
    if out == dockerfile:
        raise ValueError(f"the Dockerfile has no line of the change '{change.title}'")
    return out
