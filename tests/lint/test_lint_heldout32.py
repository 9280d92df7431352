"""What the thirty-second held-out batch (tests/lint/realworld, heldout32-2026-12-03) showed lint missing, as
mechanisms (issue 9): Temporal's Node addon, @temporalio/core-bridge, whose gnu build is picked on musl too
(gitroomhq/postiz-app#1160: MI408); a TZ zone name written with the shell's quotes (orenlab/pytmbot#30: MI418, in
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
