"""Build commands read like the ones they stand for (kb/lint/builds.py): `vgo build`, the 2018 prototype of Go
modules, like `go build`; `cargo zigbuild` like `cargo build`, but linked against the glibc its --target suffix
pins (`x86_64-unknown-linux-gnu.2.17`), which MI404 and MI415 judge instead of the builder's."""
from __future__ import annotations

import pytest

from kb.lint import lint_text

ZIG = """FROM {builder} AS build
RUN cargo install cargo-zigbuild && pip3 install --break-system-packages ziglang
WORKDIR /src
COPY . .
RUN cargo zigbuild --release{target}
FROM {final}
COPY --from=build /src/target/{triple}release/server /usr/local/bin/server
ENTRYPOINT ["server"]
"""


def findings(knowledge, text, rule):
    return [f for f in lint_text(knowledge, text) if f.rule == rule]


def zig(builder="rust:1.80-bookworm", target="x86_64-unknown-linux-gnu.2.17", final="debian:buster-slim"):
    return ZIG.format(builder=builder, final=final, target=f" --target {target}" if target else "",
                      triple=target.partition(".")[0] + "/" if target else "")


def test_a_zigbuild_pinned_to_an_older_glibc_is_clean_on_an_older_image(knowledge):
    assert findings(knowledge, zig(), "MI404") == []


def test_the_zigbuild_is_followed_to_the_final_image(knowledge):
    """The program is read (its target/TRIPLE/ directory, without the suffix): on scratch it still needs glibc."""
    [finding] = findings(knowledge, zig(final="scratch"), "MI401")
    assert finding.line == 7
    assert finding.message.startswith("the Rust program /usr/local/bin/server is linked dynamically against glibc "
                                      "(cargo zigbuild --target x86_64-unknown-linux-gnu.2.17 links glibc 2.17")


def test_a_zigbuild_pinned_newer_than_the_image_names_the_pinned_glibc(knowledge):
    [finding] = findings(knowledge, zig(target="x86_64-unknown-linux-gnu.2.35"), "MI404")
    assert finding.line == 7
    assert ("built on rust:1.80-bookworm (debian12, glibc 2.36; cargo zigbuild --target "
            "x86_64-unknown-linux-gnu.2.35 links glibc 2.35 dynamically, not the builder's) but runs on "
            "debian:buster-slim (debian10, glibc 2.28)") in finding.message


@pytest.mark.parametrize("image", ["debian:bullseye-slim", "debian:bookworm-slim", "ubuntu:20.04"])
def test_any_image_with_the_pinned_glibc_or_newer_is_clean(knowledge, image):
    assert findings(knowledge, zig(final=image), "MI404") == []


def test_a_zigbuild_without_target_is_a_cargo_build_on_the_builders_glibc(knowledge):
    [finding] = findings(knowledge, zig(target=""), "MI404")
    assert finding.line == 7 and "built on rust:1.80-bookworm (debian12, glibc 2.36) but runs on" in finding.message


def test_a_zigbuild_without_a_suffix_claims_no_glibc_version(knowledge):
    """zig's default glibc is its own, not the builder's: no MI404 from the builder's release."""
    assert findings(knowledge, zig(target="x86_64-unknown-linux-gnu"), "MI404") == []


def test_a_zigbuild_for_musl_is_static(knowledge):
    assert findings(knowledge, zig(target="x86_64-unknown-linux-musl", final="scratch"), "MI401") == []


def test_a_pinned_glibc_does_not_float_with_the_builder_tag(knowledge):
    text = zig(builder="rust:1", final="debian:trixie-slim")
    assert findings(knowledge, text, "MI415") == []
    moved = text.replace("cargo zigbuild --release --target x86_64-unknown-linux-gnu.2.17", "cargo build --release "
                         "--target x86_64-unknown-linux-gnu")
    assert [f.line for f in findings(knowledge, moved, "MI415")] == [7]


VGO = """FROM golang:1.22-bookworm AS build
RUN go install golang.org/x/vgo@latest
WORKDIR /src
COPY . .
RUN {env}vgo build -o /out/app .
FROM alpine:3.20
COPY --from=build /out/app /usr/local/bin/app
ENTRYPOINT ["app"]
"""


def test_vgo_build_is_read_as_go_build(knowledge):
    [finding] = findings(knowledge, VGO.format(env=""), "MI401")
    assert finding.line == 7
    assert finding.message.startswith("the Go program /usr/local/bin/app is linked dynamically against glibc "
                                      "(CGO_ENABLED is not set and golang:1.22-bookworm has a C compiler")


def test_vgo_build_with_cgo_off_is_clean(knowledge):
    assert findings(knowledge, VGO.format(env="CGO_ENABLED=0 "), "MI401") == []


HOST = {"go.mod": "module example.com/exporter\n\ngo 1.21\n",
        "main.go": "package main\n\nimport \"net/http\"\n\nfunc main() { http.ListenAndServe(\":8080\", nil) }\n"}


@pytest.mark.parametrize("recipe, flagged", [("CGO_ENABLED=0 vgo build .", False), ("vgo build .", True)])
def test_a_makefiles_vgo_build_is_the_host_build_of_the_copied_program(knowledge, tmp_path, recipe, flagged):
    from tests.lint.context_files import lint_with_files

    files = {**HOST, "Makefile": f"all: exporter\n\nexporter: main.go\n\t{recipe}\n"}
    text = "FROM scratch\nCOPY ./exporter /exporter\nENTRYPOINT [\"/exporter\"]\n"
    found = [f for f in lint_with_files(knowledge, text, files, tmp_path) if f.rule == "MI402"]
    assert [f.line for f in found] == ([2] if flagged else [])
    if flagged:
        assert f"`make exporter`, the build outside the Dockerfile that made it (Makefile:4: {recipe})" in found[0].message


def test_a_zigbuild_in_a_workspace_member_writes_to_the_roots_target(knowledge):
    text = zig(final="scratch").replace("WORKDIR /src", "WORKDIR /src/crates/server")  # COPY takes /src/target/
    assert [f.line for f in findings(knowledge, text, "MI401")] == [7]
