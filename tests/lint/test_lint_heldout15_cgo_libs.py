"""What the fifteenth held-out batch (tests/lint/realworld, heldout15-2026-12-01) showed lint missing, as mechanisms
(issue 9): a Go program whose go.mod requires a cgo module that links a system library (go-piv/piv-go:
libpcsclite.so.1), built behind `make`, copied into Wolfi's base image under its Docker Hub name (MI412); a
distribution's shared library copied out of the stage that installed it without the library its package links
(bullseye's libpcap.so.0.8 and libdbus-1.so.3, MI412). Each test is a small Dockerfile of our own, not a corpus
file."""
from __future__ import annotations

from kb.evidence.dockerfile_parse import parse_dockerfile_text
from kb.lint import lint_report


def findings(knowledge, text: str, rule: str, context: str | None = None) -> list:
    report = lint_report(knowledge, parse_dockerfile_text(text, "Dockerfile"), context_dir=context)
    return [f for f in report if f.rule == rule]


# ---- MI412: go.mod's cgo module behind make, on chainguard/wolfi-base --------------------------------------------

_STEP_CA = """\
FROM golang:1.25.5-trixie AS build
WORKDIR /build
COPY . .
RUN make
FROM chainguard/wolfi-base:latest
WORKDIR /acme-proxy
COPY --from=build /build/step-ca .
ENTRYPOINT ["/acme-proxy/step-ca"]
"""
_MAKEFILE = "default: build\n\nbuild:\n\tmkdir db\n\tgo build -v -o step-ca .\n"
_GO_MOD = ("module example.test/acme\n\ngo 1.25\n\nrequire (\n\tgithub.com/pkg/errors v0.9.1\n)\n\nrequire (\n"
           "\tgithub.com/go-piv/piv-go/v2 v2.4.0 // indirect\n)\n")


def _context(tmp_path, go_mod: str = _GO_MOD) -> str:
    (tmp_path / "Makefile").write_text(_MAKEFILE)
    (tmp_path / "go.mod").write_text(go_mod)
    return str(tmp_path)


def test_piv_go_behind_make_needs_pcsc_lite_on_wolfi(knowledge, tmp_path):
    [f] = findings(knowledge, _STEP_CA, "MI412", _context(tmp_path))
    assert (f.severity, f.line) == ("warning", 7)
    assert "chainguard/wolfi-base:latest lacks libpcsclite (libpcsclite.so.1: go.mod requires " \
           "github.com/go-piv/piv-go" in f.message
    assert "the cgo build of /build/step-ca links" in f.message
    assert "apk add --no-cache pcsc-lite;" in f.fix  # Wolfi's package, not Alpine's pcsc-lite-libs
    # Wolfi's base image is known under its Docker Hub name: no MI414
    assert findings(knowledge, _STEP_CA, "MI414", str(tmp_path)) == []


def test_pcsc_lite_installed_or_cgo_off_or_no_such_module_says_nothing(knowledge, tmp_path):
    ctx = _context(tmp_path)
    fixed = _STEP_CA.replace("COPY --from=build", "RUN apk add --no-cache pcsc-lite\nCOPY --from=build")
    assert findings(knowledge, fixed, "MI412", ctx) == []
    static = _STEP_CA.replace("RUN make", "RUN CGO_ENABLED=0 go build -o step-ca .")
    assert findings(knowledge, static, "MI412", ctx) == []
    plain = _context(tmp_path, _GO_MOD.replace("github.com/go-piv/piv-go/v2 v2.4.0", "golang.org/x/sync v0.10.0"))
    assert findings(knowledge, _STEP_CA, "MI412", plain) == []


def test_on_debian_slim_the_fix_is_libpcsclite1(knowledge, tmp_path):
    text = _STEP_CA.replace("chainguard/wolfi-base:latest", "debian:trixie-slim")
    [f] = findings(knowledge, text, "MI412", _context(tmp_path))
    assert "apt-get install --no-install-recommends libpcsclite1" in f.fix


def test_wolfi_base_is_known_by_both_names_and_other_tags(knowledge):
    from kb.lint.profiles import profile_for

    for ref in ("chainguard/wolfi-base", "docker.io/chainguard/wolfi-base:latest", "cgr.dev/chainguard/wolfi-base",
                "chainguard/wolfi-base:latest-dev"):
        prof = profile_for(knowledge, ref)
        assert (prof.known, prof.libc, prof.release) == (True, "glibc", "wolfi"), ref
        assert "libpcsclite" not in prof.libs and "libstdc++" not in prof.libs


