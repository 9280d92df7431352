"""`minimage-ask lint`: output formats, exit codes, bad input (never a traceback), the pre-commit hook."""
from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import kb
from kb.evidence.dockerfile_parse import parse_dockerfile_text
from kb.evidence.errors import EvidenceError
from kb.lint import lint_report
from shell.cli import Env, main

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = Path(__file__).parent / "fixtures"
C_DYNAMIC = str(FIXTURES / "article-c-dynamic" / "Dockerfile")
GO_HELLO = str(FIXTURES / "article-go-hello" / "Dockerfile")
C_STATIC = str(FIXTURES / "article-c-static" / "Dockerfile")


def run(*argv, stdin=""):
    env = Env(stdin=io.StringIO(stdin), stdout=io.StringIO(), stderr=io.StringIO(), stdin_isatty=False,
              stdout_isatty=False, environ={})
    code = main(["lint", *argv], env)
    return code, env.stdout.getvalue(), env.stderr.getvalue()


def test_text_output_is_one_line_per_finding_with_the_fix_below():
    code, out, err = run(C_DYNAMIC)
    assert code == 1 and err == ""
    first, fix = out.splitlines()
    assert first.startswith(f"{C_DYNAMIC}:5 MI401 error: the C program /hello is linked dynamically against glibc")
    assert fix.startswith("  fix: link it statically")


def test_quiet_drops_the_fix_and_warnings_do_not_fail():
    code, out, _ = run("--quiet", GO_HELLO)
    assert code == 0 and out == (f"{GO_HELLO}:4 MI402 warning: " + out.split(" warning: ", 1)[1])
    assert len(out.splitlines()) == 1


def test_clean_file_prints_nothing_and_exits_0():
    assert run(C_STATIC) == (0, "", "")


def test_json_output():
    code, out, _ = run("--format", "json", C_DYNAMIC, C_STATIC)
    doc = json.loads(out)
    assert code == 1 and doc["summary"] == {"error": 1, "warning": 0, "info": 0, "unreadable": 0}
    [finding] = doc["files"][0]["findings"]
    assert finding["rule"] == "MI401" and finding["line"] == 5 and "A4" in finding["sources"]
    assert doc["files"][1] == {"file": C_STATIC, "findings": [], "error": None}


def test_sarif_output_has_rules_metadata_and_results(tmp_path):
    bad = tmp_path / "Dockerfile"
    bad.write_bytes(b"FROM scratch\n\xff\xfe\n")
    code, out, _ = run("--format", "sarif", C_DYNAMIC, GO_HELLO, str(bad))
    doc = json.loads(out)
    assert code == 2 and doc["version"] == "2.1.0" and "sarif-2.1.0" in doc["$schema"]
    [run_] = doc["runs"]
    rules = run_["tool"]["driver"]["rules"]
    knowledge = kb.load().knowledge
    assert [r["id"] for r in rules] == sorted(knowledge.lints)  # by id, whichever file a rule is in
    mi401 = rules[0]
    assert mi401["name"] == "glibc-binary-without-glibc" and mi401["defaultConfiguration"]["level"] == "error"
    assert mi401["shortDescription"]["text"] == knowledge.lints["MI401"].summary
    levels = {r["ruleId"]: r["level"] for r in run_["results"]}
    assert levels == {"MI401": "error", "MI402": "warning"}
    for r in run_["results"]:
        assert rules[r["ruleIndex"]]["id"] == r["ruleId"]
        loc = r["locations"][0]["physicalLocation"]
        assert loc["region"]["startLine"] >= 1 and not loc["artifactLocation"]["uri"].startswith("/")
    inv = run_["invocations"][0]
    assert inv["executionSuccessful"] is False
    assert "not UTF-8" in inv["toolExecutionNotifications"][0]["message"]["text"]


def test_stdin_dash():
    code, out, _ = run("-", stdin="FROM scratch\nCMD /app\n")
    assert code == 1 and out.startswith("-:2 MI405 error:")


