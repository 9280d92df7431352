"""MI411 for a Rust program: where its TLS takes the CA roots from. A program whose only roots are embedded
(rustls with webpki-roots: Mozilla's roots compiled in) verifies servers without /etc/ssl/certs, so a final image
without a CA bundle is no problem for it; one that reads the system's (native-tls, which is OpenSSL on Linux;
rustls-native-certs; rustls-platform-verifier) needs the bundle. The crates and where each takes its roots from are
`roots` of the `rust` table of native-packages.yaml; the crates are those Cargo.lock says the program reaches
(kb/lint/cargobuilt.py), or every crate of the lock when lint cannot tell which package builds it.
"""
from __future__ import annotations

from typing import Mapping

from ..evidence.errors import read_project_file
from .cargobuilt import MAX_LOCK_PACKAGES, built_crates


def embedded_roots_only(context_dir: str | None, program: str, natives: Mapping[str, Mapping[str, dict]],
                        optional: bool = True) -> str | None:
    """'rustls with webpki-roots (...)' when the crates `program` links take CA roots only from an embedded copy;
    None when one reads the system's, none says, or there is no Cargo.lock to tell. `optional` False: the cargo
    build turns on no features, so optional dependencies only the package's default features enable count."""
    if not context_dir:
        return None
    lock = read_project_file(context_dir, "Cargo.lock")
    if lock is None:
        return None
    import tomllib  # only for a Rust program copied into an image without a CA bundle

    try:
        entries = tomllib.loads(lock).get("package")
    except (tomllib.TOMLDecodeError, RecursionError):
        return None
    if not isinstance(entries, list):
        return None
    crates = {e["name"] for e in entries[:MAX_LOCK_PACKAGES] if isinstance(e, dict) and isinstance(e.get("name"), str)}
    reached = built_crates(context_dir, program, optional)
    if reached is not None:
        crates &= reached
    table = natives.get("rust", {})
    roots = {c: table[c]["roots"] for c in crates if c in table and table[c].get("roots")}
    embedded = sorted(c for c, where in roots.items() if where == "embedded")
    if not embedded or any(where == "system" for where in roots.values()):
        return None
    stack = "rustls" if "rustls" in crates else "its TLS"
    return f"{stack} with {', '.join(embedded)} ({table[embedded[0]].get('note') or 'embedded roots'})"


def names_features(runs: list[str]) -> bool:
    """Does a cargo command of these RUN texts turn features on (--features, -F, --all-features)?"""
    return any(w in ("-F", "--features", "--all-features") or w.startswith(("--features=", "-F"))
               for text in runs if "cargo" in text for w in text.split())
