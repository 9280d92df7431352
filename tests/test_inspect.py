"""Evidence instead of questions: real binaries, scripts and project trees become facts that name their file."""
import io
import json
import os
import shutil
import subprocess

import pytest

import kb
from kb.evidence.facts import inspect_path
from shell.cli import Env, main

QUIET = {"tls": "no", "timezones": "no", "named_user": "no", "needs_shell": "no"}


def compile_with(tool, tmp_path, name, source, *flags, env=None):
    if not shutil.which(tool):
        pytest.skip(f"{tool} not installed (apt-get install gcc g++ golang-go)")
    src = tmp_path / source[0]
    src.write_text(source[1])
    out = tmp_path / name
    cmd = [tool, "build", "-o", str(out), "."] if tool == "go" else [tool, "-o", str(out), str(src), *flags]
    subprocess.run(cmd, check=True, cwd=tmp_path, env=env, capture_output=True)
    return out


def evidence_of(path):
    natives = kb.load().knowledge.native_packages
    return {(j.fact.name, j.fact.value): j.note for j in inspect_path(str(path), natives)[2]}


def test_a_dynamic_cpp_binary_needs_an_image_with_libstdcxx(rb, tmp_path):
    exe = compile_with("g++", tmp_path, "app", ("a.cpp", "#include <iostream>\nint main(){std::cout<<1;}\n"))
    facts = evidence_of(exe)
    assert facts[("language", "cpp")].startswith(str(exe))
    assert ("binary_needs", "libstdc++.so.6") in facts and ("binary_libc", "glibc") in facts
    result = rb.consult(QUIET, inspect_path(str(exe))[2])
    as_is = [p for p in result.plans if p.strategy == "prebuilt-binary"]
    assert as_is and all("libstdc++.so.6" not in r.reason or r.rule_id == "MI152" for r in result.rejected)
    assert any(r.image == "busybox:glibc" and r.strategy == "prebuilt-binary" and r.rule_id == "MI152"
               for r in result.rejected)
    assert any(j.source == "evidence" and j.note.startswith(str(exe)) for j in result.facts)


def test_a_static_go_binary_settles_cgo_and_runs_in_scratch(rb, tmp_path):
    env = dict(os.environ, CGO_ENABLED="0", GOFLAGS="-mod=mod", GOPROXY="off", HOME=str(tmp_path),
               GOCACHE=str(tmp_path / "cache"), GOPATH=str(tmp_path / "gopath"))
    (tmp_path / "go.mod").write_text("module example.com/hello\n\ngo 1.19\n")
    exe = compile_with("go", tmp_path, "hello", ("main.go", 'package main\nimport "fmt"\nfunc main(){fmt.Println(1)}\n'),
                       env=env)
    facts = evidence_of(exe)
    assert ("language", "go") in facts and ("binary_libc", "none") in facts
    assert "CGO_ENABLED=0" in facts[("cgo", "no")]
    session = rb.session(QUIET)
    session.add_evidence(inspect_path(str(exe))[2])
    assert "cgo" not in [q.id for q in session.open_questions()]
    assert session.result().best.final_image == "scratch"


def test_a_go_project_shows_cgo_and_net_with_file_and_line(rb, tmp_path):
    (tmp_path / "go.mod").write_text("module example.com/app\n\ngo 1.22\n\nrequire github.com/mattn/go-sqlite3 v1.14.22\n")
    (tmp_path / "main.go").write_text('package main\n\nimport (\n\t"net/http"\n\t_ "github.com/mattn/go-sqlite3"\n)\n\n'
                                      'func main() { http.ListenAndServe(":8080", nil) }\n')
    facts = evidence_of(tmp_path)
    assert ("language", "go") in facts and ("cgo", "yes") in facts and ("go_net", "yes") in facts
    assert "go.mod" in facts[("cgo", "yes")] or "main.go" in facts[("cgo", "yes")]
    assert "main.go:4" in facts[("go_net", "yes")]
    session = rb.session()
    session.add_evidence(inspect_path(str(tmp_path), rb.knowledge.native_packages)[2])
    asked = [q.id for q in session.open_questions()]
    assert not {"language", "cgo", "go_net"} & set(asked) and asked[0] == "static_ok"


def test_a_script_shows_its_interpreter(tmp_path):
    script = tmp_path / "tool"
    script.write_text("#!/usr/bin/env python3\nprint(1)\n")
    assert ("language", "python") in evidence_of(script)


def test_a_binary_needing_a_newer_libstdcxx_is_rejected_where_it_is_older(rb):
    evidence = [kb.Justification(kb.Fact(n, v), "evidence", note="test") for n, v in
                [("binary_libc", "glibc"), ("binary_needs", "libstdc++.so.6"), ("binary_glibcxx", "3.4.32")]]
    session = rb.session(QUIET)
    session.add_evidence(evidence)
    judged = session.judge(["gcr.io/distroless/cc-debian12", "gcr.io/distroless/cc-debian13"])
    assert [p.final_image for p in judged.plans if p.strategy == "prebuilt-binary"] == ["gcr.io/distroless/cc-debian13"]
    [rejected] = [r for r in judged.rejected if r.strategy == "prebuilt-binary"]
    assert rejected.rule_id == "MI152" and "GLIBCXX_3.4.32" in rejected.reason


def run(*argv):
    out, err = io.StringIO(), io.StringIO()
    status = main(list(argv), Env(stdin=io.StringIO(""), stdout=out, stderr=err, stdin_isatty=False))
    return status, out.getvalue(), err.getvalue()


def test_inspect_prints_the_evidence_then_the_plans(tmp_path):
    exe = compile_with("gcc", tmp_path, "hello", ("h.c", "int main(void){return 0;}\n"))
    status, out, _ = run("inspect", str(exe), "--answer", "needs_shell=yes", "--answer", "named_user=no",
                         "--answer", "tls=no", "--answer", "timezones=no")
    assert status == 0 and out.startswith(f"Evidence from binary {exe}:\n  binary_libc = glibc")
    assert "Recommended: busybox:glibc" in out
    status, out, _ = run("inspect", str(exe), "--format", "json")
    notes = [f["note"] for f in json.loads(out)["facts"] if f["source"] == "evidence"]
    assert notes and all(n.startswith(str(exe)) for n in notes)


@pytest.mark.parametrize("content,message", [
    (b"\x00\x01garbage" * 10, "not an ELF binary, a script starting with #!, or a directory"),
    (b"\x7fELF\x02\x01\x01" + b"\x00" * 9, ""),  # a truncated ELF header: the parser's own message
])
def test_inspect_bad_input_is_exit_2_with_no_traceback(tmp_path, content, message):
    path = tmp_path / "thing"
    path.write_bytes(content)
    status, out, err = run("inspect", str(path))
    assert status == 2 and out == "" and err.startswith(f"Error: {path}") and message in err
    assert "Traceback" not in err


def test_inspect_of_a_missing_path():
    status, _, err = run("inspect", "/no/such/file")
    assert status == 2 and err.startswith("Error: /no/such/file") and "Traceback" not in err
