"""Which files of a tree `minimage-ask inspect DIR` (and lint, for a build context) looks at, in which order, what
it says when it stops or skips, and how it names the main language: exact file lists and warnings."""
from __future__ import annotations

import os

import pytest

from kb.evidence.errors import EvidenceError
from kb.evidence.project import MAX_DEPTH, inspect_project


def write(root, *rels: str, text: str = "x\n") -> None:
    for rel in rels:
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text)


def test_the_files_looked_at_in_order_without_tool_and_dependency_folders(tmp_path):
    write(tmp_path, "b.py", "a.py", "src/z.go", "src/a/y.go", ".github/workflows/ci.yml", ".git/config",
          ".venv/lib/x.py", "node_modules/m/index.js", "vendor/v.go", "target/t.rs", "testdata/d.go", ".hidden/h.py",
          "__pycache__/c.py", "docs/.secret/s.md", "srcvendor/ok.go")
    r = inspect_project(tmp_path)
    assert r.files == ("a.py", "b.py", ".github/workflows/ci.yml", "src/z.go", "src/a/y.go", "srcvendor/ok.go")
    assert (r.files_seen, r.truncated, r.warnings) == (6, False, ())


def test_the_file_cap_stops_the_walk_with_one_warning(tmp_path):
    write(tmp_path, *(f"d{i}/f{j}.py" for i in range(3) for j in range(2)))
    r = inspect_project(tmp_path, max_files=6)
    assert (r.files_seen, r.truncated, r.warnings) == (6, False, ())
    r = inspect_project(tmp_path, max_files=5)
    assert r.files == ("d0/f0.py", "d0/f1.py", "d1/f0.py", "d1/f1.py", "d2/f0.py")
    assert (r.truncated, r.warnings) == (True, ("more than 5 files: the rest of the tree was not scanned",))
    r = inspect_project(tmp_path, max_files=3, paths=["d0", "d1", "d2"])
    assert r.files == ("d0/f0.py", "d0/f1.py", "d1/f0.py")
    assert (r.truncated, r.warnings) == (True, ("more than 3 files: the rest of the tree was not scanned",))


def test_folders_deeper_than_the_limit_are_skipped_with_a_warning(tmp_path):
    deep = "/".join(f"l{i}" for i in range(MAX_DEPTH + 1))
    write(tmp_path, f"{deep}/x.go", f"{'/'.join(deep.split('/')[:MAX_DEPTH])}/y.go")
    r = inspect_project(tmp_path)
    assert r.files == (f"{'/'.join(deep.split('/')[:MAX_DEPTH])}/y.go",)
    assert r.warnings == (f"{deep}: deeper than {MAX_DEPTH} levels, skipped",)


def test_only_the_paths_given_are_walked(tmp_path):
    """What lint passes for a Dockerfile's COPY sources: files and folders inside the context, each once."""
    root = tmp_path / "ctx"
    write(root, "app/main.go", "app/util/u.go", "go.mod", "other/o.go", "README.md")
    write(tmp_path, "ctx-old/secret.go")                               # a sibling whose name starts like the root's
    (root / "escape").symlink_to(tmp_path)
    r = inspect_project(root, paths=["go.mod", "/app", "app/main.go", "../ctx/README.md", "..", "escape/x",
                                     "../ctx-old/secret.go", "missing.go", "."])
    assert r.files == ("go.mod", "app/main.go", "app/util/u.go", "README.md", "other/o.go")
    assert r.warnings == ("..: outside the directory, skipped", "escape/x: outside the directory, skipped",
                          "../ctx-old/secret.go: outside the directory, skipped")
    assert inspect_project(root, paths=[]).files == ()


def test_a_directory_that_is_not_one(tmp_path):
    write(tmp_path, "file")
    for path, reason, message in ((tmp_path / "file", "not-regular", "not a directory"),
                                  (tmp_path / "missing", "not-found", "no such directory")):
        with pytest.raises(EvidenceError) as ei:
            inspect_project(path)
        assert (ei.value.path, ei.value.reason, ei.value.message) == (str(path), reason, message)


