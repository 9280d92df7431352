"""Explanations: `why` a question is asked and `how` a conclusion was reached, as data (shell/render.py draws them).

Imported only when an explanation is asked for: consultations themselves do not need it.
"""
from __future__ import annotations

from .errors import UnknownFact
from .model import Data, Fact, Justification, Knowledge, Result, record
from .relevance import RuleIndex, waiting_rules


@record
class HowNode(Data):
    """`how`: a fact, how it came to hold, and the same for each premise, down to the answers."""

    fact: Fact
    source: str
    rule_id: str | None = None
    rule_name: str = ""
    summary: str = ""
    sources: tuple[str, ...] = ()
    note: str = ""
    premises: tuple["HowNode", ...] = ()


@record
class WaitingRule(Data):
    rule_id: str
    name: str
    known: tuple[str, ...]
    missing: tuple[str, ...]
    concludes: tuple[str, ...]
    summary: str


@record
class WhyAnswer(Data):
    """`why` at a question: the rules that wait on its answer, what they know, what they would conclude."""

    question: str
    text: str
    rules: tuple[WaitingRule, ...] = ()



def explain_why(kb: Knowledge, index: RuleIndex, question: str, known: dict[str, set[str]]) -> WhyAnswer:
    rules = []
    for rule in waiting_rules(index, question, known):
        held = [c.describe() for c in rule.when if c.fact != question and c.holds(known)]
        missing = [c.describe() for c in rule.when if c.fact == question or c.holds(known) is None]
        rules.append(WaitingRule(rule.id, rule.name, tuple(held), tuple(missing),
                                 tuple(f"{n} = {v}" for n, v in rule.then), rule.summary))
    return WhyAnswer(question=question, text=kb.questions[question].text, rules=tuple(rules))


def _node(kb: Knowledge, fact: Fact, by_fact: dict[str, list[Justification]], seen: frozenset[str]) -> HowNode:
    justs = by_fact.get(fact.id)
    if not justs:
        return HowNode(fact=fact, source="unknown")
    j = justs[0]
    if j.source != "rule" or fact.id in seen:
        return HowNode(fact=fact, source=j.source, note=j.note)
    rule = kb.rules[j.rule_id]
    return HowNode(fact=fact, source="rule", rule_id=rule.id, rule_name=rule.name, summary=rule.summary,
                   sources=rule.sources,
                   premises=tuple(_node(kb, p, by_fact, seen | {fact.id}) for p in j.premises))


def explain_how(kb: Knowledge, result: Result, target: str) -> list[HowNode]:
    """`target` is a fact (`strategy`), a fact with its value (`needs=tzdata`), or an image (`alpine:3.24`)."""
    by_fact: dict[str, list[Justification]] = {}
    for j in result.facts:
        by_fact.setdefault(j.fact.id, []).append(j)
    target = target.strip()
    image = kb.image(target)
    if image is not None:
        return _explain_image(kb, result, image.ref, by_fact)
    if "=" in target:
        name, value = (part.strip() for part in target.split("=", 1))
        facts = [Fact(name, value)] if f"{name}={value}" in by_fact else []
    else:
        facts = sorted({j.fact for j in result.facts if j.fact.name == target}, key=lambda f: f.value)
    if not facts:
        names = sorted({j.fact.name for j in result.facts})
        raise UnknownFact(target, names + ["an image, such as " + (result.best.final_image if result.best
                                                                    else "scratch")])
    return [_node(kb, f, by_fact, frozenset()) for f in facts]


def _explain_image(kb: Knowledge, result: Result, ref: str, by_fact: dict) -> list[HowNode]:
    nodes = []
    for plan in result.plans:
        if plan.final_image == ref:
            premises = [_node(kb, Fact("strategy", plan.strategy), by_fact, frozenset())]
            premises += [HowNode(fact=Fact("check", r.rule_id), source="check", rule_id=r.rule_id, rule_name=r.name,
                                 summary=r.summary, sources=r.sources, note=r.conclusion)
                         for r in plan.justification if kb.rules[r.rule_id].kind == "check"]
            nodes.append(HowNode(fact=Fact("plan", f"{plan.rank}: {ref}"), source="plan", note=plan.strategy_title,
                                 premises=tuple(premises)))
    for rej in result.rejected:
        if rej.image == ref:
            rule = kb.rules[rej.rule_id]
            nodes.append(HowNode(fact=Fact("rejected", f"{ref} for {rej.strategy}"), source="check",
                                 rule_id=rule.id, rule_name=rule.name, summary=rule.summary, sources=rule.sources,
                                 note=rej.reason))
    if not nodes:
        nodes.append(HowNode(fact=Fact("image", ref), source="catalogue",
                             note="no strategy for this program was compared with it"))
    return nodes
