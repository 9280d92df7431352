"""A rule base's first consultation compiles only the rules its facts can reach (kb.engine.reachable, issue 13),
and later ones run on the rules their values of one fact leave (kb.engine.partition): that must never change an
answer. Checked three ways: which rules `reachable` keeps on small rule sets; the trail
of the reduced ruleset against the whole one over many consultations of the shipped rules; and command-line runs
(a fresh process, so the reduced path: 300 consultations and inspections, byte for byte) against the same commands
in a process that has the whole ruleset."""
import io
import json
import random
import subprocess
import sys
from pathlib import Path

import pytest

import kb
from kb.engine import Engine, partition, partition_fact, reachable, shared_engine
from kb.model import Condition, Fact, Rule

REPO = Path(__file__).resolve().parent.parent


def rule(rid, *when, then=(("y", "1"),)):
    return Rule(rid, f"rule {rid}", "infer", tuple(when), tuple(then), "summary", "why", ("A1",))


def ids(rules):
    return [r.id for r in rules]


CHAIN = [rule("MI001", Condition("x", ("1",)), then=(("y", "1"),)),
         rule("MI002", Condition("y", ("1",)), Condition("z", ("2",)), then=(("w", "1"),)),
         rule("MI003", Condition("w", ("1",)), then=(("v", "1"),)),
         rule("MI004", Condition("x", ("1", "2"), negate=True), then=(("u", "1"),)),
         rule("MI005", Condition("t", ("*",)), then=(("s", "1"),))]


@pytest.mark.parametrize("facts, expected", [
    ([Fact("x", "1")], ["MI001"]),                                   # MI002 waits for z=2, so MI003 for w
    ([Fact("x", "1"), Fact("z", "2")], ["MI001", "MI002", "MI003"]),  # through a chain of conclusions
    ([Fact("z", "2")], []),                                          # y is never concluded without x=1
    ([Fact("x", "3")], ["MI004"]),                                   # x other than 1 or 2
    ([Fact("x", "1"), Fact("x", "3")], ["MI001", "MI004"]),          # a fact with two values: both count
    ([Fact("x", "1"), Fact("x", "2")], ["MI001"]),                   # every value is one MI004 excludes
    ([Fact("t", "anything")], ["MI005"]),
    ([], []),
])
def test_reachable_keeps_the_rules_whose_conditions_can_all_be_met(facts, expected):
    assert ids(reachable(CHAIN, facts)) == expected


def test_reachable_follows_a_chain_whatever_the_order_of_the_rules():
    """A rule listed before the rule that concludes its fact is kept too (the fixpoint takes another pass)."""
    backwards = list(reversed(CHAIN[:3]))
    assert ids(reachable(backwards, [Fact("x", "1"), Fact("z", "2")])) == ["MI003", "MI002", "MI001"]
    assert ids(reachable(backwards, [Fact("x", "1")])) == ["MI001"]


def test_reachable_ignores_retired_rules_and_other_kinds():
    retired = CHAIN[0]._replace(status="retired")
    check = CHAIN[4]._replace(kind="check")
    assert ids(reachable([retired, check], [Fact("x", "1"), Fact("t", "1")])) == []


def test_the_reduced_ruleset_derives_what_the_whole_one_does_in_the_same_order():
    rb = kb.load()
    rules = list(rb.knowledge.rules.values())
    whole = shared_engine(rules)
    rng = random.Random(13)
    differences, reduced_sizes = [], []
    for _ in range(150):
        answers = {q.id: rng.choice(list(q.choices)) for q in rb.questions}
        facts = [kb.Fact(k, v) for k, v in rb.effective(answers)[0].items()]
        subset = reachable(rules, facts)
        reduced_sizes.append(len(subset))
        got = [(j.rule_id, j.fact, j.premises) for j in Engine(subset).run(facts)]
        want = [(j.rule_id, j.fact, j.premises) for j in whole.run(facts)]
        assert want, "a random consultation derives something"
        if got != want:
            differences.append(answers)
        assert {j[0] for j in got} == set(ids(subset)), "every rule kept fires: no join is left half-matched"
    assert differences == []
    assert max(reduced_sizes) < len(whole.rules)


