"""Fedora and the RHEL family (UBI, CentOS, CentOS Stream, Rocky Linux, AlmaLinux, Oracle Linux) and Amazon Linux as
lint reads them: each reference resolves to its release and glibc (knowledge/releases.yaml, cited there), a floating
tag says so, and what these images ship beyond glibc (libstdc++, OpenSSL, a CA bundle) is not claimed, so no rule
reports it missing. Each Dockerfile is a small one of our own."""
from __future__ import annotations

import pytest

from kb.lint import lint_text
from kb.lint.profiles import profile_for


@pytest.mark.parametrize("ref,release,glibc", [
    ("fedora", "fedora44", "2.43"),
    ("fedora:latest", "fedora44", "2.43"),
    ("fedora:40", "fedora40", "2.39"),
    ("registry.fedoraproject.org/fedora:38", "fedora38", "2.37"),
    ("quay.io/fedora/fedora:35", "fedora35", "2.34"),
    ("centos:7", "rhel7", "2.17"),
    ("centos:centos7.9.2009", "rhel7", "2.17"),
    ("centos:8", "rhel8", "2.28"),
    ("quay.io/centos/centos:stream9", "rhel9", "2.34"),
    ("quay.io/centos/centos:stream10", "rhel10", "2.39"),
    ("rockylinux:8", "rhel8", "2.28"),
    ("rockylinux/rockylinux:9.3", "rhel9", "2.34"),
    ("almalinux:8", "rhel8", "2.28"),
    ("almalinux:9", "rhel9", "2.34"),
    ("almalinux:10", "rhel10", "2.39"),
    ("amazonlinux:2", "amzn2", "2.26"),
    ("amazonlinux:2023", "amzn2023", "2.34"),
    ("redhat/ubi8", "rhel8", "2.28"),
    ("registry.access.redhat.com/ubi8/ubi:8.10", "rhel8", "2.28"),
    ("registry.access.redhat.com/ubi8/ubi-minimal", "rhel8", "2.28"),
    ("redhat/ubi8-micro", "rhel8", "2.28"),
    ("registry.access.redhat.com/ubi9", "rhel9", "2.34"),
    ("oraclelinux:8", "ol8", "2.28"),
    ("oraclelinux:9-slim", "ol9", "2.34"),
])
def test_each_reference_names_its_release_and_glibc(knowledge, ref, release, glibc):
    p = profile_for(knowledge, ref)
    assert (p.known, p.libc, p.release, p.glibc) == (True, "glibc", release, glibc)


def test_language_images_under_the_ubi_paths_are_not_read_as_the_bare_base(knowledge):
    """ubi9/go-toolset and ubi9/python-311 add compilers the base does not have: lint does not claim to know them."""
    assert not profile_for(knowledge, "registry.access.redhat.com/ubi9/go-toolset:1.22").known
    assert profile_for(knowledge, "almalinux/9-minimal").release == "rhel9"


@pytest.mark.parametrize("ref", ["fedora:25", "fedora:45", "fedora:rawhide", "centos:6", "rockylinux:latest",
                                 "amazonlinux:2018.03", "oraclelinux:latest"])
def test_a_release_the_knowledge_does_not_list_claims_no_glibc(knowledge, ref):
    p = profile_for(knowledge, ref)
    assert (p.known, p.libc, p.glibc) == (True, "glibc", None)


def test_plain_fedora_floats_and_says_since_when_but_a_numbered_tag_does_not(knowledge):
    assert "Fedora 44 (glibc 2.43) since 28 April 2026" in profile_for(knowledge, "fedora").floating
    assert profile_for(knowledge, "fedora:43").floating == ""


def test_what_the_image_ships_beyond_glibc_is_unknown_not_absent(knowledge):
    for ref in ("fedora:44", "rockylinux:9", "amazonlinux:2023", "quay.io/buildah/stable:v1.36.0", "redhat/ubi9"):
        p = profile_for(knowledge, ref)
        assert (p.libstdcxx, p.libgcc_s, p.ca_certificates, p.libs) == (None, None, None, None), ref


SKEW = ("FROM {builder} AS build\nRUN dnf -y install gcc-c++\nCOPY main.cpp /src/main.cpp\n"
        "RUN g++ -O2 -o /app /src/main.cpp\nFROM {final}\nCOPY --from=build /app /app\nENTRYPOINT [\"/app\"]\n")


def test_a_newer_fedora_builder_than_the_rhel_final_image_is_the_glibc_skew_and_only_that(knowledge):
    found = lint_text(knowledge, SKEW.format(builder="fedora:41", final="almalinux:9"))
    assert [(f.rule, f.line, f.severity) for f in found] == [("MI404", 6, "error")]
    assert "built on fedora:41 (fedora41, glibc 2.40) but runs on almalinux:9 (rhel9, glibc 2.34)" in found[0].message


def test_the_same_release_on_both_sides_says_nothing_even_for_cxx(knowledge):
    assert lint_text(knowledge, SKEW.format(builder="quay.io/centos/centos:stream9", final="rockylinux:9")) == []
    assert lint_text(knowledge, SKEW.format(builder="amazonlinux:2", final="centos:7")) != []  # 2.26 > 2.17
    assert lint_text(knowledge, SKEW.format(builder="centos:7", final="amazonlinux:2")) == []


def test_a_tls_client_on_a_fedora_image_is_not_reported_without_a_ca_bundle_claim(knowledge):
    text = ("FROM golang:1.24 AS build\nENV CGO_ENABLED=0\nWORKDIR /src\nCOPY . .\nRUN go build -o /app .\n"
            "FROM fedora:44\nCOPY --from=build /app /app\nENTRYPOINT [\"/app\"]\n")
    assert [f.rule for f in lint_text(knowledge, text) if f.rule in ("MI411", "MI416", "MI403", "MI412")] == []


def test_a_glibc_image_whose_tag_names_no_release_is_an_info_not_silence(knowledge):
    text = ("FROM fedora AS build\nRUN dnf -y install gcc\nCOPY main.c /src/main.c\nRUN gcc -o /app /src/main.c\n"
            "FROM quay.io/buildah/stable:v1.23.0\nCOPY --from=build /app /usr/local/bin/app\n")
    [f] = lint_text(knowledge, text)
    assert (f.rule, f.line, f.severity) == ("MI414", 5, "info")
    assert "which release (hence which glibc) this tag holds is not known (family buildah-stable)" in f.message
    assert "the fedora stage (glibc 2.43)" in f.message


def test_a_static_program_into_such_an_image_needs_no_glibc_and_gets_no_info(knowledge):
    text = ("FROM golang:1.24 AS build\nWORKDIR /src\nCOPY . .\nRUN CGO_ENABLED=0 go build -o /app .\n"
            "FROM rockylinux/rockylinux:latest\nCOPY --from=build /app /app\nENTRYPOINT [\"/app\"]\n")
    assert [f.rule for f in lint_text(knowledge, text)] == []
