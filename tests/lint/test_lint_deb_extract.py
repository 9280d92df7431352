"""Debian packages unpacked into a tree that becomes the final image's root (kb/lint/debextract.py): `apt-get
download` and `dpkg --extract` in one stage, `COPY --from=that /dpkg /` into a distroless final stage, as
fluent/fluent-bit's production image is made. The packages count as installed there."""
from __future__ import annotations

import pytest

from kb.evidence.dockerfile_parse import parse_dockerfile_text
from kb.lint import lint_report

BUILD = """FROM debian:bookworm-slim AS build
RUN apt-get update && apt-get install -y gcc libc6-dev libcurl4-openssl-dev
COPY main.c .
RUN gcc -o /app main.c -lcurl
FROM debian:bookworm-slim AS debs
WORKDIR /tmp
RUN apt-get update && apt-get download {packages} && \\
    for deb in *.deb; do dpkg --extract "$deb" /dpkg || exit 10; done
FROM gcr.io/distroless/cc-debian12
COPY --from=debs /dpkg {dest}
COPY --from=build /app /app
ENTRYPOINT ["/app"]
"""


def missing(knowledge, text):
    return [f for f in lint_report(knowledge, parse_dockerfile_text(text, "Dockerfile")) if f.rule == "MI412"]


def test_the_unpacked_library_package_copied_to_the_root_is_installed(knowledge):
    assert missing(knowledge, BUILD.format(packages="libcurl4 libnghttp2-14 zlib1g", dest="/")) == []


@pytest.mark.parametrize("packages,dest", [
    ("zlib1g libnghttp2-14", "/"),  # the tree lacks the library's package
    ("libcurl4 zlib1g", "/opt/root/"),  # the tree lands where the loader does not look
])
def test_a_tree_without_the_package_or_off_the_root_leaves_the_library_missing(knowledge, packages, dest):
    [f] = missing(knowledge, BUILD.format(packages=packages, dest=dest))
    assert f.line == 11 and "libcurl" in f.message


def test_a_deb_fetched_by_url_names_no_package(knowledge):
    text = BUILD.format(packages="zlib1g", dest="/").replace(
        "apt-get download zlib1g", "curl -LO https://deb.example/libcurl4.deb")
    assert [f.line for f in missing(knowledge, text)] == [11]
