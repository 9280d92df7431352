"""Images lint does not know or cannot date (issue 9, the tenth blind batch): the release a derived image's tag
names (kb/lint/tagrelease.py), a floating final image frozen by a digest (MI419, kb/lint/digests.py), and make's
`$(if)` quiet prefix that hid step-kms-plugin's `go build`."""
from __future__ import annotations

import pytest

from kb.lint import profile_for
from kb.lint.makefiles import recipes
from kb.lint.tagrelease import release_from_tag

from tests.bounded import within
from tests.lint.context_files import findings_of

C_BUILD = """FROM debian:trixie AS build
RUN apt-get update && apt-get install -y gcc
COPY main.c /src/main.c
RUN gcc -O2 -o /app /src/main.c
FROM {final}
COPY --from=build /app /app
ENTRYPOINT ["/app"]
"""


@pytest.mark.parametrize("ref, libc, release", [
    ("smallstep/step-cli:bullseye", "glibc", "debian11"),
    ("example/app:1.4-bookworm-slim", "glibc", "debian12"),
    ("example/app:3.12-slim_trixie", "glibc", "debian13"),
    ("nvidiaish/cuda:12.2.0-runtime-ubuntu22.04", "glibc", "ubuntu22.04"),
    ("example/app:jammy-20240101", "glibc", "ubuntu22.04"),
    ("example/app:2.0-debian12", "glibc", "debian12"),
    ("example/app:9.4-ubi9", "glibc", "rhel9"),
    ("example/app:2-centos7", "glibc", "rhel7"),
    ("example/app:centos8", "glibc", "rhel8"),
    ("example/app:1-rockylinux10", "glibc", "rhel10"),
    ("example/go:1.21-alpine3.19", "musl", None),
    ("example/node:20-alpine", "musl", None),
    ("registry.example.com:5000/team/app:bookworm@sha256:" + "a" * 64, "glibc", "debian12"),
])
def test_a_tag_token_names_its_release(ref, libc, release):
    libc_found, release_found, _token = release_from_tag(ref)
    assert (libc_found, release_found) == (libc, release)


@pytest.mark.parametrize("ref", [
    "example/app:bullseyex",  # not a whole token
    "example/app:bookworm2",
    "bullseye/app:1.0",  # the repository's name is no tag
    "registry.example.com:5000/bookworm/app",  # the port is no tag either
    "example/app:ubuntu21.04",  # not an LTS the knowledge lists
    "example/app:centos9",  # CentOS ended at 8 (Stream is no tag token)
    "example/app:alpine-bookworm",  # two libcs: neither
    "example/app:bullseye-bookworm",  # two releases: neither
    "example/app@sha256:" + "b" * 64,
])
def test_no_release_where_no_whole_token_names_one(ref):
    assert release_from_tag(ref) is None


def test_an_unknown_image_tagged_with_its_release_gets_the_skew_and_says_it_inferred_it(knowledge):
    prof = profile_for(knowledge, "example/step-cli:bullseye")
    assert (prof.known, prof.libc, prof.glibc, prof.inferred) == (False, "glibc", "2.31", "bullseye")
    [f] = findings_of(knowledge, C_BUILD.format(final="example/step-cli:bullseye"), "MI404")
    assert f.line == 6 and f.severity == "error"
    assert "debian11, inferred from the tag's 'bullseye' of an image lint does not know, glibc 2.31" in f.message
    [info] = findings_of(knowledge, C_BUILD.format(final="example/step-cli:bullseye"), "MI414")
    assert info.message.endswith("; its tag's 'bullseye' was read as debian11 (glibc) for the libc checks, but what "
                                 "else it has (libraries, shell, users, CA bundle) is not known")


def test_an_unknown_image_without_a_release_token_stays_an_info(knowledge):
    text = C_BUILD.format(final="example/step-cli:stable")
    assert [f.rule for f in findings_of(knowledge, text, "MI404")] == []
    [info] = findings_of(knowledge, text, "MI414")
    assert info.message.endswith("it is neither in the image catalogue nor in image_families")


def test_a_glibc_program_on_an_unknown_alpine_tag_is_mi401(knowledge):
    [f] = findings_of(knowledge, C_BUILD.format(final="example/runtime:2.1-alpine3.20"), "MI401")
    assert "musl, not glibc (musl, inferred from the tag's 'alpine3.20' of an image lint does not know)" in f.message


def test_a_known_family_is_not_read_from_its_tag(knowledge):
    assert profile_for(knowledge, "debian:bookworm-slim").inferred == ""


@pytest.mark.parametrize("ref,release,glibc", [("gcr.io/distroless/base-debian10", "debian10", "2.28"),
                                               ("gcr.io/distroless/cc-debian9:debug", "debian9", "2.24"),
                                               ("gcr.io/distroless/base-debian12:nonroot", "debian12", "2.36")])
