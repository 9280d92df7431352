"""The pieces image roots are made of: the files upstream recipes write (passwd, group, nsswitch.conf, os-release
as buildroot, Alpine and distroless publish them) and the steps they share (busybox applets, the CA bundle, a
library closure). lab/roots.py assembles them into roots; lab/images.py into faithful images."""
from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from kb.evidence.elf import inspect_elf
from kb.evidence.errors import EvidenceError
from lab.packages import RootBuildError, staged


# buildroot system/skeleton/etc/{passwd,group,shadow}, as docker-library/busybox copies them
# (shadow's root entry gets "*" for CVE-2019-5021).
BUILDROOT_PASSWD = """\
root:x:0:0:root:/root:/bin/sh
daemon:x:1:1:daemon:/usr/sbin:/bin/false
bin:x:2:2:bin:/bin:/bin/false
sys:x:3:3:sys:/dev:/bin/false
sync:x:4:100:sync:/bin:/bin/sync
mail:x:8:8:mail:/var/spool/mail:/bin/false
www-data:x:33:33:www-data:/var/www:/bin/false
operator:x:37:37:Operator:/var:/bin/false
nobody:x:65534:65534:nobody:/home:/bin/false
"""
BUILDROOT_GROUP = """\
root:x:0:
daemon:x:1:
bin:x:2:
sys:x:3:
adm:x:4:
tty:x:5:
disk:x:6:
lp:x:7:
mail:x:8:
kmem:x:9:
wheel:x:10:root
cdrom:x:11:
dialout:x:18:
floppy:x:19:
video:x:28:
audio:x:29:
tape:x:32:
www-data:x:33:
operator:x:37:
utmp:x:43:
plugdev:x:46:
staff:x:50:
lock:x:54:
netdev:x:82:
users:x:100:
nobody:x:65534:
"""
BUILDROOT_SHADOW = """\
root:*:::::::
daemon:*:::::::
bin:*:::::::
sys:*:::::::
sync:*:::::::
mail:*:::::::
www-data:*:::::::
operator:*:::::::
nobody:*:::::::
"""

# alpine-baselayout-data /etc/passwd and /etc/group (abridged to the system accounts).
ALPINE_PASSWD = """\
root:x:0:0:root:/root:/bin/sh
bin:x:1:1:bin:/bin:/sbin/nologin
daemon:x:2:2:daemon:/sbin:/sbin/nologin
lp:x:4:7:lp:/var/spool/lpd:/sbin/nologin
sync:x:5:0:sync:/sbin:/bin/sync
shutdown:x:6:0:shutdown:/sbin:/sbin/shutdown
halt:x:7:0:halt:/sbin:/sbin/halt
mail:x:8:12:mail:/var/mail:/sbin/nologin
news:x:9:13:news:/usr/lib/news:/sbin/nologin
uucp:x:10:14:uucp:/var/spool/uucppublic:/sbin/nologin
cron:x:16:16:cron:/var/spool/cron:/sbin/nologin
ftp:x:21:21::/var/lib/ftp:/sbin/nologin
sshd:x:22:22:sshd:/dev/null:/sbin/nologin
games:x:35:35:games:/usr/games:/sbin/nologin
ntp:x:123:123:NTP:/var/empty:/sbin/nologin
guest:x:405:100:guest:/dev/null:/sbin/nologin
nobody:x:65534:65534:nobody:/:/sbin/nologin
"""
ALPINE_GROUP = """\
root:x:0:root
bin:x:1:root,bin,daemon
daemon:x:2:root,bin,daemon
sys:x:3:root,bin
adm:x:4:root,daemon
tty:x:5:
disk:x:6:root
lp:x:7:lp
kmem:x:9:
wheel:x:10:root
floppy:x:11:root
mail:x:12:mail
news:x:13:news
uucp:x:14:uucp
cron:x:16:cron
audio:x:18:
cdrom:x:19:
dialout:x:20:root
ftp:x:21:
sshd:x:22:
input:x:23:
tape:x:26:root
video:x:27:root
netdev:x:28:
kvm:x:34:kvm
games:x:35:
shadow:x:42:
www-data:x:82:
users:x:100:games
ntp:x:123:
abuild:x:300:
utmp:x:406:
ping:x:999:
nogroup:x:65533:
nobody:x:65534:
"""

# distroless common/BUILD.bazel passwd() and group() rules.
DISTROLESS_PASSWD = """\
root:x:0:0:root:/root:/sbin/nologin
nobody:x:65534:65534:nobody:/nonexistent:/sbin/nologin
nonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin
"""
DISTROLESS_GROUP = """\
root:x:0:
nobody:x:65534:
tty:x:5:
staff:x:50:
nonroot:x:65532:
"""
# distroless static/nsswitch.conf (comments dropped).
DISTROLESS_NSSWITCH = """\
passwd:         compat
group:          compat
shadow:         compat
gshadow:        files

hosts:          files dns
networks:       files

protocols:      db files
services:       db files
ethers:         db files
rpc:            db files

netgroup:       nis
"""
DISTROLESS_OS_RELEASE = """\
PRETTY_NAME="Distroless"
NAME="Debian GNU/Linux"
ID="debian"
VERSION_ID="12"
VERSION="Debian GNU/Linux 12 (bookworm)"
HOME_URL="https://github.com/GoogleContainerTools/distroless"
SUPPORT_URL="https://github.com/GoogleContainerTools/distroless/blob/master/README.md"
BUG_REPORT_URL="https://github.com/GoogleContainerTools/distroless/issues/new"
"""

