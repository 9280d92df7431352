"""The glibc a Go program built with cgo asks for: MI404's floor, and MI499's case (kb/lint/hostchecks.py): such a
program whose own C lint cannot see, built on a glibc newer than the final image's, where only that C could fail;
and the floor every program built on glibc 2.34 to 2.37 asks for, whatever C it holds (MI404 below it, MI429 above).

The standard library's C (runtime/cgo, net, os/user) calls a few functions only. objdump -T of a Go 1.19 cgo program
that uses net, net/http and os/user, built here on glibc 2.36, lists every version it asks for: GLIBC_2.2.5 and
GLIBC_2.3.2 (pthread_cond_wait), and the functions glibc moved from libpthread into libc: pthread_sigmask at
GLIBC_2.32 and pthread_create, pthread_detach, pthread_attr_getstacksize at GLIBC_2.34 (glibc 2.34's release notes:
libpthread integrated into libc; the moved functions got the version of the release that moved them). Built on an
older glibc, those keep their first versions: GLIBC_2.2.5 on x86-64, the base version GLIBC_2.17 on arm64. So such a
program built on glibc before 2.32 runs on any glibc from 2.17.
"""
from __future__ import annotations

from ..versions import parse_version
from .builds import BuiltFile


def stdlib_floor(built: str) -> str:
    """The newest GLIBC_x.y the standard library's C asks for when built on glibc `built` (see above)."""
    version = parse_version(built)
    if version >= (2, 34):
        return "2.34"
    if version >= (2, 32):
        return "2.32"
    return "2.17" if version >= (2, 17) else built


def glibc_needed(art: BuiltFile) -> str:
    """The newest GLIBC_x.y symbol version the program asks for: its builder's glibc, but for a Go program whose
    go.mod requires no cgo module lint knows and whose source imports no "C", built on a glibc before 2.38, what the
    standard library's C asks for. From 2.38 on, C compiled with _GNU_SOURCE calls strtol as __isoc23_strtol
    (GLIBC_2.38): C of a cgo module lint does not know then needs the builder's glibc (telemetry-api's h3-go,
    distroless#1859), so there it is the floor. A program linked against a pinned glibc (cargo zigbuild's
    --target TRIPLE.2.17) asks for that version at most."""
    if art.glibc_pin:
        return art.glibc_pin
    built = art.builder_glibc or ""
    if art.lang != "go" or art.go_own_c is not False or parse_version(built) >= (2, 38):
        return built
    return stdlib_floor(built)


def own_c_unseen(art: BuiltFile, image_glibc: str) -> bool:
    """Is this MI499's case rather than MI404's: a Go program whose go.mod and source lint cannot see (so whether it
    has C of its own is not known), built on a glibc before 2.38 and newer than the image's, whose standard library's
    C the image runs?"""
    built = art.builder_glibc or ""
    return (art.lang == "go" and art.go_own_c is None and parse_version(built) < (2, 38)
            and parse_version(stdlib_floor(built)) <= parse_version(image_glibc) < parse_version(built))


def certain_floor(art: BuiltFile) -> str:
    """The GLIBC_x.y the program asks for whatever functions its C calls: glibc_needed(), but built on glibc 2.35 to
    2.37, GLIBC_2.34 (__libc_start_main, pthread_create: glibc 2.34 moved libpthread into libc). Above that only a
    function glibc added or versioned again since asks for more (2.35: hypot, hypotf, __memcmpeq, _dl_find_object
    of a -static-libgcc unwinder; 2.36: arc4random, pidfd_open): 104 of the 1,751 ELF files in Debian 12's /usr/bin,
    /usr/sbin and /usr/lib/x86_64-linux-gnu here (glibc 2.36) ask for GLIBC_2.35 or 2.36, the rest for 2.34 at most.
    From 2.38 on, C compiled with _GNU_SOURCE calls strtol as __isoc23_strtol: the builder's glibc again."""
    needed = glibc_needed(art)
    return "2.34" if not art.glibc_pin and (2, 34) < parse_version(needed) < (2, 38) else needed
