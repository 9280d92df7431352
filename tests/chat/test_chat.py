"""The conversation in-process: keystrokes in through a pipe, assertions on stdout, stderr and the session."""
from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from shell import render
from shell.chat import COMMANDS, GREETING, TABLE, build_prompt_session

JAVA_TO_RESULT = ("java", "jar", "21", "no", "no", "no", "amd64", "no", "no", "no")  # language, java_runtime,
# java_version, native_deps, named_user, needs_shell, platform, healthcheck, fips, fonts


def test_questions_are_shown_with_their_choices_and_answered(talk):
    t = talk("go", "no", "yes")
    assert t.rc == 0
    assert t.out.startswith(GREETING)
    assert "Which language is the program written in?" in t.out
    assert "  python   Python, run by the interpreter in the image" in t.out
    assert "  unknown  no safe guess:" in t.out
    assert "  unknown  assume yes: a build with cgo enabled" in t.out
    assert t.session.answers == {"language": "go", "cgo": "no", "go_net": "yes"}
    assert t.err == ""


def test_only_questions_that_still_matter_are_asked(talk):
    t = talk(*JAVA_TO_RESULT)
    assert "cgo" not in t.session.answers
    assert "Does the Go program need cgo" not in t.out


@pytest.mark.parametrize("typed,fact,value", [("golang", "language", "go"), ("c++", "language", "cpp"),
                                              ("py", "language", "python"), ("nodejs", "language", "node"),
                                              ("  GO ", "language", "go"), ("unknown", "language", "unknown")])
def test_aliases_and_unknown_are_accepted(talk, typed, fact, value):
    t = talk(typed)
    assert t.session.answers[fact] == value


def test_yes_no_short_forms(talk):
    t = talk("go", "y", "n")
    assert t.session.answers == {"language": "go", "cgo": "yes", "go_net": "no"}


def test_an_alias_says_what_it_was_taken_as(talk):
    assert "(language = go)" in talk("golang").out
    assert "(language = go)" not in talk("go").out


def test_a_wrong_answer_is_asked_again_with_the_legal_answers(talk):
    t = talk("blue", "go")
    assert ("'blue' is not an answer to language. Choose one of: c, cpp, go, rust, python, node, java, dotnet, ruby, "
            "php, bun, deno, unknown. "
            "(? for help, why for the reason I ask)") in t.out
    assert t.session.answers == {"language": "go"}
    assert t.out.count("Which language is the program written in?") == 1  # the message, not the whole question


@pytest.mark.parametrize("garbage", ["idk", "dunno", "go go", "ja va", "'; DROP TABLE", "\u00e9t\u00e9", "=", "x=y=z"])
def test_garbage_is_a_message_never_a_traceback(talk, garbage):
    t = talk(garbage)
    assert t.rc == 0
    assert "Traceback" not in t.out + t.err
    assert t.session.answers == {}
    assert "not" in t.out.split("Which language is the program written in?")[1]


def test_a_long_garbage_answer_is_clipped_in_the_message(talk):
    t = talk("z" * 200)
    assert f"'{'z' * 37}...' is not an answer to language" in t.out
    assert "z" * 41 not in t.out


def test_a_very_long_line_is_refused_whole(talk):
    t = talk("x" * 5000, "c")
    assert "That line is 5000 characters long: it is neither an answer nor a command." in t.out
    assert t.session.answers == {"language": "c"}


def test_an_empty_line_hints(talk):
    assert "Type an answer (Tab completes), or ? to list them." in talk("").out


def test_ctrl_c_abandons_the_line_and_asks_again(talk):
    t = talk("blu\x03go")  # Ctrl-C after typing "blu": nothing is answered, and the question stays open
    assert "'blu" not in t.out
    assert t.session.answers == {"language": "go"}
    assert t.rc == 0


def test_ctrl_d_at_the_first_question_leaves_with_status_0(talk):
    t = talk()
    assert t.rc == 0
    assert t.session.answers == {}


def test_quit_and_exit_leave(talk):
    t = talk("go", "quit", "no")
    assert t.rc == 0
    assert t.session.answers == {"language": "go"}  # nothing after quit is read
    assert talk("exit", "go").session.answers == {}


