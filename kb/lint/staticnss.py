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

import posixpath

from ..detectors import detector
from ..lazyre import lazy
from ..model import LintRule
from ..versions import parse_version
from .checks import _describe, _final_arrivals
from .results import Hit
from .stages import Analysis

#: the first glibc whose static programs resolve through files and dns without loading a module
NSS_BUILT_IN = "2.34"
#: a call of a glibc function that looks up through NSS (a word, then an opening parenthesis): linear
_NSS_CALL = lazy(r"\b(getaddrinfo|gethostbyname2?(?:_r)?|gethostbyaddr(?:_r)?|getnameinfo|getpw(?:nam|uid)(?:_r)?|"
                 r"getgr(?:nam|gid)(?:_r)?|getservbyname|getgrouplist|initgroups)\s*\(")
_SOURCE_BYTES = 1 << 20


@detector("lint", "static-glibc-nss-modules")
def check_static_glibc_nss(a: Analysis, rule: LintRule):
    prof = a.final.profile
    if not prof.known or prof.libc == "glibc":
        return
    done = set()
    for art, line in _final_arrivals(a):
        if not art.static_glibc or line in done:
            continue
        if not art.builder_glibc or parse_version(art.builder_glibc) >= parse_version(NSS_BUILT_IN):
            continue
        if art.lang == "go":
            if "netgo" in art.go_tags:
                continue  # Go's own resolver; os/user alone lint does not judge
            user = "" if "osusergo" in art.go_tags else " and os/user's user and group lookups"
            calls = f"with cgo on and without -tags netgo: net's cgo resolver{user} go through glibc's NSS"
        elif art.lang in ("c", "cpp"):
            seen = _source_call(a, art)
            if seen is None:
                continue  # only a call the build context shows
            calls = f"{seen}, which goes through glibc's NSS"
        else:
            continue
        done.add(line)
        yield Hit(line, {"what": _describe(art), "builder": art.builder, "glibc": art.builder_glibc, "why": art.why,
                         "image": a.final.image, "calls": calls}, art.lang if art.lang != "cpp"
                  else "c")


def _source_call(a: Analysis, art) -> str | None:
    """'src/main.c:12 calls getaddrinfo' for the first NSS call in a source file the gcc line names that a COPY
    brought from the build context into its stage, or None."""
    if not a.context_dir:
        return None
    from ..evidence.errors import read_project_file

    info = a.stages[art.stage]
    for src in art.c_sources:
        where = posixpath.dirname(src)
        if not any(where == d.rstrip("/") or where.startswith(d.rstrip("/") + "/") for d, _ in info.context_dirs):
            continue  # not a copy of the build context that lint can place
        rel = posixpath.join(a.context_subdir(info, where), posixpath.basename(src))
        text = read_project_file(a.context_dir, rel, _SOURCE_BYTES) or ""
        m = _NSS_CALL.search(text)
        if m:
            return f"{rel}:{text.count(chr(10), 0, m.start()) + 1} calls {m.group(1)}"
    return None
