"""What a stage's base image is: libc, glibc release, shell, passwd, C compiler, libstdc++/libgcc_s, workdir.

Looked up in the image catalogue (`images:`, exact reference or alias) and the `image_families:` patterns of the
knowledge; RUN steps and COPYs of a stage then add what they install or bring (`installed`, `provided`).
"""
from __future__ import annotations

import fnmatch

from ..lazyre import lazy
from ..model import Image, ImageFamily, Knowledge


_FIELDS = {  # field -> default (a set is made fresh per Profile)
    "ref": "", "known": False, "libc": None, "release": None, "glibc": None, "shell": None, "shell_path": None,
    "passwd": None, "gcc": False, "libstdcxx": None, "libgcc_s": None, "workdir": "/", "rust_target": None,
    "ca_certificates": None, "tzdata": None, "go_version": None, "floating": "", "libs": None, "source": "",
    "programs": (), "users": None, "groups": None, "inferred": "", "libs_floor": False, "ca_file": None,
    "package_manager": None,
}


class Profile:
    """What a stage starts from (and what its RUN steps installed), as far as the knowledge base tells.

    ref, known; libc (glibc | musl | none), release, glibc; shell (none | busybox | dash | bash), shell_path; passwd;
    gcc, libstdcxx, libgcc_s; workdir; rust_target; tzdata (yes | no | utc-only: a zone database, None: not known);
    ca_certificates (a CA bundle at /etc/ssl/certs, None: not known); ca_file (the only CA bundle when it is
    elsewhere: /etc/ssl/cert.pem of Alpine 3.7-3.9, releases.yaml `ca_bundle`); package_manager (apt, apk, ... or
    none, for a catalogue image; None: not known); go_version (the Go toolchain of a golang
    image, from its tag or family); floating (why the release this reference means moves over time, "" when the tag
    pins it); users, groups (every name in its /etc/passwd and /etc/group, None: not known); libs (shared libraries the image ships, by stem,
    None: not known); programs (programs the image ships, linked against its libc: /usr/local/bin/node); source (the catalogue entry or family it came from); inferred (for an image lint does not know, the tag token its libc and release
    were read from: kb/lint/tagrelease.py; `known` stays False); installed (what RUN steps installed);
    provided (what COPY brought in: loader-glibc, libstdcxx, libgcc_s, passwd, shell, ca-certs, libs-bundle).
    A plain class rather than a dataclass: a one-file lint process does not import dataclasses."""

    __slots__ = (*_FIELDS, "installed", "provided")

    def __init__(self, ref: str = "", **values):
        for name, default in _FIELDS.items():
            setattr(self, name, values.pop(name, default))
        self.ref = ref
        self.installed: set = values.pop("installed", None) or set()
        self.provided: set = values.pop("provided", None) or set()
        if values:
            raise TypeError(f"unknown Profile fields: {', '.join(values)}")

    def copy(self) -> "Profile":
        p = Profile(**{k: getattr(self, k) for k in _FIELDS})
        p.installed, p.provided = set(self.installed), set(self.provided)
        return p

    def __repr__(self) -> str:
        names = (*_FIELDS, "installed", "provided")
        return "Profile(" + ", ".join(f"{k}={getattr(self, k)!r}" for k in names) + ")"

    @property
    def libc_named(self) -> str:
        """'glibc 2.36', or the libc alone ('musl'; 'glibc' when its release is not known)."""
        return f"glibc {self.glibc}" if self.libc == "glibc" and self.glibc else self.libc

    @property
    def has_compiler(self) -> bool:
        return self.gcc or bool(self.installed & C_TOOLCHAINS)


#: libraries whose number is part of the name: libpcre2-8 (and Alpine's package pcre2) are PCRE2, not PCRE
_MAJOR_NAMED = ("libpcre2", "pcre2")


