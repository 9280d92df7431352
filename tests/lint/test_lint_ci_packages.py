"""MI413 for Node packages a CI job installed on its runner and the Dockerfile copies from the build context
(kb/lint/pkgcross.py's _from_ci, kb/lint/cibuilds.py's ci_installer): PhenX/playwright-dashboard (heldout33) ran
`npm ci && npm run build` on ubuntu-latest and copied the Nuxt .output, better-sqlite3's glibc build inside, into
node:22-alpine. Each test is a Dockerfile of our own, a workflow and a lockfile."""
from __future__ import annotations

import json

import pytest

from tests.lint.context_files import lint_with_files

DOCKERFILE = "FROM {image}\nWORKDIR /app\n{extra}COPY {source} ./.output\nCMD [\"node\", \".output/server/index.mjs\"]\n"
FLOW = ("jobs:\n  publish:\n    runs-on: {runner}\n    steps:\n      - uses: actions/checkout@v4\n"
        "      - working-directory: ./application\n        run: |\n          {install}\n          npm run build\n"
        "      - uses: docker/build-push-action@v6\n        with:\n          context: .\n")


def lock(*names: str) -> str:
    packages = {"": {"dependencies": {"better-sqlite3": "^12.5.0"}, "devDependencies": {"esbuild": "^0.25.0"}}}
    packages.update({f"node_modules/{n}": {"version": "1.0.0"} for n in names})
    return json.dumps({"name": "app", "lockfileVersion": 3, "packages": packages})


def mi413(knowledge, tmp_path, image="node:22-alpine", runner="ubuntu-latest", install="npm ci",
          source="application/.output", locked=("esbuild", "better-sqlite3"), extra="") -> list:
    dockerfile = DOCKERFILE.format(image=image, extra=extra, source=source)
    files = {"Dockerfile": dockerfile, ".github/workflows/publish.yml": FLOW.format(runner=runner, install=install),
             "application/package.json": json.dumps({"name": "app", "dependencies": {"better-sqlite3": "^12"}}),
             "application/package-lock.json": lock(*locked)}
    return [f for f in lint_with_files(knowledge, dockerfile, files, tmp_path) if f.rule == "MI413"]


@pytest.mark.parametrize("install", ["npm ci", "npm install --omit=dev", "yarn", "pnpm install --frozen-lockfile"])
def test_packages_installed_on_the_runner_and_copied_into_alpine(knowledge, tmp_path, install):
    [f] = mi413(knowledge, tmp_path, install=install, extra="RUN apk add --no-cache gcompat\n")
    tool = install.split()[0]
    assert f.line == 4 and f.severity == "warning" and f.message == (
        f"{tool} installed packages on the ubuntu-latest runner of .github/workflows/publish.yml, job publish "
        "(glibc 2.39); they are copied into node:22-alpine (musl): native modules among them will not load; "
        "better-sqlite3 and esbuild among them have compiled code")  # the server's dependency first


def test_an_older_glibc_image_is_judged_by_the_runners_glibc(knowledge, tmp_path):
    [f] = mi413(knowledge, tmp_path / "old", image="node:22-bullseye-slim")
    assert "(glibc 2.39); they are copied into node:22-bullseye-slim (glibc 2.31)" in f.message
    assert mi413(knowledge, tmp_path / "new", image="node:22-trixie-slim") == []
    assert mi413(knowledge, tmp_path / "runner", image="node:22-bookworm-slim", runner="ubuntu-22.04") == []


@pytest.mark.parametrize("change", [
    {"locked": ("left-pad",)},  # nothing compiled in the lockfile
    {"install": "npm run lint"},  # nothing installed before the docker build
    {"source": "application/public"},  # static files, not installed packages
    {"runner": "macos-14"},  # a runner lint does not know
])
def test_quiet_when_no_compiled_package_can_arrive(knowledge, tmp_path, change):
    assert mi413(knowledge, tmp_path, **change) == []


@pytest.mark.parametrize("where, found", [("./application", True), ("application/", True), (".application", False),
                                          ("../application", False), ("/home/runner/application", False)])
def test_the_lockfile_is_read_where_the_step_runs(knowledge, tmp_path, where, found):
    """`working-directory` is a path from the checkout: "./application" is application/ (a ".application" is
    another directory, and a path out of the checkout is not the build context's)."""
    flow = FLOW.replace("./application", where)
    dockerfile = DOCKERFILE.format(image="node:22-alpine", extra="", source="application/.output")
    files = {"Dockerfile": dockerfile, ".github/workflows/publish.yml": flow.format(runner="ubuntu-latest",
                                                                                     install="npm ci"),
             "application/package-lock.json": lock("better-sqlite3")}
    hits = [f for f in lint_with_files(knowledge, dockerfile, files, tmp_path) if f.rule == "MI413"]
    assert len(hits) == found


def test_a_workflow_of_thousands_of_docker_build_steps_reads_the_dockerfile_once(knowledge, tmp_path):
    """Each step that builds another Dockerfile would read and parse it again; once per lint, a hostile workflow
    ends (the last step builds this one)."""
    from tests.bounded import within

    dockerfile = DOCKERFILE.format(image="node:22-alpine", extra="", source="application/.output")
    other = "FROM node:22\n" + "RUN echo x\n" * 2_000
    flow = ("jobs:\n  publish:\n    runs-on: ubuntu-latest\n    steps:\n      - run: npm ci\n"
            + "      - run: docker build -f other/Dockerfile .\n" * 20_000 + "      - run: docker build .\n")
    files = {"Dockerfile": dockerfile, "other/Dockerfile": other, ".github/workflows/publish.yml": flow,
             "package-lock.json": lock("better-sqlite3")}
    with within(60):
        hits = [f for f in lint_with_files(knowledge, dockerfile, files, tmp_path) if f.rule == "MI413"]
    assert [f.line for f in hits] == [3]
