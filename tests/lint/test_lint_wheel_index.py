"""MI444 (kb/lint/wheelindex.py): pip on musl told to take piwheels.org's wheels, glibc builds under the generic
linux_armv7l tag, in every way pip can be told; quiet elsewhere."""
from __future__ import annotations

import pytest

from kb.evidence.dockerfile_parse import parse_dockerfile_text
from kb.lint import lint_report
from kb.lint.wheelindex import piwheels_option

URL = "https://www.piwheels.org/simple"


def mi444(knowledge, text: str) -> list:
    return [f for f in lint_report(knowledge, parse_dockerfile_text(text, "Dockerfile")) if f.rule == "MI444"]


@pytest.mark.parametrize("args, shown", [
    (["install", "--extra-index-url", URL, "flask"], f"--extra-index-url {URL}"),
    (["install", f"--extra-index-url={URL}", "flask"], f"--extra-index-url={URL}"),
    (["install", "-i", URL, "flask"], f"-i {URL}"),
    (["install", f"-i{URL}", "flask"], f"-i{URL}"),
    (["install", f"--index-url={URL}"], f"--index-url={URL}"),
    (["install", "piwheels.org-tools"], None),  # a package of that name, not an index
    (["install", "--trusted-host", "www.piwheels.org", "flask"], None),  # trusted, but not asked for wheels
])
def test_the_index_options(args, shown):
    assert piwheels_option(args) == shown


def test_python_m_pip_and_pip3_on_alpine(knowledge):
    [f] = mi444(knowledge, f"FROM python:3.9-alpine3.14\nRUN python3 -m pip install -i {URL} cryptography\n")
    assert f.line == 2 and f.severity == "warning"
    assert f.message.startswith(f"pip takes wheels from piwheels.org (-i {URL}) on python:3.9-alpine3.14 (musl)")


def test_the_environment_variable(knowledge):
    [f] = mi444(knowledge, f"FROM alpine:3.18\nRUN apk add py3-pip\nENV PIP_EXTRA_INDEX_URL={URL}\n"
                           "RUN pip3 install --break-system-packages numpy\n")
    assert f.line == 4 and f"PIP_EXTRA_INDEX_URL={URL} in the environment" in f.message


@pytest.mark.parametrize("text", [
    f"FROM debian:bookworm\nRUN apt-get update && apt-get install -y python3-pip\nRUN pip install -i {URL} numpy\n",
    f"FROM --platform=linux/arm64 python:3.12-alpine\nRUN pip install --extra-index-url {URL} numpy\n",
    f"FROM node:20-alpine\nRUN npm install --registry {URL} left-pad\n",
])
def test_quiet_where_pip_cannot_take_them_on_musl(knowledge, text):
    assert mi444(knowledge, text) == []
