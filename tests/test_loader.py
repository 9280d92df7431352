"""Loading validates everything and reports every problem at once, as FILE:LINE: ID: message."""
import io
from pathlib import Path

import pytest

import kb
from kb.loader import default_rules_path, load_knowledge
from shell.cli import Env, main
from tests.rulefile_problems import rule_file_problems

FILES = Path(__file__).parent / "rulefiles"


def problems(name):
    return rule_file_problems(FILES / name)


def test_the_shipped_rules_load_cleanly():
    knowledge = load_knowledge()
    assert len(knowledge.rules) > 50 and "busybox:glibc" in knowledge.images


def test_bad_yaml_names_file_and_line():
    assert problems("bad-yaml.yaml") == ["bad-yaml.yaml:4: yaml: did not find expected ',' or ']'"]


def test_unknown_key_is_reported_with_its_line():
    assert "unknown-key.yaml:4: MI901: unknown key 'wen'" in problems("unknown-key.yaml")[0]


def test_duplicate_rule_id_names_the_first_definition():
    line = next(r.line for r in load_knowledge().rules.values() if r.id == "MI101")
    assert problems("duplicate-id.yaml") == [
        f"duplicate-id.yaml:2: MI101: duplicate rule id 'MI101' (already defined at knowledge/rules-infer.yaml:{line})"]


def test_condition_on_a_fact_nothing_provides_suggests_the_right_name():
    assert problems("unknown-fact.yaml") == [
        "unknown-fact.yaml:4: MI902: unknown fact 'langauge': no question or rule provides it "
        "(did you mean 'language'?)"]


def test_illegal_values_unknown_strategy_claim_and_image_are_all_reported():
    found = problems("illegal-value.yaml")
    assert any(":4: MI903: 'cobol' is not a legal value of 'language'" in p for p in found)
    assert any(":5: MI903: 'no-such-strategy' is not a known strategy id" in p for p in found)
    assert any("MI903: source 'A99' is not an article claim (A1-A17)" in p for p in found)
    assert any("example names unknown image 'scratchy'" in p for p in found)


def test_every_problem_of_a_file_is_reported_at_once():
    found = problems("many-problems.yaml")
    expected = ["unknown key 'colour'", "'size_mb' must be a number", "an image with glibc needs 'loader'",
                "X1: a rule id is MI followed by three digits", "missing required key 'sources'"]
    for text in expected:
        assert any(text in p for p in found), (text, found)
    assert all(p.startswith("many-problems.yaml:") for p in found)


def test_duplicate_mapping_key_is_a_problem_not_a_silent_override():
    assert problems("duplicate-key.yaml") == ["duplicate-key.yaml:3: yaml: duplicate key 'id'"]


@pytest.mark.parametrize("name,message", [
    ("not-a-mapping.yaml", "not-a-mapping.yaml:1: file: a rule file must be a YAML mapping"),
    ("not-utf8.yaml", "not-utf8.yaml:2: file: not UTF-8 text"),
    ("no-such-file.yaml", "no-such-file.yaml: file: no such file"),
])
def test_unreadable_files(name, message):
    assert problems(name)[0].startswith(message)


def test_a_directory_is_not_a_rule_file(tmp_path):
    with pytest.raises(kb.RuleFileError, match="is a directory"):
        load_knowledge([tmp_path])


def test_a_user_layer_adds_images_caveats_and_rules(tmp_path):
    rb = kb.load(FILES / "my-image.yaml")
    result = rb.consult({"language": "c", "static_ok": "no", "native_deps": "no", "tls": "yes", "timezones": "no",
                         "named_user": "no", "needs_shell": "no"})
    assert result.best.final_image == "registry.example.com/base/glibc-tiny:1"
    assert "Ask the platform team" in " ".join(result.best.caveats)


def test_a_clash_between_layers_is_a_load_error(tmp_path):
    clash = tmp_path / "clash.yaml"
    clash.write_text((FILES / "my-image.yaml").read_text().replace("in-house-caveat", "other"))
    with pytest.raises(kb.RuleFileError, match="duplicate rule id 'MI901'"):
        kb.load(FILES / "my-image.yaml", clash)


def test_cli_reports_rule_file_problems_with_exit_2_and_no_traceback():
    out, err = io.StringIO(), io.StringIO()
    status = main(["--rules", str(FILES / "unknown-fact.yaml"), "--answer", "language=c"],
                  Env(stdin=io.StringIO(""), stdout=out, stderr=err))
    assert status == 2 and out.getvalue() == ""
    assert "Error: the rules cannot be loaded (1 problem):" in err.getvalue()
    assert "unknown-fact.yaml:4: MI902: unknown fact 'langauge'" in err.getvalue()
    assert "Traceback" not in err.getvalue()


def test_the_installed_package_finds_its_rules():
    assert Path(default_rules_path()).name == "rules.yaml" and Path(default_rules_path()).exists()


def test_cached_knowledge_follows_edits_of_a_layered_file(tmp_path, monkeypatch):
    monkeypatch.delenv("MINIMAGE_CACHE_DIR", raising=False)  # the suite's own (tests/conftest.py)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    layer = tmp_path / "mine.yaml"
    layer.write_text((FILES / "my-image.yaml").read_text())
    first = kb.load(layer)
    assert "registry.example.com/base/glibc-tiny:1" in first.knowledge.images
    assert list((tmp_path / "cache" / "minimage").glob("knowledge-*.marshal"))
    layer.write_text(layer.read_text().replace("glibc-tiny:1", "glibc-tiny:2"))
    second = kb.load(layer)
    assert "registry.example.com/base/glibc-tiny:2" in second.knowledge.images
    assert "registry.example.com/base/glibc-tiny:1" not in second.knowledge.images


def test_an_unwritable_cache_is_not_an_error(tmp_path, monkeypatch):
    blocker = tmp_path / "file"
    blocker.write_text("")
    monkeypatch.delenv("MINIMAGE_CACHE_DIR", raising=False)  # the suite's own (tests/conftest.py)
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))  # a cache "directory" under a regular file
    assert kb.load().consult({"language": "go", "cgo": "no"}).best is not None


def test_a_corrupt_cache_entry_is_rebuilt(tmp_path, monkeypatch):
    monkeypatch.delenv("MINIMAGE_CACHE_DIR", raising=False)  # the suite's own (tests/conftest.py)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    kb.load()
    [entry] = (tmp_path / "minimage").glob("knowledge-*.marshal")
    entry.write_bytes(b"not an entry")
    assert kb.load().knowledge.rules and entry.read_bytes() != b"not an entry"


def test_a_strategy_run_by_newer_runtimes_must_name_a_release(tmp_path):
    layer = tmp_path / "jvm.yaml"
    layer.write_text("""strategies:
  - id: my-jar
    title: our JAR
    build_image: "maven:3-eclipse-temurin-21"
    build_family: debian
    libc: any
    runtime: java
    newer_runtime_runs: true
    steps:
      - {stage: final, do: "COPY app.jar /app/app.jar"}
    sources: [our wiki]
  - id: my-other-jar
    title: our other JAR
    build_image: "maven:3-eclipse-temurin-21"
    build_family: debian
    libc: any
    runtime: java21
    newer_runtime_runs: "yes"
    steps:
      - {stage: final, do: "COPY app.jar /app/app.jar"}
    sources: [our wiki]
""")
    found = rule_file_problems(layer)
    assert "jvm.yaml:8: my-jar: 'newer_runtime_runs' needs a 'runtime' with a release number, like java21" in found
    assert "jvm.yaml:18: my-other-jar: 'newer_runtime_runs' must be true or false" in found
