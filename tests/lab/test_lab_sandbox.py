"""lab.sandbox: runs are isolated like a container and cannot outlive their timeout."""

from __future__ import annotations

import os
import time
from pathlib import Path

from lab import sandbox


def test_unavailable_without_root(monkeypatch):
    monkeypatch.setattr(sandbox, "_available", None)
    monkeypatch.setattr(os, "geteuid", lambda: 1000)
    ok, why = sandbox.available()
    assert not ok and "root" in why
    monkeypatch.setattr(sandbox, "_available", None)


def sh(root, script, **kw):
    return sandbox.run(root, ["/bin/sh", "-c", script], **kw)


def test_container_like_view(sandbox_ok, built_roots):
    r = sh(built_roots["busybox-musl"],
           "echo pid=$$; cat /etc/hosts; ls /sys/class/net; cat /proc/net/dev | tail -n +3 | cut -d: -f1; "
           "hostname; ls /dev; id -u")
    assert r.exit_code == 0, r.stderr
    out = r.stdout
    assert "pid=1" in out
    assert "127.0.0.1\tlocalhost" in out
    ifaces = {line.strip() for line in out.splitlines() if line.strip() in ("lo", "eth0", "ens3")}
    assert ifaces == {"lo"}
    for node in ("null", "zero", "urandom", "tty"):
        assert node in out.split()
    assert "minimage-lab" in out


def test_loopback_is_up(sandbox_ok, built_roots):
    r = sh(built_roots["busybox-musl"], "nc -l -p 7777 -e echo pong & sleep 0.3; nc 127.0.0.1 7777 </dev/null")
    assert "pong" in r.stdout, (r.stdout, r.stderr)


def test_writes_do_not_touch_the_image(sandbox_ok, built_roots):
    root = built_roots["busybox-musl"]
    r = sh(root, "echo x > /newfile && rm /bin/ls && echo done")
    assert r.exit_code == 0 and "done" in r.stdout, r.stderr
    assert not (root.path / "newfile").exists()
    assert (root.path / "bin/ls").exists()


def test_copy_in_and_exec_error(sandbox_ok, built_roots, program, tmp_path):
    src = tmp_path / "data.txt"
    src.write_text("payload\n")
    r = sh(built_roots["busybox-musl"], "cat /opt/data.txt", copy_in={str(src): "/opt/data.txt"})
    assert r.stdout == "payload\n"
    r = sandbox.run(built_roots["scratch"], ["/app"], copy_in={str(program("c-hello")): "/app"})
    assert r.exit_code == 127 and r.exec_errno == 2 and r.exec_target_exists
    assert "exec /app: no such file or directory" in r.stderr
    r = sandbox.run(built_roots["scratch"], ["/nothere"])
    assert r.exit_code == 127 and r.exec_target_exists is False


def _procs_with(marker: str) -> list[int]:
    found = []
    for d in Path("/proc").iterdir():
        if d.name.isdigit():
            try:
                if marker.encode() in (d / "cmdline").read_bytes():
                    found.append(int(d.name))
            except OSError:
                pass
    return found


def test_timeout_kills_the_whole_tree(sandbox_ok, built_roots):
    marker = "31337"
    t0 = time.monotonic()
    r = sh(built_roots["busybox-musl"], f"sleep {marker} & sleep {marker} & sleep {marker}", timeout=1)
    assert r.timed_out and time.monotonic() - t0 < 5
    time.sleep(0.2)
    assert _procs_with(f"sleep\0{marker}") == []


def test_image_env_is_applied(sandbox_ok, built_roots):
    # the busybox-musl root's busybox is static, so it runs in distroless-static; its env applet
    bb = built_roots["busybox-musl"].path / "bin/busybox"
    r = sandbox.run(built_roots["distroless-static"], ["/busybox", "env"], copy_in={str(bb): "/busybox"})
    assert "SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt" in r.stdout
    assert "HOME=/root" in r.stdout
