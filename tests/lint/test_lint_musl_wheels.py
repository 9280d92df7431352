"""MI408 and the versions that publish musl builds (knowledge/native-packages.yaml `musl_builds`): a pinned version
with musllinux wheels (Python) or musl prebuilds (Node) installs on Alpine without a compiler, an older one still
compiles, and a package that publishes none (psycopg2, mysqlclient) still needs one. Each test is a small Dockerfile
of our own with the requirements file or lockfile next to it."""
from __future__ import annotations

import json

import pytest

from kb.lint.pkgversions import musl_build_published, python_pins
from tests.lint.context_files import findings_of, write_context


def findings(knowledge, text: str, rule: str = "MI408", context: str | None = None) -> list:
    return findings_of(knowledge, text, rule, context)


context = write_context


PIP_R = ("FROM python:3.12-alpine\nWORKDIR /app\nCOPY requirements.txt .\n"
         "RUN pip install --no-cache-dir -r requirements.txt\nCMD [\"python\", \"app.py\"]\n")
POETRY = ("FROM python:3.12-alpine\nRUN pip install poetry\nWORKDIR /app\nCOPY pyproject.toml poetry.lock ./\n"
          "RUN poetry install --only main --no-root\n")
NPM_CI = ("FROM node:22-alpine\nWORKDIR /app\nCOPY package.json package-lock.json ./\nRUN npm ci\n"
          "CMD [\"node\", \"server.js\"]\n")


def npm_lock(name: str, version: str) -> dict:
    lock = {"lockfileVersion": 3, "packages": {"": {}, f"node_modules/{name}": {"version": version}}}
    return {"package.json": json.dumps({"dependencies": {name: version}}), "package-lock.json": json.dumps(lock)}


# ---- Python: musllinux wheels by version -----------------------------------------------------------------------

@pytest.mark.parametrize("pin", ["numpy==1.26.4", "pandas==2.2.3", "lxml==5.3.0", "cryptography==42.0.8",
                                 "pillow==10.4.0", "orjson==3.10.7", "psutil==7.2.0"])
def test_a_pinned_version_with_musllinux_wheels_needs_no_compiler_on_alpine(knowledge, tmp_path, pin):
    assert findings(knowledge, PIP_R, context=context(tmp_path, {"requirements.txt": f"flask==3.0.3\n{pin}\n"})) == []


@pytest.mark.parametrize("pin,name", [("numpy==1.24.4", "numpy"), ("pandas==1.5.3", "pandas"),
                                      ("psutil==5.9.8", "psutil"), ("pillow==8.4.0", "pillow")])
def test_a_version_before_the_musllinux_wheels_still_compiles(knowledge, tmp_path, pin, name):
    [f] = findings(knowledge, PIP_R, context=context(tmp_path, {"requirements.txt": f"flask==3.0.3\n{pin}\n"}))
    assert f.line == 4
    assert f.message == (f"pip installs {name} on python:3.12-alpine (musl): there is no compiler in this stage, so "
                         "the build fails for any without one")


@pytest.mark.parametrize("pin", ["psycopg2==2.9.9", "mysqlclient==2.2.4", "scikit-learn==1.5.2", "psycopg2"])
def test_a_package_without_musllinux_wheels_still_compiles(knowledge, tmp_path, pin):
    [f] = findings(knowledge, PIP_R, context=context(tmp_path, {"requirements.txt": f"{pin}\nnumpy==2.1.0\n"}))
    assert f.message.startswith(f"pip installs {pin.split('==')[0]} on python:3.12-alpine (musl): there is no compiler")


def test_pins_on_the_pip_command_line_count_too(knowledge):
    assert findings(knowledge, "FROM python:3.12-alpine\nRUN pip install numpy==2.1.0 'orjson==3.10.7'\n") == []
    [f] = findings(knowledge, "FROM python:3.12-alpine\nRUN pip install numpy==1.24.4 orjson==3.10.7\n")
    assert f.message.startswith("pip installs numpy on python:3.12-alpine (musl)")


def test_an_unpinned_package_is_its_newest_release_except_on_a_python_older_than_its_wheels(knowledge):
    """pip takes numpy's newest release on Python 3.12 (musllinux wheels), but 1.24.4 on Python 3.8 (none)."""
    assert findings(knowledge, "FROM python:3.12-alpine\nRUN pip install numpy\n") == []
    [f] = findings(knowledge, "FROM python:3.8-alpine\nRUN pip install numpy\n")
    assert f.message.startswith("pip installs numpy on python:3.8-alpine (musl)")
    assert findings(knowledge, "FROM python:3.8-alpine\nRUN pip install numpy==1.24.4\n")


@pytest.mark.parametrize("spec,flagged", [("numpy>=1.20", False), ("numpy!=2.0.0", False), ("numpy<1.25", True),
                                          ("numpy~=1.24.0", True), ("numpy==1.24.*", True), ("numpy>=1.20,<2", True)])
def test_a_requirement_kept_below_the_newest_release_still_counts_as_without_wheels(knowledge, tmp_path, spec, flagged):
    """pip takes the newest release a specifier allows; with an upper bound lint does not know which that is."""
    found = findings(knowledge, PIP_R, context=context(tmp_path, {"requirements.txt": f"{spec}\n"}))
    assert bool(found) == flagged