def test_why_at_a_question_renders_the_waiting_rules(talk, rb):
    t = talk("go", "why")
    s = rb.session({"language": "go"})
    assert render.why_text(s.why("cgo")) in t.out
    assert "I ask 'Does the Go program need cgo" in t.out


def test_why_names_a_question_and_refuses_a_non_question(talk):
    t = talk("why tls", "why colour")
    assert "I ask 'Does the program make outgoing TLS connections" in t.out
    assert "'colour' is not a question. Questions: language, dotnet_deploy," in t.out


def test_help_lists_the_legal_answers_and_every_command(talk):
    t = talk("go", "?")
    assert "cgo: Does the Go program need cgo" in t.out
    assert "also understood: y, n" in t.out
    for command in TABLE:
        assert f"  {command.usage}" in t.out
    t = talk("help")
    assert "also understood: golang (go), c++ (cpp)" in t.out


def test_help_for_one_command(talk):
    t = talk("help save", "help fly")
    assert "save [PATH]  write the plan's Dockerfile" in t.out
    assert "'fly' is not a command." in t.out


def test_back_undoes_the_last_answer(talk):
    t = talk("go", "no", "back")
    assert t.session.answers == {"language": "go"}
    assert "Undid cgo = no." in t.out
    assert t.out.count("Does the Go program need cgo") == 2  # asked again after back


def test_back_with_nothing_to_undo(talk):
    assert "Nothing to undo." in talk("back").out


def test_answers_lists_what_is_known(talk):
    t = talk("answers", "go", "no", "answers")
    assert "No answers yet." in t.out
    assert "  language = go\n  cgo      = no\n" in t.out


def test_set_states_a_fact_out_of_order(talk):
    t = talk("set tls=no", "timezones=no", "set named_user yes", "go")
    assert t.session.answers == {"tls": "no", "timezones": "no", "named_user": "yes", "language": "go"}
    assert "tls = no" in t.out


def test_set_refuses_unknown_facts_and_values(talk):
    t = talk("set colour=blue", "set tls=maybe", "set", "set tls")
    assert "'colour' is not a fact I ask about. Facts: language, dotnet_deploy" in t.out
    assert "'maybe' is not an answer to tls. Choose one of: yes, no, unknown." in t.out
    assert t.out.count("Usage: set FACT=VALUE, for example set tls=no.") == 2
    assert t.session.answers == {}


def test_restart_forgets_everything(talk):
    t = talk("go", "no", "restart", "c")
    assert t.session.answers == {"language": "c"}
    assert "Starting over: every answer is forgotten." in t.out
    assert t.out.count("Which language is the program written in?") == 2


def test_rules_and_rule(talk, rb):
    t = talk("rules", "rule mi101", "rule MI401", "rule a7", "rule MI999")
    assert "MI101  tls-needs-ca-certificates" in t.out and "MI513  " in t.out  # every kind is listed
    assert "MI101 tls-needs-ca-certificates\n  A program that verifies TLS servers needs a CA bundle" in t.out
    assert "MI401 glibc-binary-without-glibc (error, minimage-ask lint)" in t.out  # a lint rule, as `rules` has it
    assert "A7: A Go program that uses net fails on scratch the same way" in t.out
    assert re.search(r"'MI999' is not a rule or source \(rules: MI101 to MI5\d\d, sources: A1-A17", t.out)


def test_chat_rule_prints_what_minimage_ask_rules_prints(talk):
    import io

    from shell.cli import Env, main

    for ident in ("MI401", "MI501", "MI150", "A7"):
        out = io.StringIO()
        main(["rules", ident], Env(stdin=io.StringIO(""), stdout=out, stderr=io.StringIO(), stdin_isatty=False))
        assert out.getvalue().strip() in talk(f"rule {ident}").out


def test_the_result_is_shown_once_no_question_matters(talk, rb):
    t = talk(*JAVA_TO_RESULT)
    result = rb.session(dict(zip(["language", "java_runtime", "java_version", "native_deps", "named_user",
                                  "needs_shell", "platform", "healthcheck", "fips", "fonts"], JAVA_TO_RESULT))).result()
    assert render.result_text(result) in t.out
    assert t.out.count("Recommended:") == 1
    assert t.rc == 0


