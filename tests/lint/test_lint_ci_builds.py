"""MI425 (kb/lint/cibuilds.py): what a CI job builds on its runner reaches the image through the build context, in
the docker build's own job or as another job's artifact the docker build's job downloads. Each test is a small
Dockerfile of our own and a workflow next to it."""
from __future__ import annotations

import pytest

from tests.lint.context_files import lint_with_files

DOCKERFILE = ("FROM scratch AS bin\nARG TARGETARCH\nCOPY dist/${TARGETARCH}/server /server\n"
              "FROM debian:bookworm-slim\nCOPY --from=bin /server /usr/local/bin/server\nCMD [\"server\"]\n")
BUILD = ("  build:\n{extra}    runs-on: {runs_on}\n    steps:\n      - run: cargo build --release\n"
         "{upload}")
UPLOAD = ("      - uses: actions/upload-artifact@v4\n        with:\n          name: server\n"
          "          path: target/release/server\n")
IMAGE = ("  image:\n    needs: {needs}\n    runs-on: ubuntu-latest\n    steps:\n"
         "      - uses: actions/download-artifact@v4\n        with:\n          name: server\n          path: {path}\n"
         "      - run: docker build -f Dockerfile .\n")


def workflow(runs_on="ubuntu-24.04", extra="", upload=UPLOAD, needs="build", path="dist/amd64", more="") -> str:
    return "jobs:\n" + BUILD.format(runs_on=runs_on, extra=extra, upload=upload) + more + \
        IMAGE.format(needs=needs, path=path)


def mi425(knowledge, tmp_path, flow: str, dockerfile: str = DOCKERFILE) -> list:
    files = {"Dockerfile": dockerfile, ".github/workflows/release.yml": flow}
    return [f for f in lint_with_files(knowledge, dockerfile, files, tmp_path) if f.rule == "MI425"]


def test_another_jobs_artifact_carried_through_a_scratch_stage(knowledge, tmp_path):
    [f] = mi425(knowledge, tmp_path, workflow())
    assert f.line == 5 and f.severity == "warning"
    assert f.message.startswith("dist/${TARGETARCH}/server is what .github/workflows/release.yml, job build, on "
                                "ubuntu-24.04 (job image downloads its artifact) builds before building this "
                                "Dockerfile: programs in it are linked against ubuntu24.04's glibc 2.39, newer than "
                                "debian:bookworm-slim's 2.36")


def test_the_newest_runner_of_a_matrix_list_is_judged(knowledge, tmp_path):
    flow = workflow(runs_on="${{ matrix.os }}", extra="    strategy:\n      matrix:\n        os: [ubuntu-22.04, "
                                                      "ubuntu-24.04]\n")
    [f] = mi425(knowledge, tmp_path, flow)
    assert "on ubuntu-24.04 (job image" in f.message


def test_a_build_job_reached_through_another_need(knowledge, tmp_path):
    more = "  test:\n    needs: build\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ok\n"
    assert len(mi425(knowledge, tmp_path, workflow(needs="[test]", more=more))) == 1


def test_jobs_that_need_each_other_end(knowledge, tmp_path):
    more = "  test:\n    needs: [image, test]\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ok\n"
    assert mi425(knowledge, tmp_path, workflow(needs="[test]", more=more)) == []


@pytest.mark.parametrize("change", [
    {"upload": ""},  # nothing uploaded: the docker build's job downloads something else
    {"runs_on": "ubuntu-22.04"},  # glibc 2.35: bookworm runs it
    {"runs_on": "macos-14"},  # not a runner lint knows
    {"path": "vendor/tools"},  # the download goes elsewhere than what the Dockerfile copies
    {"path": "${{ github.workspace }}/dist/amd64"},  # a path lint cannot resolve
    {"extra": "    container: rust:1-bookworm\n"},  # the build runs in a container, not on the runner
])
def test_quiet_when_the_artifact_cannot_be_what_is_copied(knowledge, tmp_path, change):
    assert mi425(knowledge, tmp_path, workflow(**change)) == []


