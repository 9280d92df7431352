"""Fixtures for the proof-lab tests (lab/ is not installed: put the repo root on sys.path).

Tests that need namespaces skip with lab.sandbox.available()'s reason when not
root; tests of a program skip when its toolchain is missing (lab.build's reason).
Roots and binaries are cached in lab/cache/ (or $MINIMAGE_LAB_CACHE), so a
second run only pays for the sandbox runs.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from lab import build as lab_build  # noqa: E402
from lab import roots as lab_roots  # noqa: E402
from lab import sandbox  # noqa: E402

TEST_ROOTS = lab_roots.CORE_ROOTS


@pytest.fixture(scope="session")
def sandbox_ok():
    ok, why = sandbox.available()
    if not ok:
        pytest.skip(why)
    return True


@pytest.fixture(scope="session")
def built_programs():
    """name -> lab.build.Built (path, or a skip reason)."""
    return lab_build.build_all()


@pytest.fixture(scope="session")
def built_roots():
    """name -> lab.roots.Root for the core roots (built once, then cached)."""
    if os.geteuid() != 0:
        pytest.skip("building image roots needs root (dpkg-deb -x ownerships)")
    results = lab_roots.build_all(TEST_ROOTS)
    failed = {n: r for n, r in results.items() if not isinstance(r, lab_roots.Root)}
    if failed:
        pytest.skip(f"could not build roots {failed} (apt-get update run? Debian registry reachable?)")
    return results


@pytest.fixture(scope="session")
def program(built_programs):
    """program(name) -> path of the built binary, or skip with the toolchain's reason."""

    def get(name: str) -> Path:
        b = built_programs[name]
        if not b.ok:
            pytest.skip(f"{name} not built: {b.skipped}")
        return b.path

    return get
