"""Session.answer keeps each (fact as asked, text typed) -> (question, canonical value) in its rule base (issue 13):
a function of the knowledge alone. A rule base that has read thousands of answers reads each as a fresh one does,
and still refuses what it refused."""
import random

import pytest

import kb


def _typed(rb, rng):
    out = []
    for q in rb.questions:
        for choice in [*q.choices, *q.aliases, "unknown", "yes", "no", "y", "n", "true", "skip", "?", "nonsense"]:
            for raw in (choice, choice.upper(), f"  {choice} "):
                out.append((rng.choice([q.id, q.id.upper()]), raw))
    out.append(("native_libs", "libpq+zlib"))
    out.append(("native_libs", "zlib, libpq"))
    rng.shuffle(out)
    return out


def _read(rb, fact, raw):
    try:
        s = rb.session()
        value = s.answer(fact, raw)
        return value, dict(s.answers)
    except kb.MinimageError as e:
        return type(e).__name__, str(e)


def test_an_answer_is_read_the_same_by_a_rule_base_that_has_read_others(rb):
    typed = _typed(rb, random.Random(3))
    fresh = [_read(kb.RuleBase(rb.knowledge), fact, raw) for fact, raw in typed]
    shared = kb.RuleBase(rb.knowledge)
    assert [_read(shared, fact, raw) for fact, raw in typed] == fresh
    assert [_read(shared, fact, raw) for fact, raw in typed] == fresh  # each read from the memo this time
    assert any(isinstance(v, tuple) and v[0] == "InvalidAnswer" for v in fresh)
    # the same text is another answer to another question ("yes" is no language)
    assert _read(shared, "tls", "y")[0] == "yes" and _read(shared, "language", "y")[0] == "InvalidAnswer"


def test_answers_that_are_not_text_are_refused_as_before(rb):
    shared = kb.RuleBase(rb.knowledge)
    shared.session({"language": "go"})
    with pytest.raises(kb.InvalidAnswer):
        shared.session().answer("language", ["go"])
    with pytest.raises(kb.UnknownFact):
        shared.session().answer(3, "go")
