"""The MI5xx schema: confidence, situational fixes, unless, negative examples, and regular expressions that cannot
hang the tool (user rule files are loaded with --rules)."""
from __future__ import annotations

import io
import time
from pathlib import Path

import pytest

import kb
from kb.diagnose import backtracking_risk, diagnose, required_literal
from kb.loader import load_knowledge
from shell.cli import Env, main
from tests.rulefile_problems import rule_file_problems

FILES = Path(__file__).parent / "rulefiles"


def problems(name):
    return rule_file_problems(FILES / name)


def test_bad_diagnoses_are_reported_as_file_line_id_message():
    found = problems("bad-diagnoses.yaml")
    expected = [
        "bad-diagnoses.yaml:6: MI590: pattern 2 may take exponential time on some input: a quantifier applied to a "
        "group that holds another quantifier",
        "bad-diagnoses.yaml:13: MI591: pattern 1 may take exponential time",
        "bad-diagnoses.yaml:21: MI592: pattern 1 may take exponential time on some input: a quantifier applied to "
        "alternatives that can start alike",
        "bad-diagnoses.yaml:23: MI592: 'unless' pattern 1 may take exponential time",
        "bad-diagnoses.yaml:37: MI593: 'when' pattern 1 may take exponential time",
        "bad-diagnoses.yaml:40: MI593: missing required key 'fix'",
        "bad-diagnoses.yaml:33: MI593: 'confidence' is 'sure', expected one of: certain, likely, possible",
        "bad-diagnoses.yaml:34: MI593: confidence_when 'probable' is not one of: certain, likely, possible",
        "bad-diagnoses.yaml:32: MI593: pattern 2 matches none of the examples: give it one",
        "bad-diagnoses.yaml:45: MI593: negative example matches: 'one more'",
        "bad-diagnoses.yaml:53: MI594: example is excluded by an 'unless' pattern: 'harmless error'",
    ]
    for text in expected:
        assert any(p.startswith(text) for p in found), (text, found)


def test_a_good_user_diagnosis_loads_and_works():
    k = load_knowledge([FILES / "good-diagnoses.yaml"])
    [m] = [m for m in diagnose(k, "mytool: fatal: widget exploded") if m.id == "MI590"]
    assert (m.confidence, m.fix_key, m.fix) == ("likely", "other", "upgrade mytool")
    [m] = [m for m in diagnose(k, "on alpine\nmytool: fatal: widget exploded (core dumped)") if m.id == "MI590"]
    assert (m.confidence, m.fix_key, m.fix) == ("certain", "glibc-image", "run mytool on debian:bookworm-slim")
    assert "MI590" not in [m.id for m in diagnose(k, "mytool: fatal: nothing happened")]


@pytest.mark.parametrize("pattern", [r"(a+)+$", r"(.*)*x", r"(?:\w+\s?)+$", r"(a|ab)*c", r"(x|)+y", r"(?:a|a)*b",
                                     r"^(([a-z])+.)+[A-Z]([a-z])+$", r"(?:(?:a+)b)*c",
                                     r"(?:a{1,2})+$",  # n a's split into ones and twos: Fibonacci many ways
                                     r"(?:a+|b)+$", r"(?:x(?:a+)+y)?",
                                     r"x((a+)+)y",  # inside a capturing group
                                     r"(?=(a+)+$)", r"(?!(x|xy)*z)",  # inside a lookahead
                                     r"(a|ab){2}c"])  # alternatives that start alike, taken twice
def test_catastrophic_shapes_are_refused(pattern):
    assert backtracking_risk(pattern)


@pytest.mark.parametrize("pattern", [r"exec (?P<path>/?[^\s:\"]+): no such file or directory", r"(?:ab|cd)+e",
                                     r"GLIBC_(\d+\.\d+(?:\.\d+)?)", r"[\d.]+", r"(?:x\d)?y", r"(?>a+)+b", r"a++b",
                                     r"(?:\d|\w)*!", r"(?:a?b)+", r"(?:(?:\b)*x)+",
                                     r"(a|ab)?c"])  # taken at most once: nothing to retry
