"""Consultations through the library API: questions that matter, unknowns, explanations, no-plan results."""
import pytest

import kb


def test_only_questions_that_matter_are_asked(rb):
    s = rb.session({"language": "c"})
    asked = [q.id for q in s.open_questions()]
    assert "cgo" not in asked and "go_net" not in asked and "musl_builds" not in asked
    assert asked[0] == "static_ok"
    go = rb.session({"language": "golang"})
    assert go.answers == {"language": "go"} and go.next_question().id == "cgo"
    assert "static_ok" not in [q.id for q in rb.session({"language": "go", "cgo": "no"}).open_questions()]


def test_node_and_java_are_not_asked_about_time_zones_or_tls(rb):
    for answers in ({"language": "node"}, {"language": "java", "java_runtime": "jar"}):
        asked = {q.id for q in rb.session(answers).open_questions()}
        assert not asked & {"tls", "timezones", "static_ok", "cgo"}


def test_static_ok_is_asked_about_java_only_for_native_image(rb):
    for runtime, asked in (("jar", False), ("jlink", False), ("native-image", True)):
        open_ids = {q.id for q in rb.session({"language": "java", "java_runtime": runtime}).open_questions()}
        assert ("static_ok" in open_ids) is asked, runtime


def test_unknown_answers_give_only_safe_plans_and_list_the_assumptions(rb):
    result = rb.consult({"language": "go", "cgo": "unknown"})
    assumed = {a.fact: a.assumed for a in result.assumptions}
    assert assumed["cgo"] == "yes" and assumed["tls"] == "yes"
    assert result.plans
    assert all(p.strategy.startswith("go-cgo") for p in result.plans)  # CGO_ENABLED=0 could break a cgo program
    assert all(p.provides["ca_certificates"] or "ca-certificates.crt" in p.dockerfile for p in result.plans)


def test_static_linking_is_never_assumed(rb):
    result = rb.consult({"language": "c", "static_ok": "unknown"})
    assert result.plans
    assert not any("static" in p.strategy for p in result.plans)


def test_unknown_language_is_a_clear_no_plan_result(rb):
    result = rb.consult({"language": "unknown"})
    assert result.plans == () and result.best is None
    assert result.no_plan_reason.startswith("language is unknown")


def test_how_walks_down_to_the_answers(rb):
    s = rb.session({"language": "go", "cgo": "no", "go_net": "yes", "tls": "yes", "timezones": "no",
                    "named_user": "no", "needs_shell": "no"})
    [node] = s.how("caveat=go-cgo-default")
    assert node.rule_id == "MI302"
    premise = {p.fact.id: p for p in node.premises}
    assert premise["go_default_build=dynamic-glibc"].rule_id == "MI106"
    assert {p.source for p in premise["go_default_build=dynamic-glibc"].premises} == {"user"}
    [plan] = s.how("scratch")
    assert plan.source == "plan" and any(p.rule_id == "MI154" for p in plan.premises)
    rejected = s.how("alpine:3.24")
    assert rejected and all(n.source in ("plan", "check") for n in rejected)
    with pytest.raises(kb.UnknownFact):
        s.how("colour")


def test_why_names_the_waiting_rules_what_they_know_and_would_conclude(rb):
    why = rb.session({"language": "c"}).why("static_ok")
    waiting = {w.rule_id: w for w in why.rules}
    assert set(waiting) == {"MI201", "MI202", "MI272", "MI301", "MI307"}
    assert waiting["MI272"].missing == ("static_ok is yes", "named_user is yes")
    assert waiting["MI307"].missing == ("static_ok is yes", "native_deps is yes")
    assert waiting["MI201"].known == ("language is c",)
    assert waiting["MI201"].missing == ("static_ok is yes",)
    assert waiting["MI201"].concludes == ("strategy = c-static-glibc",)


def test_back_undoes_the_last_answer_and_set_moves_it_to_the_end(rb):
    s = rb.session({"language": "c", "static_ok": "yes"})
    s.answer("language", "cpp")
    assert s.back() == ("language", "cpp") and s.answers == {"static_ok": "yes"}
    assert s.back() == ("static_ok", "yes") and s.back() is None


def test_invalid_answers_name_the_legal_ones(rb):
    with pytest.raises(kb.InvalidAnswer) as err:
        rb.session().answer("language", "cobol")
    assert err.value.legal[-1] == "unknown" and "go" in err.value.legal
    with pytest.raises(kb.UnknownFact):
        rb.session().answer("colour", "blue")


def test_a_repeated_consultation_reuses_its_result_and_equals_a_fresh_one(rb):
    answers = {"language": "go", "cgo": "no", "tls": "yes", "needs_shell": "no"}
    first = rb.consult(answers)
    assert rb.consult(dict(reversed(list(answers.items())))) is first  # the order of the answers does not matter
    fresh = kb.load(cache=False).consult(answers)
    assert fresh.to_dict() == first.to_dict()
    assert rb.consult({**answers, "tls": "no"}).to_dict() != first.to_dict()


def test_the_pair_checks_that_run_once_per_pair_come_first():
    from kb.detectors import DETECTORS
    from kb.checks import STATIC_CHECKS

    assert list(DETECTORS["check"])[:len(STATIC_CHECKS)] == list(STATIC_CHECKS)


def test_consult_many_in_processes_gives_the_sequential_results(rb):
    import random

    rng = random.Random(7)
    cases = [{q.id: rng.choice(list(q.choices)) for q in rb.questions} for _ in range(40)]
    cases.append(({"needs_shell": "no"}, [kb.Justification(kb.Fact("binary_libc", "none"), "evidence", note="t")]))
    one_by_one = [rb.consult(*c) if isinstance(c, tuple) else rb.consult(c) for c in cases]
    in_processes = rb.consult_many(cases, processes=2)
    assert [r.to_dict() for r in in_processes] == [r.to_dict() for r in one_by_one]
    assert [r.to_dict() for r in rb.consult_many(cases[:3])] == [r.to_dict() for r in one_by_one[:3]]
