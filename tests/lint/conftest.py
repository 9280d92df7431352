"""The knowledge every lint test reads: loaded once for the session (lint never changes it)."""
from __future__ import annotations

import pytest

import kb


@pytest.fixture(scope="session")
def knowledge():
    return kb.load().knowledge
