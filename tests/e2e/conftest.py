"""The end-to-end tests: a real Docker engine, faithful images, generated Dockerfiles built and run.

The engine is the one DOCKER_HOST names, or a private dockerd this session starts (as root) and stops by its pid at
the end (lab/engine.py). Without either, every test here skips and says why. Images are built once per engine data
root (${XDG_CACHE_HOME:-~/.cache}/minimage/engine) and reused by later runs.
"""
from __future__ import annotations

import shutil
import subprocess

import pytest

from lab import e2e
from lab.engine import Engine, EngineUnavailable


@pytest.fixture(scope="session")
def engine():
    try:
        eng = Engine.acquire()
    except EngineUnavailable as e:
        pytest.skip(f"no Docker engine: {e}")
    yield eng
    try:
        e2e.prune(eng)
    finally:
        eng.release()


@pytest.fixture(scope="session")
def matrix(engine):
    """scenario name -> lab.e2e.ScenarioResult, each scenario run once per session."""
    done: dict[str, e2e.ScenarioResult] = {}

    def get(name: str) -> e2e.ScenarioResult:
        if name not in done:
            done[name] = e2e.run_scenario(engine, e2e.BY_NAME[name])
        return done[name]

    return get


@pytest.fixture(scope="module")
def binary(tmp_path_factory):
    """The C sample's self-check, compiled here (dynamic glibc), checking its user: what the verify tests run."""
    if not shutil.which("gcc"):
        pytest.skip("gcc not found (scripts/setup installs it as root)")
    d = tmp_path_factory.mktemp("verify")
    shutil.copy(e2e.SAMPLES / "c" / "main.c", d)
    (d / "checks.h").write_text('#define CHECKS "user"\n')
    subprocess.run(["gcc", "-O2", "-o", str(d / "selfcheck"), str(d / "main.c")], check=True, cwd=d)
    return d / "selfcheck"
