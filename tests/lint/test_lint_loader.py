"""rules.yaml's image_families, lints (MI4xx) and diagnoses (MI5xx) are validated like the rest: file:LINE: ID."""
from __future__ import annotations

from pathlib import Path

from kb.loader import load_knowledge
from tests.rulefile_problems import rule_file_problems

FILES = Path(__file__).parent / "rulefiles"


def problems(name):
    return rule_file_problems(FILES / name)


def test_shipped_lint_knowledge_loads():
    k = load_knowledge()
    assert len(k.lints) >= 10 and len(k.diagnoses) >= 13 and len(k.image_families) >= 20
    assert all(f.release is None or f.release in k.releases for f in k.image_families)


def test_bad_lint_rules_are_reported_with_lines():
    found = problems("bad-lints.yaml")
    line = load_knowledge().lints["MI401"].line
    expected = [
        f"bad-lints.yaml:2: MI401: duplicate lint id 'MI401' (already defined at knowledge/rules-lint.yaml:{line})",
        "bad-lints.yaml:19: MI490: unknown key 'colour'",
        "bad-lints.yaml:13: MI490: name 'NotKebab' is not kebab-case",
        "bad-lints.yaml:17: MI490: a fix by variant needs a 'default'",
        "bad-lints.yaml:14: MI490: 'severity' is 'fatal', expected one of: error, warning, info",
        "bad-lints.yaml:18: MI490: source 'A99' is not an article claim (A1-A17)",
        "bad-lints.yaml:23: MI491: no check is registered under 'no-such-check' in kb/lint/checks.py",
        "bad-lints.yaml:30: MI491: a lint example has either 'flagged' or 'clean'",
        "bad-lints.yaml:36: my-family: 'libc' is 'klibc'",
        "bad-lints.yaml:37: my-family: release 'debian99' is not under 'releases'",
    ]
    for text in expected:
        assert any(p.startswith(text) for p in found), (text, found)


def test_bad_diagnoses_are_reported_with_lines():
    found = problems("bad-diagnoses.yaml")
    expected = [
        "bad-diagnoses.yaml:6: MI590: pattern 2 is not a valid regular expression: missing ), unterminated subpattern",
        "bad-diagnoses.yaml:10: MI590: implies tls=maybe, not one of: yes, no",
        "bad-diagnoses.yaml:10: MI590: implies binary_glibc={nogroup}: no pattern has a group named 'nogroup'",
        "bad-diagnoses.yaml:12: MI590: example matches none of the patterns: 'matches nothing at all'",
        "bad-diagnoses.yaml:2: MI590: rule trail names unknown rule 'MI999'",
        "bad-diagnoses.yaml:15: MI591: overrides unknown diagnosis 'MI599'",
    ]
    for text in expected:
        assert any(p.startswith(text) for p in found), (text, found)
    assert len(found) == len(expected)


def test_a_layer_adds_image_families_before_the_shipped_ones():
    k = load_knowledge([FILES / "my-family.yaml"])
    assert k.image_families[0].id == "acme-runtime"
