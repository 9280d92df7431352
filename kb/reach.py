"""Which inference rules can fire, worked out from the rules alone (no durable-rules): the rules a consultation's
facts can reach (a one-shot command compiles only those) and the rules one fact's values leave (the rulesets kb.consult
partitions consultations by). kb.engine compiles and runs them, and re-exports these."""
from __future__ import annotations

from collections.abc import Iterable

from .model import Condition, Fact, Rule


def _active(rules: Iterable[Rule]) -> list[Rule]:
    return [r for r in rules if r.kind == "infer" and r.status == "active"]


def reachable(rules: Iterable[Rule], facts: Iterable[Fact]) -> list[Rule]:
    """The rules that can fire from `facts`, in their order: those whose every condition is met by a fact given or
    concluded by another rule that can fire (a fixpoint). No rule here depends on a fact's absence (P5), so what can
    fire only grows, and a ruleset of these rules derives exactly what the whole ruleset derives, in the same order
    (tests/test_engine_reachable.py). Compiling a few rules instead of all is what a one-shot consultation saves."""
    rules = _active(rules)
    known: dict[str, set[str]] = {}
    for f in facts:
        known.setdefault(f.name, set()).add(f.value)
    live: set[str] = set()
    grew = True
    while grew:
        grew = False
        for rule in rules:
            if rule.id not in live and all(_can_hold(c, known.get(c.fact)) for c in rule.when):
                live.add(rule.id)
                grew = True
                for name, value in rule.then:
                    known.setdefault(name, set()).add(value)
    return [r for r in rules if r.id in live]


def partition_fact(rules: Iterable[Rule]) -> str | None:
    """The fact the most active inference rules test (ties: the first name in order), None without rules: the
    fact whose values partition() splits the rules by."""
    counts: dict[str, int] = {}
    for rule in _active(rules):
        for name in {c.fact for c in rule.when}:
            counts[name] = counts.get(name, 0) + 1
    return min(counts, key=lambda name: (-counts[name], name), default=None)


def partition(rules: Iterable[Rule], name: str, values: Iterable[str]) -> list[Rule]:
    """The rules that can fire in a consultation whose fact `name` holds `values`, whatever it holds of every
    other fact: those whose conditions on `name` can be met by `values` or by what such rules conclude for it (a
    fixpoint; every other condition is taken to hold). A superset of reachable() for any such consultation, so its
    ruleset derives what the whole ruleset derives, in the same order; and a session of fewer rules costs less
    (P12), whatever the other facts."""
    rules = _active(rules)
    known = set(values)
    live: set[str] = set()
    grew = True
    while grew:
        grew = False
        for rule in rules:
            if rule.id not in live and all(c.fact != name or _can_hold(c, known) for c in rule.when):
                live.add(rule.id)
                grew = True
                known.update(value for fact, value in rule.then if fact == name)
    return [r for r in rules if r.id in live]


def _can_hold(cond: Condition, values: set[str] | None) -> bool:
    """Whether some known value of the condition's fact meets it (compile_condition's test, on sets)."""
    if not values:
        return False
    if cond.values == ("*",):
        return True
    if cond.negate:
        return not values <= set(cond.values)
    return not values.isdisjoint(cond.values)
