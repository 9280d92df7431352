"""Helpers for the hostile-input suite: run the real CLI in-process or as a process with a timeout, and snapshot a
directory to prove that nothing outside the intended output changed."""
from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.nobody import as_nobody  # noqa: F401 - for the tests of this folder

ROOT = Path(__file__).resolve().parents[2]
PYTHON = sys.executable
GO = ["--answer", "language=go", "--answer", "cgo=no", "--answer", "go_net=no", "--answer", "tls=yes",
      "--answer", "timezones=no", "--answer", "named_user=no", "--answer", "needs_shell=no"]
TIMEOUT = 60  # generous on a loaded machine; a hang is what it catches, not slowness


def run_cli(*argv, stdin: str = "", environ: dict | None = None):
    """shell.cli.main in-process: (status, stdout, stderr)."""
    from shell.cli import Env, main

    out, err = io.StringIO(), io.StringIO()
    env = Env(stdin=io.StringIO(stdin), stdout=out, stderr=err, stdin_isatty=False, stdout_isatty=False,
              environ=dict(os.environ, **(environ or {})))
    status = main([str(a) for a in argv], env)
    return status, out.getvalue(), err.getvalue()


def run_proc(*argv, stdin=subprocess.DEVNULL, env: dict | None = None, cwd=None, timeout: float = TIMEOUT, **kw):
    """`python -m shell ARGV` as a process; a hang fails the test instead of stopping the suite."""
    environ = dict(os.environ, PYTHONPATH=str(ROOT), **(env or {}))
    try:
        return subprocess.run([PYTHON, "-m", "shell", *map(str, argv)], stdin=stdin, capture_output=True,
                              env=environ, cwd=cwd, timeout=timeout, **kw)
    except subprocess.TimeoutExpired:
        pytest.fail(f"minimage-ask {' '.join(map(str, argv))} did not finish within {timeout} s")


def snapshot(directory) -> dict:
    """Every entry under `directory`: kind, size, mode, link target and content digest."""
    import hashlib

    out = {}
    for root, dirs, files in os.walk(directory):
        for name in dirs + files:
            p = os.path.join(root, name)
            st = os.lstat(p)
            entry = (st.st_mode, st.st_size)
            if os.path.islink(p):
                entry += (os.readlink(p),)
            elif os.path.isfile(p):
                with open(p, "rb") as f:
                    entry += (hashlib.sha256(f.read()).hexdigest(),)
            out[os.path.relpath(p, directory)] = entry
    return out
