"""Faithful images under their real names, built from Debian packages and imported into a Docker engine.

No registry is reachable here, so every image a generated Dockerfile names must be made locally. Each recipe below
builds a root filesystem from the same Debian packages the upstream image uses (trixie for the Debian 13 and current
tags), then ``docker import``s it under the upstream reference with the upstream image config (ENTRYPOINT, CMD, USER,
ENV, WORKDIR). Each recipe cites the upstream recipe it follows and lists how the result differs from the real image.

An image is labelled ``org.minimage.recipe=<slug>-r<version>``; a local image with that label is reused, so images are
built once per engine data root (see lab/engine.py). Root filesystems are cached in ``<lab cache>/images/``.

Images that cannot be made faithfully from reachable packages are listed in ``NOT_PROVABLE`` with the reason.

Usage: ``python -m lab.images [--list] [ref ...]`` (default: every recipe).
"""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from lab import cache_dir
from lab import recipes_interp as RI
from lab import recipes_compiled as RC
from lab import roots as R
from lab.engine import Engine, EngineError

DEFAULT_PATH = R.DEFAULT_PATH
LABEL = "org.minimage.recipe"


class ImageBuildError(RuntimeError):
    pass


@dataclass(frozen=True)
class Recipe:
    slug: str
    refs: tuple[str, ...]  # the real references it is tagged with (first = canonical)
    build: Callable[[Path, dict], None]  # fills the rootfs, records package versions
    config: dict  # Env (dict), Cmd, Entrypoint, User, WorkingDir
    recipe: str  # the upstream recipe followed
    differences: tuple[str, ...]
    base: str | None = None  # slug of the recipe whose rootfs this one starts from
    version: int = 1

    @property
    def tag(self) -> str:
        return f"{self.slug}-r{self.version}"


# ---------------------------------------------------------------- rootfs builders


def _distroless(extra: list[str]) -> Callable[[Path, dict], None]:
    def build(root: Path, versions: dict) -> None:
        with R.use_release("trixie"):
            for pkg in ["base-files", "netbase", "tzdata", "tzdata-legacy", "media-types", *extra]:
                R.extract(pkg, root, versions)
            R._write(root, "etc/passwd", R.DISTROLESS_PASSWD)
            R._write(root, "etc/group", R.DISTROLESS_GROUP)
            R._mkdir(root, "root", 0o700)
            R._mkdir(root, "home")
            R._mkdir(root, "home/nonroot", 0o700, 65532, 65532)
            R._mkdir(root, "tmp", 0o1777)
            R._write(root, "etc/nsswitch.conf", R.DISTROLESS_NSSWITCH)
            osr = root / "etc/os-release"
            if osr.is_symlink() or osr.exists():
                osr.unlink()
            R._write(root, "etc/os-release", R.DISTROLESS_OS_RELEASE.replace('VERSION_ID="12"', 'VERSION_ID="13"')
                     .replace("12 (bookworm)", "13 (trixie)"))
            R._mkdir(root, "etc/ssl/certs")
            R._write(root, "etc/ssl/certs/ca-certificates.crt", R._ca_bundle(versions))
            _merged_usr(root)
    return build


def _merged_usr(root: Path) -> None:
    """Debian 13 (and distroless debian13) is merged-/usr: /bin, /sbin, /lib, /lib64 are links into /usr."""
    for d in ("bin", "sbin", "lib", "lib64"):
        p = root / d
        if p.is_symlink():
            continue
        target = root / "usr" / d
        if p.is_dir():  # a package put files in the alias: move them under /usr
            target.mkdir(parents=True, exist_ok=True)
            for child in p.iterdir():
                os.replace(child, target / child.name)
            p.rmdir()
        if target.exists():
            os.symlink(f"usr/{d}", p)


def _debug_of(extra: list[str]) -> Callable[[Path, dict], None]:
    """A distroless :debug image: the image with `extra` packages, plus a static busybox in /busybox."""
    def build(root: Path, versions: dict) -> None:
        _distroless_debug(root, versions, extra)
    return build


def _distroless_debug(root: Path, versions: dict, extra: list[str] | None = None) -> None:
    """distroless :debug = the image plus a static busybox in /busybox (applet links beside it)."""
    _distroless(list(extra or []))(root, versions)
    with R.use_release("trixie"):
        bb = R.staged("busybox-static", versions)
    R._mkdir(root, "busybox")
    shutil.copy2(_first(bb, "usr/bin/busybox", "bin/busybox"), root / "busybox/busybox")
    applets = subprocess.run([str(root / "busybox/busybox"), "--list"], capture_output=True, text=True,
                             check=True).stdout.split()
    for applet in (a for a in applets if a != "busybox"):
        os.symlink("busybox", root / "busybox" / applet)


