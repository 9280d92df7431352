"""Class: command-line edges found by hostile use: silent truncation of inspect, options before the command's name,
an image the catalogue does not have."""
import json
import os

from .conftest import GO, run_cli


def _big_project(root, files: int):
    (root / "go.mod").write_text("module example.com/x\n\ngo 1.22\n")
    (root / "main.go").write_text('package main\nimport "net/http"\nfunc main() { http.ListenAndServe(":8080", nil) }\n')
    data = root / "data"
    data.mkdir()
    for i in range(files):
        (data / f"f{i}.txt").touch()


def test_inspect_says_when_it_stopped_at_the_file_cap_in_text_and_json(tmp_path):
    from kb.evidence.project import MAX_FILES

    _big_project(tmp_path, MAX_FILES + 10)
    status, out, err = run_cli("inspect", tmp_path)
    assert status in (0, 1), err
    assert f"warning: more than {MAX_FILES} files: the rest of the tree was not scanned" in out
    status, out, err = run_cli("inspect", tmp_path, "--format", "json")
    inspected = json.loads(out)["inspected"]
    assert inspected["truncated"] is True and inspected["kind"] == "project"
    assert any(f"more than {MAX_FILES} files" in w for w in inspected["warnings"])
    status, out, err = run_cli("inspect", tmp_path, "--format", "dockerfile", "--answer", "cgo=no")
    assert f"more than {MAX_FILES} files" in err and "warning" not in out


def test_common_options_before_the_command_name(tmp_path):
    mine = tmp_path / "mine.yaml"
    mine.write_text("caveats:\n  - id: ours\n    text: ours\n")
    status, out, err = run_cli("--rules", mine, "--debug", "rules", "MI101")
    assert status == 0 and out.startswith("MI101"), err
    status, out, err = run_cli(f"--rules={mine}", "inspect", "/bin/sh", "--format", "json")
    assert status in (0, 1) and json.loads(out)["inspected"]["kind"] in ("binary", "script"), err
    status, _, err = run_cli("--rules", tmp_path / "missing.yaml", "rules")
    assert status == 2 and "missing.yaml: file: no such file" in err  # the option really reached the command


def test_verify_with_an_image_the_catalogue_lacks_says_so(tmp_path):
    status, out, err = run_cli("verify", "/bin/sh", "--image", "nonexist:1",
                               environ={"PATH": str(tmp_path)})  # no docker on PATH: exit 69, and no guessing
    assert "unknown fact" not in out + err
    assert "nonexist:1 is not in the catalogue" in out and status == 69, (status, out, err)


def test_the_library_names_an_unknown_image(rb):
    import pytest

    import kb

    with pytest.raises(kb.UnknownImage, match="unknown image 'nonexist:1'"):
        rb.session({"language": "c"}).judge(["nonexist:1"])
