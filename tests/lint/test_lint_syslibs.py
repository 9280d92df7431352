"""Rust -sys crates that link the system's copy of their library only when the build finds it, and build their
bundled copy into the program otherwise (kb/lint/syslibs.py, MI412): the -dev packages a build stage installs or its
builder image ships, *_LIB_DIR / *_STATIC variables set by ENV, ARG, a RUN step or .cargo/config.toml's [env]; and
what an apt install brings by dependency (ca-certificates -> openssl -> libssl). From the eighth held-out batch
(tgt: libopus.so.0, mehari: librocksdb.so.8.9, bin: a false libz warning, kora: a false libssl warning)."""
from __future__ import annotations

import os

import pytest

import kb
from kb.lint.libraries import Libraries
from kb.lint.syslibs import cargo_config_env, image_dev_packages
from tests.lint.context_files import lint_with_files


def lock(*crates: str) -> str:
    return "version = 3\n\n[[package]]\nname = \"app\"\nversion = \"0.1.0\"\n" + "".join(
        f"\n[[package]]\nname = \"{c}\"\nversion = \"1.0.0\"\n" for c in crates)


def dockerfile(builder: str = "FROM rust:1.85-bookworm AS build", final: str = "FROM debian:bookworm-slim",
               steps: str = "") -> str:
    return (f"{builder}\n{steps}WORKDIR /src\nCOPY . .\nRUN cargo build --release\n{final}\n"
            "COPY --from=build /src/target/release/app /usr/local/bin/app\nCMD [\"app\"]\n")


@pytest.fixture(scope="module")
def knowledge():
    return kb.load().knowledge


def mi412(knowledge, text, files, tmp_path):
    return [(f.severity, f.line, f.message, f.fix) for f in lint_with_files(knowledge, text, files, tmp_path)
            if f.rule == "MI412"]


# ---- libz-sys: the system zlib when the build finds its headers ----------------------------------------------------

def test_libz_sys_in_a_full_rust_image_links_the_system_zlib_it_finds(knowledge, tmp_path):
    text = dockerfile(final="FROM gcr.io/distroless/cc-debian12")
    [(severity, line, msg, fix)] = mi412(knowledge, text, {"Cargo.lock": lock("libz-sys")}, tmp_path)
    assert (severity, line) == ("warning", 6)
    assert msg.startswith("gcr.io/distroless/cc-debian12 lacks libz (the crate libz-sys in Cargo.lock, which links "
                          "the system's copy when the build finds it: zlib1g-dev in rust:1.85-bookworm)")
    assert "zlib1g" in fix


def test_libz_sys_in_a_slim_rust_image_compiles_its_bundled_zlib(knowledge, tmp_path):
    text = dockerfile("FROM rust:1-slim-bookworm AS build", "FROM gcr.io/distroless/cc-debian12")
    assert mi412(knowledge, text, {"Cargo.lock": lock("libz-sys")}, tmp_path) == []


def test_libz_sys_finds_zlib_the_stage_installs(knowledge, tmp_path):
    text = dockerfile("FROM rust:1-slim-bookworm AS build", "FROM gcr.io/distroless/cc-debian12",
                      "RUN apt-get update && apt-get install -y zlib1g-dev pkg-config\n")
    [(_s, _l, msg, _f)] = mi412(knowledge, text, {"Cargo.lock": lock("libz-sys")}, tmp_path)
    assert "lacks libz (the crate libz-sys in Cargo.lock, which links the system's copy when the build finds it: " \
           "zlib1g-dev installed there)" in msg


def test_libz_sys_static_variable_builds_the_bundled_copy(knowledge, tmp_path):
    text = dockerfile(final="FROM gcr.io/distroless/cc-debian12", steps="ENV LIBZ_SYS_STATIC=1\n")
    assert mi412(knowledge, text, {"Cargo.lock": lock("libz-sys")}, tmp_path) == []


def test_a_slim_builder_that_also_runs_cmake_builds_the_bundled_zlib_too(knowledge, tmp_path):
    text = dockerfile("FROM rust:1-slim-bookworm AS build", "FROM gcr.io/distroless/cc-debian12",
                      "RUN apt-get update && apt-get install -y cmake g++\nRUN cmake -S /dep -B /b && cmake --build /b\n")
    assert mi412(knowledge, text, {"Cargo.lock": lock("libz-sys")}, tmp_path) == []


