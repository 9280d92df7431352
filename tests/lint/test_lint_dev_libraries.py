"""MI412 for the libraries C/C++ builds link (issue 9): Alpine's -dev names, the package to install in the final
image per distribution, libpython of programs that embed Python, and COPYs in the stage the final stage is built
FROM."""
from __future__ import annotations

import pytest

from kb.lint.pyembed import _RUN, _cmake_link

from tests.bounded import within
from tests.lint.context_files import lint_with_files

CMAKE_BUILD = "COPY . /src\nRUN cmake -S /src -B /out && cmake --build /out\n"
EMBED = ("project(app CXX)\nfind_package(Python COMPONENTS Development)\nadd_executable(app main.cpp)\n"
         "target_link_libraries(app PRIVATE ${Python_LIBRARIES})\n")


def mi412(knowledge, text, files=None, tmp_path=None):
    return [f for f in lint_with_files(knowledge, text, files, tmp_path) if f.rule == "MI412"]


def alpine(final_packages: str, derived: bool = False) -> str:
    text = ("FROM alpine:3.21 AS build\nRUN apk add --no-cache g++ cmake make jsoncpp-dev fmt-dev\n" + CMAKE_BUILD +
            f"FROM alpine:3.21 AS base\nRUN apk add --no-cache {final_packages}\nCOPY --from=build /out/app /usr/bin/app\n")
    return text + ("FROM base AS default\n" if derived else "") + 'CMD ["app"]\n'


@pytest.mark.parametrize("derived", [False, True])
def test_an_alpine_dev_package_names_its_library_and_the_package_to_add(knowledge, derived):
    """gerbera/gerbera#3432: jsoncpp-dev in the build stage, no jsoncpp in the final one (whose COPY may sit in the
    stage the last one is built FROM)."""
    [f] = mi412(knowledge, alpine("fmt", derived))
    assert (f.line, f.severity) == (7, "warning")
    assert "lacks libjsoncpp (jsoncpp-dev installed there)" in f.message
    assert "libfmt" not in f.message  # fmt ships it
    assert f.fix.startswith("apk add the run-time packages in the final stage: apk add --no-cache jsoncpp;")
    assert mi412(knowledge, alpine("fmt jsoncpp", derived)) == []


def test_alpine_libraries_whose_package_is_not_named_after_them(knowledge):
    """file-dev links libmagic, shipped by libmagic (or file, which depends on it); icu-dev's are icu-libs."""
    text = ("FROM alpine:3.21 AS build\nRUN apk add --no-cache g++ cmake make file-dev icu-dev\n" + CMAKE_BUILD +
            "FROM alpine:3.21\nRUN apk add --no-cache {}\nCOPY --from=build /out/app /app\n")
    [f] = mi412(knowledge, text.format("tzdata"))
    assert "libmagic (file-dev installed there)" in f.message and "libicuuc (icu-dev installed there)" in f.message
    assert "apk add --no-cache libmagic icu-libs;" in f.fix
    assert mi412(knowledge, text.format("file icu-libs")) == []


def test_the_debian_package_is_named_for_the_final_images_release(knowledge):
    text = ("FROM debian:{r} AS build\nRUN apt-get update && apt-get install -y g++ cmake libjsoncpp-dev\n" +
            CMAKE_BUILD + "FROM debian:{r}-slim\nCOPY --from=build /out/app /app\n")
    [f] = mi412(knowledge, text.format(r="bookworm"))
    assert "apt-get install --no-install-recommends libjsoncpp25;" in f.fix
    [f] = mi412(knowledge, text.format(r="bullseye"))  # another soname there: how to find it, not Debian 12's name
    assert "the libjsoncpp<soversion> package of libjsoncpp-dev (libjsoncpp25 on debian12)" in f.fix
    assert "`apt-cache depends` on the -dev package names it" in f.fix


def embed(final: str, install: str = "python3", build: str = "ubuntu:20.04") -> str:
    return (f"FROM {build} AS build\nRUN apt-get update && apt-get install -y g++ cmake python3-dev\n" + CMAKE_BUILD +
            f"FROM {final}\nRUN apt-get update && apt-get install -y {install}\nCOPY --from=build /out/app /app\n"
            'CMD ["/app"]\n')


def test_a_program_that_embeds_python_needs_libpython_which_debians_python3_lacks(knowledge, tmp_path):
    """machinezone/cobra#20: cobra_cli links ${Python_LIBRARIES}; ubuntu:focal's python3 has no libpython3.8."""
    [f] = mi412(knowledge, embed("ubuntu:20.04"), {"CMakeLists.txt": EMBED}, tmp_path)
    assert (f.line, f.severity) == (7, "warning")
    assert ("lacks libpython (libpython3.8.so.1.0: target_link_libraries(app ... ${Python_LIBRARIES}) in "
            "CMakeLists.txt)") in f.message
    assert 'expect "error while loading shared libraries: libpython3.8.so...' in f.message
    assert "apt-get install --no-install-recommends libpython3.8;" in f.fix


