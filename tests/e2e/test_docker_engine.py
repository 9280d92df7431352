"""The lab's engine management and the faithful images' configuration, against the real engine."""
from __future__ import annotations

import os
import subprocess

import pytest

from lab import images as IM
from lab.engine import Engine, EngineUnavailable

# A cold run builds the images a scenario needs inside the test (debootstrap, apt, docker build): minutes, not
# the suite's 300 s; still bounded, so a hang fails the test.
pytestmark = pytest.mark.timeout(1800)


def test_without_engine_or_root_acquire_says_why(monkeypatch):
    monkeypatch.delenv("DOCKER_HOST", raising=False)
    monkeypatch.setattr(os, "geteuid", lambda: 1000)
    monkeypatch.setattr("shutil.which", lambda name, **kw: "/usr/sbin/dockerd" if name == "dockerd" else None)
    with pytest.raises(EngineUnavailable, match="needs root|not installed"):
        Engine.acquire()


def test_an_unreachable_docker_host_is_reported(monkeypatch, tmp_path):
    if not os.access("/usr/bin/docker", os.X_OK):
        pytest.skip("no docker client (/usr/bin/docker): apt-get install docker.io")
    monkeypatch.setenv("DOCKER_HOST", f"unix://{tmp_path}/nothing.sock")
    with pytest.raises(EngineUnavailable, match="does not answer"):
        Engine.acquire()


def test_the_engine_runs_an_imported_image_offline(engine):
    IM.ensure(engine, "busybox:glibc")
    res = engine.run(["run", "--rm", "--network", "none", "busybox:glibc", "sh", "-c",
                      "ls /lib/libc.so.6 /lib64/ld-linux-x86-64.so.2 && id -un && ip link 2>/dev/null | grep -c UP"])
    assert res.returncode == 0, res.output
    assert "root" in res.stdout


@pytest.mark.parametrize("ref", [r.refs[0] for r in IM.RECIPES.values()])
def test_faithful_image_has_the_upstream_config(engine, ref):
    recipe = IM.ensure(engine, ref)
    cfg = engine.image_config(ref)
    env = dict(e.split("=", 1) for e in cfg.get("Env") or [])
    for k, v in recipe.config.get("Env", {}).items():
        assert env.get(k) == v, f"{ref}: ENV {k}"
    assert (cfg.get("Cmd") or None) == recipe.config.get("Cmd"), ref
    assert (cfg.get("Entrypoint") or None) == recipe.config.get("Entrypoint"), ref
    assert (cfg.get("User") or "") == recipe.config.get("User", ""), ref
    assert (cfg.get("WorkingDir") or "") == recipe.config.get("WorkingDir", ""), ref
    assert recipe.recipe and recipe.differences, f"{ref}: a recipe cites its source and lists its differences"
    for alias in recipe.refs[1:]:
        assert engine.image_labels(alias) == engine.image_labels(ref), alias


def test_distroless_debian13_is_merged_usr_with_the_real_loader_path(engine):
    IM.ensure(engine, "gcr.io/distroless/cc-debian13")
    IM.ensure(engine, "busybox:glibc")
    # no shell in distroless: look inside with busybox's ls, mounting nothing, by exporting the filesystem
    cid = engine.check(["create", "gcr.io/distroless/cc-debian13", "/x"]).stdout.strip()
    try:
        tar = subprocess.run([engine.docker, "export", cid], capture_output=True, env=engine.environ, check=True)
        names = subprocess.run(["tar", "-tvf", "-"], input=tar.stdout, capture_output=True, check=True).stdout.decode()
    finally:
        engine.run(["rm", cid])
    assert " lib64 -> usr/lib64" in names
    assert "usr/lib/x86_64-linux-gnu/libstdc++.so.6" in names
    assert "etc/ssl/certs/ca-certificates.crt" in names