DISTROLESS_STATIC_PKGS = ["base-files", "netbase", "tzdata", "media-types"]
DISTROLESS_EXTRA = {
    "distroless-static": [],
    "distroless-base-nossl": ["libc6"],
    "distroless-base": ["libc6", "libssl3"],
    "distroless-cc": ["libc6", "libssl3", "libgomp1", "libstdc++6", "libgcc-s1", "gcc-12-base"],
}



def _write(root: Path, rel: str, text: str, mode: int = 0o644) -> None:
    p = root / rel.lstrip("/")
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_text(text)
    p.chmod(mode)


def _mkdir(root: Path, rel: str, mode: int = 0o755, uid: int = 0, gid: int = 0) -> None:
    p = root / rel.lstrip("/")
    p.mkdir(parents=True, exist_ok=True)
    p.chmod(mode)
    os.chown(p, uid, gid)


def _busybox_applets(busybox: Path, full: bool = False) -> list[str]:
    """Applet names (or full install paths) of a busybox binary runnable on this host."""
    out = subprocess.run(
        [str(busybox), "--list-full" if full else "--list"], capture_output=True, text=True, check=True
    ).stdout
    return [a for a in out.split() if a and a != "busybox"]


def _install_busybox_bin(root: Path, busybox_src: Path) -> None:
    """``busybox --install /bin``: /bin/busybox plus a hard link per applet, in /bin."""
    _mkdir(root, "bin")
    target = root / "bin" / "busybox"
    shutil.copy2(busybox_src, target)
    target.chmod(0o755)
    for applet in _busybox_applets(target):
        link = root / "bin" / applet
        if not link.exists():
            os.link(target, link)


def _busybox_skeleton(root: Path, tzdata: Path) -> None:
    """The buildroot skeleton files and directories, as docker-library/busybox installs them."""
    _write(root, "etc/passwd", BUILDROOT_PASSWD)
    _write(root, "etc/group", BUILDROOT_GROUP)
    _write(root, "etc/shadow", BUILDROOT_SHADOW, 0o600)
    # buildroot system/device_table.txt directories
    _mkdir(root, "dev")
    _mkdir(root, "tmp", 0o1777)
    _mkdir(root, "root", 0o700)
    _mkdir(root, "var/www")
    _mkdir(root, "etc/network/if-down.d")
    _mkdir(root, "etc/network/if-post-down.d")
    _mkdir(root, "etc/network/if-pre-up.d")
    _mkdir(root, "etc/network/if-up.d")
    # home directories of the passwd entries
    for line in BUILDROOT_PASSWD.splitlines():
        f = line.split(":")
        home = root / f[5].lstrip("/")
        if not home.is_dir():
            home.mkdir(parents=True)
            os.chown(home, int(f[2]), int(f[3]))
            home.chmod(0o755)
    if not (root / "usr/bin/env").exists() and (root / "bin/env").exists():
        _mkdir(root, "usr/bin")
        os.symlink("../../bin/env", root / "usr/bin/env")
    shutil.copyfile(tzdata / "usr/share/zoneinfo/Etc/UTC", root / "etc/localtime")


def _ca_bundle(versions: dict[str, str]) -> str:
    """A ca-certificates.crt built as update-ca-certificates would: every Mozilla cert, concatenated."""
    ca = staged("ca-certificates", versions)
    certs = sorted((ca / "usr/share/ca-certificates/mozilla").glob("*.crt"))
    if not certs:
        raise RootBuildError("ca-certificates package has no certificates")
    parts = []
    for c in certs:
        text = c.read_text()
        parts.append(text if text.endswith("\n") else text + "\n")
    return "".join(parts)


def _lib_closure(start: list[Path], libdir: Path) -> list[Path]:
    """Files of ``libdir`` needed (DT_NEEDED, transitively, plus PT_INTERP) by ``start``."""
    seen: dict[str, Path] = {}
    queue = list(start)
    while queue:
        f = queue.pop()
        try:
            info = inspect_elf(f)
        except EvidenceError:
            continue  # not an ELF file: nothing to follow
        names = list(info.needed)
        if info.interpreter:
            names.append(Path(info.interpreter).name)
        for name in names:
            if name in seen:
                continue
            cand = libdir / name
            if not cand.exists():
                raise RootBuildError(f"{name} (needed by {f.name}) not found in {libdir}")
            seen[name] = cand
            queue.append(cand.resolve())
    return sorted(seen.values())
