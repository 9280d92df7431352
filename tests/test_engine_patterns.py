"""What kb.engine compiles a rule's conditions to, seen from the trail it returns: which facts make a rule fire,
which do not, and what the trail names as the premises. Small rule sets built here, so each case is exact.

Written for issue 15's mutation testing (tests/mutation-survivors.md): the consultations through rules.yaml pass
through most of this code, but rarely on the edge that a fault changes."""
import pytest

from kb.engine import Engine, compile_condition
from kb.model import Condition, Fact, Rule


def rule(rid, *when, then=(("y", "1"),), kind="infer", status="active"):
    return Rule(rid, f"rule {rid}", kind, tuple(when), tuple(then), "summary", "why", ("A1",), status=status)


def fired(engine, *facts):
    """(rule id, derived fact) in firing order."""
    return [(j.rule_id, f"{j.fact.name}={j.fact.value}") for j in engine.run(list(facts))]


def test_a_one_value_condition_fires_on_that_value_only():
    engine = Engine([rule("MI001", Condition("x", ("1",)))])
    assert fired(engine, Fact("x", "1")) == [("MI001", "y=1")]
    assert fired(engine, Fact("x", "10")) == []
    assert fired(engine, Fact("z", "1")) == []


def test_a_condition_with_several_values_fires_on_any_of_them():
    engine = Engine([rule("MI001", Condition("x", ("1", "2")))])
    assert fired(engine, Fact("x", "1")) == [("MI001", "y=1")]
    assert fired(engine, Fact("x", "2")) == [("MI001", "y=1")]
    assert fired(engine, Fact("x", "3")) == []


def test_a_negated_condition_fires_on_every_other_value_of_its_fact():
    engine = Engine([rule("MI001", Condition("x", ("1", "2"), negate=True))])
    assert fired(engine, Fact("x", "3")) == [("MI001", "y=1")]
    assert fired(engine, Fact("x", "1")) == []
    assert fired(engine, Fact("x", "2")) == []
    assert fired(engine, Fact("z", "3")) == []  # another fact is not "x other than 1 or 2"


def test_a_negated_condition_with_one_value():
    engine = Engine([rule("MI001", Condition("x", ("1",), negate=True))])
    assert fired(engine, Fact("x", "0")) == [("MI001", "y=1")]
    assert fired(engine, Fact("x", "1")) == []


def test_a_wildcard_condition_fires_on_any_value_of_its_fact_only():
    engine = Engine([rule("MI001", Condition("x", ("*",)))])
    assert fired(engine, Fact("x", "anything")) == [("MI001", "y=1")]
    assert fired(engine, Fact("x", "*")) == [("MI001", "y=1")]
    assert fired(engine, Fact("w", "anything")) == []


def test_compiled_patterns_have_the_shape_durable_rules_reads():
    assert compile_condition(Condition("x", ("*",))) == {"name": "x"}
    assert compile_condition(Condition("x", ("1",))) == {"$and": [{"name": "x"}, {"value": "1"}]}
    assert compile_condition(Condition("x", ("1", "2"))) == {
        "$and": [{"name": "x"}, {"$or": [{"value": "1"}, {"value": "2"}]}]}
    assert compile_condition(Condition("x", ("1", "2"), negate=True)) == {
        "$and": [{"name": "x"}, {"$neq": {"value": "1"}}, {"$neq": {"value": "2"}}]}


def test_every_condition_of_a_rule_must_hold_and_the_premises_are_in_their_order():
    engine = Engine([rule("MI001", Condition("x", ("1",)), Condition("z", ("2",)))])
    # the whole join first: durable-rules 2.0.28 segfaults deleting a session whose first consultation left a join
    # half-matched when another ruleset was registered before (reported in issue 15's mutation notes)
    trail = engine.run([Fact("z", "2"), Fact("x", "1")])
    assert [(j.rule_id, j.fact, j.premises, j.source) for j in trail] == [
        ("MI001", Fact("y", "1"), (Fact("x", "1"), Fact("z", "2")), "rule")]
    assert fired(engine, Fact("x", "1")) == []
    assert fired(engine, Fact("z", "2")) == []


def test_derived_facts_chain_and_every_conclusion_of_a_rule_is_on_the_trail():
    engine = Engine([
        rule("MI001", Condition("x", ("1",)), then=(("y", "1"), ("w", "2"))),
        rule("MI002", Condition("y", ("1",)), then=(("v", "3"),)),
    ])
    trail = engine.run([Fact("x", "1")])
    assert [j.fact.id for j in trail][:2] == ["y=1", "w=2"]
    assert sorted(j.fact.id for j in trail) == ["v=3", "w=2", "y=1"]
    chained = next(j for j in trail if j.rule_id == "MI002")
    assert chained.premises == (Fact("y", "1"),)


