"""What the held-out batch (tests/lint/realworld, batch heldout-2026-11-30) showed lint missing, as mechanisms:
builds behind recursive make, libraries deleted with the build dependencies, Prisma without OpenSSL, and the
dependencies lint cannot see without a lockfile. Each test is a small Dockerfile of our own, not a corpus file."""
from __future__ import annotations

import pytest

import kb
from kb.evidence.dockerfile_parse import parse_dockerfile_text
from kb.lint import lint_report
from kb.lint.makefiles import recipes


@pytest.fixture(scope="module")
def knowledge():
    return kb.load().knowledge


def findings(knowledge, text: str, context: dict[str, str] | None = None, tmp_path=None):
    if context:
        for name, content in context.items():
            (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
            (tmp_path / name).write_text(content)
    return lint_report(knowledge, parse_dockerfile_text(text, "Dockerfile"),
                       context_dir=str(tmp_path) if context else None)


# ---- builds behind make that calls make --------------------------------------------------------------------------

GO_MAKEFILE = ("ROOT_DIR := $(shell dirname $(realpath $(lastword $(MAKEFILE_LIST))))\n"
               "BIN_DIR = $(ROOT_DIR)/bin\n"
               "build:\n\t@(mkdir -p $(BIN_DIR))\n\tgo build -o $(BIN_DIR)/server ./cmd/server\n"
               "docker-build:\n\t{recursive} build\n")
GO_DOCKERFILE = ("FROM golang:1.22-bookworm AS build\nWORKDIR /src\nCOPY . .\n"
                 "RUN {env}make docker-build && mv bin/server /server\n"
                 "FROM debian:bullseye-slim\nCOPY --from=build /server /server\nCMD [\"/server\"]\n")


@pytest.mark.parametrize("recursive", ["make", "$(MAKE)", "$(MAKE) -f Makefile"])
def test_a_go_build_behind_a_recipe_that_runs_make_is_found(knowledge, tmp_path, recursive):
    """`make docker-build` whose recipe is `make build` (picfit's Makefile shape): the go build two levels down
    links glibc 2.36 (cgo is on in golang images) and bullseye has 2.31."""
    context = {"Makefile": GO_MAKEFILE.format(recursive=recursive), "go.mod": "module example.com/s\n\ngo 1.22\n"}
    got = findings(knowledge, GO_DOCKERFILE.format(env=""), context, tmp_path)
    assert [(f.rule, f.severity, f.line) for f in got if f.rule == "MI404"] == [("MI404", "error", 6)]
    assert "built on golang:1.22-bookworm (debian12, glibc 2.36) but runs on debian:bullseye-slim" in got[0].message


def test_cgo_enabled_0_given_to_the_outer_make_reaches_the_inner_go_build(knowledge, tmp_path):
    context = {"Makefile": GO_MAKEFILE.format(recursive="make"), "go.mod": "module example.com/s\n\ngo 1.22\n"}
    got = findings(knowledge, GO_DOCKERFILE.format(env="CGO_ENABLED=0 "), context, tmp_path)
    assert [f.rule for f in got if f.severity in ("error", "warning")] == []


def test_recursive_make_stops_at_a_fixed_depth(knowledge, tmp_path):
    """A Makefile whose target runs make on itself forever is read to a bounded depth, not until the stack ends."""
    context = {"Makefile": "loop:\n\tmake loop\n\tgo build -o /out/app .\n", "go.mod": "module m\n\ngo 1.22\n"}
    text = ("FROM golang:1.22-bookworm AS b\nWORKDIR /src\nCOPY . .\nRUN make loop\nFROM scratch\n"
            "COPY --from=b /out/app /app\nCMD [\"/app\"]\n")
    assert "MI401" in [f.rule for f in findings(knowledge, text, context, tmp_path)]


@pytest.mark.parametrize("definition,expected", [
    ("ROOT_DIR := $(shell dirname $(realpath $(lastword $(MAKEFILE_LIST))))", "/src/bin/app"),
    ("ROOT_DIR := $(dir $(abspath $(firstword $(MAKEFILE_LIST))))", "/src//bin/app"),
    ("ROOT_DIR := $(CURDIR)", "/src/bin/app"),
    ("ROOT_DIR := $(shell pwd)", "/src/bin/app"),
    ("ROOT_DIR := $(shell git rev-parse --show-toplevel)", "*/bin/app"),  # not knowable: unknown, not empty
    ("ROOT_DIR := $(realpath $(wildcard src))", "*/bin/app"),
])
def test_the_makefiles_own_directory_is_known_where_make_says_it(definition, expected):
    makefile = definition + "\nall:\n\tcc -o $(ROOT_DIR)/bin/app main.c\n"
    [line] = recipes(makefile, [], {}, "/src")
    assert line == f"cc -o {expected} main.c"
