"""MI412 for a library the build stage compiled and installed into /usr/local/lib itself (kb/lint/srclibs.py)."""
from __future__ import annotations

import pytest

from kb.evidence.dockerfile_parse import parse_dockerfile_text
from kb.lint import lint_report

BUILD = ("FROM debian:bookworm AS build\nRUN apt-get update && apt-get install -y gcc make git autoconf libtool\n"
         "RUN git clone https://example.invalid/libconfuse.git /src/libconfuse-3.3\nWORKDIR /src/libconfuse-3.3\n"
         "RUN ./autogen.sh && ./configure {flags}&& make install && ldconfig\nWORKDIR /src/inadyn\n"
         "RUN git clone https://example.invalid/inadyn.git . && ./configure && make install\n"
         "FROM debian:bookworm-slim\n{final}COPY --from=build /usr/local/sbin/inadyn /usr/sbin/inadyn\n"
         "CMD [\"inadyn\"]\n")


def mi412(knowledge, final: str = "", flags: str = "") -> list:
    text = BUILD.format(final=final, flags=flags)
    return [f for f in lint_report(knowledge, parse_dockerfile_text(text, "Dockerfile")) if f.rule == "MI412"]


def test_a_library_built_from_source_and_not_copied_is_named(knowledge):
    [finding] = mi412(knowledge)
    assert finding.severity == "warning" and finding.line == 9
    assert "debian:bookworm-slim lacks libconfuse (libconfuse-3.3 built from source and installed into " \
           "/usr/local/lib there)" in finding.message
    assert "COPY --from=build /usr/local/lib/libconfuse.so.* /usr/local/lib/" in finding.fix


@pytest.mark.parametrize("final", ["COPY --from=build /usr/local/lib /usr/local/lib\n",
                                   "COPY --from=build /usr/local/lib/libconfuse.so.2 /usr/local/lib/\n",
                                   "RUN apt-get update && apt-get install -y libconfuse2\n"])
def test_the_library_copied_or_installed_passes(knowledge, final):
    assert mi412(knowledge, final) == []


def test_a_static_only_library_build_needs_nothing(knowledge):
    assert mi412(knowledge, flags="--disable-shared ") == []


def test_a_library_linked_from_its_archive_needs_nothing(knowledge):
    text = BUILD.format(final="", flags="").replace("./configure && make install\n",
                                                    "./configure LIBS=-l:libconfuse.a && make install\n")
    assert not [f for f in lint_report(knowledge, parse_dockerfile_text(text, "Dockerfile")) if f.rule == "MI412"]
