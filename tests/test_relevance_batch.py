"""Which answers change nothing, decided for all of a consultation's answers at once (kb/relevance.py:
still_relevant, one least fixpoint of what rules can still derive) says exactly what is_relevant says one question at
a time, walking back through the rules: on the shipped rules and on a user's layer whose rules conclude each other."""
import random
from pathlib import Path

import pytest

import kb
from kb.model import Condition, Knowledge, Question, Rule
from kb.relevance import RuleIndex, is_relevant, still_relevant


def _knowns(index: RuleIndex, knowledge, count: int, seed: int):
    """Known values of every shape: questions answered or open (the most tested one too), derived facts shown as
    evidence, sometimes with two values."""
    rng = random.Random(seed)
    derived = {n: sorted({v for r in index.concluding.get(n, ()) for k, v in r.then if k == n})
               for n in index.concluding}
    pool = {**{q.id: list(q.choices) for q in knowledge.questions.values()},
            **{n: vs for n, vs in derived.items() if vs and n not in knowledge.questions}}
    for _ in range(count):
        share = rng.random()
        yield {n: set(rng.sample(vs, min(len(vs), rng.choice((1, 1, 1, 2))))) for n, vs in pool.items()
               if rng.random() < share}


@pytest.mark.parametrize("layer", [None, "loop.yaml"])
def test_all_answers_at_once_agree_with_one_question_at_a_time(layer):
    rb = kb.load(str(Path(__file__).parent / "rulefiles" / layer), cache=False) if layer else kb.load()
    knowledge = rb.knowledge
    batch = RuleIndex(knowledge)  # one index for every known: its remembered tables must never leak between them
    questions = list(knowledge.questions)
    seen_both = set()
    for known in _knowns(batch, knowledge, 600, seed=11):
        expected = {q for q in questions if is_relevant(RuleIndex(knowledge), q, known)}
        assert still_relevant(batch, questions, known) == expected, known
        seen_both.add(len(expected) == len(questions))
    assert seen_both == {True, False}  # the cases reach both answers


def test_a_consultation_warns_of_exactly_the_answers_no_rule_can_use():
    rb = kb.load()
    result = rb.consult({"language": "go", "cgo": "no", "python_version": "3.13", "tls": "yes"})
    ignored = [w.split(" = ")[0] for w in result.warnings if "changes nothing" in w]
    assert ignored == ["python_version"]


def _random_knowledge(rng: random.Random) -> Knowledge:
    """A small random rule set: conditions on questions and on derived facts (negated, any value, several values),
    rules that conclude each other's facts in any order and in loops, sometimes two conclusions."""
    questions = {f"q{i}": Question(f"q{i}", "?", {"a": "", "b": "", "c": ""}, {}, None, "") for i in range(4)}
    facts = {**{q: ["a", "b", "c"] for q in questions}, **{f"d{i}": ["x", "y"] for i in range(5)}}
    rules = {}
    for n in range(rng.randint(3, 14)):
        when = []
        for fact in rng.sample(sorted(facts), rng.randint(1, 3)):
            kind = rng.random()
            values = ("*",) if kind < 0.15 else tuple(rng.sample(facts[fact], rng.randint(1, 2)))
            when.append(Condition(fact, values, negate=values != ("*",) and kind > 0.8))
        then = tuple((d, rng.choice(facts[d])) for d in rng.sample([f for f in facts if f.startswith("d")],
                                                                     rng.choice((1, 1, 2))))
        rules[f"R{n}"] = Rule(f"R{n}", f"r{n}", "infer", tuple(when), then, "", "", ())
    return Knowledge(questions=questions, rules=rules)


def test_random_rule_sets_agree_with_one_question_at_a_time():
    rng = random.Random(7)
    for _ in range(300):
        knowledge = _random_knowledge(rng)
        batch = RuleIndex(knowledge)
        facts = sorted({c.fact for r in knowledge.rules.values() for c in r.when} | set(knowledge.questions))
        pool = {f: ["a", "b", "c"] if f.startswith("q") else ["x", "y"] for f in facts}
        for _ in range(30):
            known = {f: set(rng.sample(vs, rng.choice((1, 1, 2)))) for f, vs in pool.items() if rng.random() < 0.4}
            expected = {q for q in facts if is_relevant(RuleIndex(knowledge), q, known)}
            assert still_relevant(batch, facts, known) == expected, (known, knowledge.rules)
