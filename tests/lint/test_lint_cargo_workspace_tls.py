"""MI411 for a Rust program of a cargo workspace: only the crates of the member that builds it count as evidence of
outgoing TLS (kb/lint/cargobuilt.py), not another member's (a benches crate calling reqwest); an HTTPS client crate of
its own (an SDK whose TLS stack its manifest does not show) does."""
from __future__ import annotations

import pytest

import kb
from tests.lint.context_files import lint_with_files

DOCKERFILE = ("FROM rust:1.85-bookworm AS b\nWORKDIR /s\nCOPY . .\nRUN cargo build --release\n"
              "FROM debian:bookworm-slim\nCOPY --from=b /s/target/release/srv /usr/local/bin/srv\nCMD [\"srv\"]\n")
ROOT = '[workspace]\nmembers = ["server", "benches", "core"]\nresolver = "2"\n'
BENCHES = '[package]\nname = "benches"\nversion = "0.1.0"\n\n[dependencies]\nreqwest = "0.11"\n'
CORE = '[package]\nname = "core"\nversion = "0.1.0"\n\n[dependencies]\n{dep}'


def workspace(server_deps: str = "", core_dep: str = "") -> dict[str, str]:
    server = ('[package]\nname = "srv"\nversion = "0.1.0"\n\n[dependencies]\ntokio = "1"\n'
              'core = { path = "../core" }\n' + server_deps)
    return {"Cargo.toml": ROOT, "server/Cargo.toml": server, "server/src/main.rs": "fn main() {}\n",
            "benches/Cargo.toml": BENCHES, "benches/src/lib.rs": "\n", "core/Cargo.toml": CORE.format(dep=core_dep),
            "core/src/lib.rs": "\n"}


@pytest.fixture(scope="module")
def knowledge():
    return kb.load().knowledge


def ca_findings(knowledge, files, tmp_path):
    return [(f.rule, f.severity, f.message) for f in lint_with_files(knowledge, DOCKERFILE, files, tmp_path, ())
            if f.rule in ("MI411", "MI416")]


def test_another_members_https_client_is_not_evidence_for_the_program(knowledge, tmp_path):
    assert ca_findings(knowledge, workspace(), tmp_path) == []


def test_an_sdk_the_program_reaches_through_a_path_member_is(knowledge, tmp_path):
    [(rule, severity, text)] = ca_findings(knowledge, workspace(core_dep='aws-config = "1"\n'), tmp_path)
    assert (rule, severity) == ("MI411", "warning")
    assert "the Rust program /usr/local/bin/srv makes TLS calls (its crate aws-config: AWS SDK for Rust)" in text


def test_the_programs_own_tls_crate_is_named_with_its_manifest(knowledge, tmp_path):
    [(rule, _, text)] = ca_findings(knowledge, workspace(server_deps='native-tls = "0.2"\n'), tmp_path)
    assert rule == "MI411" and "(server/Cargo.toml: openssl)" in text


def test_with_a_lockfile_only_the_crates_the_program_reaches_count(knowledge, tmp_path):
    lock = ('version = 3\n\n[[package]]\nname = "srv"\nversion = "0.1.0"\ndependencies = ["core", "tokio"]\n\n'
            '[[package]]\nname = "core"\nversion = "0.1.0"\n\n[[package]]\nname = "tokio"\nversion = "1.0.0"\n\n'
            '[[package]]\nname = "benches"\nversion = "0.1.0"\ndependencies = ["reqwest"]\n\n'
            '[[package]]\nname = "reqwest"\nversion = "0.11.27"\ndependencies = ["native-tls"]\n\n'
            '[[package]]\nname = "native-tls"\nversion = "0.2.11"\n')
    files = {**workspace(), "Cargo.lock": lock}
    assert ca_findings(knowledge, files, tmp_path) == []
    files["Cargo.lock"] = lock.replace('dependencies = ["core", "tokio"]', 'dependencies = ["core", "tokio", "reqwest"]')
    files["server/Cargo.toml"] += 'reqwest = "0.11"\n'
    [(rule, _, text)] = ca_findings(knowledge, files, tmp_path / "second")
    assert rule == "MI411" and "makes TLS calls" in text
