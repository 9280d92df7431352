"""MI412 with LLVM's libc++ (kb/lint/libcxx.py): clang told to use libc++ (-lc++ in LIBS, -stdlib=libc++,
LLVM_ENABLE_LIBCXX=ON), in a RUN, an ENV or the build files the stage runs, links libc++.so.1 (and on Debian
libc++abi.so.1 and libunwind.so.1); libc++-dev installed alone is no such link. From heldout12's curl-impersonate
(issue #143: "libc++.so.1: cannot open shared object file" on debian:bookworm-slim; fixed by libc++1 libc++abi1, on
Alpine by libc++)."""
from __future__ import annotations

import pytest

from tests.lint.context_files import lint_with_files

MAKEFILE_IN = ("curl-configure:\n\t{ \\\n\t  config_flags=\"--with-zstd\"; \\\n\t  add_libs=\"-pthread -lc++\"; \\\n\t}\n"
               "\tLDFLAGS=\"-Wl,-rpath,/x/lib\" ./configure $$config_flags LIBS=\"$$add_libs\"\n")
DEBIAN = """FROM python:3.12-slim-bookworm AS builder
WORKDIR /build
RUN apt-get update && \\
    apt-get install -y git cmake autoconf automake pkg-config libtool \\
    clang llvm lld libc++-dev libc++abi-dev zlib1g-dev libzstd-dev
COPY . /build
ENV CC=clang CXX=clang++
RUN mkdir /build/install && ./configure --prefix=/build/install --with-zlib --with-zstd && make build && make install
FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y ca-certificates {extra} && rm -rf /var/lib/apt/lists/*
COPY --from=builder /build/install /usr/local
RUN ldconfig
CMD ["curl-impersonate", "--version"]
"""
ALPINE = """FROM alpine:3.21 AS builder
WORKDIR /build
RUN apk add git cmake make autoconf automake pkgconfig libtool clang llvm lld libc-dev libc++-dev zlib-dev
COPY . /build
ENV CC=clang CXX=clang++
RUN mkdir /build/install && ./configure --prefix=/build/install && make build && make install
FROM alpine:3.21
RUN apk add ca-certificates {extra}
COPY --from=builder /build/install /usr/local
CMD ["curl-impersonate", "--version"]
"""


def rules(findings, rule):
    return [f for f in findings if f.rule == rule]


def test_curl_impersonate_on_bookworm_slim_without_libcxx_is_mi412_naming_libcxx_and_the_makefile(knowledge, tmp_path):
    found = lint_with_files(knowledge, DEBIAN.format(extra=""), {"Makefile.in": MAKEFILE_IN}, tmp_path)
    [f] = rules(found, "MI412")
    assert (f.line, f.severity) == (11, "warning")
    assert f.message.startswith("debian:bookworm-slim lacks libc++ (-lc++ in Makefile.in at line 4 links LLVM's "
                                "libc++: libc++.so.1, with libc++abi.so.1 and libunwind.so.1")
    assert "libc++.so...: cannot open shared object file" in f.message
    assert "libc++1" in f.fix


def test_the_fix_with_libcxx1_is_quiet(knowledge, tmp_path):
    found = lint_with_files(knowledge, DEBIAN.format(extra="libc++1 libc++abi1"), {"Makefile.in": MAKEFILE_IN},
                            tmp_path)
    assert rules(found, "MI412") == []


def test_libcxx_dev_without_a_flag_that_asks_for_it_is_quiet(knowledge, tmp_path):
    found = lint_with_files(knowledge, DEBIAN.format(extra=""), {"Makefile.in": "all:\n\t./configure\n"}, tmp_path)
    assert rules(found, "MI412") == []


@pytest.mark.parametrize("flags", ["CXXFLAGS=-stdlib=libc++", "LDFLAGS=--stdlib=libc++"])
def test_a_flag_in_the_run_line_counts(knowledge, flags):
    text = DEBIAN.format(extra="").replace("./configure --prefix", f"./configure {flags} --prefix")
    [f] = rules(lint_with_files(knowledge, text), "MI412")
    assert "the RUN at line 8 links LLVM's libc++" in f.message


def test_linked_from_the_archive_is_quiet(knowledge):
    text = DEBIAN.format(extra="").replace("./configure --prefix",
                                           "./configure CXXFLAGS=-stdlib=libc++ LDFLAGS=-static-libstdc++ --prefix")
    assert rules(lint_with_files(knowledge, text), "MI412") == []


def test_on_alpine_the_fix_is_apk_add_libcxx(knowledge, tmp_path):
    found = lint_with_files(knowledge, ALPINE.format(extra=""), {"Makefile.in": MAKEFILE_IN}, tmp_path)
    [f] = rules(found, "MI412")
    assert (f.line, f.severity) == (9, "warning")
    assert f.message.startswith("alpine:3.21 lacks libc++ (-lc++ in Makefile.in at line 4 links LLVM's libc++: "
                                "libc++.so.1)")
    assert "apk add --no-cache libc++" in f.fix
    fixed = lint_with_files(knowledge, ALPINE.format(extra="libc++"), {"Makefile.in": MAKEFILE_IN}, tmp_path)
    assert rules(fixed, "MI412") == []
