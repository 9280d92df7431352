"""A distribution's program copied out of the stage whose package manager installed it (MI412): `COPY --from=tools
/usr/bin/curl /usr/bin/curl` brings the program, not the libraries its package depends on. The `programs` of a
library in releases.yaml ("PACKAGE PATH": the package installs PATH, linked against that library; readelf -d of
Debian 12's /usr/bin/curl: NEEDED libcurl.so.4, and curl depends on libcurl4) say which; the final image then needs
the library from its own base image, its own package installs or a COPY of it (libraries.missing_libraries)."""
from __future__ import annotations

import fnmatch
import posixpath

from .profiles import lib_stem

TYPE_CHECKING = False
if TYPE_CHECKING:
    from .stages import Analysis, StageInfo


def program_needs(a: "Analysis", src: "StageInfo", sources) -> dict[str, str]:
    """stem -> why, for each program of a package stage `src` installed that the COPY's `sources` name."""
    out: dict[str, str] = {}
    installed = src.profile.installed
    if not installed:
        return out
    for soname, entry in a.kb.libraries.items():
        for spec in entry.get("programs", ()):
            package, path = spec.split(" ", 1)
            if package not in installed:
                continue
            for s in sources:
                s = posixpath.normpath("/" + s.strip("\"'").lstrip("/"))  # COPY "/usr/bin/curl" "/usr/bin/curl"
                if s == path or (any(c in s for c in "*?[") and fnmatch.fnmatchcase(path, s)):
                    out.setdefault(lib_stem(entry.get("name") or soname),
                                   f"{path}, from the {package} package that stage installed, links {soname}")
    return out