def _busybox_glibc(root: Path, versions: dict) -> None:
    """docker-library/busybox's glibc builder rule, with trixie's busybox, getconf and glibc."""
    with R.use_release("trixie"):
        bb = R.staged("busybox", versions)
        libc = R.staged("libc6", versions)
        libcbin = R.staged("libc-bin", versions)
        tz = R.staged("tzdata", versions)
    R._mkdir(root, "bin")
    R._mkdir(root, "lib")
    os.symlink("lib", root / "lib64")
    shutil.copy2(_first(bb, "bin/busybox", "usr/bin/busybox"), root / "bin/busybox")
    shutil.copy2(_first(libcbin, "usr/bin/getconf", "bin/getconf"), root / "bin/getconf")
    libdir = _first(libc, f"usr/lib/{R.MULTIARCH}", f"lib/{R.MULTIARCH}")
    start = [root / "bin/busybox", root / "bin/getconf"]
    extra = sorted(libdir.glob("libnss*.so.*")) + sorted(libdir.glob("libpthread*.so.*")) + [libdir / "libm.so.6"]
    files = {p.name: p for p in extra}
    for p in R._lib_closure(start + extra, libdir):
        files[p.name] = p
    for name, p in sorted(files.items()):
        shutil.copy2(p.resolve(), root / "lib" / name)
    R._mkdir(root, "etc")
    shutil.copyfile(_first(libcbin, "usr/share/libc-bin/nsswitch.conf"), root / "etc/nsswitch.conf")
    # trixie's busybox needs glibc 2.41, newer than the host's: list its applets inside the new root
    applets = subprocess.run(["chroot", str(root), "/bin/busybox", "--list"], capture_output=True, text=True,
                             check=True).stdout.split()
    for applet in (a for a in applets if a != "busybox"):
        link = root / "bin" / applet
        if not link.exists():
            os.link(root / "bin/busybox", link)
    R._busybox_skeleton(root, tz)
    versions["libraries"] = ",".join(sorted(files))


def _first(base: Path, *rels: str) -> Path:
    for rel in rels:
        if (base / rel).exists():
            return base / rel
    raise ImageBuildError(f"none of {rels} in {base}")


def _debootstrap(suite: str) -> Callable[[Path, dict], None]:
    def build(root: Path, versions: dict) -> None:
        if not shutil.which("debootstrap"):
            raise ImageBuildError("debootstrap is not installed (scripts/setup installs it as root)")
        res = subprocess.run(["debootstrap", "--variant=minbase", suite, str(root), R.apt_mirror()],
                             capture_output=True, text=True, timeout=1800)
        if res.returncode != 0:
            raise ImageBuildError("debootstrap failed: " + (res.stdout + res.stderr)[-800:])
        _slimify(root)
        _clean_apt(root)
        _record(root, versions, ["libc6"])
    return build


def _slimify(root: Path) -> None:
    """debuerreotype's slimify: no docs, man pages or locales (and the dpkg excludes that keep them out)."""
    for rel in ("usr/share/doc", "usr/share/man", "usr/share/info", "usr/share/locale", "usr/share/lintian"):
        p = root / rel
        if p.is_dir():
            shutil.rmtree(p)
            p.mkdir()
    R._write(root, "etc/dpkg/dpkg.cfg.d/docker",
             "path-exclude /usr/share/doc/*\npath-include /usr/share/doc/*/copyright\npath-exclude /usr/share/man/*\n"
             "path-exclude /usr/share/info/*\npath-exclude /usr/share/locale/*\npath-exclude /usr/share/lintian/*\n")
    R._write(root, "etc/apt/apt.conf.d/docker-clean",
             'DPkg::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb '
             '/var/cache/apt/*.bin || true"; };\nAPT::Update::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb '
             '/var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };\n'
             'Dir::Cache::pkgcache ""; Dir::Cache::srcpkgcache "";\n')
    R._write(root, "etc/apt/apt.conf.d/docker-no-languages", 'Acquire::Languages "none";\n')


def _clean_apt(root: Path) -> None:
    for sub in ("var/cache/apt/archives", "var/lib/apt/lists", "var/cache/apt"):
        for p in (root / sub).glob("*"):
            if p.is_file():
                p.unlink()
    for f in ("etc/resolv.conf",):
        p = root / f
        if p.exists() or p.is_symlink():
            p.unlink()


def _record(root: Path, versions: dict, pkgs: list[str]) -> None:
    out = subprocess.run(["chroot", str(root), "dpkg-query", "-W", *pkgs], capture_output=True, text=True)
    for line in out.stdout.splitlines():
        name, _, ver = line.partition("\t")
        versions[name] = ver


def _apt_install(pkgs: list[str], after: Callable[[Path], None] | None = None,
                 record: list[str] | None = None) -> Callable[[Path, dict], None]:
    """Install Debian packages into a copy of the base rootfs with its own apt (host network, in a chroot)."""
    def build(root: Path, versions: dict) -> None:
        shutil.copyfile("/etc/resolv.conf", root / "etc/resolv.conf")
        proc = root / "proc"
        proc.mkdir(exist_ok=True)
        mounted = subprocess.run(["mount", "-t", "proc", "proc", str(proc)], capture_output=True).returncode == 0
        try:
            env = {"PATH": DEFAULT_PATH, "DEBIAN_FRONTEND": "noninteractive", "LC_ALL": "C"}
            for cmd in (["apt-get", "-q", "update"],
                        ["apt-get", "-q", "install", "-y", "--no-install-recommends", *pkgs]):
                res = subprocess.run(["chroot", str(root), *cmd], capture_output=True, text=True, env=env,
                                     timeout=1800)
                if res.returncode != 0:
                    raise ImageBuildError(f"{' '.join(cmd[:3])} in the image root failed: "
                                          f"{(res.stdout + res.stderr)[-1200:]}")
            if after:
                after(root)
            _record(root, versions, record or pkgs)
        finally:
            if mounted:
                subprocess.run(["umount", "-l", str(proc)], capture_output=True)
        _clean_apt(root)
    return build


