"""The chat's command table: the words that work at any prompt of the conversation (why, how, help, set, rules, ...).

One table, TABLE, drives dispatch, `help` and Tab completion (litecli/pgcli style). Each command is a function of
the Chat (shell/chat.py) and its argument; it says what it has to say through `chat.say`. Texts come from
shell/render.py. `rules` and `rule ID` read the same catalogue as `minimage-ask rules` (kb.RuleBase.catalogue).
"""
from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from prompt_toolkit.completion import CompleteEvent, Completer, Completion, PathCompleter
from prompt_toolkit.document import Document

from kb import UNKNOWN, InvalidAnswer, UnknownFact

from . import render

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
        clash = chat.session.contradiction(fact, value)
        value = chat.session.answer(fact, value, "set")
    except UnknownFact as e:
        chat.say(f"'{render.clip(fact)}' is not a fact I ask about. Facts: {', '.join(e.legal)}")
    except InvalidAnswer:
        chat.say(render.invalid_answer_text(chat.rb.question(fact), value))
    else:
        fact = chat.rb.question(fact).id
        if clash:  # changing an answer is what set is for: say what it replaced, never silently
            chat.say(f"{fact} = {value} (changed: it was {clash[2]})")
        else:
            chat.say(f"{fact} = {value}")


def cmd_restart(chat: "Chat", arg: str) -> None:
    chat.session.restart()
    chat.asked = chat.shown = None
    chat.chosen = 1
    chat.say("Starting over: every answer is forgotten.")


def cmd_rules(chat: "Chat", arg: str) -> None:
    chat.say(render.rules_table(chat.rb.catalog().rules()))


def cmd_rule(chat: "Chat", arg: str) -> None:
    catalog = chat.rb.catalog()  # the lookup of `minimage-ask rules ID`: every kind of rule, and the sources
    if not arg:
        chat.say("Usage: rule ID, for example rule MI101, rule MI401 or rule A7 ('rules' lists them all).")
        return
    for ident in arg.split():
        entry = catalog.get(ident)
        if entry is None:
            ids = [e.id for e in catalog.rules()]
            chat.say(f"'{render.clip(ident)}' is not a rule or source (rules: {ids[0]} to {ids[-1]}, "
                     "sources: A1-A17, K8.1-K10.10; 'rules' lists them).")
        else:
            chat.say(render.entry_text(catalog, entry))


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
    from kb.files import safe_text

    from .output import OutputError, describe, write_output

    shown = safe_text(str(path))
    what = describe(str(path))  # a symlink says which file it really overwrites; a device or FIFO what it is
    if os.path.lexists(path):  # never replaces a file without asking
        if not chat.confirm(f"{shown} exists{f' ({what})' if what else ''}. Overwrite it? [y/N] "):
            chat.say("Not saved.")
            return
    try:
        write_output(plan.dockerfile, str(path), chat.env.stdout)  # atomic for files, in place for devices
    except OutputError as e:
        message = safe_text(str(e))
        chat.say(message[:1].upper() + message[1:])
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
    catalog = chat.rb.catalog()
    entries = [*catalog.rules(), *catalog.sources()]
    return _matching(word, ((e.id, e.name if e.kind != "source" else e.summary) for e in entries))


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
    Command("rules", "rules", "list the rules (every kind, as `minimage-ask rules` does)", cmd_rules),
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
