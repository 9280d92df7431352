"""What the held-out batch 38 (tests/lint/realworld, heldout38-2026-12-03) showed lint missing, as mechanisms
(issue 9): a binary GoReleaser's `dockers:` puts in the Docker context when the listed context has no go.mod (MI402);
lzma-sys, which links the system liblzma where the builder has liblzma-dev (MI412). Each test is a small Dockerfile
of our own, not a corpus file."""
from __future__ import annotations

from kb.evidence.dockerfile_parse import parse_dockerfile_text
from kb.lint import lint_report


def findings(knowledge, text: str, rule: str, context: str | None = None) -> list:
    report = lint_report(knowledge, parse_dockerfile_text(text, "Dockerfile"), context_dir=context)
    return [f for f in report if f.rule == rule]


# ---- MI402: GoReleaser's dockers binaries, go.mod or not ---------------------------------------------------------

_GORELEASER = ("builds:\n  - binary: prestd\n    main: ./cmd/prestd/main.go\n{env}dockers:\n  - binaries:\n"
               "      - prestd\n    image_templates:\n      - \"prest/prest:{{{{ .Tag }}}}\"\n")
_PRESTD = "FROM alpine:3.7\nCOPY prestd /prestd\nENTRYPOINT [\"/prestd\"]\n"


def test_a_goreleaser_docker_binary_is_the_context_program_without_go_mod(knowledge, tmp_path):
    (tmp_path / ".goreleaser.yml").write_text(_GORELEASER.format(env=""))
    [f] = findings(knowledge, _PRESTD, "MI402", str(tmp_path))
    assert (f.severity, f.line) == ("warning", 2)
    assert "CGO_ENABLED is not set in `goreleaser`" in f.message and "the Go program /prestd" in f.message


def test_a_goreleaser_build_with_cgo_off_says_nothing(knowledge, tmp_path):
    (tmp_path / ".goreleaser.yml").write_text(_GORELEASER.format(env="    env:\n      - CGO_ENABLED=0\n"))
    assert findings(knowledge, _PRESTD, "MI402", str(tmp_path)) == []


# ---- MI412: lzma-sys links the system liblzma where the build finds it -------------------------------------------

_RUST = """\
FROM {builder} AS builder
WORKDIR /usr/src/app
COPY . .
RUN cargo build --release
FROM gcr.io/distroless/cc-debian12
COPY --from=builder /usr/src/app/target/release/diag /usr/local/bin/diag
ENTRYPOINT ["/usr/local/bin/diag"]
"""


def _cargo(tmp_path, features: str = "") -> str:
    (tmp_path / "Cargo.toml").write_text(f'[package]\nname = "diag"\nversion = "0.1.0"\n\n[dependencies]\n'
                                         f'xz2 = {{ version = "0.1"{features} }}\n')
    (tmp_path / "Cargo.lock").write_text(
        'version = 3\n\n[[package]]\nname = "diag"\nversion = "0.1.0"\ndependencies = [\n "xz2",\n]\n\n'
        '[[package]]\nname = "lzma-sys"\nversion = "0.1.20"\n\n'
        '[[package]]\nname = "xz2"\nversion = "0.1.7"\ndependencies = [\n "lzma-sys",\n]\n')
    return str(tmp_path)


def test_lzma_sys_links_the_builders_liblzma(knowledge, tmp_path):
    [f] = findings(knowledge, _RUST.format(builder="rust:1.86"), "MI412", _cargo(tmp_path))
    assert (f.severity, f.line) == ("warning", 6)
    assert "lacks liblzma (the crate lzma-sys in Cargo.lock" in f.message and "liblzma-dev in rust:1.86" in f.message


def test_lzma_sys_static_or_no_liblzma_dev_says_nothing(knowledge, tmp_path):
    assert findings(knowledge, _RUST.format(builder="rust:1.86"), "MI412",
                    _cargo(tmp_path, ', features = ["static"]')) == []
    assert findings(knowledge, _RUST.format(builder="rust:1.86-slim"), "MI412", _cargo(tmp_path)) == []