def _golang_after(root: Path) -> None:
    """golang:* keeps Go in /usr/local/go and GOPATH=/go; Debian's golang-go lives in /usr/lib/go-1.xx."""
    goroot = sorted((root / "usr/lib").glob("go-1.*"))
    if not goroot:
        raise ImageBuildError("golang-go installed no /usr/lib/go-1.*")
    (root / "usr/local/go").unlink(missing_ok=True)
    os.symlink(f"/usr/lib/{goroot[-1].name}", root / "usr/local/go")
    for d in ("go/src", "go/bin"):
        R._mkdir(root, d, 0o1777 if d == "go" else 0o777)
    R._mkdir(root, "go", 0o1777)


def _copy_with_closure(src_root: Path, binary: str, dst_root: Path, dst: str) -> list[str]:
    """Copy ``binary`` of ``src_root`` to ``dst`` in ``dst_root`` with every library it needs that ``dst_root``
    lacks (DT_NEEDED closure, from the multiarch directory); returns the libraries added."""
    libdir = src_root / "usr/lib" / R.MULTIARCH
    target = dst_root / dst.lstrip("/")
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy2((src_root / binary.lstrip("/")).resolve(), target)
    added = []
    for lib in R._lib_closure([target], libdir):
        have = dst_root / "usr/lib" / R.MULTIARCH / lib.name
        if not have.exists() and not (lib.name.startswith("ld-linux") and (dst_root / "lib64" / lib.name).exists()):
            have.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(lib.resolve(), have)
            added.append(lib.name)
    return added


def _on_cc(then: Callable[[Path, dict], None]) -> Callable[[Path, dict], None]:
    """Build on a copy of the distroless cc-debian13 rootfs (language images use //cc as their base)."""
    def build(root: Path, versions: dict) -> None:
        cc = rootfs_of(RECIPES["distroless-cc-debian13"])
        subprocess.run(["cp", "-a", f"{cc}/.", str(root)], check=True)
        then(root, versions)
    return build


PY_PKGS = ["python3.13-minimal", "libpython3.13-minimal", "libpython3.13-stdlib", "libffi8", "libsqlite3-0",
           "libbz2-1.0", "liblzma5", "libexpat1", "libncursesw6", "libtinfo6", "libreadline8t64", "libuuid1",
           "libcrypt1", "libmpdec4"]


def _python3_distroless(root: Path, versions: dict) -> None:
    with R.use_release("trixie"):
        for pkg in PY_PKGS:
            R.extract(pkg, root, versions)
    for link in ("usr/bin/python3", "usr/bin/python"):
        p = root / link
        if p.exists() or p.is_symlink():
            p.unlink()
        os.symlink("python3.13", p)
    for d in ("bin", "sbin", "lib", "lib64"):  # packages may ship into the /lib alias: fold it back into /usr
        p = root / d
        if p.is_dir() and not p.is_symlink():
            _merged_usr(root)
            break


def _node_after(root: Path) -> None:
    """node:* has node at /usr/local/bin and the docker-entrypoint.sh that prepends `node` to a non-command."""
    os.symlink("/usr/bin/node", root / "usr/local/bin/node")
    R._write(root, "usr/local/bin/docker-entrypoint.sh",
             "#!/bin/sh\nset -e\n# like nodejs/docker-node's: run node when the first argument is an option or "
             "not a command\nif [ \"${1#-}\" != \"${1}\" ] || [ -z \"$(command -v \"${1}\")\" ] || "
             "{ [ -f \"${1}\" ] && ! [ -x \"${1}\" ]; }; then\n  set -- node \"$@\"\nfi\nexec \"$@\"\n", 0o755)
    with open(root / "etc/passwd", "a") as f:
        f.write("node:x:1000:1000::/home/node:/bin/bash\n")
    with open(root / "etc/group", "a") as f:
        f.write("node:x:1000:\n")
    R._mkdir(root, "home/node", 0o755, 1000, 1000)


def _nodejs_distroless(root: Path, versions: dict) -> None:
    src = rootfs_of(RECIPES["node-22-trixie-slim"])
    added = _copy_with_closure(src, "/usr/bin/node", root, "/nodejs/bin/node")
    # Debian's libnode loads some builtins (acorn, cjs-module-lexer, undici, ...) from /usr/share/nodejs at start:
    # copy every file its strings name, as those packages install them
    strings = subprocess.run(["strings", str(src / f"usr/lib/{R.MULTIARCH}/libnode.so.115")], capture_output=True,
                             text=True, check=True).stdout
    for rel in sorted(set(re.findall(r"/usr/share/nodejs/[^\s\"']+\.js", strings))):
        if (src / rel.lstrip("/")).exists():
            (root / rel.lstrip("/")).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2((src / rel.lstrip("/")).resolve(), root / rel.lstrip("/"))
            added.append(rel)
    versions.update(manifest(RECIPES["node-22-trixie-slim"]).get("package_versions", {}))
    versions["libraries added"] = ",".join(added)


def _rust_after(root: Path) -> None:
    """rust:* keeps cargo in /usr/local/cargo; crates come from Debian's librust-*-dev packages by source
    replacement in the image's own cargo configuration, so a Dockerfile's `cargo build` works unchanged offline."""
    R._mkdir(root, "usr/local/cargo/bin")
    R._mkdir(root, "usr/local/rustup")
    R._mkdir(root, "usr/share/cargo/registry")
    R._write(root, "usr/local/cargo/config.toml",
             '[source.crates-io]\nreplace-with = "debian-packages"\n\n'
             '[source.debian-packages]\ndirectory = "/usr/share/cargo/registry"\n\n[net]\noffline = true\n')


