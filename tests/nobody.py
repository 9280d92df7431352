"""Checks that need an unprivileged user, also when the tests run as root (as CI runs them): root reads a chmod 000
file or directory, so the code under test runs in a forked child that dropped to nobody (uid/gid 65534)."""
from __future__ import annotations

import os
import shutil
import tempfile
from contextlib import contextmanager


def as_nobody(fn, *args) -> str:
    """fn(*args) as nobody when root (in a forked child), directly otherwise; what it returned, as text, or
    'escaped:Type:message' for an exception."""
    if os.geteuid() != 0:
        try:
            return str(fn(*args))
        except Exception as e:  # noqa: BLE001 - the same report as the child's
            return f"escaped:{type(e).__name__}:{e}"
    return in_child(fn, *args, setup=_drop_to_nobody)


def _drop_to_nobody() -> None:
    os.setgroups([])
    os.setgid(65534)
    os.setuid(65534)


def in_child(fn, *args, setup=None) -> str:
    """fn(*args) in a forked child, after `setup()` there (dropping privileges, lowering a limit): what it returned,
    as text, or 'escaped:Type:message' for an exception. The test process itself is never changed."""
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:  # child
        try:
            os.close(r)
            try:
                if setup is not None:
                    setup()
                out = str(fn(*args))
            except BaseException as e:  # noqa: BLE001 - report anything to the parent
                out = f"escaped:{type(e).__name__}:{e}"
            os.write(w, out.encode())
        finally:
            os._exit(0)
    os.close(w)
    data = b""
    while chunk := os.read(r, 65536):
        data += chunk
    os.close(r)
    os.waitpid(pid, 0)
    return data.decode()


@contextmanager
def reachable_tmpdir():
    """A temporary directory that nobody can reach (pytest's tmp_path is private to its owner); removed after,
    whatever its contents' permissions."""
    d = tempfile.mkdtemp(prefix="minimage-nobody-")
    os.chmod(d, 0o755)
    try:
        yield d
    finally:
        for root, dirs, files in os.walk(d):
            for name in dirs + files:
                os.chmod(os.path.join(root, name), 0o755, follow_symlinks=False) \
                    if not os.path.islink(os.path.join(root, name)) else None
        shutil.rmtree(d, ignore_errors=True)
