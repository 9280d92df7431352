"""What the held-out batch 44 (tests/lint/realworld, heldout44-2026-12-04) showed lint missing, as mechanisms (issue
9): a Go module built beside another that it replaces a dependency with (`replace X => ../dir`), whose packages lint
then could not walk; a single file copied into the build directory after the whole directory was, which made lint
place the build at the context's root; puppeteer with its download turned off taken for a native package (MI408);
apk pointed at edge on an older Alpine (MI433); a final image named only by a CI workflow's build-args, and a program
moved out of a directory with variables in its path; Debian's ABI-rename suffix; MI412's fix for a final image
without a package manager, or of another distribution than the build stage. Each test is a small Dockerfile of
our own, not a corpus file."""
from __future__ import annotations

import pytest

from kb.lint import lint_text
from kb.lint.profiles import lib_stem
from tests.lint.context_files import findings_of

_ZONES = """\
FROM golang:1.17-alpine AS build
WORKDIR /src/api
COPY api .
COPY lib ../lib
{extra}RUN go build -o /out/server ./cmd/server
FROM alpine:3.12
COPY --from=build /out/server /usr/bin/server
ENTRYPOINT ["server"]
"""


def _module_beside_another(tmp_path, replace: str) -> str:
    files = {
        "api/go.mod": f"module example.com/api\n\ngo 1.17\n\nrequire example.com/lib v0.0.0\n\n{replace}\n",
        "api/cmd/server/main.go": 'package main\n\nimport "example.com/api/pkg/clock"\n\nfunc main() { clock.Here() }\n',
        "api/pkg/clock/clock.go": 'package clock\n\nimport "time"\n\nfunc Here() { time.LoadLocation("Asia/Jakarta") }\n',
        "lib/go.mod": "module example.com/lib\n\ngo 1.17\n",
        "lib/lib.go": "package lib\n",
        "swagger.yaml": "openapi: 3.0.0\n",
    }
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    return str(tmp_path)


@pytest.mark.parametrize("extra", ["", "COPY swagger.yaml ./swagger.yaml\n"])
def test_a_module_that_replaces_a_dependency_with_the_one_beside_it_is_walked(knowledge, tmp_path, extra):
    ctx = _module_beside_another(tmp_path, "replace example.com/lib => ../lib")
    [f] = findings_of(knowledge, _ZONES.format(extra=extra), "MI418", ctx)
    assert "(api/pkg/clock/clock.go:5 calls time.LoadLocation)" in f.message  # reached from cmd/server, not guessed


def test_two_unrelated_modules_side_by_side_are_not_taken_for_one(knowledge, tmp_path):
    ctx = _module_beside_another(tmp_path, "")
    assert "(api/pkg/clock/clock.go:5 calls time.LoadLocation)" not in " ".join(
        f.message for f in findings_of(knowledge, _ZONES.format(extra=""), "MI418", ctx))


# ---- MI408: puppeteer with its Chromium download turned off has nothing to build or load on musl ------------------

_PUPPETEER = """\
FROM node:14-alpine
{env}WORKDIR /app
COPY package.json ./
RUN npm install
RUN apk add --no-cache chromium
CMD ["node", "index.js"]
"""


@pytest.mark.parametrize("env, said", [
    ("ENV PUPPETEER_SKIP_CHROMIUM_DOWNLOAD=1\n", False),  # epicgames-freegames-node: the system chromium instead
    ("ENV PUPPETEER_SKIP_DOWNLOAD=true\n", False),
    ("", True),  # the download is a glibc Chromium
])
def test_puppeteer_without_its_download_is_not_a_native_package_on_alpine(knowledge, tmp_path, env, said):
    (tmp_path / "package.json").write_text('{"dependencies": {"puppeteer": "^10.4.0"}}')
    found = findings_of(knowledge, _PUPPETEER.format(env=env), "MI408", str(tmp_path))
    assert bool(found) is said


# ---- MI433: apk pointed at edge, packages installed onto the image's older musl ----------------------------------

_EDGE = """\
FROM alpine:3.12 AS base
RUN sed -i 's/v3.12/edge/g' /etc/apk/repositories
FROM base
RUN apk add {flags}--no-cache chromium nspr
CMD ["chromium-browser"]
"""


@pytest.mark.parametrize("flags, said", [("", True), ("-u ", False), ("--upgrade ", False), ("-U ", True)])
def test_edge_set_in_a_parent_stage_reaches_the_final_stages_apk_add(knowledge, flags, said):
    found = findings_of(knowledge, _EDGE.format(flags=flags), "MI433")  # -U is --update-cache, not an upgrade
    assert bool(found) is said
    if said:
        assert (found[0].line, found[0].severity) == (4, "warning")
        assert "alpine:3.12 is Alpine 3.12, but apk installs chromium, nspr from Alpine's edge" in found[0].message