def test_a_package_whose_newest_release_for_python_3_9_has_no_musllinux_wheels(knowledge):
    """h5py's newest release for Python 3.9 (3.14.0) has none; on 3.10 pip takes one that has (musl_python)."""
    assert findings(knowledge, "FROM python:3.9-alpine\nRUN pip install h5py\n")
    assert findings(knowledge, "FROM python:3.10-alpine\nRUN pip install h5py\n") == []
    assert findings(knowledge, "FROM python:3.9-alpine\nRUN pip install numpy\n") == []


def test_poetry_lock_versions(knowledge, tmp_path):
    lock = ('[[package]]\nname = "numpy"\nversion = "{v}"\n\n[package.dependencies]\nfoo = "1"\n\n'
            '[[package]]\nname = "flask"\nversion = "3.0.3"\n')
    assert findings(knowledge, POETRY, context=context(tmp_path, {"poetry.lock": lock.format(v="2.1.0")})) == []
    [f] = findings(knowledge, POETRY, context=context(tmp_path, {"poetry.lock": lock.format(v="1.24.4")}))
    assert "numpy" in f.message


def test_python_pins_reads_requirements_pipfile_lock_and_uv_lock(tmp_path):
    ctx = context(tmp_path, {
        "requirements.txt": "numpy == 1.26.4  # pinned\nPillow[webp]==10.4.0 ; python_version >= '3.9'\n"
                            "pandas>=2.0\nlxml==5.*\n-r other.txt\n",
        "Pipfile.lock": json.dumps({"default": {"NumPy": {"version": "==1.24.4"}, "flask": {"version": "*"}}}),
        "uv.lock": 'version = 1\n\n[[package]]\nname = "orjson"\nversion = "3.10.7"\nsource = { registry = "x" }\n'
                   'dependencies = [\n    { name = "numpy" },\n]\n'})
    assert python_pins(ctx, "pip", "requirements.txt") == {"numpy": "1.26.4", "pillow": "10.4.0", "lxml": "?"}
    assert python_pins(ctx, "pipenv") == {"numpy": "1.24.4"}
    assert python_pins(ctx, "uv") == {"orjson": "3.10.7"}


def test_the_knowledge_ranges(knowledge):
    py = knowledge.native_packages["python"]
    assert musl_build_published(py["numpy"], "1.25.0") and not musl_build_published(py["numpy"], "1.24.4")
    assert musl_build_published(py["numpy"], "")  # unread: the newest release
    assert not musl_build_published(py["numpy"], "", newest=False)
    for name in ("psycopg2", "mysqlclient", "scikit-learn"):
        assert not musl_build_published(py[name], "") and not py[name].get("musl_builds")


# ---- Node: musl prebuilds by version ---------------------------------------------------------------------------

@pytest.mark.parametrize("name,version", [("bcrypt", "6.0.0"), ("argon2", "0.41.1"), ("leveldown", "6.1.1"),
                                          ("@swc/core", "1.7.26"), ("better-sqlite3", "13.2.0")])
def test_a_node_version_with_musl_prebuilds_needs_no_compiler(knowledge, tmp_path, name, version):
    assert findings(knowledge, NPM_CI, context=context(tmp_path, npm_lock(name, version))) == []


@pytest.mark.parametrize("name,version", [("bcrypt", "5.1.1"), ("argon2", "0.31.2"), ("leveldown", "5.0.3"),
                                          ("better-sqlite3", "11.7.0")])
def test_a_node_version_before_its_musl_prebuilds_still_compiles(knowledge, tmp_path, name, version):
    [f] = findings(knowledge, NPM_CI, context=context(tmp_path, npm_lock(name, version)))
    assert f.message.startswith(f"npm installs {name} on node:22-alpine (musl): there is no compiler")


def test_a_node_addon_without_musl_prebuilds_still_compiles(knowledge):
    [f] = findings(knowledge, "FROM node:22-alpine\nWORKDIR /app\nRUN npm install node-pty express\n")
    assert f.message.startswith("npm installs node-pty on node:22-alpine (musl)")


@pytest.mark.parametrize("spec,flagged", [("bcrypt@5.1.1", True), ("bcrypt@npm:bcrypt@5.1.1", True),
                                          ("bcrypt@6.0.0", False), ("bcrypt", False), ("bcrypt@latest", False),
                                          ("bcrypt@^5.0.0", True), ("bcrypt@5.x", True)])
def test_a_version_on_the_npm_command_line_counts(knowledge, spec, flagged):
    """An exact version on the command line is read; a range that may stay below the newest release counts as
    older than the musl builds (lint does not resolve it), none or `latest` as the newest."""
    found = findings(knowledge, f"FROM node:22-alpine\nWORKDIR /app\nRUN npm install {spec} express\n")
    assert bool(found) == flagged


@pytest.mark.parametrize("wanted,flagged", [("^5.0.1", True), ("1.0.2", True), ("~5.1.1", True), ("5.x", True),
                                            ("^6.0.0", False), ("6.0.0", False), ("*", False), (">=5", False),
                                            ("github:kelektiv/node.bcrypt.js", True)])
def test_package_json_ranges_count_where_no_lockfile_pins(knowledge, tmp_path, wanted, flagged):
    """`npm install` with package.json only (the corpus's livestreamer, openhab-cloud, wppconnect-server: bcrypt
    ^5.0.1, 1.0.2, ^5.1.1, before its musl prebuilds): a range counts from its lowest release."""
    ctx = context(tmp_path, {"package.json": json.dumps({"dependencies": {"bcrypt": wanted, "express": "^4.18.0"}})})
    text = "FROM node:22-alpine\nWORKDIR /app\nCOPY package.json .\nRUN npm install\n"
    assert bool(findings(knowledge, text, context=ctx)) == flagged
