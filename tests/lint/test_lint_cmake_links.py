"""MI412 from what CMakeLists.txt links by name (target_link_libraries(app ... resolv)), as a -l flag would, and a
scratch image into which the Dockerfile copies the glibc loader and libraries one by one (FlashMQ, heldout6: its
program linked libresolv.so.2, which the image did not get)."""
from __future__ import annotations

import pytest

from tests.lint.context_files import lint_with_files

LISTS = ("cmake_minimum_required(VERSION 3.16)\nproject(app LANGUAGES CXX)\n{extra}add_executable(app main.cpp)\n"
         "target_link_libraries(app {links})\n")
LIBS = ["/lib/x86_64-linux-gnu/libc.so.6", "/lib/x86_64-linux-gnu/libm.so.6", "/lib/x86_64-linux-gnu/libpthread.so.0",
        "/usr/lib/x86_64-linux-gnu/libstdc++.so.6", "/lib/x86_64-linux-gnu/libgcc_s.so.1",
        "/lib64/ld-linux-x86-64.so.2"]


def dockerfile(final: str = "scratch", copies: list[str] = LIBS) -> str:
    libs = "".join(f"COPY --from=build {p} {p}\n" for p in copies) if final == "scratch" else ""
    return ("FROM debian:bookworm-slim AS build\nRUN apt-get update && apt-get install -y g++ make cmake\n"
            "WORKDIR /src\nCOPY . .\nRUN cmake -S . -B out && cmake --build out\n"
            f"FROM {final}\n{libs}COPY --from=build /src/out/app /bin/app\nCMD [\"/bin/app\"]\n")


def mi412(knowledge, text, lists, tmp_path):
    return [f.message for f in lint_with_files(knowledge, text, {"CMakeLists.txt": lists}, tmp_path)
            if f.rule == "MI412"]


def test_a_library_the_target_links_and_the_assembled_image_lacks_is_named(knowledge, tmp_path):
    [msg] = mi412(knowledge, dockerfile(), LISTS.format(extra="", links="PRIVATE pthread resolv"), tmp_path)
    assert msg.startswith("scratch lacks libresolv (target_link_libraries(app ... resolv) in CMakeLists.txt)")
    copied = dockerfile(copies=[*LIBS, "/lib/x86_64-linux-gnu/libresolv.so.2"])
    assert mi412(knowledge, copied, LISTS.format(extra="", links="PRIVATE pthread resolv"), tmp_path) == []


def test_the_c_librarys_own_parts_are_in_every_glibc_image(knowledge, tmp_path):
    lists = LISTS.format(extra="", links="pthread dl -lresolv rt m")
    assert mi412(knowledge, dockerfile("debian:bookworm-slim"), lists, tmp_path) == []


@pytest.mark.parametrize("extra, links", [
    ("add_library(resolv STATIC r.cpp)\n", "resolv"),  # a target of the project, not the system's libresolv
    ("add_subdirectory(vendor/mqtt)\n", "mqttcore"),  # a target defined elsewhere: no library lint knows
    ("", "${EXTRA_LIBS} Threads::Threads /opt/x/libfoo.so"),  # variables, imported targets, paths
])
def test_names_that_are_not_known_system_libraries_are_no_need(knowledge, tmp_path, extra, links):
    assert mi412(knowledge, dockerfile(), LISTS.format(extra=extra, links=links), tmp_path) == []