def _python_slim_after(root: Path) -> None:
    """python:3.13-slim has its Python in /usr/local only (built from source): move Debian's there (it finds its
    prefix from its own location), so that nothing answers at /usr/bin/python3 as in the real image."""
    def merge(src: Path, dst: Path) -> None:
        dst.mkdir(parents=True, exist_ok=True)
        for child in src.iterdir():
            target = dst / child.name
            if child.is_dir() and not child.is_symlink() and target.is_dir():
                merge(child, target)
            elif not target.exists() and not target.is_symlink():
                os.replace(child, target)
        shutil.rmtree(src)
    os.replace(root / "usr/bin/python3.13", root / "usr/local/bin/python3.13")
    merge(root / "usr/lib/python3.13", root / "usr/local/lib/python3.13")
    for p in list((root / "usr/bin").glob("python3*")) + list((root / "usr/bin").glob("pip*")):
        p.unlink()
    for name in ("python", "python3"):
        os.symlink("python3.13", root / "usr/local/bin" / name)


def _purge_python(root: Path) -> None:
    """npm pulls python3 in (node-gyp); node:*-slim has none: purge it so no Python answers there."""
    # python3 first: its prerm needs py3clean from python3-minimal
    res = subprocess.run(["chroot", str(root), "sh", "-c", "dpkg --purge --force-depends python3 && "
                          "dpkg-query -W -f '${Package}\\n' 'python3*' 'libpython3*' | "
                          "xargs -r dpkg --purge --force-depends"], capture_output=True, text=True,
                         env={"PATH": DEFAULT_PATH})
    if res.returncode != 0 or (root / "usr/bin/python3").exists():
        raise ImageBuildError(f"could not purge python3 from the node image: {(res.stdout + res.stderr)[-500:]}")


# ---------------------------------------------------------------- the catalogue of recipes

DISTROLESS_ENV = {"PATH": DEFAULT_PATH, "SSL_CERT_FILE": "/etc/ssl/certs/ca-certificates.crt"}
DISTROLESS_DIFFS = (
    "package versions are today's trixie candidates from the Debian archive, not distroless's snapshot lock file",
    "no dpkg status.d metadata (/var/lib/dpkg/status.d) and no /etc/ld.so.cache",
    "CA bundle concatenated from Debian's ca-certificates, as distroless's cacerts rule does",
)
DISTROLESS_SRC = ("GoogleContainerTools/distroless static/config.bzl, static/static.bzl, common/BUILD.bazel "
                  "(debian13: base-files, netbase, tzdata, tzdata-legacy, media-types + CA bundle, passwd/group, "
                  "nsswitch.conf, os-release; env PATH, SSL_CERT_FILE; user 0; workdir /)")
BUILDER_DIFFS = (
    "Debian's toolchain packages from trixie stand in for the upstream build (see the versions recorded)",
    "no network at build time is assumed: dependencies must come from Debian packages",
)

RECIPES: dict[str, Recipe] = {}


def _add(r: Recipe) -> None:
    RECIPES[r.slug] = r


_add(Recipe(
    "distroless-static-debian13", ("gcr.io/distroless/static-debian13",), _distroless([]),
    {"Env": DISTROLESS_ENV, "User": "0", "WorkingDir": "/"}, DISTROLESS_SRC, DISTROLESS_DIFFS))
_add(Recipe(
    "distroless-static-debian13-debug", ("gcr.io/distroless/static-debian13:debug",), _distroless_debug,
    {"Env": {"PATH": DEFAULT_PATH + ":/busybox", "SSL_CERT_FILE": "/etc/ssl/certs/ca-certificates.crt"},
     "Entrypoint": ["/busybox/sh"], "User": "0", "WorkingDir": "/"},
    DISTROLESS_SRC + "; static/static.bzl debug variant (busybox in /busybox, PATH += /busybox, "
    "entrypoint [\"/busybox/sh\"]); private/extensions/busybox.bzl",
    DISTROLESS_DIFFS + ("busybox is Debian 13's busybox-static (glibc, statically linked), not the musl busybox "
                        "distroless downloads",)))
_add(Recipe(
    "distroless-base-nossl-debian13", ("gcr.io/distroless/base-nossl-debian13",), _distroless(["libc6"]),
    {"Env": DISTROLESS_ENV, "User": "0", "WorkingDir": "/"},
    DISTROLESS_SRC + "; base/config.bzl (BASE_NOSSL debian13: libc6)", DISTROLESS_DIFFS))
_add(Recipe(
    "distroless-base-debian13", ("gcr.io/distroless/base-debian13",),
    _distroless(["libc6", "libssl3t64", "libzstd1", "zlib1g"]),
    {"Env": DISTROLESS_ENV, "User": "0", "WorkingDir": "/"},
    DISTROLESS_SRC + "; base/config.bzl (debian13: libc6, libssl3t64, libzstd1, zlib1g)", DISTROLESS_DIFFS))
_add(Recipe(
    "distroless-cc-debian13", ("gcr.io/distroless/cc-debian13",),
    _distroless(["libc6", "libssl3t64", "libzstd1", "zlib1g", "libgomp1", "libstdc++6", "libgcc-s1", "gcc-14-base"]),
    {"Env": DISTROLESS_ENV, "User": "0", "WorkingDir": "/"},
    DISTROLESS_SRC + "; base/config.bzl; cc/config.bzl (debian13: libgomp1, libstdc++6, libgcc-s1, gcc-14-base)",
    DISTROLESS_DIFFS))
