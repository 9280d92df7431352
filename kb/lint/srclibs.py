"""Shared libraries a build stage compiles from source and installs into /usr/local/lib, then links its program
against, which the final image never gets (MI412).

A builder that clones libconfuse, runs `./configure && make install` in it, then builds inadyn against it, gives
inadyn a DT_NEEDED on libconfuse.so.2 in /usr/local/lib; a final stage that copies only the program has no such file
and no package brings it there (troglobit/inadyn#226 and #227 for the packaged case). What counts as such an install
is kb/lint/ldcache.py's (make/ninja/cmake/meson install or b2 install into /usr/local, in a source directory named like
a library, or a build configured with shared libraries on; not a static-only build, another prefix or a DESTDIR
staging). Only directories named lib* are read as a library's name (libconfuse-3.3 is libconfuse); a COPY of
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

    out: dict[str, str] = {}
    for name in sorted(map(_library_name, installed_from_source(a, index))):
        if name.lower().startswith("lib") and len(lib_stem(name)) > 3:
            out.setdefault(lib_stem(name), f"{name} built from source and installed into /usr/local/lib there")
    return out


#: what a source directory's name adds to the library's: a checkout's or tarball's suffix, and "-x", what a version
#: variable the walk cannot read became (`cd libmaxminddb-${MAXMIND_VERSION}`)
_DIR_SUFFIXES = ("-src", "-source", "-master", "-main", "-git", "-x")


def _library_name(directory: str) -> str:
    """The library a source directory is named after: libsodium of libsodium-src, libmaxminddb of libmaxminddb-x."""
    for suffix in _DIR_SUFFIXES:
        if directory.lower().endswith(suffix):
            return directory[:-len(suffix)]
    return directory
