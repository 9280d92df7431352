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
from kb import planmemo
from kb import planner as planner_module
from kb.checks import context
from kb.model import Rejection
from kb.session import by_name


def _evidence(libc: str, name: str, *needs: str) -> tuple:
    facts = [("binary_libc", libc), ("binary_name", name), ("binary_arch", "x86_64"), ("binary_platform", "amd64")]
    facts += [("binary_needs", n) for n in needs]
    return tuple(kb.Justification(kb.Fact(k, v), "evidence", note="test") for k, v in facts)


@pytest.fixture(scope="module")
def cases(rb):
    rng = random.Random(13)
    out = [({q.id: rng.choice(q.legal()) for q in rb.questions}, ()) for _ in range(120)]
    # every question answered, as a batch of different programs would be (no `unknown`: the planner sees them all)
    out += [({q.id: rng.choice(list(q.choices)) for q in rb.questions}, ()) for _ in range(150)]
    # some questions left open, so relevance decides what counts as unknown
    out += [({q.id: rng.choice(q.legal()) for q in rb.questions if rng.random() < 0.5}, ()) for _ in range(60)]
    # many of these share a planning context and differ in the rules that led there
    out += [({"language": "go", "cgo": "no", "go_net": rng.choice(["yes", "no"]), "tls": rng.choice(["yes", "no"])}, ())
            for _ in range(20)]
    # inspected binaries: the same libc under different names must keep their own names in the Dockerfile
    out += [({"needs_shell": "no"}, _evidence("glibc", "server", "libc.so.6")),
            ({"needs_shell": "no"}, _evidence("glibc", "worker", "libc.so.6")),
            ({}, _evidence("musl", "tool", "libc.musl-x86_64.so.1")),
            ({}, _evidence("none", "static-app")),
            ({"platform": "arm64"}, _evidence("glibc", "server", "libc.so.6", "libssl.so.3")),
            ({"platform": "amd64", "needs_shell": "yes"}, _evidence("glibc", "server", "libc.so.6"))]
    return out


def _json(result) -> str:
    return json.dumps(result.to_dict(), sort_keys=True)


@pytest.fixture(scope="module")
def reference(rb, cases):
    """Each case on a rule base of its own, of a knowledge object of its own (kb.planmemo.derived shares what
    planners derive from one object): nothing shared with any other consultation but the compiled rules."""
    return [_json(kb.RuleBase(rb.knowledge.replace()).consult(answers, evidence)) for answers, evidence in cases]


def test_a_shared_rule_base_answers_like_a_fresh_one(rb, cases, reference):
    shared = kb.RuleBase(rb.knowledge)
    assert [_json(shared.consult(a, e)) for a, e in cases] == reference
    assert [_json(shared.consult(a, e)) for a, e in reversed(cases)] == reference[::-1]


def test_judging_chosen_images_answers_like_a_fresh_rule_base(rb, cases):
    """Session.judge plans on images the user names (deprecated ones too), past the planner's memo of the
    catalogue's candidates: a rule base that has planned everything before judges like one that has not."""
    rng = random.Random(5)
    refs = sorted(rb.knowledge.images)
    chosen = [(answers, evidence, rng.sample(refs, 6)) for answers, evidence in cases[::7]]
    fresh = [_json(kb.RuleBase(rb.knowledge).session(a, evidence=e).judge(images)) for a, e, images in chosen]
    shared = kb.RuleBase(rb.knowledge)
    for answers, evidence in cases:
        shared.consult(answers, evidence)
    assert [_json(shared.session(a, evidence=e).judge(images)) for a, e, images in chosen] == fresh
    assert any(json.loads(one)["plans"] for one in fresh) and any(json.loads(one)["rejected"] for one in fresh)


