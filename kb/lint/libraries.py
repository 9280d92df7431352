"""Shared libraries a build stage links and whether the final image has them (MI412).

A stage that builds native code links the libraries whose development packages it installed (libssl-dev,
postgresql-dev, libboost-system-dev) and those whose run-time packages it installed for the build (libcairo2);
a program or package copied from it into another stage needs them there too. The final image has a library when
its base image ships it (`libs` of the catalogue entry or image family), when one of its own RUN steps installs a
package that ships it (the `runtime` globs of knowledge/native-packages.yaml `system:`, else Debian's naming:
libfoo-dev links libfoo, shipped by libfoo1 or libfoo-2.1-7), or when a COPY brings the library files.
"""
from __future__ import annotations

import fnmatch
import posixpath

from ..lazyre import lazy
from .libinstall import other_soname, skewed_first
from .profiles import GLIBC_SHIMS, lib_stem

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from .syslibs import Switches
# `Analysis` and `StageInfo` in annotations are kb.lint.stages' classes, which import this module: named, never
# imported (annotations are not evaluated here)

#: the characters of a Debian run-time library package's name after "lib" (libssl3, libpq5, libevent-2.1-7)
_LIB_NAME_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789+.-")


def _runtime_lib_name(package: str) -> bool:
    """Is `package` named as Debian names run-time library packages, with its soname's version (libssl3, libpq5,
    libevent-2.1-7, libcairo2)? What `lib[a-z0-9+.-]*\\d[a-z0-9+.-]*` fullmatches, read in one pass: that pattern
    backtracks quadratically on a long word of digits that ends in another character."""
    if not package.startswith("lib"):
        return False
    rest = package[3:]
    odd = [c for c in rest if c not in _LIB_NAME_CHARS]
    if not odd:
        return any("0" <= c <= "9" for c in rest)
    return len(odd) == 1 and odd[0].isdecimal()  # \d: any decimal digit, once
_NOT_RUNTIME = ("-dev", "-doc", "-dbg", "-bin", "-utils", "-tools", "-common", "-data", "-perl", "-java")
#: the shared objects of the C library itself (glibc's libpthread.so.0, libresolv.so.2 ...; musl's libc.so has them)
GLIBC_PARTS = {"libc", "libpthread", "libdl", "libm", "librt", "libresolv", "libutil", "libanl"}
#: a COPY of one of these brings every shared library of the stage it copies from
_LIB_DIRS = {"/lib", "/lib64", "/usr/lib", "/usr/lib64", "/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu",
             "/lib/aarch64-linux-gnu", "/usr/lib/aarch64-linux-gnu"}
#: what copying only these brings is data, not a program or package: no library is needed for it
_DATA = (".json", ".yaml", ".yml", ".toml", ".conf", ".cfg", ".ini", ".html", ".css", ".md", ".txt", ".crt",
         ".pem", ".sql", ".xml", ".env", ".sh", ".js", ".py", ".rb", ".php", ".jar", ".war")
_MAN_PAGE = lazy(r"(?:^|/)[A-Za-z_-]+\.[1-9](?:\.gz)?[\"']?$")  # help.1, tool-x.8.gz (go-md2man's): a manual


def _package_stems(sonames: dict, manager: str) -> dict[str, str]:
    """package -> library stem, for the `manager` (apt, apk) packages of releases.yaml's sonames, whose package may
    be named per release ({debian12: libssl3, default: libssl3t64})."""
    out = {}
    for soname, entry in sonames.items():
        names = entry.get(manager) or ()
        for name in names.values() if isinstance(names, dict) else (names,):
            out[name] = lib_stem(entry.get("name") or soname)
    return out


