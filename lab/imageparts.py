"""How the faithful images' root filesystems are made: distroless layouts, busybox:glibc, debootstrap and Debian's
slimify, apt installs into a copy of a base, and the touches that put Debian's toolchains where the official images
keep theirs. lab/images.py names the recipes that use them."""
from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path
from typing import Callable

from lab import roots as R

DEFAULT_PATH = R.DEFAULT_PATH


class ImageBuildError(RuntimeError):
    pass



def distroless(extra: list[str]) -> Callable[[Path, dict], None]:
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
            merged_usr(root)
    return build


def merged_usr(root: Path) -> None:
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


def debug_of(extra: list[str]) -> Callable[[Path, dict], None]:
    """A distroless :debug image: the image with `extra` packages, plus a static busybox in /busybox."""
    def build(root: Path, versions: dict) -> None:
        distroless_debug(root, versions, extra)
    return build


def distroless_debug(root: Path, versions: dict, extra: list[str] | None = None) -> None:
    """distroless :debug = the image plus a static busybox in /busybox (applet links beside it)."""
    distroless(list(extra or []))(root, versions)
    with R.use_release("trixie"):
        bb = R.staged("busybox-static", versions)
    R._mkdir(root, "busybox")
    shutil.copy2(first(bb, "usr/bin/busybox", "bin/busybox"), root / "busybox/busybox")
    applets = subprocess.run([str(root / "busybox/busybox"), "--list"], capture_output=True, text=True,
                             check=True).stdout.split()
    for applet in (a for a in applets if a != "busybox"):
        os.symlink("busybox", root / "busybox" / applet)


def busybox_glibc(root: Path, versions: dict) -> None:
    """docker-library/busybox's glibc builder rule, with trixie's busybox, getconf and glibc."""
    with R.use_release("trixie"):
        bb = R.staged("busybox", versions)
        libc = R.staged("libc6", versions)
        libcbin = R.staged("libc-bin", versions)
        tz = R.staged("tzdata", versions)
    R._mkdir(root, "bin")
    R._mkdir(root, "lib")
    os.symlink("lib", root / "lib64")
    shutil.copy2(first(bb, "bin/busybox", "usr/bin/busybox"), root / "bin/busybox")
    shutil.copy2(first(libcbin, "usr/bin/getconf", "bin/getconf"), root / "bin/getconf")
    libdir = first(libc, f"usr/lib/{R.MULTIARCH}", f"lib/{R.MULTIARCH}")
    start = [root / "bin/busybox", root / "bin/getconf"]
    extra = sorted(libdir.glob("libnss*.so.*")) + sorted(libdir.glob("libpthread*.so.*")) + [libdir / "libm.so.6"]
    files = {p.name: p for p in extra}
    for p in R._lib_closure(start + extra, libdir):
        files[p.name] = p
    for name, p in sorted(files.items()):
        shutil.copy2(p.resolve(), root / "lib" / name)
    R._mkdir(root, "etc")
    shutil.copyfile(first(libcbin, "usr/share/libc-bin/nsswitch.conf"), root / "etc/nsswitch.conf")
    # trixie's busybox needs glibc 2.41, newer than the host's: list its applets inside the new root
    applets = subprocess.run(["chroot", str(root), "/bin/busybox", "--list"], capture_output=True, text=True,
                             check=True).stdout.split()
    for applet in (a for a in applets if a != "busybox"):
        link = root / "bin" / applet
        if not link.exists():
            os.link(root / "bin/busybox", link)
    R._busybox_skeleton(root, tz)
    versions["libraries"] = ",".join(sorted(files))


def first(base: Path, *rels: str) -> Path:
    for rel in rels:
        if (base / rel).exists():
            return base / rel
    raise ImageBuildError(f"none of {rels} in {base}")


