"""Where a cmake or meson build puts its program (kb/lint/cmake.py), for the directories the other cmake tests do not
name: `meson compile -C $VAR/out` and `meson install -C $VAR/out` through an ENV variable, and a relative DESTDIR, which
cmake's and meson's install scripts resolve from the build directory they run in."""
from __future__ import annotations

import pytest

from kb.evidence.dockerfile_parse import parse_dockerfile_text
from kb.lint import lint_report

BUILD = ("FROM debian:bookworm AS b\nRUN apt-get update && apt-get install -y build-essential cmake meson ninja-build\n"
         "COPY . /src\nWORKDIR /src\n{build}\nFROM scratch\nCOPY --from=b {copy} /app\n")


def mi401(knowledge, text: str) -> list[str]:
    return [f.message for f in lint_report(knowledge, parse_dockerfile_text(text, "Dockerfile")) if f.rule == "MI401"]


@pytest.mark.parametrize("build, copy", [
    ("ENV B=/w\nRUN meson setup $B/out && meson compile -C $B/out", "/w/out/app"),
    ("ENV B=/w\nRUN meson setup -Dprefix=/opt/app $B/out && meson install -C $B/out", "/opt/app/bin/app"),
])
def test_a_meson_build_directory_named_by_a_variable_is_followed(knowledge, build, copy):
    [msg] = mi401(knowledge, BUILD.format(build=build, copy=copy))
    assert msg.startswith("the C program /app is linked dynamically against glibc (meson links dynamically by "
                          "default")


@pytest.mark.parametrize("build, copy", [
    ("RUN cmake -S . -B build && make -C build && make -C build install DESTDIR=stage",
     "/src/build/stage/usr/local/bin/app"),
    ("RUN cmake -S . -B build -DCMAKE_INSTALL_PREFIX=/usr && cd build && make && make install DESTDIR=../pkg",
     "/src/pkg/usr/bin/app"),
])
def test_a_relative_destdir_is_under_the_build_directory(knowledge, build, copy):
    """`make install DESTDIR=stage` in build/ runs `cmake -P cmake_install.cmake` there, which prepends "stage" to
    the absolute install path: the program lands in build/stage/PREFIX/bin, not in /stage/PREFIX/bin."""
    [msg] = mi401(knowledge, BUILD.format(build=build, copy=copy))
    assert msg.startswith("the C program /app is linked dynamically against glibc (cmake links dynamically")
    wrong = copy.replace("/src/build/stage", "/stage").replace("/src/pkg", "/pkg")
    assert mi401(knowledge, BUILD.format(build=build, copy=wrong)) == []
