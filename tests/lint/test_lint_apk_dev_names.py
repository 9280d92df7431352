"""MI412 for the -dev packages of an Alpine build stage, read by Alpine's naming (kb/lint/apknames.py): a cloned
autotools project built against confuse-dev and gnutls-dev needs confuse and gnutls in the final alpine stage."""
from __future__ import annotations

import pytest

from kb.evidence.dockerfile_parse import parse_dockerfile_text
from kb.lint import lint_report

INADYN = ("FROM alpine:3.20 AS builder\nRUN apk --no-cache add autoconf automake {dev} gcc git libc-dev libtool make\n"
          "RUN git clone https://example.invalid/inadyn.git\nWORKDIR inadyn\n"
          "RUN ./autogen.sh && ./configure && make install\nFROM alpine:3.20\n{final}"
          "COPY --from=builder /usr/local/sbin/inadyn /usr/bin/inadyn\nENTRYPOINT [\"/usr/bin/inadyn\"]\n")


def mi412(knowledge, dev: str, final: str = "") -> list:
    report = lint_report(knowledge, parse_dockerfile_text(INADYN.format(dev=dev, final=final), "Dockerfile"))
    return [f for f in report if f.rule == "MI412"]


def test_alpine_dev_packages_name_the_libraries_the_final_stage_lacks(knowledge):
    [finding] = mi412(knowledge, "confuse-dev gnutls-dev")
    assert finding.severity == "warning"
    assert "alpine:3.20 lacks libconfuse (confuse-dev installed there), libgnutls (gnutls-dev installed there)" \
        in finding.message
    assert "apk add --no-cache confuse gnutls (named after the -dev packages" in finding.fix


@pytest.mark.parametrize("dev, final", [
    ("confuse-dev gnutls-dev", "RUN apk add --no-cache ca-certificates confuse gnutls\n"),
    ("nghttp2-dev", "RUN apk add --no-cache nghttp2-libs\n"),  # a -libs subpackage ships the library
    ("util-linux-dev linux-headers", ""),  # several libraries under another name: not read by the naming
])
def test_final_stages_with_the_libraries_or_no_library_named_pass(knowledge, dev, final):
    assert mi412(knowledge, dev, final) == []


def test_a_debian_build_stage_is_not_read_by_alpine_names(knowledge):
    text = ("FROM debian:bookworm AS build\nRUN apt-get update && apt-get install -y gcc make uuid-dev\n"
            "COPY . /src\nRUN make -C /src\nFROM debian:bookworm-slim\nCOPY --from=build /src/app /app\n")
    assert not [f for f in lint_report(knowledge, parse_dockerfile_text(text, "Dockerfile")) if f.rule == "MI412"]


def test_a_final_stage_with_the_dev_packages_has_their_libraries(knowledge):
    assert mi412(knowledge, "pango-dev pixman-dev", "RUN apk add --update pango-dev pixman-dev\n") == []
    [finding] = mi412(knowledge, "pango-dev pixman-dev", "RUN apk add --update pango-dev\n")
    assert "lacks libpixman (pixman-dev installed there)" in finding.message and "libpango" not in finding.message
