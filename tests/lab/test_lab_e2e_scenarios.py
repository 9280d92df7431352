"""The interpreted-language scenarios of lab/e2e.py without an engine: what each build context holds and what the
generated Dockerfiles run on images whose ENTRYPOINT is already the interpreter (issue 8 items 3 and 6)."""
import json

import pytest

from lab import e2e


def _context(name, tmp_path):
    e2e._context(e2e.BY_NAME[name], tmp_path)
    return tmp_path


def test_psycopg2_scenario_installs_psycopg2_from_source_and_checks_libpq(tmp_path):
    ctx = _context("python-psycopg2", tmp_path)
    assert (ctx / "requirements.txt").read_text() == "markupsafe\npsycopg2\n"  # not psycopg2-binary
    assert (ctx / "checks.py").read_text() == 'CHECKS = ["wheel", "libpq"]\n'


def test_pure_python_keeps_its_empty_requirements(tmp_path):
    ctx = _context("python-pure", tmp_path)
    assert "psycopg2" not in (ctx / "requirements.txt").read_text()
    assert "wheel" not in (ctx / "checks.py").read_text()


def test_node_addon_scenario_depends_on_bufferutil_with_a_pinned_integrity(tmp_path):
    ctx = _context("node-addon", tmp_path)
    assert json.loads((ctx / "package.json").read_text())["dependencies"] == {"bufferutil": "4.1.0"}
    lock = json.loads((ctx / "package-lock.json").read_text())["packages"]
    assert lock["node_modules/bufferutil"]["integrity"].startswith("sha512-")
    assert json.loads((ctx / "checks.json").read_text()) == ["net", "addon"]
    assert not (ctx / "addon").exists()


def test_node_pure_has_no_dependencies(tmp_path):
    ctx = _context("node-pure", tmp_path)
    assert "dependencies" not in json.loads((ctx / "package.json").read_text())
    assert not (ctx / "addon").exists()


def test_on_distroless_nodejs_the_addon_plan_passes_only_the_script():
    dockerfile = e2e.ask(e2e.BY_NAME["node-addon"], "--format", "dockerfile", "--plan", "1")
    assert "FROM gcr.io/distroless/nodejs22-debian13\n" in dockerfile
    assert dockerfile.rstrip().endswith('CMD ["server.js"]') and "ENTRYPOINT" not in dockerfile


def test_on_distroless_python_the_virtualenv_python_replaces_the_entrypoint():
    dockerfile = e2e.ask(e2e.BY_NAME["python-wheels"], "--format", "dockerfile", "--plan", "1")
    assert "FROM gcr.io/distroless/python3-debian13\n" in dockerfile
    assert dockerfile.rstrip().endswith('ENTRYPOINT ["/venv/bin/python3", "main.py"]')


def test_java_scenario_builds_a_maven_project_whose_checks_are_a_resource(tmp_path):
    ctx = _context("java-jar", tmp_path)
    assert (ctx / "pom.xml").is_file() and (ctx / "src/main/java/selfcheck/Main.java").is_file()
    assert (ctx / "src/main/resources/checks.txt").read_text() == "tls,tz,user\n"


def test_on_distroless_java_the_plan_passes_only_the_jar():
    dockerfile = e2e.ask(e2e.BY_NAME["java-jar"], "--format", "dockerfile", "--plan", "1")
    assert "FROM gcr.io/distroless/java21-debian13\n" in dockerfile
    assert dockerfile.rstrip().endswith('CMD ["/app/app.jar"]') and "ENTRYPOINT" not in dockerfile


def test_a_rejected_image_gets_the_whole_command_back_from_an_entrypoint_image():
    """Plan 1's CMD on distroless java holds only the jar; on an image without `java -jar` as its ENTRYPOINT the
    command must be whole again, or the jar itself is exec'd (exec format error) instead of the missing java."""
    dockerfile = e2e.ask(e2e.BY_NAME["java-jar"], "--format", "dockerfile", "--plan", "1")
    on_cc = e2e.with_final_image(dockerfile, "gcr.io/distroless/cc-debian13")
    assert on_cc.rstrip().endswith('CMD ["/usr/bin/java", "-jar", "/app/app.jar"]')
    on_node = e2e.with_final_image(dockerfile, "gcr.io/distroless/nodejs22-debian13")
    assert on_node.rstrip().endswith('ENTRYPOINT ["/usr/bin/java", "-jar", "/app/app.jar"]')


def test_the_matrix_command_explains_itself_and_refuses_unknown_options(capsys):
    with pytest.raises(SystemExit) as done:
        e2e.main(["--help"])
    assert done.value.code == 0 and "usage: python -m lab.e2e [-h] [--write-doc]" in capsys.readouterr().out
    with pytest.raises(SystemExit) as done:
        e2e.main(["--bogus", "java-jar"])  # before: an unknown option ran every scenario
    assert done.value.code == 2 and "unrecognized arguments: --bogus" in capsys.readouterr().err
    assert e2e.main(["no-such-scenario"]) == 2
    assert "unknown scenario(s) no-such-scenario" in capsys.readouterr().err