def test_only_active_inference_rules_are_compiled():
    engine = Engine([
        rule("MI001", Condition("x", ("1",))),
        rule("MI002", Condition("x", ("1",)), then=(("w", "1"),), status="retired"),
        rule("MI003", Condition("x", ("1",)), then=(("v", "1"),), kind="check"),
    ])
    assert [r.id for r in engine.rules] == ["MI001"]
    assert fired(engine, Fact("x", "1")) == [("MI001", "y=1")]


def test_a_fact_given_twice_is_one_fact():
    engine = Engine([rule("MI001", Condition("x", ("*",)))])
    assert fired(engine, Fact("x", "1"), Fact("x", "1")) == [("MI001", "y=1")]
    assert fired(engine, Fact("x", "1"), Fact("x", "2")) == [("MI001", "y=1"), ("MI001", "y=1")]


def test_no_facts_derive_nothing():
    assert Engine([rule("MI001", Condition("x", ("*",)))]).run([]) == []


@pytest.mark.parametrize("value", ["a\0b", "caf\udce9", "tab\there", "é"])
def test_the_premise_is_the_fact_as_given_even_when_durable_sees_it_escaped(value):
    engine = Engine([rule("MI001", Condition("x", ("*",)))])
    trail = engine.run([Fact("x", value)])
    assert [j.premises for j in trail] == [(Fact("x", value),)]


def test_each_session_gets_the_premises_it_was_given_though_activations_are_read_once():
    """run() reads an activation's JSON once per process, less its session ids (kb.engine._message): text that
    looks like a session id inside a value, and two facts durable sees as one id in different sessions, still give
    each session the facts it was given."""
    engine = Engine([rule("MI001", Condition("x", ("*",)))])
    for _ in range(3):
        for value in ('a", "sid": "2', 'q"}, "c1": {"id": "x=1', "a\0b", "a\\x00b", "1"):
            trail = engine.run([Fact("x", value)])
            assert [(j.rule_id, j.premises) for j in trail] == [("MI001", (Fact("x", value),))], value


def test_values_that_differ_after_a_nul_stay_two_facts():
    engine = Engine([rule("MI001", Condition("x", ("*",)))])
    trail = engine.run([Fact("x", "a\0b"), Fact("x", "a\0c")])
    assert sorted(j.premises[0].value for j in trail) == ["a\0b", "a\0c"]


def test_a_fact_that_is_not_text_is_refused_with_what_it_was():
    engine = Engine([rule("MI001", Condition("x", ("*",)))])
    with pytest.raises(TypeError) as refused:
        engine.run([Fact("x", 1)])
    assert str(refused.value) == "a fact's name and value are text, not 'x' = 1"
    with pytest.raises(TypeError, match=r"not None = 'v'"):
        engine.run([Fact(None, "v")])
    assert fired(engine, Fact("x", "1")) == [("MI001", "y=1")]  # the engine is still usable


def broken_durable(monkeypatch, message):
    """durable-rules whose C engine (and any of its modules) fails to import with `message`."""
    import builtins
    import sys

    real = builtins.__import__

    def fake(name, *args, **kwargs):
        if name.startswith("durable"):
            raise ImportError(message)
        return real(name, *args, **kwargs)

    monkeypatch.delitem(sys.modules, "durable_rules_engine", raising=False)
    monkeypatch.setattr(builtins, "__import__", fake)


REPAIR = ('Repair it with\n  CPPFLAGS="-DPyEval_CallObject=PyObject_CallObject" python -m pip install --no-cache-dir '
          '--no-binary durable-rules --force-reinstall --no-deps durable-rules==2.0.28\n'
          '(in a checkout, scripts/setup does this)')


def test_a_durable_built_without_the_python_3_13_flag_is_named_with_its_repair(monkeypatch):
    from kb.engine import _import_durable
    from kb.errors import InstallError

    broken_durable(monkeypatch, "dur.so: undefined symbol: PyEval_CallObject")
    with pytest.raises(InstallError) as e:
        _import_durable()
    assert str(e.value) == ("durable-rules cannot be imported (dur.so: undefined symbol: PyEval_CallObject): it was "
                            "compiled without the flag Python 3.13 needs (a wheel from pip's cache, built before?). "
                            + REPAIR)


