"""Emulated Docker image roots, built from Debian 12 (bookworm) packages.

There is no Docker engine here, so each root is a directory tree assembled to
follow the real image's published recipe as closely as Debian's packages allow.
Each lives in ``<cache>/roots/<name>-r<RECIPE_VERSION>/`` as ``rootfs/`` plus a
``MANIFEST.json`` (what it emulates, the recipe it follows, how faithful it is,
the package versions used, and the image's environment). Building is
idempotent: a root whose directory exists is reused; a build goes to a
temporary directory that is renamed into place only when complete. Bump
``RECIPE_VERSION`` whenever a recipe changes.

Packages are fetched with ``apt-get download`` into ``<cache>/debs/`` and
unpacked with ``dpkg-deb -x`` (no maintainer scripts run, which is also how
distroless assembles its images). ``apt-get update`` must have run once.

Recipes followed (read for this lab; versions as of 2026):

* scratch: the empty image.
* busybox:musl / busybox:uclibc, docker-library/busybox
  ``latest-1/{musl,uclibc}/Dockerfile.builder``: one static busybox binary,
  ``busybox --install /bin`` (hard links), ``/etc/{passwd,group,shadow}`` from
  buildroot's ``system/skeleton``, the directories of buildroot's
  ``device_table.txt``, home directories, ``/usr/bin/env`` and
  ``/etc/localtime`` = UTC.
* busybox:glibc (= busybox:latest), docker-library/busybox
  ``latest-1/glibc/Dockerfile.builder`` (FROM debian:trixie-slim): dynamic busybox
  + Debian's ``getconf`` + ``/lib/<multiarch>/libnss*.so.*`` +
  ``libpthread*.so.*`` + their ``ldd`` closure, all copied flat into ``/lib``
  with ``/lib64 -> lib``, Debian's ``/etc/nsswitch.conf``, then the same
  buildroot passwd/group/shadow, env and UTC localtime as above.
* alpine: the Alpine minirootfs (alpine-baselayout, busybox + busybox-binsh,
  musl, musl-utils, ca-certificates-bundle, libssl3, libcrypto3, zlib,
  apk-tools, scanelf, ssl_client); only the parts that decide whether a
  program starts are reproduced: the musl loader at ``/lib/ld-musl-x86_64.so.1``
  (+ ``/lib/libc.musl-x86_64.so.1`` link), a busybox with applet links at their
  ``--list-full`` paths, ``/etc/ssl/certs/ca-certificates.crt`` (+ ``/etc/ssl/cert.pem``),
  ``/etc/passwd``, ``/etc/group``; no tzdata.
* alpine-libc6-compat: the alpine root plus the ``/lib64/ld-linux-x86-64.so.2``
  link to musl's loader that ``apk add libc6-compat`` provides (the route by
  which glibc binaries end in musl ``Error relocating …: symbol not found``).
* distroless, GoogleContainerTools/distroless ``static/config.bzl``,
  ``static/static.bzl``, ``common/BUILD.bazel``, ``base/config.bzl``,
  ``cc/config.bzl`` (debian12):
  ``static`` = base-files, netbase, tzdata, media-types + generated CA bundle,
  passwd/group (root, nobody, nonroot 65532), /root, /home/nonroot, /tmp 1777,
  nsswitch.conf, os-release; env PATH + SSL_CERT_FILE.
  ``base-nossl`` = static + libc6. ``base`` = static + libc6, libssl3.
  ``cc`` = base + libgomp1, libstdc++6, libgcc-s1, gcc-12-base.
* debian-slim (optional, ``python -m lab.roots debian-slim``):
  ``debootstrap --variant=minbase bookworm``; the real image is debuerreotype's
  minbase plus dpkg path excludes for docs/man/locales ("slimify").

Usage: ``python -m lab.roots [--force] [--list] [name ...]`` (default: the core set).
"""

from __future__ import annotations

import datetime as _dt
import json
import os
import shutil
import subprocess
import sys
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from lab import cache_dir
from lab.packages import (HOST_RELEASE, RootBuildError, apt_mirror, apt_options, deb_version,  # noqa: F401 - also
                          debs_dir, extract, fetch_deb, staged, use_release)  # this module's interface

