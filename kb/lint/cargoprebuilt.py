"""Rust programs built outside the Dockerfile: a COPY from the build context of a binary named after a program of
the context's Cargo project (MI411, MI412).

A release workflow often runs `cargo build --release --target ...` on the CI runner, puts the binaries into the
build context and runs `docker build` with a Dockerfile that only copies them: `COPY ./wws-$TARGETARCH /wws`,
`COPY stellar-${TARGETARCH}/stellar /usr/local/bin/stellar`. Lint cannot see how the file was built, but when the
build context is that Cargo project (a Cargo.toml naming a program NAME: a package, a [[bin]], a workspace member
listed by path or glob; with no manifest, a package of Cargo.lock's own), a file named NAME, NAME-ARCH, NAME-TRIPLE
(NAME-x86_64-unknown-linux-gnu) or NAME in a directory named per architecture is taken to be that program, as
kb/lint/prebuilt.py takes Go's (its `program_of` reads the names). Its Cargo.lock is then read as for a cargo build
in a stage (kb/lint/cargobuilt.py: the crates the program's package reaches with its default features): for where
its TLS takes CA roots (MI411, kb/lint/rustroots.py) and for the system libraries its -sys crates link (MI412).
Which C library it was built for is not known, unless its name carries a target triple (-musl: linked statically by
rustup's musl targets, so it needs no library); a -sys crate whose build script decides by what the build machine has
(`found_with`, `system_env` of the `rust:` table) is not judged, since that machine is not seen, unless it has no
copy of its own (`system_libs`: libdbus-sys, whose build fails without the system's). Only a glibc final image is
judged for libraries. Into a final image without a C library (scratch, distroless/static) such a program can start
only if it is static: built for a musl target, or with crt-static, which the build context would then say somewhere
(static_hints); else cargo's default target on Linux, <arch>-unknown-linux-gnu, linked it against glibc (MI431).
"""
from __future__ import annotations

from .builds import BuiltFile
from .landing import copies_from_context
from .prebuilt import CONTEXT, context_copies, libc_of_name

TYPE_CHECKING = False
if TYPE_CHECKING:
    from .libraries import Libraries
    from .stages import Analysis


def rust_prebuilts(a: "Analysis") -> list[tuple[BuiltFile, int, str, str | None]]:
    """(the program, its COPY line, its name in Cargo.toml, the C library its file name says or None) for each file
    the final stage copies from the build context whose name is a program of the context's Cargo project."""
    if not a.context_dir or not copies_from_context(a):
        return []
    from .cargobuilt import cargo_programs

    programs = cargo_programs(a)
    if not programs:
        return []
    out = []
    for ins, _src, base, program, path in context_copies(a, set(programs), rust=True):
        libc = libc_of_name(base)
        why = (f"taken to be built from the context's Cargo project: {programs[program]} names the program "
               f"{program}" + (f", and its target triple says {libc}" if libc else ""))
        out.append((BuiltFile(path=path, lang="rust", linkage="unknown", stage=a.final.index, line=ins.line,
                              builder=CONTEXT, builder_release=None, builder_glibc=None, why=why), ins.line, program,
                    libc))
    return out


def prebuilt_tls(a: "Analysis", program: str):
    """What the context shows of the program's TLS calls (as for a release download of it, kb/lint/released.py):
    its crates' evidence, else the HTTPS clients Cargo.toml names; None when its only roots are embedded."""
    from .context import Unseen, https_clients, tls_sources
    from .rustroots import embedded_roots_only

    seen = tls_sources(a.context_dir, ["."], a.kb.native_packages, program)
    if isinstance(seen, Unseen):
        seen = https_clients(a.context_dir, a.kb.native_packages.get("https", {})) or seen
    if seen and not isinstance(seen, Unseen) and \
            embedded_roots_only(a.context_dir, program, a.kb.native_packages, optional=False):
        return None
    return seen


def _needs(a: "Analysis", libs: "Libraries", program: str) -> dict[str, str]:
    """The system libraries (stem -> why) the crates `program` reaches in Cargo.lock link, by the `rust:` table."""
    from ..evidence.errors import read_project_file
    from .cargobuilt import built_crates
    from .context import cargo_dependencies
    from .crategates import gated_off, lock_dependents
    from .profiles import lib_stem

    crates = built_crates(a.context_dir, program, optional=False)
    if not crates:
        return {}
    turned_on = {f"{d[0]}/{f}" for d in cargo_dependencies(a.context_dir) or () for f in d[4]}
    dependents = None
    needs: dict[str, str] = {}
    for crate in sorted(crates):
        entry = libs.rust.get(crate)
        if not entry or not libs.crate_libs.get(crate) or "system_env" in entry or "static_env" in entry or \
                "found_with" in entry and not entry.get("system_libs"):
            continue  # nothing linked, or the build machine decides between the system's copy and its own (unseen)
        if entry.get("linked_through") and dependents is None:
            dependents = lock_dependents(read_project_file(a.context_dir, "Cargo.lock"))
        if libs.static_with.get(crate, set()) & turned_on or gated_off(entry, crate, turned_on, dependents):
            continue
        for raw in entry.get("libs", ()):  # the soname first where the table names it: the loader's words
            why = f"the crate {crate} in Cargo.lock: {entry.get('note') or 'links it'}"
            needs.setdefault(lib_stem(raw), f"{raw}: {why}" if ".so." in raw else why)
    return needs


def library_hits(a: "Analysis", libs: "Libraries"):
    """(COPY line, the program, [(library, why)]) for each Rust program copied prebuilt from the build context into
    a glibc final image lint knows that lacks a library its crates link (MI412)."""
    from .apknames import has_library
    from .libraries import GLIBC_PARTS
    from .profiles import lib_stem

    prof = a.final.profile
    if not prof.known or prof.libc != "glibc" or prof.libs is None or "libs-bundle" in prof.provided:
        return
    for art, line, program, libc in rust_prebuilts(a):
        if libc == "musl":
            continue  # rustup's musl targets link statically
        missing = [(stem, why) for stem, why in _needs(a, libs, program).items()
                   if stem not in prof.libs and not any(lib_stem(p) == stem for p in prof.libs)
                   and stem not in GLIBC_PARTS and not any(has_library(libs, p, stem, False) for p in prof.installed)]
        if missing:
            yield line, art, missing


#: where a Rust project says it builds for musl or statically: cargo's and cross's configuration, CI workflows, make
_BUILD_FILES = (".cargo/config.toml", ".cargo/config", "Cross.toml", "Makefile", "justfile", "Justfile",
                "build.sh", "Cargo.toml")


def static_hints(a: "Analysis") -> list[str]:
    """The build files of the context that name a musl target or crt-static (a static Rust program), if any."""
    from ..evidence.errors import read_project_file
    from .workflows import WORKFLOWS, workflow_names

    flows = [f"{WORKFLOWS}/{name}" for name in workflow_names(a.context_dir)]
    return [name for name in (*_BUILD_FILES, *flows)
            if any(word in (read_project_file(a.context_dir, name) or "") for word in ("-musl", "crt-static"))]


def libc_less_hits(a: "Analysis"):
    """(COPY line, the program, its name in Cargo.toml) for each Rust program copied prebuilt from the build context
    into a final image without a C library whose name says -gnu, or says nothing while no build file of the context
    names a musl target or crt-static (MI431)."""
    if a.final.profile.libc != "none" or not a.final.profile.known:
        return
    hinted = None
    for art, line, program, libc in rust_prebuilts(a):
        if libc is None and hinted is None:
            hinted = static_hints(a)
        if libc == "glibc" or libc is None and not hinted:
            yield line, art, program
