"""The warnings of a consultation: answers that are never silently set aside (kb.consult's RuleBase.warnings)."""
from __future__ import annotations

from collections.abc import Iterable, Mapping

from .model import UNKNOWN, Justification, Knowledge
from .relevance import RuleIndex, still_relevant

PLANNER_FACTS = ("platform", "native_libs")  # answers the planner reads directly (MI158; the libraries of MI152)


def warnings(knowledge: Knowledge, index: RuleIndex, answers: Mapping[str, str], evidence: tuple[Justification, ...],
             trail: Iterable[Justification], known: dict[str, set[str]]) -> tuple[str, ...]:
    """One answer that overrides what evidence showed (the answer wins, and both are named), and one that no rule can
    use with the other answers (it changes nothing). `known` is what held before inference (the consultation's
    answers and evidence, as RuleBase.known() gives them)."""
    out = []
    given = {f: v for f, v in answers.items() if v != UNKNOWN}
    shown_by_fact: dict[str, set[tuple[str, str]]] = {}
    for j in evidence:
        if j.fact.name in given and j.fact.value != given[j.fact.name]:
            shown_by_fact.setdefault(j.fact.name, set()).add((j.fact.value, j.note))
    for fact, value in given.items() if shown_by_fact else ():
        for other, note in sorted(shown_by_fact.get(fact, ())):
            out.append(f"your answer {fact} = {value} overrides {fact} = {other} shown by {note}; the plans "
                       "follow your answer")
    arches = sorted({j.fact.value for j in evidence if j.fact.name == "binary_arch"})
    if arches and not any(j.fact.name == "binary_platform" for j in evidence):
        target = given.get("platform") or knowledge.questions["platform"].if_unknown + " (assumed)"
        out.append(f"the inspected binary is built for {', '.join(arches)}, a CPU minimage-ask does not plan for: "
                   f"it is not offered as it is, and plans that rebuild it are for linux/{target}")
    used = {p.name for j in trail for p in j.premises}  # a premise of a rule that fired: relevant, no need to ask
    unused = [fact for fact in given if fact not in PLANNER_FACTS and fact not in used]
    relevant = still_relevant(index, unused, known) if unused else ()
    context = f"language = {given['language']}" if "language" in given else "these answers"
    for fact in unused:
        if fact not in relevant:
            out.append(f"{fact} = {given[fact]} changes nothing with {context}: no rule uses it, so it is ignored")
    return tuple(out)