def test_a_copy_straight_from_the_download_path_into_the_final_stage(knowledge, tmp_path):
    dockerfile = "FROM debian:bookworm-slim\nCOPY dist/amd64/server /usr/local/bin/server\nCMD [\"server\"]\n"
    [f] = mi425(knowledge, tmp_path, workflow(), dockerfile)
    assert f.line == 2


@pytest.mark.parametrize("flow", [
    "jobs:\n  build: [1, 2]\n  image:\n    needs: {build: true}\n    runs-on: ubuntu-latest\n    steps: nope\n",
    "jobs:\n  build:\n    runs-on: ${{ matrix.runner }}\n    strategy: fast\n    steps:\n      - run: make\n",
    "jobs:\n  build:\n    runs-on: ${{ matrix.runner }}\n    strategy:\n      matrix:\n        include: [1, {runner: 7}, "
    "{runner: ubuntu-24.04}]\n    steps:\n      - run: make\n      - uses: actions/upload-artifact@v4\n"
    "  image:\n    needs: [build, 3, null]\n    runs-on: ubuntu-latest\n    steps:\n"
    "      - uses: actions/download-artifact@v4\n        with: [path]\n      - run: docker build -f Dockerfile .\n",
    "jobs: 3\n", "[1, 2]\n", "jobs:\n  a: {needs: a, steps: [{run: make}, {uses: actions/upload-artifact@v4}]}\n",
])
def test_a_workflow_of_unexpected_shapes_is_read_without_failing(knowledge, tmp_path, flow):
    assert mi425(knowledge, tmp_path, flow) == []


KOMODO = ("FROM ubuntu:20.04\nRUN apt-get update && apt-get install -y libgomp1 libstdc++6\nWORKDIR /komodo\n"
          "COPY src/komodod src/komodo-cli ./\nCMD ./komodod\n")
SCRIPT_JOB = ("jobs:\n  linux-build:\n    runs-on: ubuntu-22.04\n    steps:\n      - run: {run}\n"
              "      - run: docker build -f Dockerfile.release -t komodo .\n")


@pytest.mark.parametrize("run", ["./zcutil/build.sh -j$(nproc)", "bash scripts/build-linux.sh", "make -j4"])
def test_a_build_script_then_a_program_the_checkout_lacks(knowledge, tmp_path, run):
    """GLEECBTC/komodo-daemon#660 (heldout29): ./zcutil/build.sh on ubuntu-22.04 (glibc 2.35), then `docker build -f
    Dockerfile.release`, whose `COPY src/komodod` takes the program the script wrote into an ubuntu:20.04 image."""
    files = {"Dockerfile.release": KOMODO, ".github/workflows/cd.yml": SCRIPT_JOB.format(run=run),
             "src/main.cpp": "int main() { return 0; }\n"}
    [f] = [f for f in lint_with_files(knowledge, KOMODO, files, tmp_path)
           if f.rule == "MI425"]
    assert f.line == 4 and f.message.startswith("src/komodod is what .github/workflows/cd.yml, job linux-build, on "
                                                "ubuntu-22.04 builds before building this Dockerfile")


def test_a_program_checked_into_the_context_or_a_step_that_builds_nothing_is_not_judged(knowledge, tmp_path):
    files = {"Dockerfile.release": KOMODO, ".github/workflows/cd.yml": SCRIPT_JOB.format(run="./zcutil/build.sh"),
             "src/komodod": "#!/bin/sh\n", "src/komodo-cli": "#!/bin/sh\n"}
    assert [f for f in lint_with_files(knowledge, KOMODO, files, tmp_path / "in")
            if f.rule == "MI425"] == []
    files = {"Dockerfile.release": KOMODO, ".github/workflows/cd.yml": SCRIPT_JOB.format(run="./zcutil/fetch-params.sh")}
    assert [f for f in lint_with_files(knowledge, KOMODO, files, tmp_path / "none")
            if f.rule == "MI425"] == []


