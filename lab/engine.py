"""A Docker engine for the proof lab: the user's (``DOCKER_HOST``) or a private dockerd this process starts.

``Engine.acquire()`` returns an engine or raises ``EngineUnavailable`` with the reason (no dockerd installed, not root,
the daemon did not come up). A private daemon runs as (measured on Debian 12 with docker.io 20.10, see
../shared/ENGINE.md)::

    dockerd --data-root D --exec-root E --pidfile P --host unix://SOCK --storage-driver vfs \\
            --iptables=false --bridge=none --exec-opt native.cgroupdriver=cgroupfs

The data root (the image store) outlives the run, in ``$MINIMAGE_ENGINE_DIR`` or
``${XDG_CACHE_HOME:-~/.cache}/minimage/engine``, so faithful images built once are reused by later runs and fresh
clones. A lock file serialises runs that share it. The daemon is stopped by its pid (``Engine.release()``); the
exec root and socket live in a temporary directory that goes with it.

Every client call uses Debian's ``/usr/bin/docker`` (a newer client elsewhere on PATH may refuse the classic builder)
with ``DOCKER_BUILDKIT=0``: the classic builder ignores the ``# syntax=`` line of generated Dockerfiles, which
BuildKit would try to pull from Docker Hub.

Usage: ``python -m lab.engine status`` or ``python -m lab.engine prune`` (removes the lab's images).
"""
from __future__ import annotations

import fcntl
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

DOCKER_CANDIDATES = ("/usr/bin/docker",)
LOCK_WAIT_S = float(os.environ.get("MINIMAGE_ENGINE_LOCK_WAIT", "1800"))
START_WAIT_S = 60.0


class EngineUnavailable(RuntimeError):
    """No engine can be used here; the message says why."""


class EngineError(RuntimeError):
    """A docker command failed; the message carries its output."""


def engine_dir() -> Path:
    env = os.environ.get("MINIMAGE_ENGINE_DIR")
    if env:
        return Path(env).resolve()
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "minimage" / "engine"


def storage_driver() -> str:
    """overlay2 where the kernel can mount overlayfs here (layers shared, not copied), else vfs (copies every layer
    in full: slower, works anywhere). MINIMAGE_ENGINE_STORAGE overrides."""
    forced = os.environ.get("MINIMAGE_ENGINE_STORAGE")
    if forced:
        return forced
    with tempfile.TemporaryDirectory(prefix="mmovl-") as d:
        for sub in ("l", "u", "w", "m"):
            os.mkdir(os.path.join(d, sub))
        probe = subprocess.run(["mount", "-t", "overlay", "overlay", "-o",
                                f"lowerdir={d}/l,upperdir={d}/u,workdir={d}/w", f"{d}/m"], capture_output=True)
        if probe.returncode != 0:
            return "vfs"
        subprocess.run(["umount", f"{d}/m"], capture_output=True)
    return "overlay2"


def docker_client() -> str | None:
    for cand in DOCKER_CANDIDATES:
        if os.access(cand, os.X_OK):
            return cand
    return shutil.which("docker")


@dataclass
class Result:
    returncode: int
    stdout: str
    stderr: str

    @property
    def output(self) -> str:
        return (self.stdout + ("\n" if self.stdout and self.stderr else "") + self.stderr).strip()


