"""The CA-bundle checks of `minimage-ask lint` (MI411, MI416): a Go or Rust program that makes outgoing TLS calls,
copied into a final image without a CA bundle, fails its first HTTPS call with "x509: certificate signed by unknown
authority". What the build context shows about the program's TLS calls comes from kb/lint/stages.py
(Analysis.tls_context: the packages a Go build reaches, kb/lint/goclients.py, else the copied source and go.mod or
Cargo.toml, kb/lint/context.py).
"""
from __future__ import annotations

import posixpath

from ..detectors import detector
from ..model import LintRule
from .checks import _describe, _final_arrivals
from .context import Unseen
from .landing import copies_from_context
from .prebuilt import CONTEXT
from .results import Hit
from .stages import Analysis

_CA_PACKAGES = {"ca-certificates", "ca-certificates-bundle", "ca-certificates-java", "ca-certificates-mozilla"}


def _tls_arrivals(a: Analysis):
    """(program, COPY line, what the build context shows about its TLS calls) for the Go and Rust programs copied
    into a final image that has no CA bundle: a description of the evidence, False (none), Unseen (cannot tell)."""
    prof = a.final.profile
    if not prof.known or (prof.ca_certificates is not False and not prof.ca_file) or "ca-certs" in prof.provided \
            or prof.installed & _CA_PACKAGES:
        return
    if prof.ca_file:  # a bundle only an old Go cannot find: its own builds, whose Go version lint knows
        for art, line in _final_arrivals(a):
            if art.lang == "go" and _go_without(a, art, prof.ca_file):
                yield art, line, a.tls_context(art.stage, art)
        return
    done = set()
    for art, line in _final_arrivals(a):
        if art.lang not in ("go", "rust") or art.stage in done:
            continue
        done.add(art.stage)
        seen = a.tls_context(art.stage, art)
        if art.lang == "rust" and art.builder == CONTEXT:  # picked prebuilt out of the context (moves.picked)
            from .cargobuilt import cargo_programs
            from .cargoprebuilt import prebuilt_tls as rust_tls
            from .prebuilt import program_of

            base = posixpath.basename(art.path)
            seen = rust_tls(a, program_of(base, set(cargo_programs(a)), rust=True) or base)
            if seen is None:
                continue  # its only roots are embedded
        elif art.lang == "rust" and (seen or isinstance(seen, Unseen)):
            from .rustroots import embedded_roots_only, names_features  # rustls with webpki-roots: its own roots

            runs = [" ".join(i.args) for s in _lineage(a, art.stage) for i in s.stage.instructions if i.cmd == "RUN"]
            if embedded_roots_only(a.context_dir, posixpath.basename(art.path), a.kb.native_packages,
                                   optional=names_features(runs)):
                continue
        yield art, line, seen
    if a.final.index not in done and copies_from_context(a):
        from .prebuilt import go_binaries  # a COPY of the context's Go program, built outside the Dockerfile

        from .hostbuild import prebuilt_tls  # its own package, walked in the whole context

        for art, line in go_binaries(a)[:1]:
            seen = prebuilt_tls(a, art)
            if isinstance(seen, Unseen):  # the modules go.mod names may still tell
                from .context import https_clients

                seen = https_clients(a.context_dir, a.kb.native_packages.get("https", {})) or seen
            yield art, line, seen
        from .cargoprebuilt import prebuilt_tls as rust_tls, rust_prebuilts  # the context's Cargo program

        for art, line, program, _libc in rust_prebuilts(a)[:1]:
            seen = rust_tls(a, program)
            if seen is not None:
                yield art, line, seen
    from .released import released_programs  # the context's own release, downloaded by a build stage

    for art, line in released_programs(a):
        if art.stage in done:
            continue
        done.add(art.stage)
        if art.lang == "go":
            from .hostbuild import prebuilt_tls

            seen = prebuilt_tls(a, art)
        else:  # the release is built from the whole context: its source, not what the stage copied
            from .context import tls_sources

            seen = tls_sources(a.context_dir, ["."], a.kb.native_packages, posixpath.basename(art.path))
        if isinstance(seen, Unseen):  # the modules go.mod or Cargo.toml names may still tell
            from .context import https_clients

            seen = https_clients(a.context_dir, a.kb.native_packages.get("https", {})) or seen
        if art.lang == "rust" and seen:
            from .rustroots import embedded_roots_only  # rustls with webpki-roots: its own roots

            if embedded_roots_only(a.context_dir, posixpath.basename(art.path), a.kb.native_packages):
                continue
        yield art, line, seen


# the last Go released before golang/go#31042 (2019-03-25) added /etc/ssl/cert.pem, Alpine's, to the bundles
# crypto/x509 looks for (Go 1.15's root_linux.go has it: Debian bullseye's golang-1.15-src; 1.13 and 1.14 were not
# checked, so lint says nothing for them)
GO_WITHOUT_CERT_PEM = (1, 12)


def _go_without(a: Analysis, art, path: str) -> tuple[int, int] | None:
    """The Go version that built `art`, when it is one that does not look for a bundle at `path`."""
    version = a.stages[art.stage].profile.go_version
    return version if path == "/etc/ssl/cert.pem" and version and version <= GO_WITHOUT_CERT_PEM else None


def _missing(a: Analysis, art) -> dict:
    """The message's `where` and `failure`: which bundle the program cannot find, and what its first call says."""
    path = a.final.profile.ca_file
    version = _go_without(a, art, path) if path else None
    if version is None:
        return {"where": "", "failure": _FAILURE.get(art.lang, _GO)}
    return {"where": f" Go {version[0]}.{version[1]} reads (its only one is {path}, which crypto/x509 looks for "
                     f"from a Go release after {GO_WITHOUT_CERT_PEM[0]}.{GO_WITHOUT_CERT_PEM[1]}: golang/go#31042)",
            "failure": "'x509: failed to load system roots and no roots provided'"}


def _lineage(a: Analysis, index: int):
    """Stage `index` and the stages it is built FROM, nearest first."""
    seen = set()
    while index is not None and index not in seen:
        seen.add(index)
        yield a.stages[index]
        index = a.stages[index].stage.base_stage


@detector("lint", "tls-client-without-ca-bundle")
def check_ca_bundle(a: Analysis, rule: LintRule):
    """Only with evidence (the source, or an HTTPS client module in go.mod / Cargo.toml); MI416 says when lint
    cannot tell."""
    for art, line, seen in _tls_arrivals(a):
        if seen:
            yield Hit(line, {"what": _describe(art), "image": a.final.image, "builder": art.builder,
                             "evidence": seen, **_missing(a, art)}, "seen")


# what the first HTTPS call prints, by language: Go's crypto/x509; Rust's rustls (webpki) with native roots, OpenSSL
# through native-tls, or rustls-native-certs finding no certificate at all (rustic-rs/rustic#1777)
_GO = "'x509: certificate signed by unknown authority'"
_FAILURE = {"rust": "'invalid peer certificate: UnknownIssuer' (rustls), 'certificate verify failed' (OpenSSL) or "
                    "'no CA certificates found'"}


@detector("lint", "tls-use-unknown-without-ca-bundle")
def check_ca_bundle_unknown(a: Analysis, rule: LintRule):
    for art, line, seen in _tls_arrivals(a):
        if isinstance(seen, Unseen):
            yield Hit(line, {"what": _describe(art), "image": a.final.image,
                             "builder": art.builder, "unseen": seen, **_missing(a, art)})
