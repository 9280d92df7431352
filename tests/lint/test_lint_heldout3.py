"""What the third held-out batch (tests/lint/realworld, batch heldout3-2026-11-30) showed lint missing, as mechanisms:
a build inside a shell compound command (if ...; then cargo build; else cargo build; fi) and a cargo build in a
workspace member's directory, whose program lands in the workspace root's target/. Each test is a small Dockerfile of
our own, not a corpus file."""
from __future__ import annotations

import pytest

from kb.evidence.dockerfile_parse import parse_dockerfile_text
from kb.lint import lint_report
from kb.lint.shellwords import simple_commands


def rules(knowledge, text: str) -> dict[str, str]:
    report = lint_report(knowledge, parse_dockerfile_text(text, "Dockerfile"), context_dir=None)
    return {f.rule: f.severity for f in report}


# ---- shell compound commands --------------------------------------------------------------------------------------

@pytest.mark.parametrize("line, expected", [
    ('if [ -n "$F" ]; then cargo build --release --features "$F"; else cargo build --release; fi',
     [["[", "-n", "$F", "]"], ["cargo", "build", "--release", "--features", "$F"], ["cargo", "build", "--release"]]),
    ("for d in a b; do make -C $d; done", [["make", "-C", "$d"]]),
    ("while read x; do go build ./$x; done < list", [["read", "x"], ["go", "build", "./$x"]]),
    ("if ! cargo build; then exit 1; fi", [["cargo", "build"], ["exit", "1"]]),
    ("echo if then else fi", [["echo", "if", "then", "else", "fi"]]),
])
def test_the_commands_inside_if_and_loops_are_simple_commands(line, expected):
    assert simple_commands(line) == expected


BRANCHES = ("FROM rust:1.94-slim AS builder\nWORKDIR /app\nCOPY . .\n"
            'RUN if [ -n "$FEATURES" ]; then cargo build --release --features "$FEATURES"; '
            "else cargo build --release; fi && cp target/release/app /app/app\n"
            "FROM debian:{final}\nCOPY --from=builder /app/app /usr/local/bin/app\nCMD [\"app\"]\n")


def test_a_cargo_build_in_both_branches_of_an_if_is_judged(knowledge):
    assert rules(knowledge, BRANCHES.format(final="bookworm-slim")).get("MI404") == "error"
    assert "MI404" not in rules(knowledge, BRANCHES.format(final="trixie-slim"))


# ---- cargo workspaces ---------------------------------------------------------------------------------------------

WORKSPACE = ("FROM {builder} AS builder\nWORKDIR /app\nCOPY . .\nWORKDIR /app/server\nRUN cargo build --release\n"
             "FROM debian:bookworm-slim\nCOPY --from=builder {copied} /usr/local/bin/server\nCMD [\"server\"]\n")


@pytest.mark.parametrize("copied", ["/app/target/release/server", "/app/server/target/release/server"])
def test_a_member_builds_into_its_own_or_the_workspace_roots_target(knowledge, copied):
    assert rules(knowledge, WORKSPACE.format(builder="rust:1.91", copied=copied)).get("MI404") == "error"
    assert "MI404" not in rules(knowledge, WORKSPACE.format(builder="rust:1.91-bookworm", copied=copied))


def test_a_target_dir_set_elsewhere_is_not_taken_for_the_workspace_root(knowledge):
    text = WORKSPACE.format(builder="rust:1.91", copied="/app/target/release/server").replace(
        "RUN cargo build --release", "RUN cargo build --release --target-dir /out")
    assert "MI404" not in rules(knowledge, text)


# ---- wheels built in one stage, installed in another ---------------------------------------------------------------

WHEELS = ("FROM python:3.12-slim AS builder\n"
          "RUN apt-get update && apt-get install -y --no-install-recommends build-essential libpq-dev\n"
          "WORKDIR /src\nRUN pip wheel {where}psycopg2==2.9.6\n"
          "FROM python:3.12-slim\n{final}COPY --from=builder {copied} /wheels\nRUN pip install /wheels/*\n"
          "CMD [\"python\"]\n")


