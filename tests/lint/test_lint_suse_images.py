"""SUSE images as lint reads them: SLE 15 BCI (registry.suse.com/bci/*), SLE 15, openSUSE Leap and Tumbleweed. A tag
that names a service pack resolves to its glibc (knowledge/releases.yaml, cited there), a tag that floats across
service packs says so, and a tag whose release lint has not checked (latest, 15.7, 16.0, Tumbleweed) claims no glibc,
so no rule can give a false error from it. Each Dockerfile is a small one of our own."""
from __future__ import annotations

import pytest

from kb.lint import lint_text
from kb.lint.profiles import profile_for


@pytest.mark.parametrize("ref,release,glibc", [
    ("opensuse/leap:15.1", "sle15sp1", "2.26"),
    ("opensuse/leap:15.3", "sle15sp3", "2.31"),
    ("opensuse/leap:15.5", "sle15sp5", "2.31"),
    ("registry.opensuse.org/opensuse/leap:15.6", "sle15sp6", "2.38"),
    ("opensuse/leap:15", "sle15sp6", "2.38"),
    ("registry.suse.com/bci/bci-base:15.5", "sle15sp5", "2.31"),
    ("registry.suse.com/bci/bci-base:15.6.47.11.4", "sle15sp6", "2.38"),
    ("registry.suse.com/bci/bci-micro:15.6", "sle15sp6", "2.38"),
    ("registry.suse.com/bci/bci-minimal:15.4", "sle15sp4", "2.31"),
    ("registry.suse.com/suse/sle15:15.3", "sle15sp3", "2.31"),
    ("registry.suse.com/bci/golang:1.22", "sle15sp6", "2.38"),
])
def test_each_reference_names_its_release_and_glibc(knowledge, ref, release, glibc):
    p = profile_for(knowledge, ref)
    assert (p.known, p.libc, p.release, p.glibc) == (True, "glibc", release, glibc)


@pytest.mark.parametrize("ref", [
    "opensuse/leap", "opensuse/leap:16.0", "opensuse/tumbleweed", "registry.opensuse.org/opensuse/bci/golang:1.24",
    "registry.suse.com/bci/bci-micro:latest", "registry.suse.com/bci/bci-base:15.7", "registry.suse.com/bci/golang:1.25",
    "registry.suse.com/bci/golang:1.22-1.34.7", "registry.suse.com/bci/rust:1.85",
])
def test_a_release_lint_has_not_checked_claims_no_glibc(knowledge, ref):
    p = profile_for(knowledge, ref)
    assert (p.known, p.libc, p.glibc) == (True, "glibc", None)


def test_what_the_images_ship_beyond_glibc_is_claimed_only_where_cited(knowledge):
    micro = profile_for(knowledge, "registry.suse.com/bci/bci-micro:15.6")
    assert (micro.shell, micro.ca_certificates) == ("bash", True)  # BCI's package list: bash, the CA bundle
    for ref in ("opensuse/leap:15.5", "registry.suse.com/bci/bci-base:15.6"):
        p = profile_for(knowledge, ref)
        assert (p.ca_certificates, p.libstdcxx, p.libs) == (None, None, None)
    assert profile_for(knowledge, "registry.suse.com/bci/golang:1.22").gcc  # go1.22 requires gcc: cgo on


GO = """FROM {builder} AS build
WORKDIR /src
COPY . .
RUN go build -o /app .
FROM {final}
COPY --from=build /app /bin/app
ENTRYPOINT ["/bin/app"]
"""


def test_a_bci_go_builder_newer_than_leap_is_an_error_naming_both_glibcs_and_the_floating_tag(knowledge):
    """suse-edge/edge-image-builder#483: bci/golang:1.22 (SP6, 2.38) into opensuse/leap:15.5 (2.31)."""
    [f] = [f for f in lint_text(knowledge, GO.format(builder="registry.suse.com/bci/golang:1.22",
                                                  final="opensuse/leap:15.5")) if f.rule == "MI404"]
    assert (f.severity, f.line) == ("error", 6)
    assert "glibc 2.38" in f.message and "glibc 2.31" in f.message
    assert "SP5 (glibc 2.31) until early July 2024" in f.message  # the verdict depends on the tag's date
    assert "opensuse/leap:15.6" in f.fix


