"""Which questions still matter, remembered (kb/relevance.py: is_relevant by the known values it reads): a rule
base that has answered many conversations asks exactly what a fresh one asks, for partial answers and evidence."""
import random
from pathlib import Path

import kb
from kb.model import Fact, Justification
from kb.relevance import RuleIndex, is_relevant


def _partial_cases(rb, count, seed):
    """Answer sets of every size: each question answered or not, with any of its choices."""
    rng = random.Random(seed)
    cases = []
    for _ in range(count):
        answered = [q for q in rb.questions if rng.random() < rng.random()]
        cases.append({q.id: rng.choice(list(q.choices)) for q in answered})
    return cases


def test_a_warm_rule_base_asks_what_a_fresh_one_asks():
    knowledge = kb.load().knowledge
    warm = kb.RuleBase(knowledge)
    cases = _partial_cases(warm, 400, seed=3)
    for answers in cases:  # fill its memo with every kind of partial conversation first
        warm.open_questions(answers)
    for answers in cases:
        fresh = kb.RuleBase(knowledge)
        assert [q.id for q in warm.open_questions(answers)] == [q.id for q in fresh.open_questions(answers)], answers


def test_every_answer_of_the_memo_is_the_one_computed_afresh():
    """For every question and known values drawn from the answers and derived facts' values: the remembered answer
    equals a fresh index's, so what `reads` leaves out of the key never changes the answer."""
    knowledge = kb.load().knowledge
    index = RuleIndex(knowledge)
    rng = random.Random(5)
    derived = {n: sorted({v for r in index.concluding.get(n, ()) for k, v in r.then if k == n})
               for n in index.concluding}
    choices = {q.id: list(q.choices) for q in knowledge.questions.values()}
    pool = {**choices, **{n: vs for n, vs in derived.items() if vs}}
    for _ in range(3000):
        known = {n: {rng.choice(vs)} for n, vs in pool.items() if rng.random() < 0.3}
        for question in choices:
            assert is_relevant(index, question, known) == is_relevant(RuleIndex(knowledge), question, known), \
                (question, known)


def test_evidence_counts_like_answers_for_what_is_still_open():
    rb = kb.load()
    shown = [Justification(Fact("language", "go"), "evidence", note="a binary"),
             Justification(Fact("cgo", "no"), "evidence", note="a binary")]
    open_now = [q.id for q in rb.open_questions({}, shown)]
    assert "language" not in open_now and "cgo" not in open_now
    assert open_now == [q.id for q in kb.RuleBase(rb.knowledge).open_questions({"language": "go", "cgo": "no"})]


def test_rules_that_conclude_each_others_facts_are_looked_through_once():
    """tests/rulefiles/loop.yaml: loop_a and loop_b conclude each other; whether fips or healthcheck still matters
    walks the loop once (each rule once per path) and ends."""
    rb = kb.load(str(Path(__file__).parent / "rulefiles" / "loop.yaml"), cache=False)
    for answers in ({"language": "rust"}, {"language": "go"}, {"language": "rust", "healthcheck": "no"}, {}):
        asked = [q.id for q in rb.open_questions(answers)]
        assert "fips" in asked and (("healthcheck" in asked) == ("healthcheck" not in answers))
    assert rb.consult({"language": "rust", "healthcheck": "yes", "fips": "no"}).facts