def test_ordinary_patterns_are_accepted(pattern):
    assert backtracking_risk(pattern) is None


# A repeated group whose alternatives can start with the same character backtracks exponentially; one whose
# alternatives start apart does not. What an alternative can start with is read through character classes
# (negated, ranges in either case, \d), anchors and lookaheads (zero-width), nested groups, optional items and
# atomic groups: each pair differs only in whether the starts meet.
@pytest.mark.parametrize("pattern,alike", [
    (r"(?:[ab]x|ay)+", True), (r"(?:[ab]x|cy)+", False), (r"(?:[ab]x|[cd]y)+", False),
    (r"(?:[^a]x|by)+", True), (r"(?:[^a]x|ay)+", False),
    (r"(?:[^ab]x|cy)+", True), (r"(?:[^ab]x|ay)+", False),
    (r"(?:[a-c]x|cy)+", True), (r"(?:[a-c]x|dy)+", False), (r"(?:[A-C]x|by)+", True), (r"(?:[^a-c]x|by)+", False),
    (r"(?:[\d_]x|7y)+", True), (r"(?:[\d_]x|ay)+", False),
    (r"(?:^ax|ay)+", True), (r"(?:^ax|by)+", False), (r"(?:(?=a)ax|by)+", False),
    (r"(?:(?:ab|cd)x|ay)+", True), (r"(?:(?:ab|cd)x|ey)+", False),
    (r"(?:a?b|by)+", True), (r"(?:a?b|cy)+", False),
    (r"(?:(?>ab)x|ay)+", True), (r"(?:(?>ab)x|cy)+", False),
])
def test_alternatives_under_a_quantifier_are_refused_only_when_they_can_start_alike(pattern, alike):
    risk = backtracking_risk(pattern)
    if alike:
        assert risk == "a quantifier applied to alternatives that can start alike (like (a|ab)* or (x|)+)"
    else:
        assert risk is None


def test_a_fact_whose_group_did_not_match_is_left_out(tmp_path):
    """A diagnosis whose patterns do not all name the group its `implies` uses: matched by the one without it, the
    message shows nothing about that fact, so no fact (not an empty or invented value) is reported."""
    rules = tmp_path / "lib-diagnoses.yaml"
    rules.write_text("""diagnoses:
  - id: MI595
    name: my-tool-library-missing
    patterns: ['mytool: cannot load (?P<lib>lib\\w+\\.so)', 'mytool: cannot load a library']
    cause: mytool lacks a library
    fix: install it
    fix_key: install-lib
    implies: {binary_needs: "{lib}"}
    sources: ["example/mytool#2"]
    examples: ["mytool: cannot load libfoo.so", "mytool: cannot load a library"]
    negative_examples: ["mytool: loaded libfoo.so"]
""")
    k = load_knowledge([rules])
    [named] = [m for m in diagnose(k, "mytool: cannot load libfoo.so") if m.id == "MI595"]
    assert named.facts == {"binary_needs": "libfoo.so"}
    [unnamed] = [m for m in diagnose(k, "mytool: cannot load a library") if m.id == "MI595"]
    assert unnamed.facts == {}


def test_on_the_same_line_the_surer_diagnosis_comes_first(tmp_path):
    rules = tmp_path / "two-diagnoses.yaml"
    rules.write_text("""diagnoses:
  - id: MI596
    name: my-tool-maybe
    patterns: ['mytool: failed']
    confidence: possible
    cause: mytool may lack something
    fix: look closer
    fix_key: other
    sources: ["example/mytool#3"]
    examples: ["mytool: failed"]
    negative_examples: ["mytool: done"]
  - id: MI597
    name: my-tool-surely
    patterns: ['mytool: failed: disk full']
    cause: the disk is full
    fix: free some space
    fix_key: other
    sources: ["example/mytool#4"]
    examples: ["mytool: failed: disk full"]
    negative_examples: ["mytool: failed"]
""")
    k = load_knowledge([rules])
    found = [(m.id, m.line, m.confidence) for m in diagnose(k, "starting\nmytool: failed: disk full")
             if m.id in ("MI596", "MI597")]
    assert found == [("MI597", 2, "certain"), ("MI596", 2, "possible")]