class Libraries:
    """The `system:` table of the native-package knowledge, indexed for the check (and the crates that link a
    system library, from the `rust:` table)."""

    def __init__(self, table: dict, rust: dict | None = None, https: dict | None = None,
                 sonames: dict | None = None):
        # the Debian and Alpine packages of the sonames releases.yaml lists, where their names are not the library's
        # (libjpeg62-turbo ships libjpeg.so.62)
        self.apt_names = _package_stems(sonames or {}, "apt")
        self.apk_names = _package_stems(sonames or {}, "apk")
        self.crate_libs = {name: [lib_stem(x) for x in e.get("libs", ()) if lib_stem(x) not in ("libstdc++",)]
                           for name, e in (rust or {}).items() if e.get("libs")}
        self.rust = rust or {}  # how a -sys crate's build chooses the system copy (kb/lint/syslibs.py)
        # crate/feature pairs that build a -sys crate's C library into the program (rusqlite/bundled, openssl/vendored)
        self.static_with = {name: set(e.get("static_with", ())) for name, e in (rust or {}).items()}
        # crates whose default features bring native-tls, hence OpenSSL on Linux (`tls: openssl` of the https
        # table), with the first version whose defaults no longer do (`until`, None: all versions)
        self.default_openssl = {name: _version(e.get("until") or "") for name, e in (https or {}).items()
                                if e.get("tls") == "openssl"}
        self.by_dev: list[tuple[str, dict]] = []  # (dev package glob, entry)
        self.entries: dict[str, dict] = {}  # stem -> entry
        # every library the table names (its stem and its sonames'): what a link by bare name is known to be
        self.known = {lib_stem(x) for e in table.values() for x in (e["name"], *e.get("libs", ()))} | GLIBC_PARTS
        # the names a build file asks for a library by, where they are not the library's own (LibMagic, FFMPEG)
        self.find_names = {n.lower(): lib_stem(e["name"]) for e in table.values() for n in e.get("find", ())}
        for entry in table.values():
            for dev in entry.get("dev", ()):
                self.by_dev.append((dev, entry))
            if entry.get("runtime"):
                self.entries[lib_stem(entry["name"])] = entry

    def file_stem(self, stem: str) -> str:
        """The library as its file is named (libgcc_s for the stem libgcc-s), for an error message to quote."""
        sonames = self.entries.get(stem, {}).get("libs") or (stem,)
        return sonames[0].split(".so")[0]

    def openssl_by_default(self, crate: str, requirement: str) -> bool:
        """Does `crate`, at the version `requirement` asks for, bring OpenSSL with its default features? A
        requirement lint cannot read (none, `*`, a git dependency) means the newest release: an `until` applies."""
        if crate not in self.default_openssl:
            return False
        until = self.default_openssl[crate]
        wanted = _version(requirement)
        return until is None or (wanted is not None and wanted < until)

    def dev_entry(self, package: str) -> dict | None:
        for glob, entry in self.by_dev:
            if package == glob or fnmatch.fnmatchcase(package, glob):
                return entry
        return None

    def linked_by(self, package: str) -> str | None:
        """The library (stem) a build links when it installs `package`, or None (not a library, or headers only)."""
        entry = self.dev_entry(package)
        if entry is not None:
            return lib_stem(entry["name"]) if entry.get("runtime") else None
        if package.startswith("lib") and package.endswith("-dev"):
            return lib_stem(package[:-4])  # Debian policy: libfoo-dev goes with libfoo<soversion>
        if _runtime_lib_name(package) and not package.endswith(_NOT_RUNTIME):
            return lib_stem(package)  # the run-time package itself, installed for the build
        return None

    def linked_statically(self, package: str, stem: str, static: set[str]) -> bool:
        """Is the library of `package` linked from its .a archives (`static`: their stems without hyphens)? For a
        package of several libraries (libbrotli-dev: libbrotlienc, libbrotlidec, libbrotlicommon), all of them."""
        entry = self.dev_entry(package)
        stems = {lib_stem(soname).replace("-", "") for soname in (entry or {}).get("libs", ())}
        return stems <= static if stems else stem.replace("-", "") in static

    def ships(self, package: str, stem: str, musl: bool = False) -> bool:
        """Does installing `package` bring the library `stem`? A `runtime` glob written `apt:GLOB` holds for Debian
        packages only: with `musl` (an Alpine image), a package of the same name there does not bring it; one
        written `apk:GLOB` for Alpine packages only. An entry with `apk:` globs is matched by its globs alone, not
        by Alpine's naming (libpython: Alpine's python3 ships it, Debian's python3 does not)."""
        if (self.apk_names if musl else self.apt_names).get(package) == stem:
            return True
        entry = self.entries.get(stem)
        if entry is not None and (package in entry.get("dev", ()) or
                                  any(fnmatch.fnmatchcase(package, g[4:] if g[:4] in ("apt:", "apk:") else g)
                                      for g in entry["runtime"]
                                      if not (musl and g.startswith("apt:")) and (musl or not g.startswith("apk:")))):
            return True
        if self.linked_by(package) == stem:
            return True  # the dev package (it depends on the run-time one) or the run-time package itself
        if entry is not None and any(g.startswith("apk:") for g in entry["runtime"]):
            return False  # its Alpine packages are spelled out
        bare = stem[3:] if stem.startswith("lib") else stem
        return bool(bare) and lib_stem(package) in (stem, bare)  # Alpine names: cairo, boost-system


