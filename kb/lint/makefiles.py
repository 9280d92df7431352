"""What `make [TARGET...]` runs, read from the build context's Makefile: the recipe lines of the goals (and of the
prerequisites that are targets of the same Makefile), with the Makefile's variables expanded, so the RUN walk can
see the `go build`, `cargo build` and `gcc` commands a Dockerfile hides behind make.

Only plain GNU make is read: `VAR = / := / ?= / += value`, `target: prerequisites`, tab-indented recipes,
.DEFAULT_GOAL. Conditionals, includes, pattern rules and functions other than a literal value are not evaluated: a
$(shell ...) or $(wildcard ...) expands to "*" (unknown). Linear in the Makefile's size; bounded depth.
"""
from __future__ import annotations

import re

_ASSIGN = re.compile(r"^(?:export\s+|override\s+)?([A-Za-z_.][A-Za-z0-9_.-]*)\s*(:{1,3}=|\?=|\+=|=)\s*(.*)$")
_RULE = re.compile(r"^([^\t#=:][^=:]*?)\s*::?(?!=)\s*(.*)$")
_REF = re.compile(r"\$\(([^()$]*)\)|\$\{([^{}$]*)\}|\$([A-Za-z@<^])")
MAX_DEPTH = 4
MAX_LINES = 4000


def _expand(text: str, variables: dict[str, str], depth: int = 0) -> str:
    if depth > 8 or "$" not in text:
        return text.replace("$$", "$")

    def one(m: re.Match) -> str:
        name = m.group(1) or m.group(2) or m.group(3) or ""
        if " " in name or name in ("@", "<", "^"):
            return "*"  # a function ($(shell ...), $(wildcard ...)) or an automatic variable: not evaluated
        return _expand(variables.get(name, ""), variables, depth + 1)

    return _REF.sub(one, text.replace("$$", "\0")).replace("\0", "$")


def parse(text: str) -> tuple[dict[str, str], dict[str, tuple[list[str], list[str]]], str | None]:
    """(variables, rules: target -> (prerequisites, recipe lines), the default goal)."""
    variables: dict[str, str] = {}
    rules: dict[str, tuple[list[str], list[str]]] = {}
    first = None
    current: list[str] | None = None
    lines = text.replace("\\\n", " ").splitlines()[:MAX_LINES]
    for raw in lines:
        if raw.startswith("\t"):
            if current is not None:
                current.append(raw[1:].strip())
            continue
        line = raw.split("#", 1)[0].rstrip()
        if not line.strip():
            continue
        current = None
        m = _ASSIGN.match(line.strip())
        if m:
            name, op, value = m.groups()
            if op == "?=" and name in variables:
                continue
            if op == "+=":
                value = (variables.get(name, "") + " " + value).strip()
            elif op in (":=", "::=", ":::="):
                value = _expand(value, variables)
            variables[name] = value
            continue
        m = _RULE.match(line)
        if m:
            targets, prereqs = m.groups()
            recipe_inline = ""
            if ";" in prereqs:
                prereqs, recipe_inline = prereqs.split(";", 1)
            current = [recipe_inline.strip()] if recipe_inline.strip() else []
            for target in _expand(targets, variables).split():
                if target == ".DEFAULT_GOAL":
                    continue
                rules[target] = (prereqs.split(), current)
                if first is None and not target.startswith("."):
                    first = target
    goal = variables.get(".DEFAULT_GOAL")
    return variables, rules, (_expand(goal, variables).strip() if goal else first)


def recipes(text: str, goals: list[str], overrides: dict[str, str]) -> list[str]:
    """The recipe lines `make GOALS` runs (variables expanded, @ - + prefixes dropped), in order."""
    variables, rules, default = parse(text)
    variables.update(overrides)
    out: list[str] = []
    seen: set[str] = set()

    def run(target: str, depth: int) -> None:
        if target in seen or depth > MAX_DEPTH or target not in rules:
            return
        seen.add(target)
        prereqs, lines = rules[target]
        for p in prereqs:
            for name in _expand(p, variables).split():
                run(name, depth + 1)
        for line in lines:
            out.append(_expand(line.lstrip("@-+ "), variables))

    for goal in goals or ([default] if default else []):
        run(goal, 0)
    return out
