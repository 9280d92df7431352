"""What the held-out batch 48 (tests/lint/realworld, heldout48-2026-12-04) showed lint giving the wrong reason for, as
a mechanism (issue 9): one libssl soname holding two OpenSSL releases (libssl.so.1.1 is 1.1.0 on Debian 9, 1.1.1 on
Debian 10 and 11), so a program built on buster fails on stretch with "version 'OPENSSL_1_1_1' not found"
(mozilla-services/autopush-rs#124), which MI404 alone put down to glibc. Each test is a small Dockerfile of our own,
not a corpus file."""
from __future__ import annotations

import pytest

from tests.lint.context_files import lint_with_files

_LOCK = {"Cargo.lock": 'version = 3\n\n[[package]]\nname = "app"\nversion = "0.1.0"\n\n'
                       '[[package]]\nname = "openssl-sys"\nversion = "0.9.50"\n'}
_BUILD = """\
FROM {builder} AS build
WORKDIR /src
COPY . .
RUN cargo build --release
FROM {final}
RUN apt-get update && apt-get install -y libssl1.1 ca-certificates
COPY --from=build /src/target/release/app /app
CMD ["/app"]
"""


def _mi450(knowledge, tmp_path, builder, final):
    text = _BUILD.format(builder=builder, final=final)
    return [f for f in lint_with_files(knowledge, text, _LOCK, tmp_path) if f.rule == "MI450"]


def test_a_build_on_openssl_111_that_runs_on_110_names_the_symbol_version(knowledge, tmp_path):
    [f] = _mi450(knowledge, tmp_path, "rust:1.37.0", "debian:stretch-slim")
    assert f.severity == "warning" and f.line == 7
    assert f.message.startswith("debian:stretch-slim is debian9, whose OpenSSL is 1.1.0 (libssl.so.1.1), but this "
                                "COPY brings code built on rust:1.37.0 (debian10) that links OpenSSL 1.1.1's "
                                "libssl.so.1.1 (")
    assert f.message.endswith("expect \"version 'OPENSSL_1_1_1' not found\" where it calls a function 1.1.1 added")


@pytest.mark.parametrize("builder, final", [
    ("rust:1.37.0", "debian:buster-slim"),  # the fix: one release
    ("rust:1.37.0-stretch", "debian:buster-slim"),  # built on 1.1.0, run on 1.1.1: nothing it calls is missing
    ("rust:1.56-bullseye", "ubuntu:20.04"),  # 1.1.1 on both
])
def test_one_openssl_release_or_an_older_build_is_not_reported(knowledge, tmp_path, builder, final):
    assert _mi450(knowledge, tmp_path, builder, final) == []


def test_a_soname_skew_keeps_its_own_words(knowledge, tmp_path):
    [f] = _mi450(knowledge, tmp_path, "rust:1.85-bookworm", "debian:bullseye-slim")
    assert "whose OpenSSL is 1.1 (libssl.so.1.1)" in f.message and "that links libssl.so.3 (" in f.message
    assert f.message.endswith('expect "libssl.so.3: cannot open shared object file"')


def test_an_openssl_release_a_rule_file_writes_as_text_is_read_without_a_crash(tmp_path):
    import kb

    layer = tmp_path / "mine.yaml"
    layer.write_text("releases:\n  debian9: {glibc: '2.24', debian: stretch, openssl: '1.1', "
                     "openssl_release: 'one point one'}\n")
    knowledge = kb.load(layer, cache=False).knowledge
    assert _mi450(knowledge, tmp_path, "rust:1.37.0", "debian:stretch-slim") == []
