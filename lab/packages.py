"""Debian packages for the lab's image roots: the .deb of a package (of the host's release, or of another through a
private apt configuration), downloaded once into the lab cache, unpacked into a root or staged for picking files.
"""
from __future__ import annotations

import os
import subprocess
import tempfile
from pathlib import Path

from lab import cache_dir


class RootBuildError(RuntimeError):
    """An image root could not be built (here: a package could not be had)."""


# The Debian release packages come from. bookworm uses the host's apt (the host is Debian 12); any other release
# (trixie) a private apt configuration under <cache>/apt-<release>/, updated once (see use_release()).
_release = "bookworm"
HOST_RELEASE = "bookworm"


def apt_mirror() -> str:
    """The Debian archive this machine's apt uses (its sources list), unless MINIMAGE_LAB_DEBIAN_MIRROR names one:
    other releases come from where the host's packages come from."""
    if os.environ.get("MINIMAGE_LAB_DEBIAN_MIRROR"):
        return os.environ["MINIMAGE_LAB_DEBIAN_MIRROR"]
    sources = sorted(Path("/etc/apt/sources.list.d").glob("*.sources")) + [Path("/etc/apt/sources.list")]
    for path in sources:
        try:
            text = path.read_text(errors="replace")
        except OSError:
            continue
        for line in text.splitlines():
            words = line.split()
            if words[:1] == ["URIs:"] and len(words) > 1 and words[1].rstrip("/").endswith("/debian"):
                return words[1].rstrip("/")
            if words[:1] == ["deb"] and len(words) > 2:
                uri = next((w for w in words[1:] if "://" in w), "")
                if uri.rstrip("/").endswith("/debian"):
                    return uri.rstrip("/")
    raise RootBuildError("no Debian archive in /etc/apt/sources.list(.d): set MINIMAGE_LAB_DEBIAN_MIRROR")


class use_release:
    """``with use_release("trixie"):`` makes fetch_deb/staged/extract take that release's packages."""

    def __init__(self, release: str):
        self.release, self.saved = release, None

    def __enter__(self):
        global _release
        self.saved, _release = _release, self.release
        return self

    def __exit__(self, *exc):
        global _release
        _release = self.saved


def apt_options(release: str) -> list[str]:
    """apt-get options for ``release``: [] for the host's release, else a private, updated configuration."""
    if release == HOST_RELEASE:
        return []
    d = cache_dir() / f"apt-{release}"
    opts = ["-o", f"Dir::Etc::SourceList={d}/sources.list", "-o", "Dir::Etc::SourceParts=/dev/null",
            "-o", f"Dir::State::Lists={d}/lists", "-o", f"Dir::Cache={d}/cache",
            "-o", f"Dir::State::status={d}/status", "-o", "Debug::NoLocking=1", "-o", "APT::Sandbox::User=root"]
    if not (d / "lists" / ".updated").exists():
        for sub in ("lists/partial", "cache/archives/partial"):
            (d / sub).mkdir(parents=True, exist_ok=True)
        (d / "sources.list").write_text(f"deb {apt_mirror()} {release} main\n")
        (d / "status").touch()
        res = subprocess.run(["apt-get", "-q", *opts, "update"], capture_output=True, text=True, timeout=600)
        if res.returncode != 0:
            raise RootBuildError(f"apt-get update for {release} failed: {(res.stdout + res.stderr)[-500:]}")
        (d / "lists" / ".updated").touch()
    return opts


def debs_dir() -> Path:
    d = cache_dir() / ("debs" if _release == HOST_RELEASE else f"debs-{_release}")
    d.mkdir(parents=True, exist_ok=True)
    return d


def _pkg_file_prefix(pkg: str) -> str:
    return pkg + "_"


def fetch_deb(pkg: str) -> Path:
    """Path of the .deb of ``pkg`` (candidate of the current release), downloaded once into the cache."""
    d = debs_dir()
    found = sorted(p for p in d.glob(_pkg_file_prefix(pkg) + "*.deb"))
    if found:
        return found[-1]
    res = subprocess.run(["apt-get", *apt_options(_release), "download", pkg], cwd=d, capture_output=True,
                         text=True, timeout=300)
    found = sorted(p for p in d.glob(_pkg_file_prefix(pkg) + "*.deb"))
    if res.returncode != 0 or not found:
        raise RootBuildError(
            f"apt-get download {pkg} ({_release}) failed (did 'apt-get update' run?): {res.stderr.strip()[-500:]}"
        )
    return found[-1]


def deb_version(deb: Path) -> str:
    return subprocess.run(
        ["dpkg-deb", "-f", str(deb), "Version"], capture_output=True, text=True, check=True
    ).stdout.strip()


def extract(pkg: str, dest: Path, versions: dict[str, str]) -> None:
    deb = fetch_deb(pkg)
    versions[pkg] = deb_version(deb)
    subprocess.run(["dpkg-deb", "-x", str(deb), str(dest)], check=True)


def staged(pkg: str, versions: dict[str, str]) -> Path:
    """A package unpacked once into ``<cache>/staging/<pkg>`` for picking files out."""
    deb = fetch_deb(pkg)
    versions[pkg] = deb_version(deb)
    d = cache_dir() / "staging" / deb.stem  # file names carry the version, so releases do not collide
    if not d.exists():
        tmp = Path(tempfile.mkdtemp(dir=d.parent.parent, prefix=".stage-"))
        subprocess.run(["dpkg-deb", "-x", str(deb), str(tmp)], check=True)
        d.parent.mkdir(parents=True, exist_ok=True)
        os.replace(tmp, d)
    return d
