"""What the held-out batch 39 (tests/lint/realworld, heldout39-2026-12-03) showed lint missing, as mechanisms
(issue 9): EL9's OpenSSL 3 against a Debian 11 build's libssl.so.1.1 (MI450); HashiCorp's Terraform image, which is
Alpine (MI401); a C++ program built on the host from the context's CMake project (MI412); a commented-out
find_package, which links nothing; pandas built from source on musl, which links libstdc++ (MI403). Each test is a
small Dockerfile of our own, not a corpus file."""
from __future__ import annotations

from kb.evidence.dockerfile_parse import parse_dockerfile_text
from kb.lint import lint_report


def findings(knowledge, text: str, rule: str, context: str | None = None) -> list:
    report = lint_report(knowledge, parse_dockerfile_text(text, "Dockerfile"), context_dir=context)
    return [f for f in report if f.rule == rule]


# ---- MI450: a Red Hat final image draws the OpenSSL line between EL8 and EL9 ---------------------------------------

_UBI = """\
FROM rust:1.77-bullseye AS build
WORKDIR /app
COPY . .
RUN cargo install --root /app --path .
FROM registry.access.redhat.com/{ubi}:latest
COPY --from=build /app/bin/ /app/bin/
{extra}CMD ["/app/bin/orchestr8"]
"""


def _reqwest(tmp_path) -> str:
    (tmp_path / "Cargo.toml").write_text('[package]\nname = "orchestr8"\nversion = "0.1.0"\n\n[dependencies]\n'
                                         'reqwest = { version = "0.12.4", features = ["json", "rustls-tls"] }\n')
    return str(tmp_path)


def test_a_bullseye_openssl_build_on_ubi9_misses_libssl_1_1(knowledge, tmp_path):
    [f] = findings(knowledge, _UBI.format(ubi="ubi9/ubi-minimal", extra=""), "MI450", _reqwest(tmp_path))
    assert (f.severity, f.line) == ("warning", 6)
    assert "is rhel9, whose OpenSSL is 3 (libssl.so.3)" in f.message
    assert '"libssl.so.1.1: cannot open shared object file"' in f.message and "reqwest" in f.message


def test_compat_openssl11_or_an_el8_image_says_nothing(knowledge, tmp_path):
    context = _reqwest(tmp_path)
    compat = "RUN microdnf install -y compat-openssl11 && microdnf clean all\n"
    assert findings(knowledge, _UBI.format(ubi="ubi9/ubi-minimal", extra=compat), "MI450", context) == []
    assert findings(knowledge, _UBI.format(ubi="ubi8/ubi-minimal", extra=""), "MI450", context) == []


# ---- MI401: hashicorp/terraform is Alpine ----------------------------------------------------------------------------

_PLUGIN = """\
FROM golang:1.13
WORKDIR /src
COPY . .
RUN {build}
FROM hashicorp/terraform:latest
COPY --from=0 /src/terraform-provider-x /root/.terraform.d/plugins/
"""


def test_a_cgo_go_plugin_in_the_terraform_image_is_a_glibc_program_on_musl(knowledge):
    [f] = findings(knowledge, _PLUGIN.format(build="go build -o terraform-provider-x"), "MI401")
    assert (f.severity, f.line) == ("error", 6)
    assert "hashicorp/terraform:latest has musl, not glibc" in f.message


def test_the_same_plugin_with_cgo_off_says_nothing(knowledge):
    assert findings(knowledge, _PLUGIN.format(build="CGO_ENABLED=0 go build -o terraform-provider-x"), "MI401") == []


# ---- MI412: a C++ program built on the host from the context's CMake project -------------------------------------

