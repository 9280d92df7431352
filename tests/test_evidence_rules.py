"""What the lab proves as root, checked without root too: the planner's reading of evidence facts (musl's loader
serving libc's own names, answers overriding evidence), so a developer without root still sees these faults."""
import pytest

import kb
from kb import Fact, Justification


@pytest.fixture(scope="module")
def rb():
    return kb.load()


def evidence(**facts):
    out = []
    for name, values in facts.items():
        for value in values if isinstance(values, (list, tuple)) else [values]:
            out.append(Justification(Fact(name, value), "evidence", note="test"))
    return out


NOTHING_ELSE = {"tls": "no", "timezones": "no", "named_user": "no", "needs_shell": "no"}


def test_a_musl_binary_needing_libc_so_runs_on_alpine_whose_loader_serves_it(rb):
    """Debian's musl-gcc output names `libc.so` in DT_NEEDED; musl's loader answers for it (ldso/dynlink.c)."""
    result = rb.consult(NOTHING_ELSE, evidence(binary_libc="musl", binary_needs="libc.so", binary_name="app"))
    viable = {p.final_image for p in result.plans}
    assert "alpine:3.24" in viable
    assert not [r for r in result.rejected if r.image == "alpine:3.24"]


def test_a_musl_binary_needing_a_library_musl_does_not_serve_is_not_waved_through(rb):
    result = rb.consult(NOTHING_ELSE, evidence(binary_libc="musl", binary_needs=["libc.so", "libfoo.so.1"],
                                               binary_name="app"))
    assert "alpine:3.24" not in {p.final_image for p in result.plans}
    assert any(r.image == "alpine:3.24" and r.rule_id == "MI152" and "libfoo.so.1" in r.reason
               for r in result.rejected)


def test_a_glibc_binary_does_not_get_libc_so_from_a_glibc_loader(rb):
    """Only musl's loader is its libc: a glibc binary needing `libc.so` (not libc.so.6) finds no such file."""
    result = rb.consult(NOTHING_ELSE, evidence(binary_libc="glibc", binary_needs="libc.so", binary_glibc="2.17",
                                               binary_name="app"))
    assert any(r.image == "gcr.io/distroless/base-nossl-debian13" and r.rule_id == "MI152" for r in result.rejected)


def test_an_answer_overrides_what_evidence_showed(rb):
    """Evidence of named time zones, answered "no": the answer wins, so no zone data is added."""
    shown = evidence(binary_libc="none", binary_name="app", timezones="yes")
    with_answer = rb.consult({**NOTHING_ELSE, "timezones": "no"}, shown)
    assert with_answer.best.final_image == "scratch"
    assert not any(j.fact == Fact("needs", "tzdata") for j in with_answer.facts)
    without = rb.consult({k: v for k, v in NOTHING_ELSE.items() if k != "timezones"}, shown)
    assert any(j.fact == Fact("needs", "tzdata") for j in without.facts)


def test_a_prebuilt_binary_is_justified_by_the_glibc_it_needs(rb):
    """MI151 for an inspected binary cites the GLIBC_ version the binary needs, not a builder."""
    shown = evidence(binary_libc="glibc", binary_name="app", binary_needs="libc.so.6", binary_glibc="2.34")
    best = rb.consult(NOTHING_ELSE, shown).best
    assert best.strategy == "prebuilt-binary" and best.final_image == "busybox:glibc"
    assert [j.conclusion for j in best.justification if j.rule_id == "MI151"] == \
        ["its glibc 2.41 is at least the 2.34 the binary needs"]
