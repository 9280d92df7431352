"""Shebang parsing."""

from __future__ import annotations

import os

import pytest

from kb.evidence.errors import EvidenceError
from kb.evidence.script import inspect_script, parse_shebang


def test_plain_sh(tmp_path):
    p = tmp_path / "a.sh"
    p.write_bytes(b"#!/bin/sh\necho hi\n")
    r = inspect_script(p)
    assert r.interpreter == "/bin/sh" and r.program == "/bin/sh" and r.family == "shell"
    assert r.needs_shell == "/bin/sh" and not r.crlf and r.problems == ()


def test_env_python():
    r = parse_shebang(b"#!/usr/bin/env python3\nprint(1)\n")
    assert r.uses_env and r.program == "python3" and r.family == "python" and r.interpreter == "/usr/bin/env"


def test_env_with_arg_is_one_word_on_linux():
    r = parse_shebang(b"#!/usr/bin/env python3 -u\n")
    assert r.program == "python3" and r.program_args == ("-u",)
    assert any("one word" in p for p in r.problems)


def test_env_split():
    r = parse_shebang(b"#!/usr/bin/env -S node --max-old-space-size=512\n")
    assert r.env_split and r.program == "node" and r.program_args == ("--max-old-space-size=512",)
    assert r.family == "node" and any("busybox" in p for p in r.problems)


def test_crlf_flagged():
    r = parse_shebang(b"#!/bin/bash\r\necho hi\r\n")
    assert r.crlf and r.interpreter == "/bin/bash" and r.needs_shell == "bash"
    assert any("CRLF" in p for p in r.problems)


def test_bom_and_relative():
    r = parse_shebang(b"\xef\xbb\xbf#!python\n")
    assert r.bom and any("BOM" in p for p in r.problems) and any("absolute" in p for p in r.problems)


def test_versioned_interpreter():
    assert parse_shebang(b"#!/usr/bin/python3.11\n").family == "python"


@pytest.mark.parametrize("data", [b"#!\n", b"#!   \n", b"#!/usr/bin/env\n", b"#!/usr/bin/env -i\n"])
def test_malformed(data):
    with pytest.raises(EvidenceError):
        parse_shebang(data)


def test_not_a_script(tmp_path):
    p = tmp_path / "x"
    p.write_bytes(b"\x7fELF")
    with pytest.raises(EvidenceError) as ei:
        inspect_script(p)
    assert ei.value.reason == "not-elf"


def test_special_files(tmp_path):
    f = tmp_path / "fifo"
    os.mkfifo(f)
    for p, reason in ((f, "not-regular"), (tmp_path, "directory"), (tmp_path / "nope", "not-found")):
        with pytest.raises(EvidenceError) as ei:
            inspect_script(p)
        assert ei.value.reason == reason


def test_long_line():
    r = parse_shebang(b"#!/bin/sh " + b"x" * 300)
    assert any("longer" in p for p in r.problems)