@pytest.mark.parametrize("pattern,literal", [
    (r"exec (?P<path>/?[^\s:\"]+): no such file or directory", ": no such file or directory"),  # the longest run
    ("Zz9[0-9]AB", "zz9"),  # lower case (lines are compared case-folded); the first of two as long
    ("ab\x80cde", "cde"), ("ÉCHEC: abc", "chec: abc"),  # plain ASCII only: case-folding other text can change it
    (r"\S+: x", ": x"), (r"[a-z]+", ""), ("(unclosed", ""),
])
def test_the_literal_a_line_must_hold_before_a_pattern_is_run(pattern, literal):
    assert required_literal(pattern) == literal


def test_a_pattern_parsed_once_answers_both_questions_alike_every_time():
    # backtracking_risk and required_literal share one parse of each pattern (kb.diagnose._parsed): neither may
    # change what the other, or a later load, reads
    patterns = [r"(a+)+$", r"exec (?P<p>[^\s:]+): no such file", r"(x|xy)*z", "(unclosed", r"\S+: x"]
    first = [(backtracking_risk(p), required_literal(p)) for p in patterns]
    again = [(backtracking_risk(p), required_literal(p)) for p in reversed(patterns)][::-1]
    assert first == again
    assert [bool(r) for r, _ in first] == [True, False, True, False, False]
    assert [lit for _, lit in first] == ["", ": no such file", "z", "", ": x"]


def test_every_shipped_pattern_is_safe():
    for d in kb.load().knowledge.diagnoses.values():
        for p in (*d.patterns, *d.unless, *(w for f in d.fixes for w in f.when),
                  *(w for _, ps in d.confidence_when for w in ps)):
            assert backtracking_risk(p) is None, (d.id, p)


@pytest.mark.parametrize("line", ["a" * 4096, "exec " + "/a" * 2000, "x" * 4000 + "!", "Error relocating " + "a:" * 2000,
                                  " " * 4096, "(" * 4096, "unable to find user " + "u" * 4000,
                                  "version `GLIBC_" + "1." * 2000,
                                  "x" * 4000 + " : cannot execute: required file not found",
                                  "y" * 4000 + ".sh : exec format error", "ImportError" + " x" * 2000 + ".so"])
def test_pathological_input_is_diagnosed_in_bounded_time(line):
    knowledge = kb.load().knowledge
    text = "\n".join(f"{line}{i}"[-4096:] for i in range(64))  # 256 KiB of distinct worst lines
    t0 = time.perf_counter()
    diagnose(knowledge, text)
    assert time.perf_counter() - t0 < 10


def test_a_pathological_user_pattern_cannot_reach_the_matcher(tmp_path):
    rules = tmp_path / "mine.yaml"
    rules.write_text("diagnoses:\n  - id: MI599\n    name: hang\n    patterns: ['(a+)+$']\n    cause: c\n    fix: f\n"
                     "    sources: [A1]\n    examples: ['aaaa']\n", encoding="utf-8")
    env = Env(stdin=io.StringIO(""), stdout=io.StringIO(), stderr=io.StringIO(), stdin_isatty=False,
              stdout_isatty=False, environ={})
    t0 = time.perf_counter()
    code = main(["diagnose", "--rules", str(rules), "a" * 4000 + "!"], env)
    assert time.perf_counter() - t0 < 10
    err = env.stderr.getvalue()
    assert code == 2 and "mine.yaml:4: MI599: pattern 1 may take exponential time" in err
    assert "Traceback" not in err + env.stdout.getvalue()
