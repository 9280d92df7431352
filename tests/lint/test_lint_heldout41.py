"""What the held-out batch 41 (tests/lint/realworld, heldout41-2026-12-03) showed lint missing or getting wrong, as
mechanisms (issue 9): a program built on glibc 2.35 to 2.37 into an image with 2.34 or later asks for GLIBC_2.34
unless it calls a newer function (MI429's warning, not MI404's error); a CI job whose `make` builds the program and
then the image (MI425), unless its go build sets CGO_ENABLED=0; `runs-on:` as a list; `podman build` of a build
context an artifact was downloaded to, after a job built it with houseabsolute/actions-rust-cross. Each test is a
small Dockerfile of our own, not a corpus file."""
from __future__ import annotations

from kb.evidence.dockerfile_parse import parse_dockerfile_text
from kb.lint import lint_report


def findings(knowledge, text: str, rule: str, context: str | None = None) -> list:
    report = lint_report(knowledge, parse_dockerfile_text(text, "Dockerfile"), context_dir=context)
    return [f for f in report if f.rule == rule]


# ---- MI429 / MI404: glibc 2.35 to 2.37 builders ---------------------------------------------------------------------

_SKEW = """\
FROM {builder} AS build
WORKDIR /src
COPY . .
RUN go build -o /bin/node ./cmd/node
FROM {image}
COPY --from=build /bin/node /usr/local/bin/node
ENTRYPOINT ["node"]
"""


def _cgo_program(tmp_path) -> str:
    """A Go module with C of its own: judged by what that C may call, not by the standard library's floor."""
    (tmp_path / "go.mod").write_text("module example.com/node\n\ngo 1.24\n")
    (tmp_path / "cmd" / "node").mkdir(parents=True)
    (tmp_path / "cmd" / "node" / "main.go").write_text(
        'package main\n\n// #include <math.h>\nimport "C"\n\nfunc main() { C.hypot(3, 4) }\n')
    return str(tmp_path)


def test_a_cgo_program_built_on_bookworm_runs_on_ubuntu_22_04_unless_it_calls_a_newer_function(knowledge, tmp_path):
    text = _SKEW.format(builder="golang:1.24.7-bookworm", image="ubuntu:22.04")
    context = _cgo_program(tmp_path)
    assert findings(knowledge, text, "MI404", context) == []
    [f] = findings(knowledge, text, "MI429", context)
    assert (f.severity, f.line) == ("warning", 6)
    assert "glibc 2.36" in f.message and "glibc 2.35" in f.message and "GLIBC_2.34, which ubuntu:22.04 has" in f.message


def test_below_2_34_every_such_program_fails_and_from_2_38_on_the_builder_glibc_counts(knowledge, tmp_path):
    context = _cgo_program(tmp_path)
    for builder, image in (("golang:1.24.7-bookworm", "ubuntu:20.04"), ("golang:1.24-trixie", "debian:bookworm-slim")):
        text = _SKEW.format(builder=builder, image=image)
        assert [f.severity for f in findings(knowledge, text, "MI404", context)] == ["error"], (builder, image)
        assert findings(knowledge, text, "MI429", context) == [], (builder, image)


def test_the_same_release_in_both_stages_is_clean(knowledge, tmp_path):
    text = _SKEW.format(builder="golang:1.24.7-bookworm", image="debian:bookworm-slim")
    context = _cgo_program(tmp_path)
    assert findings(knowledge, text, "MI404", context) == findings(knowledge, text, "MI429", context) == []


# ---- MI425: a CI job's make builds the program, then the image -----------------------------------------------------

_OPERATOR = """\
FROM registry.access.redhat.com/ubi8/ubi:latest
COPY build/bin /usr/local/bin
ENTRYPOINT ["/usr/local/bin/operator"]
"""

_MAKEFILE = """\
BINDIR ?= $(CURDIR)/build/bin
all: build
build:
\t{env}GOOS=linux go build -o $(BINDIR)/operator ./cmd/manager
\tdocker build -f build/Dockerfile . -t example/operator
"""

