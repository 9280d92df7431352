"""Golden transcripts of script mode: tests/transcripts/NAME.in is standard input, NAME.out the expected standard
output, NAME.err (when present) standard error. A `# exit: N` line in the .in gives the expected exit status (else 0).

After an intended change of wording: `.venv/bin/python scripts/update-transcripts`, then review the diff. The test run
never rewrites them.
"""
import io
import re
from pathlib import Path

import pytest

from shell.cli import Env, main

DIR = Path(__file__).parent / "transcripts"
CASES = sorted(p.stem for p in DIR.glob("*.in"))


@pytest.mark.parametrize("name", CASES)
def test_transcript(name):
    given = (DIR / f"{name}.in").read_text()
    expected_status = int(m.group(1)) if (m := re.search(r"^# exit: (\d+)$", given, re.M)) else 0
    out, err = io.StringIO(), io.StringIO()
    status = main([], Env(stdin=io.StringIO(given), stdout=out, stderr=err, stdin_isatty=False))
    assert status == expected_status, err.getvalue()
    assert out.getvalue() == (DIR / f"{name}.out").read_text()
    err_file = DIR / f"{name}.err"
    assert err.getvalue() == (err_file.read_text() if err_file.exists() else "")


def run(data: bytes | str, *argv):
    stdin = io.TextIOWrapper(io.BytesIO(data if isinstance(data, bytes) else data.encode()))
    out, err = io.StringIO(), io.StringIO()
    return main(list(argv), Env(stdin=stdin, stdout=out, stderr=err, stdin_isatty=False)), out.getvalue(), err.getvalue()


def test_invalid_utf8_names_the_line():
    status, _, err = run(b"c\n\xff\xfeno\n")
    assert status == 2 and err == "Error: stdin line 2: not valid UTF-8 (byte 1 of the line)\n"


def test_a_very_long_line_is_refused_with_its_length():
    status, _, err = run("c\n" + "y" * 100_000 + "\n")
    assert status == 2 and err == "Error: stdin line 2: longer than 16384 bytes: too long for an answer\n"


def test_garbage_gets_the_legal_answers_and_the_line():
    status, _, err = run("c\nmaybe\n")
    assert status == 2
    assert err == ("Error: stdin line 2 (question static_ok): 'maybe' is not an answer to static_ok "
                   "(legal: yes, no, unknown)\n")


def test_an_answer_after_everything_is_decided_is_an_error():
    answers = ("language=go\ncgo=no\ngo_net=no\ntls=no\ntimezones=no\nnamed_user=no\nneeds_shell=no\nplatform=amd64\n"
               "healthcheck=no\nextra\n")
    status, _, err = run(answers)
    assert status == 2 and "stdin line 10: 'extra' answers nothing" in err


def test_json_output_has_no_prompts_mixed_in():
    import json

    status, out, err = run("go\nno\nno\n", "--format", "json")
    assert status == 0 and json.loads(out)["plans"]
    assert err.startswith("? Which language is the program written in? go\n")