RECIPE_VERSION = 1
MULTIARCH = "x86_64-linux-gnu"
DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
from lab.rootparts import (  # noqa: F401 - also this module's interface
    ALPINE_GROUP, ALPINE_PASSWD, BUILDROOT_GROUP, BUILDROOT_PASSWD, BUILDROOT_SHADOW, DISTROLESS_EXTRA, DISTROLESS_GROUP, DISTROLESS_NSSWITCH, DISTROLESS_OS_RELEASE, DISTROLESS_PASSWD, DISTROLESS_STATIC_PKGS, _busybox_applets, _busybox_skeleton, _ca_bundle, _install_busybox_bin, _lib_closure, _mkdir, _write)


@dataclass
class Root:
    name: str
    dir: Path

    @property
    def path(self) -> Path:
        """The root filesystem tree."""
        return self.dir / "rootfs"

    @property
    def manifest(self) -> dict:
        return json.loads((self.dir / "MANIFEST.json").read_text())

    @property
    def env(self) -> dict[str, str]:
        return dict(self.manifest.get("env", {}))



# ---------------------------------------------------------------- recipes


def build_scratch(root: Path, versions: dict) -> dict:
    return {
        "emulates": "scratch",
        "recipe": "the empty image (FROM scratch)",
        "faithfulness": "exact",
        "differences": [],
        "env": {},
    }


def _build_busybox_static(root: Path, versions: dict, flavour: str) -> dict:
    bb = staged("busybox-static", versions)
    tz = staged("tzdata", versions)
    _install_busybox_bin(root, bb / "bin/busybox")
    _busybox_skeleton(root, tz)
    return {
        "emulates": f"busybox:{flavour}",
        "recipe": f"docker-library/busybox latest-1/{flavour}/Dockerfile.builder",
        "faithfulness": "high for whether a program starts (no loader, no libc files, passwd present)",
        "differences": [
            f"the busybox binary is Debian's busybox-static {versions['busybox-static']} "
            f"(glibc, statically linked), not busybox 1.37 built against {flavour}",
            "applet set follows Debian's busybox config, not busybox defconfig",
        ],
        "env": {"PATH": DEFAULT_PATH},
    }


def build_busybox_musl(root: Path, versions: dict) -> dict:
    return _build_busybox_static(root, versions, "musl")


def build_busybox_uclibc(root: Path, versions: dict) -> dict:
    return _build_busybox_static(root, versions, "uclibc")


def build_busybox_glibc(root: Path, versions: dict) -> dict:
    bb = staged("busybox", versions)  # Debian's dynamic (glibc) busybox
    libc = staged("libc6", versions)
    libcbin = staged("libc-bin", versions)
    tz = staged("tzdata", versions)
    _mkdir(root, "bin")
    _mkdir(root, "lib")
    os.symlink("lib", root / "lib64")
    shutil.copy2(bb / "bin/busybox", root / "bin/busybox")
    shutil.copy2(libcbin / "usr/bin/getconf", root / "bin/getconf")
    libdir = libc / "lib" / MULTIARCH
    start = [root / "bin/busybox", root / "bin/getconf"]
    start += sorted(libdir.glob("libnss*.so.*")) + sorted(libdir.glob("libpthread*.so.*"))
    # The real busybox 1.37 is built from defconfig, whose awk links libm (FEATURE_AWK_LIBM), so
    # libm.so.6 is in its ldd closure; Debian's busybox binary does not need it. Add it so the
    # library set matches the real image's rule rather than Debian's config.
    start.append(libdir / "libm.so.6")
    files = {p.name: p for p in start[2:]}
    for p in _lib_closure(start, libdir):
        files[p.name] = p
    for name, p in sorted(files.items()):
        shutil.copy2(p.resolve(), root / "lib" / name)  # ln -vL / cp: symlinks resolved
    nss = libcbin / "usr/share/libc-bin/nsswitch.conf"
    _mkdir(root, "etc")
    shutil.copyfile(nss if nss.exists() else Path("/etc/nsswitch.conf"), root / "etc/nsswitch.conf")
    for applet in _busybox_applets(root / "bin/busybox"):
        link = root / "bin" / applet
        if not link.exists():
            os.link(root / "bin/busybox", link)
    _busybox_skeleton(root, tz)
    return {
        "emulates": "busybox:glibc (= busybox:latest)",
        "recipe": "docker-library/busybox latest-1/glibc/Dockerfile.builder",
        "faithfulness": "high for library presence: same file-selection rule (busybox + getconf + libnss* + libpthread* + ldd closure, flat in /lib, /lib64 -> lib)",
        "libraries": sorted(files),
        "differences": [
            f"glibc is Debian 12's {versions['libc6']} (2.36), the real image uses Debian 13 trixie's 2.41: "
            "a binary needing GLIBC_2.37..2.41 runs on the real image but fails here",
            f"busybox is Debian's dynamic busybox {versions['busybox']}, not 1.37 from defconfig; "
            "its DT_NEEDED set lacks libm, so libm.so.6 is added by hand to match busybox 1.37 defconfig "
            "(awk with FEATURE_AWK_LIBM): an inference, not read from the real image",
        ],
        "env": {"PATH": DEFAULT_PATH},
    }


