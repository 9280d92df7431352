"""Script mode's reading of standard input (shell/script.py), at its limits: what a user piping answers sees.

Written for issue 15's mutation testing: each test here fails under a fault mutmut put into shell/script.py that
the golden transcripts did not notice (tests/mutation-survivors.md)."""
import io
import json

from shell.cli import Env, main


def run(data: bytes | str, *argv, text_stdin: bool = False):
    """Script mode on `data`: a byte stream like a pipe (default), or a text-only stream without .buffer."""
    if text_stdin:
        stdin = io.StringIO(data if isinstance(data, str) else data.decode())
    else:
        stdin = io.TextIOWrapper(io.BytesIO(data if isinstance(data, bytes) else data.encode()))
    out, err = io.StringIO(), io.StringIO()
    status = main(list(argv), Env(stdin=stdin, stdout=out, stderr=err, stdin_isatty=False))
    return status, out.getvalue(), err.getvalue()


def test_an_answer_of_more_than_4096_characters_is_refused_with_its_length():
    status, _, err = run("c\n" + "y" * 4097 + "\n")
    assert status == 2 and err == "Error: stdin line 2: 4097 characters is too long for an answer\n"


def test_an_answer_of_4096_characters_is_read_as_an_answer():
    status, _, err = run("c\n" + "y" * 4096 + "\n")
    assert status == 2 and "stdin line 2 (question static_ok): 'yyyy" in err and "too long" not in err


def test_the_character_limit_counts_characters_not_bytes():
    # 4096 two-byte characters are 8192 bytes: under the byte cap, at the character limit
    status, _, err = run("c\n" + "é" * 4096 + "\n")
    assert status == 2 and "too long" not in err and "is not an answer to static_ok" in err
    status, _, err = run("c\n" + "é" * 4097 + "\n")
    assert status == 2 and err == "Error: stdin line 2: 4097 characters is too long for an answer\n"


def test_a_line_just_under_the_byte_cap_is_judged_by_its_characters():
    # 16,383 bytes and the newline fit the 16,384-byte read; one byte more does not
    status, _, err = run("c\n" + "y" * 16383 + "\n")
    assert status == 2 and err == "Error: stdin line 2: 16383 characters is too long for an answer\n"
    status, _, err = run("c\n" + "y" * 16384 + "\n")
    assert status == 2 and err == "Error: stdin line 2: longer than 16384 bytes: too long for an answer\n"


def test_more_than_one_mib_of_input_is_refused_at_the_line_that_crosses_it():
    line = "# a comment of thirty-two bytes\n"
    assert len(line) == 32
    lines = (1 << 20) // 32  # exactly 1 MiB: still read
    status, out, err = run(line * lines + "go\n", "--format", "json")
    assert status == 2 and err == f"Error: standard input is larger than the 1 MiB cap (at line {lines + 1})\n"
    status, out, err = run(line * lines, "--format", "json")  # nothing answered: every question is unknown
    assert status in (0, 1) and "cap" not in err and json.loads(out)["assumptions"], err


def test_a_bom_starts_only_the_first_line_of_a_text_stream():
    status, out, err = run("\ufeffgo\nno\nno\n", "--format", "json", text_stdin=True)
    assert status == 0 and err.startswith("? Which language is the program written in? go\n"), err
    status, _, err = run("go\n\ufeffno\n", text_stdin=True)
    assert status == 2 and r"stdin line 2 (question cgo): '\ufeffno' is not an answer to cgo" in err, err


def test_a_line_longer_than_the_cap_is_refused_as_a_line_before_it_counts_against_the_total():
    # read at most the cap (and one byte) at a time: 2 MiB without a newline is one line too long, not too much input
    status, _, err = run(b"y" * (2 << 20))
    assert status == 2 and err == "Error: stdin line 1: longer than 16384 bytes: too long for an answer\n"


def test_a_bom_before_the_first_line_of_a_byte_stream_is_dropped():
    status, out, err = run(b"\xef\xbb\xbfgo\nno\nno\n", "--format", "json")
    assert status == 0 and err.startswith("? Which language is the program written in? go\n"), err


def test_a_bom_starts_only_the_first_line_of_a_byte_stream():
    status, _, err = run(b"go\n\xef\xbb\xbfno\n")
    assert status == 2 and r"stdin line 2 (question cgo): '\ufeffno' is not an answer to cgo" in err, err


def test_bad_utf8_is_reported_with_the_byte_of_the_line():
    status, _, err = run(b"go\nn\xffo\n")
    assert status == 2 and err == "Error: stdin line 2: not valid UTF-8 (byte 2 of the line)\n"


def test_blank_lines_comments_and_spaces_around_answers_are_skipped():
    status, out, err = run("\n   \n# language first\n  go  \n\t\nno\n#\nno\n", "--format", "json")
    assert status == 0, err
    assert err.splitlines()[:3] == [
        "? Which language is the program written in? go",
        "? Does the Go program need cgo (its own C code, or a cgo library such as mattn/go-sqlite3)? no",
        "? Does the Go program import net (net/http counts) or os/user? no",
    ]


def test_a_fact_set_out_of_order_is_echoed_and_its_question_skipped():
    status, out, err = run("tls=yes\ngo\nno\nno\n", "--format", "json")
    assert status == 0, err
    assert err.splitlines()[:2] == ["= tls = yes", "? Which language is the program written in? go"]
    assert "outgoing TLS" not in err  # asked already: not asked again


def test_text_output_has_the_echo_then_one_blank_line_then_the_result():
    status, out, err = run("go\nno\nno\nno\nno\nno\nno\n")
    assert status == 0 and err == ""
    echo, _, result = out.partition("\n\n")
    assert len(echo.splitlines()) == 7 and echo.startswith("? Which language")
    # questions left at EOF (the platform, ...) are listed as assumptions first
    assert result.startswith(("Recommended: scratch\n", "Assumed (answered unknown or not asked):\n"))
    assert "\nRecommended: scratch\n" in "\n" + result


def test_a_bad_fact_value_line_names_its_line():
    assert run("language=go\ncgo=maybe\n")[2] == \
        "Error: stdin line 2: 'maybe' is not an answer to cgo (legal: yes, no, unknown)\n"
    assert run("go\n=go\n")[2] == "Error: stdin line 2: expected FACT=VALUE, got '=go'\n"
    status, _, err = run("# first\nlang=go\n")
    assert status == 2 and err.startswith("Error: stdin line 2: unknown fact 'lang' (known facts: language, ")
    assert " cgo, " in err


def test_an_answer_after_the_last_question_says_why_it_answers_nothing():
    answers = "language=go\ncgo=no\ngo_net=no\ntls=no\ntimezones=no\nnamed_user=no\nneeds_shell=no\n" \
              "platform=amd64\nhealthcheck=no\nextra\n"
    assert run(answers)[2] == ("Error: stdin line 10: 'extra' answers nothing: every question that matters is "
                               "answered already\n")
