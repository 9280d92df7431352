"""Fixtures for the chat shell: each test runs inside its own prompt-toolkit app session, on a pipe input."""
from __future__ import annotations

import argparse
import io
from dataclasses import dataclass

import pytest
from prompt_toolkit.application import create_app_session
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import DummyOutput

import kb
from shell.chat import Chat, run_chat
from shell.cli import Env


@pytest.fixture(autouse=True)
def pipe():
    """Every test talks to prompt-toolkit through a pipe and writes to a DummyOutput (the testing guide's setup)."""
    with create_pipe_input() as inp, create_app_session(input=inp, output=DummyOutput()):
        yield inp


@pytest.fixture(scope="session")
def rb():
    return kb.load()


@dataclass
class Talk:
    rc: int
    out: str
    err: str
    session: kb.Session


@pytest.fixture
def talk(pipe, rb, tmp_path):
    """talk("go", "no", ...): type those lines (then Ctrl-D) into run_chat; returns its status, stdout, stderr and
    session. Text is sent as typed, so "\\x03" is Ctrl-C and "\\t" is Tab."""

    def run(*lines: str, environ: dict | None = None, history_path=None, eof: bool = True, output=None) -> Talk:
        pipe.send_text("".join(line + "\r" for line in lines) + ("\x04" if eof else ""))
        out, err = io.StringIO(), io.StringIO()
        env = Env(stdin=io.StringIO(), stdout=out, stderr=err, stdin_isatty=True,
                  environ={"NO_COLOR": "1"} if environ is None else environ,
                  history_path=history_path or tmp_path / "state" / "minimage" / "history")
        session = rb.session()
        args = argparse.Namespace(format="text", output=output, plan=1, debug=False, rules=[])
        rc = run_chat(rb, session, args, env)
        return Talk(rc, out.getvalue(), err.getvalue(), session)

    return run


@pytest.fixture
def chat(rb):
    """A Chat with no prompt: for the completer and the commands, called directly."""
    out = io.StringIO()
    env = Env(stdin=io.StringIO(), stdout=out, stderr=io.StringIO(), stdin_isatty=True, environ={},
              history_path=None)
    c = Chat(rb, rb.session(), env)
    c.refresh()
    return c