_VERSION = lazy(r"\d{1,9}(?:\.\d{1,9}){0,5}")


def _version(text: str) -> tuple[int, ...] | None:
    """The first version in a version or Cargo requirement ("0.12", "^0.11.4", ">=0.11, <0.13"), or None."""
    m = _VERSION.search(text)
    return tuple(int(x) for x in m.group(0).split(".")) if m else None


#: compile steps that are a Go or Rust toolchain's own (kb/lint/stages.py names them so)
_CARGO_GO = ("cargo (links with cc)", "go build with cgo")


def stage_needs(libs: Libraries, info: "StageInfo", crates: "Callable[[], list[str] | None]",
                openmp: "Callable[[], str | None]" = lambda: None,
                manifest: "Callable[[], list[tuple] | None]" = lambda: None,
                seen: "Callable[[], Switches | None]" = lambda: None,
                users: "Callable[[], dict[str, set[str]] | None]" = lambda: None) -> dict[str, str]:
    """The libraries (stem -> why) what stage `info` builds links dynamically. A stage that only runs cargo or go
    links what its crates link, known from the build context's Cargo.lock (`crates`), else from the direct
    dependencies of its Cargo.toml files (`manifest`): a -sys crate or wrapper named there, or a crate whose
    default features bring native-tls (OpenSSL on Linux) used with them; not when a Cargo.toml turns on a feature
    that compiles the library in (`static_with`: rusqlite/bundled, openssl/vendored). The development packages such
    a stage installs are often there for build scripts (bindgen, pkg-config probes), so they are not evidence
    alone, except where the crate's build script is known to link the system copy it finds (`seen`: what the build
    sees, kb/lint/syslibs.py); a stage that also builds other code links what those crates link too."""
    from .crategates import gated_off

    needs: dict[str, str] = {}
    steps = {what for _line, what in info.compiles}
    memo: list = []

    def crate_links(crate: str, where: str) -> list[tuple[str, str]] | None:
        """(library, why) the crate links, by its build script's choice; None when the table says nothing of it."""
        entry = libs.rust.get(crate)
        if entry is None:
            return None
        if not memo:
            memo.append(seen())
        if memo[0] is None:
            return None
        from .syslibs import system_links

        return system_links(entry, crate, where, memo[0])

    if steps and steps <= set(_CARGO_GO) and not info.pkg_installs:
        locked = crates()
        declared = manifest() if "cargo (links with cc)" in steps else None
        turned_on = {f"{d[0]}/{f}" for d in declared or () for f in d[4]}
        for crate in locked or ():
            if libs.static_with.get(crate, set()) & turned_on or \
                    gated_off(libs.rust.get(crate) or {}, crate, turned_on, users()):
                continue
            links = crate_links(crate, "Cargo.lock")
            for lib, why in links if links is not None else \
                    ((lib, f"the crate {crate} in Cargo.lock") for lib in libs.crate_libs.get(crate, ())):
                needs.setdefault(lib, why)
        if locked is None and "cargo (links with cc)" in steps:
            for crate, defaults, version, where, _features in declared or ():
                if libs.static_with.get(crate, set()) & turned_on:
                    continue
                links = crate_links(crate, where)
                for lib, why in links if links is not None else \
                        ((lib, f"the crate {crate} in {where}") for lib in libs.crate_libs.get(crate, ())):
                    needs.setdefault(lib, why)
                if defaults and libs.openssl_by_default(crate, version) and \
                        not libs.static_with.get("openssl-sys", set()) & turned_on:
                    needs.setdefault("libssl", f"the crate {crate} in {where}, whose default features use "
                                               "native-tls: OpenSSL on Linux")
        return needs
    if "cargo (links with cc)" in steps:  # cargo among other builds: the crates whose choice the table models
        locked = crates()
        declared = manifest()
        turned_on = {f"{d[0]}/{f}" for d in declared or () for f in d[4]}
        for crate, where in [(c, "Cargo.lock") for c in locked or ()] or [(d[0], d[3]) for d in declared or ()]:
            if not libs.static_with.get(crate, set()) & turned_on and \
                    not (where == "Cargo.lock" and gated_off(libs.rust.get(crate) or {}, crate, turned_on, users())):
                needs.update((lib, why) for lib, why in crate_links(crate, where) or () if lib not in needs)
    why_openmp = openmp()
    if why_openmp:
        needs["libgomp"] = why_openmp
    elif "make" in steps or any(w.startswith("cmake") for w in steps):  # a ggml project cloned and built here
        from .ggmlclone import cloned_openmp, source_openmp

        for lib, why in cloned_openmp(info) or source_openmp(info):
            needs.setdefault(lib, why)
    from .apknames import linked_by, static_archives

    static = _static_archives(info) | static_archives(libs, info.profile.installed, info.profile.libc == "musl")

    from .apkdel import deleted_after_build

    deleted = deleted_after_build(info)
    for package in sorted((info.profile.installed | deleted) - GLIBC_SHIMS):  # a loader shim is not linked
        stem = linked_by(libs, package, info.profile.libc == "musl")
        if stem and stem not in ("libstdc++", "libgcc-s", "libc", "libgcc") \
                and not libs.linked_statically(package, stem, static):  # MI403's and MI401's business
            needs.setdefault(stem, f"{package} installed there" if package not in deleted else
                             f"{package} installed for the build there and deleted after it")
    return needs


