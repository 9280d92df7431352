"""kb.RuleBase answers every command with plain data: consult, session (with evidence), inspect, lint, diagnose,
follow_up, catalog; every error it raises on bad input is a kb.MinimageError."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

import kb

FIXTURES = Path(__file__).resolve().parent / "lint" / "fixtures"


def test_inspect_returns_kind_report_evidence_and_warnings(rb, tmp_path):
    script = tmp_path / "run.sh"
    script.write_text("#!/bin/sh\necho hi\n")
    seen = rb.inspect(script)
    assert isinstance(seen, kb.InspectResult)
    assert (seen.path, seen.kind, seen.warnings) == (str(script), "script", ())
    assert ("needs_shell", "yes") in {(j.fact.name, j.fact.value) for j in seen.evidence}
    json.dumps(seen.to_dict())  # plain data


def test_inspect_of_a_project_directory(rb):
    seen = rb.inspect(FIXTURES / "article-go-net")
    assert seen.kind == "project"
    assert ("language", "go") in {(j.fact.name, j.fact.value) for j in seen.evidence}


def test_inspect_bad_input_raises_an_evidence_error_that_is_a_minimage_error(rb, tmp_path):
    (tmp_path / "data").write_bytes(b"\x00\x01 not a program")
    with pytest.raises(kb.EvidenceError) as e:
        rb.inspect(tmp_path / "data")
    assert isinstance(e.value, kb.MinimageError) and e.value.path == str(tmp_path / "data")


def test_a_session_starts_from_evidence_then_answers(rb, tmp_path):
    script = tmp_path / "run.sh"
    script.write_text("#!/usr/bin/env python3\n")
    evidence = rb.inspect(script).evidence
    s = rb.session({"native_deps": "no"}, evidence=evidence)
    assert s.answers == {"native_deps": "no"} and list(s.evidence) == list(evidence)
    assert "language" not in [q.id for q in s.open_questions()]  # the evidence settled it
    assert rb.session({"language": "node"}, evidence=evidence).result().plans  # an answer overrides evidence
    assert rb.consult({"native_deps": "no"}, evidence).to_dict() == s.result().to_dict()


def test_lint_takes_paths_and_text(rb):
    dockerfile = FIXTURES / "article-c-dynamic" / "Dockerfile"
    text = dockerfile.read_text()
    by_path, by_text = rb.lint([str(dockerfile)]), rb.lint(text=text, file="mine",
                                                           context=str(dockerfile.parent))
    assert [r.file for r in by_path] == [str(dockerfile)] and [r.file for r in by_text] == ["mine"]
    assert [f.rule for f in by_path[0].findings] == [f.rule for f in by_text[0].findings] != []
    both = rb.lint([str(dockerfile)], text=text)
    assert [r.file for r in both] == [str(dockerfile), "-"] and all(isinstance(r, kb.LintResult) for r in both)
    json.dumps([r.to_dict() for r in both])


def test_lint_reports_unreadable_input_in_the_result_not_as_an_exception(rb, tmp_path):
    [missing] = rb.lint([str(tmp_path / "nope")])
    assert missing.error["reason"] == "not-found" and not missing.findings
    [bad] = rb.lint(text="FROM\n")
    assert bad.error["reason"] == "malformed" and bad.error["line"] == 1


def test_diagnose_and_follow_up(rb):
    matches = rb.diagnose("/app: /lib/x86_64-linux-gnu/libc.so.6: version `GLIBC_2.38' not found")
    assert matches and all(isinstance(m, kb.Match) and m.to_dict() for m in matches)
    s = rb.follow_up(matches)
    assert ("binary_glibc", "2.38") in {(j.fact.name, j.fact.value) for j in s.evidence}
    assert all(j.note.startswith("the error message (MI5") for j in s.evidence)
    assert rb.follow_up(rb.diagnose("x509: certificate signed by unknown authority")).answers == {"tls": "yes"}
    with pytest.raises(kb.DiagnoseInputError) as e:
        rb.diagnose("   ")
    assert isinstance(e.value, kb.MinimageError) and isinstance(e.value, ValueError)


def test_the_catalog_holds_every_kind_of_rule_in_id_order(rb):
    catalog = rb.catalog()
    ids = [e.id for e in catalog.rules()]
    assert ids == sorted(ids)
    k = rb.knowledge
    assert set(ids) == {*k.rules, *k.lints, *k.diagnoses}
    assert catalog.detail(catalog.get("MI401")) is k.lints["MI401"]
    assert catalog.detail(catalog.get("mi101")) is k.rules["MI101"]


def test_each_rule_base_diagnoses_with_its_own_rules(tmp_path):
    """Two rule bases in one process, alternately: each keeps its own compiled diagnoses (no cache keyed by id())."""
    mine = tmp_path / "mine.yaml"
    mine.write_text(
        "diagnoses:\n"
        "  - id: MI590\n"
        "    name: our-launcher-failed\n"
        "    patterns: ['ourlauncher: cannot start']\n"
        "    cause: our launcher could not start\n"
        "    fix: ask the platform team\n"
        "    sources: [our wiki]\n"
        "    examples: ['ourlauncher: cannot start']\n"
        "    negative_examples: ['ourlauncher: started']\n")
    base, ours = kb.load(), kb.load(str(mine))
    for _ in range(3):
        assert [m.id for m in ours.diagnose("ourlauncher: cannot start")] == ["MI590"]
        assert base.diagnose("ourlauncher: cannot start") == []
    del ours
    import gc

    gc.collect()
    assert kb.load(str(mine)).diagnose("ourlauncher: cannot start")[0].id == "MI590"
