"""A project built from its source archive that links the compiler's OpenMP run-time by default (vid.stab: its CMake
option USE_OMP is ON), and an `ldd PROG | grep DIR | ... cp` pipeline that gathers only the libraries under DIR:
the final image still needs libgomp (jrottenberg/ffmpeg#56, MI412)."""
from __future__ import annotations

import pytest

from kb.lint import lint_text
from kb.lint.ggmlclone import _off, _source_project
from kb.lint.moves import _selects

from tests.bounded import within

BUILD = """FROM ubuntu:16.04 AS build
RUN apt-get update && apt-get install -y curl cmake make gcc g++
RUN DIR=/tmp/vid.stab && mkdir -p ${{DIR}} && cd ${{DIR}} \\
 && curl -sL https://github.com/georgmartius/vid.stab/archive/v1.1.0.tar.gz | tar -zx --strip-components=1 \\
 && cmake {cmake}-DCMAKE_INSTALL_PREFIX=/opt/app . && make && make install
COPY app.c /src/app.c
RUN gcc -o /opt/app/bin/app /src/app.c -L/opt/app/lib -lvidstab \\
 && ldd /opt/app/bin/app | {grep} | cut -d ' ' -f 3 | xargs -i cp {{}} /usr/local/lib/ \\
 && cp /opt/app/bin/app /usr/local/bin/
FROM ubuntu:16.04
ENV LD_LIBRARY_PATH=/usr/local/lib
COPY --from=build /usr/local /usr/local/
CMD ["app"]
"""


def mi412(knowledge, cmake: str = "", grep: str = "grep opt/app") -> list[str]:
    text = BUILD.format(cmake=cmake, grep=grep)
    return [f.message for f in lint_text(knowledge, text, context_dir=None) if f.rule == "MI412"]


def test_vid_stab_links_libgomp_which_a_filtered_ldd_bundle_leaves_behind(knowledge):
    [message] = mi412(knowledge)
    assert message.startswith("ubuntu:16.04 lacks libgomp (GCC's OpenMP run-time: vid.stab, built at line 3, links it "
                              "by its default USE_OMP=ON)")


@pytest.mark.parametrize("cmake", ["-DUSE_OMP=OFF ", "-DUSE_OMP:BOOL=OFF ", "-DUSE_OMP=0 "])
def test_openmp_turned_off_links_nothing(knowledge, cmake):
    assert mi412(knowledge, cmake=cmake) == []


def test_an_unfiltered_ldd_bundle_brings_every_library(knowledge):
    assert mi412(knowledge, grep="grep =>") == []


@pytest.mark.parametrize("argv,selects", [
    (["grep", "opt/ffmpeg"], True), (["grep", "-E", "libfoo|libbar"], True),
    (["grep", "^/"], False), (["grep", "=>"], False), (["grep", "-v", "opt/ffmpeg"], False),
    (["cut", "-d", " ", "-f", "3"], False),
])
def test_which_greps_keep_only_some_libraries(argv, selects):
    assert _selects(argv) is selects


@pytest.mark.parametrize("text,found", [
    ("DIR=/tmp/vid.stab && cd $DIR", "vid.stab"),
    ("curl -sLO https://github.com/georgmartius/vid.stab/archive/v1.1.0.tar.gz", "vid.stab"),
    ("tar xzf vid.stab-1.1.0.tar.gz && cd vid.stab-1.1.0", "vid.stab"),
    ("cd /tmp/vid.stabilizer", None),
])
def test_the_project_is_known_by_a_path_component(text, found):
    hit = _source_project(text)
    assert (hit[0] if hit else None) == found


def test_reading_is_linear_on_hostile_text():
    text = "-DUSE_OMP " * 100_000 + "a/" * 100_000
    with within():
        assert not _off("USE_OMP", text) and _source_project(text) is None
