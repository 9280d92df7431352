"""`minimage-ask verify --engine podman` against a real Podman and faithful images (issue 8 item 5).

Podman runs daemonless with a private store and configuration in a temporary directory (the settings this VM needs,
/work/shared/ENGINE.md: runc, cgroupfs, no default ulimits). The faithful images are the lab's roots
(lab/images.py), imported with `podman import` under their real, fully qualified names and configs.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from lab import images as IM

pytestmark = pytest.mark.timeout(1800)

CONTAINERS_CONF = """[containers]
default_ulimits = []

[engine]
cgroup_manager = "cgroupfs"
runtime = "runc"
"""


@pytest.fixture(scope="module")
def podman(tmp_path_factory):
    if shutil.which("podman") is None:
        pytest.skip("podman is not installed (scripts/setup installs it as root: apt-get install podman runc)")
    if os.geteuid() != 0:
        pytest.skip("the faithful images are built as root (dpkg-deb ownerships, chroot)")
    d = tmp_path_factory.mktemp("podman")
    (d / "containers.conf").write_text(CONTAINERS_CONF)
    (d / "storage.conf").write_text(f'[storage]\ndriver = "vfs"\ngraphroot = "{d}/root"\nrunroot = "{d}/run"\n')
    env = dict(os.environ, CONTAINERS_CONF=str(d / "containers.conf"),
               CONTAINERS_STORAGE_CONF=str(d / "storage.conf"))
    env.pop("DOCKER_HOST", None)
    probe = subprocess.run(["podman", "info", "--format", "{{.Version.Version}}"], capture_output=True, text=True,
                           env=env, timeout=120)
    if probe.returncode != 0:
        pytest.skip(f"podman does not start here: {(probe.stderr or probe.stdout).strip()[-300:]}")
    yield env
    subprocess.run(["podman", "system", "reset", "--force"], capture_output=True, env=env, timeout=300)


def _import(env: dict, ref: str) -> None:
    """The faithful image of `ref`, imported into podman under its fully qualified name."""
    recipe = IM.recipe_for(ref)
    rootfs = IM.rootfs_of(recipe)
    name = ref if "/" in ref.split(":")[0] and "." in ref.split("/")[0] else f"docker.io/library/{ref}"
    changes = [a for c in IM.changes(recipe) for a in ("--change", c)]
    tar = subprocess.Popen(["tar", "-C", str(rootfs), "-c", "."], stdout=subprocess.PIPE)
    res = subprocess.run(["podman", "import", *changes, "-", name], stdin=tar.stdout, capture_output=True,
                         text=True, env=env, timeout=600)
    tar.stdout.close()
    tar.wait()
    assert res.returncode == 0, res.stderr



def _verify(env: dict, binary: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "shell", "verify", str(binary), "--engine", "podman",
                           "--answer", "tls=no", "--answer", "timezones=no", "--answer", "named_user=yes",
                           "--answer", "needs_shell=no", *args], capture_output=True, text=True, env=env, timeout=900,
                          stdin=subprocess.DEVNULL)


def test_podman_verify_builds_and_runs_the_recommended_image(podman, binary):
    _import(podman, "busybox:glibc")
    res = _verify(podman, binary)
    assert res.returncode == 0, res.stdout + res.stderr
    assert "Verified: selfcheck runs on busybox:glibc" in res.stdout


def test_podman_verify_shows_the_predicted_failure_without_a_loader(podman, binary):
    _import(podman, "gcr.io/distroless/static-debian13")
    res = _verify(podman, binary, "--image", "gcr.io/distroless/static-debian13")
    assert res.returncode == 1, res.stdout + res.stderr
    assert "expects it to fail on gcr.io/distroless/static-debian13: MI150" in res.stdout
    assert "Failed: selfcheck on gcr.io/distroless/static-debian13" in res.stdout
    assert "no such file or directory" in res.stdout.lower()