DEBUG_ENV = {"PATH": DEFAULT_PATH + ":/busybox", "SSL_CERT_FILE": "/etc/ssl/certs/ca-certificates.crt"}
BASE13 = ["libc6", "libssl3t64", "libzstd1", "zlib1g"]
CC13 = BASE13 + ["libgomp1", "libstdc++6", "libgcc-s1", "gcc-14-base"]
for _slug, _ref, _pkgs, _cfg in (("distroless-base-debian13-debug", "gcr.io/distroless/base-debian13:debug", BASE13,
                                  "base/config.bzl (debian13: libc6, libssl3t64, libzstd1, zlib1g)"),
                                 ("distroless-cc-debian13-debug", "gcr.io/distroless/cc-debian13:debug", CC13,
                                  "cc/config.bzl (debian13: libgomp1, libstdc++6, libgcc-s1, gcc-14-base)")):
    _add(Recipe(
        _slug, (_ref, _ref.replace(":debug", ":debug-nonroot")), _debug_of(_pkgs),
        {"Env": DEBUG_ENV, "Entrypoint": ["/busybox/sh"], "User": "0", "WorkingDir": "/"},
        DISTROLESS_SRC + f"; {_cfg}; debug variant: busybox in /busybox, PATH += /busybox, entrypoint "
        "[\"/busybox/sh\"] (private/extensions/busybox.bzl)",
        DISTROLESS_DIFFS + ("busybox is Debian 13's busybox-static (glibc, statically linked), not the musl busybox "
                            "distroless downloads", "the -nonroot tag is the same image here (USER 0, not 65532)")))
JAVA_BASE13 = ["libc6", "zlib1g", "libjpeg62-turbo", "liblcms2-2", "libfreetype6", "fonts-dejavu-core",
               "fontconfig-config", "libexpat1", "libfontconfig1", "libuuid1", "libbrotli1", "libcrypt1", "libstdc++6",
               "libgcc-s1", "gcc-14-base", "libpng16-16t64", "libbz2-1.0"]
_add(Recipe(
    "distroless-java-base-debian13", ("gcr.io/distroless/java-base-debian13",), _distroless(JAVA_BASE13),
    {"Env": DISTROLESS_ENV, "User": "0", "WorkingDir": "/"},
    DISTROLESS_SRC + "; java/java.bzl (java_base on base-nossl) and java/config.bzl (JAVA_BASE_PACKAGES debian13)",
    DISTROLESS_DIFFS))
_add(Recipe(
    "busybox-glibc", ("busybox:glibc", "busybox:latest", "busybox"), _busybox_glibc,
    {"Env": {"PATH": DEFAULT_PATH}, "Cmd": ["sh"]},
    "docker-library/busybox latest-1/glibc/Dockerfile.builder (FROM debian:trixie-slim: busybox, getconf, "
    "libnss*/libpthread* + ldd closure flat in /lib, /lib64 -> lib, nsswitch.conf, buildroot passwd/group/shadow, "
    "UTC localtime) and its Dockerfile (FROM scratch, ADD rootfs, CMD [\"sh\"])",
    ("busybox is Debian 13's dynamic busybox 1.37 (Debian's applet config), not busybox 1.38 from defconfig; "
     "libm.so.6 is added by hand because defconfig's awk links it",)))
SUITES = {"trixie": ("13", "1.24"), "bookworm": ("12", "1.19")}
BUILDPACK_PKGS = ["ca-certificates", "curl", "wget", "gnupg", "git", "make", "gcc", "g++", "libc6-dev", "pkgconf",
                  "autoconf", "automake", "libtool", "file", "patch", "xz-utils", "unzip", "libssl-dev", "zlib1g-dev",
                  "libsqlite3-dev", "libffi-dev", "libpq-dev", "tzdata"]
