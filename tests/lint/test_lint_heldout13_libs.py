"""What the thirteenth held-out batch (tests/lint/realworld, heldout13-2026-12-01) showed lint missing, as mechanisms
(issue 9): a crate that compiles C++ with the cc crate (esaxx-rs, through tokenizers) links libstdc++ into a Rust
program built dynamically on Alpine (MI403); one package directory of site-packages copied without the NAME.libs
directory its pip wheel keeps its vendored libraries in (MI494); Ubuntu's libmysqlclient-dev, MySQL's client
library, whose soname differs between releases and which mariadb-client does not bring (MI412). Each test is a small
Dockerfile of our own, not a corpus file."""
from __future__ import annotations

from kb.evidence.dockerfile_parse import parse_dockerfile_text
from kb.lint import lint_report


def findings(knowledge, text: str, rule: str, context: str | None = None) -> list:
    report = lint_report(knowledge, parse_dockerfile_text(text, "Dockerfile"), context_dir=context)
    return [f for f in report if f.rule == rule]


# ---- MI403: esaxx-rs links libstdc++ -----------------------------------------------------------------------------

_LOCK = ('version = 3\n\n[[package]]\nname = "app"\nversion = "0.1.0"\ndependencies = [\n "tokenizers",\n]\n\n'
         '[[package]]\nname = "tokenizers"\nversion = "0.14.1"\ndependencies = [\n "esaxx-rs",\n]\n\n'
         '[[package]]\nname = "esaxx-rs"\nversion = "0.1.10"\ndependencies = [\n "cc",\n]\n\n'
         '[[package]]\nname = "cc"\nversion = "1.0.83"\n')
_TOML = '[package]\nname = "app"\nversion = "0.1.0"\n\n[dependencies]\ntokenizers = "0.14"\n'
_ALPINE_DYNAMIC = """\
FROM rust:1.71.1-alpine3.18 AS compiler
RUN apk add -q --no-cache build-base openssl-dev
ENV RUSTFLAGS="-C target-feature=-crt-static"
COPY . .
RUN cargo build --release
FROM alpine:3.16
RUN apk add -q --no-cache libgcc tini curl
COPY --from=compiler /target/release/app /bin/app
CMD /bin/app
"""


def _cargo_context(tmp_path):
    (tmp_path / "Cargo.toml").write_text(_TOML)
    (tmp_path / "Cargo.lock").write_text(_LOCK)
    return str(tmp_path)


def test_esaxx_rs_in_cargo_lock_makes_a_dynamic_musl_program_need_libstdcxx(knowledge, tmp_path):
    [f] = findings(knowledge, _ALPINE_DYNAMIC, "MI403", _cargo_context(tmp_path))
    assert (f.severity, f.line) == ("error", 8)
    assert "libstdc++.so.6" in f.message and "esaxx-rs" in f.message and "alpine:3.16" in f.message
    assert "apk add libstdc++" in f.fix


def test_libstdcxx_installed_or_a_static_musl_build_is_quiet(knowledge, tmp_path):
    ctx = _cargo_context(tmp_path)
    assert not findings(knowledge, _ALPINE_DYNAMIC.replace("libgcc tini", "libgcc libstdc++ tini"), "MI403", ctx)
    static = _ALPINE_DYNAMIC.replace('ENV RUSTFLAGS="-C target-feature=-crt-static"\n', "")
    assert not findings(knowledge, static, "MI403", ctx)


# ---- MI494: site-packages/NAME copied without NAME.libs ----------------------------------------------------------

_PYSAM = """\
ARG UBUNTU_VERSION=20.04
FROM ubuntu:${UBUNTU_VERSION} as builder
RUN apt-get update && apt-get install -y --no-install-recommends python3-pip python-is-python3
RUN pip3 install pysam
FROM ubuntu:${UBUNTU_VERSION}
RUN apt-get update && apt-get install -y --no-install-recommends python-is-python3
COPY --from=builder /usr/local/lib/python3.8/dist-packages/pysam /usr/local/lib/python3.8/dist-packages/pysam
ENTRYPOINT ["python", "-c", "import pysam"]
"""


def test_a_package_dir_copied_without_its_wheel_libs_is_an_error(knowledge):
    [f] = findings(knowledge, _PYSAM, "MI494")
    assert (f.severity, f.line) == ("error", 7)
    assert "/usr/local/lib/python3.8/dist-packages/pysam.libs" in f.message
    assert "ImportError" in f.message and "RPATH" in f.message