def _every_pair(planner, known, trail, images):
    """Planning without what the planner shares: Planner.evaluate on every (strategy, image) pair, in order, every
    check run (none shared by what it reads), the viable ones ranked by size as the planner documents it."""
    ctx = context(planner.kb, known)
    plans, rejections = [], []
    for sid in sorted(known.get("strategy", ())):
        for image in images:
            outcome = planner.evaluate(planner.kb.strategies[sid], image, ctx)
            if isinstance(outcome, Rejection):
                rejections.append(outcome)
            elif outcome is not None:
                plans.append(outcome)
    plans.sort(key=lambda o: (planner.rank_size(o[0]), len(o[0].caveats), len(o[0].changes), o[0].final_image,
                              o[0].strategy))
    chains = planner_module._Chains(planner.kb, trail)
    return [planner.justify(plan, planner.basis(plan, used, applied), chains, rank)
            for rank, (plan, used, applied) in enumerate(plans, 1)], rejections


def test_planning_gives_what_every_pair_evaluated_in_turn_gives(rb, cases, monkeypatch):
    """The planner's shortcuts (the candidates of each strategy, evaluations shared by planning contexts) leave
    the plans, their order, their justifications and the rejections exactly as evaluating every pair gives them."""
    shared = kb.RuleBase(rb.knowledge)
    deprecated = [i for i in rb.knowledge.images.values() if i.deprecated][:2]
    seen = 0
    for answers, evidence in cases + cases:
        result = shared.consult(answers, evidence)
        known = by_name(result.facts)
        trail = [j for j in result.facts if j.source == "rule"]
        planner = shared.planner
        for images in (None, planner.images[::3] + deprecated):
            with monkeypatch.context() as m:
                m.setattr(planmemo, "CONTEXT_READS", {})
                expected = _every_pair(kb.RuleBase(rb.knowledge).planner, known, trail, images or planner.images)
            assert planner.plan(known, trail, images) == expected, answers
            seen += bool(expected[0]) and bool(expected[1])
    assert seen > len(cases)  # plans and rejections both, in most cases


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


def test_a_dropped_rule_base_frees_what_its_planner_shares_without_the_cycle_collector(rb, cases):
    """What a planner keeps (plans, rejections, checks' outcomes) is freed with its rule base by reference counting:
    a one-shot command runs with the cycle collector off, and a long-running process drops rule bases on reload."""
    import gc
    import weakref

    shared = kb.RuleBase(rb.knowledge)
    for answers, evidence in cases[:40]:
        shared.consult(answers, evidence)
    planner = weakref.ref(shared.planner)
    kept = weakref.ref(shared.planner._shared)
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        del shared
        assert planner() is None and kept() is None
    finally:
        if was_enabled:
            gc.enable()


def test_a_remembered_result_is_the_one_its_answer_order_gives(rb, cases):
    # Facts and warnings follow the order the answers were given in, so the same answers in another order are
    # another result: the rule base must not hand back the one an earlier order produced.
    shared = kb.RuleBase(rb.knowledge)
    for answers, evidence in cases[:20]:
        reordered = dict(reversed(list(answers.items())))
        shared.consult(answers, evidence)
        assert _json(shared.consult(reordered, evidence)) == _json(kb.RuleBase(rb.knowledge).consult(reordered, evidence))


def _older_glibc(knowledge):
    """The knowledge with every image's glibc made older than any release's: the static checks and the pinned
    release of every glibc pair change."""
    return knowledge.replace(images={ref: image._replace(libc_version="2.1") if image.libc == "glibc" else image
                                     for ref, image in knowledge.images.items()})


def test_what_planners_share_by_knowledge_is_never_another_knowledges(rb, cases, monkeypatch):
    """kb.planmemo.derived: the static checks' outcomes, candidates, commands, margins and pinned releases are
    shared by every planner of one Knowledge object, and by no planner of another: a rule base of other knowledge
    made after thousands of consultations of this one answers as one made in a process that saw none."""
    warm = kb.RuleBase(rb.knowledge)
    for answers, evidence in cases:
        warm.consult(answers, evidence)
    other = _older_glibc(rb.knowledge)
    after = [_json(kb.RuleBase(other).consult(a, e)) for a, e in cases[::5]]
    monkeypatch.setattr(planmemo, "_derived", {})  # nothing derived from any knowledge yet
    cold = [_json(kb.RuleBase(other).consult(a, e)) for a, e in cases[::5]]
    assert after == cold
    assert after != [_json(warm.consult(a, e)) for a, e in cases[::5]]  # the change matters


