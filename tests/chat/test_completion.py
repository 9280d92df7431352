"""Tab completion: the open question's answers and the commands, then each command's own arguments."""
from __future__ import annotations

from prompt_toolkit.completion import CompleteEvent
from prompt_toolkit.document import Document

from shell.chat import TABLE


def complete(chat, text: str) -> list[str]:
    return [c.text for c in chat.completer.get_completions(Document(text), CompleteEvent(completion_requested=True))]


def test_commands_complete(chat):
    assert complete(chat, "wh") == ["why"]
    assert complete(chat, "ru") == ["rust", "ruby", "rules", "rule"]  # the answers first, then the commands
    assert complete(chat, "RES") == ["restart"]


def test_the_questions_choices_aliases_and_unknown_complete(chat):
    assert complete(chat, "py") == ["python", "py", "python3"]
    assert complete(chat, "jav") == ["java", "javascript"]
    assert complete(chat, "unk") == ["unknown"]
    assert complete(chat, "c") == ["c", "cpp", "c++", "cxx", "cc", "csharp", "c#"]


def test_an_empty_line_offers_every_answer_then_every_command(chat):
    words = complete(chat, "")
    assert words[:13] == ["c", "cpp", "go", "rust", "python", "node", "java", "dotnet", "ruby", "php", "bun", "deno",
                          "golang"]
    assert words.index("unknown") < words.index("why")
    assert set(words) >= {c.name for c in TABLE} | {"?", "exit"}


def test_completions_carry_what_they_mean(chat):
    (python,) = [c for c in chat.completer.get_completions(Document("pyth"), CompleteEvent()) if c.text == "python"]
    assert python.display_meta_text == "Python, run by the interpreter in the image"
    assert python.start_position == -4
    (why,) = chat.completer.get_completions(Document("wh"), CompleteEvent())
    assert why.display_meta_text.startswith("why I ask")


def test_completion_follows_the_open_question(chat):
    chat.session.answer("language", "go")
    chat.refresh()
    assert complete(chat, "y") == ["yes"]
    assert complete(chat, "n") == ["no"]
    assert "python" not in complete(chat, "p")


def test_after_the_result_only_commands_complete(chat):
    for fact, value in {"language": "java", "java_runtime": "jar", "java_version": "21", "native_deps": "no",
                        "named_user": "no", "needs_shell": "no", "platform": "amd64", "healthcheck": "no",
                        "fips": "no", "fonts": "no"}.items():
        chat.session.answer(fact, value)
    chat.refresh()
    assert chat.question is None
    assert set(complete(chat, "")) == {c.name for c in TABLE} | {"?", "exit"}  # no answers offered
    assert "java" not in complete(chat, "j")
    assert complete(chat, "pl") == ["plan"]


def test_the_dotnet_follow_up_completes_its_own_choices(chat):
    chat.session.answer("language", "dotnet")
    chat.refresh()
    assert chat.question.id == "dotnet_deploy"
    assert complete(chat, "s")[:2] == ["self-contained", "scd"]  # then the commands set, save
    assert complete(chat, "n") == ["native-aot"]
    assert "jlink" not in complete(chat, "j")  # another language's follow-up is not offered


def test_command_arguments_complete(chat):
    assert complete(chat, "why t") == ["tls", "timezones"]
    assert complete(chat, "help sa") == ["save"]
    assert complete(chat, "rule MI10")[:2] == ["MI101", "MI102"]
    assert complete(chat, "rule MI101 mi10")[:1] == ["MI101"]
    assert complete(chat, "set ti") == ["timezones="]
    assert complete(chat, "set tls=") == ["tls=yes", "tls=no", "tls=unknown"]
    assert complete(chat, "set language=go") == ["language=go", "language=golang"]
    assert complete(chat, "set colour=") == []
    assert complete(chat, "quit ") == []
    assert complete(chat, "fly ") == []


def test_how_and_plan_complete_from_the_result(chat):
    for fact, value in {"language": "java", "java_runtime": "jar", "java_version": "21", "native_deps": "no",
                        "named_user": "no", "needs_shell": "no", "platform": "amd64", "healthcheck": "no",
                        "fips": "no", "fonts": "no"}.items():
        chat.session.answer(fact, value)
    chat.refresh()
    # a Java 21 JAR also runs on the Java 25 images, ranked after its own release's
    assert complete(chat, "how gcr") == ["gcr.io/distroless/java21-debian13", "gcr.io/distroless/java25-debian13"]
    assert "strategy" in complete(chat, "how st")
    assert complete(chat, "plan ") == [str(n) for n in range(1, 9)]  # its eight plans, Java 21 and 25 JREs


def test_save_completes_paths(chat, tmp_path):
    (tmp_path / "Dockerfile.min").write_text("")
    assert complete(chat, f"save {tmp_path}/Dock") == ["erfile.min"]
