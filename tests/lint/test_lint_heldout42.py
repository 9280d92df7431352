"""What the held-out batch 42 (tests/lint/realworld, heldout42-2026-12-03) showed lint missing, as mechanisms (issue
9): a Rust program of the context's Cargo project copied prebuilt into an image without a C library (MI431), unless
the context builds it for musl; an npm package whose glibc build loads through gcompat, installed in a stage that
has gcompat and copied by way of `cp -r node_modules/ /app/` into a final stage that has none (MI408); an npm name
written with capitals (uWebSockets.js). Each test is a small Dockerfile of our own, not a corpus file."""
from __future__ import annotations

from kb.evidence.dockerfile_parse import parse_dockerfile_text
from kb.lint import lint_report


def findings(knowledge, text: str, rule: str, context: str | None = None) -> list:
    report = lint_report(knowledge, parse_dockerfile_text(text, "Dockerfile"), context_dir=context)
    return [f for f in report if f.rule == rule]


# ---- MI431: a prebuilt Rust program in an image without a C library ------------------------------------------------

_STATIC = """\
FROM gcr.io/distroless/static-debian12:nonroot
COPY {name} /omen
ENTRYPOINT ["/omen"]
"""
_CARGO = '[package]\nname = "omen-cli"\nversion = "4.24.1"\nedition = "2021"\n\n[[bin]]\nname = "omen"\npath = "src/main.rs"\n'


def _project(tmp_path, **files: str) -> str:
    (tmp_path / "Cargo.toml").write_text(_CARGO)
    for name, text in files.items():
        path = tmp_path / name.replace("__", "/")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return str(tmp_path)


def test_a_prebuilt_rust_program_on_distroless_static_is_most_likely_a_glibc_build(knowledge, tmp_path):
    [f] = findings(knowledge, _STATIC.format(name="omen"), "MI431", _project(tmp_path))
    assert (f.severity, f.line) == ("warning", 2)
    assert "Cargo program omen" in f.message and "no C library" in f.message


def test_one_the_context_builds_for_musl_is_not_judged(knowledge, tmp_path):
    workflow = "jobs:\n  build:\n    steps:\n      - run: cargo build --release --target x86_64-unknown-linux-musl\n"
    context = _project(tmp_path, **{".github__workflows__release.yml": workflow})
    assert findings(knowledge, _STATIC.format(name="omen"), "MI431", context) == []


def test_the_file_name_decides_where_it_says_the_target(knowledge, tmp_path):
    context = _project(tmp_path)
    assert findings(knowledge, _STATIC.format(name="omen-x86_64-unknown-linux-musl"), "MI431", context) == []
    assert len(findings(knowledge, _STATIC.format(name="omen-x86_64-unknown-linux-gnu"), "MI431", context)) == 1


def test_a_file_that_is_no_program_of_the_project_is_not_judged(knowledge, tmp_path):
    assert findings(knowledge, _STATIC.format(name="other"), "MI431", _project(tmp_path)) == []


# ---- MI408: a shim the build stage had, left behind --------------------------------------------------------------

_SOKETI = """\
FROM node:20-alpine AS build
RUN apk add --no-cache gcompat
WORKDIR /tmp/build
COPY . .
RUN npm ci && mkdir -p /app && cp -r bin/ node_modules/ package.json /app/
FROM node:20-alpine
{extra}COPY --from=build /app /app
ENTRYPOINT ["node", "/app/bin/server.js"]
"""
_UWS = '{"dependencies": {"uWebSockets.js": "github:uNetworking/uWebSockets.js#v20.10.0"}}'
_LOCK = ('{"lockfileVersion": 3, "packages": {"": {"dependencies": {"uWebSockets.js": '
         '"github:uNetworking/uWebSockets.js#v20.10.0"}}, "node_modules/uWebSockets.js": {"version": "20.10.0"}}}')


def _node(tmp_path) -> str:
    (tmp_path / "package.json").write_text(_UWS)
    (tmp_path / "package-lock.json").write_text(_LOCK)
    return str(tmp_path)


def test_node_modules_copied_away_from_gcompat_fail_at_require(knowledge, tmp_path):
    [f] = findings(knowledge, _SOKETI.format(extra=""), "MI408", _node(tmp_path))
    assert f.line == 7 and "uwebsockets.js" in f.message and "neither gcompat nor libc6-compat" in f.message


def test_the_final_stage_with_libc6_compat_is_clean(knowledge, tmp_path):
    text = _SOKETI.format(extra="RUN apk add --no-cache libc6-compat\n")
    assert findings(knowledge, text, "MI408", _node(tmp_path)) == []


def test_without_gcompat_anywhere_the_install_itself_is_named(knowledge, tmp_path):
    [f] = findings(knowledge, _SOKETI.replace("RUN apk add --no-cache gcompat\n", "").format(extra=""), "MI408",
                   _node(tmp_path))
    assert f.line == 4 and "gcompat or libc6-compat in the image lets them load" in f.message
