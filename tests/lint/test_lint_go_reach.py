"""MI410 and MI417: a cgo-only module (mattn/go-sqlite3) that go.mod lists, in a CGO_ENABLED=0 build. go.mod lists the
modules of all the module's packages; what the built package imports decides (kb/lint/goreach.py). The false error
this fixes came from cs3org/reva's CLI (heldout7: reva-cli-make-cgo-fixed), built from a module whose server uses
SQLite."""
from __future__ import annotations

import pytest

from tests.lint.context_files import lint_with_files

GO_MOD = "module example.test/app\n\ngo 1.22\n\nrequire github.com/mattn/go-sqlite3 v1.14.22\n"
SERVER = 'package main\n\nimport "example.test/app/internal/store"\n\nfunc main() { store.Open() }\n'
STORE = ('package store\n\nimport (\n\t"database/sql"\n\n\t_ "github.com/mattn/go-sqlite3"\n)\n\n'
         'func Open() { sql.Open("sqlite3", "x.db") }\n')
CLI = 'package main\n\nimport "example.test/app/internal/client"\n\nfunc main() { client.Run() }\n'
CLIENT = 'package client\n\nimport "fmt"\n\nfunc Run() { fmt.Println("hi") }\n'
TREE = {"go.mod": GO_MOD, "cmd/server/main.go": SERVER, "internal/store/db.go": STORE, "cmd/cli/main.go": CLI,
        "internal/client/client.go": CLIENT}


def dockerfile(target: str, workdir: str = "/src", copy: str = "COPY . .") -> str:
    return (f"FROM golang:1.22-alpine AS build\nWORKDIR {workdir}\n{copy}\n"
            f"RUN CGO_ENABLED=0 go build -o /out/app {target}\n"
            "FROM alpine:3.20\nCOPY --from=build /out/app /app\nENTRYPOINT [\"/app\"]\n")


def cgo(knowledge, text, files, tmp_path):
    return [(f.rule, f.severity, f.message) for f in lint_with_files(knowledge, text, files, tmp_path)
            if f.rule in ("MI410", "MI417")]


def test_a_server_that_imports_sqlite_through_its_own_package_is_an_error(knowledge, tmp_path):
    [(rule, severity, msg)] = cgo(knowledge, dockerfile("./cmd/server"), TREE, tmp_path)
    assert (rule, severity) == ("MI417", "error")
    assert msg.startswith("CGO_ENABLED=0, but ./cmd/server imports github.com/mattn/go-sqlite3 "
                          "(internal/store/db.go:6), which needs cgo")


def test_a_cli_of_the_same_module_that_does_not_import_it_is_quiet(knowledge, tmp_path):
    assert cgo(knowledge, dockerfile("./cmd/cli"), TREE, tmp_path) == []


def test_the_target_by_import_path_and_from_a_subdirectory(knowledge, tmp_path):
    by_path = cgo(knowledge, dockerfile("example.test/app/cmd/server"), TREE, tmp_path)
    in_sub = cgo(knowledge, dockerfile(".", workdir="/src/cmd/server", copy="COPY . /src"), TREE, tmp_path)
    assert [r for r, _, _ in by_path] == [r for r, _, _ in in_sub] == ["MI417"]
    assert cgo(knowledge, dockerfile(".", workdir="/src/cmd/cli", copy="COPY . /src"), TREE, tmp_path) == []


def test_go_mod_alone_is_a_warning_that_says_the_package_is_not_visible(knowledge, tmp_path):
    [(rule, severity, msg)] = cgo(knowledge, dockerfile("./cmd/cli"), {"go.mod": GO_MOD}, tmp_path)
    assert (rule, severity) == ("MI410", "warning")
    assert "whether ./cmd/cli imports it, itself or through another module's package, is not visible" in msg


def test_a_package_of_another_module_may_import_it_in_turn_so_it_is_a_warning(knowledge, tmp_path):
    # a GORM SQLite driver imports go-sqlite3: go.mod lists it (indirect), the CLI's own source never names it
    client = 'package client\n\nimport (\n\t"fmt"\n\n\t"gorm.io/driver/sqlite"\n)\n\nfunc Run() { fmt.Println(sqlite.Open) }\n'
    [(rule, severity, _msg)] = cgo(knowledge, dockerfile("./cmd/cli"), dict(TREE, **{"internal/client/client.go": client}),
                                   tmp_path)
    assert (rule, severity) == ("MI410", "warning")


@pytest.mark.parametrize("missing", ["internal/client/client.go", "cmd/cli/main.go"])
def test_a_reached_package_whose_source_is_missing_makes_it_unknown(knowledge, tmp_path, missing):
    tree = {k: v for k, v in TREE.items() if k != missing}
    assert [(r, s) for r, s, _ in cgo(knowledge, dockerfile("./cmd/cli"), tree, tmp_path)] == [("MI410", "warning")]


