"""What the held-out batch 40 (tests/lint/realworld, heldout40-2026-12-03) showed lint missing or getting wrong, as
mechanisms (issue 9): a `#cgo LDFLAGS: -static` in the program's own source (static: no MI401), and Go source copied
by a glob (`COPY *.go ./`); cargo build --manifest-path (where the program lands, MI411); apt-get satisfy, and
Debian's Python packages, which bring libssl (no MI412); a build script run in a stage FROM the stage that copied
the context, and rustup's $HOME/.cargo (MI411); Pi-hole's v6 image is Alpine (MI412); `FROM $IMAGE` with no value
named as written (MI430). Each test is a small Dockerfile of our own, not a
corpus file."""
from __future__ import annotations

from kb.evidence.dockerfile_parse import parse_dockerfile_text
from kb.lint import lint_report


def findings(knowledge, text: str, rule: str, context: str | None = None) -> list:
    report = lint_report(knowledge, parse_dockerfile_text(text, "Dockerfile"), context_dir=context)
    return [f for f in report if f.rule == rule]


# ---- MI401: a program whose own cgo preamble links -static ---------------------------------------------------------

_STATIC_CGO = """\
FROM golang:1.18 AS build
WORKDIR /src/
COPY *.go go.mod ./
RUN go build -o server ./
FROM scratch
COPY --from=build /src/server /
CMD ["/server"]
"""


def _cgo_module(tmp_path, ldflags: str) -> str:
    (tmp_path / "go.mod").write_text("module example.com/server\n\ngo 1.18\n")
    (tmp_path / "main.go").write_text(f'package main\n\n/*\n#cgo LDFLAGS: {ldflags}\n#include <stdlib.h>\n*/\n'
                                      'import "C"\n\nimport "net/http"\n\n'
                                      'func main() { http.ListenAndServe(":8443", nil) }\n')
    return str(tmp_path)


def test_a_cgo_ldflags_static_program_is_static_on_scratch(knowledge, tmp_path):
    context = _cgo_module(tmp_path, "-L target/release -lffi_lib -lpthread -ldl -static")
    assert findings(knowledge, _STATIC_CGO, "MI401", context) == []
    [f] = findings(knowledge, _STATIC_CGO, "MI492", context)  # its glibc NSS lookups are another matter
    assert "#cgo LDFLAGS: -static (main.go:4)" in f.message


def test_the_same_preamble_without_static_is_a_glibc_program_on_scratch(knowledge, tmp_path):
    [f] = findings(knowledge, _STATIC_CGO, "MI401", _cgo_module(tmp_path, "-lpthread -ldl"))
    assert (f.severity, f.line) == ("error", 6) and "the program imports net, os/user or C" in f.message


# ---- MI411: cargo build --manifest-path puts the program in the workspace's target/ --------------------------------

_WORKER = """\
FROM debian:testing-slim AS build
RUN apt-get update && apt-get satisfy --yes --no-install-recommends ca-certificates cargo libssl-dev pkg-config
COPY . /code
RUN cargo build --release --manifest-path /code/worker/Cargo.toml
FROM debian:testing-slim
RUN apt-get update && apt-get satisfy --yes --no-install-recommends libpython3-dev python3-breezy{extra}
COPY --from=build /code/target/release/janitor-worker /usr/local/bin/janitor-worker
ENTRYPOINT ["janitor-worker"]
"""


def _workspace(tmp_path) -> str:
    (tmp_path / "Cargo.toml").write_text('[workspace]\nmembers = ["worker"]\n')
    (tmp_path / "worker").mkdir()
    (tmp_path / "worker" / "Cargo.toml").write_text(
        '[package]\nname = "janitor-worker"\nversion = "0.1.0"\n\n[dependencies]\nreqwest = "0.12"\n')
    (tmp_path / "Cargo.lock").write_text(
        'version = 3\n\n[[package]]\nname = "janitor-worker"\nversion = "0.1.0"\ndependencies = [\n "reqwest",\n]\n\n'
        '[[package]]\nname = "native-tls"\nversion = "0.2.11"\n\n[[package]]\nname = "openssl"\nversion = "0.10.64"\n\n'
        '[[package]]\nname = "reqwest"\nversion = "0.12.4"\ndependencies = [\n "native-tls",\n]\n')
    return str(tmp_path)


def test_a_manifest_path_build_lands_in_the_workspace_target(knowledge, tmp_path):
    context = _workspace(tmp_path)
    [f] = findings(knowledge, _WORKER.format(extra=""), "MI411", context)
    assert (f.severity, f.line) == ("warning", 7) and "the Rust program /usr/local/bin/janitor-worker" in f.message
    # apt-get satisfy installs what it names, and Debian's Python brings libssl: no library is missing
    assert findings(knowledge, _WORKER.format(extra=""), "MI412", context) == []


def test_the_bundle_installed_by_apt_get_satisfy_says_nothing(knowledge, tmp_path):
    assert findings(knowledge, _WORKER.format(extra=" ca-certificates"), "MI411", _workspace(tmp_path)) == []


# ---- MI411: a build script run in a stage FROM the one that copied the context; rustup's $HOME/.cargo -------------

