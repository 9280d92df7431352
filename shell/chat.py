"""The conversation in a terminal: one question at a time, commands at any prompt, the result at the end.

A thin prompt-toolkit loop over kb.Session, in the manner of litecli and pgcli:

  * the questions are `session.next_question()`: only those whose answer can still change the outcome; each is
    shown with its legal answers and what they mean, and every question accepts `unknown`;
  * one table, COMMANDS (shell/chat_commands.py), drives dispatch, `help` and Tab completion; at a prompt a known
    command word wins over an answer, and a line `FACT=VALUE` is `set FACT=VALUE`;
  * once no question is open the ranked plans are shown and the prompt stays open (`result>`): `how`, `plan N`,
    `save`, and `back`/`set`/`restart`, after which the new result is shown as soon as it is decided;
  * Ctrl-C abandons the line being typed (or the command being run) and asks again; Ctrl-D or `quit` leaves.

Exit status: always 0 when the person leaves with Ctrl-D or `quit`, whether or not a result was shown (ending a
conversation is not an error, and what was shown is on the screen). Errors of the library's input are messages at
the prompt, never an exit; a bug still reaches cli.main (status 70, traceback with --debug).

History goes to `env.history_path` (parent directories are created). If it cannot be read or written, one warning
goes to stderr and the conversation keeps its history in memory. `NO_COLOR` (set and not empty) turns colour off.

Texts are built by pure functions in shell/render.py; this module reads lines and dispatches them.
"""
from __future__ import annotations

import gc
from collections.abc import Iterable
from pathlib import Path
from typing import IO

from prompt_toolkit import PromptSession
from prompt_toolkit.completion import Completer, DummyCompleter
from prompt_toolkit.history import FileHistory, History, InMemoryHistory
from prompt_toolkit.output import ColorDepth
from prompt_toolkit.styles import Style

from kb import InvalidAnswer, MinimageError

from . import render
from .chat_commands import COMMANDS, TABLE, ChatCompleter, Command, answer_candidates, cmd_set
from .common import Env, ExitStatus

__all__ = ["Chat", "run_chat", "build_prompt_session", "open_history", "printable", "GREETING", "TABLE", "COMMANDS",
           "Command", "ChatCompleter", "answer_candidates"]

MAX_LINE = 4096  # longer lines are refused whole, as script mode does
STYLE = Style.from_dict({"prompt": "ansicyan bold", "result": "ansigreen bold"})
GREETING = ("Answer each question with one of the words listed (Tab completes). "
            "? lists the answers, why says why I ask, help lists the commands, Ctrl-D leaves.")


# -- the prompt ----------------------------------------------------------------------------------------------------------


def build_prompt_session(input=None, output=None, history: History | None = None, *,
                         completer: Completer | None = None, color: bool = True) -> PromptSession:
    """The one place a PromptSession is made. Tests pass create_pipe_input(), DummyOutput() and InMemoryHistory()."""
    return PromptSession(
        input=input, output=output, history=history if history is not None else InMemoryHistory(),
        completer=completer, complete_while_typing=False, style=STYLE if color else Style([]),
        color_depth=None if color else ColorDepth.DEPTH_1_BIT, include_default_pygments_style=False)


class _FileHistory(FileHistory):
    """FileHistory that warns once on stderr and carries on in memory when the file fails mid-session."""

    def __init__(self, filename: str, stderr: IO):
        super().__init__(filename)
        self._stderr, self._failed = stderr, False

    def _warn(self, e: OSError) -> None:
        if not self._failed:
            self._failed = True
            self._stderr.write(f"Warning: history file {self.filename}: {e.strerror or e}; "
                               "history is kept in memory for this session\n")
            self._stderr.flush()

    def load_history_strings(self) -> Iterable[str]:
        try:
            return list(super().load_history_strings())
        except OSError as e:
            self._warn(e)
            return []

    def store_string(self, string: str) -> None:
        if self._failed:
            return
        try:
            super().store_string(string)
        except OSError as e:
            self._warn(e)


def open_history(path: Path | str | None, stderr: IO) -> History:
    """A FileHistory at `path` (creating its directory), or InMemoryHistory and a one-line warning if that fails."""
    if path is None:
        return InMemoryHistory()
    path = Path(path)
    try:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except FileExistsError:  # mkdir says "File exists" when a parent is a regular file
            raise NotADirectoryError(20, f"{path.parent} is not a directory") from None
        if path.exists() and not path.is_file():  # a FIFO would block the open below, a device never end a read
            from kb.files import kind_of

            raise OSError(21, f"it is {kind_of(path.stat().st_mode)}, not a file")
        with open(path, "a", encoding="utf-8"):
            pass
    except OSError as e:
        stderr.write(f"Warning: cannot keep history in {path}: {e.strerror or e}; "
                     "history is kept in memory for this session\n")
        stderr.flush()
        return InMemoryHistory()
    return _FileHistory(str(path), stderr)


