"""`minimage-ask verify` against the real engine and faithful images (tests/test_verify.py covers a fake docker)."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from lab import images as IM

# A cold run builds the images a scenario needs inside the test (debootstrap, apt, docker build): minutes, not
# the suite's 300 s; still bounded, so a hang fails the test.
pytestmark = pytest.mark.timeout(1800)



def _verify(engine, binary: Path, *args: str) -> subprocess.CompletedProcess:
    env = dict(engine.environ)  # DOCKER_HOST of the engine, classic builder
    env["PATH"] = os.path.dirname(engine.docker) + os.pathsep + env.get("PATH", "")
    return subprocess.run([sys.executable, "-m", "shell", "verify", str(binary), "--answer", "tls=no",
                           "--answer", "timezones=no", "--answer", "named_user=yes", "--answer", "needs_shell=no",
                           *args], capture_output=True, text=True, env=env, timeout=600, stdin=subprocess.DEVNULL)


def test_verify_builds_and_runs_the_recommended_image(engine, binary):
    IM.ensure(engine, "busybox:glibc")
    res = _verify(engine, binary)
    assert res.returncode == 0, res.stdout + res.stderr
    assert "Verified: selfcheck runs on busybox:glibc" in res.stdout


def test_verify_shows_the_predicted_failure_on_an_image_without_a_loader(engine, binary):
    IM.ensure(engine, "gcr.io/distroless/static-debian13")
    res = _verify(engine, binary, "--image", "gcr.io/distroless/static-debian13")
    assert res.returncode == 1, res.stdout + res.stderr
    assert "expects it to fail on gcr.io/distroless/static-debian13: MI150" in res.stdout
    assert "Failed: selfcheck on gcr.io/distroless/static-debian13" in res.stdout
    assert "no such file or directory" in res.stdout
    assert "Diagnosis (" in res.stdout
