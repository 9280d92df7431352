"""What only a user without root sees (permission denied), checked as root too: the call runs in a forked child
that dropped to uid/gid 65534."""
import os


def as_nobody(fn, *args) -> str:
    """Run fn(*args) in a forked child that dropped root (uid/gid 65534); return what it returned, as text, or
    'escaped:Type' for an exception."""
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:  # child
        try:
            os.close(r)
            os.setgroups([])
            os.setgid(65534)
            os.setuid(65534)
            try:
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
