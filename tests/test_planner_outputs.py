"""What kb.planner makes of the facts it is given, as a user reads it in a plan (issue 15's mutation testing:
tests/mutation-survivors.md)."""
import pytest

import kb
from kb import Fact, Justification

NOTHING_ELSE = {"tls": "no", "timezones": "no", "named_user": "no", "needs_shell": "no"}


@pytest.fixture(scope="module")
def rb():
    return kb.load()


def evidence(**facts):
    return [Justification(Fact(name, value), "evidence", note="test")
            for name, values in facts.items() for value in (values if isinstance(values, list) else [values])]


def test_a_binary_needing_several_glibc_versions_is_judged_by_the_newest_by_version_not_by_text(rb):
    """GLIBC_2.9 sorts after GLIBC_2.38 as text and before it as a version: the binary needs 2.38."""
    shown = evidence(binary_libc="glibc", binary_name="app", binary_needs="libc.so.6",
                     binary_glibc=["2.9", "2.38", "2.17"])
    result = rb.consult(NOTHING_ELSE, shown)
    assert [j.conclusion for j in result.best.justification if j.rule_id == "MI151"] == \
        ["its glibc 2.41 is at least the 2.38 the binary needs"]
    older = [r for r in result.rejected if r.rule_id == "MI151" and r.strategy == "prebuilt-binary"]
    assert older and all(r.reason.startswith("needs glibc 2.38, but the image has 2.3") for r in older), older
    assert {r.reason[-4:] for r in older} == {"2.36", "2.34"}  # Debian 12 and RHEL 9 (UBI 9)


def test_what_a_plans_changes_add_is_shown_in_what_the_final_image_provides(rb):
    """A Go TLS client with zone data on scratch: the CA bundle and the zone data come from the build stage, so the
    plan says the final image will hold them ("added"); what no change adds stays as the image has it."""
    result = rb.consult({"language": "go", "cgo": "no", "go_net": "no", "tls": "yes", "timezones": "yes",
                         "named_user": "no", "needs_shell": "no"})
    best = result.best
    assert best.final_image == "scratch"
    assert {k: best.provides[k] for k in ("ca_certificates", "tzdata", "passwd", "shell")} == \
        {"ca_certificates": "added", "tzdata": "added", "passwd": False, "shell": "none"}


def test_a_named_user_is_the_one_the_plan_adds_or_the_image_has(rb):
    """named_user = yes: on scratch the plan adds /etc/passwd (provides says so) and runs as its nonroot; busybox
    has passwd and no nonroot user of its own, so the plan runs as nobody; distroless has nonroot."""
    result = rb.consult({"language": "go", "cgo": "no", "go_net": "yes", "tls": "yes", "timezones": "yes",
                         "named_user": "yes", "needs_shell": "no"})
    plans = {p.final_image: p for p in result.plans}
    assert (plans["scratch"].provides["passwd"], plans["scratch"].user) == ("added", "nonroot")
    assert (plans["busybox:musl"].provides["passwd"], plans["busybox:musl"].user) == (True, "nobody")
    assert "USER nobody" in plans["busybox:musl"].dockerfile
    assert plans["gcr.io/distroless/static-debian13"].user == "nonroot"
