"""What the held-out batch 37 (tests/lint/realworld, heldout37-2026-12-03) showed lint getting wrong, as mechanisms
(issue 9): a shell copied in and linked as /bin/sh by an exec-form RUN (its false MI405 error); uv.lock packages
locked without a wheel for Linux, which uv builds from source against the system's libraries (MI412); libldap-common,
which is not libldap (MI412). Each test is a small Dockerfile of our own, not a corpus file."""
from __future__ import annotations

from kb.evidence.dockerfile_parse import parse_dockerfile_text
from kb.lint import lint_report


def findings(knowledge, text: str, rule: str, context: str | None = None) -> list:
    report = lint_report(knowledge, parse_dockerfile_text(text, "Dockerfile"), context_dir=context)
    return [f for f in report if f.rule == rule]


# ---- MI405: a shell linked as /bin/sh by an exec-form RUN -----------------------------------------------------------

_LINKED_SHELL = """\
FROM debian:bookworm AS tools
RUN apt-get update && apt-get install -y bash-static
FROM gcr.io/distroless/base-debian12
COPY --from=tools /bin/bash-static /bin/bash
COPY --from=tools /usr/local/bin /usr/local/bin
RUN ["/usr/local/bin/toybox", "ln", "-s", "/bin/bash", "/bin/sh"]
RUN chmod -R 755 /usr/local/bin
"""


def test_a_shell_linked_as_bin_sh_serves_the_shell_form_runs(knowledge):
    assert findings(knowledge, _LINKED_SHELL, "MI405") == []
    [f] = findings(knowledge, _LINKED_SHELL.replace('RUN ["/usr/local/bin/toybox", "ln", "-s", "/bin/bash", '
                                                    '"/bin/sh"]\n', ""), "MI405")
    assert (f.severity, f.line) == ("error", 6)


# ---- MI412: uv.lock's packages without a Linux wheel are built from source -----------------------------------------

_UV = """\
FROM python:3.12 AS build
WORKDIR /app
COPY --from=ghcr.io/astral-sh/uv:0.10.8 /uv /bin/
ENV UV_PROJECT_ENVIRONMENT=/usr/local
RUN apt-get update && apt-get install -y gettext
RUN --mount=type=bind,source=uv.lock,target=uv.lock --mount=type=bind,source=pyproject.toml,target=pyproject.toml \\
    uv sync --locked --no-install-project
FROM python:3.12-slim
RUN apt-get update && apt-get install -y libpq5 {extra}&& rm -rf /var/lib/apt/lists/*
COPY --from=build /usr/local/lib/python3.12/site-packages/ /usr/local/lib/python3.12/site-packages/
CMD ["python", "-m", "app"]
"""


def _lock(tmp_path, wheel: str) -> str:
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "app"\nversion = "1"\ndependencies = ["lxml"]\n')
    (tmp_path / "uv.lock").write_text(
        'version = 1\n\n[[package]]\nname = "lxml"\nversion = "6.1.0"\nsource = { registry = '
        '"https://pypi.org/simple" }\nsdist = { url = "https://files.example/lxml-6.1.0.tar.gz" }\nwheels = [\n'
        f'    {{ url = "https://files.example/lxml-6.1.0-{wheel}.whl" }},\n]\n')
    return str(tmp_path)


def test_a_lock_without_linux_wheels_builds_lxml_against_libxslt(knowledge, tmp_path):
    ctx = _lock(tmp_path, "cp312-cp312-macosx_10_13_x86_64")
    [f] = findings(knowledge, _UV.format(extra=""), "MI412", ctx)
    assert (f.severity, f.line) == ("warning", 10)
    assert "libxslt (libxslt.so.1: lxml 6.1.0, which uv.lock locks with no wheel for Linux" in f.message


