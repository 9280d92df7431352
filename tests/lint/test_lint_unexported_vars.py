"""MI498 (kb/lint/shellvars.py): `CGO_ENABLED=0 GOOS=linux && go build` sets shell variables go build never sees
(an assignment reaches a command only as its prefix, or after export); the walk gives go build the environment it
really gets, so cgo's default decides, and the warning names the lost assignment and what it changes. From
heldout12's cloudtty operator (issue #302: "GLIBC_2.34 not found", fixed by ENV CGO_ENABLED 0)."""
from __future__ import annotations

import pytest

from kb.lint.shellwords import simple_commands
from tests.lint.context_files import lint_with_files

GOMOD = "module example.com/app\n\ngo 1.19\n"
MAIN = 'package main\n\nimport (\n\t"fmt"\n\t"net"\n)\n\nfunc main() { fmt.Println(net.LookupHost("localhost")) }\n'
FILES = {"go.mod": GOMOD, "main.go": MAIN}
CLOUDTTY = """FROM golang:1.19.10 AS builder
WORKDIR /workspace
COPY go.mod go.mod
COPY . .
RUN CGO_ENABLED=0 GOOS=linux GOARCH=$(go env GOARCH) && echo "Building GOARCH of $GOARCH.." \\
       && go build -a -o manager .
FROM {final}
COPY --from=builder /workspace/manager /bin/manager
USER 65532:65532
"""


def rules(findings, rule):
    return [f for f in findings if f.rule == rule]


def test_a_command_substitution_with_spaces_stays_one_word():
    assert simple_commands("CGO_ENABLED=0 GOARCH=$(go env GOARCH) && go build") == \
        [["CGO_ENABLED=0", "GOARCH=$(go env GOARCH)"], ["go", "build"]]
    assert simple_commands("apt-get install -y $(cat a b) x") == [["apt-get", "install", "-y", "$(cat a b)", "x"]]


def test_the_cloudtty_build_is_a_warning_naming_the_lost_assignment_and_the_dynamic_glibc_link(knowledge, tmp_path):
    found = lint_with_files(knowledge, CLOUDTTY.format(final="gcr.io/distroless/base:nonroot"), FILES, tmp_path)
    [f] = rules(found, "MI498")
    assert (f.line, f.severity) == (5, "warning")
    assert f.message.startswith("CGO_ENABLED=0 GOOS=linux GOARCH=$(go env GOARCH) in this RUN only sets shell "
                                "variables: an assignment followed by no command is not exported, so `go build` "
                                "later in the RUN never sees CGO_ENABLED, GOOS, GOARCH")
    assert "golang:1.19.10 has a C compiler, so cgo is on" in f.message
    assert "the Go program /workspace/manager is linked dynamically against glibc 2.36 of golang:1.19.10" in f.message
    assert "`CGO_ENABLED=0 go build ...`" in f.message and "`export CGO_ENABLED=0`" in f.message
    assert "ENV CGO_ENABLED=0" in f.fix


def test_into_scratch_mi401_says_why_cgo_is_on(knowledge, tmp_path):
    found = lint_with_files(knowledge, CLOUDTTY.format(final="scratch"), FILES, tmp_path)
    assert rules(found, "MI498")
    [f] = rules(found, "MI401")
    assert (f.line, f.severity) == (8, "error")
    assert "CGO_ENABLED is not set in go build's environment (CGO_ENABLED=0: a shell variable, not exported)" \
        in f.message


@pytest.mark.parametrize("run", [
    "export CGO_ENABLED=0 GOOS=linux && go build -o /app .",
    "CGO_ENABLED=0 GOOS=linux go build -o /app .",
    "CGO_ENABLED=0; export CGO_ENABLED; go build -o /app .",
    "set -a && CGO_ENABLED=0 && go build -o /app .",
    "env CGO_ENABLED=0 go build -o /app .",
])
def test_an_assignment_that_reaches_go_build_is_quiet_and_the_build_static(knowledge, tmp_path, run):
    text = f"FROM golang:1.22-bookworm AS b\nWORKDIR /src\nCOPY . .\nRUN {run}\nFROM scratch\nCOPY --from=b /app /app\n"
    found = lint_with_files(knowledge, text, FILES, tmp_path)
    assert rules(found, "MI498") == [] and rules(found, "MI401") == [] and rules(found, "MI402") == []


def test_a_variable_already_in_the_environment_is_updated_by_a_bare_assignment(knowledge, tmp_path):
    text = ("FROM golang:1.22-bookworm AS b\nENV CGO_ENABLED=1\nWORKDIR /src\nCOPY . .\n"
            "RUN CGO_ENABLED=0 && go build -o /app .\nFROM scratch\nCOPY --from=b /app /app\n")
    found = lint_with_files(knowledge, text, FILES, tmp_path)
    assert rules(found, "MI498") == [] and rules(found, "MI401") == [] and rules(found, "MI402") == []


def test_a_lost_cgo_enabled_0_where_cgo_is_off_anyway_is_quiet(knowledge, tmp_path):
    # golang:1.22-alpine has no gcc and Go 1.20+ does not turn cgo on without one: the build is static all the same
    text = ("FROM golang:1.22-alpine AS b\nWORKDIR /src\nCOPY . .\nRUN CGO_ENABLED=0 && go build -o /app .\n"
            "FROM scratch\nCOPY --from=b /app /app\n")
    assert rules(lint_with_files(knowledge, text, FILES, tmp_path), "MI498") == []


def test_a_lost_rustflags_is_named_for_cargo(knowledge):
    text = ("FROM rust:1.85-bookworm AS b\nWORKDIR /src\nCOPY . .\n"
            "RUN RUSTFLAGS='-C target-feature=+crt-static' && cargo build --release\n"
            "FROM gcr.io/distroless/cc-debian12\nCOPY --from=b /src/target/release/app /app\n")
    [f] = rules(lint_with_files(knowledge, text), "MI498")
    assert f.line == 4 and "`cargo build` later in the RUN never sees RUSTFLAGS" in f.message


def test_harmless_losses_are_quiet(knowledge, tmp_path):
    text = ("FROM golang:1.22-bookworm AS b\nWORKDIR /src\nCOPY . .\n"
            "RUN GOOS=linux GOARCH=$(go env GOARCH) && CGO_ENABLED=0 go build -o /app .\n"
            "FROM scratch\nCOPY --from=b /app /app\n")
    assert rules(lint_with_files(knowledge, text, FILES, tmp_path), "MI498") == []