_WORKFLOW = """\
name: build
on: push
jobs:
  build-image:
    runs-on: [ubuntu-latest]
    steps:
      - uses: actions/checkout@v4
      - name: Build image
        run: VERSION=1 make
"""


def _operator(tmp_path, env: str = "") -> str:
    (tmp_path / "build").mkdir()
    (tmp_path / "build" / "Dockerfile").write_text(_OPERATOR)
    (tmp_path / "Makefile").write_text(_MAKEFILE.format(env=env))
    (tmp_path / ".github" / "workflows").mkdir(parents=True)
    (tmp_path / ".github" / "workflows" / "build.yml").write_text(_WORKFLOW)
    return str(tmp_path)


def test_a_ci_job_whose_make_builds_the_program_and_then_the_image_is_followed(knowledge, tmp_path):
    [f] = findings(knowledge, _OPERATOR, "MI425", _operator(tmp_path))
    assert f.line == 2 and "job build-image, on ubuntu-latest" in f.message and "2.28" in f.message


def test_the_same_make_with_cgo_off_builds_a_static_program(knowledge, tmp_path):
    assert findings(knowledge, _OPERATOR, "MI425", _operator(tmp_path, "CGO_ENABLED=0 ")) == []


# ---- MI425: podman build of a downloaded artifact's directory ------------------------------------------------------

_CONTAINERFILE = """\
FROM gcr.io/distroless/cc-debian12
COPY --chmod=755 server /app/
ENTRYPOINT ["/app/server"]
"""

_RELEASE = """\
name: release
on: push
jobs:
  publish:
    runs-on: ubuntu-24.04
    steps:
      - uses: actions/checkout@v4
      - name: cargo build
        uses: houseabsolute/actions-rust-cross@v0
        with:
          args: --release --locked
          target: x86_64-unknown-linux-gnu
      - uses: actions/upload-artifact@v4
        with:
          name: x86_64-unknown-linux-gnu
          path: target/x86_64-unknown-linux-gnu/release/server
  images:
    runs-on: ubuntu-latest
    needs: publish
    steps:
      - uses: actions/checkout@v4
      - uses: actions/download-artifact@v4
        with:
          name: x86_64-unknown-linux-gnu
          path: target/x86_64-unknown-linux-gnu/release
      - run: podman build --format docker --manifest server -f Containerfile target/x86_64-unknown-linux-gnu/release
"""


def test_podman_build_of_the_directory_an_artifact_was_downloaded_to(knowledge, tmp_path):
    (tmp_path / "Containerfile").write_text(_CONTAINERFILE)
    (tmp_path / ".github" / "workflows").mkdir(parents=True)
    (tmp_path / ".github" / "workflows" / "release.yml").write_text(_RELEASE)
    [f] = findings(knowledge, _CONTAINERFILE, "MI425", str(tmp_path))
    assert f.line == 2 and "job publish, on ubuntu-24.04" in f.message and "2.36" in f.message
    tested = _RELEASE.replace("args: --release", "command: test\n          args: --release")  # no build
    (tmp_path / ".github" / "workflows" / "release.yml").write_text(tested)
    assert findings(knowledge, _CONTAINERFILE, "MI425", str(tmp_path)) == []


# ---- MI411: mail and download clients ------------------------------------------------------------------------------

_TIMETABLE = """\
FROM golang:alpine AS builder
ENV CGO_ENABLED=0
WORKDIR /build
COPY . .
RUN go build -o timetable .
FROM scratch
COPY --from=builder /build/timetable /
ENTRYPOINT ["/timetable"]
"""


def test_a_go_smtp_client_on_scratch_makes_tls_calls(knowledge, tmp_path):
    (tmp_path / "go.mod").write_text("module example.com/timetable\n\ngo 1.21\n\nrequire gopkg.in/gomail.v2 v2.0.0\n")
    [f] = findings(knowledge, _TIMETABLE, "MI411", str(tmp_path))
    assert f.line == 7 and "gopkg.in/gomail.v2" in f.message and "STARTTLS" in f.message
    (tmp_path / "go.mod").write_text("module example.com/timetable\n\ngo 1.21\n")
    assert findings(knowledge, _TIMETABLE, "MI411", str(tmp_path)) == []


