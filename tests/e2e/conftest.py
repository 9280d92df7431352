"""The end-to-end tests: a real Docker engine, faithful images, generated Dockerfiles built and run.

The engine is the one DOCKER_HOST names, or a private dockerd this session starts (as root) and stops by its pid at
the end (lab/engine.py). Without either, every test here skips and says why. Images are built once per engine data
root (${XDG_CACHE_HOME:-~/.cache}/minimage/engine) and reused by later runs.
"""
from __future__ import annotations

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