def debootstrap(suite: str) -> Callable[[Path, dict], None]:
    def build(root: Path, versions: dict) -> None:
        if not shutil.which("debootstrap"):
            raise ImageBuildError("debootstrap is not installed (scripts/setup installs it as root)")
        res = subprocess.run(["debootstrap", "--variant=minbase", suite, str(root), R.apt_mirror()],
                             capture_output=True, text=True, timeout=1800)
        if res.returncode != 0:
            raise ImageBuildError("debootstrap failed: " + (res.stdout + res.stderr)[-800:])
        slimify(root)
        clean_apt(root)
        record_versions(root, versions, ["libc6"])
    return build


def slimify(root: Path) -> None:
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


def clean_apt(root: Path) -> None:
    for sub in ("var/cache/apt/archives", "var/lib/apt/lists", "var/cache/apt"):
        for p in (root / sub).glob("*"):
            if p.is_file():
                p.unlink()
    for f in ("etc/resolv.conf",):
        p = root / f
        if p.exists() or p.is_symlink():
            p.unlink()


def record_versions(root: Path, versions: dict, pkgs: list[str]) -> None:
    out = subprocess.run(["chroot", str(root), "dpkg-query", "-W", *pkgs], capture_output=True, text=True)
    for line in out.stdout.splitlines():
        name, _, ver = line.partition("\t")
        versions[name] = ver


def apt_install(pkgs: list[str], after: Callable[[Path], None] | None = None,
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
            record_versions(root, versions, record or pkgs)
        finally:
            if mounted:
                subprocess.run(["umount", "-l", str(proc)], capture_output=True)
        clean_apt(root)
    return build


def golang_after(root: Path) -> None:
    """golang:* keeps Go in /usr/local/go and GOPATH=/go; Debian's golang-go lives in /usr/lib/go-1.xx."""
    goroot = sorted((root / "usr/lib").glob("go-1.*"))
    if not goroot:
        raise ImageBuildError("golang-go installed no /usr/lib/go-1.*")
    (root / "usr/local/go").unlink(missing_ok=True)
    os.symlink(f"/usr/lib/{goroot[-1].name}", root / "usr/local/go")
    for d in ("go/src", "go/bin"):
        R._mkdir(root, d, 0o1777 if d == "go" else 0o777)
    R._mkdir(root, "go", 0o1777)


def copy_with_closure(src_root: Path, binary: str, dst_root: Path, dst: str) -> list[str]:
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


PY_PKGS = ["python3.13-minimal", "libpython3.13-minimal", "libpython3.13-stdlib", "libffi8", "libsqlite3-0",
           "libbz2-1.0", "liblzma5", "libexpat1", "libncursesw6", "libtinfo6", "libreadline8t64", "libuuid1",
           "libcrypt1", "libmpdec4"]


def python3_distroless(root: Path, versions: dict) -> None:
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
            merged_usr(root)
            break


def node_after(root: Path) -> None:
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


def rust_after(root: Path) -> None:
    """rust:* keeps cargo in /usr/local/cargo; crates come from Debian's librust-*-dev packages by source
    replacement in the image's own cargo configuration, so a Dockerfile's `cargo build` works unchanged offline."""
    R._mkdir(root, "usr/local/cargo/bin")
    R._mkdir(root, "usr/local/rustup")
    R._mkdir(root, "usr/share/cargo/registry")
    R._write(root, "usr/local/cargo/config.toml",
             '[source.crates-io]\nreplace-with = "debian-packages"\n\n'
             '[source.debian-packages]\ndirectory = "/usr/share/cargo/registry"\n\n[net]\noffline = true\n')


def python_slim_after(root: Path) -> None:
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


def purge_python(root: Path) -> None:
    """npm pulls python3 in (node-gyp); node:*-slim has none: purge it so no Python answers there."""
    # python3 first: its prerm needs py3clean from python3-minimal
    res = subprocess.run(["chroot", str(root), "sh", "-c", "dpkg --purge --force-depends python3 && "
                          "dpkg-query -W -f '${Package}\\n' 'python3*' 'libpython3*' | "
                          "xargs -r dpkg --purge --force-depends"], capture_output=True, text=True,
                         env={"PATH": DEFAULT_PATH})
    if res.returncode != 0 or (root / "usr/bin/python3").exists():
        raise ImageBuildError(f"could not purge python3 from the node image: {(res.stdout + res.stderr)[-500:]}")