def test_a_command_line_consultation_equals_the_same_consultation_on_the_whole_ruleset():
    args = ["--format", "json", "--answer", "language=go", "--answer", "cgo=yes", "--answer", "tls=yes",
            "--answer", "timezones=yes"]
    fresh = subprocess.run([sys.executable, "-m", "shell", *args], cwd=REPO, capture_output=True, text=True,
                           timeout=120)
    assert fresh.returncode == 0, fresh.stderr
    rb = kb.load()
    rb.engine  # the whole ruleset compiled: the second path
    answers = dict(a.split("=") for a in args[3::2])
    in_process = json.loads(json.dumps(rb.consult(answers).to_dict()))
    assert json.loads(fresh.stdout) == in_process


@pytest.mark.parametrize("values, expected", [
    (["1"], ["MI001", "MI002", "MI003", "MI005"]),  # every condition on another fact is taken to hold
    (["3"], ["MI002", "MI003", "MI004", "MI005"]),  # MI002 and MI003 wait for y and w, which nothing else rules out
    (["1", "2"], ["MI001", "MI002", "MI003", "MI005"]),
    ([], ["MI002", "MI003", "MI005"]),  # no value of x: no rule testing it
])
def test_partition_keeps_the_rules_whose_conditions_on_the_fact_can_be_met(values, expected):
    assert partition_fact(CHAIN) == "x"  # tested by two rules, every other fact by one
    assert ids(partition(CHAIN, "x", values)) == expected


def test_partition_follows_what_the_rules_conclude_for_the_fact():
    rules = [rule("MI001", Condition("x", ("2",)), then=(("z", "1"),)),
             rule("MI002", Condition("y", ("1",)), then=(("x", "2"),)),
             rule("MI003", Condition("x", ("1",)), then=(("x", "3"),)),
             rule("MI004", Condition("x", ("3",)), Condition("x", ("3",)), then=(("w", "1"),))]
    assert ids(partition(rules, "x", [])) == ["MI001", "MI002"]  # MI002 may conclude x = 2
    assert ids(partition(rules, "x", ["1"])) == ["MI001", "MI002", "MI003", "MI004"]


def _evidence_facts(rng):
    """Facts an inspected artefact adds beside the answers (names and values no question offers)."""
    shown = [("binary_libc", rng.choice(["glibc", "musl", "none"])), ("binary_arch", "x86_64"),
             ("binary_needs", "libc.so.6"), ("binary_glibc", "2.34")]
    return [kb.Fact(k, v) for k, v in shown if rng.random() < 0.5]


def test_the_partitioned_ruleset_derives_what_the_whole_one_does_in_the_same_order():
    rb = kb.load()
    rules = list(rb.knowledge.rules.values())
    whole = shared_engine(rules)
    name = partition_fact(rules)
    assert name == "language"
    rng = random.Random(17)
    sizes, differences = set(), []
    for _ in range(300):
        answers = {q.id: rng.choice(q.legal()) for q in rb.questions if rng.random() < 0.8}
        facts = [kb.Fact(k, v) for k, v in rb.effective(answers)[0].items()] + _evidence_facts(rng)
        subset = partition(rules, name, [f.value for f in facts if f.name == name])
        sizes.add(len(subset))
        got = [(j.rule_id, j.fact, j.premises) for j in shared_engine(subset).run(facts)]
        if got != [(j.rule_id, j.fact, j.premises) for j in whole.run(facts)]:
            differences.append(facts)
    assert differences == []
    assert max(sizes) < len(whole.rules) / 2  # what it is for: far fewer rules in each session


