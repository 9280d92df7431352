"""MI412 for the Boost libraries a cmake build links, by component (kb/lint/boostlibs.py)."""
from __future__ import annotations

import pytest

from kb.evidence.dockerfile_parse import parse_dockerfile_text
from kb.lint import lint_report

ALPINE = ("FROM alpine:3.19 AS build\nRUN apk add --no-cache build-base cmake boost-dev\nCOPY . /src\nWORKDIR /src\n"
          "RUN cmake -B build && cmake --build build\nFROM alpine:3.19\n{final}"
          "COPY --from=build /src/build/app /bin/app\nENTRYPOINT [\"/bin/app\"]\n")
DEBIAN = ("FROM debian:bookworm AS build\nRUN apt-get update && apt-get install -y g++ cmake {dev}\nCOPY . /src\n"
          "WORKDIR /src\nRUN cmake -B build && cmake --build build\nFROM debian:bookworm-slim\n{final}"
          "COPY --from=build /src/build/app /usr/local/bin/app\nCMD [\"app\"]\n")
CMAKE = ("cmake_minimum_required(VERSION 3.16)\nproject(app CXX)\nset(BOOST_COMPONENTS system iostreams)\n"
         "if (HTTP)\n    list(APPEND BOOST_COMPONENTS json)\nendif ()\nif (BUILD_TESTING)\n"
         "    list(APPEND BOOST_COMPONENTS unit_test_framework)\nendif ()\n"
         "find_package(Boost 1.75.0 REQUIRED COMPONENTS ${BOOST_COMPONENTS})\nadd_executable(app main.cpp)\n"
         "target_link_libraries(app PRIVATE Boost::iostreams {extra})\n")


def mi412(knowledge, tmp_path, dockerfile: str, cmake: str = CMAKE, extra: str = "") -> list:
    (tmp_path / "CMakeLists.txt").write_text(cmake.replace("{extra}", extra))
    report = lint_report(knowledge, parse_dockerfile_text(dockerfile, "Dockerfile"), context_dir=str(tmp_path))
    return [f for f in report if f.rule == "MI412"]


def test_a_component_the_final_alpine_image_lacks_is_named_with_its_package(knowledge, tmp_path):
    final = "RUN apk add --no-cache boost-iostreams boost-system libstdc++\n"
    [finding] = mi412(knowledge, tmp_path, ALPINE.format(final=final))
    assert finding.severity == "warning"
    assert "alpine:3.19 lacks libboost-json (libboost_json.so: find_package(Boost COMPONENTS system iostreams json " \
           "unit_test_framework) in CMakeLists.txt, boost-dev installed there)" in finding.message
    assert "libboost_json.so..." in finding.message  # as the loader names it
    assert "unit" not in finding.fix and "boost-system" not in finding.fix  # Boost.Test, System: header-only
    assert "apk add --no-cache boost-json;" in finding.fix


@pytest.mark.parametrize("final", ["boost-iostreams boost-json", "boost1.82-iostreams boost1.82-json", "boost-libs",
                                   "boost", "boost1.82-libs"])
def test_final_images_with_every_linked_component_pass(knowledge, tmp_path, final):
    assert mi412(knowledge, tmp_path, ALPINE.format(final=f"RUN apk add --no-cache libstdc++ {final}\n")) == []


def test_a_boost_target_names_its_component(knowledge, tmp_path):
    final = "RUN apk add --no-cache boost-iostreams boost-json\n"
    [finding] = mi412(knowledge, tmp_path, ALPINE.format(final=final), extra="Boost::filesystem")
    assert "lacks libboost-filesystem (libboost_filesystem.so: Boost::filesystem in CMakeLists.txt" in finding.message
    assert "boost-filesystem" in finding.fix


def test_static_boost_and_header_only_components_need_nothing(knowledge, tmp_path):
    static = "set(Boost_USE_STATIC_LIBS ON)\n" + CMAKE
    assert mi412(knowledge, tmp_path, ALPINE.format(final=""), cmake=static) == []
    system_only = CMAKE.replace("iostreams", "system").replace("json", "system").replace("Boost::system", "")
    assert mi412(knowledge, tmp_path, ALPINE.format(final="RUN apk add --no-cache libstdc++\n"), cmake=system_only) == []


@pytest.mark.parametrize("line", ["set(Boost_USE_STATIC_LIBS TRUE)", 'option(Boost_USE_STATIC_LIBS "static" ON)'])
def test_the_static_variable_in_other_spellings(knowledge, tmp_path, line):
    assert mi412(knowledge, tmp_path, ALPINE.format(final=""), cmake=f"{line}\n" + CMAKE) == []


def test_a_global_property_of_the_static_name_is_not_the_variable(knowledge, tmp_path):
    """set_property(GLOBAL PROPERTY Boost_USE_STATIC_LIBS ON) sets no variable: FindBoost links the shared
    libraries (aws-samples/aws-iot-securetunneling-localproxy#62: libboost_program_options.so.1.76.0 missing)."""
    prop = "set_property(GLOBAL PROPERTY Boost_USE_STATIC_LIBS ON)\n" + CMAKE
    [finding] = mi412(knowledge, tmp_path, ALPINE.format(final="RUN apk add --no-cache boost-iostreams\n"), cmake=prop)
    assert "lacks libboost-json" in finding.message


