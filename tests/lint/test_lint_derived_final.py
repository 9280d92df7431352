"""A final stage built FROM another stage (`FROM base AS rootless`) holds what arrived in that stage by COPY --from:
the program checks see it at the COPY that brought it, and name the image the stages start from, not the stage
(s3rius/rustus#153: the COPY of a rust:buster program was in `base`, the final stage only added a user)."""
from __future__ import annotations

from kb.lint import lint_text

GO_TO_SCRATCH = """FROM golang:1.22 AS build
WORKDIR /src
COPY . .
RUN go build -o /app .
FROM scratch AS base
COPY --from=build /app /app
FROM base
ENTRYPOINT ["/app"]
"""

RUST_SKEW = """FROM rust:1.80-{builder} AS build
WORKDIR /src
COPY . .
RUN cargo build --release
FROM debian:bullseye-slim AS base
COPY --from=build /src/target/release/app /usr/local/bin/app
FROM base AS rootless
USER nobody
ENTRYPOINT ["app"]
"""


def found(knowledge, text: str) -> list[tuple[int, str, str]]:
    return [(f.line, f.rule, f.severity) for f in lint_text(knowledge, text, context_dir=None)
            if f.severity in ("error", "warning")]


def test_a_cgo_go_program_copied_into_scratch_by_the_base_stage_is_an_error(knowledge):
    assert found(knowledge, GO_TO_SCRATCH) == [(6, "MI401", "error")]


def test_a_newer_builders_program_in_the_base_stage_is_mi404_naming_the_image(knowledge):
    [f] = [f for f in lint_text(knowledge, RUST_SKEW.format(builder="bookworm"), context_dir=None)
           if f.rule == "MI404"]
    assert (f.line, f.severity) == (6, "error")
    assert "built on rust:1.80-bookworm (debian12, glibc 2.36) but runs on debian:bullseye-slim (debian11" in f.message


def test_the_same_release_in_both_stages_stays_quiet(knowledge):
    assert found(knowledge, RUST_SKEW.format(builder="bullseye")) == []


def test_each_finding_is_reported_once_though_two_stages_hold_the_program(knowledge):
    text = GO_TO_SCRATCH.replace("FROM base\n", "FROM base AS mid\nFROM mid\n")
    assert found(knowledge, text) == [(6, "MI401", "error")]
