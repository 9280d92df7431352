"""configure.ac as MI412's evidence of what an autotools build links (kb/lint/autoconf.py)."""
from __future__ import annotations

import time

from kb.evidence.dockerfile_parse import parse_dockerfile_text
from kb.lint import lint_report
from kb.lint.autoconf import configure_names

DOCKERFILE = ("FROM alpine:3.20 AS build\nRUN apk add --no-cache gcc make libc-dev autoconf automake confuse-dev "
              "gnutls-dev\nCOPY . /src\nWORKDIR /src\nRUN autoreconf -i && ./configure && make install\n"
              "FROM alpine:3.20\n{final}COPY --from=build /usr/local/sbin/inadyn /usr/bin/inadyn\n")
CONFIGURE_AC = ("AC_INIT([inadyn], [2.4])\nPKG_CHECK_MODULES([confuse], [libconfuse >= 3.0])\n"
                "PKG_CHECK_MODULES([GnuTLS], [gnutls >= 3.0], [], [AC_MSG_ERROR([no gnutls (see README)])])\n"
                "AC_CHECK_LIB([m], [floor])\nAC_SEARCH_LIBS([clock_gettime], [rt posix4])\n")


def test_configure_names_reads_pkg_config_modules_and_checked_libraries():
    assert configure_names(CONFIGURE_AC) == {
        "libconfuse": "PKG_CHECK_MODULES(confuse, libconfuse >= 3.0)",
        "gnutls": "PKG_CHECK_MODULES(GnuTLS, gnutls >= 3.0)",
        "m": "AC_CHECK_LIB(m, floor)", "rt": "AC_SEARCH_LIBS(clock_gettime, rt posix4)",
        "posix4": "AC_SEARCH_LIBS(clock_gettime, rt posix4)"}
    assert configure_names("MY_PKG_CHECK_MODULES([x], [foo])\nPKG_CHECK_MODULES([x], [$DEPS])\n") == {}


def test_the_missing_libraries_are_named_with_what_configure_ac_probes(knowledge, tmp_path):
    (tmp_path / "configure.ac").write_text(CONFIGURE_AC)
    report = lint_report(knowledge, parse_dockerfile_text(DOCKERFILE.format(final=""), "Dockerfile"),
                         context_dir=str(tmp_path))
    [finding] = [f for f in report if f.rule == "MI412"]
    assert "alpine:3.20 lacks libconfuse (confuse-dev installed there; PKG_CHECK_MODULES(confuse, libconfuse >= 3.0) " \
           "in configure.ac), libgnutls (gnutls-dev installed there; PKG_CHECK_MODULES(GnuTLS, gnutls >= 3.0) in " \
           "configure.ac)" in finding.message
    final = "RUN apk add --no-cache confuse gnutls\n"
    report = lint_report(knowledge, parse_dockerfile_text(DOCKERFILE.format(final=final), "Dockerfile"),
                         context_dir=str(tmp_path))
    assert not [f for f in report if f.rule == "MI412"]


def test_configure_names_is_linear_on_hostile_text():
    for text in ("PKG_CHECK_MODULES(" * 20000, "AC_SEARCH_LIBS([f], [" + "[" * 100000, "PKG_CHECK_MODULES([a], [" +
                 "x " * 100000):
        start = time.perf_counter()
        configure_names(text)
        assert time.perf_counter() - start < 1.0