def test_a_manylinux_wheel_or_the_libraries_installed_say_nothing(knowledge, tmp_path):
    ctx = _lock(tmp_path, "cp312-cp312-manylinux_2_28_x86_64")
    assert findings(knowledge, _UV.format(extra=""), "MI412", ctx) == []
    ctx = _lock(tmp_path, "cp312-cp312-win_amd64")
    assert findings(knowledge, _UV.format(extra="libxml2 libxslt1.1 "), "MI412", ctx) == []


# ---- MI412: libldap-common is the configuration, not the library ---------------------------------------------------

_LDAP = """\
FROM python:3.12-slim AS build
RUN apt-get update && apt-get install -y gcc libldap2-dev libsasl2-dev
RUN pip install --prefix=/install python-ldap==3.4.4
FROM python:3.12-slim
RUN apt-get update && apt-get install -y --no-install-recommends {runtime} && rm -rf /var/lib/apt/lists/*
COPY --from=build /install /usr/local
CMD ["python", "-c", "import ldap"]
"""


def test_libldap_common_does_not_bring_the_library(knowledge):
    [f] = findings(knowledge, _LDAP.format(runtime="libldap-common"), "MI412")
    assert "lacks libldap (libldap2-dev installed there)" in f.message
    assert findings(knowledge, _LDAP.format(runtime="libldap-2.5-0 libsasl2-2"), "MI412") == []
    assert findings(knowledge, _LDAP.format(runtime="libldap2 libsasl2-2"), "MI412") == []  # Debian 13's name


# ---- MI412: a library built from source is named after the library, not its source directory ----------------------

_SODIUM = """\
FROM ubuntu:16.04 AS build
RUN apt-get update && apt-get install -y build-essential curl
RUN curl -fsSL -o src.tar.gz https://download.libsodium.org/libsodium/releases/libsodium-1.0.16.tar.gz \\
    && mkdir {directory} && tar -zxf src.tar.gz -C {directory} --strip-components=1 \\
    && cd {directory} && ./configure && make && make install && ldconfig
RUN make -C /app
FROM ubuntu:16.04
COPY --from=build /app/bin/node /node
CMD ["/node"]
"""


def test_a_source_directory_suffix_is_not_the_library_name(knowledge):
    for directory in ("libsodium-src", "libsodium-${LIBSODIUM_VERSION}", "libsodium-1.0.16"):
        [f] = findings(knowledge, _SODIUM.format(directory=directory), "MI412")
        assert "ubuntu:16.04 lacks libsodium (libsodium" in f.message and "-src built" not in f.message, directory
        assert 'expect "error while loading shared libraries: libsodium.so...' in f.message


# ---- MI427: a retired Go version's golang:1.N-alpine is the Alpine of its last build ------------------------------

_FFMPEG = """\
FROM golang:{go}-alpine AS builder
RUN apk add --no-cache gcc musl-dev pkgconfig ffmpeg-dev
WORKDIR /src
COPY . .
RUN go build -o /tester ./cmd/tester
FROM {final}
RUN apk add --no-cache ffmpeg
COPY --from=builder /tester /tester
CMD ["/tester"]
"""


def test_a_retired_go_alpine_image_is_an_older_alpine_than_todays(knowledge):
    [f] = findings(knowledge, _FFMPEG.format(go="1.15", final="alpine"), "MI427")
    assert (f.severity, f.line) == ("warning", 8)
    assert "built on golang:1.15-alpine (Alpine 3.14) against libavcodec" in f.message


def test_todays_go_alpine_image_or_the_same_release_says_nothing(knowledge):
    assert findings(knowledge, _FFMPEG.format(go="1.27", final="alpine"), "MI427") == []
    assert findings(knowledge, _FFMPEG.format(go="1.15", final="alpine:3.14"), "MI427") == []
    both_floating = _FFMPEG.format(go="1.15", final="alpine").replace("FROM golang:1.15-alpine AS builder",
                                                                        "FROM alpine AS builder\nRUN apk add go")
    assert findings(knowledge, both_floating, "MI427") == []  # alpine is today's Alpine in both stages