# ---- MI412: a distribution's shared library copied without what its package links ---------------------------------

_STREAM = """\
FROM golang:1.16.8 as builder
RUN apt-get update \\
       && apt-get install -y libpcap-dev \\
       && rm -rf /var/lib/apt/lists/*
ADD . /app
WORKDIR /app
RUN go build
FROM debian:stable-slim
COPY --chown=0:0 --from=builder /usr/lib/x86_64-linux-gnu/libpcap.so.0.8 /usr/lib/x86_64-linux-gnu/libpcap.so.0.8
COPY --chown=0:0 --from=builder /app/stream /stream
ENTRYPOINT ["/stream"]
"""


def test_libpcap_copied_from_bullseye_lacks_libdbus(knowledge):
    [f] = findings(knowledge, _STREAM, "MI412")
    assert (f.severity, f.line) == ("warning", 9)
    assert "debian:stable-slim lacks libdbus (/usr/lib/x86_64-linux-gnu/libpcap.so.0.8, from the libpcap0.8 " \
           "package that stage installed (through libpcap-dev), links libdbus-1.so.3)" in f.message
    assert "libdbus-1-3" in f.fix and "install libpcap0.8 itself" in f.fix


def test_libdbus_copied_too_or_installed_or_a_buster_builder_says_nothing(knowledge):
    copied = _STREAM.replace("COPY --chown=0:0 --from=builder /app", "COPY --chown=0:0 --from=builder "
                             "/lib/x86_64-linux-gnu/libdbus-1.so.3 /lib/x86_64-linux-gnu/libdbus-1.so.3\n"
                             "COPY --chown=0:0 --from=builder /app")
    assert findings(knowledge, copied, "MI412") == []
    installed = _STREAM.replace("ENTRYPOINT", "RUN apt-get update && apt-get install -y libdbus-1-3\nENTRYPOINT")
    assert findings(knowledge, installed, "MI412") == []
    # Debian 10's libpcap 1.8.1 is built without D-Bus (its source does not build-depend on libdbus-1-dev)
    buster = _STREAM.replace("golang:1.16.8", "golang:1.16.8-buster")
    assert findings(knowledge, buster, "MI412") == []


def test_a_glob_of_the_library_counts_as_well(knowledge):
    text = _STREAM.replace("/usr/lib/x86_64-linux-gnu/libpcap.so.0.8 /usr/lib", "/usr/lib/x86_64-linux-gnu/libpcap.so* /usr/lib")
    [f] = findings(knowledge, text, "MI412")
    assert "links libdbus-1.so.3" in f.message


# ---- MI495: a CMake project's shared library into /usr/local/lib of an image the context builds -----------------

_AKTUALIZR = """\
FROM advancedtelematic/aktualizr-base as builder
LABEL Description="Aktualizr application dockerfile"

ADD . /aktualizr
WORKDIR /aktualizr/build

RUN cmake -DFAULT_INJECTION=on -DBUILD_SOTA_TOOLS=on -DBUILD_DEB=on -DCMAKE_BUILD_TYPE=Debug ..
RUN make -j8 install
"""


def _aktualizr(tmp_path, base: str = "ubuntu:bionic", lib: str = "add_library(aktualizr_lib SHARED a.cc)") -> str:
    files = {
        "CMakeLists.txt": 'project(aktualizr)\nadd_subdirectory("src")\nadd_subdirectory("tests" EXCLUDE_FROM_ALL)\n',
        "src/CMakeLists.txt": 'add_subdirectory("libaktualizr")\nadd_subdirectory("aktualizr_primary")\n',
        "src/libaktualizr/CMakeLists.txt": f"{lib}\ninstall(TARGETS aktualizr_lib LIBRARY DESTINATION lib "
                                           "COMPONENT aktualizr)\n",
        "src/aktualizr_primary/CMakeLists.txt": "add_executable(aktualizr main.cc)\n"
                                                "install(TARGETS aktualizr RUNTIME DESTINATION bin)\n",
        "docker/docker-build.sh": '#!/bin/sh\nREPO_ROOT="${1:-$(readlink -f "$(dirname "$0")/..")}"\n'
                                  'docker build -t advancedtelematic/aktualizr-base -f '
                                  '"$REPO_ROOT/docker/Dockerfile.ubuntu.bionic" "$REPO_ROOT"\n',
        "docker/Dockerfile.ubuntu.bionic": f"FROM {base}\nRUN apt-get update && apt-get install -y cmake g++\n",
    }
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    return str(tmp_path)


