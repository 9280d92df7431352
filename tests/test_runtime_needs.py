"""Run-time needs that bite (issue 12 item 5): asked only where they matter, answered as caveats on the plans."""
import pytest

GO = {"language": "go", "cgo": "no", "go_net": "no", "tls": "no", "timezones": "no", "named_user": "no",
      "needs_shell": "no", "platform": "amd64"}


def caveats_on(result, image):
    """The caveats of the plans on an image, which must be offered (no caveat on an absent plan proves nothing)."""
    plans = [p for p in result.plans if p.final_image == image]
    assert plans, (image, [p.final_image for p in result.plans])
    return [c for p in plans for c in p.caveats]


def asked(rb, answers):
    session = rb.session(answers)
    out = []
    while (q := session.next_question()) is not None:
        out.append(q.id)
        session.answer(q.id, "unknown")
    return out


def test_every_catalogue_image_lists_its_platforms_and_where_they_come_from(rb):
    for image in rb.knowledge.images.values():
        assert image.platforms and "amd64" in image.platforms, image.ref
        assert image.platforms_source, image.ref


def test_healthcheck_yes_warns_where_no_program_can_run_it(rb):
    result = rb.consult({**GO, "healthcheck": "yes"})
    assert any("no curl, wget or shell for a HEALTHCHECK" in c for c in caveats_on(result, "scratch"))
    assert not any("HEALTHCHECK" in c for c in caveats_on(result, "busybox:musl"))  # busybox has wget
    assert not any("HEALTHCHECK" in c for c in caveats_on(rb.consult({**GO, "healthcheck": "no"}), "scratch"))
    py = rb.consult({"language": "python", "native_deps": "yes", "musl_builds": "no", "healthcheck": "yes"})
    assert any("no curl or wget for a HEALTHCHECK; install one" in c for c in caveats_on(py, "python:3.15-slim"))


def test_fips_is_asked_for_a_compiled_program_that_needs_a_ca_bundle_and_for_every_interpreted_one(rb):
    assert "fips" in asked(rb, {**GO, "tls": "yes"})
    assert "fips" not in asked(rb, GO)
    for language in ("python", "node", "java"):
        assert "fips" in asked(rb, {"language": language}), language
    result = rb.consult({**GO, "tls": "yes", "fips": "yes"})
    assert result.plans and all(any("FIPS 140 validated" in c for c in p.caveats) for p in result.plans)


def test_fonts_are_asked_for_python_node_and_java_only(rb):
    assert "fonts" in asked(rb, {"language": "java"})
    assert "fonts" not in asked(rb, GO)
    result = rb.consult({"language": "java", "java_version": "21", "native_deps": "no", "needs_shell": "no",
                         "fonts": "yes"})
    assert "gcr.io/distroless/java21-debian13" in [p.final_image for p in result.plans]
    assert not any("no fonts" in c for c in caveats_on(result, "gcr.io/distroless/java21-debian13"))  # DejaVu
    node = rb.consult({"language": "node", "native_deps": "no", "fonts": "yes"})
    assert any("no fonts and no locales beyond C.UTF-8" in c for c in caveats_on(node, "node:26-alpine"))


@pytest.mark.parametrize("language,warned", [("node", True), ("python", True), ("c", True), ("go", False),
                                             ("java", False)])
def test_pid_1_signal_caveat_where_the_runtime_does_not_handle_sigterm(rb, language, warned):
    result = rb.consult({"language": language})
    assert result.plans
    has = [any("PID 1" in c and "docker run --init" in c for c in p.caveats) for p in result.plans]
    assert all(has) if warned else not any(has)


def test_only_scratch_plans_say_it_has_no_tmp(rb):
    result = rb.consult(GO)
    for plan in result.plans:
        assert any("scratch has no /tmp" in c for c in plan.caveats) == (plan.final_image == "scratch")


@pytest.mark.parametrize("language,extra,says", [
    ("python", {"native_deps": "no"}, "No FIPS plan for Python here"),
    ("node", {"native_deps": "no"}, "node --enable-fips"),
    ("java", {"native_deps": "no"}, "Bouncy Castle's bc-fips"),
])
def test_fips_yes_tells_each_interpreted_language_its_route_on_every_plan(rb, language, extra, says):
    result = rb.consult({"language": language, "fips": "yes", **extra})
    assert result.plans and all(any(says in c for c in p.caveats) for p in result.plans)
    without = rb.consult({"language": language, "fips": "no", **extra}).plans
    assert without and not any(says in c for p in without for c in p.caveats)


def test_fips_yes_names_ubi_minimal_as_the_validated_openssl_on_a_fips_mode_rhel_host(rb):
    result = rb.consult({"language": "c", "static_ok": "no", "native_deps": "no", "tls": "yes", "fips": "yes",
                         "needs_shell": "yes", "timezones": "no", "named_user": "no"})
    (ubi,) = [p for p in result.plans if p.final_image == "registry.access.redhat.com/ubi10/ubi-minimal"]
    assert any("runs in FIPS mode when the host runs RHEL installed in FIPS mode" in c for c in ubi.caveats)
    others = [p for p in result.plans if "ubi" not in p.final_image]
    assert others and not any("RHEL installed in FIPS mode" in c for p in others for c in p.caveats)