def lib_stem(name: str) -> str:
    """A shared library's name without its version: libssl.so.3, libssl3, libssl3t64 and libssl1.1 are libssl;
    libboost_system.so.1.62.0 and libboost-system1.62.0 are libboost-system; libusb-1.0-0 is libusb; Debian's
    C++ ABI suffix (the GCC 5 transition, wiki.debian.org/GCC5) goes too: libsnappy1v5 is libsnappy, and so does
    the `b` of a package renamed for an ABI change (libharfbuzz0b, libdmtx0b: libharfbuzz, libdmtx); libpcre2-8
    is libpcre2, another library than libpcre (PCRE 1, libpcre.so.3, which Debian 13 no longer has); ImageMagick's
    quantum depth goes with its version (libmagickwand-6.q16-6, libmagick++-6.q16hdri-8: libmagickwand,
    libmagick++; packages.debian.org/bookworm/libmagickwand-6.q16-6)."""
    name = name.lower().replace("_", "-").split(".so", 1)[0]
    quantum = name.rfind(".q")
    if quantum > 0 and name[quantum + 2:quantum + 4].isdecimal() and "-" in name[:quantum]:
        name = name[:name.rfind("-", 0, quantum)]
    if name.startswith(_MAJOR_NAMED):  # PCRE2 is another library than PCRE (libpcre.so.3), not its version 2
        return next(n for n in _MAJOR_NAMED if name.startswith(n))
    name = name[:-3] if name.endswith("t64") else name
    name = name[:-2] if name.endswith("v5") and name[-3:-2].isdecimal() else name
    name = name[:-1] if name.endswith("b") and name[-2:-1].isdecimal() else name  # an ABI rename: libharfbuzz0b
    end = len(name)  # the trailing run of digits, dots, tildes and dashes off (`[\d.~-]+$` retried it from every digit)
    while end and (name[end - 1].isdecimal() or name[end - 1] in ".~-"):
        end -= 1
    return name[:end] or name


PY_TOOLS = ("pip", "poetry", "pipenv", "uv")  # install steps whose packages are Python's (uv: `uv sync`)
C_TOOLCHAINS = {"gcc", "build-base", "clang", "build-essential", "g++", "alpine-sdk", "cc", "clang-dev"}
#: a C++ compiler: g++ itself, the meta-packages that pull it (build-base, alpine-sdk, build-essential), clang (whose
#: Alpine and Debian packages bring clang++)
CXX_TOOLCHAINS = {"g++", "build-base", "alpine-sdk", "build-essential", "clang", "clang++"}
#: Alpine packages that give musl a glibc loader, so a glibc prebuild of a Node addon loads
#: (holepunchto/sodium-native#202); not libraries a build links (MI412)
GLIBC_SHIMS = {"gcompat", "libc6-compat"}


_ALPINE_IN_TAG = lazy(r"(?:^|[-_])alpine(\d+\.\d+)")  # python:3.12-alpine3.20, rust:1.71.1-alpine3.18
_VERSION_TAG = lazy(r"(\d+\.\d+)(?:\.\d+)?$")


def alpine_release(ref: str) -> str | None:
    """The Alpine release an image reference names ("3.11"), "floating" for one that follows the newest (alpine,
    alpine:latest, golang:1.22-alpine), None when it names none (not an Alpine image, or one lint cannot read)."""
    if "$" in ref or "@" in ref:
        return None
    name, _, tag = normalise_ref(ref).rpartition(":")
    if name in _ALPINE_NAMES:
        m = _VERSION_TAG.match(tag)
        return m.group(1) if m else "floating" if tag in ("latest", "3", "edge") else None
    if m := _ALPINE_IN_TAG.search(tag):
        return m.group(1)
    return "floating" if tag == "alpine" or tag.endswith("-alpine") else None


def is_alpine(ref: str) -> bool:
    """Is `ref` Alpine's own image (alpine:3.8), not one built FROM it?"""
    name = normalise_ref(ref)
    return (name.rpartition(":")[0] if ":" in name.rpartition("/")[2] else name) in _ALPINE_NAMES


_ALPINE_NAMES = ("alpine", "library/alpine", "docker.io/library/alpine")


def normalise_ref(ref: str) -> str:
    ref = ref.strip().lower()
    ref = ref.split("@", 1)[0]  # a digest pins the same image
    # the official images under Docker Hub's other names and their public mirrors: AWS's ECR Public gallery
    # (gallery.ecr.aws/docker/library) and Google's mirror.gcr.io (cloud.google.com/artifact-registry/docs/
    # pull-cached-dockerhub-images) serve the same images by digest
    for prefix in ("docker.io/library/", "index.docker.io/library/", "registry-1.docker.io/library/",
                   "registry.hub.docker.com/library/", "public.ecr.aws/docker/library/", "mirror.gcr.io/library/",
                   "docker.io/", "index.docker.io/", "library/"):
        if ref.startswith(prefix):
            ref = ref[len(prefix):]
            break
    return ref


def _with_tag(ref: str) -> str:
    last = ref.rsplit("/", 1)[-1]
    return ref if ":" in last or ref == "scratch" else ref + ":latest"