@pytest.mark.parametrize("final, install", [
    ("ubuntu:20.04", "libpython3.8"), ("ubuntu:20.04", "python3-dev"), ("ubuntu:20.04", "python3.8-dev"),
])
def test_libpython_installed_in_the_final_image_is_enough(knowledge, tmp_path, final, install):
    assert mi412(knowledge, embed(final, install), {"CMakeLists.txt": EMBED}, tmp_path) == []


def test_the_official_python_images_ship_libpython(knowledge, tmp_path):
    text = ("FROM python:3.12 AS build\nRUN apt-get update && apt-get install -y cmake\n" + CMAKE_BUILD +
            "FROM python:3.12-slim\nCOPY --from=build /out/app /app\n")
    assert mi412(knowledge, text, {"CMakeLists.txt": EMBED}, tmp_path) == []


def test_alpines_python3_ships_libpython(knowledge, tmp_path):
    text = ("FROM alpine:3.21 AS build\nRUN apk add --no-cache g++ cmake make python3-dev\n" + CMAKE_BUILD +
            "FROM alpine:3.21\nRUN apk add --no-cache {}\nCOPY --from=build /out/app /app\n")
    assert mi412(knowledge, text.format("python3 libstdc++"), {"CMakeLists.txt": EMBED}, tmp_path) == []
    [f] = mi412(knowledge, text.format("libstdc++"), {"CMakeLists.txt": EMBED}, tmp_path)
    assert "libpython" in f.message and "apk add --no-cache python3;" in f.fix


def test_an_extension_module_leaves_libpython_to_the_interpreter(knowledge, tmp_path):
    module = ("project(ext CXX)\nfind_package(Python COMPONENTS Development.Module)\nadd_library(ext MODULE ext.cpp)\n"
              "target_link_libraries(ext PRIVATE Python::Module)\n")
    assert mi412(knowledge, embed("ubuntu:20.04"), {"CMakeLists.txt": module}, tmp_path) == []
    assert mi412(knowledge, embed("ubuntu:20.04")) == []  # python3-dev alone is headers: no evidence of embedding


@pytest.mark.parametrize("build", [
    "RUN g++ -o /app main.cpp $(python3-config --cflags --ldflags --embed)\n",
    "RUN g++ -o /app main.cpp -lpython3.11\n",
    "RUN g++ -o /app main.cpp $(pkg-config --libs python3-embed)\n",
])
def test_a_hand_written_link_of_libpython(knowledge, build):
    text = ("FROM debian:bookworm AS build\nRUN apt-get update && apt-get install -y g++ python3-dev\n" + build +
            "FROM debian:bookworm-slim\nRUN apt-get update && apt-get install -y python3\nCOPY --from=build /app /app\n")
    [f] = mi412(knowledge, text)
    assert "libpython3.11.so.1.0" in f.message and "libpython3.11;" in f.fix
    assert mi412(knowledge, text.replace("install -y python3\n", "install -y python3 libpython3.11\n")) == []


def test_meson_embed_dependency(knowledge, tmp_path):
    text = ("FROM debian:bookworm AS build\nRUN apt-get update && apt-get install -y g++ meson ninja-build python3-dev\n"
            "COPY . /src\nRUN meson setup /b /src && ninja -C /b\nFROM debian:bookworm-slim\nCOPY --from=build /b/app /app\n")
    files = {"meson.build": "project('app', 'cpp')\nexecutable('app', 'main.cpp', dependency('python3-embed'))\n"}
    [f] = mi412(knowledge, text, files, tmp_path)
    assert "dependency('python3-embed' in meson.build" in f.message


def test_the_embedding_readers_are_linear():
    """Hostile text: many unclosed calls, a long run of `-config` without --embed."""
    with within():
        assert _cmake_link("target_link_libraries(" * 50_000) is None
        assert _cmake_link("target_link_libraries(a b)" * 50_000 + "target_link_libraries(a Python3::Python)")
        assert _RUN.search("python3-config " * 50_000) is None
        assert _RUN.search("-lpython3." * 50_000 + "x") is None


