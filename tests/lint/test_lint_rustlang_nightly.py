"""rustlang/rust's nightly images as an image family (knowledge/image-families.yaml): nightly and nightly-slim follow
the official image's default Debian (stretch, buster from August 2019, bullseye from April 2023, bookworm from
February 2024, trixie since August 2025), nightly-RELEASE[-slim] name theirs, nightly-alpine is musl. From
heldout12's sonic (issue #221: CXXABI_1.3.11 not found on debian:stretch-slim after a nightly-slim build)."""
from __future__ import annotations

import pytest

from kb.lint import profile_for
from tests.lint.context_files import lint_with_files

SONIC = """FROM rustlang/rust:{tag} AS build
RUN apt-get update
RUN apt-get install -y build-essential clang
RUN cargo install sonic-server
RUN strip /usr/local/cargo/bin/sonic
FROM debian:{final}
WORKDIR /usr/src/sonic
COPY --from=build /usr/local/cargo/bin/sonic /usr/local/bin/sonic
CMD [ "sonic", "-c", "/etc/sonic.cfg" ]
"""


def rules(findings, rule):
    return [f for f in findings if f.rule == rule]


@pytest.mark.parametrize("tag,release,floating", [
    ("nightly", "debian13", True), ("nightly-slim", "debian13", True), ("nightly-trixie-slim", "debian13", False),
    ("nightly-bookworm", "debian12", False), ("nightly-bullseye-slim", "debian11", False),
    ("nightly-buster-slim", "debian10", False), ("nightly-stretch", "debian9", False)])
def test_the_nightly_tags_and_their_debian_releases(knowledge, tag, release, floating):
    for repo in ("rustlang/rust", "ghcr.io/rust-lang/rust"):
        prof = profile_for(knowledge, f"{repo}:{tag}")
        assert prof.known and (prof.libc, prof.release, prof.rust_target) == ("glibc", release, "gnu")
        assert bool(prof.floating) == floating and prof.gcc


def test_nightly_alpine_is_musl(knowledge):
    prof = profile_for(knowledge, "rustlang/rust:nightly-alpine")
    assert prof.known and (prof.libc, prof.rust_target) == ("musl", "musl")


def test_sonic_on_nightly_slim_into_stretch_is_an_error_judged_as_of_today(knowledge):
    found = lint_with_files(knowledge, SONIC.format(tag="nightly-slim", final="stretch-slim"))
    [f] = rules(found, "MI404")
    assert (f.line, f.severity) == (8, "error")
    assert ("built on rustlang/rust:nightly-slim (debian13, glibc 2.41) but runs on debian:stretch-slim (debian9, "
            "glibc 2.24)") in f.message
    assert "the verdict is as of today" in f.message and "buster until April 2023" in f.message
    assert rules(found, "MI414") == []


def test_the_fix_nightly_buster_slim_into_buster_slim_is_quiet(knowledge):
    found = lint_with_files(knowledge, SONIC.format(tag="nightly-buster-slim", final="buster-slim"))
    assert [f for f in found if f.severity in ("error", "warning")] == []
    assert rules(found, "MI414") == []  # known now, not only read from the tag
