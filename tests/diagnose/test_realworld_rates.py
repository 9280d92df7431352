"""`minimage-ask diagnose` on messages people really pasted (tests/diagnose/realworld/corpus.yaml, labelled from
the threads before the tool ran on them): recognition, right cause, first fix right, and no confident wrong diagnosis
of look-alikes. The goals (issue 14) are asserted on the held-out set, whose messages the rules were not tuned on,
and on the development set."""
from __future__ import annotations

import pathlib
import re
import sys
from collections import Counter

import pytest
import yaml

import kb

sys.path.insert(0, str(pathlib.Path(__file__).parent / "realworld"))
import evaluate  # noqa: E402

FIXES = {"static-build", "glibc-image", "musl-build", "gcompat", "same-release", "install-lib", "ca-bundle", "tzdata",
         "passwd-entry", "numeric-user", "exec-form", "debug-image", "use-sh", "install-shell", "crlf", "add-shebang",
         "platform", "cgo-on", "install-compiler", "install-libc-dev", "install-python-dev", "install-binutils",
         "install-icu", "reinstall-deps", "thread-stack", "host-fix", "python-stdlib", "python-home", "other"}


@pytest.fixture(scope="module")
def knowledge():
    return kb.load().knowledge


@pytest.fixture(scope="module")
def rates(knowledge):
    return {split: evaluate.evaluate(knowledge, evaluate.load(split)) for split in ("dev", "held-out", "fresh")}


def test_the_corpus_is_large_enough_labelled_and_split():
    entries = evaluate.load()
    assert len(entries) >= 125
    assert sum(bool(e.get("lookalike")) for e in entries) >= 25
    sets = Counter(e["set"] for e in entries)
    assert set(sets) == {"dev", "held-out"} and 0.25 <= sets["held-out"] / len(entries) <= 0.40
    held_out_lookalikes = sum(bool(e.get("lookalike")) for e in entries if e["set"] == "held-out")
    assert held_out_lookalikes >= 8
    for e in entries:
        assert re.fullmatch(r"[\w.-]+/[\w.-]+#\d+", e["source"]), e["source"]
        assert e["text"].strip() and e["cause"].strip() and e["worked"].strip()
        assert set(e["fix"]) <= FIXES, e["fix"]
    assert len({(e["source"], e["text"]) for e in entries}) == len(entries)


def test_the_split_is_the_documented_hash():
    import hashlib

    for e in evaluate.load():
        digest = int(hashlib.sha256((e["source"] + "\n" + e["text"]).encode()).hexdigest(), 16)
        assert (e["set"] == "held-out") == (digest % 10 < 3), e["source"]


def test_every_labelled_mechanism_is_a_diagnosis_or_other(knowledge):
    names = {d.name for d in knowledge.diagnoses.values()}
    for e in evaluate.load():
        for mechanism in e["mechanism"]:
            assert mechanism in names or mechanism == "other", mechanism


@pytest.mark.parametrize("split", ["held-out", "dev", "fresh"])
def test_goals(rates, split):
    r = rates[split]
    assert r.recognised >= 0.9 * r.positives, r.summary()
    assert r.right_cause >= 0.85 * r.positives, r.summary()
    assert r.right_fix >= 0.75 * r.positives, r.summary()
    assert r.confident_wrong * 8 <= r.lookalikes, r.summary()


def test_the_rates_can_fail(knowledge):
    """The measure is not vacuous: with the patterns of the new mechanisms removed, recognition falls below the goal,
    and a diagnosis that claimed certainty for every look-alike would fail the look-alike goal."""
    entries = evaluate.load("held-out")
    kept = {k: d for k, d in knowledge.diagnoses.items() if k <= "MI513"}
    stripped = knowledge.replace(diagnoses={k: d._replace(patterns=d.patterns[:1]) for k, d in kept.items()})
    r = evaluate.evaluate(stripped, entries)
    assert r.recognised < 0.9 * r.positives, r.summary()
    sure = knowledge.replace(diagnoses={k: d._replace(confidence="certain", confidence_when=(), unless=())
                                         for k, d in knowledge.diagnoses.items()})
    r = evaluate.evaluate(sure, entries)
    assert r.confident_wrong * 8 > r.lookalikes, r.summary()


def test_the_readme_reports_the_measured_held_out_rates(rates):
    readme = (pathlib.Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")
    r = rates["held-out"]
    assert f"{r.recognised}/{r.positives} recognised" in readme
    assert f"right cause for {r.right_cause}/{r.positives}" in readme
    assert f"first fix right for {r.right_fix}/{r.positives}" in readme
    assert f"{r.confident_wrong}/{r.lookalikes} look-alikes" in readme
    f = rates["fresh"]
    assert f"{f.recognised}/{f.positives} recognised" in readme
    assert f"{f.right_cause}/{f.positives} and {f.right_fix}/{f.positives})" in readme
    assert f"{f.confident_wrong}/{f.lookalikes} look-alikes" in readme


def test_fresh_messages_are_new_threads_with_the_same_labels(knowledge):
    fresh = evaluate.load("fresh")
    corpus_sources = {e["source"] for e in evaluate.load()}
    assert len(fresh) >= 40 and sum(bool(e.get("lookalike")) for e in fresh) >= 8
    names = {d.name for d in knowledge.diagnoses.values()}
    for e in fresh:
        assert e["set"] == "fresh" and e["source"] not in corpus_sources, e["source"]
        assert set(e["fix"]) <= FIXES and all(m in names or m == "other" for m in e["mechanism"])


def test_corpus_yaml_is_plain_data():
    doc = yaml.safe_load(evaluate.CORPUS.read_text(encoding="utf-8"))
    assert list(doc) == ["messages"]
    keys = {"text", "source", "set", "mechanism", "cause", "worked", "fix", "lookalike"}
    assert all(set(e) <= keys for e in doc["messages"])