@pytest.mark.parametrize("where, copied", [("--wheel-dir /wheels ", "/wheels"), ("-w /out ", "/out"),
                                           ("--wheel-dir=/wheels ", "/wheels"), ("", "/src")])
def test_wheels_compiled_against_a_library_need_it_where_they_are_installed(knowledge, where, copied):
    assert rules(knowledge, WHEELS.format(where=where, copied=copied, final="")).get("MI412") == "warning"
    final = "RUN apt-get update && apt-get install -y --no-install-recommends libpq5\n"
    assert "MI412" not in rules(knowledge, WHEELS.format(where=where, copied=copied, final=final))


def test_wheels_left_in_the_builder_are_not_the_final_images_concern(knowledge):
    text = WHEELS.format(where="-w /wheels ", copied="/etc/hostname", final="")
    assert "MI412" not in rules(knowledge, text)


# ---- crate features that build the C library into the program ----------------------------------------------------

LOCK = "".join(f'[[package]]\nname = "{n}"\nversion = "{v}"\n\n' for n, v in
               (("app", "0.1.0"), ("libsqlite3-sys", "0.30.1"), ("rusqlite", "0.32.1"), ("openssl-sys", "0.9.103"),
                ("openssl", "0.10.66")))
RUST = ("FROM rust:1.85-bookworm AS build\nWORKDIR /src\nCOPY . .\nRUN cargo build --release\n"
        "FROM debian:bookworm-slim\nCOPY --from=build /src/target/release/app /usr/local/bin/app\nCMD [\"app\"]\n")


def missing(knowledge, tmp_path, dependencies: str, lock: bool = True) -> str:
    (tmp_path / "Cargo.toml").write_text(f'[package]\nname = "app"\nversion = "0.1.0"\n\n[dependencies]\n{dependencies}')
    if lock:
        (tmp_path / "Cargo.lock").write_text(LOCK)
    report = lint_report(knowledge, parse_dockerfile_text(RUST, "Dockerfile"), context_dir=str(tmp_path))
    return " ".join(f.message for f in report if f.rule == "MI412")


@pytest.mark.parametrize("lock", [True, False])
def test_bundled_and_vendored_features_need_no_library_at_run_time(knowledge, tmp_path, lock):
    plain = missing(knowledge, tmp_path, 'rusqlite = "0.32"\nopenssl = "0.10"\nlibsqlite3-sys = "0.30"\n'
                    'openssl-sys = "0.9"\n', lock)
    assert "libsqlite" in plain and "libssl" in plain
    built_in = missing(knowledge, tmp_path, 'rusqlite = { version = "0.32", features = ["bundled"] }\n'
                       'openssl = { version = "0.10", features = ["vendored"] }\n'
                       'libsqlite3-sys = "0.30"\nopenssl-sys = "0.9"\n', lock)
    assert built_in == ""


def test_a_feature_of_another_crate_does_not_bundle(knowledge, tmp_path):
    got = missing(knowledge, tmp_path, 'rusqlite = { version = "0.32", features = ["chrono"] }\n'
                  'tokio = { version = "1", features = ["bundled"] }\n')
    assert "libsqlite" in got


# ---- HDF5: the run-time package is named by a soversion that moves with the release --------------------------------

HDF5 = ("FROM debian:bookworm AS build\nRUN apt-get update && apt-get install -y g++ {dev}\nCOPY . /src\n"
        "RUN g++ -o /app /src/main.cpp -lhdf5_serial\nFROM debian:bookworm-slim\n{final}COPY --from=build /app /app\n"
        "CMD [\"/app\"]\n")


@pytest.mark.parametrize("dev", ["libhdf5-dev", "libhdf5-serial-dev"])
def test_hdf5_is_shipped_by_libhdf5_of_any_soversion(knowledge, dev):
    report = lint_report(knowledge, parse_dockerfile_text(HDF5.format(dev=dev, final=""), "Dockerfile"))
    assert any(f.rule == "MI412" and "libhdf5-serial (libhdf5" in f.message for f in report)
    for runtime in ("libhdf5-103-1", "libhdf5-310"):
        final = f"RUN apt-get update && apt-get install -y {runtime}\n"
        assert "MI412" not in rules(knowledge, HDF5.format(dev=dev, final=final))
