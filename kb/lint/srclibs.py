"""Shared libraries a build stage compiles from source and installs into /usr/local/lib, then links its program
against, which the final image never gets (MI412).

A builder that clones libconfuse, runs `./configure && make install` in it, then builds inadyn against it, gives
inadyn a DT_NEEDED on libconfuse.so.2 in /usr/local/lib; a final stage that copies only the program has no such file
and no package brings it there (troglobit/inadyn#226 and #227 for the packaged case). What counts as such an install
is kb/lint/ldcache.py's (make/ninja/cmake/meson install or b2 install into /usr/local, in a source directory named like
a library, or a build configured with shared libraries on; not a static-only build, another prefix or a DESTDIR
staging). Directories named lib* or *lib are read as a library's name (libconfuse-3.3 is libconfuse, zlib-1.2.11
libz), and a release of a project of native-packages' `source` table as the libraries it installs (gmp-6.1.2:
libgmp.so.10); a COPY of
/usr/local, /usr/local/lib or of the library's files from that stage brings it, and so does a final-image package
that ships it (kb/lint/libraries.py checks those as for any other library).
"""
from __future__ import annotations

import posixpath

from .profiles import lib_stem

# `Analysis` in annotations is kb.lint.stages' class: named, never imported

#: a COPY of one of these from the stage brings what it installed into /usr/local/lib
_BRINGS_LOCAL = ("/", "/usr", "/usr/local", "/usr/local/lib")


def source_built(a: "Analysis", index: int, copies: list) -> dict[str, str]:
    """The libraries (stem -> why) stage `index` installed from source into /usr/local/lib, unless the final image's
    COPYs from it (`copies`) bring that directory."""
    for cf in copies:
        if cf.stage_index == index and any(posixpath.normpath("/" + s.lstrip("/")) in _BRINGS_LOCAL
                                           for s in cf.sources):
            return {}
    from .ldcache import installed_from_source

    projects = a.kb.native_packages.get("source", {})
    out: dict[str, str] = {}
    for name in sorted(map(_library_name, installed_from_source(a, index))):
        project = name.split("'s ", 1)[0] if "'s lib" in name.lower() else name
        for lib in _libraries_of(name, projects):
            out.setdefault(lib_stem(lib), f"{lib} of {project}, built from source and installed into /usr/local/lib "
                                          "there" if project != lib else f"{lib} built from source and installed "
                                          "into /usr/local/lib there")
    return out


def _libraries_of(directory: str, projects: dict) -> list[str]:
    """What the install in a source directory puts into /usr/local/lib: the library it is named after (libconfuse,
    zlib: libz), or the `libs` of the project of native-packages' `source` table it is a release of (gmp-6.1.2)."""
    low = directory.lower()
    if "'s lib" in low:  # named by ldcache.py after the listed project: "mosquitto's libmosquitto.so.1, ..."
        return directory.split("'s ", 1)[1].split(", ")
    if low.startswith("lib") and len(lib_stem(directory)) > 3:
        return [directory]
    head = low.split("-", 1)[0].split("_", 1)[0].rstrip("0123456789.")
    if len(head) > 3 and head.endswith("lib"):  # zlib-1.3 is libz, htslib libhts
        return [f"lib{head[:-3]}"]
    for name, entry in projects.items():
        rest = low[len(name):] if low.startswith(name) else None
        if rest == "" or rest and rest[0] in "-_" and (rest[1:2].isdigit() or rest[1:] == "x"):
            return list(entry.get("libs", ()))
    return []


#: what a source directory's name adds to the library's: a checkout's or tarball's suffix, and "-x", what a version
#: variable the walk cannot read became (`cd libmaxminddb-${MAXMIND_VERSION}`)
_DIR_SUFFIXES = ("-src", "-source", "-master", "-main", "-git", "-x")


def _library_name(directory: str) -> str:
    """The library a source directory is named after: libsodium of libsodium-src, libmaxminddb of libmaxminddb-x."""
    for suffix in _DIR_SUFFIXES:
        if directory.lower().endswith(suffix):
            return directory[:-len(suffix)]
    return directory