def build_alpine(root: Path, versions: dict) -> dict:
    musl = staged("musl", versions)
    bb = staged("busybox-static", versions)
    for d in ("bin", "sbin", "lib", "usr/bin", "usr/sbin", "usr/lib", "usr/local/bin", "etc", "dev",
              "home", "media", "mnt", "opt", "proc", "run", "srv", "sys", "var/empty", "var/log", "var/tmp"):
        _mkdir(root, d)
    _mkdir(root, "tmp", 0o1777)
    _mkdir(root, "root", 0o700)
    libc = (musl / "lib" / "x86_64-linux-musl" / "libc.so").resolve()
    shutil.copy2(libc, root / "lib/ld-musl-x86_64.so.1")
    os.symlink("ld-musl-x86_64.so.1", root / "lib/libc.musl-x86_64.so.1")
    shutil.copy2(bb / "bin/busybox", root / "bin/busybox")
    (root / "bin/busybox").chmod(0o755)
    for full in _busybox_applets(root / "bin/busybox", full=True):
        link = root / full.lstrip("/")
        if link.exists() or link.is_symlink():
            continue
        link.parent.mkdir(parents=True, exist_ok=True)
        os.symlink("/bin/busybox", link)
    _write(root, "etc/passwd", ALPINE_PASSWD)
    _write(root, "etc/group", ALPINE_GROUP)
    _write(root, "etc/shadow", "".join(f"{ln.split(':')[0]}:!::0:::::\n" for ln in ALPINE_PASSWD.splitlines()), 0o640)
    _write(root, "etc/alpine-release", "emulated\n")
    _write(root, "etc/os-release", 'NAME="Alpine Linux (emulated by minimage lab)"\nID=alpine\n')
    _mkdir(root, "etc/ssl/certs")
    _write(root, "etc/ssl/certs/ca-certificates.crt", _ca_bundle(versions))
    os.symlink("certs/ca-certificates.crt", root / "etc/ssl/cert.pem")
    return {
        "emulates": "alpine:3.x",
        "recipe": "Alpine minirootfs (alpine-baselayout, busybox, musl, ca-certificates-bundle, libssl3, libcrypto3, zlib, apk-tools)",
        "faithfulness": "high for musl vs glibc start-up (same loader path); low for extra libraries",
        "differences": [
            f"musl is Debian's {versions['musl']} (1.2.3); Alpine 3.2x ships musl 1.2.5",
            "busybox is Debian's static (glibc) busybox-static, not Alpine's musl-linked busybox",
            "no libssl.so.3/libcrypto.so.3/libz.so.1 (Alpine ships musl builds of them; Debian has none)",
            "no apk, no scanelf/ssl_client/musl-utils (ldd, getconf, getent)",
            "CA bundle generated from Debian's ca-certificates, not Alpine's ca-certificates-bundle",
        ],
        "env": {"PATH": DEFAULT_PATH},
    }


