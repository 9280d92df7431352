"""Which questions still matter: a question is worth asking while some rule that tests it can still fire.

Derived facts count as open while some rule that concludes them can still fire, so the analysis looks through
chains of rules. The index of rules by the facts they test and conclude is built once per RuleBase, which holds it,
with the answers of is_relevant by the known values each reads.
"""
from __future__ import annotations

from .model import Condition, Knowledge, Rule


class RuleIndex:
    """Inference rules by the facts they test and the facts they conclude; built once per knowledge base."""

    def __init__(self, kb: Knowledge):
        self.rules = kb.active_rules("infer")
        self.questions = set(kb.questions)
        self.testing: dict[str, list[Rule]] = {}
        self.concluding: dict[str, list[Rule]] = {}
        for rule in self.rules:
            for fact in {c.fact for c in rule.when}:
                self.testing.setdefault(fact, []).append(rule)
            for fact in {n for n, _ in rule.then}:
                self.concluding.setdefault(fact, []).append(rule)
        self._reads: dict[str, tuple[str, ...]] = {}
        self._relevant: dict[tuple, bool] = {}  # is_relevant by the question and the known values it reads

    def reads(self, question: str) -> tuple[str, ...]:
        """Every fact whose known values is_relevant(question) can read: the facts the rules testing the question
        test, and for a derived one, those the rules concluding it test, and so on (computed once)."""
        found = self._reads.get(question)
        if found is None:
            facts: set[str] = set()
            seen: set[str] = set()
            todo = list(self.testing.get(question, ()))
            while todo:
                rule = todo.pop()
                if rule.id not in seen:
                    seen.add(rule.id)
                    for c in rule.when:
                        if c.fact not in facts:
                            facts.add(c.fact)
                            if c.fact not in self.questions:
                                todo += self.concluding.get(c.fact, ())
            found = self._reads[question] = tuple(sorted(facts))
        return found


def _holds(index: RuleIndex, cond: Condition, known: dict[str, set[str]], visiting: frozenset[str]) -> bool | None:
    """True/False if decided; None if it can still become true. Derived facts are open while a rule may derive them."""
    decided = cond.holds(known)
    if decided is not None or cond.fact in index.questions:
        return decided
    if cond.negate:
        return None
    for rule in index.concluding.get(cond.fact, ()):
        if rule.id in visiting:
            continue
        if any(n == cond.fact and (cond.values == ("*",) or v in cond.values) for n, v in rule.then):
            if _alive(index, rule, known, visiting | {rule.id}):
                return None
    return False


def _alive(index: RuleIndex, rule: Rule, known: dict[str, set[str]], visiting: frozenset[str] = frozenset(),
           ignore: str | None = None) -> bool:
    """Can every condition of `rule` still hold, given what is known?"""
    return all(_holds(index, c, known, visiting) is not False for c in rule.when if c.fact != ignore)


def waiting_rules(index: RuleIndex, question: str, known: dict[str, set[str]]) -> list[Rule]:
    """Rules with a condition on `question` whose other conditions can all still hold."""
    return [r for r in index.testing.get(question, ()) if _alive(index, r, known, frozenset({r.id}), ignore=question)]


RELEVANCE_KEPT = 65536  # answers of is_relevant a RuleIndex keeps (each a short key)


def is_relevant(index: RuleIndex, question: str, known: dict[str, set[str]]) -> bool:
    """Whether some rule testing `question` can still fire. It depends only on the known values of
    index.reads(question), so an answer is reused for every `known` that agrees on those."""
    key = (question, *(frozenset(known[f]) if f in known else None for f in index.reads(question)))
    relevant = index._relevant.get(key)
    if relevant is None:
        relevant = bool(waiting_rules(index, question, known))
        if len(index._relevant) >= RELEVANCE_KEPT:
            index._relevant.clear()
        index._relevant[key] = relevant
    return relevant
