"""MI412 for a Rust program: the crates its binary links are those reachable from its package in Cargo.lock, not
its dev-dependencies' (mithril-aggregator, heldout7: httpmock, a dev-dependency, brings isahc, curl-sys and
libz-sys into the lock); and libz-sys links libz, which every Debian image has (zlib1g: dpkg pre-depends on it)."""
from __future__ import annotations

import pytest

import kb
from tests.lint.context_files import lint_with_files

MANIFEST = ('[package]\nname = "app"\nversion = "0.1.0"\nedition = "2021"\n\n[dependencies]\n{deps}\n\n'
            '[dev-dependencies]\nhttpmock = "0.6"\n')


def lock(*packages: tuple[str, list[str]]) -> str:
    out = ["version = 3\n"]
    for name, deps in packages:
        out.append(f'[[package]]\nname = "{name}"\nversion = "1.0.0"\n')
        if deps:
            out.append("dependencies = [\n" + "".join(f' "{d}",\n' for d in deps) + "]\n")
        out.append("\n")
    return "".join(out)


LOCK = lock(("app", ["httpmock", "serde", "git2"]), ("serde", []), ("httpmock", ["isahc"]),
            ("isahc", ["curl", "curl-sys"]), ("curl", ["curl-sys"]), ("curl-sys", ["libz-sys"]), ("libz-sys", []),
            ("git2", ["libgit2-sys"]), ("libgit2-sys", []))


def dockerfile(final: str) -> str:
    return (f"FROM rust:1.80-bookworm AS build\nWORKDIR /app\nCOPY . .\nRUN cargo build --release\n"
            f"FROM {final}\nCOPY --from=build /app/target/release/app /app\nENTRYPOINT [\"/app\"]\n")


@pytest.fixture(scope="module")
def knowledge():
    return kb.load().knowledge


def mi412(knowledge, text, files, tmp_path):
    return [f.message for f in lint_with_files(knowledge, text, files, tmp_path) if f.rule == "MI412"]


def test_a_crate_only_a_dev_dependency_brings_is_not_linked(knowledge, tmp_path):
    files = {"Cargo.toml": MANIFEST.format(deps='serde = "1"'), "Cargo.lock": LOCK}
    assert mi412(knowledge, dockerfile("gcr.io/distroless/cc-debian12"), files, tmp_path) == []


def test_a_crate_a_normal_dependency_brings_still_counts(knowledge, tmp_path):
    files = {"Cargo.toml": MANIFEST.format(deps='serde = "1"\ncurl = "0.4"'), "Cargo.lock": LOCK.replace(
        'name = "app"\nversion = "1.0.0"\ndependencies = [\n', 'name = "app"\nversion = "1.0.0"\ndependencies = [\n "curl",\n')}
    [msg] = mi412(knowledge, dockerfile("gcr.io/distroless/cc-debian12"), files, tmp_path)
    assert msg.startswith("gcr.io/distroless/cc-debian12 lacks libcurl (the crate curl-sys in Cargo.lock), "
                          "libz (the crate libz-sys in Cargo.lock, which links the system's copy when the build finds "
                          "it: zlib1g-dev in rust:1.80-bookworm)")


def test_without_a_package_manifest_every_crate_of_the_lock_counts(knowledge, tmp_path):
    """A virtual workspace manifest (no [package]) or none: lint cannot tell which member is built."""
    files = {"Cargo.toml": '[workspace]\nmembers = ["app"]\n', "Cargo.lock": LOCK}
    [msg] = mi412(knowledge, dockerfile("gcr.io/distroless/cc-debian12"), files, tmp_path)
    assert "libcurl (the crate curl-sys in Cargo.lock)" in msg


def test_libz_sys_on_a_debian_image_finds_zlib_there(knowledge, tmp_path):
    files = {"Cargo.toml": MANIFEST.format(deps='libz-sys = "1"'),
             "Cargo.lock": lock(("app", ["libz-sys"]), ("libz-sys", []))}
    assert mi412(knowledge, dockerfile("debian:bookworm-slim"), files, tmp_path) == []
    [msg] = mi412(knowledge, dockerfile("gcr.io/distroless/cc-debian12"), files, tmp_path)
    assert msg.startswith("gcr.io/distroless/cc-debian12 lacks libz (the crate libz-sys in Cargo.lock, which links the "
                          "system's copy when the build finds it: zlib1g-dev in rust:1.80-bookworm)")
