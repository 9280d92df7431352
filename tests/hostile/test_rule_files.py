"""Class: hostile rule files (--rules). Alias bombs, deep nesting, huge files and files with a million problems end
within seconds with a bounded report; every problem is one line with a real line number (never 0); escape
sequences from the file are shown escaped; nonsense values (negative sizes, alias clashes) are refused."""
import re

import pytest

import kb
from kb import files

from .conftest import GO, run_cli, run_proc

BOMB = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{c}: &{c} [{', '.join([f'*{p}'] * 9)}]\n" for p, c in zip("abcdefgh", "bcdefghi"))


def _problems(err: str) -> list[str]:
    return [line for line in err.splitlines()[1:]]


def _check_report(err: str) -> None:
    assert err.startswith("Error: the rules cannot be loaded ("), err[:300]
    for line in _problems(err):
        assert line.startswith("  ") and "\x1b" not in line and "\r" not in line, line
        assert not re.match(r"  [^:]+:0:", line), line  # never line 0


@pytest.mark.parametrize("text,message", [
    (BOMB, "expands to more than"),                              # billion laughs: 489 bytes, 10^9 values
    ("a: &a [*a]\n", "refers to a collection that contains it"),  # an alias inside itself
    ("a: " + "[" * 200 + "]" * 200 + "\n", "nested"),            # deeper than anyone writes
    ("rules: [\n" * 3000, ""),                                     # deeper than libyaml itself allows
])
def test_yaml_bombs_end_quickly_with_one_problem(tmp_path, text, message):
    rules = tmp_path / "bomb.yaml"
    rules.write_text(text)
    proc = run_proc("--rules", rules, *GO, timeout=30)
    err = proc.stderr.decode()
    assert proc.returncode == 2, err
    _check_report(err)
    assert message in err and len(_problems(err)) == 1, err


def test_a_file_over_the_size_cap_is_not_read(tmp_path):
    rules = tmp_path / "big.yaml"
    with open(rules, "w") as f:
        f.write("rules:\n")
        f.write("  - {id: MI999}\n" * (files.MAX_RULE_FILE // 16 + 1))
    status, _, err = run_cli("--rules", rules, *GO)
    assert status == 2 and "larger than the 4 MiB cap" in err
    _check_report(err)


def test_a_million_problems_are_reported_as_a_hundred_and_a_count(tmp_path):
    rules = tmp_path / "many.yaml"
    rules.write_text("caveats:\n" + "".join(f"  - {{id: c{i}, colour: red}}\n" for i in range(3000)))
    status, _, err = run_cli("--rules", rules, *GO)
    assert status == 2
    _check_report(err)
    problems = _problems(err)
    assert len(problems) == kb.RuleFileError.MAX_PROBLEMS + 1
    assert re.fullmatch(r"  \.\.\. and \d+ more", problems[-1])
    total = int(re.search(r"\((\d+) problems\)", err).group(1))
    assert total == kb.RuleFileError.MAX_PROBLEMS + int(problems[-1].split()[2])


def test_escape_sequences_and_newlines_in_a_rule_file_are_shown_escaped(tmp_path):
    rules = tmp_path / "esc.yaml"
    rules.write_text('caveats:\n  - id: "\\e]0;owned\\a\\e[2J"\n    text: "two\\nlines"\n    colour: red\n'
                     '"bad\\e[31mkey": 1\n')
    status, _, err = run_cli("--rules", rules, *GO)
    assert status == 2
    _check_report(err)
    assert "\\x1b]0;owned\\x07\\x1b[2J" in err


def test_missing_and_undecodable_files_name_no_line_0(tmp_path):
    (tmp_path / "latin1.yaml").write_bytes(b"rules: []\n# caf\xe9\n")
    for name, expected in (("missing.yaml", "missing.yaml: file: no such file"),
                           ("latin1.yaml", "latin1.yaml:2: file: not UTF-8 text: byte 6 of the line")):
        status, _, err = run_cli("--rules", tmp_path / name, *GO)
        assert status == 2 and expected in err, err
        _check_report(err)


IMAGE = """images:
  - ref: {ref}
    title: t
    libc: none
    release: debian13
    size_mb: {size}
    sources: [s]
{extra}"""


@pytest.mark.parametrize("text,message", [
    (IMAGE.format(ref="mine:1", size=-1, extra=""), "'size_mb' must be 0 or more, not -1"),
    (IMAGE.format(ref="mine:1", size="1e999", extra=""), "'size_mb' must be 0 or more, not inf"),
    (IMAGE.format(ref="mine:1", size=1, extra="    aliases: [alpine]\n"), "alias 'alpine' is already taken"),
    (IMAGE.format(ref="mine:1", size=1, extra="    aliases: [scratch]\n"), "alias 'scratch' is already taken"),
    (IMAGE.format(ref="mine:1", size=1, extra="    aliases: [mine:1]\n"), "alias 'mine:1' is already taken"),
    (IMAGE.format(ref="alpine", size=1, extra=""), "'alpine' is already an alias of alpine:"),
    ("changes:\n  - {id: c, title: t, size_mb: -0.5, steps: [{stage: final, instruction: X}]}\n",
     "'size_mb' must be 0 or more"),
    ("questions:\n  - {id: q, text: t, choices: {a: A, b: B}, aliases: {a: b}}\n", "alias 'a' is also a choice"),
])
def test_nonsense_values_are_refused(tmp_path, text, message):
    rules = tmp_path / "mine.yaml"
    rules.write_text(text)
    status, _, err = run_cli("--rules", rules, *GO)
    assert status == 2 and message in err, err
    _check_report(err)


def test_an_include_list_that_names_files_again_and_again_is_bounded(tmp_path):
    from kb.loader import MAX_RULE_FILES

    (tmp_path / "x.yaml").write_text("caveats: []\n")
    (tmp_path / "top.yaml").write_text("include:\n" + "  - x.yaml\n" * 100_000)  # 100,000 layers to read
    proc = run_proc("--rules", tmp_path / "top.yaml", *GO, timeout=60)
    err = proc.stderr.decode()
    assert proc.returncode == 2 and f"more than {MAX_RULE_FILES} rule files in all" in err, err
    _check_report(err)
