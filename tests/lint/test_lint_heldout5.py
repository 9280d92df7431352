"""What the fifth held-out batch (tests/lint/realworld, batch heldout5-2026-11-30) showed lint missing or misnaming,
as mechanisms: a variable a stage uses but declares only in another stage (MI480: empty there, so a RUN guarded by it
skips its apt-get install), and gcc without g++ on Alpine for packages whose source build compiles C++ (MI408 said
"build tools are installed" where the build fails). Each test is a small Dockerfile of our own, not a corpus file."""
from __future__ import annotations

import pytest

from kb.evidence.dockerfile_parse import parse_dockerfile_text
from kb.lint import lint_report
from kb.lint.argscope import references


def findings(knowledge, text: str, rule: str) -> list:
    report = lint_report(knowledge, parse_dockerfile_text(text, "Dockerfile"), context_dir=None)
    return [f for f in report if f.rule == rule]


# ---- MI480: ARG scope ---------------------------------------------------------------------------------------------

GUARDED = ("FROM rust:1.85-slim AS build\nARG FEATURES=\"http tls\"\nWORKDIR /src\nCOPY . .\n"
           "RUN cargo build --release --features \"$FEATURES\"\n"
           "FROM debian:bookworm-slim\n{arg}"
           "RUN echo $FEATURES | grep -v tls > /dev/null || (apt-get update && apt-get install -y libssl3)\n"
           "COPY --from=build /src/target/release/app /app\nCMD [\"/app\"]\n")


def test_an_arg_of_the_build_stage_is_empty_in_the_final_stage_and_the_install_it_guards_is_named(knowledge):
    [f] = findings(knowledge, GUARDED.format(arg=""), "MI480")
    assert (f.line, f.severity) == (7, "warning")
    assert f.message.startswith("FEATURES is declared by ARG in stage build (line 2), not in this stage (stage 1, "
                                "FROM debian:bookworm-slim)")
    assert "expands $FEATURES to an empty string; the libssl3 this RUN installs may be left out" in f.message
    assert "ARG FEATURES" in f.fix


def test_the_same_arg_declared_again_in_the_final_stage_is_in_scope(knowledge):
    assert findings(knowledge, GUARDED.format(arg="ARG FEATURES=\"http tls\"\n"), "MI480") == []


def test_an_arg_before_the_first_from_needs_an_arg_line_in_the_stage(knowledge):
    text = ("ARG TOOL_VERSION=1.4.2\nFROM alpine:3.22\n"
            "RUN wget -O /usr/local/bin/tool https://example.org/tool-${TOOL_VERSION}\nCMD [\"tool\"]\n")
    [f] = findings(knowledge, text, "MI480")
    assert f.line == 3 and "declared by ARG before the first FROM" in f.message
    assert f.fix.startswith("add `ARG TOOL_VERSION` (no value")
    fixed = text.replace("FROM alpine:3.22\n", "FROM alpine:3.22\nARG TOOL_VERSION\n")
    assert findings(knowledge, fixed, "MI480") == []


def test_env_carries_into_a_stage_built_from_its_stage_but_an_arg_does_not(knowledge):
    base = "FROM python:3.12-slim AS base\n{decl}\nFROM base\nWORKDIR $APP_HOME\nCMD [\"python\"]\n"
    assert findings(knowledge, base.format(decl="ENV APP_HOME=/srv/app"), "MI480") == []
    [f] = findings(knowledge, base.format(decl="ARG APP_HOME=/srv/app"), "MI480")
    assert (f.line, f.message.split(" is ")[0]) == (4, "APP_HOME")


@pytest.mark.parametrize("run", [
    "RUN VERSION=2 && echo $VERSION",            # the RUN sets it itself
    "RUN for VERSION in 1 2; do echo $VERSION; done",
    "RUN echo '$VERSION' > /version.txt",        # single quotes: the shell expands nothing
    "RUN echo $$VERSION",
    "RUN echo $HTTP_PROXY $PATH",                 # Docker's proxy ARGs, an image's ENV
])
def test_what_the_run_or_docker_or_the_image_sets_is_not_reported(knowledge, run):
    text = f"FROM alpine:3.22 AS one\nARG VERSION=1\nARG PATH\nFROM alpine:3.22\n{run}\nCMD [\"true\"]\n"
    assert findings(knowledge, text, "MI480") == []


def test_references_skip_escapes_and_single_quotes():
    assert references("echo ${A:-x} $B \\$C '$D' \"$E\" $$F", shell=True) == ["A", "B", "E"]
    assert references("'$D'", shell=False) == ["D"]


# ---- MI408: gcc is not g++ ----------------------------------------------------------------------------------------

def _mi408(knowledge, packages: str, apk: str) -> str:
    text = f"FROM python:3.12-alpine\nRUN apk add --no-cache {apk}\nRUN pip install --no-cache-dir {packages}\n"
    [f] = findings(knowledge, text, "MI408")
    return f.message


def test_gcc_without_gpp_cannot_build_a_package_that_compiles_cpp(knowledge):
    message = _mi408(knowledge, "pandas==1.5.0 psycopg2", "gcc libc-dev postgresql-dev")
    assert message.endswith("gcc is installed but no C++ compiler (g++, or build-base), and pandas compiles C++ "
                            "code, so the build fails")


@pytest.mark.parametrize("apk", ["build-base postgresql-dev", "gcc g++ musl-dev postgresql-dev", "clang musl-dev"])
def test_a_cpp_compiler_anywhere_in_the_stage_builds_them_for_musl(knowledge, apk):
    text = f"FROM python:3.12-alpine\nRUN apk add --no-cache {apk}\nRUN pip install --no-cache-dir pandas psycopg2\n"
    assert findings(knowledge, text, "MI408") == []


def test_gcc_alone_is_enough_for_c_only_packages(knowledge):
    text = ("FROM python:3.12-alpine\nRUN apk add --no-cache gcc musl-dev postgresql-dev libffi-dev\n"
            "RUN pip install --no-cache-dir psycopg2 cffi\n")
    assert findings(knowledge, text, "MI408") == []


def test_an_npm_addon_written_in_cpp_needs_gpp_too(knowledge):
    text = ("FROM node:22-alpine\nRUN apk add --no-cache python3 make gcc musl-dev\nWORKDIR /app\n"
            "RUN npm install bcrypt@5.1.1 express\n")
    [f] = findings(knowledge, text, "MI408")
    assert "no C++ compiler" in f.message and "bcrypt compiles C++ code" in f.message
