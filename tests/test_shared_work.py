"""Work shared between consultations (checks per pair, evaluations per planning context, recent results) never
changes an answer: a rule base that has seen thousands of other consultations, one that has seen none, threads and
worker processes all give the same JSON for the same question."""
from __future__ import annotations

import json
import random
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

import kb
from kb import planner as planner_module


def _evidence(libc: str, name: str, *needs: str) -> tuple:
    facts = [("binary_libc", libc), ("binary_name", name), ("binary_arch", "x86_64"), ("binary_platform", "amd64")]
    facts += [("binary_needs", n) for n in needs]
    return tuple(kb.Justification(kb.Fact(k, v), "evidence", note="test") for k, v in facts)


@pytest.fixture(scope="module")
def cases(rb):
    rng = random.Random(13)
    out = [({q.id: rng.choice(q.legal()) for q in rb.questions}, ()) for _ in range(120)]
    # many of these share a planning context and differ in the rules that led there
    out += [({"language": "go", "cgo": "no", "go_net": rng.choice(["yes", "no"]), "tls": rng.choice(["yes", "no"])}, ())
            for _ in range(20)]
    # inspected binaries: the same libc under different names must keep their own names in the Dockerfile
    out += [({"needs_shell": "no"}, _evidence("glibc", "server", "libc.so.6")),
            ({"needs_shell": "no"}, _evidence("glibc", "worker", "libc.so.6")),
            ({}, _evidence("musl", "tool", "libc.musl-x86_64.so.1")),
            ({}, _evidence("none", "static-app"))]
    return out


def _json(result) -> str:
    return json.dumps(result.to_dict(), sort_keys=True)


@pytest.fixture(scope="module")
def reference(rb, cases):
    """Each case on a rule base of its own: nothing shared with any other consultation."""
    return [_json(kb.RuleBase(rb.knowledge).consult(answers, evidence)) for answers, evidence in cases]


def test_a_shared_rule_base_answers_like_a_fresh_one(rb, cases, reference):
    shared = kb.RuleBase(rb.knowledge)
    assert [_json(shared.consult(a, e)) for a, e in cases] == reference
    assert [_json(shared.consult(a, e)) for a, e in reversed(cases)] == reference[::-1]


def test_an_inspected_binary_keeps_its_own_name(rb, cases):
    shared = kb.RuleBase(rb.knowledge)
    for name in ("server", "worker"):
        result = shared.consult({"needs_shell": "no"}, _evidence("glibc", name, "libc.so.6"))
        assert result.plans and all(f"COPY {name} /app" in p.dockerfile for p in result.plans)


def test_threads_on_a_cold_rule_base_answer_like_fresh_ones(rb, cases, reference):
    shared = kb.RuleBase(rb.knowledge)
    with ThreadPoolExecutor(max_workers=8) as pool:
        threaded = list(pool.map(lambda c: _json(shared.consult(*c)), cases * 3))
    assert threaded == reference * 3


def test_worker_processes_answer_like_fresh_rule_bases(rb, cases, reference):
    results = kb.RuleBase(rb.knowledge).consult_many(cases, processes=2)
    assert [_json(r) for r in results] == reference


def test_evaluations_evicted_from_a_small_memo_are_recomputed_the_same(rb, cases, reference, monkeypatch):
    monkeypatch.setattr(planner_module, "OUTCOMES_KEPT", 3)
    monkeypatch.setattr("kb.consult.RESULTS_KEPT", 2)
    shared = kb.RuleBase(rb.knowledge)
    assert [_json(shared.consult(a, e)) for a, e in cases + cases] == reference + reference
    assert len(shared.planner._outcomes) == 3  # as many as it is told to keep, no more


def test_rule_bases_of_the_same_rules_share_one_compiled_ruleset(rb):
    import gc

    from kb import engine

    first = kb.RuleBase(rb.knowledge)
    held = first.engine
    gc.collect()
    before = engine.live_rulesets()
    again = [kb.load() for _ in range(3)]
    assert all(other.engine is held for other in again)
    assert engine.live_rulesets() == before
    layered = kb.load(Path(__file__).parent / "rulefiles" / "my-image.yaml")  # adds inference rule MI901
    assert layered.engine is not held
    assert "caveat=in-house-support" in {j.fact.id for j in layered.consult({"language": "c"}).facts}
    assert "caveat=in-house-support" not in {j.fact.id for j in again[0].consult({"language": "c"}).facts}