def test_a_durable_that_does_not_load_for_another_reason_says_so(monkeypatch):
    from kb.engine import _import_durable
    from kb.errors import InstallError

    broken_durable(monkeypatch, "No module named 'durable_rules_engine'")
    with pytest.raises(InstallError) as e:
        _import_durable()
    assert str(e.value) == ("durable-rules cannot be imported (No module named 'durable_rules_engine'): it is not "
                            "installed or does not load. " + REPAIR)


def test_live_rulesets_counts_each_engine_until_it_is_dropped():
    import gc

    from kb import engine as engine_module

    gc.collect()
    before = engine_module.live_rulesets()
    engine = Engine([rule("MI001", Condition("x", ("*",)))])
    assert engine_module.live_rulesets() == before + 1
    other = Engine([rule("MI002", Condition("x", ("*",)))])
    assert engine_module.live_rulesets() == before + 2
    del engine, other
    gc.collect()
    assert engine_module.live_rulesets() == before


def test_no_ruleset_is_live_before_the_first_engine():
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    out = subprocess.run([sys.executable, "-c", "from kb import engine; print(engine.live_rulesets())"], cwd=root,
                         capture_output=True, text=True, timeout=60)
    assert (out.returncode, out.stdout) == (0, "0\n"), out.stderr


def test_a_fact_two_rules_derive_is_one_fact_for_the_rules_that_follow_from_it():
    engine = Engine([
        rule("MI001", Condition("x", ("1",))),
        rule("MI002", Condition("z", ("1",))),
        rule("MI003", Condition("y", ("1",)), then=(("v", "3"),)),
    ])
    trail = engine.run([Fact("x", "1"), Fact("z", "1")])
    assert sorted(j.rule_id for j in trail if j.fact == Fact("y", "1")) == ["MI001", "MI002"]
    assert [j.rule_id for j in trail if j.fact == Fact("v", "3")] == ["MI003"]


def test_a_session_that_cannot_be_deleted_is_an_error_unless_an_earlier_error_is_being_raised(monkeypatch):
    from kb import engine as engine_module
    from kb.engine import EngineError

    def gone(*args):
        raise RuntimeError("cannot delete the session")

    engine = Engine([rule("MI001", Condition("x", ("1",)))])
    monkeypatch.setattr(engine_module._c_engine(), "delete_state", gone)
    with pytest.raises(RuntimeError, match="cannot delete the session"):
        engine.run([Fact("x", "1")])

    class BrokenEngine(Engine):
        def _action_for(self, rule):
            def action(matched, sid, handle):
                raise ValueError("boom")
            return action

    broken = BrokenEngine([rule("MI002", Condition("x", ("1",)))])
    with pytest.raises(EngineError, match="a rule action failed.*boom"):  # the first error, not the deletion's
        broken.run([Fact("x", "1")])


@pytest.mark.parametrize("first", [
    "kb.load().engine.run([Fact('unasked', 'no')])",  # the whole ruleset, facts no rule reads
    "kb.load().consult({'language': 'unknown', 'platform': 'arm64', 'native_deps': 'yes', 'musl_builds': 'yes', "
    "'globalization': 'yes', 'java_runtime': 'jar', 'native_libs': 'libsqlite3', 'timezones': 'no'})",
])
def test_a_process_whose_first_consultation_fires_no_rule_does_not_crash(first):
    """durable-rules corrupted its heap deleting a process's first session when no rule had fired in it
    (segmentation fault or `free(): invalid size`, found by a rule base per consultation in test_shared_work):
    a session in which no rule can fire is never opened. A process of its own, since a crash would end pytest's."""
    import subprocess
    import sys

    code = f"import kb\nfrom kb.model import Fact\nprint(repr({first})[:40])"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.startswith(("[]", "Result("))


def test_facts_no_rule_reads_derive_nothing_and_open_no_session(monkeypatch):
    engine = Engine([rule("MI001", Condition("x", ("1",))), rule("MI002", Condition("x", ("2",), negate=True))])
    opened = []  # the batches asserted, each into a session of its own
    monkeypatch.setattr(engine, "_chain", lambda *a: opened.append(a) or Engine._chain(engine, *a))
    # first a session where a rule fires, so that this process is past the crash the other test is about
    assert fired(engine, Fact("x", "3")) == [("MI002", "y=1")] and len(opened) == 1
    assert fired(engine, Fact("z", "1")) == [] and len(opened) == 1
    assert fired(engine, Fact("x", "2")) == [] and len(opened) == 1  # MI002 reads x, but not this value
