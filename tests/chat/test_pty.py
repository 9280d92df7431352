"""End to end: the real `python -m shell` on a pseudo-terminal, driven with pexpect, checked on the screen."""
from __future__ import annotations

import os
import re
import sys
from pathlib import Path

import pytest

pexpect = pytest.importorskip("pexpect")

REPO = Path(__file__).resolve().parents[2]
TIMEOUT = 10
SGR = re.compile(r"\x1b\[([0-9;]*)m")


def coloured(screen: str) -> bool:
    """Does the screen text set a foreground colour (SGR 30-37, 90-97 or 38;...)?"""
    for m in SGR.finditer(screen):
        params = m.group(1).split(";")
        if any(p in {str(n) for n in (*range(30, 38), *range(90, 98), 38)} for p in params):
            return True
    return False


def spawn(tmp_path: Path, *args: str, **extra_env: str):
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(tmp_path / "home"),
           "XDG_STATE_HOME": str(tmp_path / "state"), "NO_COLOR": "1", "TERM": "xterm", "LANG": "C.UTF-8",
           "PYTHONPATH": str(REPO),
           # pexpect does not answer the cursor-position request a real terminal answers; without this,
           # prompt-toolkit prints a warning after a timeout
           "PROMPT_TOOLKIT_NO_CPR": "1"}
    env.update(extra_env)
    env = {k: v for k, v in env.items() if v is not None}
    child = pexpect.spawn(sys.executable, ["-m", "shell", *args], env=env, cwd=str(tmp_path), dimensions=(40, 120),
                          encoding="utf-8", timeout=TIMEOUT)
    return child


def leave(child) -> int:
    """Ctrl-D, then the exit status. Call it at a prompt: between prompts the terminal is cooked and eats ^D."""
    child.sendeof()
    child.expect(pexpect.EOF)
    child.close()
    return child.exitstatus


@pytest.fixture
def child(tmp_path):
    c = spawn(tmp_path)
    yield c
    if c.isalive():
        c.terminate(force=True)


def test_a_whole_conversation(child, tmp_path):
    child.expect("Which language is the program written in\\?")
    child.expect(r"java +Java or another JVM language")
    child.expect("language>")
    child.send("jav\t")  # Tab: java and javascript share "java"
    child.expect(r"javascript[^\r\n]*= node")  # the completion menu lists both, with what each means
    child.send("\r")
    child.expect("How should the Java program be shipped")
    child.expect("java_runtime>")
    child.send("jar\r")
    child.expect("java_version>")
    child.send("21\r")
    child.expect("Does the program use native libraries")
    child.expect("native_deps>")

    child.send("why\r")
    child.expect(r"I ask 'Does the program use native libraries.*' because:")
    child.expect(r"MI\d\d\d [a-z-]+ would conclude")
    child.expect("native_deps>")

    child.send("garb")
    child.sendintr()  # Ctrl-C abandons "garb" and asks again
    child.expect("native_deps>")
    child.send("no\r")
    child.expect("named_user>")
    assert "'garb' is not an answer" not in child.before

    child.send("back\r")
    child.expect("Undid native_deps = no.")
    child.expect("native_deps>")
    child.send("n\r")
    child.expect("named_user>")
    child.send("no\r")
    child.expect("needs_shell>")
    child.send("no\r")
    child.expect("platform>")
    child.send("arm64\r")
    child.expect("healthcheck>")
    child.send("no\r")
    child.expect("fips>")
    child.send("no\r")
    child.expect("fonts>")
    child.send("no\r")
    child.expect("Recommended: gcr.io/distroless/java21-debian13")
    child.expect("result>")

    child.send("plan 2\r")  # a Java 21 JAR runs on a later JRE too
    child.expect("Plan 2: dhi.io/eclipse-temurin:25-debian13")
    child.expect("is the java25 runtime, which runs java21 programs")
    child.expect("result>")
    child.send("save\r")
    child.expect("Wrote the Dockerfile of plan 2 \\(dhi.io/eclipse-temurin:25-debian13\\) to Dockerfile")
    child.expect("result>")
    assert "FROM dhi.io/eclipse-temurin:25-debian13" in (tmp_path / "Dockerfile").read_text()
    assert leave(child) == 0
    assert "Traceback" not in child.before
    history = (tmp_path / "state" / "minimage" / "history").read_text()
    assert "+why" in history and "+plan 2" in history


def test_tab_completes_a_unique_answer(child):
    child.expect("language>")
    child.send("rus")
    child.expect("rus")
    child.send("\t")
    child.expect("t")  # completion runs in a thread: wait for it to draw before Enter ("rus" is no answer)
    child.send("\r")
    child.expect("static_ok>")
    child.send("unk")
    child.expect("unk")
    child.send("\t")
    child.expect("nown")
    child.send("\r")
    child.expect("native_deps>")
    child.send("answers\r")
    child.expect(r"language += rust\s+static_ok += unknown")
    child.expect("native_deps>")  # keys typed between prompts meet the cooked terminal: wait for the prompt
    assert leave(child) == 0


def test_garbage_and_a_very_long_line_are_messages(child):
    child.expect("language>")
    child.send("blue\r")
    child.expect(re.escape("'blue' is not an answer to language. Choose one of: c, cpp, go, rust, python, node, "
                           "java, dotnet, ruby, php, bun, deno, unknown. (? for help, why for the reason I ask)"))
    child.expect("language>")
    child.send("x" * 5000 + "\r")
    child.expect("That line is 5000 characters long: it is neither an answer nor a command.", timeout=30)
    child.expect("language>")
    os.write(child.child_fd, b"\xff\xfe\r")  # not UTF-8
    child.expect("'\ufffd\ufffd' is not an answer to language.")
    child.expect("language>")
    child.send("c\r")
    child.expect("static_ok>")
    assert leave(child) == 0
    assert "Traceback" not in child.before


def test_ctrl_d_at_the_first_question_exits_0(child):
    child.expect("language>")
    assert leave(child) == 0


def test_quit_exits_0(child):
    child.expect("language>")
    child.send("quit\r")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0


def test_an_unwritable_history_path_warns_and_carries_on(tmp_path):
    blocker = tmp_path / "state-file"
    blocker.write_text("")
    child = spawn(tmp_path, XDG_STATE_HOME=str(blocker))
    child.expect(f"Warning: cannot keep history in {re.escape(str(blocker))}/minimage/history: Not a directory; "
                 "history is kept in memory for this session\r\n")
    child.expect("language>")
    child.send("go\r")
    child.expect("cgo>")
    assert leave(child) == 0
    assert "Traceback" not in child.before


def test_no_color_means_no_colour(tmp_path):
    plain = spawn(tmp_path)
    plain.expect("language>")
    assert not coloured(plain.before + plain.after)
    leave(plain)
    colour = spawn(tmp_path, NO_COLOR=None)
    colour.expect("language")
    colour.expect(">")
    assert coloured(colour.before + colour.after)
    leave(colour)
