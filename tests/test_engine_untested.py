"""kb.engine.Engine.run asserts only the facts some condition of its rules matches (issue 13): any other fact could
match only the absorber, which never fires, so leaving it out changes neither what fires nor the order. These tests
compare with an engine of the same rules that asserts every fact, and fail if the facts kept miss one a condition
matches (a name, a value, a negated condition's other values)."""
import json
import random

import pytest

import kb
from kb import engine as engine_module
from kb.engine import Engine
from kb.model import Fact


def _asserting_everything(rules) -> Engine:
    return Engine(rules, every_fact=True)


@pytest.fixture(scope="module")
def fact_sets(rb):
    rng = random.Random(21)
    out = []
    for _ in range(300):
        answers = {q.id: rng.choice(q.legal()) for q in rb.questions if rng.random() < 0.8}
        out.append([Fact(k, v) for k, v in rb.effective(answers)[0].items()])
    # evidence, facts no rule tests, a fact given twice, and derived facts given as input
    out += [[Fact("binary_libc", "glibc"), Fact("binary_name", "server"), Fact("binary_needs", "libc.so.6"),
             Fact("binary_arch", "x86_64"), Fact("binary_platform", "amd64"), Fact("needs_shell", "no")],
            [Fact("language", "go"), Fact("cgo", "no"), Fact("unheard_of", "x"), Fact("language", "go")],
            [Fact("language", "c"), Fact("strategy", "c-static-musl"), Fact("needs", "tzdata")],
            [Fact("unheard_of", "x")], []]
    return out


def test_the_whole_ruleset_derives_the_same_trail_without_untested_facts(rb, fact_sets):
    rules = list(rb.knowledge.rules.values())
    kept, every = Engine(rules), _asserting_everything(rules)
    assert "language" in kept._tested and "binary_name" not in kept._tested  # the facts the rules test
    assert any(c.negate for conds in kept._tested.values() for c in conds)  # negated conditions are covered
    for facts in fact_sets:
        assert kept.run(facts) == every.run(facts), facts


def test_a_partition_derives_the_same_trail_without_untested_facts(rb, fact_sets):
    rules = list(rb.knowledge.rules.values())
    for language in ("go", "python", "c"):
        part = engine_module.partition(rules, "language", {language})
        kept, every = Engine(part), _asserting_everything(part)
        for facts in fact_sets:
            assert kept.run(facts) == every.run(facts), facts


def test_only_tested_facts_reach_durable_rules(rb, monkeypatch):
    sent, derived = [], []
    c_engine = engine_module._c_engine()
    real, real_one = c_engine.assert_facts, c_engine.assert_fact

    def spy(handle, batch):
        sent.append(batch)
        return real(handle, batch)

    def spy_one(handle, fact):
        derived.append(fact)
        return real_one(handle, fact)

    monkeypatch.setattr(c_engine, "assert_facts", spy)
    monkeypatch.setattr(c_engine, "assert_fact", spy_one)
    engine = Engine(list(rb.knowledge.rules.values()))  # its actions take assert_fact when made
    rules = list(rb.knowledge.rules.values())
    tested = {(c.fact, v) for r in rules for c in r.when if not c.negate for v in c.values}
    untested = next(f"{q.id}={v}" for q in rb.questions for v in q.choices
                    if (q.id, v) not in tested and not any(c.fact == q.id and (c.negate or c.values == ("*",))
                                                           for r in rules for c in r.when))
    name, value = untested.split("=")
    trail = engine.run([Fact("language", "go"), Fact("cgo", "no"), Fact("unheard_of", "x"), Fact(name, value)])
    assert trail and len(sent) == 1
    assert '"language"' in sent[0] and "unheard_of" not in sent[0] and f'"{untested}"' not in sent[0]
    # a conclusion no condition matches is on the trail but not asserted: most are (strategy, caveat, ...)
    assert len(derived) < len(trail)
    matched = {j.fact.id for j in trail if engine._matched(j.fact)}
    assert {json.loads(d)["id"] for d in derived} == matched
    # a fact no rule tests is still checked: a value that is not text fails as it always did
    with pytest.raises(TypeError):
        engine.run([Fact("language", "go"), Fact("unheard_of", 3)])


def test_consultations_keep_the_facts_no_rule_tests(rb):
    result = kb.RuleBase(rb.knowledge).consult({"language": "go", "cgo": "no", "platform": "arm64"})
    assert "platform=arm64" in {j.fact.id for j in result.facts}
