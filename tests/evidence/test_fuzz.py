"""Bounded property tests: the parsers return a report or raise EvidenceError, never anything else, never hang.

Crashing inputs found by longer sessions (fuzz_corpus/run_fuzz.py) are kept in fuzz_corpus/ and replayed here.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from .fuzz_targets import dockerfile_target, dockerfile_text, elf_target, mutated_elf, seed_elf

CORPUS = Path(__file__).with_name("fuzz_corpus")
SEED = seed_elf()
FUZZ = settings(max_examples=200, deadline=timedelta(seconds=5), derandomize=True,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@FUZZ
@given(st.binary(max_size=2048))
def test_fuzz_elf_random_bytes(data):
    elf_target(data)


@FUZZ
@given(st.binary(max_size=512).map(lambda b: b"\x7fELF" + b))
def test_fuzz_elf_magic_then_random(data):
    elf_target(data)


@FUZZ
@given(mutated_elf(SEED))
def test_fuzz_elf_mutated_real_binary(data):
    elf_target(data)


@FUZZ
@given(dockerfile_text)
def test_fuzz_dockerfile(text):
    dockerfile_target(text)


def _corpus(kind: str):
    d = CORPUS / kind
    return sorted(p for p in d.iterdir() if p.is_file()) if d.is_dir() else []


@pytest.mark.parametrize("path", _corpus("elf"), ids=lambda p: p.name)
def test_corpus_elf(path):
    elf_target(path.read_bytes())


@pytest.mark.parametrize("path", _corpus("dockerfile"), ids=lambda p: p.name)
def test_corpus_dockerfile(path):
    dockerfile_target(path.read_bytes().decode("utf-8", "surrogateescape"))
