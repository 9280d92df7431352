"""MI428 (kb/lint/rundeps.py): `apk add --virtual .python-rundeps` on the official Python image for Alpine replaces
the image's own virtual package (wagtail/bakerydemo#234, heldout33)."""
from __future__ import annotations

import pytest

from kb.evidence.dockerfile_parse import parse_dockerfile_text
from kb.lint import lint_report

RUN = "RUN apk add --no-cache --virtual .build-deps gcc musl-dev && pip install uwsgi && {add} && apk del .build-deps\n"


def mi428(knowledge, text: str) -> list:
    return [f for f in lint_report(knowledge, parse_dockerfile_text(text, "Dockerfile")) if f.rule == "MI428"]


@pytest.mark.parametrize("image", ["python:3.5-alpine", "python:alpine", "docker.io/library/python:3.13-alpine3.21"])
@pytest.mark.parametrize("add", ["apk add --virtual .python-rundeps libpq", "apk add -t .python-rundeps libpq",
                                 "apk add --no-cache --virtual=.python-rundeps libpq"])
def test_the_python_images_group_replaced(knowledge, image, add):
    [f] = mi428(knowledge, f"FROM {image}\n" + RUN.format(add=add) + 'CMD ["python"]\n')
    assert f.line == 2 and f.severity == "warning"
    assert f.message.startswith(f"apk add --virtual .python-rundeps replaces the virtual package of that name with "
                                f"which {image} keeps the libraries its CPython links")


def test_a_stage_built_from_the_python_stage_is_judged(knowledge):
    text = "FROM python:3.12-alpine AS base\n" + RUN.format(add="apk add --virtual .python-rundeps libpq") + \
        "FROM base\nCOPY . /app\nCMD [\"python\", \"/app/main.py\"]\n"
    assert [f.line for f in mi428(knowledge, text)] == [2]


@pytest.mark.parametrize("text", [
    "FROM python:3.12-alpine\n" + RUN.format(add="apk add --virtual .rundeps libpq") + "CMD [\"python\"]\n",
    "FROM python:3.12-slim\nRUN apk add --virtual .python-rundeps libpq || true\nCMD [\"python\"]\n",
    "FROM alpine:3.20\nRUN apk add python3 && apk add --virtual .python-rundeps libpq\nCMD [\"python3\"]\n",
    "FROM python:3.12-alpine\nRUN echo apk add --virtual .python-rundeps >> /notes\nCMD [\"python\"]\n",
    # a build stage the final image does not build on
    "FROM python:3.12-alpine AS wheels\n" + RUN.format(add="apk add --virtual .python-rundeps libpq") +
    "FROM python:3.12-alpine\nCOPY --from=wheels /root/.cache /cache\nCMD [\"python\"]\n",
])
def test_quiet_otherwise(knowledge, text):
    assert mi428(knowledge, text) == []
