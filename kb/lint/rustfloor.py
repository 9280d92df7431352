"""The glibc a Rust program built for the gnu target asks for when no crate of it compiles C: MI404's floor for such a
program, and MI426's case (kb/lint/hostchecks.py).

A Rust program links glibc's functions by name through the standard library and the libc crate, so it asks for the
default version of each function it calls, not for the builder's glibc as a whole. Measured with rustc 1.95 (objdump
-T and a run): a program using threads, net, fs, time and std::process::Command, linked on this machine's glibc 2.36,
asks for GLIBC_2.34 at most (__libc_start_main, pthread_create and the other functions glibc 2.34 moved from
libpthread into libc) and GLIBC_2.33 for stat64/fstat64; linked against trixie's glibc 2.41 (its libc6-dev as a
sysroot), it also asks for GLIBC_2.39, by weak but versioned references to pidfd_spawnp and pidfd_getpid that
std::process brings, and that program fails on glibc 2.36 with "version `GLIBC_2.39' not found" (the same program
without std::process asked for 2.34 and ran). C that a crate compiles (the cc crate, which cmake and every -sys crate
that builds C use) is compiled against the builder's headers: from glibc 2.38 on its strtol calls become
__isoc23_strtol (GLIBC_2.38), so such a program is judged by the builder's glibc, as before.
"""
from __future__ import annotations

import os
import posixpath

from ..evidence.errors import read_project_file
from ..versions import parse_version
from .builds import BuiltFile

C_BUILDING_CRATES = frozenset({"cc", "cmake"})  # a crate whose build compiles C depends on one of these


def std_floor(built: str) -> str:
    """The newest GLIBC_x.y the standard library asks for when linked on glibc `built` (see above): measured from
    2.34 on; on 2.32 and 2.33 the versions those releases gave the functions it calls (pthread_sigmask 2.32,
    stat64/fstat64 2.33), not measured; `built` itself before 2.32."""
    version = parse_version(built)
    for since, floor in (((2, 39), "2.39"), ((2, 34), "2.34"), ((2, 33), "2.33"), ((2, 32), "2.32")):
        if version >= since:
            return floor
    return built


def std_only_floor(context_dir: str | None, art: BuiltFile) -> str | None:
    """The standard library's floor for a Rust program that the build context's Cargo project builds (a package or
    [[bin]] named as the program lands) when its Cargo.lock lists no crate that compiles C; None when lint cannot
    tell (no context, no lock, another program: `cargo install NAME` from crates.io) or some crate compiles C."""
    if art.lang != "rust" or art.linkage != "glibc" or art.glibc_pin or not art.builder_glibc or not context_dir \
            or not os.path.isdir(context_dir):
        return None
    from .cargobuilt import lock_crates, program_manifests  # only for a Rust program on an older glibc

    crates = lock_crates(read_project_file(context_dir, "Cargo.lock"))
    if not crates or crates & C_BUILDING_CRATES or posixpath.basename(art.path) not in program_manifests(context_dir):
        return None
    return std_floor(art.builder_glibc)


def std_floor_within(context_dir: str | None, art: BuiltFile, image_glibc: str) -> str | None:
    """`std_only_floor` when the image's glibc has it (MI426's warning rather than MI404's error), else None."""
    floor = std_only_floor(context_dir, art)
    return floor if floor and parse_version(floor) <= parse_version(image_glibc) else None
