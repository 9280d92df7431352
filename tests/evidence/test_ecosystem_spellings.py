"""Less common spellings of the files `inspect DIR` reads (an npm-shrinkwrap of lockfile version 1, scoped yarn
entries, pip options and direct references, odd package.json values) and broken files, whose warnings name the
file and the parser's complaint; and which file the `language` fact cites in a tree of two ecosystems."""
from __future__ import annotations

import os

import kb
from kb.evidence.facts import inspect_path

from tests.evidence.project_files import write

NATIVES = kb.load().knowledge.native_packages


def inspect(root):
    _kind, report, facts = inspect_path(str(root), NATIVES)
    return ([tuple(o) for o in report.observations], list(report.warnings),
            [(j.fact.name, j.fact.value, j.note.replace(str(root), "ROOT")) for j in facts])


def test_node_and_python_spellings_and_broken_files(tmp_path):
    write(tmp_path, {
        "npm-shrinkwrap.json": ('{"lockfileVersion": 1, "dependencies": {"bcrypt": {"version": "5"}, '
                                '"@swc/core-linux-arm64-gnu": {}}}'),
        "yarn.lock": ('"@scope/native@^1", "@scope/native@^1.2":\n  version "1"\nsharp@0.33.0:\n  version "0.33"\n'
                      'sharp@^0.32:\n  version "0.32"\n'),
        "package.json": ('{"dependencies": ["x"], "engines": {"node": 20}, "scripts": {"build": 5, '
                         '"postinstall": "prebuild-install || node-gyp rebuild"}, "gypfile": "yes"}'),
        "sub/package-lock.json": '{"a": 1,}',
        "pyproject.toml": "name = [\n",
        ".python-version": "pypy3.10-7.3\n",
        "requirements.in": ("Flask[async]==3 \\\n  --hash=sha256:x\nPsycoPG2 @ https://x/psycopg2.tgz\n"
                            "git+https://github.com/x/lxml\n./local\n"),
    })
    observations, warnings, facts = inspect(tmp_path)
    assert observations == [
        ("language", "node", ".", None, None),
        ("language", "python", ".", None, None),
        ("python.version", "3.10", ".python-version", 1, None),
        ("python.native_package", "psycopg2", "requirements.in", 3, NATIVES["python"]["psycopg2"]["note"]),
        ("node.native_package", "bcrypt", "npm-shrinkwrap.json", 1, NATIVES["node"]["bcrypt"]["note"]),
        ("node.libc_specific_package", "@swc/core-linux-arm64-gnu", "npm-shrinkwrap.json", 1, "prebuilt for gnu"),
        ("node.binding_gyp", "node-gyp script", "package.json", 1, None),
        ("node.native_package", "sharp", "yarn.lock", 3, NATIVES["node"]["sharp"]["note"]),
    ]
    assert warnings == [
        "pyproject.toml: not valid TOML (Invalid value (at end of document))",
        "sub/package-lock.json: not valid JSON (Expecting property name enclosed in double quotes: line 1 column 9 "
        "(char 8))",
    ]
    assert facts == [
        ("language", "node", "ROOT/npm-shrinkwrap.json (project files)"),   # a Node file, not .python-version
        ("native_deps", "yes", "ROOT/requirements.in:3 (python.native_package psycopg2)"),
        ("native_libs", "libpq", "ROOT/requirements.in:3 (python.native_package psycopg2)"),
    ]


def test_the_language_fact_cites_a_file_of_that_language(tmp_path):
    write(tmp_path, {"requirements.txt": "psycopg2\n", "tools/gen.go": 'package main\nimport "net"\n'})
    observations, _warnings, facts = inspect(tmp_path)
    assert [o[:3] for o in observations[:4]] == [("language", "python", "."), ("language", "go", "."),
                                                 ("go.imports_net", "net", "tools/gen.go"),
                                                 ("python.native_package", "psycopg2", "requirements.txt")]
    assert facts[0] == ("language", "python", "ROOT/requirements.txt (project files)")   # Go was analysed first
    write(tmp_path / "c", {"lib.cpp": "#include <zlib.h>\n", "a.py": "import ssl\n"})
    _observations, _warnings, facts = inspect(tmp_path / "c")
    assert facts[0] == ("language", "cpp", "ROOT/lib.cpp (project files)")
    write(tmp_path / "d", {"a.py": "x = 1\n"})
    _observations, _warnings, facts = inspect(tmp_path / "d")
    assert facts == [("language", "python", "ROOT (project files)")]       # nothing observed: the root