@pytest.mark.parametrize("files,languages", [
    (("requirements.txt", "a.go", "b.go", "c.go"), ("python", "go")),          # a root marker beats file counts
    (("sub/go.mod", "a.py", "b.py"), ("go", "python")),                        # a marker further down beats counts
    (("go.mod", "web/package.json", *(f"s{i}.js" for i in range(1500))), ("go", "node")),
    (("a.rs", "b.rs", "c.c", "d.c", "e.c"), ("c", "rust")),
    (("a.rs", "b.c"), ("c", "rust")),                                           # a tie: by name
    (("a.mjs", "b.cjs", "c.ts", "d.py", "e.py"), ("node", "python")),
    (("a.cc", "b.hpp", "c.c"), ("cpp", "c")),
    (("setup.cfg",), ("python",)), (("Pipfile",), ("python",)), (("setup.py", "a.go", "b.go"), ("python", "go")),
    (("pyproject.toml",), ("python",)), (("Cargo.toml",), ("rust",)), (("package.json",), ("node",)),
    (("README.md", "x.txt"), ()),
])
def test_the_main_language(tmp_path, files, languages):
    write(tmp_path, *files, text="")
    r = inspect_project(tmp_path)
    assert r.languages == languages and r.language == (languages[0] if languages else None)
    assert [o for o in r.observations if o.key == "language"] == [
        o for o in r.observations[:len(languages)]]
    assert [o.value for o in r.observations[:len(languages)]] == list(languages)


def test_source_counts(tmp_path):
    write(tmp_path, "a.c", "b.C", "c.cpp", "d.cxx", "e.c++", "f.cp", "g.hpp", "h.hh", "i.hxx", "j.h", text="")
    r = inspect_project(tmp_path)
    assert [(o.key, o.value, o.file, o.note) for o in r.observations if o.key.endswith(".sources")] == [
        ("c.sources", "2", ".", "*.c files"), ("cpp.sources", "4", ".", "*.cpp/*.cc/*.cxx files")]


def test_only_the_ecosystems_asked_for_are_analysed(tmp_path):
    write(tmp_path, "go.mod", text="module m\n")
    write(tmp_path, "main.go", text='package main\nimport "net"\n')
    write(tmp_path, "requirements.txt", text="psycopg2\n")
    natives = __import__("kb").load().knowledge.native_packages
    keys = {o.key for o in inspect_project(tmp_path, natives, ecosystems=["go"]).observations}
    assert "go.imports_net" in keys and "python.native_package" not in keys
    keys = {o.key for o in inspect_project(tmp_path, natives, ecosystems=["python"]).observations}
    assert "go.imports_net" not in keys and "python.native_package" in keys
    keys = {o.key for o in inspect_project(tmp_path, None).observations}
    assert "go.imports_net" in keys and "python.native_package" not in keys   # no table: nothing is native


def test_the_json_report_of_a_project(tmp_path):
    write(tmp_path, "go.mod", text="module m\n\ngo 1.21\n")
    write(tmp_path, "Dockerfile", text="FROM scratch\n")
    d = inspect_project(tmp_path).to_dict()
    assert d == {"root": str(tmp_path), "language": "go", "languages": ["go"],
                 "observations": [
                     {"key": "language", "value": "go", "file": ".", "line": None, "note": None},
                     {"key": "dockerfile", "value": "Dockerfile", "file": "Dockerfile", "line": None, "note": None},
                     {"key": "go.module", "value": "m", "file": "go.mod", "line": 1, "note": None},
                     {"key": "go.version", "value": "1.21", "file": "go.mod", "line": 3, "note": None}],
                 "warnings": [], "files_seen": 2, "truncated": False}


def test_the_same_observation_in_one_file_is_kept_once_with_its_first_line(tmp_path):
    write(tmp_path, "main.go", text='package main\nimport "net"\nimport "net"\nimport (\n\t"os/user"\n\t"net"\n)\n')
    write(tmp_path, "b.go", text='package main\nimport "net"\n')
    r = inspect_project(tmp_path)
    assert [(o.key, o.value, o.file, o.line) for o in r.observations if o.key.startswith("go.imports")] == [
        ("go.imports_net", "net", "b.go", 2), ("go.imports_net", "net", "main.go", 2),
        ("go.imports_os_user", "os/user", "main.go", 5)]


def test_unreadable_and_special_files_are_warnings(tmp_path):
    write(tmp_path, "go.mod", text="module m\n")
    os.mkfifo(tmp_path / "main.go")
    r = inspect_project(tmp_path)
    assert r.warnings == ("main.go: not a regular file, skipped",)