# ---- librocksdb-sys: ROCKSDB_LIB_DIR and friends ------------------------------------------------------------------

ROCKS_BUILDER = "FROM debian:bookworm AS build\nRUN apt-get update && apt-get install -y cargo librocksdb-dev"


def test_rocksdb_lib_dir_in_cargo_config_links_the_system_librocksdb(knowledge, tmp_path):
    files = {"Cargo.lock": lock("librocksdb-sys"), ".cargo/config.toml": "[env]\nROCKSDB_LIB_DIR = \"/usr/lib/\"\n"}
    [(severity, line, msg, fix)] = mi412(knowledge, dockerfile(ROCKS_BUILDER), files, tmp_path)
    assert (severity, line) == ("warning", 7)
    assert msg.startswith("debian:bookworm-slim lacks librocksdb (the crate librocksdb-sys in Cargo.lock, linked to "
                          "the system's copy: ROCKSDB_LIB_DIR in .cargo/config.toml)")
    assert "librocksdb" in fix and "link them statically" in fix


@pytest.mark.parametrize("how", ["ENV ROCKSDB_LIB_DIR=/usr/lib\n", "ARG ROCKSDB_LIB_DIR=/usr/lib\n",
                                 "RUN export ROCKSDB_LIB_DIR=/usr/lib && cargo fetch\n"])
def test_rocksdb_lib_dir_set_in_the_dockerfile(knowledge, tmp_path, how):
    text = dockerfile(ROCKS_BUILDER, steps=how)
    [(_s, _l, msg, _f)] = mi412(knowledge, text, {"Cargo.lock": lock("librocksdb-sys")}, tmp_path)
    assert "lacks librocksdb (the crate librocksdb-sys in Cargo.lock, linked to the system's copy: " in msg
    assert msg.split("copy: ", 1)[1].startswith(("ENV ROCKSDB_LIB_DIR in the Dockerfile", "ARG ROCKSDB_LIB_DIR in the "
                                                 "Dockerfile", "ROCKSDB_LIB_DIR set by the RUN step at line 3"))


def test_rocksdb_static_or_no_lib_dir_needs_no_system_librocksdb(knowledge, tmp_path):
    files = {"Cargo.lock": lock("librocksdb-sys")}
    assert mi412(knowledge, dockerfile(ROCKS_BUILDER), files, tmp_path) == []
    # a variable another RUN set, or a longer name that ends like it, is not in cargo's environment
    other = dockerfile(ROCKS_BUILDER, steps="RUN export ROCKSDB_LIB_DIR=/usr/lib\nRUN MY_ROCKSDB_LIB_DIR=1 cargo fetch\n")
    assert mi412(knowledge, other, files, tmp_path) == []
    static = dockerfile(ROCKS_BUILDER, steps="ENV ROCKSDB_LIB_DIR=/usr/lib ROCKSDB_STATIC=1\n")
    assert mi412(knowledge, static, files, tmp_path) == []


def test_the_runtime_librocksdb_package_brings_snappy_by_dependency(knowledge, tmp_path):
    files = {"Cargo.lock": lock("librocksdb-sys"),
             ".cargo/config.toml": "[env]\nROCKSDB_LIB_DIR = \"/usr/lib/\"\nSNAPPY_LIB_DIR = \"/usr/lib/\"\n"}
    final = "FROM debian:bookworm-slim\nRUN apt-get update && apt-get install -y librocksdb7.8"
    assert mi412(knowledge, dockerfile(ROCKS_BUILDER, final), files, tmp_path) == []


# ---- audiopus_sys: dynamic on Linux --------------------------------------------------------------------------------

def test_audiopus_sys_links_libopus_dynamically(knowledge, tmp_path):
    [(_s, line, msg, fix)] = mi412(knowledge, dockerfile(), {"Cargo.lock": lock("audiopus_sys")}, tmp_path)
    assert line == 6
    assert msg.startswith("debian:bookworm-slim lacks libopus (the crate audiopus_sys in Cargo.lock: links Opus "
                          "dynamically on Linux (glibc)")
    assert "libopus" in fix


