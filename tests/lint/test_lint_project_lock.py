"""`pip install [-e] DIR` (and `uv pip install`) of a local project: pip resolves its dependencies afresh, but the
uv.lock beside its pyproject.toml shows what they resolve to, dependencies of dependencies included (heldout16:
SurfSense's unstructured[all-docs] brought opencv-python through unstructured-inference, and the image failed with
"libGL.so.1: cannot open shared object file")."""
from __future__ import annotations

import pytest

from tests.lint.context_files import lint_with_files

DOCKERFILE = """FROM python:3.12-slim
WORKDIR /app
COPY pyproject.toml uv.lock ./
RUN pip install uv && uv pip install --system {args}
CMD ["python", "-m", "app"]
"""
PYPROJECT = '[project]\nname = "app"\nversion = "1"\ndependencies = ["unstructured[all-docs]"]\n'
LOCK = """version = 1

[[package]]
name = "unstructured-inference"
version = "1.0.5"
dependencies = [
    { name = "opencv-python" },
]

[[package]]
name = "opencv-python"
version = "4.11.0.86"
"""


def mi470(knowledge, tmp_path, args: str, files: dict) -> list:
    return [f for f in lint_with_files(knowledge, DOCKERFILE.format(args=args), files, tmp_path) if f.rule == "MI470"]


@pytest.mark.parametrize("args", ["-e .", ".", "--no-cache-dir -e /app"])
def test_the_projects_lock_shows_a_package_that_loads_a_system_library(knowledge, tmp_path, args):
    [f] = mi470(knowledge, tmp_path, args, {"pyproject.toml": PYPROJECT, "uv.lock": LOCK})
    assert f.severity == "warning" and f.line == 4
    assert f.message.startswith("opencv-python opens libGL.so.1")


def test_without_a_lock_nothing_is_known_of_its_dependencies(knowledge, tmp_path):
    assert mi470(knowledge, tmp_path, "-e .", {"pyproject.toml": PYPROJECT, "uv.lock": "version = 1\n"}) == []


def test_a_named_package_is_not_the_project(knowledge, tmp_path):
    assert mi470(knowledge, tmp_path, "requests", {"pyproject.toml": PYPROJECT, "uv.lock": LOCK}) == []