def test_a_rule_base_runs_on_the_partitioned_rulesets_and_answers_like_the_whole_one(monkeypatch):
    rb = kb.load()
    rb.engine
    rng = random.Random(19)
    cases = [{q.id: rng.choice(list(q.choices)) for q in rb.questions} for _ in range(40)]
    with monkeypatch.context() as m:
        m.setattr("kb.consult.PARTITIONS_KEPT", 0)  # no partition: every consultation on the whole ruleset
        on_the_whole = kb.RuleBase(rb.knowledge)
        whole = [json.dumps(on_the_whole.run(a).to_dict()) for a in cases]
        assert not on_the_whole._partitions
    shared = kb.RuleBase(rb.knowledge)
    assert [json.dumps(shared.run(a).to_dict()) for a in cases] == whole
    languages = {a["language"] for a in cases}
    assert len(shared._partitions) == len(languages)
    assert all(len(e.rules) < len(rb.engine.rules) for e in shared._partitions.values())


FIRST_RUNS = """
import io, json, os, sys
from shell.cli import Env, main
cache = os.environ["MINIMAGE_CACHE_DIR"]
os.makedirs(cache, exist_ok=True)
outputs = []
for argv in json.loads(sys.stdin.read()):
    for name in os.listdir(cache):  # no result kept from the run before: every one is a first run
        if name.startswith("result-"):
            os.unlink(os.path.join(cache, name))
    out, err = io.StringIO(), io.StringIO()
    status = main(argv, Env(stdin=io.StringIO(), stdout=out, stderr=err, stdin_isatty=False))
    outputs.append([status, out.getvalue(), err.getvalue()])
print(json.dumps({"outputs": outputs, "whole_compiled": __import__("kb.engine").engine.compiled_engine(
    __import__("kb").load().knowledge.rules.values()) is not None}))
"""


def _first_run_cases(rb, count: int, seed: int) -> list[list[str]]:
    """Command lines of `count` consultations with random answers (each question answered 7 times in 10, with any
    legal value or unknown), every fourth an `inspect` of this interpreter's binary."""
    rng = random.Random(seed)
    cases = []
    for i in range(count):
        argv = ["inspect", "--format", "json", sys.executable] if i % 4 == 3 else ["--format", "json"]
        for q in rb.questions:
            if rng.random() < 0.7:
                argv += ["--answer", f"{q.id}={rng.choice(q.legal())}"]
        cases.append(argv)
    return cases


def test_first_runs_of_the_command_line_print_what_the_whole_ruleset_gives_byte_for_byte(tmp_path, monkeypatch):
    """What a first run prints (a fresh process: each rule base's first consultation compiles only the rules its
    facts reach, on durable-rules' C engine alone) is, byte for byte and with the same exit status, what the same
    command prints in a process that runs every consultation on the whole ruleset."""
    from shell.cli import Env, main

    rb = kb.load()
    cases = _first_run_cases(rb, 300, seed=23)
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "MINIMAGE_CACHE_DIR": str(tmp_path / "fresh")}
    done = subprocess.run([sys.executable, "-c", FIRST_RUNS], input=json.dumps(cases), capture_output=True,
                          text=True, cwd=REPO, env=env, timeout=600)
    assert done.returncode == 0, done.stderr
    fresh = json.loads(done.stdout)
    assert not fresh["whole_compiled"]  # the fresh process never compiled the whole ruleset

    monkeypatch.setattr("kb.consult.PARTITIONS_KEPT", 0)  # every consultation here on the whole ruleset
    monkeypatch.setenv("MINIMAGE_CACHE_DIR", str(tmp_path / "whole"))
    whole = rb.engine  # compiled and held: no rule base here takes the reduced path
    differences, statuses = [], set()
    for argv, (status, out, err) in zip(cases, fresh["outputs"]):
        for entry in (tmp_path / "whole").glob("result-*"):
            entry.unlink()
        stdout, stderr = io.StringIO(), io.StringIO()
        got = main(argv, Env(stdin=io.StringIO(), stdout=stdout, stderr=stderr, stdin_isatty=False))
        statuses.add(status)
        if (got, stdout.getvalue(), stderr.getvalue()) != (status, out, err):
            differences.append(argv)
    assert whole is rb.engine and differences == []
    assert statuses == {0, 1}  # plans, and answers no image can serve
    assert sum('"inspected"' in out for _, out, _ in fresh["outputs"]) == 75
