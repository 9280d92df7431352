"""Every offered plan of every scenario builds and passes its self-check; every rejected image that has a faithful
image fails for the reason its rule names; docs/e2e-matrix.md says what the engine does."""
from __future__ import annotations

import difflib

import pytest

from lab import e2e

# A cold run builds the images a scenario needs inside the test (debootstrap, apt, docker build): minutes, not
# the suite's 300 s; still bounded, so a hang fails the test.
pytestmark = pytest.mark.timeout(1800)

BAD = (e2e.FAILED, e2e.UNEXPECTED)


def _show(outcomes) -> str:
    return "\n".join(f"{o.label} {o.strategy} on {o.image}: {o.status}\n    {o.detail[-700:]}" for o in outcomes)


@pytest.mark.parametrize("name", [s.name for s in e2e.SCENARIOS])
def test_every_plan_runs_and_every_rejection_fails_as_predicted(matrix, name):
    result = matrix(name)
    bad = [o for o in result.outcomes if o.status in BAD]
    assert not bad, _show(bad)
    plans = [o for o in result.outcomes if o.kind == "plan"]
    assert plans, f"{name}: minimage-ask offered no plan"
    assert any(o.status == e2e.RAN for o in plans), f"{name}: no plan was proven\n{_show(plans)}"
    for o in result.outcomes:
        if o.status == e2e.NOT_PROVEN:
            assert o.detail, f"{o.label} on {o.image} is not proven and says no reason"


def test_the_matrix_document_is_current(matrix):
    results = [matrix(s.name) for s in e2e.SCENARIOS]
    want = e2e.render(results)
    have = e2e.DOC.read_text() if e2e.DOC.exists() else ""
    if have != want:
        diff = "\n".join(list(difflib.unified_diff(have.splitlines(), want.splitlines(), "docs/e2e-matrix.md",
                                                    "what the engine did", lineterm="", n=0))[:40])
        pytest.fail("docs/e2e-matrix.md is stale: regenerate it with `python -m lab.e2e --write-doc` and review "
                    f"the difference:\n{diff}")


def test_the_readmes_example_dockerfile_is_one_the_matrix_ran(matrix):
    readme = (e2e.LAB_DIR.parent / "README.md").read_text()
    scenario = e2e.BY_NAME["go-readme"]
    plan1 = next(o for o in matrix("go-readme").outcomes if o.label == "plan 1")
    assert plan1.status == e2e.RAN, plan1.detail
    dockerfile = e2e.ask(scenario, "--format", "dockerfile", "--plan", "1")
    shown = "\n".join("    " + line if line else "" for line in dockerfile.rstrip("\n").splitlines())
    assert shown in readme, f"README.md's example is not the Dockerfile the matrix built:\n{dockerfile}"


def test_mi154_to_mi156_are_each_shown_failing_without_the_change_that_passed_them(matrix):
    """They never reject an image (a change supplies the CA bundle, zone data or passwd), so the proof that they
    matter is a plan built without that change: it must fail with the rule's signature, on some scenario each."""
    shown = {o.label for s in e2e.SCENARIOS for o in matrix(s.name).outcomes
             if o.kind == "without" and o.status == e2e.PREDICTED}
    assert shown == {"MI154", "MI155", "MI156"}


def test_the_java_jar_runs_on_distroless_java_and_temurin(matrix):
    ran = {o.image for o in matrix("java-jar").outcomes if o.kind == "plan" and o.status == e2e.RAN}
    assert {"gcr.io/distroless/java21-debian13", "eclipse-temurin:21-jre"} <= ran
    # a Java 21 jar runs on a later JRE too: MI153 offers the Java 25 images, and they ran it
    assert {"gcr.io/distroless/java25-debian13", "eclipse-temurin:25-jre"} <= ran


def test_the_jni_jar_loads_its_library_on_the_glibc_jres(matrix):
    outcomes = matrix("java-jni").outcomes
    ran = {o.image for o in outcomes if o.kind == "plan" and o.status == e2e.RAN}
    assert {"gcr.io/distroless/java21-debian13", "eclipse-temurin:21-jre"} <= ran


def test_the_jlink_runtime_runs_on_distroless_java_base_and_cc(matrix):
    outcomes = matrix("java-jlink").outcomes
    ran = {o.image for o in outcomes if o.kind == "plan" and o.status == e2e.RAN}
    assert {"gcr.io/distroless/java-base-debian13", "gcr.io/distroless/cc-debian13", "debian:trixie-slim"} <= ran
    bookworm = next(o for o in outcomes if o.kind == "plan" and o.image == "debian:bookworm-slim")
    assert bookworm.status == e2e.NOT_PROVEN and "GLIBC_2.38" in bookworm.detail
    predicted = {o.image for o in outcomes if o.kind == "rejected" and o.status == e2e.PREDICTED}
    assert {"scratch", "gcr.io/distroless/static-debian13"} <= predicted  # no glibc loader (MI150)
    for o in outcomes:
        if o.kind == "rejected" and o.label == "MI152":  # Debian's runtime links what Temurin's does not
            assert o.status == e2e.NOT_PROVEN and "libstdc++.so.6" in o.detail, o


def test_the_java25_jar_runs_on_distroless_java25_and_temurin_25(matrix):
    outcomes = matrix("java25-jar").outcomes
    ran = {o.image for o in outcomes if o.kind == "plan" and o.status == e2e.RAN}
    assert {"gcr.io/distroless/java25-debian13", "eclipse-temurin:25-jre"} <= ran
    older = {o.image: o for o in outcomes if o.kind == "rejected" and o.label == "MI153" and "21" in o.image}
    assert set(older) == {"gcr.io/distroless/java21-debian13", "eclipse-temurin:21-jre"}
    for o in older.values():  # a Java 25 jar on a Java 21 JRE: the class file is too new
        assert o.status == e2e.PREDICTED and "UnsupportedClassVersionError" in o.detail, o