_RUSTUP = """\
FROM debian:latest AS rustenv
COPY . /code
WORKDIR /code
RUN apt-get update -qq && apt-get install -y curl build-essential libssl-dev pkg-config ca-certificates
RUN curl -sSL sh.rustup.rs > /usr/local/bin/rustup-dl && chmod +x /usr/local/bin/rustup-dl && rustup-dl -y
FROM rustenv AS buildenv
RUN sh cargo-docker.sh
FROM debian:latest
{extra}COPY --from=buildenv /root/.cargo/bin/zeronsd /usr/bin/zeronsd
ENTRYPOINT ["/usr/bin/zeronsd"]
"""


def _zeronsd(tmp_path) -> str:
    (tmp_path / "cargo-docker.sh").write_text('#!/bin/sh\nexport PATH="${HOME}/.cargo/bin:${PATH}"\n'
                                              'cargo install --path .\n')
    (tmp_path / "Cargo.toml").write_text('[package]\nname = "zeronsd"\nversion = "0.1.0"\n\n[dependencies]\n'
                                         'reqwest = "0.11"\n')
    (tmp_path / "Cargo.lock").write_text(
        'version = 3\n\n[[package]]\nname = "zeronsd"\nversion = "0.1.0"\ndependencies = [\n "reqwest",\n]\n\n'
        '[[package]]\nname = "openssl"\nversion = "0.10.64"\n\n[[package]]\nname = "reqwest"\nversion = "0.11.27"\n')
    return str(tmp_path)


def test_a_script_in_a_child_stage_builds_into_rustups_cargo_home(knowledge, tmp_path):
    [f] = findings(knowledge, _RUSTUP.format(extra=""), "MI411", _zeronsd(tmp_path))
    assert (f.severity, f.line) == ("warning", 9) and "the Rust program /usr/bin/zeronsd" in f.message


def test_the_same_with_ca_certificates_in_the_final_stage_says_nothing(knowledge, tmp_path):
    extra = "RUN apt-get update -qq && apt-get install ca-certificates -y\n"
    assert findings(knowledge, _RUSTUP.format(extra=extra), "MI411", _zeronsd(tmp_path)) == []


# ---- MI412: Pi-hole's v6 image is Alpine -----------------------------------------------------------------------------

_PIHOLE = """\
FROM pihole/pihole:{tag} AS unbound
RUN apk add --no-cache --virtual .build-deps build-base libevent-dev expat-dev && \\
    ./configure --prefix=/opt/unbound --with-libevent && make && make install && \\
    apk del .build-deps
FROM pihole/pihole:{tag}
COPY --from=unbound /opt/unbound /opt/unbound
"""


def test_unbound_built_on_the_pihole_v6_image_misses_libevent(knowledge):
    [f] = findings(knowledge, _PIHOLE.format(tag="development-v6"), "MI412")
    assert (f.severity, f.line) == ("warning", 6) and "libevent" in f.message


def test_an_older_pihole_tag_stays_unknown(knowledge):
    assert findings(knowledge, _PIHOLE.format(tag="2024.07.0"), "MI412") == []


# ---- MI430: `FROM $IMAGE` without a value, named as written ---------------------------------------------------

_ARG_IMAGE = """\
ARG IMAGE
FROM $IMAGE AS builder
RUN yum install -y gcc libxml2-devel
RUN gcc -o /app app.c -lxml2
FROM $IMAGE
RUN yum install -y python3
COPY --from=builder /app /app
"""


def test_an_unset_image_arg_is_named_as_written(knowledge):
    [f] = findings(knowledge, _ARG_IMAGE, "MI430")
    assert f.message.startswith("$IMAGE is not an image lint knows") and "from the $IMAGE stage" in f.message


# ---- MI411: a Rust program of the context picked out of a copied directory by mv, then copied on -------------------

_PICKED = """\
FROM debian:bullseye AS pick
ARG TARGETPLATFORM
WORKDIR /dim
COPY bin/ bin/
RUN mkdir -p target /lldap
RUN if [ "${{TARGETPLATFORM}}" = "linux/amd64" ]; then mv bin/amd64-bin/lldap target/lldap; fi
RUN cp target/lldap /lldap/
FROM debian:bullseye
{extra}COPY --from=pick /lldap /app
ENTRYPOINT ["/app/lldap"]
"""


def _lldap(tmp_path) -> str:
    (tmp_path / "Cargo.toml").write_text('[workspace]\nmembers = ["server"]\n')
    (tmp_path / "server").mkdir()
    (tmp_path / "server" / "Cargo.toml").write_text(
        '[package]\nname = "lldap"\nversion = "0.4.0"\n\n[dependencies]\nnative-tls = "0.2"\n')
    return str(tmp_path)


def test_a_context_program_picked_by_mv_is_followed_to_the_final_image(knowledge, tmp_path):
    [f] = findings(knowledge, _PICKED.format(extra=""), "MI411", _lldap(tmp_path))
    assert (f.severity, f.line) == ("warning", 9)
    assert "the Rust program /app/lldap (copied prebuilt from the build context" in f.message
    assert "server/Cargo.toml names the program lldap" in f.message


def test_the_picked_program_with_a_ca_bundle_or_another_name_says_nothing(knowledge, tmp_path):
    context = _lldap(tmp_path)
    extra = "RUN apt-get update && apt-get install -y ca-certificates\n"
    assert findings(knowledge, _PICKED.format(extra=extra), "MI411", context) == []
    other = _PICKED.format(extra="").replace("amd64-bin/lldap target/lldap", "amd64-bin/tool target/lldap")
    assert [f.rule for f in findings(knowledge, other, "MI411", context)] == []