def test_audiopus_sys_with_libopus_static_or_libopus0_installed_is_clean(knowledge, tmp_path):
    files = {"Cargo.lock": lock("audiopus_sys")}
    assert mi412(knowledge, dockerfile(steps="ENV LIBOPUS_STATIC=1\n"), files, tmp_path) == []
    final = "FROM debian:bookworm-slim\nRUN apt-get update && apt-get install -y libopus0"
    assert mi412(knowledge, dockerfile(final=final), files, tmp_path) == []


# ---- what an apt install brings by dependency ----------------------------------------------------------------------

def test_ca_certificates_brings_libssl_on_debian_not_on_alpine(knowledge, tmp_path):
    files = {"Cargo.lock": lock("openssl-sys")}
    debian = "FROM debian:bookworm-slim\nRUN apt-get update && apt-get install -y --no-install-recommends ca-certificates"
    assert mi412(knowledge, dockerfile(final=debian), files, tmp_path) == []
    bare = mi412(knowledge, dockerfile(), files, tmp_path)  # without it, libssl is missing
    assert [m for _s, _l, m, _f in bare if m.startswith("debian:bookworm-slim lacks libssl (the crate openssl-sys")]
    n = knowledge.native_packages
    libs = Libraries(n["system"], n["rust"], n.get("https"))
    assert libs.ships("ca-certificates", "libssl") and not libs.ships("ca-certificates", "libssl", musl=True)


# ---- the readers ---------------------------------------------------------------------------------------------------

def test_builder_images_and_their_dev_packages(knowledge):
    table = knowledge.native_packages["build_images"]
    assert "zlib1g-dev" in image_dev_packages(table, "rust:1.91-trixie")
    assert "libssl-dev" in image_dev_packages(table, "docker.io/library/python:3.12-bookworm")
    for ref in ("rust:1-slim-bookworm", "rust:alpine", "golang:1.24-bookworm", "buildpack-deps:bookworm-scm",
                "debian:bookworm"):
        assert image_dev_packages(table, ref) == set(), ref


def test_cargo_config_env_reads_only_what_it_should(tmp_path):
    assert cargo_config_env(None) == {}
    assert cargo_config_env(str(tmp_path)) == {}
    (tmp_path / ".cargo").mkdir()
    cfg = tmp_path / ".cargo" / "config.toml"
    cfg.write_text("[env]\nA_LIB_DIR = \"/x\"\nB = { value = \"y\", relative = true }\nC = 3\n")
    assert cargo_config_env(str(tmp_path)) == {"A_LIB_DIR": "A_LIB_DIR in .cargo/config.toml",
                                              "B": "B in .cargo/config.toml"}
    cfg.write_text("[env\nnot toml")
    assert cargo_config_env(str(tmp_path)) == {}  # a broken file: nothing, no traceback
    cfg.unlink()
    outside = tmp_path.parent / "outside-config.toml"
    outside.write_text("[env]\nROCKSDB_LIB_DIR = \"/usr/lib\"\n")
    os.symlink(outside, cfg)
    assert cargo_config_env(str(tmp_path)) == {}  # a symbolic link out of the context is not followed
    cfg.unlink()
    os.mkfifo(cfg)
    assert cargo_config_env(str(tmp_path)) == {}  # never blocks on a FIFO


def test_a_run_step_assigning_variables_is_read_in_one_pass(knowledge, tmp_path):
    """Near-misses (a longer name ending in ROCKSDB_LIB_DIR=) before the real assignment: 200,000 of them to the
    scanner, as many as a Dockerfile line holds to lint."""
    from kb.lint.syslibs import _assigns
    from tests.bounded import within

    with within():
        assert _assigns("xROCKSDB_LIB_DIR=" * 200_000 + ";ROCKSDB_LIB_DIR=/usr/lib", "ROCKSDB_LIB_DIR")
        assert not _assigns("xROCKSDB_LIB_DIR=" * 200_000, "ROCKSDB_LIB_DIR")
    steps = "RUN " + "xROCKSDB_LIB_DIR=" * 3_000 + " ROCKSDB_LIB_DIR=/usr/lib cargo fetch\n"
    [(_s, _l, msg, _f)] = mi412(knowledge, dockerfile(ROCKS_BUILDER, steps=steps),
                                {"Cargo.lock": lock("librocksdb-sys")}, tmp_path)
    assert "ROCKSDB_LIB_DIR set by the RUN step at line 3" in msg
