"""One compiled ruleset per set of rules in a process (kb.engine.shared_engine, compiled_engine): what kb.consult
relies on to compile the rules once for every rule base of the same knowledge, and to take the cheaper path (only
the rules a consultation can reach) while nothing is compiled yet. Written for issue 15's mutation testing."""
import gc

from kb.engine import Engine, compiled_engine, shared_engine
from kb.model import Condition, Fact, Rule


def rule(rid, fact, then=(("shared_y", "1"),), status="active", kind="infer"):
    # fact names of this file only: the table of compiled engines is the process's, shared with other tests
    return Rule(rid, f"rule {rid}", kind, (Condition(fact, ("1",)),), then, "summary", "why", ("A1",), status=status)


def test_the_same_rules_share_one_engine_and_other_rules_get_their_own():
    rules = [rule("MI001", "shared_a")]
    assert compiled_engine(rules) is None  # nothing compiled yet
    engine = shared_engine(rules)
    assert isinstance(engine, Engine)
    assert compiled_engine(rules) is engine
    assert shared_engine([rule("MI001", "shared_a")]) is engine  # equal rules, other objects
    # retired rules and rules of other kinds are not compiled, so they do not make another engine
    padded = [*rules, rule("MI002", "shared_b", status="retired"), rule("MI003", "shared_c", kind="check")]
    assert compiled_engine(padded) is engine and shared_engine(padded) is engine
    # another condition, other conclusions or another id is another ruleset
    others = [[rule("MI001", "shared_b")], [rule("MI001", "shared_a", then=(("shared_y", "2"),))],
              [rule("MI004", "shared_a")]]
    for other in others:
        assert compiled_engine(other) is None, other
        assert shared_engine(other) is not engine
    assert [j.fact for j in engine.run([Fact("shared_a", "1")])] == [Fact("shared_y", "1")]


def test_an_engine_nobody_holds_is_no_longer_shared():
    rules = [rule("MI005", "shared_d")]
    engine = shared_engine(rules)
    assert compiled_engine(rules) is engine
    del engine
    gc.collect()
    assert compiled_engine(rules) is None


def test_rules_that_cannot_be_keyed_get_an_engine_of_their_own_each_time():
    """A condition whose values are a list (a rule built by hand, not by the loader) cannot be a key: such rules
    are compiled anew, never shared, and still run."""
    unhashable = [Rule("MI006", "rule MI006", "infer", (Condition("shared_e", ["1"]),), (("shared_y", "1"),),
                       "summary", "why", ("A1",))]
    first = shared_engine(unhashable)
    assert shared_engine(unhashable) is not first
    assert compiled_engine(unhashable) is None
    assert [j.rule_id for j in first.run([Fact("shared_e", "1")])] == ["MI006"]

