"""Run a program inside an emulated image root, isolated like a container.

``run(root, argv, copy_in={host_path: dest}, timeout=10)`` starts
``unshare --mount --net --pid --uts --ipc --fork --kill-child`` (util-linux)
around ``lab/_sandbox_inner.py``, which as PID 1 of the new namespaces mounts
the image read-only under an overlayfs with a tmpfs upper layer (a copy into
tmpfs if overlayfs is refused), copies the ``copy_in`` files into that layer,
mounts /proc, a minimal /dev and /sys, bind-mounts /etc/hosts (with localhost),
/etc/hostname and /etc/resolv.conf as Docker does, brings ``lo`` up (the only
interface of the new network namespace), chroots and execs ``argv``.

Nothing touches the image directory. When the timeout passes, the whole
process group is killed with SIGKILL; ``--kill-child`` and the PID namespace
take every process of the run with it.

The environment defaults to the image's (``MANIFEST.json`` ``env``) plus
``HOSTNAME`` and ``HOME=/root``, as ``docker run`` gives a root user.

Needs root (mount and network namespaces): ``available()`` says why not.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

INNER = Path(__file__).resolve().parent / "_sandbox_inner.py"
DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
HOSTS = (
    "127.0.0.1\tlocalhost\n"
    "::1\tlocalhost ip6-localhost ip6-loopback\n"
    "fe00::0\tip6-localnet\nff00::0\tip6-mcastprefix\nff02::1\tip6-allnodes\nff02::2\tip6-allrouters\n"
)
# No route leaves the namespace, so a DNS query fails fast with ENETUNREACH instead of hanging.
RESOLV_CONF = "nameserver 192.0.2.53\noptions timeout:1 attempts:1\n"
MAX_OUTPUT = 1 << 20

_available: tuple[bool, str] | None = None


class SandboxUnavailable(RuntimeError):
    pass


@dataclass
class RunResult:
    exit_code: int
    stdout: str
    stderr: str
    timed_out: bool
    exec_errno: int | None = None  # errno of a failed execve inside the root, None if exec succeeded
    exec_target_exists: bool | None = None  # whether the path that failed to exec exists in the root
    setup_error: str | None = None  # the sandbox itself failed (not the program)
    duration: float = 0.0


def available() -> tuple[bool, str]:
    """(True, "") if this process can create the namespaces and mounts; else (False, why)."""
    global _available
    if _available is not None:
        return _available
    if sys.platform != "linux":
        _available = (False, "the lab sandbox needs Linux namespaces")
    elif os.geteuid() != 0:
        _available = (False, "the lab sandbox needs root (mount and network namespaces, overlayfs)")
    elif not shutil.which("unshare"):
        _available = (False, "unshare (util-linux) is not installed")
    else:
        probe = subprocess.run(
            ["unshare", "--mount", "--net", "--pid", "--uts", "--ipc", "--fork", "--kill-child",
             sys.executable, "-I", "-S", "-c", ""],
            capture_output=True, text=True,
        )
        if probe.returncode != 0:
            _available = (False, f"unshare refused: {probe.stderr.strip() or probe.returncode}")
        else:
            _available = (True, "")
    return _available


def _root_path_and_env(root) -> tuple[Path, dict[str, str]]:
    if hasattr(root, "path") and hasattr(root, "env"):  # lab.roots.Root
        return Path(root.path), dict(root.env)
    p = Path(root)
    manifest = p.parent / "MANIFEST.json" if p.name == "rootfs" else p / "MANIFEST.json"
    env: dict[str, str] = {}
    if manifest.exists():
        try:
            env = dict(json.loads(manifest.read_text()).get("env", {}))
        except ValueError:
            env = {}
    return p, env


def run(
    root,
    argv: list[str],
    copy_in: dict[str, str] | None = None,
    timeout: float = 10,
    env: dict[str, str] | None = None,
    hostname: str = "minimage-lab",
    cwd: str = "/",
) -> RunResult:
    """Run ``argv`` inside ``root`` (a rootfs directory or a lab.roots.Root), isolated."""
    ok, why = available()
    if not ok:
        raise SandboxUnavailable(why)
    rootfs, image_env = _root_path_and_env(root)
    if not rootfs.is_dir():
        raise FileNotFoundError(f"root {rootfs} is not a directory")
    full_env = {"PATH": DEFAULT_PATH, **image_env, "HOSTNAME": hostname, "HOME": "/root"}
    if env:
        full_env.update(env)
    work = Path(tempfile.mkdtemp(prefix="minimage-sb-"))
    try:
        (work / "layer").mkdir()
        status = work / "status"
        status.write_text("")
        spec = {
            "work": str(work),
            "status": str(status),
            "root": str(rootfs.resolve()),
            "argv": list(argv),
            "env": full_env,
            "copy_in": [[str(Path(h).resolve()), d] for h, d in (copy_in or {}).items()],
            "hosts": HOSTS,
            "hostname": hostname,
            "resolv_conf": RESOLV_CONF,
            "cwd": cwd,
        }
        (work / "spec.json").write_text(json.dumps(spec))
        cmd = [
            "unshare", "--mount", "--net", "--pid", "--uts", "--ipc", "--fork", "--kill-child",
            sys.executable, "-I", "-S", str(INNER), str(work / "spec.json"),
        ]
        start = time.monotonic()
        proc = subprocess.Popen(
            cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            start_new_session=True,
        )
        timed_out = False
        try:
            out, err = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            timed_out = True
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            out, err = proc.communicate()
        duration = time.monotonic() - start
        code = proc.returncode
        if code < 0:
            code = 128 - code  # killed by a signal: report it as a shell/Docker would (128+N)
        stderr = err[:MAX_OUTPUT].decode(errors="replace")
        result = RunResult(
            exit_code=code,
            stdout=out[:MAX_OUTPUT].decode(errors="replace"),
            stderr=stderr,
            timed_out=timed_out,
            duration=duration,
        )
        st = status.read_text()
        if st:
            info = json.loads(st)
            result.exec_errno = info.get("errno")
            result.exec_target_exists = info.get("exists")
        if code == 125 and "minimage-sandbox: setup failed" in stderr:
            result.setup_error = stderr.strip()
        return result
    finally:
        shutil.rmtree(work, ignore_errors=True)
