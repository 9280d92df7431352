"""The conversation in a terminal: one question at a time, commands at any prompt, the result at the end.

A thin prompt-toolkit loop over kb.Session, in the manner of litecli and pgcli:

  * the questions are `session.next_question()`: only those whose answer can still change the outcome; each is
    shown with its legal answers and what they mean, and every question accepts `unknown`;
  * one table, COMMANDS, drives dispatch, `help` and Tab completion; at a prompt a known command word wins over an
    answer, and a line `FACT=VALUE` is `set FACT=VALUE`;
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

import os

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from prompt_toolkit import PromptSession
from prompt_toolkit.completion import CompleteEvent, Completer, Completion, DummyCompleter, PathCompleter
from prompt_toolkit.document import Document
from prompt_toolkit.history import FileHistory, History, InMemoryHistory
from prompt_toolkit.output import ColorDepth
from prompt_toolkit.styles import Style

from kb import UNKNOWN, InvalidAnswer, MinimageError, UnknownFact

from . import render
from .cli import Env, ExitStatus

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


# -- the command table ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Command:
    name: str
    usage: str
    help: str
    run: Callable[["Chat", str], None]
    complete: Callable[["Chat", str, CompleteEvent], Iterable[Completion]] | None = None
    aliases: tuple[str, ...] = ()


def _matching(prefix: str, candidates: Iterable[tuple[str, str]]) -> Iterable[Completion]:
    """Completions for the candidates (text, meta) that start with prefix (case-insensitive), each once."""
    seen: set[str] = set()
    low = prefix.lower()
    for text, meta in candidates:
        if text.lower().startswith(low) and text not in seen:
            seen.add(text)
            yield Completion(text, start_position=-len(prefix), display_meta=meta)


def cmd_why(chat: "Chat", arg: str) -> None:
    qid = arg.lower() or (chat.question.id if chat.question else "")
    if not qid:
        chat.say("No question is open, so no rule waits on an answer. 'how' explains the result; "
                 "'how FACT' explains one conclusion.")
        return
    try:
        chat.say(render.why_text(chat.session.why(qid)))
    except UnknownFact as e:
        chat.say(f"'{render.clip(arg)}' is not a question. Questions: {', '.join(e.legal)}")


def cmd_how(chat: "Chat", arg: str) -> None:
    result = chat.session.result()
    if not arg:
        plan = chat.plan(result)
        if plan is None:
            chat.say(f"There is no viable plan to explain: {result.no_plan_reason}")
            return
        arg = plan.final_image
    try:
        nodes = chat.session.how(arg)
    except UnknownFact as e:
        chat.say(f"Nothing is concluded about '{render.clip(arg)}'. Try one of: {', '.join(e.legal)}")
        return
    if chat.question is not None:
        chat.say("(so far: the questions still open count as unknown)")
    chat.say(render.how_text(nodes))


def cmd_help(chat: "Chat", arg: str) -> None:
    if arg:
        command = COMMANDS.get(arg.lower())
        if command is None:
            chat.say(f"'{render.clip(arg)}' is not a command. Commands: {', '.join(c.name for c in TABLE)}")
        else:
            chat.say(f"{command.usage}  {command.help}")
        return
    if chat.question is not None:
        chat.say(render.legal_answers_text(chat.question))
    else:
        chat.say("No question is open: the result above stands. Change an answer with back or set, "
                 "or pick another plan with plan N.")
    chat.say()
    chat.say(render.commands_text([(c.usage, c.help) for c in TABLE]))


def cmd_back(chat: "Chat", arg: str) -> None:
    undone = chat.session.back()
    chat.say("Nothing to undo." if undone is None else f"Undid {undone[0]} = {undone[1]}.")


def cmd_answers(chat: "Chat", arg: str) -> None:
    chat.say(render.answers_text(chat.session.answers))


def cmd_set(chat: "Chat", arg: str) -> None:
    fact, sep, value = arg.partition("=")
    if not sep:
        fact, _, value = arg.partition(" ")
    fact, value = fact.strip().lower(), value.strip()
    if not fact or not value:
        chat.say(f"Usage: set FACT=VALUE, for example set tls=no. Facts: {', '.join(chat.rb.knowledge.questions)}")
        return
    try:
        value = chat.session.answer(fact, value)
    except UnknownFact as e:
        chat.say(f"'{render.clip(fact)}' is not a fact I ask about. Facts: {', '.join(e.legal)}")
    except InvalidAnswer:
        chat.say(render.invalid_answer_text(chat.rb.question(fact), value))
    else:
        chat.say(f"{fact} = {value}")


def cmd_restart(chat: "Chat", arg: str) -> None:
    chat.session.restart()
    chat.asked = chat.shown = None
    chat.chosen = 1
    chat.say("Starting over: every answer is forgotten.")


def cmd_rules(chat: "Chat", arg: str) -> None:
    chat.say(render.rules_table(sorted(chat.rb.knowledge.rules.values(), key=lambda r: r.id)))


def cmd_rule(chat: "Chat", arg: str) -> None:
    rules = chat.rb.knowledge.rules
    if not arg:
        chat.say("Usage: rule ID, for example rule MI101 ('rules' lists them all).")
        return
    for ident in arg.split():
        rule = rules.get(ident.upper())
        if rule is None:
            ids = sorted(rules)
            chat.say(f"'{render.clip(ident)}' is not a rule (rules: {ids[0]} to {ids[-1]}; 'rules' lists them).")
        else:
            chat.say(render.rule_text(rule))


def cmd_plan(chat: "Chat", arg: str) -> None:
    if chat.question is not None:
        chat.say(f"No result yet: answer '{chat.question.id}' first (unknown is an answer).")
        return
    result = chat.session.result()
    if not result.plans:
        chat.say(f"There is no viable plan: {result.no_plan_reason}")
        return
    count = len(result.plans)
    if not arg:
        chat.say("\n".join(render.plan_summary(p) for p in result.plans))
        chat.say(f"Showing plan {chat.chosen}; 'plan N' shows another.")
        return
    try:
        n = int(arg)
    except ValueError:
        n = 0
    if not 1 <= n <= count:
        chat.say(f"'{render.clip(arg)}' is not a plan: choose a number from 1 to {count}.")
        return
    chat.chosen = n
    chat.say(render.plan_text(result.plans[n - 1]))


def cmd_save(chat: "Chat", arg: str) -> None:
    if chat.question is not None:
        chat.say(f"No plan yet: answer '{chat.question.id}' first (unknown is an answer).")
        return
    result = chat.session.result()
    plan = chat.plan(result)
    if plan is None:
        chat.say(f"There is no viable plan to save: {result.no_plan_reason}")
        return
    path = Path(arg or chat.save_default).expanduser()
    if path.is_dir():
        chat.say(f"{path} is a directory: give a file name, for example save {path / 'Dockerfile'}")
        return
    from .output import OutputError, describe, write_output

    shown = printable(str(path))
    what = describe(str(path))  # a symlink says which file it really overwrites; a device or FIFO what it is
    if os.path.lexists(path):  # never replaces a file without asking
        if not chat.confirm(f"{shown} exists{f' ({what})' if what else ''}. Overwrite it? [y/N] "):
            chat.say("Not saved.")
            return
    try:
        write_output(plan.dockerfile, str(path), chat.env.stdout)  # atomic for files, in place for devices
    except OutputError as e:
        message = str(e)
        chat.say(printable(message[:1].upper() + message[1:]))
        return
    chat.say(f"Wrote the Dockerfile of plan {plan.rank} ({plan.final_image}) to {shown}"
             + (f" ({what})" if what else ""))


def cmd_quit(chat: "Chat", arg: str) -> None:
    chat.done = True


def complete_questions(chat: "Chat", arg: str, event: CompleteEvent) -> Iterable[Completion]:
    return _matching(arg, ((q.id, q.text) for q in chat.rb.questions))


def complete_how(chat: "Chat", arg: str, event: CompleteEvent) -> Iterable[Completion]:
    result = chat.session.result()
    images = [(p.final_image, f"plan {p.rank}") for p in result.plans]
    facts = [(name, "fact") for name in sorted({j.fact.name for j in result.facts})]
    return _matching(arg, images + facts)


def complete_commands(chat: "Chat", arg: str, event: CompleteEvent) -> Iterable[Completion]:
    return _matching(arg, ((c.name, c.help) for c in TABLE))


def complete_set(chat: "Chat", arg: str, event: CompleteEvent) -> Iterable[Completion]:
    fact, sep, _ = arg.partition("=")
    if not sep:
        return _matching(arg, ((f"{q.id}=", q.text) for q in chat.rb.questions))
    q = chat.rb.knowledge.questions.get(fact.strip().lower())
    return _matching(arg, ((f"{fact}={v}", meta) for v, meta in answer_candidates(q))) if q else ()


def complete_rule(chat: "Chat", arg: str, event: CompleteEvent) -> Iterable[Completion]:
    word = arg.rsplit(" ", 1)[-1]
    rules = sorted(chat.rb.knowledge.rules.values(), key=lambda r: r.id)
    return _matching(word, ((r.id, r.name) for r in rules))


def complete_plan(chat: "Chat", arg: str, event: CompleteEvent) -> Iterable[Completion]:
    if chat.question is not None:
        return ()
    return _matching(arg, ((str(p.rank), p.final_image) for p in chat.session.result().plans))


def complete_path(chat: "Chat", arg: str, event: CompleteEvent) -> Iterable[Completion]:
    return PathCompleter(expanduser=True).get_completions(Document(arg), event)


TABLE = [
    Command("why", "why [QUESTION]", "why I ask this question: the rules waiting on its answer", cmd_why,
            complete_questions),
    Command("how", "how [FACT|IMAGE]", "how a conclusion was reached (no argument: the plan's final image)",
            cmd_how, complete_how),
    Command("help", "help [COMMAND]", "the answers to this question, and these commands", cmd_help,
            complete_commands, aliases=("?",)),
    Command("back", "back", "undo the last answer", cmd_back),
    Command("answers", "answers", "what you have answered so far", cmd_answers),
    Command("set", "set FACT=VALUE", "answer any question now, or change an answer", cmd_set, complete_set),
    Command("restart", "restart", "forget every answer and start again", cmd_restart),
    Command("rules", "rules", "list the rules", cmd_rules),
    Command("rule", "rule ID", "show one rule in full", cmd_rule, complete_rule),
    Command("plan", "plan [N]", "show plan N of the result (no argument: list the plans)", cmd_plan, complete_plan),
    Command("save", "save [PATH]", "write the plan's Dockerfile (default ./Dockerfile; asks before overwriting)",
            cmd_save, complete_path),
    Command("quit", "quit", "leave (Ctrl-D does too)", cmd_quit, aliases=("exit",)),
]
COMMANDS: dict[str, Command] = {name: c for c in TABLE for name in (c.name, *c.aliases)}


def answer_candidates(q) -> list[tuple[str, str]]:
    """What may be typed at question q, with what each means: its choices, its aliases, then `unknown`."""
    out = list(q.choices.items())
    out += [(alias, f"= {value}") for alias, value in q.aliases.items()]
    out.append((UNKNOWN, f"assume {q.if_unknown}" if q.if_unknown else "no safe guess"))
    return out


class ChatCompleter(Completer):
    """First word: the open question's answers (choices, aliases, unknown) and the commands. After a command word:
    that command's own argument completion."""

    def __init__(self, chat: "Chat"):
        self.chat = chat

    def get_completions(self, document: Document, complete_event: CompleteEvent) -> Iterable[Completion]:
        text = document.text_before_cursor.lstrip()
        word, sep, rest = text.partition(" ")
        if sep:
            command = COMMANDS.get(word.lower())
            if command is not None and command.complete is not None:
                yield from command.complete(self.chat, rest.lstrip(), complete_event)
            return
        answers = answer_candidates(self.chat.question) if self.chat.question is not None else []
        yield from _matching(word, [*answers, *((name, c.help) for name, c in COMMANDS.items())])


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
    color = not env.environ.get("NO_COLOR")
    history = open_history(env.history_path, env.stderr)
    chat = Chat(rb, session, env, save_default=getattr(args, "output", None) or "Dockerfile")
    chat.prompt_session = build_prompt_session(history=history, completer=chat.completer, color=color)
    chat.say(GREETING)
    return chat.run()
