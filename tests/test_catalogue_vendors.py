"""Images users pick beyond the official and distroless ones: Red Hat UBI, Docker Hardened Images, Chainguard's
language images, and the Java 17/25 JRE images; each offered where it fits, ranked by size, and judged by the
planner's checks (what the user sees in `minimage-ask` output)."""

import io
import json

from shell.cli import Env, main

QUIET = {"tls": "no", "timezones": "no", "named_user": "no"}


def consult(**answers):
    out, err = io.StringIO(), io.StringIO()
    argv = [a for f, v in answers.items() for a in ("--answer", f"{f}={v}")]
    status = main([*argv, "--format", "json"], Env(stdin=io.StringIO(""), stdout=out, stderr=err))
    assert status == 0, err.getvalue()
    return json.loads(out.getvalue())


def plan_on(data, image):
    (plan,) = [p for p in data["plans"] if p["final_image"] == image]
    return plan


def images(data):
    return [p["final_image"] for p in data["plans"]]


def test_ubi_micro_is_offered_for_a_glibc_program_with_a_shell_and_gets_a_ca_bundle_copied_in():
    data = consult(language="c", static_ok="no", native_deps="no", needs_shell="yes", **{**QUIET, "tls": "yes"})
    found = images(data)
    micro9, minimal9 = "registry.access.redhat.com/ubi9/ubi-micro", "registry.access.redhat.com/ubi9/ubi-minimal"
    assert found.index(micro9) < found.index(minimal9)  # ranked by size: micro has no package manager
    plan = plan_on(data, micro9)
    assert "COPY --from=build /etc/ssl/certs/ca-certificates.crt" in plan["dockerfile"]
    assert plan["build_image"].endswith("bullseye")  # glibc 2.34: built on a Debian release no newer than that
    assert "linux/riscv64" not in plan["dockerfile"].splitlines()[2]


def test_ubi_minimal_installs_named_libraries_with_microdnf_and_ubi_micro_cannot():
    data = consult(language="cpp", static_ok="no", native_deps="yes", native_libs="libsqlite3", needs_shell="yes",
                   **QUIET)
    plan = plan_on(data, "registry.access.redhat.com/ubi10/ubi-minimal")
    assert "RUN microdnf install -y --nodocs sqlite-libs && microdnf clean all" in plan["dockerfile"]
    assert "registry.access.redhat.com/ubi10/ubi-micro" not in images(data)


def test_java_version_picks_the_jre_of_that_release_and_defaults_to_25():
    data = consult(language="java", native_deps="no", needs_shell="no")
    assert data["plans"][0]["final_image"] == "gcr.io/distroless/java25-debian13"
    assert {a["fact"]: a["assumed"] for a in data["assumptions"]}["java_version"] == "25"
    assert "FROM maven:3-eclipse-temurin-25 AS build" in data["plans"][0]["dockerfile"]
    old = consult(language="java", java_version="17", native_deps="no", needs_shell="yes")
    assert old["plans"][0]["final_image"] == "eclipse-temurin:17-jre-alpine"
    assert "gcr.io/distroless/java25-debian13" not in images(old)
    jni = consult(language="java", java_version="17", native_deps="yes", needs_shell="no")
    assert jni["plans"][0]["final_image"] == "gcr.io/distroless/java17-debian13"
    assert "eclipse-temurin:17-jre-alpine" not in images(jni)  # musl JVM, glibc JNI library


def test_the_temurin_ubi_jre_serves_amd64_only():
    data = consult(language="java", java_version="25", native_deps="no", needs_shell="yes")
    assert "eclipse-temurin:25-jre-ubi10-minimal" in images(data)
    arm = consult(language="java", java_version="25", native_deps="no", needs_shell="yes", platform="arm64")
    assert "eclipse-temurin:25-jre-ubi10-minimal" not in images(arm)