#: a static archive named to the linker: -l:libev.a, LIBS=/usr/lib/x86_64-linux-gnu/libssl.a
_ARCHIVE = lazy(r"(?:-l:|/)(lib[A-Za-z0-9_+.-]+?)\.a(?![A-Za-z0-9_])")


def _switches(a: "Analysis", info: "StageInfo"):
    from .syslibs import switches

    return switches(a, info)


def _lock_dependents(a: "Analysis", info: "StageInfo | None" = None) -> dict[str, set[str]] | None:
    """crate -> the packages of the Cargo.lock that depend on it (the project's, kb/lint/cargoroot.py), read once."""
    from .cargoroot import cargo_context

    key = ("cargo-lock-dependents", cargo_context(a, info))
    if key not in a.context_cache:
        from ..evidence.errors import read_project_file
        from .crategates import lock_dependents

        a.context_cache[key] = lock_dependents(read_project_file(key[1], "Cargo.lock") if key[1] else None)
    return a.context_cache[key]


def _static_archives(info: "StageInfo") -> set[str]:
    """The libraries (stems, without hyphens) the stage's RUN lines link from their .a archives: nothing of them
    is needed at run time."""
    out = set()
    for run in info.stage.runs:
        if ".a" in run.command:
            out.update(lib_stem(m.group(1)).replace("-", "") for m in _ARCHIVE.finditer(run.command))
    return out


