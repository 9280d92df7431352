"""Which questions still matter: a question is worth asking while some rule that tests it can still fire.

Derived facts count as open while some rule that concludes them can still fire, so the analysis looks through
chains of rules. The index of rules by the facts they test and conclude is built once per RuleBase, which holds it,
with the answers of is_relevant by the known values each reads.
"""
from __future__ import annotations

from collections.abc import Iterable

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
        # still_relevant(): the question most rules test, and by its known values what _compiled() gives
        tested = {q: len(self.testing[q]) for q in self.questions if q in self.testing}
        self._split = min(tested, key=lambda q: (-tested[q], q), default=None)
        self._deriving: dict[frozenset[str], tuple[list, dict[str, list]]] = {}

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


def _compiled(index: RuleIndex, known: dict[str, set[str]]) -> tuple[list, dict[str, list]]:
    """For derivable() and still_relevant(), remembered by the known values of the index's most tested question:
    the rules whose conditions on it can hold (all of them where the fact tested is that question, whose conditions
    still_relevant ignores), each condition as (fact, its values or None for any, negated), less those on that
    question, which hold or are ignored: (the rules that conclude facts no question asks, each as (conditions,
    those conclusions)), and fact -> (the conditions of each rule testing it, less those on the fact itself)."""
    split = index._split
    values = frozenset(known.get(split) or ())
    found = index._deriving.get(values)
    if found is None:
        deriving, testing = [], {}
        for rule in index.rules:
            conds = tuple((c.fact, None if c.values == _ANY else frozenset(c.values), c.negate)
                          for c in rule.when if c.fact != split)
            splits = all(c.holds(known) is not False for c in rule.when if c.fact == split)
            if splits and (derives := tuple(t for t in rule.then if t[0] not in index.questions)):
                deriving.append((conds, derives))
            for fact in dict.fromkeys(c.fact for c in rule.when):
                if splits or fact == split:
                    testing.setdefault(fact, []).append(tuple(c for c in conds if c[0] != fact))
        found = index._deriving[values] = (deriving, testing)
    return found


def derivable(index: RuleIndex, known: dict[str, set[str]]) -> dict[str, set[str]]:
    """The values that rules can still conclude for the facts that are neither questions nor known: the least
    fixpoint of the rules whose every condition can still hold (a known fact's decided by its known values, an open
    question's and a negated one's open, a derived fact's by a value found so far). It is what _holds() finds by
    walking back through the rules each path visits once: a derivation in which a rule repeats on a path has a
    shorter one without, and the rules a fixpoint fires first never need a rule that fires later."""
    questions = index.questions
    pending = []
    for conds, derives in _compiled(index, known)[0]:
        waits = []
        for fact, values, negate in conds:
            have = known.get(fact)
            if have:
                if values is not None and have.isdisjoint(values) != negate:
                    break  # decided: it does not hold
            elif fact not in questions and not negate:
                waits.append((fact, values))
        else:
            pending.append((waits, derives))
    derived: dict[str, set[str]] = {}
    grew = True
    while grew:
        grew = False
        waiting = []
        for entry in pending:
            for fact, values in entry[0]:
                have = derived.get(fact)
                if not have or (values is not None and have.isdisjoint(values)):
                    waiting.append(entry)
                    break
            else:
                grew = True
                for name, value in entry[1]:
                    if not known.get(name):
                        derived.setdefault(name, set()).add(value)
        pending = waiting
    return derived


_ANY = ("*",)


def still_relevant(index: RuleIndex, facts: Iterable[str], known: dict[str, set[str]]) -> set[str]:
    """Those of `facts` that is_relevant() finds relevant, decided together from one derivable(): a rule testing
    the fact whose every other condition can still hold (tests/test_relevance_batch.py)."""
    questions, testing, derived, out = index.questions, _compiled(index, known)[1], None, set()
    for fact in facts:
        for conds in testing.get(fact, ()):
            for name, values, negate in conds:
                have = known.get(name)
                if have:
                    if values is not None and have.isdisjoint(values) != negate:
                        break
                elif name not in questions and not negate:
                    if derived is None:
                        derived = derivable(index, known)
                    have = derived.get(name)
                    if not have or (values is not None and have.isdisjoint(values)):
                        break
            else:
                out.add(fact)
                break
    return out


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
