"""MI443 (kb/lint/npmscripts.py): an install that runs no install scripts leaves an addon whose binding only its
install script makes without one; and MI408 no longer blames a missing compiler for a step that compiles nothing."""
from __future__ import annotations

import json

import pytest

from tests.lint.context_files import lint_with_files


def _files(deps: dict, npmrc: str | None = None) -> dict:
    lock = {"lockfileVersion": 3, "packages": {"": {}, **{f"node_modules/{n}": {"version": v} for n, v in deps.items()}}}
    files = {"package.json": json.dumps({"dependencies": deps}), "package-lock.json": json.dumps(lock)}
    if npmrc is not None:
        files[".npmrc"] = npmrc
    return files


def _found(knowledge, text, files, tmp_path, rule="MI443"):
    return [f for f in lint_with_files(knowledge, text, files, tmp_path) if f.rule == rule]


FINAL = "FROM {image}\nWORKDIR /app\nCOPY package*.json ./\nRUN {install}\nCMD [\"node\", \"app.js\"]\n"


def test_ignore_scripts_in_the_final_stage_names_package_flag_and_fix(knowledge, tmp_path):
    text = FINAL.format(image="node:20-alpine", install="npm ci --only=production --ignore-scripts")
    [f] = _found(knowledge, text, _files({"canvas": "3.0.0"}), tmp_path)
    assert f.line == 4 and f.severity == "warning"
    assert f.message.startswith("npm installs canvas 3.0.0 with --ignore-scripts, so no install script runs")
    assert "require('canvas') fails at run time" in f.message
    assert "npm rebuild canvas" in f.fix


def test_mi408_says_no_failing_compile_for_a_step_that_compiles_nothing(knowledge, tmp_path):
    text = FINAL.format(image="node:20-alpine", install="npm ci --ignore-scripts")
    assert _found(knowledge, text, _files({"canvas": "3.0.0"}), tmp_path, "MI408") == []
    text = FINAL.format(image="node:20-alpine", install="npm ci")
    [f] = _found(knowledge, text, _files({"canvas": "3.0.0"}), tmp_path, "MI408")
    assert "no compiler in this stage" in f.message


@pytest.mark.parametrize("install, files", [
    ("npm_config_ignore_scripts=true npm ci", _files({"bcrypt": "5.1.1"})),
    ("yarn install --ignore-scripts", _files({"better-sqlite3": "12.4.1"})),
    ("pnpm install --ignore-scripts", _files({"sharp": "0.32.6"})),
    ("npm install", _files({"argon2": "0.31.2"}, npmrc="ignore-scripts=true\n")),
])
def test_every_way_to_skip_scripts_is_seen(knowledge, tmp_path, install, files):
    text = "FROM node:20-slim\nWORKDIR /app\nCOPY . .\nRUN " + install + "\nCMD [\"node\", \"app.js\"]\n"
    [f] = _found(knowledge, text, files, tmp_path)
    assert f.line == 4


@pytest.mark.parametrize("install, deps", [
    ("npm ci --ignore-scripts && npm rebuild canvas", {"canvas": "3.0.0"}),
    ("npm ci --ignore-scripts && npm rebuild", {"canvas": "3.0.0"}),
    ("npm ci", {"canvas": "3.0.0"}),
    ("npm ci --ignore-scripts", {"bcrypt": "6.0.0", "argon2": "0.41.1", "sharp": "0.33.5", "sodium-native": "4.3.1"}),
])
def test_correct_forms_stay_quiet(knowledge, tmp_path, install, deps):
    text = FINAL.format(image="node:20-slim", install=install)
    assert _found(knowledge, text, _files(deps), tmp_path) == []


def test_node_modules_that_never_reach_the_final_image_are_left_alone(knowledge, tmp_path):
    text = ("FROM node:20-slim AS build\nWORKDIR /app\nCOPY package*.json ./\nRUN npm ci --ignore-scripts\n"
            "RUN npx tsc\nFROM node:20-slim\nWORKDIR /app\nCOPY --from=build /app/dist ./dist\n"
            "CMD [\"node\", \"dist/app.js\"]\n")
    assert _found(knowledge, text, _files({"canvas": "3.0.0"}), tmp_path) == []


def test_node_modules_copied_into_the_final_image_are_followed(knowledge, tmp_path):
    text = ("FROM node:20-slim AS deps\nWORKDIR /app\nCOPY package*.json ./\nRUN npm ci --ignore-scripts\n"
            "FROM node:20-slim\nWORKDIR /app\nCOPY --from=deps /app/node_modules ./node_modules\n"
            "CMD [\"node\", \"app.js\"]\n")
    [f] = _found(knowledge, text, _files({"canvas": "2.11.2"}), tmp_path)
    assert f.line == 4 and "canvas 2.11.2" in f.message
    rebuilt = text.replace("CMD", "RUN npm rebuild canvas\nCMD")
    assert _found(knowledge, rebuilt, _files({"canvas": "2.11.2"}), tmp_path) == []


def test_many_installs_with_ignore_scripts_are_read_in_linear_time(knowledge, tmp_path):
    from tests.bounded import within

    text = ("FROM node:20-slim\nENV NPM_CONFIG_IGNORE_SCRIPTS=true\nWORKDIR /app\nCOPY . .\n"
            + "RUN npm ci --ignore-scripts && npm rebuild bcrypt\n" * 3000 + "CMD [\"node\", \"app.js\"]\n")
    with within():
        found = _found(knowledge, text, _files({"canvas": "3.0.0"}, npmrc="ignore-scripts=true\n"), tmp_path)
    assert len(found) == 3000