# ---- the final image a CI workflow's build-args name; a prebuilt program moved from a directory with variables ---

_NGHE = """\
ARG BASE_IMAGE
FROM busybox AS artifact
COPY artifact/ /artifact/
ARG TARGETARCH
ARG TARGET_ENV
RUN mv /artifact/${TARGETARCH}-${TARGET_ENV}/nghe /artifact/nghe
FROM ${BASE_IMAGE}
COPY --from=artifact /artifact/nghe /app/nghe
ENTRYPOINT ["/app/nghe"]
"""

_WORKFLOW = """\
on: push
jobs:
  docker:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: docker/build-push-action@v5
        with:
          context: .
          file: ci/docker/Dockerfile
          build-args: |
            BASE_IMAGE=%s
            TARGET_ENV=gnu
"""


def _nghe(tmp_path, base: str | None) -> str:
    files = {"ci/docker/Dockerfile": _NGHE, "Cargo.toml": '[package]\nname = "nghe"\nversion = "0.1.0"\n'}
    if base is not None:
        files[".github/workflows/main.yaml"] = _WORKFLOW % base
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    return str(tmp_path)


def test_the_final_image_comes_from_the_build_args_of_the_workflow_that_builds_the_file(knowledge, tmp_path):
    # the Rust source is not in the context: MI416 says so, of the program named in the moved path
    found = {f.rule: f for f in lint_text(knowledge, _NGHE, context_dir=_nghe(tmp_path, "debian:12.5-slim"))}
    assert "MI414" not in found  # debian:12.5-slim, read from the workflow
    assert found["MI416"].message.startswith("debian:12.5-slim has no CA bundle; lint cannot see whether the Rust "
                                             "program /app/nghe (copied prebuilt from the build context")


@pytest.mark.parametrize("base, rules", [("alpine:3.19.1", set()), (None, {"MI414"})])
def test_an_image_with_a_bundle_or_no_workflow_at_all(knowledge, tmp_path, base, rules):
    found = {f.rule for f in lint_text(knowledge, _NGHE, context_dir=_nghe(tmp_path, base))}
    assert found & {"MI411", "MI414", "MI416"} == rules


@pytest.mark.parametrize("package, stem", [("libharfbuzz0b", "libharfbuzz"), ("libdmtx0b", "libdmtx"),
                                           ("libharfbuzz.so.0", "libharfbuzz"), ("libdb5.3", "libdb")])
def test_debians_abi_rename_suffix_is_not_part_of_the_library(package, stem):
    assert lib_stem(package) == stem  # sbomify: MI412 named "libharfbuzz0b" as if it were a library


_ZBAR = """\
FROM debian:bookworm AS build
RUN apt-get update && apt-get install -y gcc {packages}
COPY . /src
RUN gcc -o /app /src/main.c -lzbar
FROM {final}
COPY --from=build /app /app
CMD ["/app"]
"""


def test_a_final_image_without_a_package_manager_is_not_told_to_install_packages(knowledge):
    # sbomify (heldout44): MI412's fix named the Debian build stage's packages under apk for Chainguard's Python
    # image, which has no apk, nor a shell to run it
    text = _ZBAR.format(packages="libzbar0 libzbar-dev", final="cgr.dev/chainguard/python")
    [f] = findings_of(knowledge, text, "MI412")
    assert f.fix.startswith("cgr.dev/chainguard/python has no package manager to install them (in an image that "
                            "has one: apk add --no-cache the package that ships libzbar.so): copy each library")
    assert "libzbar0" not in f.fix


@pytest.mark.parametrize("final", ["alpine:3.20", "cgr.dev/chainguard/wolfi-base"])
def test_a_debian_stage_s_run_time_package_is_not_named_for_an_apk_image(knowledge, final):
    [f] = findings_of(knowledge, _ZBAR.format(packages="libzbar0", final=final), "MI412")
    assert "apk add --no-cache" in f.fix and "libzbar0" not in f.fix
    assert "the package that ships libzbar.so" in f.fix


def test_a_debian_stage_s_run_time_package_is_named_for_a_debian_image(knowledge):
    [f] = findings_of(knowledge, _ZBAR.format(packages="libzbar0", final="debian:bookworm-slim"), "MI412")
    assert "apt-get install --no-install-recommends libzbar0" in f.fix
