"""The registry: `rules ID` answers for every rule of every kind, every shipped source and every citation the
knowledge makes; the chat's `rule ID` answers the same; docs/rules.md is generated from it and kept fresh."""
import io
from pathlib import Path

import pytest

import kb
from shell.cli import Env, main

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def rb():
    return kb.load()


def run(*argv):
    out, err = io.StringIO(), io.StringIO()
    status = main(list(argv), Env(stdin=io.StringIO(""), stdout=out, stderr=err, stdin_isatty=False))
    return status, out.getvalue(), err.getvalue()


def every_citation(knowledge):
    for group in (knowledge.rules.values(), knowledge.lints.values(), knowledge.diagnoses.values(),
                  knowledge.images.values(), knowledge.strategies.values(), knowledge.image_families):
        for item in group:
            yield from item.sources


def test_every_citation_in_the_knowledge_leads_to_an_entry(rb):
    cited = set(every_citation(rb.knowledge))
    assert {"A7", "K10.5", "golang/go#38017"} <= cited
    missing = sorted(c for c in cited if rb.catalog().get(c) is None)
    assert missing == []


def test_every_rule_id_of_every_kind_is_in_the_catalogue(rb):
    ids = {e.id for e in rb.catalog().rules()}
    assert ids == {*rb.knowledge.rules, *rb.knowledge.lints, *rb.knowledge.diagnoses}
    kinds = {rb.catalog().get(i).kind for i in ("MI101", "MI150", "MI401", "MI501")}
    assert kinds == {"infer", "check", "lint", "diagnose"}


def test_rules_a7_prints_the_claim_and_its_public_links():
    status, out, err = run("rules", "A7")
    assert status == 0, err
    assert out.startswith("A7: A Go program that uses net fails on scratch")
    assert "https://github.com/golang/go/issues/30419" in out
    assert "cited by: MI106" in out


def test_a_knowledge_section_and_a_public_citation_resolve():
    status, out, _ = run("rules", "K10.5", "golang/go#38017")
    assert status == 0
    assert "GLIBC_2.34" in out and "https://github.com/golang/go/issues/38017" in out and "MI102" in out


def test_an_unknown_id_is_a_usage_error_naming_it():
    status, _, err = run("rules", "A99")
    assert status == 2 and "unknown rule or source A99" in err


def test_every_shipped_source_section_is_cited_or_a_claim(rb):
    """A1-A17 are the article's claims; a K-section that no rule cites is dead text."""
    sources = rb.catalog().sources()
    assert [e.id for e in sources if e.id.startswith("A")] == [f"A{i}" for i in range(1, 18)]
    assert [e.id for e in sources if e.id.startswith("K") and not e.cited_by] == []


def test_docs_rules_md_is_generated_from_the_catalogue():
    """Regenerate with: minimage-ask rules --format markdown > docs/rules.md"""
    status, out, _ = run("rules", "--format", "markdown")
    assert status == 0
    assert (ROOT / "docs" / "rules.md").read_text() == out


def test_the_package_ships_its_sources_and_knowledge():
    text = (ROOT / "pyproject.toml").read_text()
    assert '"docs/sources" = "kb/sources"' in text and '"knowledge" = "kb/knowledge"' in text