def test_distroless_debian_suffixes_name_their_release(knowledge, ref, release, glibc):
    """int128/kubelogin#980: golang:1.21 (glibc 2.36) into base-debian10 was read as Debian 13, and passed."""
    prof = profile_for(knowledge, ref)
    assert (prof.release, prof.glibc) == (release, glibc)


# ---- MI419: a floating final image frozen by a digest -------------------------------------------------------------

DIGEST = "@sha256:" + "c" * 64


def test_a_digest_on_a_floating_final_tag_is_a_warning_naming_both_references(knowledge):
    final = "gcr.io/distroless/cc:debug" + DIGEST
    [f] = findings_of(knowledge, C_BUILD.format(final=final), "MI419")
    assert (f.line, f.severity) == (6, "warning")
    assert "builds on debian:trixie (debian13, glibc 2.41)" in f.message and f"into {final}" in f.message
    assert "name the release in the tag as well as the digest" in f.fix


@pytest.mark.parametrize("final", ["gcr.io/distroless/cc-debian12:debug" + DIGEST, "debian:bookworm-slim" + DIGEST,
                                   "gcr.io/distroless/cc:debug"])
def test_no_warning_when_the_tag_names_the_release_or_nothing_is_frozen(knowledge, final):
    assert findings_of(knowledge, C_BUILD.format(final=final), "MI419") == []


def test_a_builder_frozen_by_a_digest_moves_no_more(knowledge):
    """MI415 says a floating builder may move past the final image; a digest stops it moving."""
    text = C_BUILD.replace("debian:trixie AS", "debian:stable-slim AS").format(final="debian:trixie-slim")
    assert [f.rule for f in findings_of(knowledge, text, "MI415")] == ["MI415"]
    frozen = C_BUILD.replace("debian:trixie AS", f"debian:stable-slim{DIGEST} AS").format(final="debian:trixie-slim")
    assert findings_of(knowledge, frozen, "MI415") == []


# ---- make's $(if): the quiet prefix ------------------------------------------------------------------------------

MAKEFILE = "Q=$(if $V,,@)\nBIN?=app\nbuild:\n\t$Q go build -o bin/$(BIN) .\n"


@pytest.mark.parametrize("overrides", [{}, {"V": "1"}])
def test_the_quiet_prefix_expands_to_nothing_or_to_makes_at(overrides):
    assert recipes(MAKEFILE, ["build"], overrides) == ["go build -o bin/app ."]


def test_tag_reading_is_linear_on_hostile_tags():
    with within():
        for n in range(1000):
            assert release_from_tag("x/y:" + "-" * 127 + "z" * (n % 3)) is None
        assert release_from_tag("x/y:" + "bullseye-" * 20_000) is None  # longer than a tag may be


# ---- families beside the official ones: Arch Linux, PyTorch, CUDA ---------------------------------------------------

@pytest.mark.parametrize("ref, source, release, gcc", [
    ("archlinux:latest", "family archlinux", "none", False),  # rolling: no glibc claimed
    ("archlinux:base-devel", "family archlinux-base-devel", "none", True),
    ("pytorch/pytorch:1.9.1-cuda11.1-cudnn8-runtime", "family pytorch", "ubuntu18.04", False),
    ("pytorch/pytorch:2.4.0-cuda12.1-cudnn9-runtime", "family pytorch", "none", False),  # not dated by version
    ("nvidia/cuda:12.2.0-runtime-ubuntu22.04", "family nvidia-cuda", "ubuntu22.04", False),
])
def test_families_beside_the_official_ones(knowledge, ref, source, release, gcc):
    prof = profile_for(knowledge, ref)
    assert (prof.known, prof.source, prof.release, prof.gcc, prof.libc) == (True, source, release, gcc, "glibc")


def test_cuda_devel_and_ubi_tags_are_read_from_the_tag_only(knowledge):
    devel = profile_for(knowledge, "nvidia/cuda:12.2.0-devel-ubuntu22.04")
    assert (devel.known, devel.glibc, devel.inferred) == (False, "2.35", "ubuntu22.04")
    assert profile_for(knowledge, "nvidia/cuda:12.2.0-base-ubi9").glibc == "2.34"


def test_a_program_built_on_arch_into_an_older_debian_is_unchecked_not_silent(knowledge):
    text = C_BUILD.replace("FROM debian:trixie AS build\nRUN apt-get update && apt-get install -y gcc",
                           "FROM archlinux:base-devel AS build").format(final="debian:bookworm-slim")
    [info] = findings_of(knowledge, text, "MI414")
    assert info.line == 1 and "family archlinux-base-devel" in info.message
