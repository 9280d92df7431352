"""MI403 for C++ extension modules pip compiles on musl (kb/lint/pycxx.py): a release without a musllinux wheel
for the stage's Python is built from source and links the system's libstdc++ and libgcc_s, which the final image
must have; a wheel bundles its own. Which releases compile C++ (`cxx_versions`) also decides MI408's "no C++
compiler". Each test is a small Dockerfile of our own with its requirements file."""
from __future__ import annotations

import pytest

from tests.lint.context_files import findings_of, write_context

TWO_STAGES = ("FROM python:{py}-alpine AS build\nRUN apk add --no-cache build-base linux-headers\n"
              "COPY requirements.txt .\nRUN pip install --prefix /install -r requirements.txt\n"
              "FROM python:{py}-alpine\n{final}COPY --from=build /install /usr/local\nCMD [\"python\", \"-m\", \"app\"]\n")


def mi403(knowledge, tmp_path, requirement: str, py: str = "3.8", final: str = "") -> list:
    context = write_context(tmp_path, {"requirements.txt": requirement + "\n"})
    return findings_of(knowledge, TWO_STAGES.format(py=py, final=final), "MI403", context)


@pytest.mark.parametrize("requirement", ["grpcio==1.30.0", "kiwisolver==1.3.1", "grpcio>=1.20,<1.40"])
def test_a_cxx_source_build_copied_to_a_final_stage_without_libstdcxx(knowledge, tmp_path, requirement):
    [f] = mi403(knowledge, tmp_path, requirement)
    assert f.line == 6 and f.severity == "error"
    assert f.message.startswith(f"what pip compiled in python:3.8-alpine ({requirement.split('=')[0].split('>')[0]}")
    assert "needs libstdc++.so.6 and libgcc_s.so.1" in f.message and "which python:3.8-alpine does not have" in f.message
    assert f.fix.startswith("apk add libstdc++ in the final image by name")


def test_the_package_a_requirement_brings_is_named_with_how(knowledge, tmp_path):
    [f] = mi403(knowledge, tmp_path, "grpcio==1.30.0\nflask==1.1.2")
    assert "(grpcio 1.30.0)" in f.message


@pytest.mark.parametrize("requirement", [
    "grpcio==1.60.0",  # a musllinux wheel: it bundles libstdc++ in grpcio.libs
    "greenlet==1.0.0",  # C before 2.0.0 (cxx_versions)
    "brotli==1.0.9",  # not a package lint knows to link libstdc++
    "numpy==1.24.4",  # C++ in its build, but no libstdc++ named among its libraries
])
def test_no_source_build_of_cxx_is_quiet(knowledge, tmp_path, requirement):
    assert mi403(knowledge, tmp_path, requirement) == []


def test_the_final_stage_that_installs_libstdcxx_is_quiet(knowledge, tmp_path):
    assert mi403(knowledge, tmp_path, "grpcio==1.30.0", final="RUN apk add --no-cache libstdc++\n") == []


def test_an_unpinned_release_depends_on_what_pip_gets_for_that_python(knowledge, tmp_path):
    """On 3.7 an unpinned pip gets grpcio 1.62.3, with a cp37 musllinux wheel; on 3.6 1.48.2, whose wheel the
    last 3.6 images' pip cannot take (musl_python)."""
    assert mi403(knowledge, tmp_path, "grpcio", py="3.7") == []
    [f] = mi403(knowledge, tmp_path, "grpcio", py="3.6")
    assert "(grpcio)" in f.message


def test_apk_del_of_the_build_packages_takes_libstdcxx_with_gxx(knowledge):
    text = ("FROM python:3.8-alpine\nRUN apk add --no-cache --virtual .build-deps build-base \\\n"
            "    && pip install --no-cache-dir grpcio==1.38.0 \\\n    && apk del .build-deps\n")
    [f] = findings_of(knowledge, text, "MI403")
    assert f.line == 2
    kept = text.replace("RUN apk add", "RUN apk add --no-cache libstdc++ && apk add")
    assert findings_of(knowledge, kept, "MI403") == []


def test_a_glibc_final_image_has_libstdcxx(knowledge, tmp_path):
    context = write_context(tmp_path, {"requirements.txt": "grpcio==1.30.0\n"})
    text = TWO_STAGES.format(py="3.8", final="").replace("FROM python:3.8-alpine\n", "FROM python:3.8-slim\n")
    assert findings_of(knowledge, text, "MI403", context) == []


def test_mi408_names_no_missing_cxx_compiler_for_a_c_release(knowledge, tmp_path):
    """gcc and musl-dev without g++: greenlet 1.0.0 is C and builds; unpinned on 3.6, pip gets 2.0.2, C++."""
    text = ("FROM python:3.6-alpine\nRUN apk add --no-cache gcc musl-dev\nCOPY requirements.txt .\n"
            "RUN pip install -r requirements.txt\n")
    assert findings_of(knowledge, text, "MI408", write_context(tmp_path, {"requirements.txt": "greenlet==1.0.0\n"})) == []
    [f] = findings_of(knowledge, text, "MI408", write_context(tmp_path, {"requirements.txt": "greenlet\n"}))
    assert "no C++ compiler" in f.message
