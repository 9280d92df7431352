"""Fuzz targets shared by the hypothesis tests and fuzz_corpus/run_fuzz.py.

Each target takes one input and returns normally when the parser behaved: a report or an EvidenceError.
Anything else (another exception, a hang caught by the deadline) is a bug.
"""

from __future__ import annotations

import os
import tempfile

from hypothesis import strategies as st

from kb.evidence.dockerfile_parse import parse_dockerfile_text
from kb.evidence.elf import ElfReport, inspect_elf
from kb.evidence.errors import EvidenceError

SEED_PATHS = ("/usr/bin/true", "/bin/true", "/usr/bin/env")


def seed_elf() -> bytes:
    for p in SEED_PATHS:
        if os.path.exists(p):
            with open(p, "rb") as f:
                return f.read()
    return b"\x7fELF\x02\x01\x01" + b"\0" * 57


def elf_target(data: bytes) -> None:
    fd, path = tempfile.mkstemp(prefix="fuzz-elf-")
    try:
        os.write(fd, data)
        os.close(fd)
        try:
            r = inspect_elf(path)
        except EvidenceError as e:
            assert e.message and e.reason
            return
        assert isinstance(r, ElfReport)
        r.to_dict()
    finally:
        os.unlink(path)


def dockerfile_target(text: str) -> None:
    try:
        r = parse_dockerfile_text(text)
    except EvidenceError as e:
        assert e.message and e.reason == "malformed" or e.reason == "too-large"
        return
    assert r.stages
    r.to_dict()


@st.composite
def mutated_elf(draw, seed: bytes):
    data = bytearray(seed)
    n = draw(st.integers(1, 12))
    for _ in range(n):
        pos = draw(st.integers(0, min(len(data), 4096) - 1))   # headers live in the first pages
        data[pos] = draw(st.integers(0, 255))
    if draw(st.booleans()):
        data = data[:draw(st.integers(0, len(data)))]
    return bytes(data)


_WORDS = ["FROM", "RUN", "COPY", "ADD", "ENV", "ARG", "CMD", "ENTRYPOINT", "USER", "SHELL", "WORKDIR", "ONBUILD",
          "HEALTHCHECK", "EXPOSE", "LABEL", "AS", "as", "--from=", "--mount=type=bind,from=", "--platform=", "scratch",
          "alpine:3.20", "a", "b", "0", "1", "${X}", "$Y", "=", '"', "'", "[", "]", '["/app"]', "\\", "\n", "\r\n",
          " ", "\t", "#", "# syntax=docker/dockerfile:1", "<<EOF", "EOF", "<<-X", "X", "`", "escape=`", "&&", "-c"]

dockerfile_text = st.one_of(
    st.text(max_size=400),
    st.lists(st.sampled_from(_WORDS), max_size=60).map(lambda ws: " ".join(ws)),
    st.lists(st.sampled_from(_WORDS), max_size=60).map(lambda ws: "".join(ws)),
    st.lists(st.sampled_from(_WORDS), min_size=1, max_size=20).map(lambda ws: "FROM a AS s\n" + " ".join(ws)),
)
