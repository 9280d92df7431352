"""MI427 (kb/lint/alpineskew.py): which Alpine release an image reference names, and the finding on the two
real-world shapes (egallesio/STklos#309, ruimarinho/docker-bitcoin-core#100)."""
from __future__ import annotations

import pytest

from kb.evidence.dockerfile_parse import parse_dockerfile_text
from kb.lint import lint_report
from kb.lint.alpineskew import alpine_release


@pytest.mark.parametrize("ref,release", [
    ("alpine:3.11", "3.11"), ("alpine:3.11.6", "3.11"), ("docker.io/library/alpine:3.20", "3.20"),
    ("alpine", "floating"), ("alpine:latest", "floating"), ("alpine:edge", "floating"),
    ("rust:1.71.1-alpine3.18", "3.18"), ("python:3.12-alpine3.20", "3.20"), ("golang:1.22-alpine", "floating"),
    ("node:20-alpine", "floating"), ("debian:bookworm-slim", None), ("alpine:$TAG", None),
    ("alpine@sha256:" + "0" * 64, None), ("myorg/alpine-tools:1.2", None),
])
def test_the_release_an_image_reference_names(ref, release):
    assert alpine_release(ref) == release


BITCOIN = """FROM alpine:3.9 AS build
RUN apk add --no-cache autoconf automake boost-dev build-base libevent-dev openssl-dev
COPY . /src
RUN cd /src && ./autogen.sh && ./configure --prefix=/opt/bitcoin && make && make install
FROM {final}
RUN apk add --no-cache boost boost-program_options libevent libressl
COPY --from=build /opt/bitcoin /opt/bitcoin
CMD ["/opt/bitcoin/bin/bitcoind"]
"""


def skew(knowledge, text):
    return [f for f in lint_report(knowledge, parse_dockerfile_text(text, "Dockerfile")) if f.rule == "MI427"]


def test_a_floating_final_alpine_under_a_pinned_build_is_a_warning_naming_the_libraries(knowledge):
    [f] = skew(knowledge, BITCOIN.format(final="alpine"))
    assert (f.severity, f.line) == ("warning", 7)
    assert f.message.startswith("alpine is a floating Alpine release, but what this COPY brings was built on "
                                "alpine:3.9 (Alpine 3.9) against libboost")
    assert "libevent" in f.message and "Error relocating" in f.message


def test_one_release_in_both_stages_is_quiet(knowledge):
    assert skew(knowledge, BITCOIN.format(final="alpine:3.9")) == []


def test_a_final_image_that_installs_none_of_the_libraries_is_another_rule_s(knowledge):
    text = BITCOIN.format(final="alpine:3.20").replace("boost boost-program_options libevent libressl", "ca-certificates")
    assert skew(knowledge, text) == []  # MI412 says they are missing