def test_what_planners_share_by_knowledge_goes_with_the_knowledge(rb, cases):
    import gc
    import weakref

    other = _older_glibc(rb.knowledge)
    shared = kb.RuleBase(other)
    for answers, evidence in cases[:20]:
        shared.consult(answers, evidence)
    tables = weakref.ref(planmemo.derived(other))
    assert tables().static and planmemo.derived(other) is tables()
    assert planmemo.derived(rb.knowledge) is not tables()
    key = id(other)
    del shared, other
    gc.collect()
    assert tables() is None and key not in planmemo._derived


def test_a_rules_reason_shared_by_chains_names_the_conclusion_of_each(rb):
    """_Chains share each rule's Reason by (rule, the fact it derived) through the planner's knowledge tables: a rule
    that concludes two facts (a rule file may) cites each in the plans that rest on it."""
    rule = next(r for r in rb.knowledge.rules.values() if r.kind == "infer")
    made = {}
    facts = (kb.Fact("strategy", "one"), kb.Fact("strategy", "two"))
    for fact in facts + facts:
        chains = planner_module._Chains(rb.knowledge, [kb.Justification(fact, "rule", rule.id, ())], made)
        assert chains.reasons(fact.id)[rule.id].conclusion == str(fact)
    assert len(made) == 2


def test_planning_with_every_need_check_keyed_by_what_it_reads_gives_every_pair_in_turn(rb, cases, monkeypatch):
    """Shared.judged keeps the leading checks' outcomes on each candidate while the checks before add nothing; with
    the need checks keyed by what they read too (so the libraries' check, which adds installs, leads others), the
    plans are still those of every pair evaluated in turn."""
    def supplier(need):
        return lambda p: (need in p.ctx.needs, tuple(c.id for c in p.ctx.changes if c.supplies == need))

    reads = {**planmemo.CONTEXT_READS, **{need: supplier(need) for need in ("ca-certificates", "tzdata", "passwd")}}
    monkeypatch.setattr(planmemo, "CONTEXT_READS", reads)
    shared = kb.RuleBase(rb.knowledge)
    for answers, evidence in cases[::3] + cases[::3]:
        result = shared.consult(answers, evidence)
        known, trail = by_name(result.facts), [j for j in result.facts if j.source == "rule"]
        with monkeypatch.context() as m:
            m.setattr(planmemo, "CONTEXT_READS", {})
            expected = _every_pair(kb.RuleBase(rb.knowledge).planner, known, trail, shared.planner.images)
        assert shared.planner.plan(known, trail) == expected, answers


def test_judged_leaves_the_checks_after_one_that_adds_to_context_checks(rb):
    from kb.model import Step

    rb2 = kb.RuleBase(rb.knowledge)
    result = rb2.consult({"language": "go", "cgo": "no"})
    strategy = rb.knowledge.strategies[result.plans[0].strategy]
    planner = rb2.planner
    slots, _ = planner._shared.catalogue_candidates(planner, strategy)
    ctx = context(rb.knowledge, by_name(result.facts))
    seen = []

    def adds(pair):
        seen.append(pair.image.ref)
        pair.final_steps.append(Step("final", "RUN true", "test"))

    def never(pair):
        raise AssertionError("judged on a pair as the static checks left it, after a check that added a step")

    leading = [("adds", adds, "r", [None] * len(slots)), ("never", never, "r", [None] * len(slots))]
    done = planner._shared.judged(planner, strategy, slots[0][1], 0, ctx, leading)
    assert len(done) == 1 and done[0][1] == (Step("final", "RUN true", "test"),)
    assert planner._shared.judged(planner, strategy, slots[0][1], 0, ctx, leading) == done  # kept, not run again
    assert seen == [slots[0][1].ref]