def test_boost_built_with_static_libraries_only_links_none(knowledge, tmp_path):
    """./b2 install link=static (the localproxy fix) leaves no shared Boost library to link."""
    b2 = ("RUN wget -q https://example.org/boost_1_76_0.tar.gz && tar xzf boost_1_76_0.tar.gz && cd boost_1_76_0 "
          "&& ./bootstrap.sh && ./b2 install link=static\n")
    text = ALPINE.format(final="").replace("COPY . /src\n", b2 + "COPY . /src\n")
    assert mi412(knowledge, tmp_path, text) == []
    assert mi412(knowledge, tmp_path, text.replace(" link=static", "")) != []


def test_debian_component_packages(knowledge, tmp_path):
    dev = "libboost-iostreams1.81-dev libboost-json1.81-dev"
    [finding] = mi412(knowledge, tmp_path, DEBIAN.format(dev=dev, final=""))
    assert "debian:bookworm-slim lacks libboost-iostreams" in finding.message and "libboost-json" in finding.message
    assert "libboost-json1.81.0 with Debian 12's libboost-json1.81-dev" in finding.fix
    final = "RUN apt-get update && apt-get install -y libboost-iostreams1.81.0 libboost-json1.81.0\n"
    assert mi412(knowledge, tmp_path, DEBIAN.format(dev=dev, final=final)) == []


def test_components_reads_hostile_text_in_linear_time():
    import time

    from kb.lint.boostlibs import components

    for text in ("set(" * 50000 + ")", "Boost::" * 50000, "find_package(Boost COMPONENTS ${X} " * 20000,
                 "list(APPEND X " + "json " * 100000 + ")\n" + "find_package(Boost COMPONENTS ${X})\n" * 20000):
        start = time.perf_counter()
        components(text)
        assert time.perf_counter() - start < 1.0


HDF5 = ("FROM alpine:3.20 AS dev\nRUN apk add --no-cache g++ make cmake boost-dev hdf5-dev\nCOPY . /src\n"
        "RUN cd /src && cmake -B build && cmake --build build\nFROM alpine:3.20\n"
        "RUN apk add --no-cache libstdc++ {final}\nCOPY --from=dev /src/build/cvtree /usr/local/bin/cvtree\n")
HDF5_CMAKE = ("cmake_minimum_required(VERSION 3.16)\nproject(cvtree CXX)\nfind_library(HDF5_LIBRARY hdf5)\n"
              "find_library(HDF5_CXX_LIBRARY NAMES hdf5_cpp PATHS /usr/lib)\nadd_subdirectory(kit)\n"
              "add_executable(cvtree main.cpp)\ntarget_link_libraries(cvtree ${HDF5_LIBRARY} ${HDF5_CXX_LIBRARY})\n")


def cvtree(knowledge, tmp_path, final: str, kit: str | None = "add_library(kit STATIC kit.cpp)\n") -> list:
    if kit is not None:
        (tmp_path / "kit").mkdir(exist_ok=True)
        (tmp_path / "kit" / "CMakeLists.txt").write_text(kit)
    return mi412(knowledge, tmp_path, HDF5.format(final=final), cmake=HDF5_CMAKE)


def test_a_library_find_library_names_is_linked_and_boost_headers_are_not(knowledge, tmp_path):
    """ghzuo/CVTree#10 (heldout25): find_library(... hdf5_cpp) links HDF5's C++ library, which Alpine's hdf5 lacks
    (hdf5-cpp has it); boost-dev serves headers only when no CMakeLists.txt of the project names Boost."""
    [f] = cvtree(knowledge, tmp_path, "hdf5")
    assert "alpine:3.20 lacks libhdf5-cpp (find_library(HDF5_CXX_LIBRARY hdf5_cpp) in CMakeLists.txt)" in f.message
    assert "libboost" not in f.message
    assert cvtree(knowledge, tmp_path, "hdf5 hdf5-cpp") == [] and cvtree(knowledge, tmp_path, "hdf5-dev") == []


@pytest.mark.parametrize("kit", ["find_package(Boost REQUIRED COMPONENTS filesystem)\n", None])
def test_boost_stays_needed_where_a_subdirectory_names_it_or_cannot_be_read(knowledge, tmp_path, kit):
    [f] = cvtree(knowledge, tmp_path, "hdf5 hdf5-cpp", kit=kit)
    assert "lacks libboost" in f.message


@pytest.mark.parametrize("shim", ["libc6-compat", "gcompat"])
def test_a_glibc_loader_shim_in_the_build_stage_is_no_library_to_ask_for(knowledge, tmp_path, shim):
    """opengovsg/isomer (heldout26): Next.js's Dockerfile installs libc6-compat in its builder stages; the final
    node:alpine stage without it is no MI412 (it was 'lacks libc6-compat')."""
    text = (f"FROM node:22-alpine AS build\nRUN apk add --no-cache {shim} g++ make\nWORKDIR /app\nCOPY . .\n"
            "RUN npm ci && npm run build\nFROM node:22-alpine\nCOPY --from=build /app/.next/standalone ./\n"
            "CMD [\"node\", \"server.js\"]\n")
    assert mi412(knowledge, tmp_path, text, cmake="") == []
