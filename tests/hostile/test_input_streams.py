"""Class: hostile bytes on stdin, in answers files, in arguments and file names, under strict UTF-8 locales.
Every case is a clear error (exit 2) or a normal result: never exit 70, never a traceback, never a hang."""
import os
import shutil
import subprocess
import sys

import pytest

from .conftest import GO, ROOT, run_cli

STRICT = {"LC_ALL": "C.UTF-8", "PYTHONIOENCODING": "utf-8:strict", "PYTHONPATH": str(ROOT)}


def proc(*argv, stdin=b"", env=None, **kw):
    environ = dict(os.environ, **{**STRICT, **(env or {})})
    p = subprocess.run([sys.executable, "-m", "shell", *argv], input=stdin, capture_output=True, env=environ,
                       timeout=60, **kw)
    assert b"Traceback" not in p.stderr and b"internal error" not in p.stderr, p.stderr
    assert p.returncode in (0, 1, 2), (p.returncode, p.stderr)
    return p


def test_stdin_of_zeros_ends_with_the_line_cap():
    with open("/dev/zero", "rb") as zero:
        p = subprocess.run([sys.executable, "-m", "shell"], stdin=zero, capture_output=True, timeout=60,
                           env=dict(os.environ, **STRICT))
    assert p.returncode == 2 and b"stdin line 1: longer than" in p.stderr


def test_stdin_over_the_total_cap_is_refused():
    p = proc(stdin=b"# a comment that is long enough\n" * 40000)
    assert p.returncode == 2 and b"larger than the 1 MiB cap" in p.stderr


def test_a_bom_on_stdin_and_in_an_answers_file_is_not_part_of_the_answer(tmp_path):
    p = proc("--format", "json", stdin=b"\xef\xbb\xbfgo\nno\n")
    assert p.returncode in (0, 1) and b'"value": "go"' in p.stdout, p.stderr
    for text in (b"\xef\xbb\xbflanguage=go\ncgo=no\n", b"\xef\xbb\xbflanguage: go\ncgo: no\n"):
        (tmp_path / "a").write_bytes(text)
        status, out, err = run_cli("--answers", tmp_path / "a", "--format", "json")
        assert status in (0, 1) and '"value": "go"' in out, err


@pytest.mark.parametrize("text,expected", [
    ("# answers\nlanguage=go\ncgo=no\n", None),                       # a comment first: still lines
    ("language: go\ncgo: no  # not=this\n", None),                     # YAML with '=' in a comment
    ("url: http://x?a=b\nlanguage: go\n", "unknown fact 'url'"),      # YAML whose lines all contain '='
    ("language=go\ncgo: no\n", ":2: expected FACT=VALUE like line 1, got 'cgo: no'"),  # mixed: the line is named
    ("language:\ncgo: no\n", ":1: the answer to 'language' must be a value, not nothing"),
    ("language: [go, c]\n", ":1: the answer to 'language' must be a value, not a list"),
    ("just words\n", ":1: expected FACT=VALUE lines or a YAML mapping"),
])
def test_the_answers_file_format_is_decided_by_every_line(tmp_path, text, expected):
    answers = tmp_path / "answers"
    answers.write_text(text)
    status, out, err = run_cli("--answers", answers, "--format", "json")
    if expected is None:
        assert status in (0, 1) and '"value": "go"' in out, err
    else:
        assert status == 2 and expected in err and err.count("\n") == 1, err


def test_invalid_utf8_everywhere_under_a_strict_locale(tmp_path):
    proc("--answer", b"language=\xff".decode("utf-8", "surrogateescape"))
    p = proc(stdin=b"g\xffo\n")
    assert p.returncode == 2 and b"stdin line 1: not valid UTF-8" in p.stderr
    (tmp_path / "a").write_bytes(b"language=g\xffo\n")
    p = proc("--answers", str(tmp_path / "a"))
    assert p.returncode == 2 and b"not UTF-8 text: byte 11 of the line" in p.stderr
    p = proc("diagnose", stdin=b"exec /app\xff: no such file or directory\n")
    assert p.returncode in (0, 2)
    p = proc("lint", "-", stdin=b"FROM scratch\nCOPY \xff /\n")
    assert p.returncode in (0, 1, 2)


def test_a_binary_whose_name_is_not_utf8_is_inspected(tmp_path):
    name = os.path.join(os.fsencode(tmp_path), b"app\xff")
    shutil.copy(sys.executable, name)
    for env in ({"LC_ALL": "C"}, {}):
        p = proc("inspect", os.fsdecode(name), "--format", "json", env=env)
        assert p.returncode in (0, 1), p.stderr
        p = proc("inspect", os.fsdecode(name), env=env)
        assert p.returncode in (0, 1) and b"app\\udcff" in p.stdout, p.stderr


def test_closed_stdin_in_every_mode():
    for argv in ([], ["diagnose"], ["lint", "-"], GO):
        p = subprocess.run(["sh", "-c", 'exec "$@" <&-', "sh", sys.executable, "-m", "shell", *argv],
                           capture_output=True, timeout=60, env=dict(os.environ, **STRICT))
        assert p.returncode in (0, 1, 2) and b"Traceback" not in p.stderr and b"internal" not in p.stderr, \
            (argv, p.returncode, p.stderr)
