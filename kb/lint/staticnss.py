"""MI492: a program linked statically against glibc whose host-name or user lookups go through glibc's NSS, in a final
image without that glibc's NSS modules.

glibc's getaddrinfo, gethostbyname, getpwnam and the rest look up through the services /etc/nsswitch.conf names,
each a module loaded at run time (libnss_files.so.2, libnss_dns.so.2). A static program still loads them, from the
glibc it was linked with: ld warns "Using 'getaddrinfo' in statically linked applications requires at runtime the
shared libraries from the glibc version used for linking". Before glibc 2.34 that held for files and dns too; 2.34
built those two into libc ("nss: Access nss_files through direct references", "nss: Directly load nss_dns, without
going through dlsym/dlopen", sourceware bug 27959), so a static program of a newer glibc still resolves through
/etc/hosts and DNS (checked with glibc 2.36: K8.5). scratch, distroless static, busybox and Alpine have no glibc
NSS modules at all. A Go program meets it with cgo on and an external static link (-extldflags -static with
-linkmode external or a cgo module): net's cgo resolver (chosen at run time when resolv.conf or nsswitch.conf use
what Go's resolver lacks, LOCALDOMAIN or RES_OPTIONS are set, or a .local name is asked) and os/user call them;
-tags netgo,osusergo keeps both in Go.
"""
from __future__ import annotations

from ..detectors import detector
from ..model import LintRule
from ..versions import parse_version
from .checks import _describe, _final_arrivals
from .results import Hit
from .stages import Analysis

#: the first glibc whose static programs resolve through files and dns without loading a module
NSS_BUILT_IN = "2.34"


@detector("lint", "static-glibc-nss-modules")
def check_static_glibc_nss(a: Analysis, rule: LintRule):
    prof = a.final.profile
    if not prof.known or prof.libc == "glibc":
        return
    done = set()
    for art, line in _final_arrivals(a):
        if not art.static_glibc or art.lang != "go" or line in done:
            continue
        if not art.builder_glibc or parse_version(art.builder_glibc) >= parse_version(NSS_BUILT_IN):
            continue
        if "netgo" in art.go_tags:
            continue  # Go's own resolver; os/user alone lint does not judge
        done.add(line)
        yield Hit(line, {"what": _describe(art), "builder": art.builder, "glibc": art.builder_glibc, "why": art.why,
                         "image": a.final.stage.base_image_resolved,
                         "user": "" if "osusergo" in art.go_tags else " and os/user's user and group lookups"})
