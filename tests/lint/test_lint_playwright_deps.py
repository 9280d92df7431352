"""MI470 (kb/lint/loads.py): Playwright's browsers, downloaded by `playwright install`, open system libraries they
do not ship. `playwright install --with-deps` or `playwright install-deps` in the final image installs them (the
entry's `deps_run` in knowledge/native-packages.yaml); `playwright install chromium` alone on a slim image leaves them
out, and a launch stops with "Host system is missing dependencies to run browsers". A RUN of `playwright install`
counts as the package's install where no pip or npm step shows it (`downloads_by`)."""
from __future__ import annotations

import pytest

from kb.lint import lint_text

NODE = "FROM node:20-slim\nWORKDIR /app\nCOPY package*.json ./\nRUN npm ci\n"
CMD = 'COPY . .\nCMD ["npx", "playwright", "test"]\n'


def mi470(knowledge, text):
    return [(f.line, f.message, f.fix) for f in lint_text(knowledge, text) if f.rule == "MI470"]


def test_browsers_installed_without_their_libraries_are_flagged_at_the_install(knowledge):
    [(line, msg, fix)] = mi470(knowledge, NODE + "RUN npx playwright install chromium\n" + CMD)
    assert line == 5
    assert msg.startswith("playwright runs the browser `playwright install` downloads, which opens libnss3.so, ")
    assert "node:20-slim lacks it" in msg and 'expect "Host system is missing dependencies to run browsers"' in msg
    assert fix.startswith("RUN npx playwright install --with-deps in the final stage")


@pytest.mark.parametrize("run", ["RUN npx playwright install --with-deps chromium",
                                 "RUN npx -y playwright@1.48.0 install --with-deps",
                                 "RUN npx playwright install chromium && npx playwright install-deps chromium",
                                 "RUN npx playwright install-deps\nRUN npx playwright install chromium"])
def test_with_deps_or_install_deps_in_the_final_image_is_clean(knowledge, run):
    assert mi470(knowledge, NODE + run + "\n" + CMD) == []


def test_a_named_npm_install_is_the_finding_once_a_browser_is_installed(knowledge):
    text = "FROM node:20-slim\nRUN npm install @playwright/test\nRUN npx playwright install chromium\n" + CMD
    [(line, msg, _fix)] = mi470(knowledge, text)
    assert line == 2 and msg.startswith("@playwright/test runs the browser")


@pytest.mark.parametrize("install", ["RUN npm install @playwright/test",
                                     "RUN pip install playwright==1.48.0"])
def test_the_package_alone_downloads_no_browser_and_opens_nothing(knowledge, install):
    # since Playwright 1.38 (microsoft/playwright#26614): a test runner in the dependencies, never run in the image
    base = "FROM python:3.12-slim\n" if "pip" in install else "FROM node:20-slim\nCOPY package*.json ./\n"
    assert mi470(knowledge, base + install + "\n" + CMD) == []


def test_python_playwright_needs_the_deps_too(knowledge):
    text = ("FROM python:3.12-slim\nRUN pip install --no-cache-dir playwright==1.48.0 && playwright install chromium\n"
            'COPY app.py .\nCMD ["python", "app.py"]\n')
    [(line, msg, fix)] = mi470(knowledge, text)
    assert line == 2 and msg.startswith("playwright runs the browser") and "python:3.12-slim lacks it" in msg
    assert fix.startswith("RUN playwright install --with-deps in the final stage")
    fixed = text.replace("playwright install chromium", "python -m playwright install --with-deps chromium")
    assert mi470(knowledge, fixed) == []


def test_the_deps_installed_in_the_stage_the_final_one_is_built_from_count(knowledge):
    text = ("FROM node:20-slim AS base\nRUN npx -y playwright@1.48.0 install-deps chromium\nFROM base\nWORKDIR /app\n"
            "COPY package*.json ./\nRUN npm ci && npx playwright install chromium\n" + CMD)
    assert mi470(knowledge, text) == []


def test_the_deps_installed_in_another_stage_do_not_count(knowledge):
    text = ("FROM node:20-slim AS test\nRUN npx playwright install --with-deps chromium\nFROM node:20-slim\n"
            "WORKDIR /app\nRUN npm install playwright && npx playwright install chromium\n" + CMD)
    [(line, _msg, _fix)] = mi470(knowledge, text)
    assert line == 5


def test_on_alpine_with_deps_does_not_help_and_the_fix_says_why(knowledge):
    text = "FROM node:20-alpine\nRUN npm install playwright && npx playwright install --with-deps chromium\n" + CMD
    [(line, msg, fix)] = mi470(knowledge, text)
    assert line == 2 and "the browser does not start (the glibc loader it names is not there)" in msg
    assert "Alpine (musl) is not supported" in fix and "RUN npx playwright install --with-deps there" in fix


def test_the_image_made_for_playwright_has_the_libraries(knowledge):
    text = "FROM mcr.microsoft.com/playwright:v1.48.0-jammy\nWORKDIR /app\nRUN npm install playwright\n" + CMD
    assert [f for f in lint_text(knowledge, text) if f.rule in ("MI470", "MI490")] == []


def test_npm_playwright_is_javascript_and_installs_on_alpine(knowledge):
    # no MI408: the npm packages compile nothing; the browsers, once downloaded, are MI470's (Alpine unsupported)
    text = "FROM node:20-alpine\nRUN npm install @playwright/test playwright\n" + CMD
    assert [f.rule for f in lint_text(knowledge, text) if f.rule == "MI408"] == []


def test_pypi_playwright_has_no_musllinux_wheel(knowledge):
    text = "FROM python:3.12-alpine\nRUN pip install playwright==1.48.0\n" + 'CMD ["python", "app.py"]\n'
    [finding] = [f for f in lint_text(knowledge, text) if f.rule == "MI408"]
    assert finding.line == 2 and "playwright" in finding.message
