"""`minimage-ask --answer FACT=VALUE ... --format text|json|dockerfile`: one consultation, no questions."""
import io
import json

from shell.cli import Env, main

GO = ["--answer", "language=go", "--answer", "cgo=no", "--answer", "go_net=no", "--answer", "tls=yes",
      "--answer", "timezones=no", "--answer", "named_user=no", "--answer", "needs_shell=no", "--answer", "platform=amd64",
      "--answer", "healthcheck=no", "--answer", "fips=no"]


def run(*argv, stdin=""):
    out, err = io.StringIO(), io.StringIO()
    status = main(list(argv), Env(stdin=io.StringIO(stdin), stdout=out, stderr=err, stdin_isatty=False))
    return status, out.getvalue(), err.getvalue()


def test_json_output_has_plans_best_first_assumptions_and_facts():
    status, out, err = run(*GO, "--format", "json")
    data = json.loads(out)
    assert status == 0 and err == ""
    assert data["plans"][0]["final_image"] == "scratch"
    assert [p["rank"] for p in data["plans"]] == sorted(p["rank"] for p in data["plans"])
    assert data["plans"][0]["build_image"] == "golang:1-trixie"
    assert any(c["instruction"] == "ENV CGO_ENABLED=0" for c in data["plans"][0]["changes"])
    assert {"fact": "language", "value": "go", "source": "user", "rule": None, "premises": []} in data["facts"]
    assert data["assumptions"] == []


def test_dockerfile_output_is_the_best_plans_dockerfile(tmp_path):
    target = tmp_path / "Dockerfile"
    status, out, _ = run(*GO, "--format", "dockerfile", "--output", str(target))
    assert status == 0 and out == ""
    text = target.read_text()
    assert text.startswith("# syntax=docker/dockerfile:1") and "FROM scratch" in text
    assert 'CMD ["/app"]' in text and "ENV CGO_ENABLED=0" in text


def test_unknown_fact_is_exit_2_with_the_known_facts_listed():
    status, out, err = run("--answer", "langauge=go")
    assert status == 2 and out == ""
    assert err.startswith("Error: --answer langauge=go: unknown fact 'langauge' (known facts: language, dotnet_deploy,")


def test_illegal_value_is_exit_2_with_the_legal_values_listed():
    status, _, err = run("--answer", "language=cobol")
    assert status == 2
    assert err == ("Error: --answer language=cobol: 'cobol' is not an answer to language "
                   "(legal: c, cpp, go, rust, python, node, java, dotnet, ruby, php, bun, deno, unknown)\n")


def test_no_viable_plan_is_exit_1():
    status, out, _ = run("--answer", "language=unknown")
    assert status == 1 and "No viable plan." in out and "language is unknown" in out


def test_answers_file_yaml_and_lines(tmp_path):
    yaml_file = tmp_path / "a.yaml"
    yaml_file.write_text("language: c\nstatic_ok: no\nneeds_shell: yes\nnative_deps: no\n")
    status, out, _ = run("--answers", str(yaml_file), "--format", "json")
    assert status == 0 and json.loads(out)["plans"][0]["final_image"] == "busybox:glibc"
    lines = tmp_path / "a.txt"
    lines.write_text("# my answers\nlanguage=c\nstatic_ok = maybe\n")
    status, _, err = run("--answers", str(lines))
    assert status == 2 and f"{lines}:3: 'maybe' is not an answer to static_ok" in err


def test_unreadable_answers_file_is_exit_2(tmp_path):
    status, _, err = run("--answers", str(tmp_path / "missing.yaml"))
    assert status == 2 and err.startswith("Error: cannot read") and "Traceback" not in err


def test_bad_format_is_a_usage_error():
    status, _, err = run("--format", "xml")
    assert status == 2 and "invalid choice: 'xml'" in err


def test_rules_catalogue():
    status, out, _ = run("rules")
    assert status == 0 and out.splitlines()[0].startswith("MI101  tls-needs-ca-certificates")
    status, out, _ = run("rules", "mi150")
    assert status == 0 and "when: checked for every plan (libc)" in out and "sources: A3, A4" in out
    status, _, err = run("rules", "MI999")
    assert status == 2 and "unknown rule or source MI999" in err
