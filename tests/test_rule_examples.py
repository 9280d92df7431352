"""Every inference rule and planner check carries examples: what it concludes from given facts (`expect`) and what it
must not conclude (`expect_not`); each runs through the real engine. (The loader already refuses a rule without both.)
"""
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
    if example.negative:
        return check_negative(rule_id, example, result)
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


def check_negative(rule_id, example, result):
    for name, value in example.expect.items():
        if name == "rejects":
            ref = RB.knowledge.image(value).ref
            evaluated = {p.final_image for p in result.plans} | {r.image for r in result.rejected}
            assert ref in evaluated, f"{ref} was not compared at all: the example shows nothing"
            assert not any(r.image == ref and r.rule_id == rule_id for r in result.rejected), \
                f"{rule_id} rejects {ref}: {[r.reason for r in result.rejected if r.image == ref]}"
        else:
            assert not any(j.rule_id == rule_id and j.fact.name == name and j.fact.value == value
                           for j in result.facts), f"{rule_id} concluded {name} = {value}"


def test_every_check_rule_has_a_registered_detector():
    from kb.detectors import DETECTORS

    checks = {r.check for r in RB.knowledge.active_rules("check")}
    assert checks == set(DETECTORS["check"])
