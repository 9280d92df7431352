"""Every rule in rules.yaml carries examples (given answers, expected conclusion); each runs through the real engine."""
import pytest

import kb

RB = kb.load()
CASES = [(rule.id, i, ex) for rule in RB.knowledge.rules.values() if rule.status == "active"
         for i, ex in enumerate(rule.examples)]


@pytest.mark.parametrize("rule_id,index,example", CASES, ids=[f"{r}-{i}" for r, i, _ in CASES])
def test_rule_example(rule_id, index, example):
    answers = {k: v for k, v in example.given.items() if k in RB.knowledge.questions}
    evidence = [kb.Justification(kb.Fact(k, v), "evidence", note="example")
                for k, v in example.given.items() if k not in answers]
    result = RB.consult(answers, evidence)
    for name, value in example.expect.items():
        if name == "best":
            assert result.best is not None, result.no_plan_reason
            assert result.best.final_image == RB.knowledge.image(value).ref
            assert any(r.rule_id == rule_id for r in result.best.justification), \
                f"{rule_id} is not among the reasons for the best plan"
        elif name == "viable":
            plans = [p for p in result.plans if p.final_image == RB.knowledge.image(value).ref]
            assert plans, f"{value} is not viable: {[r.reason for r in result.rejected if r.image == value]}"
            assert any(r.rule_id == rule_id for p in plans for r in p.justification)
        elif name == "rejects":
            assert any(r.image == value and r.rule_id == rule_id for r in result.rejected), \
                f"{rule_id} does not reject {value}"
        else:
            derived = [j for j in result.facts if j.fact.name == name and j.fact.value == value]
            assert derived, f"{name} = {value} was not derived"
            assert any(j.rule_id == rule_id for j in derived), f"{name} = {value} was derived, but not by {rule_id}"


def test_every_active_rule_has_an_example():
    assert all(rule.examples for rule in RB.knowledge.rules.values() if rule.status == "active")
