"""MI410 and MI417 (kb/lint/goreach.py) for the targets and packages the first Go reach tests do not name: a .go file
as the build's target, the package at the module's root, a cgo-only file next to ordinary ones, build constraints
that mix && and ||, and an import path that is not fetchable (no dot in its first element). The tree is the one of
tests/lint/test_lint_go_reach.py: a server that reaches go-sqlite3 through internal/store, a CLI that does not."""
from __future__ import annotations

import pytest

from tests.lint.context_files import lint_with_files
from tests.lint.test_lint_go_reach import STORE, TREE, dockerfile


def cgo(knowledge, text, files, tmp_path):
    return [(f.rule, f.severity, f.message) for f in lint_with_files(knowledge, text, files, tmp_path)
            if f.rule in ("MI410", "MI417")]


@pytest.mark.parametrize("target, workdir, found", [
    ("./cmd/server/main.go", "/src", "./cmd/server/main.go"),
    ("main.go", "/src/cmd/server", "main.go"),
])
def test_a_go_file_as_the_target_builds_the_package_of_its_directory(knowledge, tmp_path, target, workdir, found):
    [(rule, severity, msg)] = cgo(knowledge, dockerfile(target, workdir=workdir, copy="COPY . /src"), TREE, tmp_path)
    assert (rule, severity) == ("MI417", "error")
    assert msg.startswith(f"CGO_ENABLED=0, but {found} imports github.com/mattn/go-sqlite3 (internal/store/db.go:6)")


def test_a_go_file_of_the_cli_is_quiet_as_its_directory_is(knowledge, tmp_path):
    assert cgo(knowledge, dockerfile("./cmd/cli/main.go"), TREE, tmp_path) == []


ROOT_PKG = 'package app\n\nimport "fmt"\n\nfunc Hello() { fmt.Println("hi") }\n'
CLI_OF_ROOT = 'package main\n\nimport "example.test/app"\n\nfunc main() { app.Hello() }\n'


def test_the_package_at_the_modules_root_is_walked_like_any_other(knowledge, tmp_path):
    """`import "example.test/app"` (the module path itself) is the directory of go.mod: its source is there."""
    tree = dict(TREE, **{"app.go": ROOT_PKG, "cmd/cli/main.go": CLI_OF_ROOT})
    assert cgo(knowledge, dockerfile("./cmd/cli"), tree, tmp_path) == []
    db_import = 'import (\n\t"fmt"\n\t_ "github.com/mattn/go-sqlite3"\n)'
    with_db = dict(tree, **{"app.go": ROOT_PKG.replace('import "fmt"', db_import)})
    [(rule, _severity, msg)] = cgo(knowledge, dockerfile("./cmd/cli"), with_db, tmp_path)
    assert rule == "MI417" and "imports github.com/mattn/go-sqlite3 (app.go:5)" in msg


@pytest.mark.parametrize("name", ["internal/store/a_cgo.go", "internal/store/z_cgo.go"])
def test_a_cgo_only_file_leaves_out_itself_not_the_other_files_of_its_package(knowledge, tmp_path, name):
    """A file only cgo builds compile, listed before or after db.go: db.go's sqlite import is still compiled."""
    tree = dict(TREE, **{name: '//go:build cgo\n\npackage store\n\nimport "C"\n'})
    [(rule, _severity, msg)] = cgo(knowledge, dockerfile("./cmd/server"), tree, tmp_path)
    assert rule == "MI417" and "(internal/store/db.go:6)" in msg


def test_a_constraint_whose_or_does_not_need_cgo_keeps_the_file(knowledge, tmp_path):
    """`cgo && linux || sqlite` is (cgo && linux) || sqlite: a CGO_ENABLED=0 build with -tags sqlite compiles it."""
    tree = dict(TREE, **{"internal/store/db.go": "//go:build cgo && linux || sqlite\n\n" + STORE})
    assert [r for r, _, _ in cgo(knowledge, dockerfile("./cmd/server"), tree, tmp_path)] == ["MI417"]


def test_an_import_whose_first_element_has_no_dot_is_taken_for_the_standard_library(knowledge, tmp_path):
    """cmd/go's own test of a standard-library path (search.IsStandardImportPath) looks for a dot in the first
    element only, so `example/lib.v2/x` is not another module's package that could bring go-sqlite3: quiet, while
    `example.org/lib/x` is one (MI410)."""
    client = 'package client\n\nimport (\n\t"fmt"\n\n\t"{path}"\n)\n\nfunc Run() {{ fmt.Println(x.A) }}\n'
    dotless = dict(TREE, **{"internal/client/client.go": client.format(path="example/lib.v2/x")})
    assert cgo(knowledge, dockerfile("./cmd/cli"), dotless, tmp_path) == []
    dotted = dict(TREE, **{"internal/client/client.go": client.format(path="example.org/lib/x")})
    assert [r for r, _, _ in cgo(knowledge, dockerfile("./cmd/cli"), dotted, tmp_path)] == ["MI410"]


@pytest.mark.parametrize("constraint, expected", [
    ("//go:build cgo && (linux || darwin)", []),  # cgo and one of two systems: still only cgo builds compile it
    ("//go:build (cgo && linux) || (cgo && darwin)", []),
    ("//go:build ((cgo)) && !windows", []),
    ("//go:build (cgo || sqlite) && linux", ["MI417"]),  # -tags sqlite compiles it without cgo
    ("//go:build !cgo || linux", ["MI417"]),
    ("//go:build linux && (darwin || cgo)", ["MI417"]),
])
def test_a_constraint_with_parentheses_is_read_by_go_precedence(knowledge, tmp_path, constraint, expected):
    """A file whose //go:build line is false whenever cgo is (cgo && (linux || darwin)) is not compiled with
    CGO_ENABLED=0, so its sqlite import is not in the binary; it was read as any line with `||` (a false MI417)."""
    tree = dict(TREE, **{"internal/store/db.go": constraint + "\n\n" + STORE})
    assert [r for r, _, _ in cgo(knowledge, dockerfile("./cmd/server"), tree, tmp_path)] == expected
