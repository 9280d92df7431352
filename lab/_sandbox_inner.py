"""Runs inside fresh namespaces (started by lab.sandbox via unshare) as PID 1.

Sets up a container-like view of an image root, then execs the program:

* overlayfs: the image directory as the read-only lower layer, a tmpfs upper
  (falls back to copying the image into the tmpfs if overlayfs is refused);
* copy_in files written into the writable layer;
* /proc (new PID namespace), a minimal /dev on tmpfs (null, zero, full, random,
  urandom, tty bind-mounted from the host; fd/stdin/stdout/stderr links;
  /dev/shm), /sys read-only when allowed;
* /etc/hosts, /etc/hostname, /etc/resolv.conf bind-mounted like Docker does;
* loopback up in the new network namespace, hostname set in the new UTS one;
* chroot, then execve. If execve fails, the errno goes to the status file
  (opened O_CLOEXEC, so a successful exec leaves it empty) and a runc-style
  message to stderr, exit 127 (ENOENT) or 126 (other).

Executed with ``python -I -S``; standard library only; not imported by anything.
"""

import ctypes
import errno
import fcntl
import json
import os
import shutil
import socket
import struct
import sys

MS_RDONLY, MS_NOSUID, MS_NODEV, MS_NOEXEC = 1, 2, 4, 8
MS_REMOUNT, MS_BIND, MS_REC, MS_PRIVATE = 32, 4096, 16384, 1 << 18

_libc = ctypes.CDLL(None, use_errno=True)
_libc.mount.argtypes = [ctypes.c_char_p, ctypes.c_char_p, ctypes.c_char_p, ctypes.c_ulong, ctypes.c_char_p]


def mount(src, target, fstype, flags=0, data=None):
    enc = lambda s: None if s is None else str(s).encode()  # noqa: E731
    if _libc.mount(enc(src), enc(target), enc(fstype), flags, enc(data)) != 0:
        e = ctypes.get_errno()
        raise OSError(e, f"mount {fstype or ''} {src} -> {target}: {os.strerror(e)}")


def loopback_up():
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        req = struct.pack("16sH14s", b"lo", 0, b"")
        flags = struct.unpack("16sH", fcntl.ioctl(s, 0x8913, req)[:18])[1]  # SIOCGIFFLAGS
        fcntl.ioctl(s, 0x8914, struct.pack("16sH14s", b"lo", flags | 0x1 | 0x40, b""))  # SIOCSIFFLAGS UP|RUNNING
    finally:
        s.close()


def ensure_file(path):
    """Make ``path`` a regular file to bind-mount onto (replacing a dangling symlink in the upper layer)."""
    os.makedirs(os.path.dirname(path), exist_ok=True)
    if os.path.islink(path):
        os.unlink(path)
    if not os.path.exists(path):
        open(path, "w").close()


def main():
    spec = json.load(open(sys.argv[1]))
    work = spec["work"]
    status = os.open(spec["status"], os.O_WRONLY | os.O_CLOEXEC)
    mount(None, "/", None, MS_REC | MS_PRIVATE)

    layer = os.path.join(work, "layer")
    mount("tmpfs", layer, "tmpfs", MS_NOSUID | MS_NODEV, "mode=755,size=512m")
    upper, wdir, merged = (os.path.join(layer, d) for d in ("upper", "work", "merged"))
    for d in (upper, wdir, merged):
        os.mkdir(d)
    mode = "overlay"
    try:
        mount("overlay", merged, "overlay", 0, f"lowerdir={spec['root']},upperdir={upper},workdir={wdir}")
    except OSError:
        mode = "copy"
        os.rmdir(merged)
        shutil.copytree(spec["root"], merged, symlinks=True)

    for host, dest in spec["copy_in"]:
        target = merged + "/" + dest.lstrip("/")
        os.makedirs(os.path.dirname(target), exist_ok=True)
        shutil.copy2(host, target)

    proc = os.path.join(merged, "proc")
    os.makedirs(proc, exist_ok=True)
    mount("proc", proc, "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC)

    dev = os.path.join(merged, "dev")
    os.makedirs(dev, exist_ok=True)
    mount("tmpfs", dev, "tmpfs", MS_NOSUID, "mode=755,size=64k")
    for node in ("null", "zero", "full", "random", "urandom", "tty"):
        target = os.path.join(dev, node)
        open(target, "w").close()
        try:
            mount("/dev/" + node, target, None, MS_BIND)
        except OSError:
            os.unlink(target)
    for name, to in (("fd", "/proc/self/fd"), ("stdin", "/proc/self/fd/0"),
                     ("stdout", "/proc/self/fd/1"), ("stderr", "/proc/self/fd/2"),
                     ("ptmx", "pts/ptmx")):
        os.symlink(to, os.path.join(dev, name))
    os.mkdir(os.path.join(dev, "pts"))
    os.mkdir(os.path.join(dev, "shm"))
    mount("shm", os.path.join(dev, "shm"), "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, "mode=1777,size=64m")

    sysdir = os.path.join(merged, "sys")
    try:
        os.makedirs(sysdir, exist_ok=True)
        mount("sysfs", sysdir, "sysfs", MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC)
    except OSError:
        pass

    for name, text in (("hosts", spec["hosts"]), ("hostname", spec["hostname"] + "\n"),
                       ("resolv.conf", spec["resolv_conf"])):
        src = os.path.join(layer, name)
        with open(src, "w") as f:
            f.write(text)
        target = os.path.join(merged, "etc", name)
        ensure_file(target)
        mount(src, target, None, MS_BIND)

    loopback_up()
    socket.sethostname(spec["hostname"])

    os.chroot(merged)
    os.chdir(spec.get("cwd") or "/")
    env = spec["env"]
    argv = spec["argv"]
    prog = argv[0]
    if "/" not in prog:
        for d in env.get("PATH", "").split(":"):
            cand = os.path.join(d or ".", prog)
            if os.path.isfile(cand) and os.access(cand, os.X_OK):
                prog = cand
                break
        else:
            os.write(status, json.dumps({"errno": errno.ENOENT, "where": "path", "mode": mode}).encode())
            os.write(2, f'exec: "{prog}": executable file not found in $PATH\n'.encode())
            os._exit(127)
    try:
        os.execve(prog, argv, env)
    except OSError as e:
        os.write(status, json.dumps({
            "errno": e.errno, "where": "execve", "exists": os.path.lexists(prog), "mode": mode,
        }).encode())
        os.write(2, f"exec {prog}: {os.strerror(e.errno).lower()}\n".encode())
        os._exit(127 if e.errno == errno.ENOENT else 126)


if __name__ == "__main__":
    try:
        main()
    except Exception as exc:  # setup failure, not the program's
        os.write(2, f"minimage-sandbox: setup failed: {exc!r}\n".encode())
        os._exit(125)