def build_alpine_libc6_compat(root: Path, versions: dict) -> dict:
    meta = build_alpine(root, versions)
    _mkdir(root, "lib64")
    os.symlink("/lib/libc.musl-x86_64.so.1", root / "lib64/ld-linux-x86-64.so.2")
    meta.update(
        emulates="alpine:3.x + apk add libc6-compat (the loader link only)",
        recipe="alpine (above) + /lib64/ld-linux-x86-64.so.2 -> /lib/libc.musl-x86_64.so.1, "
        "the link Alpine's libc6-compat provides so glibc binaries reach musl's loader",
        faithfulness="low: shows what happens when musl's loader runs a glibc binary; not a package copy",
    )
    meta["differences"] = meta["differences"] + [
        "only the ld-linux link: libc6-compat's other compat links and gcompat's glibc shims are absent",
    ]
    return meta


def _build_distroless(root: Path, versions: dict, name: str) -> dict:
    pkgs = DISTROLESS_STATIC_PKGS + DISTROLESS_EXTRA[name]
    for pkg in pkgs:
        extract(pkg, root, versions)
    _write(root, "etc/passwd", DISTROLESS_PASSWD)
    _write(root, "etc/group", DISTROLESS_GROUP)
    _mkdir(root, "root", 0o700)
    _mkdir(root, "home")
    _mkdir(root, "home/nonroot", 0o700, 65532, 65532)
    _mkdir(root, "tmp", 0o1777)
    _write(root, "etc/nsswitch.conf", DISTROLESS_NSSWITCH)
    osr = root / "etc/os-release"
    if osr.is_symlink() or osr.exists():
        osr.unlink()
    _write(root, "etc/os-release", DISTROLESS_OS_RELEASE)
    _mkdir(root, "etc/ssl/certs")
    _write(root, "etc/ssl/certs/ca-certificates.crt", _ca_bundle(versions))
    flavour = name.removeprefix("distroless-")
    differences = [
        "package versions are this machine's bookworm candidates, not distroless's snapshot lock",
        "no dpkg status.d metadata (/var/lib/dpkg/status.d)",
    ]
    if "libc6" in pkgs:
        differences.append("no /etc/ld.so.cache (the real image has none either: libc-bin is not installed)")
    return {
        "emulates": f"gcr.io/distroless/{flavour}-debian12",
        "recipe": "GoogleContainerTools/distroless static/config.bzl, static/static.bzl, common/BUILD.bazel"
        + (", base/config.bzl" if flavour != "static" else "")
        + (", cc/config.bzl" if flavour == "cc" else ""),
        "faithfulness": "high: same Debian 12 packages, unpacked without maintainer scripts like the real build",
        "packages_listed": pkgs,
        "differences": differences,
        "env": {"PATH": DEFAULT_PATH, "SSL_CERT_FILE": "/etc/ssl/certs/ca-certificates.crt"},
    }


def build_debian_slim(root: Path, versions: dict) -> dict:
    if not shutil.which("debootstrap"):
        raise RootBuildError("debootstrap not installed (apt-get install -y debootstrap)")
    mirror = apt_mirror()
    res = subprocess.run(
        ["debootstrap", "--variant=minbase", "bookworm", str(root), mirror],
        capture_output=True, text=True, timeout=900,
    )
    if res.returncode != 0:
        raise RootBuildError("debootstrap failed: " + (res.stdout + res.stderr)[-800:])
    for sub in ("var/cache/apt/archives", "var/lib/apt/lists"):
        for p in (root / sub).glob("*"):
            if p.is_file():
                p.unlink()
    out = subprocess.run(["chroot", str(root), "dpkg-query", "-W", "libc6"], capture_output=True, text=True)
    if out.returncode == 0 and out.stdout.split():
        versions["libc6"] = out.stdout.split()[-1]
    return {
        "emulates": "debian:bookworm-slim",
        "recipe": "debootstrap --variant=minbase bookworm (docker-library's debuerreotype builds minbase too)",
        "faithfulness": "high for libraries (same package set); larger: docs, man pages and locales not slimmed",
        "differences": ["no debuerreotype slimify path-excludes", "package versions are today's bookworm"],
        "env": {"PATH": DEFAULT_PATH},
    }