for _suite, (_num, _go) in SUITES.items():
    _add(Recipe(
        f"debian-{_suite}-slim", (f"debian:{_suite}-slim", f"debian:{_num}-slim"), _debootstrap(_suite),
        {"Env": {"PATH": DEFAULT_PATH}, "Cmd": ["bash"]},
        "docker-library/official-images library/debian + debuerreotype (debootstrap --variant=minbase "
        f"{_suite}, slimify dpkg path excludes, apt docker-clean config); Dockerfile FROM scratch, ADD rootfs, "
        "CMD [\"bash\"]",
        (f"debootstrap of today's {_suite}, not debuerreotype's dated snapshot; timestamps and machine-id not "
         "normalised",)))
    _add(Recipe(
        f"buildpack-deps-{_suite}", (f"buildpack-deps:{_suite}",),
        _apt_install(BUILDPACK_PKGS, record=["gcc", "g++", "libc6-dev", "libssl-dev"]),
        {"Env": {"PATH": DEFAULT_PATH}, "Cmd": ["bash"]},
        f"docker-library/buildpack-deps debian/{_suite}/{{curl,scm,}}/Dockerfile (FROM debian:{_suite}: "
        "ca-certificates curl gnupg wget; git ...; autoconf automake gcc g++ make libc6-dev libssl-dev zlib1g-dev "
        "libsqlite3-dev libpq-dev ...)",
        ("a subset of buildpack-deps' ~80 -dev packages (the compilers, libc6-dev and the common -dev libraries); "
         f"built on debian:{_suite}-slim, not debian:{_suite}",) + BUILDER_DIFFS, base=f"debian-{_suite}-slim"))
    _add(Recipe(
        f"golang-1-{_suite}", (f"golang:1-{_suite}", f"golang:{_suite}"),
        _apt_install(["ca-certificates", "git", "gcc", "g++", "libc6-dev", "make", "pkgconf", "golang-go",
                      *RC.GOLANG_PACKAGES], after=lambda r: (_golang_after(r), RC.build_go_proxy(r, {})),
                     record=["golang-go", "gcc", "libc6-dev"]),
        {"Env": {"PATH": "/go/bin:/usr/local/go/bin:" + DEFAULT_PATH, "GOPATH": "/go", "GOTOOLCHAIN": "local",
                 "GOPROXY": RC.GOPROXY_URL, "GOSUMDB": "off"},
         "Cmd": ["bash"], "WorkingDir": "/go"},
        f"docker-library/golang 1.2x/{_suite}/Dockerfile (FROM buildpack-deps:{_suite}-scm; g++ gcc libc6-dev make "
        "pkg-config; Go in /usr/local/go; ENV GOTOOLCHAIN=local GOPATH=/go PATH=$GOPATH/bin:/usr/local/go/bin:$PATH; "
        "WORKDIR /go)",
        (f"Go is Debian {_num}'s golang-go ({_go}), not the latest Go 1.x from go.dev; /usr/local/go links to "
         f"/usr/lib/go-{_go}",
         "GOSUMDB=off in the image ENV: no checksum database is reachable (go.sum still pins each module)")
        + RC.GOLANG_DIFFS + BUILDER_DIFFS, base=f"debian-{_suite}-slim", version=2))

for _suite, _rust in (("trixie", "1.85"), ("bookworm", "1.63")):
    _add(Recipe(
        f"rust-1-{_suite}", (f"rust:1-{_suite}", f"rust:{_suite}"),
        _apt_install(["rustc", "cargo"], after=_rust_after, record=["rustc", "cargo"]),
        {"Env": {"RUSTUP_HOME": "/usr/local/rustup", "CARGO_HOME": "/usr/local/cargo",
                 "PATH": "/usr/local/cargo/bin:" + DEFAULT_PATH, "RUST_VERSION": _rust}, "Cmd": ["bash"]},
        f"rust-lang/docker-rust stable/{_suite}/Dockerfile (FROM buildpack-deps:{_suite}; rustup in "
        "/usr/local/rustup, cargo in /usr/local/cargo; ENV RUSTUP_HOME CARGO_HOME PATH=/usr/local/cargo/bin:$PATH "
        "RUST_VERSION)",
        (f"Rust is Debian's rustc/cargo {_rust}, not the latest stable from rustup; no rustup, no extra targets (musl)",
         "$CARGO_HOME/config.toml replaces crates.io with Debian's packaged crates (/usr/share/cargo/registry, filled "
         "by librust-*-dev) and sets net.offline: no crate registry is reachable") + BUILDER_DIFFS,
        base=f"buildpack-deps-{_suite}"))
_add(Recipe(
    "python-3.13-slim-trixie", ("python:3.13-slim-trixie", "python:3.13-slim"),
    _apt_install(["ca-certificates", "netbase", "tzdata", "python3.13", "python3.13-venv", "python3-pip",
                  "libpython3.13-dev"], after=lambda r: (_python_slim_after(r), RI.python_slim_extras(r)),
                 record=["python3.13", "python3.13-venv", "python3-pip", "libpython3.13-dev"]),
    {"Env": {"PATH": DEFAULT_PATH, "LANG": "C.UTF-8", "PYTHON_VERSION": "3.13"}, "Cmd": ["python3"]},
    "docker-library/python 3.13/slim-trixie/Dockerfile (FROM debian:trixie-slim; ca-certificates netbase tzdata; "
    "Python built into /usr/local; ENV PATH LANG=C.UTF-8 PYTHON_VERSION; CMD [\"python3\"])",
    ("Python is Debian 13's python3.13 (3.13.5) moved into /usr/local (bin/python3.13, lib/python3.13), not a build "
     "of the latest 3.13.x; its pip and ensurepip wheels are Debian's", "pip is Debian's python3-pip (PEP 668 marks the system Python externally "
     "managed; a virtualenv's pip is unaffected)", "headers are Debian's libpython3.13-dev (its dependencies "
     "libexpat1-dev and zlib1g-dev come along)", "/etc/pip.conf turns the package index off and points pip at a "
     "wheelhouse in the image (lab/recipes_interp.py): no index is reachable here"),
    base="debian-trixie-slim", version=3))
_add(Recipe(
    "distroless-python3-debian13", ("gcr.io/distroless/python3-debian13",), _on_cc(_python3_distroless),
    {"Env": {**DISTROLESS_ENV, "LANG": "C.UTF-8"}, "Entrypoint": ["/usr/bin/python3.13"], "User": "0",
     "WorkingDir": "/"},
    "GoogleContainerTools/distroless python3/python.bzl (base //cc; entrypoint /usr/bin/python3.13; /usr/bin/python "
    "and python3 links) and python3/config.bzl (debian13 package list)",
    DISTROLESS_DIFFS + ("no /etc/ld.so.cache (the real image generates one so ctypes.util.find_library works)",
                        "the package list is this recipe's reading of python3/config.bzl: " + ", ".join(PY_PKGS))))
