"""MI471 (kb/lint/uvpython.py): how uv's command line is read, option by option: global options before the
subcommand, --directory/--project, `uv venv`'s path among its options, --python-preference on the command line, a
`uv python install` before a build that may not download, a USER named by a variable (mutation sample seed 100,
tests/mutation-survivors.md)."""
from __future__ import annotations

import pytest

from tests.lint.context_files import findings_of, write_context

UV = """FROM python:3.12-slim-bookworm
COPY --from=ghcr.io/astral-sh/uv:latest /uv /uvx /bin/
RUN useradd --create-home appuser
ADD . /app
WORKDIR /app
RUN {run}
USER appuser
CMD ["/app/.venv/bin/app"]
"""
HEAD = ("/app/.venv is built with Python 3.14 (uv's managed CPython, which uv downloads into "
        "/root/.local/share/uv/python")


def wants_314(tmp_path):
    return write_context(tmp_path, {".python-version": "3.14\n"})


@pytest.mark.parametrize("run", ["uv --no-cache sync --locked", "uv -q --no-progress sync --locked",
                                 "uv python install 3.14 && uv sync --locked --no-python-downloads",
                                 "python3 -m venv /opt/tools && uv sync --locked"])
def test_uv_sync_on_a_managed_python_is_found_in_each_spelling(knowledge, tmp_path, run):
    [f] = findings_of(knowledge, UV.format(run=run), "MI471", wants_314(tmp_path))
    assert (f.line, f.severity) == (6, "warning")
    assert f.message.startswith(HEAD)


@pytest.mark.parametrize("run", ["uv sync --locked --python-preference only-system",
                                 "uv sync --locked --python-preference=only-system",
                                 "uv python install 3.13 && uv sync --locked --no-python-downloads"])
def test_a_build_that_cannot_use_a_managed_python_is_not_reported(knowledge, tmp_path, run):
    assert findings_of(knowledge, UV.format(run=run), "MI471", wants_314(tmp_path)) == []


@pytest.mark.parametrize("option", ["--directory /app/svc", "--project /app/svc", "--directory $SVC"])
def test_the_project_a_sync_names_holds_its_environment(knowledge, tmp_path, option):
    (tmp_path / "svc").mkdir()
    ctx = write_context(tmp_path, {"svc/.python-version": "3.14\n"})
    text = UV.format(run=f"uv sync --locked {option}").replace("ADD . /app", "ADD . /app\nENV SVC=/app/svc")
    [f] = findings_of(knowledge, text, "MI471", ctx)
    assert f.line == 7
    assert f.message.startswith("/app/svc/.venv is built with Python 3.14 (uv's managed CPython, which uv downloads "
                                "into /root/.local/share/uv/python because svc/.python-version asks for 3.14")


@pytest.mark.parametrize("run", ["uv venv --python 3.14 /opt/venv",
                                 "uv venv --index-url https://pypi.example/simple -p 3.14 /opt/venv",
                                 "cd /opt && uv venv --python 3.14 venv"])
def test_uv_venv_names_its_environment_after_its_options(knowledge, run):
    [f] = findings_of(knowledge, UV.format(run=run), "MI471")
    assert f.line == 6
    assert f.message.startswith("/opt/venv is built with Python 3.14 (uv's managed CPython, which uv downloads into "
                                "/root/.local/share/uv/python because --python asks for 3.14")


def test_a_builder_user_named_by_a_variable_puts_the_python_in_its_home(knowledge, tmp_path):
    text = ("FROM python:3.12-slim AS build\nCOPY --from=ghcr.io/astral-sh/uv:latest /uv /bin/\n"
            "ENV APP_USER=builder\nRUN useradd --create-home $APP_USER\nUSER $APP_USER\nCOPY . /app\nWORKDIR /app\n"
            "RUN uv sync --frozen\nFROM python:3.12-slim\nCOPY --from=build /app/.venv /app/.venv\n"
            'CMD ["/app/.venv/bin/app"]\n')
    [f] = findings_of(knowledge, text, "MI471", write_context(tmp_path, {".python-version": "3.13\n"}))
    assert f.line == 10
    assert f.fix.startswith("copy /home/builder/.local/share/uv/python along with the environment")
