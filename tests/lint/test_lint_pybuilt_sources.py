"""MI412 for pip and node-gyp source builds (kb/lint/pybuilt.py): where the packages come from (a requirements file
named by --requirement, a project installed with `pip install .`, package.json when npm names nothing) and -dev
packages added with a pinned version (mutation sample seed 100, tests/mutation-survivors.md)."""
from __future__ import annotations

import pytest

from tests.lint.context_files import findings_of, write_context

LXML = ("FROM python:{py}-alpine AS build\nWORKDIR /src\nCOPY . .\n"
        "RUN apk add --no-cache gcc musl-dev {dev} \\\n && pip install --prefix=/install {what} \\\n"
        " && apk del gcc musl-dev libxslt-dev\nFROM python:{py}-alpine\nCOPY --from=build /install /usr/local\n")


@pytest.mark.parametrize("what", ["-r requirements.txt", "--requirement requirements.txt",
                                  "--requirement=requirements.txt", "-rrequirements.txt"])
def test_a_requirements_file_names_the_source_built_package(knowledge, tmp_path, what):
    ctx = write_context(tmp_path, {"requirements.txt": "lxml==4.6.3\n"})
    [f] = findings_of(knowledge, LXML.format(py="3.12", dev="libxslt-dev", what=what), "MI412", ctx)
    assert f.line == 8 and "libxslt (lxml, installed there, built from source against libxslt-dev" in f.message


@pytest.mark.parametrize("what", ["-r requirements.txt", "--requirement=requirements.txt", "-rrequirements.txt"])
def test_a_requirements_file_in_any_spelling_names_what_opens_a_library_at_import(knowledge, tmp_path, what):
    text = f'FROM python:3.12-slim\nCOPY requirements.txt .\nRUN pip install {what}\nCMD ["cairosvg"]\n'
    ctx = write_context(tmp_path, {"requirements.txt": "cairosvg==2.7.1\n"})
    [f] = findings_of(knowledge, text, "MI470", ctx)
    assert f.line == 3 and f.message.startswith("cairocffi (a dependency of cairosvg) opens libcairo.so.2")


def test_a_dev_package_added_with_a_pinned_version_counts(knowledge):
    [f] = findings_of(knowledge, LXML.format(py="3.12", dev="libxslt-dev=1.1.39-r0", what="lxml==4.6.3"), "MI412")
    assert f.line == 8 and "built from source against libxslt-dev" in f.message


def test_pip_install_dot_reads_the_projects_requirements(knowledge, tmp_path):
    """lxml has no musllinux wheel for Python 3.7: pip builds it (a version setup.py pins is not read)."""
    setup = 'from setuptools import setup\nsetup(name="app", install_requires=["lxml>=4"])\n'
    ctx = write_context(tmp_path, {"setup.py": setup})
    [f] = findings_of(knowledge, LXML.format(py="3.7", dev="libxslt-dev", what="--no-cache-dir ."), "MI412", ctx)
    assert f.line == 8
    assert "libxslt (lxml, required by the project's setup.py or pyproject.toml, built from source" in f.message


CANVAS = ("FROM node:18-alpine AS build\nWORKDIR /app\nCOPY package.json ./\n"
          "RUN apk add --no-cache --virtual .gyp python3 make g++ cairo-dev \\\n && {install} \\\n"
          " && apk del .gyp\nFROM node:18-alpine\nWORKDIR /app\nCOPY --from=build /app/node_modules ./node_modules\n")


@pytest.mark.parametrize("install", ["npm install", "npm ci --omit=dev", "npm install -w api"])
def test_an_npm_install_that_names_nothing_installs_package_json(knowledge, tmp_path, install):
    ctx = write_context(tmp_path, {"package.json": '{"dependencies": {"canvas": "2.11.2"}}'})
    [f] = findings_of(knowledge, CANVAS.format(install=install), "MI412", ctx)
    assert f.line == 9
    assert f.message.startswith("node:18-alpine lacks libcairo (canvas, in package.json, built from source against "
                                "cairo-dev")


UWSGI = ("FROM python:3.12-slim-bookworm AS build\nRUN apt-get update && apt-get install -y build-essential {dev}\n"
         "RUN pip wheel -w /wheels uwsgi==2.0.28\nFROM python:3.12-slim-bookworm\n"
         "COPY --from=build /wheels /wheels\nRUN pip install --no-index /wheels/*.whl\n"
         'ENTRYPOINT ["uwsgi", "app.ini"]\n')


def test_uwsgi_links_the_pcre_its_build_found(knowledge):
    """sebo-b/warp#30: uwsgi (no wheels) built against libpcre3-dev, run on a python:3-slim without libpcre.so.3;
    the image's PCRE2 (libpcre2-8) is another library."""
    [f] = findings_of(knowledge, UWSGI.format(dev="libpcre3-dev"), "MI412")
    assert f.message.startswith("python:3.12-slim-bookworm lacks libpcre (libpcre3-dev installed there)")
    assert findings_of(knowledge, UWSGI.format(dev="libpcre2-dev"), "MI412") == []  # bookworm-slim has libpcre2-8