@pytest.mark.parametrize("content,expected", [
    (b"FROM scratch\nFROBNICATE x\n", "Dockerfile:2: unknown instruction: FROBNICATE"),
    (b"\x7fELF\x02\x01\x01\x00" + bytes(range(256)) * 4, "Dockerfile"),
    (b"", "no instructions"),
    (b"# only a comment\n", "no instructions"),
    (b"RUN echo hi\n", "Dockerfile:1: RUN before the first FROM"),
    (b"FROM alpine\nCOPY onlyone\n", "Dockerfile:2: COPY requires at least two arguments"),
])
def test_malformed_dockerfiles_exit_2_with_file_and_line(tmp_path, content, expected):
    path = tmp_path / "Dockerfile"
    path.write_bytes(content)
    code, out, err = run(str(path))
    assert code == 2 and out == ""
    assert err.startswith("Error: ") and expected in err.replace(str(tmp_path) + os.sep, ""), err
    assert "Traceback" not in err


def test_unreadable_paths_and_huge_files(tmp_path):
    huge = tmp_path / "Huge.Dockerfile"
    huge.write_bytes(b"FROM scratch\n" + b"# padding\n" * 200_000)
    code, _, err = run(str(tmp_path / "missing"), str(tmp_path), str(huge), C_STATIC)
    assert code == 2
    lines = err.splitlines()
    assert any("missing: no such file" in x for x in lines)
    assert any("is a directory" in x for x in lines)
    assert any("cap" in x for x in lines)


def _lint_status(path):
    code, _, err = run(path)
    return f"{code} {err.strip()}"


def test_an_unreadable_dockerfile_is_exit_2():
    """chmod 000: exit 2 naming the file (as nobody when root, who reads anything)."""
    from tests.nobody import as_nobody, reachable_tmpdir

    with reachable_tmpdir() as d:
        locked = Path(d) / "locked"
        locked.write_text("FROM scratch\n")
        locked.chmod(0)
        out = as_nobody(_lint_status, str(locked))
        assert out.startswith("2 Error: ") and "locked" in out and "Permission denied" in out, out
        locked.chmod(0o644)
        assert as_nobody(_lint_status, str(locked)) == "0 "


def test_a_fifo_does_not_hang(tmp_path):
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    code, _, err = run(str(fifo))
    assert code == 2 and "not a regular file" in err


def test_usage_errors():
    assert run()[0] == 2
    code, _, err = run("--ignore", "MI999", C_STATIC)
    assert code == 2 and "unknown rule MI999" in err
    code, _, err = run("--context", "/no/such/dir", C_STATIC)
    assert code == 2 and "not a directory" in err


def test_help_has_examples():
    code, out, _ = run("--help")
    assert code == 0 and "examples:" in out and "--format sarif" in out and "exit status" in out


def test_rules_command_lists_lint_and_diagnose_rules():
    env = Env(stdin=io.StringIO(), stdout=io.StringIO(), stderr=io.StringIO(), stdin_isatty=False, environ={})
    assert main(["rules"], env) == 0
    out = env.stdout.getvalue()
    assert re.search(r"^MI401\s+glibc-binary-without-glibc", out, re.M)
    assert re.search(r"^MI501\s+missing-elf-interpreter", out, re.M)
    env = Env(stdin=io.StringIO(), stdout=io.StringIO(), stderr=io.StringIO(), stdin_isatty=False, environ={})
    assert main(["rules", "MI405"], env) == 0
    assert "shell-form-without-shell (error, minimage-ask lint)" in env.stdout.getvalue()


def test_pre_commit_hook_definition():
    [hook] = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())
    assert hook["id"] == "minimage-lint" and hook["entry"] == "minimage-ask lint"
    files = re.compile(hook["files"])
    for name in ("Dockerfile", "app/Dockerfile", "Dockerfile.prod", "deploy/api.Dockerfile", "Containerfile"):
        assert files.search(name), name
    for name in ("README.md", "main.go", "Dockerfiles/notes.txt"):
        assert not files.search(name), name


