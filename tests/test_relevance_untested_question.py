"""A question that no rule tests (kb/relevance.py): a user's layer may add one before writing the rules that use it.
It is never asked, an answer to it is said to change nothing, and `why` at it names no waiting rule; no
consultation fails on it."""
from __future__ import annotations

import pytest

import kb

LAYER = """questions:
  - id: team_size
    text: How many people work on the program?
    choices:
      small: a few
      large: many
    if_unknown: small
"""


@pytest.fixture(scope="module")
def rule_base(tmp_path_factory):
    path = tmp_path_factory.mktemp("layer") / "team.yaml"
    path.write_text(LAYER)
    return kb.load(str(path), cache=False)


def test_a_question_no_rule_tests_is_never_asked(rule_base):
    asked = [q.id for q in rule_base.open_questions({"language": "go"})]
    assert "team_size" not in asked and "cgo" in asked
    assert "team_size" not in [q.id for q in rule_base.open_questions({})]


def test_an_answer_to_it_changes_nothing_and_is_said_to(rule_base):
    result = rule_base.consult({"language": "go", "team_size": "large"})
    assert "team_size = large changes nothing with language = go: no rule uses it, so it is ignored" in result.warnings
    assert result.plans


def test_why_at_it_names_no_waiting_rule(rule_base):
    session = rule_base.session({"language": "go"})
    assert session.why("team_size").rules == ()