def test_make_install_of_a_cmake_shared_library_on_a_base_the_context_builds(knowledge, tmp_path):
    [f] = findings(knowledge, _AKTUALIZR, "MI495", _aktualizr(tmp_path))
    assert (f.severity, f.line) == ("warning", 8)
    assert f.message.startswith("make -j8 install installs aktualizr_lib (src/libaktualizr/CMakeLists.txt: "
                                "add_library(aktualizr_lib SHARED), installed to lib) into /usr/local/lib of "
                                "advancedtelematic/aktualizr-base (docker/docker-build.sh builds it from "
                                "docker/Dockerfile.ubuntu.bionic, FROM ubuntu:bionic)")
    assert "ldconfig" in f.fix


def test_ldconfig_after_it_or_a_musl_base_or_a_static_library_says_nothing(knowledge, tmp_path):
    ctx = _aktualizr(tmp_path)
    assert findings(knowledge, _AKTUALIZR + "RUN ldconfig\n", "MI495", ctx) == []
    assert findings(knowledge, _AKTUALIZR, "MI495", _aktualizr(tmp_path, base="alpine:3.20")) == []
    assert findings(knowledge, _AKTUALIZR, "MI495", _aktualizr(tmp_path, base="some/unknown-image")) == []
    static = _aktualizr(tmp_path, lib="add_library(aktualizr_lib STATIC a.cc)")
    assert findings(knowledge, _AKTUALIZR, "MI495", static) == []
    # without the script that builds it, the image stays unknown: nothing but MI414
    ctx = _aktualizr(tmp_path)
    (tmp_path / "docker" / "docker-build.sh").unlink()
    assert findings(knowledge, _AKTUALIZR, "MI495", ctx) == []
    assert findings(knowledge, _AKTUALIZR, "MI414", ctx)


def test_an_install_rpath_or_a_package_removal_after_it_says_nothing(knowledge, tmp_path):
    known = _AKTUALIZR.replace("advancedtelematic/aktualizr-base", "ubuntu:18.04")
    ctx = _aktualizr(tmp_path)
    assert findings(knowledge, known, "MI495", ctx)
    removed = known + "RUN apt-get remove -y cmake && apt-get autoremove -y\n"
    assert findings(knowledge, removed, "MI495", ctx) == []
    (tmp_path / "CMakeLists.txt").write_text('set(CMAKE_INSTALL_RPATH "$ORIGIN/../lib")\nadd_subdirectory("src")\n')
    assert findings(knowledge, known, "MI495", ctx) == []


def test_shared_installs_reads_install_targets(tmp_path):
    from kb.lint.cmakeinstalls import shared_installs

    files = {"CMakeLists.txt": "add_library(a SHARED a.c)\ninstall(TARGETS a DESTINATION bin)\n"}
    assert shared_installs(files.get, ".") is None  # one DESTINATION for all: the library goes to bin
    files["CMakeLists.txt"] = "add_library(a SHARED a.c)\ninstall(TARGETS a)\n"  # CMake 3.14: LIBRARY to libdir
    assert shared_installs(files.get, ".").startswith("a (CMakeLists.txt")
    files["CMakeLists.txt"] = "add_library(a SHARED a.c)\ninstall(TARGETS a LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR})\n"
    assert shared_installs(files.get, ".")
    files["CMakeLists.txt"] = "add_library(a MODULE a.c)\ninstall(TARGETS a LIBRARY DESTINATION lib)\n"
    assert shared_installs(files.get, ".") is None


def test_cmake_and_script_scans_are_linear(tmp_path):
    from kb.lint.cmakeinstalls import shared_installs
    from kb.lint.contextimages import _dockerfiles

    from tests.bounded import within

    n = 20_000
    hostile = {"CMakeLists.txt": "install(TARGETS " * n + "add_library( " + " " * n + "x" * n + "add_subdirectory(" * n}
    with within(10):
        assert shared_installs(hostile.get, ".") is None
        assert _dockerfiles(("docker build -t a/b " * n + "\n") * 3, "a/b") == []
