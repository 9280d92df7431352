"""The system libraries a Go build links through the cgo modules its go.mod requires (MI412).

A cgo module of native_packages' `go` table with `libs` (go-piv/piv-go: `#cgo linux pkg-config: libpcsclite`;
gopacket/pcap: libpcap) links that library dynamically when the build has cgo on, so the program copied into
another image needs it there: "libpcsclite.so.1: cannot open shared object file" (esnet/acme-proxy, whose Makefile
installs libpcsclite-dev and runs the go build: the requirement is seen in go.mod whatever runs the build). Only
builds whose program is dynamic (cgo on) count; a module the walk of the build's imports shows unreached
(kb/lint/goreach.py) is left out. go.mod may list a module its packages do not link (`// indirect`, tests), which
is why MI412 is a warning."""
from __future__ import annotations

from .profiles import lib_stem

# `Analysis`, `StageInfo` and `Libraries` in annotations are kb.lint's classes: named, never imported (libraries.py
# imports this module)


_OTHERS = ("libstdc++", "libgcc-s", "libc", "libgcc")  # MI403's and MI401's business (C++ and C runtimes)


def cgo_module_needs(a: "Analysis", libs: "Libraries", src: "StageInfo") -> dict[str, str]:
    """stem -> why, for each system library a cgo module required by a Go program built in `src` links."""
    table = {name: e for name, e in a.kb.native_packages.get("go", {}).items() if e.get("libs")}
    out: dict[str, str] = {}
    if not table:
        return out
    for art in src.files.values():
        if art.lang != "go" or art.stage != src.index or art.linkage not in ("glibc", "musl"):
            continue
        for module in art.go_cgo_packages:
            entry = table.get(module)
            if entry is None or art.go_cgo_reached is not None and not any(
                    p == module or p.startswith(module + "/") for p in art.go_cgo_reached) \
                    or entry.get("until") and not _before(a, src, module, entry["until"]):
                continue
            for lib in entry["libs"]:
                stem = lib_stem(lib)
                if stem in libs.known and stem not in out and stem not in _OTHERS:
                    soname = next((so for so, e in a.kb.libraries.items() if lib_stem(e.get("name") or so) == stem),
                                  stem)
                    out[stem] = (f"{soname}: go.mod requires {module}, {entry.get('note') or 'a cgo module'}, which "
                                 f"the cgo build of {art.path} links")
    return out


def _before(a: "Analysis", src: "StageInfo", module: str, until: str) -> bool:
    """Does the build's go.mod require a version of `module` older than `until` (the first that no longer links the
    library: confluent-kafka-go bundles librdkafka from 1.4.0)? Not when lint cannot read the version."""
    from ..versions import parse_version
    from .goreach import required_versions

    version = required_versions(a, src).get(module)
    return version is not None and parse_version(version.lstrip("v")) < parse_version(until)
