"""What the generated Dockerfiles say: entrypoints (catalogue `entrypoint`) and per-release package names."""
from __future__ import annotations

import re

import pytest

# A cold run builds the images a scenario needs inside the test (debootstrap, apt, docker build): minutes, not
# the suite's 300 s; still bounded, so a hang fails the test.
pytestmark = pytest.mark.timeout(1800)


def _plan(consult, image, **answers):
    result = consult(answers)
    plan = next((p for p in result.plans if p.final_image == image), None)
    assert plan is not None, f"no plan on {image}: {[p.final_image for p in result.plans]}"
    return plan.dockerfile


ALL_NO = dict(native_deps="no", tls="no", timezones="no", named_user="no", needs_shell="no")


def test_distroless_nodejs_gets_only_the_script(consult):
    df = _plan(consult, "gcr.io/distroless/nodejs22-debian13", language="node", node_version="22", **ALL_NO)
    assert df.rstrip().endswith('CMD ["server.js"]'), df
    assert "ENTRYPOINT" not in df


def test_distroless_java_gets_only_the_jar(consult):
    df = _plan(consult, "gcr.io/distroless/java21-debian13", language="java", java_version="21", **ALL_NO)
    assert df.rstrip().endswith('CMD ["/app/app.jar"]'), df


def test_distroless_python_runs_the_virtualenv_python_as_entrypoint(consult):
    df = _plan(consult, "gcr.io/distroless/python3-debian13", language="python", python_version="3.13", **ALL_NO)
    assert df.rstrip().endswith('ENTRYPOINT ["/venv/bin/python3", "main.py"]'), df
    assert not re.search(r"^CMD", df, re.MULTILINE), df


def test_images_without_an_entrypoint_keep_the_whole_command(consult):
    df = _plan(consult, "node:22-slim", language="node", node_version="22", **ALL_NO)
    assert df.rstrip().endswith('CMD ["/usr/local/bin/node", "server.js"]'), df


@pytest.mark.parametrize("image,package", [("debian:bookworm-slim", "libssl3 zlib1g"),
                                           ("debian:trixie-slim", "libssl3t64 zlib1g")])
def test_package_names_follow_the_final_images_debian_release(consult, image, package):
    df = _plan(consult, image, language="c", static_ok="no", native_deps="yes", tls="no", timezones="no",
               named_user="no", needs_shell="no")
    assert f"(e.g. {package})" in df, df
