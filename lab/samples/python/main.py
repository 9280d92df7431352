"""minimage e2e sample (Python, pure). checks.py (written by lab/e2e.py next to this file) sets CHECKS:
  tls    the system CA bundle loads into ssl's default context and holds ISRG Root X1 (offline)
  tz     zoneinfo.ZoneInfo("America/New_York") loads and gives EST in January
  user   the running user has an /etc/passwd entry (pwd.getpwuid)
  shell  /bin/sh exists
  wheel  MarkupSafe's C extension (markupsafe._speedups, from a manylinux wheel) loads and escapes
  libpq  psycopg2, compiled at install time, loads with the system libpq (libpq.so.5) and reports its version
Prints "check NAME: ok|FAIL ..." per check, then "SELF-CHECK OK" (exit 0) or "SELF-CHECK FAILED" (exit 1)."""
import os
import sys

from checks import CHECKS


def check(name, fn):
    try:
        detail = fn()
        print(f"check {name}: ok ({detail})")
        return True
    except Exception as e:  # noqa: BLE001 - the self-check reports every failure the same way
        print(f"check {name}: FAIL ({type(e).__name__}: {e})")
        return False


def tls():
    import ssl
    ctx = ssl.create_default_context()
    names = [dict(x[0] for x in c["subject"]).get("commonName") for c in ctx.get_ca_certs()]
    if "ISRG Root X1" not in names:
        raise RuntimeError(f"{len(names)} CA certificates loaded, ISRG Root X1 not among them")
    return f"{len(names)} CA certificates"


def tz():
    from datetime import datetime, timezone
    from zoneinfo import ZoneInfo
    name = datetime(2025, 1, 15, 12, tzinfo=timezone.utc).astimezone(ZoneInfo("America/New_York")).tzname()
    if name != "EST":
        raise RuntimeError(f"zone {name}")
    return "America/New_York is EST"


def user():
    import pwd
    return pwd.getpwuid(os.geteuid()).pw_name


def shell():
    if not os.access("/bin/sh", os.X_OK):
        raise RuntimeError("no /bin/sh")
    return "/bin/sh"


def wheel():
    from markupsafe import _speedups
    if not _speedups.__file__.endswith(".so"):
        raise RuntimeError(f"{_speedups.__file__} is not a compiled extension")
    # MarkupSafe 3 exports _escape_inner from its C module (escape itself lives in __init__); 2.x exported escape
    escape = getattr(_speedups, "_escape_inner", None) or _speedups.escape
    escaped = str(escape("<a&b>"))
    if escaped != "&lt;a&amp;b&gt;":
        raise RuntimeError(f"escape gave {escaped!r}")
    return f"C extension {os.path.basename(_speedups.__file__)}"


def libpq():
    import psycopg2
    import psycopg2.extensions
    version = psycopg2.extensions.libpq_version()
    return f"psycopg2 {psycopg2.__version__.split()[0]} with libpq {version // 10000}.{version % 100}"


def main():
    print(f"check start: ok (Python {sys.version.split()[0]} at {sys.executable})")
    ok = True
    for name in CHECKS:
        ok = check(name, globals()[name]) and ok
    print("SELF-CHECK OK" if ok else "SELF-CHECK FAILED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