def test_the_whole_dist_packages_or_the_libs_dir_along_is_quiet(knowledge):
    whole = _PYSAM.replace("dist-packages/pysam /usr/local/lib/python3.8/dist-packages/pysam",
                           "dist-packages /usr/local/lib/python3.8/dist-packages")
    assert not findings(knowledge, whole, "MI494")
    along = _PYSAM.replace('ENTRYPOINT', "COPY --from=builder /usr/local/lib/python3.8/dist-packages/pysam.libs "
                                         "/usr/local/lib/python3.8/dist-packages/pysam.libs\nENTRYPOINT")
    assert not findings(knowledge, along, "MI494")
    glob = _PYSAM.replace("dist-packages/pysam /usr", "dist-packages/pysam* /usr")
    assert not findings(knowledge, glob, "MI494")


def test_a_package_pip_did_not_install_there_is_not_judged(knowledge):
    assert not findings(knowledge, _PYSAM.replace("pip3 install pysam", "pip3 install requests"), "MI494")


_NUMPY = """\
FROM python:{python}-slim AS build
RUN pip install --no-cache-dir {spec}
FROM python:{python}-slim
COPY --from=build /usr/local/lib/python{python}/site-packages/numpy /usr/local/lib/python{python}/site-packages/numpy
CMD ["python", "-c", "import numpy"]
"""


def test_a_release_older_than_numpy_libs_keeps_its_libraries_inside_the_package(knowledge, tmp_path):
    # numpy 1.18.2's wheel has numpy/.libs, 1.18.3's numpy.libs (knowledge/native-packages.yaml wheel_libs_since)
    assert not findings(knowledge, _NUMPY.format(python="3.8", spec="numpy==1.18.2"), "MI494")
    [f] = findings(knowledge, _NUMPY.format(python="3.8", spec="numpy==1.18.3"), "MI494")
    assert "numpy.libs" in f.message
    (tmp_path / "requirements.txt").write_text("numpy==1.17.5  # pinned\nrequests\n")
    pinned_in_file = _NUMPY.format(python="3.8", spec="-r requirements.txt").replace(
        "RUN pip", "COPY requirements.txt .\nRUN pip")
    assert not findings(knowledge, pinned_in_file, "MI494", str(tmp_path))


def test_unpinned_numpy_on_a_python_whose_newest_numpy_is_older_is_quiet(knowledge):
    # pip on Python 3.4 gets numpy 1.15.4 (numpy/.libs); on 3.5, 1.18.5 (numpy.libs)
    assert not findings(knowledge, _NUMPY.format(python="3.4", spec="numpy"), "MI494")
    assert findings(knowledge, _NUMPY.format(python="3.5", spec="numpy"), "MI494")
    assert findings(knowledge, _NUMPY.format(python="3.12", spec="'numpy<2'"), "MI494")  # a range: new enough


# ---- MI412: libmysqlclient.so.20 (Ubuntu 18.04) into Ubuntu 20.04 ------------------------------------------------

_MYSQL = """\
FROM ubuntu:bionic
RUN apt-get update -y && apt-get install -y build-essential cmake libmysqlclient-dev libssl-dev
COPY . /src
RUN cd /src && g++ -o /usr/local/bin/world world.cpp -lmysqlclient -lssl
FROM ubuntu:focal
RUN apt-get update -y && apt-get install -y bash wget curl mariadb-client
COPY --from=0 /usr/local /usr/local
ENTRYPOINT /bin/bash
"""


def test_libmysqlclient_of_bionic_is_missing_on_focal_and_no_focal_package_has_it(knowledge):
    [f] = findings(knowledge, _MYSQL, "MI412")
    assert (f.severity, f.line) == ("warning", 7)
    assert f.message.startswith("ubuntu:focal lacks libmysqlclient (libmysqlclient.so.20: ")
    assert "libmysqlclient.so...: cannot open shared object file" in f.message
    assert "libssl" not in f.message  # curl brings libcurl4, which brings focal's libssl1.1
    assert "no package of ubuntu20.04 has libmysqlclient.so.20" in f.fix and "libmysqlclient20" in f.fix


def test_focal_libmysqlclient21_is_another_soname(knowledge):
    text = _MYSQL.replace("mariadb-client", "libmysqlclient21")
    [f] = findings(knowledge, text, "MI412")
    assert "libmysqlclient.so.20" in f.message


def test_bionic_libmysqlclient20_in_the_focal_image_is_quiet(knowledge):
    assert not findings(knowledge, _MYSQL.replace("mariadb-client", "libmysqlclient20"), "MI412")


def test_libssl_fix_names_the_final_release_package(knowledge):
    text = _MYSQL.replace("bash wget curl mariadb-client", "libmysqlclient20")
    [f] = findings(knowledge, text, "MI412")
    assert "libssl" in f.message and "libssl1.1" in f.fix and "libssl3t64" not in f.fix