@pytest.mark.parametrize("target", ["./...", "$PKG", "github.com/other/tool"])
def test_a_target_lint_cannot_place_is_a_warning(knowledge, tmp_path, target):
    assert [r for r, _, _ in cgo(knowledge, dockerfile(target), TREE, tmp_path)] == ["MI410"]


def test_import_cycles_and_test_files_do_not_count(knowledge, tmp_path):
    """A package importing itself back ends the walk; a _test.go file that imports sqlite is not in the binary."""
    tree = dict(TREE, **{"internal/client/loop.go": 'package client\n\nimport _ "example.test/app/cmd/cli"\n',
                         "internal/client/db_test.go": 'package client\n\nimport _ "github.com/mattn/go-sqlite3"\n'})
    assert cgo(knowledge, dockerfile("./cmd/cli"), tree, tmp_path) == []


@pytest.mark.parametrize("constraint, expected", [("//go:build cgo", []), ("//go:build cgo && linux", []),
                                                  ("//go:build cgo || sqlite", ["MI417"]), ("", ["MI417"])])
def test_a_file_only_cgo_builds_compile_is_left_out(knowledge, tmp_path, constraint, expected):
    """`//go:build cgo` files are not compiled with CGO_ENABLED=0: their sqlite import is not in the binary."""
    store = (constraint + "\n\n" if constraint else "") + STORE
    tree = dict(TREE, **{"internal/store/db.go": store})
    assert [r for r, _, _ in cgo(knowledge, dockerfile("./cmd/server"), tree, tmp_path)] == expected


def test_without_a_c_compiler_go_1_20_turns_cgo_off_by_itself(knowledge, tmp_path):
    """nom (heldout16): golang:alpine with only make installed; from Go 1.20 cgo is off where no C compiler is, so
    go-sqlite3 is its stub there, CGO_ENABLED unset."""
    text = dockerfile("./cmd/server").replace("CGO_ENABLED=0 ", "")
    [(rule, severity, msg)] = cgo(knowledge, text, TREE, tmp_path)
    assert (rule, severity) == ("MI417", "error")
    assert msg.startswith("cgo is off (golang:1.22-alpine has no C compiler), but ./cmd/server imports "
                          "github.com/mattn/go-sqlite3")


@pytest.mark.parametrize("build,extra", [
    ("golang:1.22-alpine", "RUN apk add --no-cache gcc musl-dev\n"),  # a C compiler: cgo on
    ("golang:1.19-alpine", ""),  # before 1.20 cgo stayed on without one (and the build needs gcc then)
    ("golang:1.22", ""),  # Debian's golang image has gcc
])
def test_cgo_left_on_by_its_default_is_not_reported(knowledge, tmp_path, build, extra):
    text = dockerfile("./cmd/server").replace("CGO_ENABLED=0 ", "").replace(
        "FROM golang:1.22-alpine AS build\n", f"FROM {build} AS build\n{extra}")
    assert cgo(knowledge, text, TREE, tmp_path) == []


@pytest.mark.parametrize("module", ["github.com/aliyun/alibaba-cloud-sdk-go", "github.com/ClickHouse/clickhouse-go/v2"])
def test_a_pure_go_module_listed_for_its_zones_is_no_cgo_module(knowledge, tmp_path, module):
    """casbin/caswaf (heldout26): the Alibaba Cloud SDK is in the Go table for the zone it loads (MI418), not for cgo:
    a CGO_ENABLED=0 build that imports it is neither MI417 nor MI410 (`pure_go`)."""
    files = {"go.mod": f"module example.test/app\n\ngo 1.22\n\nrequire {module} v1.61.0\n",
             "cmd/server/main.go": f'package main\n\nimport _ "{module}/sdk"\n\nfunc main() {{}}\n'}
    assert cgo(knowledge, dockerfile("./cmd/server"), files, tmp_path) == []


def test_inspect_counts_no_pure_go_module_as_cgo(knowledge, tmp_path):
    from kb.evidence.project import inspect_project

    (tmp_path / "go.mod").write_text("module example.test/app\n\ngo 1.22\n\nrequire (\n"
                                     "\tgithub.com/ClickHouse/clickhouse-go/v2 v2.0.12\n\tgithub.com/mattn/go-sqlite3 v1.14.22\n)\n")
    found = {o.value for o in inspect_project(tmp_path, knowledge.native_packages).find("go.cgo_module")}
    assert found == {"github.com/mattn/go-sqlite3"}