SEAFOWL = "FROM debian:bullseye-slim\nCOPY target/release/seafowl /usr/local/bin/seafowl\nENTRYPOINT [\"seafowl\"]\n"
SEAFOWL_JOB = ("jobs:\n  build_binary:\n    runs-on: ${{{{ matrix.os }}}}\n    strategy:\n      matrix:\n"
               "        build: [linux, macos]\n        include:\n          - build: linux\n            os: ubuntu-latest\n"
               "          - build: macos\n            os: macos-latest\n    steps:\n      - run: cargo build --release\n"
               "      - {docker}\n")
CARGO = ('[package]\nname = "seafowl"\nversion = "0.3.2"\n\n[dependencies]\nreqwest = "0.11"\n')
LOCK = ('version = 3\n\n[[package]]\nname = "seafowl"\nversion = "0.3.2"\ndependencies = ["reqwest"]\n\n'
        '[[package]]\nname = "reqwest"\nversion = "0.11.14"\ndependencies = ["native-tls"]\n\n'
        '[[package]]\nname = "native-tls"\nversion = "0.2.11"\ndependencies = ["openssl-sys"]\n\n'
        '[[package]]\nname = "openssl-sys"\nversion = "0.9.80"\n{vendored}')


def seafowl(knowledge, tmp_path, docker: str, lock: str = LOCK.format(vendored="")) -> list:
    files = {"Dockerfile": SEAFOWL, ".github/workflows/nightly.yml": SEAFOWL_JOB.format(docker=docker),
             "Cargo.toml": CARGO, "Cargo.lock": lock}
    return [f for f in lint_with_files(knowledge, SEAFOWL, files, tmp_path) if f.rule == "MI425"]


@pytest.mark.parametrize("docker", [
    "uses: docker/build-push-action@v4\n        with:\n          context: .\n          push: true",
    "uses: docker/build-push-action@v6",  # the Git context: the repository's root Dockerfile
    "run: docker build -t splitgraph/seafowl:nightly .",
    "run: docker buildx build . --platform linux/amd64 -t seafowl",
])
def test_a_docker_build_without_a_file_builds_its_contexts_dockerfile(knowledge, tmp_path, docker):
    """splitgraph/seafowl#343 (heldout33): cargo build on ubuntu-latest, then docker/build-push-action with only
    `context: .`; the image is bullseye-slim, and the binary links the runner's libssl.so.3."""
    [f] = seafowl(knowledge, tmp_path, docker)
    assert f.line == 2 and f.message == (
        "target/release/seafowl is what .github/workflows/nightly.yml, job build_binary, on ubuntu-latest builds "
        "before building this Dockerfile: programs in it are linked against ubuntu24.04's glibc 2.39, newer than "
        "debian:bullseye-slim's 2.31: expect \"version 'GLIBC_2.xx' not found\"; it also links OpenSSL (openssl-sys "
        "in Cargo.lock), ubuntu24.04's libssl.so.3, where debian:bullseye-slim has libssl.so.1.1: \"libssl.so.3: "
        "cannot open shared object file\"")


def test_openssl_is_not_named_when_vendored_or_when_another_dockerfile_is_built(knowledge, tmp_path):
    vendored = LOCK.format(vendored='dependencies = ["openssl-src"]\n\n[[package]]\nname = "openssl-src"\n'
                                    'version = "111.25.0"\n')
    [f] = seafowl(knowledge, tmp_path / "vendored", "run: docker build .", vendored)
    assert "OpenSSL" not in f.message
    for other in ("run: docker build -f other/Dockerfile .", "run: docker build other",
                  "uses: docker/build-push-action@v6\n        with:\n          context: other"):
        assert seafowl(knowledge, tmp_path / str(len(other)), other) == []