for _suite, _refs, _node in (("trixie", ("node:22-trixie-slim",), "Debian 13's nodejs 20.19 (OpenSSL 3.5)"),
                             ("bookworm", ("node:22-bookworm-slim", "node:22-slim"),
                              "Debian 12's nodejs 18.19 (OpenSSL 3.0)")):
    _add(Recipe(
        f"node-22-{_suite}-slim", _refs,
        _apt_install(["nodejs", "npm"], record=["nodejs", "npm"], after=lambda r: (
            _node_after(r), RI.node_npm_cache(r), _purge_python(r), RI.forget_unmet(r))),
        {"Env": {"PATH": DEFAULT_PATH, "NODE_VERSION": "22"}, "Entrypoint": ["docker-entrypoint.sh"],
         "Cmd": ["node"]},
        f"nodejs/docker-node 22/{_suite}-slim/Dockerfile (FROM debian:{_suite}-slim; user node 1000; node from "
        "nodejs.org in /usr/local/bin; ENTRYPOINT [\"docker-entrypoint.sh\"]; CMD [\"node\"])",
        (f"Node is {_node}, dynamically linked against Debian's libnode, libuv and OpenSSL, standing in for Node 22 "
         "from nodejs.org", "npm is Debian's, not the npm 10 that Node 22 bundles",
         "docker-entrypoint.sh is this lab's equivalent of docker-node's script",
         "python3, which Debian's npm depends on (node-gyp), is purged as the real image has none",
         "the global npmrc sets offline=true and root's npm cache holds the samples' packages (lab/recipes_interp.py)",
         "npm and the packages that needed python3 are dropped from dpkg's database (files kept), so apt works"),
        base=f"debian-{_suite}-slim", version=4))
_add(Recipe(
    "distroless-nodejs22-debian13", ("gcr.io/distroless/nodejs22-debian13",), _on_cc(_nodejs_distroless),
    {"Env": DISTROLESS_ENV, "Entrypoint": ["/nodejs/bin/node"], "User": "0", "WorkingDir": "/"},
    "GoogleContainerTools/distroless nodejs/nodejs.bzl (base //cc; node in /nodejs/bin; entrypoint /nodejs/bin/node; "
    "no npm)",
    DISTROLESS_DIFFS + ("Node is Debian 13's nodejs 20.19 with the libraries it links (libnode, libuv, ICU, brotli, "
                        "c-ares, nghttp2...) and the builtins it loads from /usr/share/nodejs copied in, standing in for the "
                        "statically built Node 22 from nodejs.org",), version=2))

# Images the catalogue can recommend that cannot be made faithfully here.
NOT_PROVABLE = {
    "alpine:3.24": "Alpine's apk repositories are not reachable from this machine; Debian's musl is not Alpine",
    "busybox:musl": "needs busybox statically linked against musl from Alpine; not buildable from Debian packages",
    "busybox:uclibc": "needs buildroot's uClibc-ng toolchain; not in Debian",
    "cgr.dev/chainguard/static": "Chainguard's Wolfi packages are not reachable from this machine",
    "cgr.dev/chainguard/glibc-dynamic": "Chainguard's Wolfi packages (glibc from Wolfi) are not reachable",
    "cgr.dev/chainguard/wolfi-base": "Chainguard's Wolfi packages (glibc, busybox, apk-tools from Wolfi) are not reachable",
    "mcr.microsoft.com/dotnet/runtime-deps:10.0": "Ubuntu 24.04 packages (glibc 2.39, libicu74) are not reachable from this machine",
    "mcr.microsoft.com/dotnet/runtime-deps:10.0-noble-chiseled": "chisel slices of Ubuntu 24.04 packages are not reachable from this machine",
    "mcr.microsoft.com/dotnet/runtime-deps:10.0-noble-chiseled-extra": "chisel slices of Ubuntu 24.04 packages (with libicu74, tzdata) are not reachable",
    "mcr.microsoft.com/dotnet/runtime:10.0": "Ubuntu 24.04 packages and Microsoft's .NET 10 runtime tarball are not reachable from this machine",
    "mcr.microsoft.com/dotnet/runtime:10.0-noble-chiseled": "Ubuntu 24.04 chisel slices and the .NET 10 runtime tarball are not reachable",
    "mcr.microsoft.com/dotnet/runtime:10.0-noble-chiseled-extra": "Ubuntu 24.04 chisel slices and the .NET 10 runtime tarball are not reachable",
    "mcr.microsoft.com/dotnet/aspnet:10.0": "Ubuntu 24.04 packages and the ASP.NET Core 10 tarballs are not reachable from this machine",
    "mcr.microsoft.com/dotnet/aspnet:10.0-noble-chiseled": "Ubuntu 24.04 chisel slices and the ASP.NET Core 10 tarballs are not reachable",
    "mcr.microsoft.com/dotnet/aspnet:10.0-noble-chiseled-extra": "Ubuntu 24.04 chisel slices and the ASP.NET Core 10 tarballs are not reachable",
    "ruby:4.0-slim": "Ruby 4.0 is not packaged in Debian 13 (ruby3.3), and ruby-lang.org sources are not reachable to build it",
    "ruby:4.0-alpine": "Alpine's apk repositories are not reachable from this machine",
    "php:8.5-cli": "PHP 8.5 is not packaged in Debian 13 (php8.4), and php.net sources are not reachable to build it",
    "php:8.5-cli-alpine": "Alpine's apk repositories are not reachable from this machine",
    "python:3.14-slim": "Python 3.14 is not packaged in Debian 13 (python3.13), and python.org sources are not reachable",
    "python:3.14-alpine": "Alpine's apk repositories are not reachable from this machine",
    "node:24-slim": "Node.js 24 is not packaged in Debian (nodejs 20.19), and nodejs.org builds are not reachable",
    "node:24-trixie-slim": "Node.js 24 is not packaged in Debian 13 (nodejs 20.19), and nodejs.org builds are not reachable",
    "node:24-alpine": "Alpine's apk repositories are not reachable from this machine",
    "gcr.io/distroless/nodejs24-debian13": "Node.js 24 is not packaged in Debian 13, and nodejs.org builds are not reachable",
}


