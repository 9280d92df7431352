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
    assert {a["fact"]: a["assumed"] for a in data["assumptions"]}["java_version"] == "25"
    assert images(data)[:2] == ["dhi.io/eclipse-temurin:25-debian13", "gcr.io/distroless/java25-debian13"]
    assert "FROM maven:3-eclipse-temurin-25 AS build" in plan_on(data, "gcr.io/distroless/java25-debian13")["dockerfile"]
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


def test_hardened_and_chainguard_python_build_their_virtualenv_with_their_own_interpreter():
    data = consult(language="python", python_version="3.14", native_deps="yes", musl_builds="no", needs_shell="no",
                   **QUIET)
    dhi = plan_on(data, "dhi.io/python:3.14-debian13")
    assert "FROM dhi.io/python:3.14-debian13-dev AS build" in dhi["dockerfile"]
    assert any("docker login dhi.io" in c for c in dhi["caveats"])
    chainguard = plan_on(data, "cgr.dev/chainguard/python")
    assert "FROM cgr.dev/chainguard/python:latest-dev AS build" in chainguard["dockerfile"]
    assert "USER root" in chainguard["dockerfile"].split("FROM cgr.dev/chainguard/python\n")[0]
    assert chainguard["entrypoint"] == ["/venv/bin/python", "main.py"]  # the image's own entrypoint is /usr/bin/python
    assert any(":latest tag follows the newest release" in c for c in chainguard["caveats"])
    # the official slim image's virtualenv is never put on them, and 3.15 has no hardened or Chainguard plan
    rejected = {(r["image"], r["strategy"]): r["reason"] for r in data["rejected"]}
    assert rejected[("dhi.io/python:3.14-debian13", "python314-official-glibc")] == \
        "needs the python3.14 runtime; it has python3.14-dhi"
    newer = consult(language="python", python_version="3.15", native_deps="yes", musl_builds="no", needs_shell="no")
    assert not [i for i in images(newer) if i.startswith(("dhi.io/", "cgr.dev/chainguard/python"))]


def test_images_without_a_package_manager_cannot_take_a_named_library_the_slim_image_installs():
    data = consult(language="python", python_version="3.14", native_deps="yes", musl_builds="no", needs_shell="no",
                   native_libs="libpq", tls="no", named_user="no", timezones="yes")
    assert images(data) == ["python:3.14-slim"]
    assert "libpq5" in data["plans"][0]["dockerfile"]
    rejected = {(r["image"], r["strategy"]): r["reason"] for r in data["rejected"]}
    for image, strategy in (("cgr.dev/chainguard/python", "python-chainguard"),
                            ("dhi.io/python:3.14-debian13", "python314-dhi")):
        assert rejected[(image, strategy)] == "lacks libpq.so.5, and has no package manager to add them"


def test_node_26_runs_on_hardened_debian_and_alpine_and_on_chainguard_by_path_lookup():
    glibc = consult(language="node", native_deps="yes", musl_builds="no", needs_shell="no")
    dhi = plan_on(glibc, "dhi.io/node:26-debian13")
    assert dhi["cmd"] == ["node", "server.js"]  # the hardened image's node is found on PATH
    assert "FROM node:26-trixie-slim AS build" in dhi["dockerfile"]
    assert plan_on(glibc, "cgr.dev/chainguard/node")["cmd"] == ["server.js"]  # its ENTRYPOINT is /usr/bin/node
    pure = consult(language="node", native_deps="no", needs_shell="no")
    assert "dhi.io/node:26-alpine3.24" in images(pure)
    arm = consult(language="node", native_deps="no", needs_shell="no", platform="s390x")
    assert not [i for i in images(arm) if i.startswith(("dhi.io/", "cgr.dev/"))]  # amd64 and arm64 only
