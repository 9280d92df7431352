"""What the thirty-second held-out batch (tests/lint/realworld, heldout32-2026-12-03) showed lint missing, as
mechanisms (issue 9): Temporal's Node addon, @temporalio/core-bridge, whose gnu build is picked on musl too
(gitroomhq/postiz-app#1160: MI408); grpc before 1.7.2, whose download names no libc (MI408); a TZ zone name written with the shell's quotes (orenlab/pytmbot#30: MI418, in
tests/lint/test_lint_zone_data.py). Each test is a small Dockerfile of our own, not a corpus file."""
from __future__ import annotations

import json

import pytest

from kb.evidence.dockerfile_parse import parse_dockerfile_text
from kb.lint import lint_report


def findings(knowledge, text: str, rule: str, context: str | None = None) -> list:
    report = lint_report(knowledge, parse_dockerfile_text(text, "Dockerfile"), context_dir=context)
    return [f for f in report if f.rule == rule]


def _npm_context(tmp_path, deps: dict, locked: dict) -> str:
    (tmp_path / "package.json").write_text(json.dumps({"dependencies": deps}))
    packages = {"": {"dependencies": deps}, **{f"node_modules/{n}": {"version": v} for n, v in locked.items()}}
    (tmp_path / "package-lock.json").write_text(json.dumps({"lockfileVersion": 3, "packages": packages}))
    return str(tmp_path)


WORKER = """\
FROM {image}
RUN {tools}
WORKDIR /app
COPY package*.json ./
RUN npm ci --omit=dev
COPY . .
CMD ["node", "worker.js"]
"""
LOCKED = {"@temporalio/worker": "1.14.0", "@temporalio/core-bridge": "1.14.0"}


@pytest.mark.parametrize("tools", ["apk add --no-cache python3 make g++", "true"])
def test_temporal_worker_on_alpine_gets_the_glibc_bridge_with_or_without_a_compiler(knowledge, tmp_path, tools):
    ctx = _npm_context(tmp_path, {"@temporalio/worker": "^1.14.0"}, LOCKED)
    [f] = findings(knowledge, WORKER.format(image="node:22-alpine", tools=tools), "MI408", ctx)
    assert (f.severity, f.line) == ("warning", 5)
    assert "@temporalio/core-bridge (indirect, from the lockfile)" in f.message and "glibc only" in f.message


def test_the_worker_named_without_a_lockfile_brings_the_bridge_too(knowledge):
    text = 'FROM node:22-alpine\nWORKDIR /app\nRUN npm install @temporalio/worker\nCMD ["node", "worker.js"]\n'
    [f] = findings(knowledge, text, "MI408")
    assert "@temporalio/core-bridge" in f.message


def test_temporal_worker_on_a_glibc_image_says_nothing(knowledge, tmp_path):
    ctx = _npm_context(tmp_path, {"@temporalio/worker": "^1.14.0"}, LOCKED)
    assert findings(knowledge, WORKER.format(image="node:22-bookworm-slim", tools="true"), "MI408", ctx) == []


# ---- a Go program a GitHub Actions run step builds, copied from the build context (vertti/preflight#231) ----------

WORKFLOW = """\
name: release
on: {{push: {{tags: ["v*"]}}}}
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - name: Build binaries
        run: |
          mkdir -p dist
          for GOOS in linux darwin windows; do
            for GOARCH in amd64 arm64; do
              output="app-${{GOOS}}-${{GOARCH}}"
              if [ "$GOOS" = "windows" ]; then
                output="${{output}}.exe"
              fi
              {cgo}GOOS=$GOOS GOARCH=$GOARCH go build -trimpath -o "{out}" ./cmd/app
            done
          done
"""
PREBUILT = 'FROM scratch\nARG TARGETARCH\nCOPY dist/app-linux-${TARGETARCH} /app\nENTRYPOINT ["/app"]\n'


def _go_project(tmp_path, workflow: str) -> str:
    (tmp_path / "go.mod").write_text("module github.com/example/app\n\ngo 1.22\n")
    (tmp_path / "cmd" / "app").mkdir(parents=True)
    (tmp_path / "cmd" / "app" / "main.go").write_text(
        'package main\n\nimport "net/http"\n\nfunc main() { http.Get("https://example.com") }\n')
    (tmp_path / ".github" / "workflows").mkdir(parents=True)
    (tmp_path / ".github" / "workflows" / "release.yml").write_text(workflow)
    return str(tmp_path)


def test_a_workflow_loop_build_with_cgo_off_is_the_host_build_and_its_command_package_is_read(knowledge, tmp_path):
    ctx = _go_project(tmp_path, WORKFLOW.format(cgo="CGO_ENABLED=0 ", out="dist/${output}"))
    assert findings(knowledge, PREBUILT, "MI402", ctx) == []  # the step sets CGO_ENABLED=0
    [f] = findings(knowledge, PREBUILT, "MI411", ctx)  # the module has no root package: cmd/app is the program
    assert f.line == 3 and "cmd/app/main.go:5 calls http.Get" in f.message


def test_the_same_workflow_build_without_cgo_off_is_named_by_mi402(knowledge, tmp_path):
    ctx = _go_project(tmp_path, WORKFLOW.format(cgo="", out="dist/${output}"))
    [f] = findings(knowledge, PREBUILT, "MI402", ctx)
    assert ".github/workflows/release.yml, job build: go build -trimpath -o dist/${output} ./cmd/app" in f.message


def test_an_output_lint_cannot_name_matches_no_copied_file(knowledge, tmp_path):
    ctx = _go_project(tmp_path, WORKFLOW.format(cgo="CGO_ENABLED=0 ", out="$OUT"))
    [f] = findings(knowledge, PREBUILT, "MI402", ctx)
    assert "no Makefile, build script, goreleaser configuration or workflow run step" in f.message


def test_output_names_expand_known_values_and_mark_the_rest():
    from kb.lint.hostbuild import _assigned, output_names

    shell: dict = {}
    _assigned(shell, "output", "app-${GOOS}-${GOARCH}")
    _assigned(shell, "output", "${output}.exe")
    assert output_names("dist/${output}", shell) == ["dist/app-*-*", "dist/app-*-*.exe"]
    assert output_names("$OUT", {}) == [] and output_names("bin/app", {}) == ["bin/app"]


@pytest.mark.parametrize("version,flagged", [("1.6.6", True), ("0.15.0", True), ("1.7.2", False), ("1.10.0", False)])
def test_grpc_before_1_7_2_downloads_its_glibc_build_on_alpine_even_with_a_compiler(knowledge, version, flagged):
    text = ("FROM node:8-alpine\nRUN apk add --no-cache make gcc g++ python\nWORKDIR /app\n"
            f"RUN npm install grpc@{version}\nCMD [\"node\", \"server.js\"]\n")
    hits = findings(knowledge, text, "MI408")
    assert bool(hits) == flagged
    if flagged:
        assert "grpc downloads a prebuilt binary named without its libc" in hits[0].message