def _package_needs(a: "Analysis", info: "StageInfo", needs: dict[str, str]) -> dict[str, str]:
    """Of `needs`, what a stage whose only native builds are pip/npm source builds surely links: the libraries of
    the packages it installs that link the system's copy (`system_libs` in native-packages.yaml: psycopg2 ->
    libpq). Its other -dev packages may serve build-time probes or wheels that bundle their libraries; with a
    final image lint cannot see, only what is sure is reported. A stage that runs a compiler itself keeps all."""
    if any(not what.startswith(("pip", "npm")) for _line, what in info.compiles):
        return needs
    sure = set()
    for _line, tool, packages, _cwd in info.pip_npm:
        table = a.kb.native_packages.get("python" if tool.startswith(("pip", "poetry", "uv")) else "node", {})
        for name in packages:
            entry = table.get(name.lower().replace("_", "-"))
            if entry and entry.get("system_libs"):
                sure.update(lib_stem(x) for x in entry.get("libs", ()))
    return {stem: why for stem, why in needs.items() if stem in sure}


def _brings_code(a: "Analysis", line: int, sources: tuple[str, ...], src: "StageInfo") -> bool:
    """Does the COPY at `line` (of `sources` from stage `src`) bring built code rather than data?"""
    final = a.final
    if any(ln == line for _art, ln, _s in final.arrivals) or any(ln == line for ln, _t, _s in final.pkg_arrivals):
        static = [art.linkage == "static" for art, ln, _s in final.arrivals if ln == line]
        return not (static and all(static)) or any(ln == line for ln, _t, _s in final.pkg_arrivals)
    if not src.compiles and not src.pkg_installs:
        return False
    return any(not s.startswith("/etc/") and not s.lower().endswith(_DATA) and not _shared_object(s)
               and not _MAN_PAGE.search(s) for s in sources)


def _shared_object(source: str) -> bool:
    """A library file copied by name (libresolv.so.2, ld-linux-x86-64.so.2): what it brings is the library itself."""
    base = posixpath.basename(source)
    return base.startswith(("lib", "ld-")) and ".so" in base


def _final_copies(a: "Analysis") -> list:
    """The COPY --from instructions of the final stage and of the stages it is built FROM (`FROM gerbera AS
    default`): what the final image holds of other stages, the base stages' first."""
    chain = []
    i: int | None = a.final.index
    while i is not None and len(chain) <= len(a.stages):
        chain.append(a.stages[i].stage)
        i = a.stages[i].stage.base_stage
    return [cf for stage in reversed(chain) for cf in stage.copy_from]


def _copied_libs(final: "StageInfo", index: int, copies: list | None = None) -> tuple[bool, list[str]]:
    """What the final stage's COPYs from stage `index` (or those of `copies`) bring of its libraries: (a whole
    library directory, the base names copied)."""
    names = []
    for cf in final.stage.copy_from if copies is None else copies:
        if cf.stage_index != index:
            continue
        for s in cf.sources:
            if s.rstrip("/") in _LIB_DIRS:
                return True, []
            name = posixpath.basename(s.rstrip("/")).lower().replace("_", "-")
            if name.startswith("lib") and name.strip("*?") != "lib":
                names.append(name)  # libdb*, libssl.so.3: library files by name (not pkgconfig/*)
    return False, names


