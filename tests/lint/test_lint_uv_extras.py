"""`pip install ".[extra,...]"` (or `uv pip install`) of a local project brings what the project and the extras named
reach through the dependency lists of its uv.lock, not every package the lock holds (kb/lint/uvsteps.py); the
metadata tables (requires-dist) are not dependencies, and a lock that cannot say gives every package as before."""
from __future__ import annotations

import pytest

from kb.lint import lint_text
from kb.lint.uvsteps import uv_project_packages

from tests.bounded import within

LOCK = """version = 1

[[package]]
name = "App"
version = "1.0"
source = { editable = "." }
dependencies = [
    { name = "httpx", extra = ["http2"] },
]

[package.optional-dependencies]
ocr = [
    { name = "rapidocr" },
]

[package.metadata]
requires-dist = [
    { name = "httpx", extras = ["http2"] },
    { name = "rapidocr", marker = "extra == 'ocr'" },
    { name = "torch", marker = "extra == 'gpu'" },
]

[[package]]
name = "httpx"
version = "0.27.0"
dependencies = [
    { name = "anyio" },
]

[package.optional-dependencies]
http2 = [
    { name = "h2" },
]
socks = [
    { name = "socksio" },
]

[[package]]
name = "rapidocr"
version = "3.4.0"
dependencies = [
    { name = "opencv-python" },
]
"""


@pytest.fixture
def project(tmp_path):
    (tmp_path / "uv.lock").write_text(LOCK)
    return str(tmp_path)


def test_the_project_and_its_dependencies_extras_are_followed(project):
    assert uv_project_packages(project, "", []) == ["anyio", "app", "h2", "httpx"]


def test_an_extra_asked_for_adds_what_it_reaches(project):
    assert uv_project_packages(project, "", ["OCR"]) == ["anyio", "app", "h2", "httpx", "opencv-python", "rapidocr"]


@pytest.mark.parametrize("lock", ["", "not a lock", LOCK.replace('source = { editable = "." }\n', ""),
                                  LOCK + '\n[[package]]\nname = "other"\nsource = { virtual = "." }\n'])
def test_a_lock_that_cannot_say_gives_none(tmp_path, lock):
    (tmp_path / "uv.lock").write_text(lock)
    assert uv_project_packages(str(tmp_path), "", []) is None


def test_a_missing_lock_or_context_gives_none(tmp_path):
    assert uv_project_packages(str(tmp_path), "", []) is None and uv_project_packages(None, "", []) is None


def test_a_huge_lock_is_read_in_linear_time(tmp_path):
    n = 60_000  # a chain of packages, each depending on the next: the walk visits each once
    parts = ['[[package]]\nname = "app"\nsource = { editable = "." }\ndependencies = [\n    { name = "p0" },\n]\n']
    parts += [f'[[package]]\nname = "p{i}"\ndependencies = [\n    {{ name = "p{i + 1}", extra = ["x"] }},\n]\n'
              for i in range(n)]
    (tmp_path / "uv.lock").write_text("\n".join(parts))
    with within():
        got = uv_project_packages(str(tmp_path), "", [])
    assert len(got) == n + 2 and "app" in got


DOCKERFILE = """FROM python:3.12-slim
WORKDIR /build
COPY pyproject.toml uv.lock ./
ARG EXTRAS={extras}
RUN pip install ".[${{EXTRAS}}]"
CMD ["python", "-m", "app"]
"""


@pytest.mark.parametrize("extras,flagged", [("ocr", True), ("socks", False)])
def test_mi470_follows_the_extras_an_arg_names(knowledge, project, extras, flagged):
    found = [(f.rule, f.line) for f in lint_text(knowledge, DOCKERFILE.format(extras=extras), context_dir=project)
             if f.rule == "MI470"]
    assert found == ([("MI470", 5)] if flagged else [])
