"""What a stage's base image is: libc, glibc release, shell, passwd, C compiler, libstdc++/libgcc_s, workdir.

Looked up in the image catalogue (`images:`, exact reference or alias) and the `image_families:` patterns of the
knowledge; RUN steps and COPYs of a stage then add what they install or bring (`installed`, `provided`).
"""
from __future__ import annotations

import fnmatch
from dataclasses import dataclass, field

from ..model import Image, ImageFamily, Knowledge


@dataclass
class Profile:
    """What a stage starts from (and what its RUN steps installed), as far as the knowledge base tells."""

    ref: str
    known: bool = False
    libc: str | None = None  # glibc | musl | none
    release: str | None = None
    glibc: str | None = None
    shell: str | None = None  # none | busybox | dash | bash
    shell_path: str | None = None
    passwd: bool | None = None
    gcc: bool = False
    libstdcxx: bool | None = None
    libgcc_s: bool | None = None
    workdir: str = "/"
    rust_target: str | None = None
    source: str = ""  # the catalogue entry or family it came from
    installed: set = field(default_factory=set)
    provided: set = field(default_factory=set)  # what COPY brought in: loader-glibc, libstdcxx, libgcc_s, passwd, shell

    def copy(self) -> "Profile":
        p = Profile(**{k: getattr(self, k) for k in self.__dataclass_fields__})
        p.installed, p.provided = set(self.installed), set(self.provided)
        return p

    @property
    def has_compiler(self) -> bool:
        return self.gcc or bool(self.installed & C_TOOLCHAINS)


C_TOOLCHAINS = {"gcc", "build-base", "clang", "build-essential", "g++", "alpine-sdk", "cc", "clang-dev"}


def normalise_ref(ref: str) -> str:
    ref = ref.strip().lower()
    ref = ref.split("@", 1)[0]  # a digest pins the same image
    for prefix in ("docker.io/library/", "index.docker.io/library/", "docker.io/", "index.docker.io/", "library/"):
        if ref.startswith(prefix):
            ref = ref[len(prefix):]
            break
    return ref


def _with_tag(ref: str) -> str:
    last = ref.rsplit("/", 1)[-1]
    return ref if ":" in last or ref == "scratch" else ref + ":latest"


def find_family(kb: Knowledge, ref: str) -> ImageFamily | None:
    tagged = _with_tag(ref)
    for fam in kb.image_families:
        if any(fnmatch.fnmatchcase(tagged, pat) or fnmatch.fnmatchcase(ref, pat) for pat in fam.match):
            return fam
    return None


def profile_for(kb: Knowledge, written: str) -> Profile:
    ref = normalise_ref(written)
    prof = Profile(ref=written)
    if "$" in ref:
        return prof
    image: Image | None = kb.image(ref) or kb.image(_with_tag(ref))
    fam = find_family(kb, ref)
    if fam is not None:
        release = fam.release_for(_with_tag(ref))
        prof.known, prof.libc, prof.release, prof.shell = True, fam.libc, release, fam.shell
        prof.shell_path = fam.shell_path if fam.shell != "none" else None
        prof.passwd, prof.gcc, prof.libstdcxx, prof.libgcc_s = fam.passwd, fam.gcc, fam.libstdcxx, fam.libgcc_s
        prof.workdir, prof.rust_target, prof.source = fam.workdir or "/", fam.rust_target, f"family {fam.id}"
        if fam.libc == "glibc" and release:
            prof.glibc = kb.releases.get(release, {}).get("glibc")
    if image is not None:
        prof.known, prof.libc, prof.release, prof.shell = True, image.libc, image.release, image.shell
        prof.glibc = image.libc_version if image.libc == "glibc" else None
        if image.shell == "none":
            prof.shell_path = None
        elif not prof.shell_path:
            prof.shell_path = "/bin/sh"
        prof.passwd = image.passwd
        prof.libstdcxx = "libstdc++.so.6" in image.libs
        prof.libgcc_s = "libgcc_s.so.1" in image.libs
        prof.source = f"catalogue {image.ref}"
    return prof
