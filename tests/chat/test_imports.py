"""Script mode, one-shot answers and `rules` never import prompt-toolkit: only a terminal conversation pays for it."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
PROBE = """
import sys
from shell.cli import main
status = main(sys.argv[1:])
sys.stdout.flush()
print("\\nprompt_toolkit imported:", any(m.split(".")[0] == "prompt_toolkit" for m in sys.modules), file=sys.stderr)
sys.exit(status)
"""


@pytest.mark.parametrize("argv,stdin", [([], "c\n"), (["--format", "json"], "go\nno\n"),
                                        (["--answer", "language=c"], ""), (["rules"], ""),
                                        (["--answer", "language=cobol"], "")])
def test_no_prompt_toolkit_without_a_terminal(argv, stdin):
    run = subprocess.run([sys.executable, "-c", PROBE, *argv], input=stdin, capture_output=True, text=True,
                         cwd=REPO, timeout=60)
    assert "prompt_toolkit imported: False" in run.stderr, run.stderr


def test_python_m_shell_on_a_pipe_does_not_import_prompt_toolkit():
    run = subprocess.run([sys.executable, "-X", "importtime", "-m", "shell"], input="c\n", capture_output=True,
                         text=True, cwd=REPO, timeout=60)
    assert run.returncode == 0, run.stderr
    assert "Recommended:" in run.stdout
    imported = [line.rsplit("|", 1)[-1].strip() for line in run.stderr.splitlines() if line.startswith("import time:")]
    assert "shell.script" in imported
    assert not [m for m in imported if m.startswith("prompt_toolkit") or m == "shell.chat"]