def _literal(piece: str) -> str:
    """The part of a glob's piece between two `*` before its first `?` or `[`: matched as it is written."""
    end = len(piece)
    for ch in "?[":
        at = piece.find(ch)
        if 0 <= at < end:
            end = at
    return piece[:end]


def _match(name: str, pattern: str) -> bool:
    """fnmatchcase, but a pattern whose literal pieces `name` lacks is refused before fnmatch compiles it (a
    one-file lint process would otherwise compile every family's globs: the most of its matching time). Each piece
    between two `*` must be in `name` up to its first `?` or `[` (golang:1.20.[0-4] needs golang:1.20.), the first
    one at its start."""
    pieces = pattern.split("*")
    if not name.startswith(_literal(pieces[0])):
        return False
    if any(p and _literal(p) not in name for p in pieces[1:]):
        return False
    if "?" in pattern or "[" in pattern:
        return fnmatch.fnmatchcase(name, pattern)
    return _stars(name, pieces)


def _stars(name: str, pieces: list[str]) -> bool:
    """fnmatchcase of a glob whose only wildcard is `*`, split on it, without a pattern to compile: the first piece
    at the start, the last at the end, each one between at its leftmost place after the one before."""
    if len(pieces) == 1:
        return name == pieces[0]
    first, last = pieces[0], pieces[-1]
    if len(name) < len(first) + len(last) or not name.startswith(first) or not name.endswith(last):
        return False
    at, end = len(first), len(name) - len(last)
    for piece in pieces[1:-1]:
        found = name.find(piece, at, end)
        if found < 0:
            return False
        at = found + len(piece)
    return True


def _release_for(fam: ImageFamily, tagged: str) -> tuple[str | None, bool]:
    """The family's release for the reference, and whether a release_by_tag pattern pinned it."""
    for pattern, release in fam.release_by_tag:
        if _match(tagged, pattern):
            return release, True
    return fam.release, False


def find_family(kb: Knowledge, ref: str) -> ImageFamily | None:
    tagged = _with_tag(ref)
    for fam in kb.image_families:
        if any(_match(tagged, pat) or _match(ref, pat) for pat in fam.match):
            return fam
    return None


_GO_TAG = lazy(r"golang:(\d+)\.(\d+)")


def _go_version(ref: str, fam: ImageFamily) -> tuple[int, int] | None:
    m = _GO_TAG.search(ref)
    if m:
        return int(m.group(1)), int(m.group(2))
    if fam.go_version:
        major, _, minor = fam.go_version.partition(".")
        return int(major), int(minor or 0)
    return None


_PROFILES: dict[tuple[int, str], tuple[Knowledge, Profile]] = {}


def profile_for(kb: Knowledge, written: str) -> Profile:
    """What the image `written` is (a fresh copy: stages add to it). Looked up once per knowledge base and
    reference in a process, since a run over many Dockerfiles sees the same few images again and again."""
    key = (id(kb), written)
    hit = _PROFILES.get(key)
    if hit is None or hit[0] is not kb:
        if len(_PROFILES) > 4096:
            _PROFILES.clear()
        hit = _PROFILES[key] = (kb, _profile_for(kb, written))
    return hit[1].copy()


def digest_only(written: str) -> bool:
    """`name@sha256:...` with no tag: the digest pins an image, but which tag (release, libc) it was is not said."""
    name, at, _digest = written.strip().partition("@")
    return bool(at) and ":" not in name.rsplit("/", 1)[-1]


def _tag_decides(kb: Knowledge, fam: ImageFamily, ref: str) -> bool:
    """Whether the tag a digest leaves out decides what lint checks: the glibc release of a family whose tags name
    releases (unless its name pins one), or the libc itself when another family takes some of the same repository's
    tags (python:*alpine*)."""
    if fam.libc == "glibc" and (fam.release_by_tag or fam.floating):
        # unless the name itself pins the release for every tag: distroless/python3-debian13@sha256 is Debian 13
        # whichever of its tags (latest, nonroot) the digest was, while no other family (a :debug one, with a
        # shell) takes some of them
        if not (fam.release_by_tag and _release_for(fam, ref + ":\x00")[1]):
            return True
        return any(other is not fam and any(":" in pat and _match(ref, pat.partition(":")[0]) for pat in other.match)
                   for other in kb.image_families)
    prefix = ref + ":"
    return any(other.libc != fam.libc and any(pat.startswith(prefix) for pat in other.match)
               for other in kb.image_families)