RECIPES = {
    "scratch": build_scratch,
    "busybox-musl": build_busybox_musl,
    "busybox-uclibc": build_busybox_uclibc,
    "busybox-glibc": build_busybox_glibc,
    "alpine": build_alpine,
    "alpine-libc6-compat": build_alpine_libc6_compat,
    "distroless-static": lambda r, v: _build_distroless(r, v, "distroless-static"),
    "distroless-base-nossl": lambda r, v: _build_distroless(r, v, "distroless-base-nossl"),
    "distroless-base": lambda r, v: _build_distroless(r, v, "distroless-base"),
    "distroless-cc": lambda r, v: _build_distroless(r, v, "distroless-cc"),
    "debian-slim": build_debian_slim,
}
CORE_ROOTS = [n for n in RECIPES if n != "debian-slim"]
OPTIONAL_ROOTS = ["debian-slim"]


def roots_dir() -> Path:
    return cache_dir() / "roots"


def root_dir(name: str) -> Path:
    return roots_dir() / f"{name}-r{RECIPE_VERSION}"


def get(name: str) -> Root | None:
    """The built root ``name``, or None if it is not in the cache."""
    d = root_dir(name)
    return Root(name, d) if (d / "MANIFEST.json").exists() else None


@contextmanager
def building(final: Path, name: str):
    """A new directory beside ``final`` to build into; it replaces ``final`` when the block ends, and is removed if
    the block fails, so a cached tree is always whole."""
    final.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(dir=final.parent, prefix=f".{name}-"))
    try:
        yield tmp
        if final.exists():
            shutil.rmtree(final)
        os.replace(tmp, final)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def build(name: str, force: bool = False) -> Root:
    """Build root ``name`` unless it is cached; returns it."""
    if name not in RECIPES:
        raise KeyError(f"unknown root {name!r}; known: {', '.join(RECIPES)}")
    final = root_dir(name)
    if not force and (final / "MANIFEST.json").exists():
        return Root(name, final)
    with building(final, name) as tmp:
        rootfs = tmp / "rootfs"
        rootfs.mkdir()
        rootfs.chmod(0o755)
        versions: dict[str, str] = {}
        meta = RECIPES[name](rootfs, versions)
        meta = {
            "name": name,
            "recipe_version": RECIPE_VERSION,
            **meta,
            "package_versions": versions,
            "built_at": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
            "size_bytes": _du(rootfs),
        }
        (tmp / "MANIFEST.json").write_text(json.dumps(meta, indent=2, sort_keys=True) + "\n")
    return Root(name, final)


def _du(path: Path) -> int:
    total, seen = 0, set()
    for dirpath, _dirs, files in os.walk(path):
        for f in files:
            st = os.lstat(os.path.join(dirpath, f))
            if (st.st_dev, st.st_ino) in seen:
                continue
            seen.add((st.st_dev, st.st_ino))
            total += st.st_size
    return total


def build_all(names: list[str] | None = None, force: bool = False) -> dict[str, Root | str]:
    """Build the named roots (default: the core set); name -> Root, or an error string."""
    out: dict[str, Root | str] = {}
    for name in names or CORE_ROOTS:
        try:
            out[name] = build(name, force=force)
        except (RootBuildError, subprocess.SubprocessError, OSError) as e:
            out[name] = f"{type(e).__name__}: {e}"
    return out


def available_roots() -> list[Root]:
    """Every root already built, in RECIPES order."""
    return [r for r in (get(n) for n in RECIPES) if r is not None]


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if "--list" in args:
        for name in RECIPES:
            r = get(name)
            print(f"{name:24} {'built  ' + str(r.dir) if r else 'not built'}")
        return 0
    if os.geteuid() != 0:
        print("lab.roots needs root (dpkg-deb -x ownerships, chown of home directories)", file=sys.stderr)
        return 1
    force = "--force" in args
    names = [a for a in args if not a.startswith("-")]
    if names == ["all"]:
        names = list(RECIPES)
    rc = 0
    for name, r in build_all(names or None, force=force).items():
        if isinstance(r, Root):
            m = r.manifest
            print(f"ok    {name:24} {m['size_bytes'] / 1e6:7.1f} MB  {r.path}")
        else:
            rc = 1
            print(f"FAIL  {name:24} {r}")
    return rc


if __name__ == "__main__":
    raise SystemExit(main())
