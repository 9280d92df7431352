"""The quick path reads a command line exactly as argparse does, or leaves it to argparse (shell/quickargs.py)."""
from __future__ import annotations

import io
import itertools
import json
import random
import subprocess
import sys
from pathlib import Path

import pytest

from shell.cli import Env, main, quick
from shell.commands import command
from shell.common import parse

REPO = Path(__file__).resolve().parent.parent
LINT = command("lint")

# words a lint command line is made of: files, each option in its spellings, values good and bad, and what argparse
# reads its own way (`--`, abbreviations, clusters, attached short values, help, version, negative numbers)
WORDS = ["Dockerfile", "b.Dockerfile", "-", "", "--format", "json", "sarif", "yaml", "--format=json", "--format=",
         "-f", "-fjson", "--quiet", "-q", "--quiet=1", "--ignore", "MI402", "--ignore=MI401,MI402", "--context",
         "ctx dir", "--context=-x", "--no-context", "--output", "-o", "out.txt", "--rules", "my.yaml", "--debug",
         "--", "--qu", "--form", "-qf", "-x", "-1", "--version", "-h", "--help", "--nope"]


def argparse_reading(argv: list[str]):
    """vars() of argparse's namespace, or the SystemExit status argparse ended with."""
    out, err = io.StringIO(), io.StringIO()
    try:
        return vars(parse(LINT.parser(), argv, Env(stdout=out, stderr=err, environ={})))
    except SystemExit as e:
        return ("exit", e.code)


def lines(count: int, seed: int):
    rnd = random.Random(seed)
    for _ in range(count):
        yield [rnd.choice(WORDS) for _ in range(rnd.randint(0, 6))]


def check(argv: list[str]) -> bool:
    """True when the quick path read the line (and read it as argparse does), False when it left it to argparse."""
    mine = quick(LINT, argv)
    theirs = argparse_reading(argv)
    if mine is None:
        return False
    assert vars(mine) == theirs, argv
    return True


def test_every_short_line_is_read_as_argparse_reads_it_or_left_to_argparse():
    short = [list(p) for n in range(3) for p in itertools.product(WORDS, repeat=n)]
    read = sum(check(argv) for argv in short)
    assert read > 200  # the quick path is not a path that never runs


def test_random_longer_lines_are_read_as_argparse_reads_them_or_left_to_argparse():
    assert sum(check(argv) for argv in lines(3000, seed=20201218)) > 100


@pytest.mark.parametrize("argv, expected", [
    (["--quiet", "Dockerfile"], {"files": ["Dockerfile"], "quiet": True, "format": "text"}),
    (["a", "b", "--format=sarif", "--ignore", "MI401", "--ignore", "MI402"],
     {"files": ["a", "b"], "format": "sarif", "ignore": ["MI401", "MI402"]}),
    (["--output", "-", "-"], {"files": ["-"], "output": "-"}),
])
def test_plain_lines_take_the_quick_path(argv, expected):
    args = quick(LINT, argv)
    assert args is not None and {k: vars(args)[k] for k in expected} == expected
    assert vars(args) == argparse_reading(argv)


@pytest.mark.parametrize("argv", [
    ["a", "--quiet", "b"],  # argparse takes nargs="+" in one run: its usage error
    ["--form", "json", "a"],  # an abbreviation argparse accepts
    ["-fjson", "a"], ["-qf", "json", "a"], ["--", "-a"], ["--format", "yaml", "a"], ["--context"], [],
    ["--version"], ["--help", "a"], ["--quiet=yes", "a"],
])
def test_lines_argparse_reads_its_own_way_are_left_to_it(argv):
    assert quick(LINT, argv) is None


def test_usage_errors_and_help_are_argparses(capsys):
    err = io.StringIO()
    assert main(["lint", "a", "--quiet", "b"], Env(stdout=io.StringIO(), stderr=err)) == 2
    assert "unrecognized arguments: b" in err.getvalue()
    out = io.StringIO()
    assert main(["lint", "--help"], Env(stdout=out, stderr=io.StringIO())) == 0
    assert "--no-context" in out.getvalue() and "DOCKERFILE" in out.getvalue()


def test_a_plain_lint_does_not_import_argparse(tmp_path):
    dockerfile = tmp_path / "Dockerfile"
    dockerfile.write_text("FROM golang:1.22 AS b\nRUN go build -o /app .\nFROM scratch\nCOPY --from=b /app /app\n")
    probe = ("import json, sys; from shell.cli import main; status = main(sys.argv[1:]); "
             "sys.stderr.write(json.dumps([status, sorted(sys.modules)]))")
    env = {"PATH": "/usr/bin:/bin", "MINIMAGE_CACHE_DIR": str(tmp_path / "cache"), "HOME": str(tmp_path)}
    done = subprocess.run([sys.executable, "-c", probe, "lint", "--quiet", "--no-context", str(dockerfile)],
                          capture_output=True, text=True, cwd=REPO, env=env, timeout=120)
    status, modules = json.loads(done.stderr.splitlines()[-1])
    assert status == 1 and "MI401 error" in done.stdout
    assert not {"argparse", "gettext", "locale"} & set(modules)