@dataclass
class Engine:
    docker: str
    host: str  # the DOCKER_HOST value every client call gets
    owned_pid: int | None = None  # the dockerd this process started, if any
    tmp: Path | None = None
    lock_fd: int | None = None
    log: Path | None = None
    notes: list[str] = field(default_factory=list)

    # ------------------------------------------------------------ lifecycle

    @classmethod
    def acquire(cls) -> "Engine":
        docker = docker_client()
        if os.environ.get("DOCKER_HOST"):
            if docker is None:
                raise EngineUnavailable("DOCKER_HOST is set but there is no docker client (apt-get install docker.io)")
            eng = cls(docker, os.environ["DOCKER_HOST"])
            probe = eng.run(["version", "--format", "{{.Server.Version}}"], timeout=30)
            if probe.returncode != 0:
                raise EngineUnavailable(f"the engine at DOCKER_HOST={eng.host} does not answer: {probe.output[-300:]}")
            return eng
        dockerd = shutil.which("dockerd") or ("/usr/sbin/dockerd" if os.access("/usr/sbin/dockerd", os.X_OK) else None)
        if dockerd is None or docker is None:
            raise EngineUnavailable("no Docker engine: DOCKER_HOST is unset and dockerd is not installed "
                                    "(scripts/setup installs docker.io when run as root)")
        if os.geteuid() != 0:
            raise EngineUnavailable("no Docker engine: DOCKER_HOST is unset and starting a private dockerd needs root")
        return cls._start(docker, dockerd)

    @classmethod
    def _start(cls, docker: str, dockerd: str) -> "Engine":
        root = engine_dir()
        root.mkdir(parents=True, exist_ok=True)
        lock_fd = os.open(root / "lock", os.O_RDWR | os.O_CREAT, 0o644)
        deadline = time.monotonic() + LOCK_WAIT_S
        while True:
            try:
                fcntl.flock(lock_fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    os.close(lock_fd)
                    raise EngineUnavailable(f"another run holds the engine lock {root / 'lock'} "
                                            f"(waited {LOCK_WAIT_S:.0f} s); set DOCKER_HOST to share its engine")
                time.sleep(2)
        tmp = Path(tempfile.mkdtemp(prefix="mmeng-", dir="/tmp"))  # short: the socket path is limited to 108 bytes
        sock, pidfile, log = tmp / "docker.sock", tmp / "docker.pid", root / "dockerd.log"
        cmd = [dockerd, "--data-root", str(root / "data"), "--exec-root", str(tmp / "exec"), "--pidfile", str(pidfile),
               "--host", f"unix://{sock}", "--storage-driver", storage_driver(), "--iptables=false", "--ip-masq=false",
               "--bridge=none", "--exec-opt", "native.cgroupdriver=cgroupfs"]
        with open(log, "wb") as out:
            proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                    start_new_session=True)
        eng = cls(docker, f"unix://{sock}", owned_pid=proc.pid, tmp=tmp, lock_fd=lock_fd, log=log)
        eng._proc = proc
        deadline = time.monotonic() + START_WAIT_S
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                tail = log.read_text(errors="replace")[-800:]
                eng.release()
                raise EngineUnavailable(f"dockerd exited with status {proc.returncode} at start: {tail}")
            if sock.exists() and eng.run(["version", "--format", "{{.Server.Version}}"], timeout=10).returncode == 0:
                return eng
            time.sleep(0.5)
        tail = log.read_text(errors="replace")[-800:]
        eng.release()
        raise EngineUnavailable(f"dockerd did not answer within {START_WAIT_S:.0f} s: {tail}")

    def release(self) -> None:
        """Stop the dockerd this process started (by its pid), remove its temporary directory, drop the lock."""
        proc = getattr(self, "_proc", None)
        if self.owned_pid is not None:
            try:
                os.kill(self.owned_pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
            if proc is not None:
                try:
                    proc.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    os.kill(self.owned_pid, signal.SIGKILL)
                    proc.wait(timeout=10)
            self.owned_pid = None
        if self.tmp is not None:
            shutil.rmtree(self.tmp, ignore_errors=True)
            self.tmp = None
        if self.lock_fd is not None:
            os.close(self.lock_fd)
            self.lock_fd = None

    def __enter__(self) -> "Engine":
        return self

    def __exit__(self, *exc) -> None:
        self.release()

    # ------------------------------------------------------------ client

    @property
    def environ(self) -> dict[str, str]:
        env = dict(os.environ)
        env["DOCKER_HOST"] = self.host
        env["DOCKER_BUILDKIT"] = "0"
        env.pop("DOCKER_CONTEXT", None)
        return env

    def run(self, args: list[str], *, timeout: float | None = 600, input: bytes | None = None,
            cwd: str | Path | None = None) -> Result:
        try:
            res = subprocess.run([self.docker, *args], capture_output=True, env=self.environ, timeout=timeout,
                                 input=input, cwd=cwd)
        except subprocess.TimeoutExpired as e:
            return Result(124, (e.stdout or b"").decode(errors="replace"),
                          (e.stderr or b"").decode(errors="replace") + f"\n(timed out after {timeout} s)")
        return Result(res.returncode, res.stdout.decode(errors="replace"), res.stderr.decode(errors="replace"))

    def check(self, args: list[str], **kw) -> Result:
        res = self.run(args, **kw)
        if res.returncode != 0:
            raise EngineError(f"docker {' '.join(args[:3])} ... failed ({res.returncode}): {res.output[-1500:]}")
        return res

    def image_labels(self, ref: str) -> dict[str, str] | None:
        """The labels of local image ``ref`` ({} if it has none), or None if it is not in the store."""
        res = self.run(["image", "inspect", "--format", "{{json .Config.Labels}}", ref], timeout=60)
        if res.returncode != 0:
            return None
        return json.loads(res.stdout.strip() or "null") or {}

    def image_config(self, ref: str) -> dict:
        res = self.check(["image", "inspect", "--format", "{{json .Config}}", ref], timeout=60)
        return json.loads(res.stdout)

    def import_rootfs(self, rootfs: Path, ref: str, changes: list[str]) -> None:
        """``tar -C rootfs -c . | docker import -c CHANGE... - ref``."""
        tar = subprocess.Popen(["tar", "-C", str(rootfs), "--numeric-owner", "-cf", "-", "."],
                               stdout=subprocess.PIPE)
        args = [self.docker, "import"]
        for c in changes:
            args += ["-c", c]
        imp = subprocess.run([*args, "-", ref], stdin=tar.stdout, capture_output=True, env=self.environ, timeout=1800)
        tar.stdout.close()
        tar.wait()
        if tar.returncode != 0 or imp.returncode != 0:
            raise EngineError(f"docker import {ref} failed: {imp.stderr.decode(errors='replace')[-800:]}")

    def build(self, context: Path, tag: str, *, dockerfile: Path | None = None, network: str = "host",
              timeout: float = 1800) -> Result:
        extra = ["--file", str(dockerfile)] if dockerfile else []
        return self.run(["build", "--network", network, "--force-rm", *extra, "-t", tag, str(context)],
                        timeout=timeout)

    def remove_image(self, ref: str) -> None:
        self.run(["rmi", "--force", ref], timeout=120)


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    cmd = args[0] if args else "status"
    try:
        eng = Engine.acquire()
    except EngineUnavailable as e:
        print(f"no engine: {e}", file=sys.stderr)
        return 69
    with eng:
        if cmd == "status":
            print(f"engine at {eng.host} (data root {engine_dir() / 'data'}; started here: {eng.owned_pid is not None})")
            print(eng.check(["images", "--format", "{{.Repository}}:{{.Tag}}\t{{.Size}}"]).stdout, end="")
        elif cmd == "prune":
            out = eng.check(["images", "--filter", "label=org.minimage.recipe", "--format", "{{.ID}}"]).stdout.split()
            for image_id in dict.fromkeys(out):
                eng.remove_image(image_id)
            print(f"removed {len(set(out))} images")
        else:
            print(f"unknown command {cmd!r}: status or prune", file=sys.stderr)
            return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
