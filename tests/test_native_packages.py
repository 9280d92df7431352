"""The native-package table is knowledge: the `native_packages:` section (knowledge/native-packages.yaml), read
by the loader into Knowledge.native_packages, layered like every section, used by inspect and lint."""
from __future__ import annotations

import pytest

import kb
from kb.evidence.project import inspect_project
from kb.loader import load_knowledge


def test_the_shipped_table_is_in_the_knowledge(rb):
    t = rb.knowledge.native_packages
    assert {"python", "node", "go", "rust"} <= set(t)
    assert t["python"]["psycopg2"]["libs"] == ("libpq",) and t["rust"]["openssl-sys"]["tls"] == "openssl"


def test_a_rule_file_adds_packages_and_inspect_uses_them(tmp_path):
    mine = tmp_path / "mine.yaml"
    mine.write_text("version: 1\nnative_packages:\n  go:\n    - {name: example.com/cgo-thing, libs: [libfoo], "
                    "note: uses cgo}\n")
    knowledge = load_knowledge([mine])
    assert "example.com/cgo-thing" in knowledge.native_packages["go"]
    assert "github.com/mattn/go-sqlite3" in knowledge.native_packages["go"]
    (tmp_path / "p").mkdir()
    (tmp_path / "p" / "main.go").write_text('package main\nimport "example.com/cgo-thing/sub"\n')
    assert inspect_project(tmp_path / "p", knowledge.native_packages).has("go.cgo_module", "example.com/cgo-thing")
    assert not inspect_project(tmp_path / "p").has("go.cgo_module")  # no table, no native package


@pytest.mark.parametrize("body, message", [
    ("  cobol:\n    - {name: x}\n", "unknown ecosystem 'cobol'"),
    ("  python:\n    - {name: Psycopg2}\n", "write the package name as 'psycopg2'"),
    ("  python:\n    - {name: psycopg2}\n", "duplicate native_packages python id 'psycopg2'"),
    ("  node:\n    - {name: x, size: 3}\n", "unknown key 'size'"),
    ("  node:\n    - {libs: [a]}\n", "missing required key 'name'"),
    ("  rust: openssl\n", "'rust' must be a list of packages"),
    ("  https:\n    - {name: some-client, tls: openssl, until: soon}\n", "until: 'soon' is not a version"),
])
def test_bad_entries_are_load_errors(tmp_path, body, message):
    mine = tmp_path / "mine.yaml"
    mine.write_text("version: 1\nnative_packages:\n" + body)
    with pytest.raises(kb.RuleFileError) as err:
        load_knowledge([mine])
    assert message in str(err.value)
