"""The distribution and release an image lint does not know names in its tag (issue 9, derived images).

Images built on an official one often say which in their tag: smallstep/step-cli:bullseye, an app's
:1.4-bookworm-slim, nvidia/cuda's 12.2.0-runtime-ubuntu22.04, a builder's :1.21-alpine3.19. For an image neither the
catalogue nor an image_families pattern knows, a tag token that names a release is read as that release, so the
libc checks (MI401, MI404, MI409, MI415) can judge it; what else the image has (libraries, shell, users, CA bundle)
stays unknown, and MI414 still says so. Tokens are the tag's pieces between `-` and `_`, matched whole:
`bullseyeX`, `bookworm2`, a repository called bullseye or a digest name no release. A tag whose tokens name two
different releases or libcs names none.
"""
from __future__ import annotations

from ..lazyre import lazy

#: Debian codenames and Ubuntu codenames -> the releases: key of releases.yaml
_CODENAMES = {
    "stretch": "debian9", "buster": "debian10", "bullseye": "debian11", "bookworm": "debian12", "trixie": "debian13",
    "trusty": "ubuntu14.04", "xenial": "ubuntu16.04", "bionic": "ubuntu18.04", "focal": "ubuntu20.04",
    "jammy": "ubuntu22.04", "noble": "ubuntu24.04",
}
#: debian12, ubuntu22.04, ubi9, centos7, rockylinux9, alpine, alpine3.19: one token, matched whole
_TOKEN = lazy(r"(debian)(9|1[0-3])|(ubuntu)(14|16|18|20|22|24|26)\.04|(ubi|rockylinux|centos)(7|8|9|10)"
              r"|(alpine)(3\.\d{1,2})?")
_RHEL = {"7": "rhel7", "8": "rhel8", "9": "rhel9", "10": "rhel10"}


def _token(token: str) -> tuple[str, str | None] | None:
    """(libc, release) a tag token names, or None."""
    if token in _CODENAMES:
        return "glibc", _CODENAMES[token]
    m = _TOKEN.fullmatch(token)
    if m is None:
        return None
    if m.group(1):
        return "glibc", "debian" + m.group(2)
    if m.group(3):
        return "glibc", f"ubuntu{m.group(4)}.04"
    if m.group(5):
        if m.group(5) == "centos" and m.group(6) not in ("7", "8"):
            return None
        return "glibc", _RHEL[m.group(6)]
    return "musl", None  # alpine, alpine3.NN: musl (its release changes no glibc)


def tag_of(ref: str) -> str:
    """The tag of a reference (lower-cased, the digest off), '' when it has none."""
    name = ref.strip().lower().split("@", 1)[0]
    last = name.rsplit("/", 1)[-1]
    return last.partition(":")[2]


def release_from_tag(ref: str) -> tuple[str, str | None, str] | None:
    """(libc, release, token) that the tag of `ref` names, or None when no token (or two that disagree) names one."""
    tag = tag_of(ref)
    if not tag or len(tag) > 128:  # a Docker tag is at most 128 characters
        return None
    found: dict[tuple[str, str | None], str] = {}
    for token in tag.replace("_", "-").split("-"):
        hit = _token(token)
        if hit is not None:
            found.setdefault(hit, token)
    if len(found) != 1:
        return None
    (libc, release), token = next(iter(found.items()))
    return libc, release, token


def tag_note(ref: str) -> str:
    """For MI414 on an image lint does not know: what its tag was read as, '' when it names no release."""
    hit = release_from_tag(ref)
    if hit is None:
        return ""
    libc, release, token = hit
    read = f"{release} ({libc})" if release else libc
    return (f"; its tag's '{token}' was read as {read} for the libc checks, but what else it has (libraries, "
            "shell, users, CA bundle) is not known")


def inferred(prof, release: str | None) -> str:
    """`release` as a finding names it: with where it came from when the profile's release was read from its tag."""
    if not getattr(prof, "inferred", ""):
        return release or "?"
    return f"{release or prof.libc}, inferred from the tag's '{prof.inferred}' of an image lint does not know"