def test_what_the_build_file_shows_of_a_link_is_named_first(knowledge, tmp_path):
    """jsoncpp-dev and fmt-dev installed; CMakeLists.txt asks for jsoncpp only (and LibMagic, file-dev's, by the
    `find` name of knowledge/native-libraries.yaml): those links are named with their evidence, before the rest."""
    text = ("FROM alpine:3.21 AS build\nRUN apk add --no-cache g++ cmake make fmt-dev jsoncpp-dev file-dev\n" +
            CMAKE_BUILD + "FROM alpine:3.21\nCOPY --from=build /out/app /app\n")
    cmake = ("project(app CXX)\nfind_package(LibMagic REQUIRED)\nfind_package(PkgConfig)\n"
             "pkg_check_modules(JSON REQUIRED IMPORTED_TARGET jsoncpp>=1.9)\nadd_executable(app main.cpp)\n")
    [f] = mi412(knowledge, text, {"CMakeLists.txt": cmake}, tmp_path)
    assert ("lacks libmagic (file-dev installed there; find_package(LibMagic REQUIRED) in CMakeLists.txt), "
            "libjsoncpp (jsoncpp-dev installed there; pkg_check_modules(JSON REQUIRED IMPORTED_TARGET) in "
            "CMakeLists.txt), libfmt (fmt-dev installed there), which") in f.message
    # an Alpine final image: musl's loader's words
    assert 'expect "Error loading shared library libmagic.so...: No such file or directory"' in f.message


def test_a_link_flag_is_evidence(knowledge):
    text = ("FROM debian:bookworm AS build\nRUN apt-get update && apt-get install -y g++ libjsoncpp-dev libfmt-dev\n"
            "RUN g++ -o /app main.cpp -ljsoncpp\nFROM debian:bookworm-slim\nCOPY --from=build /app /app\n")
    [f] = mi412(knowledge, text)
    assert "libjsoncpp (libjsoncpp-dev installed there; -ljsoncpp at line 3), libfmt (libfmt-dev installed there)" \
        in f.message


def test_the_evidence_readers_are_linear():
    from kb.lint.linkevidence import _LFLAG, cmake_names

    with within():
        assert cmake_names("find_package(" * 50_000) == {}
        assert len(cmake_names("pkg_check_modules(X a)" * 50_000)) == 1
        assert _LFLAG.search("-l-" * 50_000) is None


def test_header_only_cxx_libraries_need_nothing_at_run_time(knowledge):
    """libcli11-dev, libcxxopts-dev ... hold headers only: Debian's naming (libfoo-dev links libfoo) does not apply."""
    text = ("FROM debian:bookworm AS build\nRUN apt-get update && apt-get install -y g++ cmake {}\n" + CMAKE_BUILD +
            "FROM debian:bookworm-slim\nCOPY --from=build /out/app /app\n")
    assert mi412(knowledge, text.format("libcli11-dev libcxxopts-dev libmsgpack-cxx-dev libwebsocketpp-dev")) == []
    [f] = mi412(knowledge, text.format("libcli11-dev libyaml-cpp-dev"))  # a compiled library beside one still counts
    assert "lacks libyaml-cpp (libyaml-cpp-dev installed there)" in f.message and "libcli" not in f.message
    assert "libyaml-cpp0.7;" in f.fix


def test_libpython_of_a_python_image_is_its_tags(knowledge, tmp_path):
    """python:3.12-bookworm builds against its own /usr/local Python 3.12, not Debian 12's 3.11."""
    text = ("FROM python:3.12-bookworm AS build\nRUN apt-get update && apt-get install -y cmake\n" + CMAKE_BUILD +
            "FROM debian:bookworm-slim\nRUN apt-get update && apt-get install -y python3\nCOPY --from=build /out/app /app\n")
    [f] = mi412(knowledge, text, {"CMakeLists.txt": EMBED}, tmp_path)
    assert "libpython (libpython3.12.so.1.0: target_link_libraries" in f.message
    assert f.fix.startswith("install the run-time packages in the final stage: no package of debian12 has "
                            "libpython3.12 (its Python is 3.11): start the final stage from python:3.12-slim")
    assert mi412(knowledge, text.replace("debian:bookworm-slim", "python:3.12-slim"), {"CMakeLists.txt": EMBED},
                 tmp_path) == []
    [f] = mi412(knowledge, text.replace("python:3.12-bookworm", "python:3-bookworm"), {"CMakeLists.txt": EMBED},
                tmp_path)  # which Python python:3 has is not in its tag: no package is named for it
    assert "libpython3.X.so.1.0" in f.message
    assert "the libpython3.X of the Python the build stage links (its image does not say which)" in f.fix


def test_a_meson_dependency_is_evidence(knowledge, tmp_path):
    text = ("FROM debian:bookworm AS build\nRUN apt-get update && apt-get install -y g++ meson ninja-build "
            "libjsoncpp-dev libfmt-dev\nCOPY . /src\nRUN meson setup /b /src && ninja -C /b\n"
            "FROM debian:bookworm-slim\nCOPY --from=build /b/app /app\n")
    files = {"meson.build": "project('app', 'cpp')\nexecutable('app', 'main.cpp', dependencies: [dependency('jsoncpp')])\n"}
    [f] = mi412(knowledge, text, files, tmp_path)
    assert "lacks libjsoncpp (libjsoncpp-dev installed there; dependency('jsoncpp') in meson.build), libfmt (" in f.message