def test_the_same_release_today_is_a_floating_warning_not_an_error(knowledge):
    found = lint_text(knowledge, GO.format(builder="registry.suse.com/bci/golang:1.22", final="opensuse/leap:15.6"))
    assert not [f for f in found if f.severity == "error"]
    [f] = [f for f in found if f.rule == "MI415"]
    assert f.severity == "warning" and "bci/golang:1.22" in f.message and "bci-micro:15.6" in f.message


def test_a_pinned_build_tag_claims_nothing_so_a_leap_final_image_gets_no_error(knowledge):
    """The fix of #483 (bci/golang:1.22-1.34.7 into leap:15.6): the build tag names no service pack."""
    found = lint_text(knowledge, GO.format(builder="registry.suse.com/bci/golang:1.22-1.34.7",
                                        final="opensuse/leap:15.5"))
    assert not [f for f in found if f.severity in ("error", "warning")]


def test_a_debian_builder_newer_than_bci_micro_is_an_error(knowledge):
    [f] = [f for f in lint_text(knowledge, GO.format(builder="golang:1.24-trixie",
                                                  final="registry.suse.com/bci/bci-micro:15.6")) if f.rule == "MI404"]
    assert f.severity == "error" and "glibc 2.41" in f.message and "glibc 2.38" in f.message


def test_an_unchecked_final_release_is_an_info_that_says_so(knowledge):
    found = lint_text(knowledge, GO.format(builder="registry.suse.com/bci/golang:1.22",
                                        final="registry.suse.com/bci/bci-micro:latest"))
    assert not [f for f in found if f.severity == "error"]
    assert any(f.rule == "MI414" and "bci-micro:latest" in f.message for f in found)


def test_a_builder_whose_tag_names_no_release_is_an_info_not_silence(knowledge):
    """bci/golang:1.25 follows the newest service pack, whose glibc lint does not claim: it says it cannot check."""
    found = lint_text(knowledge, GO.format(builder="registry.suse.com/bci/golang:1.25", final="opensuse/leap:15.6"))
    [f] = [f for f in found if f.rule == "MI414"]
    assert (f.severity, f.line) == ("info", 1)
    assert "registry.suse.com/bci/golang:1.25 (the stage that builds the Go program /bin/app)" in f.message
    assert "opensuse/leap:15.6 (glibc 2.38)" in f.message
    static = lint_text(knowledge, GO.format(builder="registry.suse.com/bci/golang:1.25", final="opensuse/leap:15.6")
                    .replace("RUN go build", "RUN CGO_ENABLED=0 go build"))
    assert not [f for f in static if f.rule == "MI414"]  # a static program needs no glibc: nothing to check


@pytest.mark.parametrize("install", ["zypper -n in go gcc", "zypper --non-interactive install -y go gcc",
                                     "zypper install -y --from devel go gcc"])
def test_zypper_installs_are_read_so_gcc_turns_cgo_on(knowledge, install):
    """go on Leap with gcc installed by zypper links glibc dynamically (cgo on): Leap 15.6's glibc into 15.5."""
    text = GO.format(builder="opensuse/leap:15.6", final="opensuse/leap:15.5").replace(
        "WORKDIR /src\n", f"RUN {install}\nWORKDIR /src\n")
    [f] = [f for f in lint_text(knowledge, text) if f.rule == "MI404"]
    assert f.severity == "error" and "glibc 2.38" in f.message and "glibc 2.31" in f.message
    searched = text.replace(f"RUN {install}", "RUN zypper -n search gcc")
    assert not [f for f in lint_text(knowledge, searched) if f.rule == "MI404"]  # not an install: no gcc, cgo off