def printable(text: str) -> str:
    """Text with undecodable bytes (surrogate escapes) and control characters as U+FFFD, so echoing it is safe."""
    return "".join(ch if ch.isprintable() or ch in "\n\t" else "\ufffd" for ch in text)


# -- the loop ------------------------------------------------------------------------------------------------------------


class Chat:
    """The conversation's state on top of the kb.Session: which question is open, which result was shown."""

    def __init__(self, rb, session, env: Env, prompt: PromptSession | None = None, save_default: str = "Dockerfile"):
        self.rb, self.session, self.env = rb, session, env
        self.prompt_session = prompt
        self.completer = ChatCompleter(self)
        self.save_default = save_default
        self.question = None  # the question open at the prompt, None once the result is decided
        self.asked: str | None = None  # the question whose text was shown last
        self.shown: dict[str, str] | None = None  # the answers of the result on the screen
        self.chosen = 1  # the plan `how` and `save` use
        self.done = False

    def say(self, text: str = "") -> None:
        self.env.stdout.write(text + "\n")
        self.env.stdout.flush()

    def plan(self, result):
        if not result.plans:
            return None
        return result.plans[min(self.chosen, len(result.plans)) - 1]

    def refresh(self) -> None:
        """Show what the state calls for: a newly open question, or the result once the answers changed it."""
        self.question = self.session.next_question()
        if self.question is not None:
            self.shown = None
            if self.question.id != self.asked:
                self.asked = self.question.id
                self.say()
                self.say(render.question_text(self.question))
        elif self.shown != self.session.answers:
            self.asked, self.shown, self.chosen = None, dict(self.session.answers), 1
            self.say()
            self.say(render.result_text(self.session.result()))
            self.say()
            self.say("plan N shows another plan, how explains the choice, save writes the Dockerfile, "
                     "back or set changes an answer.")

    def message(self):
        if self.question is None:
            return [("class:result", "result> ")]
        return [("class:prompt", f"{self.question.id}> ")]

    def read(self, message, completer: Completer | None = None) -> str:
        return self.prompt_session.prompt(message, completer=completer or DummyCompleter())

    def confirm(self, question: str) -> bool:
        try:
            return self.read(question).strip().lower() in ("y", "yes")
        except (KeyboardInterrupt, EOFError):
            return False

    def handle(self, line: str) -> None:
        """One line typed at the prompt: a command, `FACT=VALUE`, or an answer to the open question."""
        text = printable(line).strip()
        if not text:
            if self.question is not None:
                self.say("Type an answer (Tab completes), or ? to list them.")
            return
        if len(text) > MAX_LINE:
            self.say(f"That line is {len(text)} characters long: it is neither an answer nor a command. "
                     "Type ? for help.")
            return
        word, _, rest = text.partition(" ")
        command = COMMANDS.get(word.lower())
        if command is not None:
            command.run(self, rest.strip())
        elif "=" in text:
            cmd_set(self, text)
        elif self.question is None:
            self.say(f"'{render.clip(text)}' is not a command. Type help for the commands, "
                     "back or set to change an answer.")
        else:
            try:
                value = self.session.answer(self.question.id, text)
            except InvalidAnswer:
                self.say(render.invalid_answer_text(self.question, text))
            else:
                if value != text.lower():
                    self.say(f"({self.question.id} = {value})")

    def run(self) -> int:
        while not self.done:
            self.refresh()
            try:
                line = self.read(self.message(), self.completer)
            except KeyboardInterrupt:  # abandon the line, ask again
                continue
            except EOFError:  # Ctrl-D
                break
            try:
                for n, part in enumerate(line.splitlines() or [""]):  # a paste of several lines: one at a time
                    if n:
                        self.refresh()
                    self.handle(part)
                    if self.done:
                        break
            except KeyboardInterrupt:
                self.say("Interrupted.")
            except MinimageError as e:
                self.say(f"Error: {e}")
        return ExitStatus.OK


def run_chat(rb, session, args, env: Env) -> int:
    """The conversation on a terminal; cli.cmd_consult calls it when stdin is one."""
    gc.enable()  # shell.start turns it off for one-shot commands; a conversation lives long
    color = not env.environ.get("NO_COLOR")
    history = open_history(env.history_path, env.stderr)
    chat = Chat(rb, session, env, save_default=getattr(args, "output", None) or "Dockerfile")
    chat.prompt_session = build_prompt_session(history=history, completer=chat.completer, color=color)
    chat.say(GREETING)
    return chat.run()