def missing_libraries(a: "Analysis", libs: Libraries, lineage, crates: "Callable[[StageInfo], list[str] | None]",
                      openmp: "Callable[[StageInfo], str | None]" = lambda info: None, *, unknown: bool = False,
                      manifest: "Callable[[StageInfo], list[tuple] | None]" = lambda info: None
                      ) -> list[tuple[int, "StageInfo", list[tuple[str, str]]]]:
    """(COPY line, source stage, [(library, package that needs it)]) for every COPY into the final stage of code
    that links a library the final image does not have. With `unknown`, the same for a final image lint does not
    know (a derived or private image) whose own RUN steps install packages: what they install is all lint can see
    of it, so a needed library none of them ships is reported (MI430) instead of nothing."""
    final = a.final
    prof = final.profile
    if "libs-bundle" in prof.provided:
        return []
    # scratch into which the Dockerfile copies the glibc loader and libraries one by one has those files only
    assembled = prof.libc == "none" and "loader-glibc" in prof.provided and not unknown
    if unknown:
        if prof.known or not prof.installed:
            return []
        base_libs: "set | tuple" = ()
    elif assembled:
        base_libs = ()
    elif not (prof.known or prof.libs_floor) or prof.libs is None or prof.libc not in ("glibc", "musl"):
        return []  # (a repository@digest whose every tag lint knows has the libraries of all of them: profiles.py)
    else:
        base_libs = prof.libs
    out = []
    done: set[int] = set()
    copies = _final_copies(a)
    from .aptprograms import program_needs  # /usr/bin/curl copied from where apt installed curl

    for cf in copies:
        idx = cf.stage_index
        if idx is None or idx in done or lineage(idx):
            continue
        src = a.stages[idx]
        programs = program_needs(a, src, cf.sources)
        if not programs and not _brings_code(a, cf.line, cf.sources, src):
            continue
        done.add(idx)
        from .gocgolibs import cgo_module_needs  # go.mod's cgo modules that link a system library

        needs = {**programs, **cgo_module_needs(a, libs, src),
                 **stage_needs(libs, src, lambda: crates(src), lambda: openmp(src), lambda: manifest(src),
                               lambda: _switches(a, src), lambda: _lock_dependents(a, src))}
        if any(tool == "uv" for _l, tool, _a, _c in src.pip_npm):
            from .pybuilt import uv_sdist_needs  # uv.lock's packages without a Linux wheel, built here

            needs = {**uv_sdist_needs(a, src), **needs}
        if src.apk_adds and not src.profile.installed >= {p for _ln, ps in src.apk_adds for p in ps}:
            from .pybuilt import source_built_needs  # pip builds against -dev packages deleted after them

            needs = {**source_built_needs(a, libs, src), **needs}
        if src.cmake:  # the libraries CMakeLists.txt links by name, as -l flags would, or finds the stage has
            from .cmake import linked_libraries
            from .linkevidence import found_libraries

            musl_src = src.profile.libc == "musl"
            found = {k: v for k, v in found_libraries(a, src).items() if k in libs.known and k not in needs
                     and any(libs.ships(p, k, musl_src) for p in src.profile.installed)}
            needs = {**{k: v for k, v in linked_libraries(a, src).items() if k in libs.known}, **needs, **found}
        from .linkevidence import with_evidence
        from .pyembed import embeds_python, libpython_soname

        embeds = embeds_python(a, src)  # an embedded interpreter links libpython; the -dev package alone does not
        if embeds:
            needs.setdefault("libpython", f"{libpython_soname(a, src)}: {embeds}")
        from .libcxx import libcxx_needs

        needs = libcxx_needs(a, src, needs)  # clang told to use LLVM's libc++ (-stdlib=libc++, -lc++)
        needs = with_evidence(a, libs, src, needs)  # what the build file or a -l flag shows of each link
        from .apknames import has_library
        from .boostlibs import boost_needs

        needs = boost_needs(a, src, needs)  # Boost by component: find_package(Boost COMPONENTS json)
        if src.compiles and not unknown:  # libraries it built and installed into /usr/local/lib itself
            from .srclibs import source_built

            static = _static_archives(src)  # -l:libbpf.a: linked from the archive it also installed
            needs = {**needs, **{k: v for k, v in source_built(a, idx, copies).items()
                                 if k not in needs and k.replace("-", "") not in static}}
        if unknown:
            needs = _package_needs(a, src, needs)
        whole, names = _copied_libs(final, idx, copies)
        if whole or not needs:
            continue
        missing, musl = [], prof.libc == "musl" or (unknown and bool(final.apk_adds))  # apk's, not apt's packages
        for stem, why in needs.items():
            if stem in base_libs or any(lib_stem(p) == stem for p in base_libs):
                continue
            if stem in GLIBC_PARTS and not assembled and (unknown or prof.libc in ("glibc", "musl")):
                continue  # the C library's own parts: every glibc image has them, musl has them in libc.so
            if any(has_library(libs, p, stem, musl) and not other_soname(
                    libs, stem, p, src.profile.release or "", prof.release or "") for p in final.profile.installed):
                continue  # (the final release's package at another soname than the build linked is not it)
            if any(n.startswith(stem) or fnmatch.fnmatchcase(stem, n) for n in names):
                continue
            missing.append((stem, why))
        if missing:
            out.append((cf.line, src, skewed_first(a, libs, src, missing)))
    return out
