"""Contradictory or irrelevant answers (issue 12 item 6) are reported, never silently ignored or overwritten.

Two answers to one fact in one run (--answer flags, an answers file, script-mode stdin, or any mix) end it with exit
2, naming both places: which one was meant is not ours to guess. The chat's `set` is the way to change an answer, so
there it replaces the answer and says what it replaced. An answer that overrides inspect's evidence, or that no rule
can use with the other answers, is kept and reported as a warning in the text and the JSON."""
import io
import json

import pytest

from kb.model import Fact, Justification
from shell.cli import Env, main


def run(*argv, stdin=""):
    out, err = io.StringIO(), io.StringIO()
    status = main(list(argv), Env(stdin=io.StringIO(stdin), stdout=out, stderr=err, stdin_isatty=False))
    return status, out.getvalue(), err.getvalue()


def test_two_answer_flags_for_one_fact_are_an_error_naming_both():
    status, out, err = run("--answer", "language=go", "--answer", "cgo=yes", "--answer", "cgo=no")
    assert status == 2 and out == ""
    assert err == ("Error: --answer cgo=no: cgo = no contradicts cgo = yes given at --answer cgo=yes; "
                   "answer each fact once\n")


def test_the_same_answer_twice_is_no_contradiction():
    status, out, _ = run("--answer", "language=go", "--answer", "cgo=no", "--answer", "cgo=no", "--format", "json")
    assert status == 0 and json.loads(out)["plans"]


def test_an_alias_of_the_same_answer_is_no_contradiction():
    status, _, err = run("--answer", "language=go", "--answer", "language=golang", "--answer", "platform=amd64",
                         "--answer", "platform=x86_64", "--format", "json")
    assert status == 0, err


def test_an_answers_file_against_itself_and_against_a_flag(tmp_path):
    answers = tmp_path / "answers.txt"
    answers.write_text("language=c\n# the same fact again, differently\nlanguage=cpp\n")
    status, _, err = run("--answers", str(answers))
    assert status == 2
    assert err == (f"Error: {answers}:3: language = cpp contradicts language = c given at {answers}:1; "
                   "answer each fact once\n")
    answers.write_text("language: go\ncgo: no\n")
    status, _, err = run("--answers", str(answers), "--answer", "cgo=yes")
    assert status == 2 and f"cgo = yes contradicts cgo = no given at {answers}:2" in err


def test_script_mode_stdin_contradicting_an_earlier_line():
    status, out, err = run(stdin="go\nno\n# later, the other way\ncgo=yes\n")
    assert status == 2
    assert "Error: stdin line 4: cgo = yes contradicts cgo = no given at stdin line 2 (question cgo)" in err


def test_chat_set_replaces_the_answer_and_says_what_it_replaced():
    from shell.chat_commands import cmd_set

    said = []

    class Chat:
        import kb
        rb = kb.load()
        session = rb.session({"language": "go", "cgo": "yes"})

        def say(self, text):
            said.append(text)

    chat = Chat()
    cmd_set(chat, "cgo=no")
    cmd_set(chat, "CGO=no")
    assert said == ["cgo = no (changed: it was yes)", "cgo = no"]
    assert chat.session.answers["cgo"] == "no"


def test_an_answer_that_no_rule_uses_is_a_warning_in_text_and_json():
    status, out, _ = run("--answer", "language=python", "--answer", "cgo=yes", "--format", "json")
    assert status == 0
    assert json.loads(out)["warnings"] == [
        "cgo = yes changes nothing with language = python: no rule uses it, so it is ignored"]
    status, out, _ = run("--answer", "language=python", "--answer", "cgo=yes")
    assert out.startswith("Warning: cgo = yes changes nothing with language = python: no rule uses it, so it is "
                          "ignored\n")


def test_answers_that_matter_give_no_warning():
    status, out, _ = run("--answer", "language=go", "--answer", "cgo=yes", "--answer", "static_ok=no",
                         "--format", "json")
    assert json.loads(out)["warnings"] == []
    status, out, _ = run("--answer", "language=go", "--answer", "cgo=no", "--answer", "static_ok=no",
                         "--format", "json")  # only cgo builds link statically on request: static_ok is moot
    assert json.loads(out)["warnings"] == [
        "static_ok = no changes nothing with language = go: no rule uses it, so it is ignored"]


@pytest.mark.parametrize("fact,answer,shown", [("cgo", "no", "yes"), ("language", "c", "go")])
def test_an_answer_that_overrides_evidence_names_both(rb, fact, answer, shown):
    evidence = [Justification(Fact(fact, shown), "evidence", note="./src/main.go:3 (import \"C\")")]
    result = rb.consult({fact: answer}, evidence)
    assert (f"your answer {fact} = {answer} overrides {fact} = {shown} shown by ./src/main.go:3 (import \"C\"); "
            "the plans follow your answer") in result.warnings
    assert not rb.consult({fact: shown}, evidence).warnings  # agreeing with the evidence is fine


def test_named_libraries_are_never_called_ignored_when_the_plan_installs_them(rb):
    """The planner reads native_libs itself (MI152 installs them), even where no inference rule tests it."""
    result = rb.consult({"language": "go", "cgo": "yes", "native_libs": "libsqlite3", "tls": "no", "timezones": "no",
                         "named_user": "no", "needs_shell": "no"})
    assert not [w for w in result.warnings if w.startswith("native_libs")]
    assert any("libsqlite3.so.0" in step.why for p in result.plans for step in p.steps)
