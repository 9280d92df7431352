"""MI403 (kb/lint/checks.py check_cxx_libs, kb/lint/cxxlink.py have_cxx_runtime): a package the final stage installs
that is itself a C++ program (nodejs, cmake, clang, ccache) depends on libstdc++ and libgcc, so the image has
libstdc++.so.6 and libgcc_s.so.1 and a C++ program copied in runs. The packages are the `runtime` of the two
libraries in knowledge/releases.yaml (apt-cache depends nodejs cmake clang-14 ccache, Debian 12)."""
from __future__ import annotations

import pytest

from kb.lint import lint_text
from kb.lint.cxxlink import have_cxx_runtime
from kb.lint.profiles import Profile
from kb.lint.runtime import libraries

BUILD = ("FROM alpine:3.20 AS build\nRUN apk add --no-cache build-base\nCOPY server.cpp .\n"
         "RUN g++ -O2 -o /server server.cpp\nFROM alpine:3.20\n")


def mi403(knowledge, run: str):
    text = BUILD + f"{run}\nCOPY --from=build /server /usr/local/bin/server\nCMD [\"server\"]\n"
    return [(f.line, f.message) for f in lint_text(knowledge, text) if f.rule == "MI403"]


@pytest.mark.parametrize("pkg", ["nodejs", "nodejs-current", "npm", "cmake", "clang", "clang17", "clang-libs",
                                 "ccache"])
def test_a_cxx_program_package_on_alpine_brings_both_libraries(knowledge, pkg):
    assert mi403(knowledge, f"RUN apk add --no-cache {pkg}") == []


def test_a_package_that_is_no_cxx_program_still_leaves_them_out(knowledge):
    [(line, msg)] = mi403(knowledge, "RUN apk add --no-cache curl")
    assert line == 7
    assert msg.startswith("the C++ program /usr/local/bin/server needs libstdc++.so.6 and libgcc_s.so.1")
    assert "which alpine:3.20 does not have" in msg


def test_a_package_deleted_again_brings_nothing(knowledge):
    [(line, _msg)] = mi403(knowledge, "RUN apk add --no-cache --virtual .t cmake && apk del .t")
    assert line == 7


@pytest.mark.parametrize("pkg", ["nodejs", "libnode108", "npm", "cmake", "clang-14", "clang", "ccache"])
def test_debian_packages_written_in_cxx_give_both_libraries(knowledge, pkg):
    prof = Profile("some-glibc-image", known=True, libc="glibc", libstdcxx=False, libgcc_s=False, installed={pkg})
    assert have_cxx_runtime(prof, libraries(knowledge)) == {"libstdc++.so.6": True, "libgcc_s.so.1": True}


def test_gcc_alone_gives_libgcc_s_but_not_libstdcxx(knowledge):
    prof = Profile("some-glibc-image", known=True, libc="glibc", libstdcxx=False, libgcc_s=False, installed={"gcc"})
    assert have_cxx_runtime(prof, libraries(knowledge)) == {"libstdc++.so.6": False, "libgcc_s.so.1": True}