def test_pre_commit_passes_many_files_to_one_process(tmp_path):
    """pre-commit runs `minimage-ask lint --quiet a b c` (no require_serial): one process reports every file, each
    with its own folder as the build context, and one unreadable file does not hide the others' findings."""
    [hook] = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())
    assert "require_serial" not in hook
    go_tls = ("FROM golang:1.22 AS build\nENV CGO_ENABLED=0\nWORKDIR /src\nCOPY . .\nRUN go build -o /app .\n"
              "FROM scratch\nCOPY --from=build /app /app\nENTRYPOINT [\"/app\"]\n")
    for name, main_go in (("tls", 'import "net/http"\n\nfunc main() { http.Get("https://example.com") }'),
                          ("plain", 'import "fmt"\n\nfunc main() { fmt.Println("hi") }')):
        (tmp_path / name).mkdir()
        (tmp_path / name / "Dockerfile").write_text(go_tls)
        (tmp_path / name / "go.mod").write_text("module x\n\ngo 1.22\n")
        (tmp_path / name / "main.go").write_text("package main\n\n" + main_go + "\n")
    (tmp_path / "bad").mkdir()
    (tmp_path / "bad" / "Dockerfile").write_text("RUN echo before any FROM\n")
    files = [str(tmp_path / d / "Dockerfile") for d in ("tls", "bad", "plain")] + [C_DYNAMIC, C_STATIC]
    proc = subprocess.run([sys.executable, "-m", "shell", "lint", *hook["args"], *files], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    assert "Traceback" not in proc.stderr and proc.returncode == 2  # an unreadable file wins over findings
    assert f"{files[0]}:7 MI411 warning:" in proc.stdout and "main.go" in proc.stdout
    assert f"{files[1]}:1" in proc.stderr
    assert f"{files[2]}:" not in proc.stdout  # its source makes no TLS calls
    assert f"{C_DYNAMIC}:5 MI401 error:" in proc.stdout and f"{C_STATIC}:" not in proc.stdout


def test_as_a_process_no_traceback_on_garbage(tmp_path):
    path = tmp_path / "Dockerfile"
    path.write_bytes(os.urandom(4096))
    proc = subprocess.run([sys.executable, "-m", "shell", "lint", str(path)], cwd=ROOT, capture_output=True,
                          text=True, timeout=60)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr and proc.stderr.startswith("Error: ")


# ---- hypothesis: generated Dockerfile text never crashes the linter ------------------------------------------------

INSTRUCTIONS = st.sampled_from([
    "FROM {img}", "FROM {img} AS {name}", "RUN {cmd}", "COPY --from={name} {path} {path}", "COPY {path} {path}",
    "ENV CGO_ENABLED={n}", "ARG {name}={path}", "WORKDIR {path}", "USER {name}", "CMD {cmd}", 'CMD ["{path}"]',
    'ENTRYPOINT ["{path}", "{name}"]', 'SHELL ["/bin/sh", "-c"]', "RUN <<EOF\n{cmd}\nEOF", "{junk}",
])
WORDS = {
    "img": st.sampled_from(["scratch", "alpine", "golang:1.15.6", "gcc", "rust:1.85", "busybox:musl", "node:22-alpine",
                            "python:3.12-alpine", "gcr.io/distroless/base-debian12", "${X}", "build", "0", "x:y:z"]),
    "name": st.sampled_from(["build", "b", "0", "nobody", "65532", "Bad Name", "$U"]),
    "cmd": st.sampled_from(["go build -o /app .", "gcc -o hello hello.c", "g++ -o a a.cpp", "cargo build --release",
                            "apk add gcc", "pip install numpy", "npm i bcrypt", "cp /a /b && mv /b /c",
                            "CGO_ENABLED=1 go build main.go", "'unterminated", "a && (b || c) | d; e &"]),
    "path": st.sampled_from(["/app", ".", "/out/", "hello", "/src/main", "target/release/*", "$BIN", "/"]),
    "n": st.sampled_from(["0", "1", ""]),
    "junk": st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\0"), max_size=40),
}


@st.composite
def dockerfiles(draw):
    lines = []
    for _ in range(draw(st.integers(1, 12))):
        template = draw(INSTRUCTIONS)
        values = {k: draw(v) for k, v in WORDS.items() if "{" + k + "}" in template}
        lines.append(template.format(**values))
    return "\n".join(lines) + draw(st.sampled_from(["", "\n", "\r\n", "\\\n"]))


@settings(max_examples=300, deadline=500, suppress_health_check=[HealthCheck.too_slow])
@given(dockerfiles())
def test_linter_never_crashes_on_generated_dockerfiles(text):
    knowledge = kb.load().knowledge
    try:
        report = parse_dockerfile_text(text, "Dockerfile")
    except EvidenceError:
        return
    for f in lint_report(knowledge, report):
        assert f.rule.startswith("MI4") and f.line >= 1 and f.severity in ("error", "warning", "info")


@settings(max_examples=150, deadline=500)
@given(st.text(max_size=300))
def test_linter_never_crashes_on_arbitrary_text(text):
    knowledge = kb.load().knowledge
    try:
        report = parse_dockerfile_text(text, "Dockerfile")
    except EvidenceError:
        return
    lint_report(knowledge, report)
