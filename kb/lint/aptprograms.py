"""A distribution's program or shared library copied out of the stage whose package manager installed it (MI412):
`COPY --from=tools /usr/bin/curl /usr/bin/curl` brings the program, not the libraries its package depends on, and
`COPY --from=builder /usr/lib/x86_64-linux-gnu/libpcap.so.0.8 ...` brings libpcap, not the libdbus-1.so.3 Debian's
libpcap0.8 links. The `programs` of a library in releases.yaml say which: "PACKAGES PATH [RELEASES]", PACKAGES the
package that installs PATH and those that bring it (`|`-separated: libpcap-dev depends on libpcap0.8-dev, which
depends on libpcap0.8), PATH (a glob) the file linked against that library, RELEASES (comma-separated) the
releases of the installing stage where it is so, all when left out (readelf -d of Debian 12's /usr/bin/curl: NEEDED
libcurl.so.4, and curl depends on libcurl4). The final image then needs the library from its own base image, its own
package installs or a COPY of it (libraries.missing_libraries)."""
from __future__ import annotations

import fnmatch
import posixpath

from .profiles import lib_stem

TYPE_CHECKING = False
if TYPE_CHECKING:
    from .stages import Analysis, StageInfo


def _copied(source: str, path: str) -> bool:
    """Does a COPY source (a path or a glob) name the file `path` (a path or a glob) of the table?"""
    if source == path:
        return True
    return (any(c in path for c in "*?[") and fnmatch.fnmatchcase(source, path)) or \
        (any(c in source for c in "*?[") and fnmatch.fnmatchcase(path, source))


def program_needs(a: "Analysis", src: "StageInfo", sources) -> dict[str, str]:
    """stem -> why, for each program or library of a package stage `src` installed that the COPY's `sources` name."""
    out: dict[str, str] = {}
    installed = src.profile.installed
    if not installed:
        return out
    wanted = [posixpath.normpath("/" + s.strip("\"'").lstrip("/")) for s in sources]  # COPY "/usr/bin/curl" ...
    for soname, entry in a.kb.libraries.items():
        for spec in entry.get("programs", ()):
            packages, path, *releases = spec.split()
            names = packages.split("|")
            package = next((p for p in names if p in installed), None)
            if package is None or releases and src.profile.release not in releases[0].split(","):
                continue
            for s in wanted:
                if _copied(s, path):
                    what = s if not any(c in s for c in "*?[") else path
                    through = "" if package == names[0] else f" (through {package})"
                    out.setdefault(lib_stem(entry.get("name") or soname),
                                   f"{what}, from the {names[0]} package that stage installed{through}, links {soname}")
    return out