def test_a_lock_file_of_the_wrong_shape_is_read_as_far_as_it_goes(tmp_path):
    write(tmp_path, {"package-lock.json": '{"packages": ["node_modules/bcrypt"]}', "Pipfile.lock": "[1, 2]",
                     "Cargo.lock": '[[package]]\nname = 3\n[[package]]\nname = "openssl-sys"\n',
                     "poetry.lock": 'package = "x"\n'})
    observations, warnings, _facts = inspect(tmp_path)
    assert observations == [("rust.native_crate", "openssl-sys", "Cargo.lock", 4,
                             NATIVES["rust"]["openssl-sys"]["note"]),
                            ("rust.tls", "openssl", "Cargo.lock", 4, "crate openssl-sys")]   # no marker: no language
    assert warnings == []


def test_a_package_lock_over_a_source_files_limit_is_still_read(tmp_path):
    """Lockfiles may be up to 8 MiB (a source file 1 MiB): a 1.5 MiB package-lock.json still shows its addons."""
    filler = ", ".join(f'"node_modules/pkg{i}": {{"version": "1.0.{i}"}}' for i in range(40000))
    lock = ('{"lockfileVersion": 3, "packages": {"": {"name": "app"}, "node_modules/bcrypt": {"version": "5.1.1"}, '
            + filler + "}}")
    assert 1 << 20 < len(lock) < 8 << 20
    write(tmp_path, {"package-lock.json": lock})
    observations, warnings, _facts = inspect(tmp_path)
    assert not warnings and any(o[0] == "node.native_package" and o[1] == "bcrypt" for o in observations)


def test_an_unreadable_yarn_lock_does_not_end_the_scan(tmp_path):
    """a/yarn.lock is a FIFO (never opened): a warning says so, and b/package.json, after it, is still read."""
    (tmp_path / "a").mkdir()
    os.mkfifo(tmp_path / "a" / "yarn.lock")
    write(tmp_path, {"b/package.json": '{"dependencies": {"bcrypt": "^5"}}'})
    observations, warnings, _facts = inspect(tmp_path)
    assert any(w.startswith("a/yarn.lock: ") for w in warnings)
    assert any(o[0] == "node.native_package" and o[1] == "bcrypt" for o in observations)


def test_a_gnumakefile_is_read_like_a_makefile(tmp_path):
    write(tmp_path, {"GNUmakefile": "app: main.c\n\tcc -o app main.c -lssl -lcrypto\n", "main.c": "int main(){}\n"})
    _observations, _warnings, facts = inspect(tmp_path)
    assert ("native_deps", "yes", "ROOT/GNUmakefile:2 (c.links ssl)") in facts


def test_the_c_library_and_libm_are_not_native_dependencies(tmp_path):
    write(tmp_path, {"Makefile": "app: main.c\n\tcc -o app main.c -lm -lpthread\n", "main.c": "int main(){}\n"})
    _observations, _warnings, facts = inspect(tmp_path)
    assert not [f for f in facts if f[0] == "native_deps" and f[1] == "yes"]


def test_poetry_and_pdm_locks_name_their_packages(tmp_path):
    lock = '[[package]]\nname = "psycopg2"\nversion = "2.9.9"\n\n[[package]]\nname = "requests"\nversion = "2"\n'
    write(tmp_path, {"poetry.lock": lock})
    observations, _warnings, _facts = inspect(tmp_path)
    assert any(o[0] == "python.native_package" and o[1] == "psycopg2" and o[2] == "poetry.lock" for o in observations)