def _profile_for(kb: Knowledge, written: str) -> Profile:
    ref = normalise_ref(written)
    prof = Profile(ref=written)
    if "$" in ref:
        return prof
    image: Image | None = kb.image(ref) or kb.image(_with_tag(ref))
    fam = find_family(kb, ref)
    if digest_only(written) and fam is not None and _tag_decides(kb, fam, ref):
        return _repository_floor(kb, ref, prof)  # python@sha256:... is no more python:latest than python:3.9-alpine
    if fam is None and image is None:
        return _from_tag(kb, ref, prof)
    if fam is not None:
        release, pinned = _release_for(fam, _with_tag(ref))
        prof.known, prof.libc, prof.release, prof.shell = True, fam.libc, release, fam.shell
        prof.shell_path = fam.shell_path if fam.shell != "none" else None
        prof.passwd, prof.gcc, prof.libstdcxx, prof.libgcc_s = fam.passwd, fam.gcc, fam.libstdcxx, fam.libgcc_s
        prof.workdir, prof.rust_target, prof.source = fam.workdir or "/", fam.rust_target, f"family {fam.id}"
        prof.ca_certificates, prof.tzdata = fam.ca_certificates, fam.tzdata
        prof.users, prof.groups = fam.users, fam.groups
        prof.go_version = _go_version(ref, fam)
        if fam.floating and not pinned:
            prof.floating = fam.floating  # no pattern pinned the release: the family's default, which moves
        if fam.libc == "glibc" and release:
            prof.glibc = kb.releases.get(release, {}).get("glibc")
        if fam.libs is not None:  # less what an older release of the family did not ship yet (releases.yaml)
            prof.libs = frozenset(fam.libs) - frozenset(kb.releases.get(release or "", {}).get("lacks", "").split())
        prof.programs = fam.programs
        if is_alpine(ref):  # an old Alpine's bundle: none, or not where it is today (images FROM it add their own)
            bundle = kb.releases.get(f"alpine{alpine_release(ref)}", {}).get("ca_bundle")
            if bundle == "none":
                prof.ca_certificates = False
            elif bundle:
                prof.ca_file = bundle
    if image is not None:
        prof.known, prof.libc, prof.release, prof.shell = True, image.libc, image.release, image.shell
        prof.glibc = image.libc_version if image.libc == "glibc" else None
        if image.shell == "none":
            prof.shell_path = None
        elif not prof.shell_path:
            prof.shell_path = "/bin/sh"
        prof.passwd, prof.package_manager = image.passwd, image.package_manager
        prof.ca_certificates, prof.tzdata = image.ca_certificates, image.tzdata
        prof.libstdcxx = "libstdc++.so.6" in image.libs
        prof.libgcc_s = "libgcc_s.so.1" in image.libs
        prof.source = f"catalogue {image.ref}"
        prof.libs = frozenset(lib_stem(lib) for lib in image.libs) | (prof.libs or frozenset())
    return prof


def _repository_floor(kb: Knowledge, ref: str, prof: Profile) -> Profile:
    """A repository@digest whose tag decides the release: unknown (MI414), but when every family and catalogue
    image lint knows of the repository has one libc and a library list, that libc and the libraries all of them
    have (`libs_floor`): debian@sha256:... is glibc and lacks libcurl whichever Debian tag it was."""
    fams = [f for f in kb.image_families if any(_match(ref, p.partition(":")[0]) for p in f.match)]
    images = [i for i in kb.images.values() if normalise_ref(i.ref).partition(":")[0] == ref]
    kinds = [(f.libc, f.libs) for f in fams] + [(i.libc, frozenset(lib_stem(x) for x in i.libs)) for i in images]
    if not fams or len({libc for libc, _l in kinds}) != 1 or kinds[0][0] not in ("glibc", "musl") \
            or any(libs is None for _c, libs in kinds):
        return prof
    prof.libc, prof.libs_floor = kinds[0][0], True
    prof.libs = frozenset.intersection(*(frozenset(libs) for _c, libs in kinds))
    return prof


def _from_tag(kb: Knowledge, ref: str, prof: Profile) -> Profile:
    """An image no catalogue entry or family knows: its libc and release as far as its tag names them."""
    from .tagrelease import release_from_tag

    hit = release_from_tag(ref)
    if hit is not None:
        prof.libc, prof.release, prof.inferred = hit
        if prof.libc == "glibc" and prof.release:
            prof.glibc = kb.releases.get(prof.release, {}).get("glibc")
    return prof