def test_after_the_result_the_prompt_stays_open_for_how(talk, rb):
    t = talk(*JAVA_TO_RESULT, "how", "how strategy", "how needs=tzdata", "how nothing")
    s = t.session
    best = s.result().best
    assert render.how_text(s.how(best.final_image)) in t.out
    assert render.how_text(s.how("strategy")) in t.out
    assert "Nothing is concluded about 'nothing'. Try one of:" in t.out


def test_plan_n_picks_another_plan_and_how_follows_it(talk):
    t = talk(*JAVA_TO_RESULT, "plan", "plan 2", "how", "plan 99", "plan x")
    plans = t.session.result().plans
    assert render.plan_summary(plans[2]) in t.out
    assert render.plan_text(plans[1]) in t.out
    assert plans[0].final_image != plans[1].final_image
    assert render.how_text(t.session.how(plans[1].final_image)) in t.out
    assert render.how_text(t.session.how(plans[0].final_image)) not in t.out
    assert f"'99' is not a plan: choose a number from 1 to {len(plans)}." in t.out
    assert "'x' is not a plan" in t.out


def test_plan_and_save_before_the_result_say_what_to_do(talk):
    t = talk("plan 2", "save")
    assert "No result yet: answer 'language' first (unknown is an answer)." in t.out
    assert "No plan yet: answer 'language' first" in t.out


def test_set_after_the_result_shows_the_new_result(talk):
    t = talk(*JAVA_TO_RESULT, "set needs_shell=yes")
    assert t.out.count("Recommended:") == 2
    assert t.session.answers["needs_shell"] == "yes"
    first, second = t.out.split("Recommended:")[1:]
    assert first.splitlines()[0] == " gcr.io/distroless/java21-debian13"  # no shell
    assert second.splitlines()[0] == " eclipse-temurin:21-jre-alpine"  # the smallest with a shell


def test_back_after_the_result_asks_again_then_shows_the_result_again(talk):
    t = talk(*JAVA_TO_RESULT, "back", "no")
    assert "Undid fonts = no." in t.out
    assert t.out.count("Recommended:") == 2
    assert t.session.answers["fonts"] == "no"


def test_a_word_that_is_no_command_after_the_result(talk):
    t = talk(*JAVA_TO_RESULT, "python")
    assert "'python' is not a command. Type help for the commands, back or set to change an answer." in t.out


