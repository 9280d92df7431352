"""`minimage-ask verify`: the Docker and Podman paths through a fake `docker` (and `podman`) on PATH that records its
arguments (tests/e2e/test_verify_engine.py and test_verify_podman.py use the real engines)."""
import io
import os
import shutil
import stat
import subprocess

import pytest

from shell.cli import Env, main

FAKE_DOCKER = """#!/bin/sh
echo "$@" >> "$FAKE_DOCKER_LOG"
case "$1" in
  info) [ "$FAKE_DOCKER_MODE" = down ] && { echo "Cannot connect to the Docker daemon" >&2; exit 1; }; echo 27.3 ;;
  build) [ -f "$5/Dockerfile" ] && cp "$5/Dockerfile" "$FAKE_DOCKER_LOG.Dockerfile"; echo sha256:0123 ;;
  run) case "$FAKE_DOCKER_MODE" in
         fails) echo "exec /app: no such file or directory" >&2; exit 127 ;;
         hangs) sleep 30 ;;
         *) echo hi ;;
       esac ;;
  rmi) ;;
esac
"""


@pytest.fixture(scope="module")
def binary(tmp_path_factory):
    if not shutil.which("gcc"):
        pytest.skip("gcc not installed (apt-get install gcc)")
    d = tmp_path_factory.mktemp("bin")
    (d / "hello.c").write_text('#include <stdio.h>\nint main(void){puts("hi");return 0;}\n')
    subprocess.run(["gcc", "-o", str(d / "hello"), str(d / "hello.c")], check=True)
    return d / "hello"


def run(tmp_path, mode, *argv):
    bindir = tmp_path / "fakebin"
    bindir.mkdir(exist_ok=True)
    for name in ("docker", "podman"):  # the same fake answers as either client
        client = bindir / name
        client.write_text(FAKE_DOCKER)
        client.chmod(client.stat().st_mode | stat.S_IEXEC)
    log = tmp_path / "docker.log"
    environ = dict(os.environ, PATH=f"{bindir}:/usr/bin:/bin", FAKE_DOCKER_LOG=str(log), FAKE_DOCKER_MODE=mode)
    out, err = io.StringIO(), io.StringIO()
    status = main(["verify", *argv], Env(stdin=io.StringIO(""), stdout=out, stderr=err, environ=environ))
    calls = log.read_text().splitlines() if log.exists() else []
    return status, out.getvalue(), err.getvalue(), calls, log


def test_runs_the_recommended_dockerfile_and_reports_success(tmp_path, binary):
    status, out, _, calls, log = run(tmp_path, "up", str(binary), "--answer", "needs_shell=yes",
                                     "--answer", "tls=no", "--answer", "timezones=no", "--answer", "named_user=no")
    assert status == 0 and out == "Verified: hello runs on busybox:glibc (exit 0).\n"
    assert [c.split()[0] for c in calls] == ["info", "build", "run", "rmi"]
    tag = calls[1].split()[3]
    assert calls[2] == f"run --rm --network none {tag}" and calls[3] == f"rmi --force {tag}"
    dockerfile = (tmp_path / "docker.log.Dockerfile").read_text()
    assert "FROM busybox:glibc" in dockerfile and "COPY hello /app" in dockerfile


def test_a_failure_is_reported_with_its_diagnosis(tmp_path, binary):
    status, out, _, calls, _ = run(tmp_path, "fails", str(binary), "--image", "alpine:3.24")
    assert status == 1
    assert out.startswith("The rule base expects it to fail on alpine:3.24: MI150")
    assert "Failed: hello on alpine:3.24 exited with status 127." in out
    assert "Diagnosis (MI501" in out
    assert calls[-1].startswith("rmi --force")


def test_a_program_still_running_at_the_timeout_has_started(tmp_path, binary):
    status, out, _, _, _ = run(tmp_path, "hangs", str(binary), "--timeout", "1", "--answer", "needs_shell=yes")
    assert status == 0 and "was still running after 1 s" in out


def test_without_an_engine_it_says_it_cannot_verify_and_how_to(tmp_path, binary):
    status, out, _, calls, _ = run(tmp_path, "down", str(binary))
    assert status == 69 and calls == ["info --format {{.ServerVersion}}", "info --format {{.Version.Version}}"]
    assert out.startswith("Cannot verify hello on ") and "no docker engine is reachable" in out
    assert "no podman engine is reachable" in out
    assert "docker build -t hello-check . && docker run --rm hello-check" in out and "COPY hello /app" in out


def test_the_engine_asked_for_is_the_only_one_tried(tmp_path, binary):
    status, out, _, calls, _ = run(tmp_path, "down", str(binary), "--engine", "podman")
    assert status == 69 and calls == ["info --format {{.Version.Version}}"]
    assert "podman build -t hello-check . && podman run --rm hello-check" in out and "docker build" not in out


def test_podman_builds_and_runs_as_docker_does(tmp_path, binary):
    status, out, _, calls, _ = run(tmp_path, "up", str(binary), "--answer", "needs_shell=yes", "--answer", "tls=no",
                                   "--answer", "timezones=no", "--answer", "named_user=no", "--engine", "podman")
    assert status == 0 and out == "Verified: hello runs on busybox:glibc (exit 0).\n"
    assert [c.split()[0] for c in calls] == ["info", "build", "run", "rmi"]
    assert calls[0] == "info --format {{.Version.Version}}"


def test_without_docker_at_all(tmp_path, binary):
    out, err = io.StringIO(), io.StringIO()
    status = main(["verify", str(binary)], Env(stdin=io.StringIO(""), stdout=out, stderr=err,
                                              environ=dict(os.environ, PATH=str(tmp_path))))
    assert status == 69 and "there is no docker command on PATH" in out.getvalue()


def test_verify_refuses_what_is_not_a_binary(tmp_path):
    script = tmp_path / "run.sh"
    script.write_text("#!/bin/sh\necho hi\n")
    status, _, err, _, _ = run(tmp_path, "up", str(script))
    assert status == 2 and "verify runs ELF binaries; this is a script" in err