def recipe_for(ref: str) -> Recipe | None:
    for r in RECIPES.values():
        if ref in r.refs:
            return r
    return None


def why_not(ref: str) -> str:
    """Why ``ref`` has no faithful image here."""
    if ref in NOT_PROVABLE:
        return NOT_PROVABLE[ref]
    for prefix, why in (("alpine", NOT_PROVABLE["alpine:3.24"]), ("cgr.dev/chainguard", NOT_PROVABLE[
            "cgr.dev/chainguard/static"]), ("mcr.microsoft.com/dotnet", NOT_PROVABLE[
            "mcr.microsoft.com/dotnet/runtime-deps:10.0"])):
        if ref.startswith(prefix) or ref.endswith("-alpine"):
            return why
    return "no lab recipe builds this image yet"


# ---------------------------------------------------------------- build and import


def images_dir() -> Path:
    return cache_dir() / "images"


def rootfs_of(recipe: Recipe) -> Path:
    """The cached rootfs of ``recipe``, built if missing (and its base first)."""
    final = images_dir() / recipe.tag
    if (final / "MANIFEST.json").exists():
        return final / "rootfs"
    with R.building(final, recipe.slug) as tmp:
        rootfs = tmp / "rootfs"
        if recipe.base:
            base = rootfs_of(RECIPES[recipe.base])
            subprocess.run(["cp", "-a", str(base), str(rootfs)], check=True)
        else:
            rootfs.mkdir()
            rootfs.chmod(0o755)
        versions: dict[str, str] = {}
        recipe.build(rootfs, versions)
        (tmp / "MANIFEST.json").write_text(json.dumps({
            "slug": recipe.slug, "refs": list(recipe.refs), "recipe": recipe.recipe,
            "differences": list(recipe.differences), "config": recipe.config, "package_versions": versions,
        }, indent=2, sort_keys=True) + "\n")
    return final / "rootfs"


def manifest(recipe: Recipe) -> dict:
    p = images_dir() / recipe.tag / "MANIFEST.json"
    return json.loads(p.read_text()) if p.exists() else {}


def changes(recipe: Recipe) -> list[str]:
    """The ``docker import -c`` changes that give the image its upstream config."""
    c = recipe.config
    out = [f"ENV {k}={v}" for k, v in c.get("Env", {}).items() if v]
    if c.get("Entrypoint"):
        out.append("ENTRYPOINT " + json.dumps(c["Entrypoint"]))
    if c.get("Cmd"):
        out.append("CMD " + json.dumps(c["Cmd"]))
    if c.get("User"):
        out.append(f"USER {c['User']}")
    if c.get("WorkingDir"):
        out.append(f"WORKDIR {c['WorkingDir']}")
    out.append(f"LABEL {LABEL}={recipe.tag}")
    return out


def ensure(engine: Engine, ref: str) -> Recipe:
    """Make the faithful image ``ref`` exist in ``engine`` (built once, then reused)."""
    recipe = recipe_for(ref)
    if recipe is None:
        raise ImageBuildError(f"{ref}: {why_not(ref)}")
    labels = engine.image_labels(recipe.refs[0])
    if labels is None or labels.get(LABEL) != recipe.tag:
        if os.geteuid() != 0:
            raise ImageBuildError(f"building {ref} needs root (dpkg-deb ownerships, debootstrap, chroot)")
        try:
            engine.import_rootfs(rootfs_of(recipe), recipe.refs[0], changes(recipe))
        except (R.RootBuildError, subprocess.SubprocessError, OSError) as e:
            raise ImageBuildError(f"{ref}: {type(e).__name__}: {e}") from None
    for alias in recipe.refs[1:]:
        if (engine.image_labels(alias) or {}).get(LABEL) != recipe.tag:
            engine.check(["tag", recipe.refs[0], alias])
    return recipe


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if "--list" in args:
        for r in RECIPES.values():
            print(f"{r.refs[0]:40} {r.tag}")
        for ref, why in NOT_PROVABLE.items():
            print(f"{ref:40} not proven here: {why}")
        return 0
    refs = [a for a in args if not a.startswith("-")] or [r.refs[0] for r in RECIPES.values()]
    from lab.engine import EngineUnavailable
    try:
        engine = Engine.acquire()
    except EngineUnavailable as e:
        print(f"no engine: {e}", file=sys.stderr)
        return 69
    rc = 0
    with engine:
        for ref in refs:
            try:
                ensure(engine, ref)
                print(f"ok    {ref}")
            except (ImageBuildError, EngineError) as e:
                rc = 1
                print(f"FAIL  {ref}: {e}")
    return rc


if __name__ == "__main__":
    raise SystemExit(main())