def test_save_writes_the_dockerfile_and_never_overwrites_without_asking(talk, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    t = talk(*JAVA_TO_RESULT, "save")
    dockerfile = t.session.result().best.dockerfile
    assert (tmp_path / "Dockerfile").read_text() == dockerfile
    assert f"Wrote the Dockerfile of plan 1 ({t.session.result().best.final_image}) to Dockerfile" in t.out

    (tmp_path / "Dockerfile").write_text("mine\n")
    t = talk(*JAVA_TO_RESULT, "save", "", "save", "n", "save Dockerfile", "\x03")
    assert (tmp_path / "Dockerfile").read_text() == "mine\n"
    assert t.out.count("Not saved.") == 3

    t = talk(*JAVA_TO_RESULT, "plan 2", "save", "y")
    assert (tmp_path / "Dockerfile").read_text() == t.session.result().plans[1].dockerfile


def test_save_to_a_path_and_its_errors(talk, tmp_path):
    target = tmp_path / "out" / "Dockerfile.min"
    t = talk(*JAVA_TO_RESULT, f"save {target}", f"save {tmp_path}", f"save {tmp_path}/missing/dir/Dockerfile")
    assert "Cannot write" in t.out and "No such file or directory" in t.out
    assert f"{tmp_path} is a directory: give a file name" in t.out
    assert not target.exists()
    target.parent.mkdir()
    t = talk(*JAVA_TO_RESULT, f"save {target}")
    assert target.read_text() == t.session.result().best.dockerfile


def test_save_defaults_to_output(talk, tmp_path):
    target = tmp_path / "Df"
    talk(*JAVA_TO_RESULT, "save", output=str(target))
    assert "FROM" in target.read_text()


def test_history_is_written_to_the_history_path(talk, tmp_path):
    path = tmp_path / "deep" / "er" / "history"
    talk("go", "why", history_path=path)
    text = path.read_text()
    assert "+go" in text and "+why" in text


def test_an_unwritable_history_path_is_a_one_line_warning(talk, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("")
    t = talk("go", "no", history_path=blocker / "history")
    assert t.err.count("\n") == 1
    assert t.err == (f"Warning: cannot keep history in {blocker / 'history'}: {blocker} is not a directory; "
                     "history is kept in memory for this session\n")
    assert t.session.answers == {"language": "go", "cgo": "no"}
    assert t.rc == 0


def test_a_history_path_that_is_a_directory_is_a_warning(talk, tmp_path):
    t = talk("go", history_path=tmp_path)
    assert t.err.startswith("Warning: cannot keep history in")
    assert t.session.answers == {"language": "go"}


def test_a_read_only_history_file_is_a_warning(talk):
    """Run as nobody when the tests run as root (root writes a 0400 file anyway), so CI checks it too."""
    from tests.nobody import as_nobody, reachable_tmpdir

    with reachable_tmpdir() as d:
        path = Path(d) / "history"
        path.write_text("")
        path.chmod(0o400)
        if os.geteuid() == 0:
            os.chown(path, 65534, 65534)  # nobody's own file, readable and not writable, as a user's would be
        err = as_nobody(lambda: talk("go", history_path=path).err)
    assert err.startswith("Warning: cannot keep history in"), err


def test_the_command_table_drives_dispatch(rb):
    assert COMMANDS["?"] is COMMANDS["help"] and COMMANDS["exit"] is COMMANDS["quit"]
    names = {c.name for c in TABLE}
    assert {"why", "how", "help", "back", "answers", "set", "restart", "rules", "rule", "plan", "save",
            "quit"} == names
    assert all(c.help and c.usage.startswith(c.name) for c in TABLE)
    overlap = {v for q in rb.questions for v in [*q.choices, *q.aliases]} & set(COMMANDS)
    assert not overlap, f"answers that a command would shadow: {overlap}"


def test_build_prompt_session_takes_input_output_history(pipe):
    from prompt_toolkit.history import InMemoryHistory
    from prompt_toolkit.output import DummyOutput

    history = InMemoryHistory()
    ps = build_prompt_session(input=pipe, output=DummyOutput(), history=history)
    pipe.send_text("hello\r")
    assert ps.prompt("> ") == "hello"
    assert list(history.get_strings()) == ["hello"]


def test_no_color_uses_one_bit_colour(pipe):
    from prompt_toolkit.output import ColorDepth, DummyOutput

    assert build_prompt_session(output=DummyOutput(), color=False).color_depth == ColorDepth.DEPTH_1_BIT
    assert build_prompt_session(output=DummyOutput()).color_depth is None


def test_main_talks_on_a_terminal(pipe, tmp_path):
    import io

    from shell.cli import Env, main

    pipe.send_text("go\rwhy\r\x04")
    out, err = io.StringIO(), io.StringIO()
    env = Env(stdin=io.StringIO(), stdout=out, stderr=err, stdin_isatty=True, environ={"NO_COLOR": "1"},
              history_path=tmp_path / "history")
    assert main([], env) == 0
    assert "I ask 'Does the Go program need cgo" in out.getvalue()
    assert err.getvalue() == ""


def test_undecodable_bytes_and_control_characters_are_echoed_safely(talk, pipe):
    pipe.send_bytes(b"\xff\xfeab\r")  # not UTF-8
    t = talk("\x1b[200~go\x07\x1b[201~")  # a pasted control character
    assert "'\ufffd\ufffdab' is not an answer to language." in t.out
    assert "'go\ufffd' is not an answer to language." in t.out
    assert "\x1b" not in t.out
    t.out.encode("utf-8")  # strict: no lone surrogates reach the terminal


def test_a_pasted_block_of_lines_answers_one_question_per_line(talk):
    t = talk("\x1b[200~go\nno\nyes\x1b[201~")  # bracketed paste, then Enter
    assert t.session.answers == {"language": "go", "cgo": "no", "go_net": "yes"}
    assert "Does the Go program import net" in t.out