# ---- MI412: libiptc-dev links libip4tc and libip6tc ----------------------------------------------------------------

_RTP = """\
FROM debian:trixie-slim AS build
RUN apt-get update && apt-get install -y gcc make libiptc-dev
COPY . /src
RUN make -C /src
FROM debian:trixie-slim
RUN apt-get update && apt-get install -y --no-install-recommends {runtime}
COPY --from=build /src/daemon /usr/local/bin/
ENTRYPOINT ["daemon"]
"""


def test_libiptc_dev_links_libip4tc(knowledge, tmp_path):
    (tmp_path / "Makefile").write_text("daemon:\n\tgcc -o daemon main.c -lip4tc -lip6tc\n")
    [f] = findings(knowledge, _RTP.format(runtime="libip6tc2"), "MI412", str(tmp_path))
    assert f.line == 7 and "libip4tc" in f.message and "libiptc-dev" in f.message
    assert findings(knowledge, _RTP.format(runtime="libip4tc2 libip6tc2"), "MI412", str(tmp_path)) == []


# ---- go run of a release script that runs go build ------------------------------------------------------------------

_SQLC = """\
FROM golang:1.21.5 AS builder
COPY . /workspace
WORKDIR /workspace
RUN go run scripts/release.go -docker
FROM scratch
COPY --from=builder /workspace/tool /workspace/tool
ENTRYPOINT ["/workspace/tool"]
"""

_RELEASE_GO = """\
package main

import ("os"; "os/exec")

func main() {
	x := "-extldflags \\"-static\\" -X main.version=" + os.Getenv("VERSION")
	args := []string{
		"build",
		"-a",
		"-ldflags", x,
		"-o", "/workspace/tool",
		"./cmd/tool",
	}
	cmd := exec.Command("go", args...)
	cmd.Run()
}
"""


def test_go_run_of_a_release_script_is_the_go_build_it_runs(knowledge, tmp_path):
    (tmp_path / "go.mod").write_text("module example.com/tool\n\ngo 1.21\n")
    (tmp_path / "scripts").mkdir()
    (tmp_path / "scripts" / "release.go").write_text(_RELEASE_GO)
    (tmp_path / "cmd" / "tool").mkdir(parents=True)
    (tmp_path / "cmd" / "tool" / "main.go").write_text(
        'package main\n\nimport "net/http"\n\nfunc main() { http.Get("https://example.com") }\n')
    [f] = findings(knowledge, _SQLC, "MI411", str(tmp_path))
    assert f.line == 6 and "/workspace/tool" in f.message
    assert findings(knowledge, _SQLC, "MI401", str(tmp_path)) == []  # -extldflags "-static": static
    (tmp_path / "scripts" / "release.go").write_text(_RELEASE_GO.replace('-extldflags \\"-static\\" ', ""))
    [f] = findings(knowledge, _SQLC, "MI401", str(tmp_path))  # cgo on (gcc in golang:1.21.5), net/http: glibc
    assert f.severity == "error"


# ---- bitnami/minideb's install_packages is an apt-get install ------------------------------------------------------

_PRIVACYIDEA = """\
FROM python:3.12-slim-bookworm AS builder
RUN apt-get update && apt-get install -y gcc libpq-dev
RUN python3 -m venv /opt/app && /opt/app/bin/pip install psycopg2==2.9.9
FROM python:3.12-slim-bookworm
COPY prebuildfs /
RUN install_packages ca-certificates tini{extra}
COPY --from=builder /opt/app /opt/app
ENTRYPOINT ["/opt/app/bin/python"]
"""


def test_install_packages_installs_what_it_names(knowledge):
    [f] = findings(knowledge, _PRIVACYIDEA.format(extra=""), "MI412")
    assert f.line == 7 and "libpq" in f.message
    assert findings(knowledge, _PRIVACYIDEA.format(extra=" libpq5"), "MI412") == []