_HOST = """\
FROM debian:buster-slim
RUN apt update -y && apt install -y {packages}
COPY ./build/ldp /bin/ldp
ENTRYPOINT ["ldp"]
"""
_CMAKE = """\
cmake_minimum_required(VERSION 3.10)
project(ldp CXX)
find_package(CURL REQUIRED)
find_package(PostgreSQL REQUIRED)
find_package(RapidJSON REQUIRED)
#find_package(SQLite3 REQUIRED)
{static}add_executable(ldp ldp.cpp)
target_link_libraries(ldp ${{CURL_LIBRARIES}} ${{PostgreSQL_LIBRARY}})
"""


def _project(tmp_path, static: str = "") -> str:
    (tmp_path / "CMakeLists.txt").write_text(_CMAKE.format(static=static))
    return str(tmp_path)


def test_a_host_built_cmake_program_misses_the_library_its_cmakelists_finds(knowledge, tmp_path):
    [f] = findings(knowledge, _HOST.format(packages="libcurl4-openssl-dev"), "MI412", _project(tmp_path))
    assert (f.severity, f.line) == ("warning", 3)
    assert "lacks libpq (find_package(PostgreSQL REQUIRED) in CMakeLists.txt)" in f.message
    assert "add_executable(ldp)" in f.message
    # a header-only library (RapidJSON) and a commented-out find_package (SQLite3) link nothing
    assert "rapidjson" not in f.message.lower() and "sqlite" not in f.message


def test_the_library_installed_or_a_static_link_says_nothing(knowledge, tmp_path):
    assert findings(knowledge, _HOST.format(packages="libcurl4 libpq5"), "MI412", _project(tmp_path)) == []
    static = 'set(CMAKE_EXE_LINKER_FLAGS "-static")\n'
    assert findings(knowledge, _HOST.format(packages="libcurl4"), "MI412", _project(tmp_path, static)) == []


def test_a_file_that_is_no_executable_of_the_project_says_nothing(knowledge, tmp_path):
    text = _HOST.format(packages="libcurl4").replace("./build/ldp /bin/ldp", "./build/other /bin/other")
    assert findings(knowledge, text, "MI412", _project(tmp_path)) == []


# ---- MI403: pandas built from source on musl links libstdc++ --------------------------------------------------------

_PANDAS = """\
FROM python:3.7-alpine AS build
WORKDIR /wheels
RUN apk add --no-cache g++ gcc linux-headers
COPY requirements.txt /opt/app/
RUN pip3 wheel -r /opt/app/requirements.txt
FROM {final}
COPY --from=build /wheels /wheels
COPY requirements.txt .
RUN pip3 install -r requirements.txt -f /wheels
"""


def test_pandas_compiled_on_alpine_needs_libstdcxx_in_the_final_image(knowledge, tmp_path):
    (tmp_path / "requirements.txt").write_text("requests>=2.22.0\npandas>=1.0.0\n")
    [f] = findings(knowledge, _PANDAS.format(final="python:3.7-alpine"), "MI403", str(tmp_path))
    assert (f.severity, f.line) == ("error", 7)
    assert "(pandas)" in f.message and "libstdc++.so.6" in f.message


def test_pandas_with_its_musllinux_wheel_says_nothing(knowledge, tmp_path):
    (tmp_path / "requirements.txt").write_text("pandas==2.2.3\n")
    text = _PANDAS.format(final="python:3.12-alpine").replace("python:3.7-alpine", "python:3.12-alpine")
    assert findings(knowledge, text, "MI403", str(tmp_path)) == []


def test_a_vcpkg_project_links_its_packages_statically(knowledge, tmp_path):
    # vcpkg's x64-linux triplet builds static libraries: the program needs none of them from the image
    (tmp_path / "CMakeLists.txt").write_text(
        "set(CMAKE_TOOLCHAIN_FILE ${CMAKE_CURRENT_SOURCE_DIR}/vcpkg/scripts/buildsystems/vcpkg.cmake)\n"
        + _CMAKE.format(static=""))
    assert findings(knowledge, _HOST.format(packages="libcurl4"), "MI412", str(tmp_path)) == []
