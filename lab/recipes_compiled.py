"""What the compiled languages' builder images need beyond their toolchains: the third-party code the samples use.

No module proxy or crate registry is reachable here. A user's Go project pins its modules in go.mod and fetches
them through ``GOPROXY``; the faithful ``golang:*`` images therefore carry a module proxy of their own, a directory
in the layout of the GOPROXY protocol (https://go.dev/ref/mod#goproxy-protocol), filled from Debian's packaged Go
sources, and point ``GOPROXY`` at it with a ``file://`` URL, so that a generated Dockerfile's ``go mod download`` and
``go build`` run unchanged.

Modules served (each from the Debian package of the release that ships that version):

* ``github.com/mattn/go-sqlite3`` v1.14.16 (Debian 12's golang-github-mattn-go-sqlite3-dev) and v1.14.27 (Debian 13's).
  Debian strips the bundled SQLite amalgamation (the ``~ds1`` versions) and links the system library instead; the
  real module compiles SQLite into the program. So that a program built here needs at run time what one built from
  the real module needs (libc only), the served copy links Debian's ``libsqlite3.a`` statically (``-l:libsqlite3.a``)
  and the image has ``libsqlite3-dev`` installed: both are listed among the image's differences.
"""
from __future__ import annotations

import io
import json
import re
import zipfile
from pathlib import Path

from lab import packages as P

GOPROXY_DIR = "usr/share/go-proxy"
GOPROXY_URL = "file:///" + GOPROXY_DIR
# module path -> (version, Debian release, package, source directory in the package)
_SQLITE3 = ("golang-github-mattn-go-sqlite3-dev", "usr/share/gocode/src/github.com/mattn/go-sqlite3")
GO_MODULES = {
    "github.com/mattn/go-sqlite3": (("v1.14.16", "bookworm", *_SQLITE3), ("v1.14.27", "trixie", *_SQLITE3)),
}
# Go's module zips carry the commit time of the tag; the proxy's .info reports one. A fixed time keeps the image
# reproducible (nothing in a build reads it but `go list -m -json`).
INFO_TIME = "2025-01-01T00:00:00Z"
GOLANG_PACKAGES = ["libsqlite3-dev"]
GOLANG_DIFFS = (
    "GOPROXY points at " + GOPROXY_URL + ", a module proxy directory in the image serving the modules the lab's "
    "samples need from Debian's packaged Go sources (lab/recipes_compiled.py), in place of proxy.golang.org",
    "go-sqlite3 as served links Debian's libsqlite3.a (libsqlite3-dev is installed for it) where the real module "
    "compiles its bundled SQLite amalgamation, which Debian's source package strips",
)

_SQLITE_LDFLAGS = re.compile(r"^#cgo linux LDFLAGS: -lsqlite3$", re.MULTILINE)


class ProxyBuildError(RuntimeError):
    pass


def _module_files(src: Path) -> dict[str, bytes]:
    """The files of a module's zip: every regular file except those of nested modules (as `go mod` packs them)."""
    nested = {p.parent for p in src.rglob("go.mod") if p.parent != src}
    out = {}
    for p in sorted(src.rglob("*")):
        if not p.is_file() or p.is_symlink() or any(n in p.parents for n in nested):
            continue
        out[p.relative_to(src).as_posix()] = p.read_bytes()
    return out


def _fit_go_sqlite3(files: dict[str, bytes]) -> None:
    """Debian's go-sqlite3 always links -lsqlite3 (its patch drops the amalgamation): link it statically."""
    name = "sqlite3_libsqlite3.go"
    text = files.get(name, b"").decode()
    fitted, n = _SQLITE_LDFLAGS.subn("#cgo linux LDFLAGS: -l:libsqlite3.a -lm", text)
    if n != 1:
        raise ProxyBuildError(f"go-sqlite3: {name} has no '#cgo linux LDFLAGS: -lsqlite3' line to make static")
    files[name] = fitted.encode()


FITTERS = {"github.com/mattn/go-sqlite3": _fit_go_sqlite3}


def module_zip(module: str, version: str, files: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for rel, data in sorted(files.items()):
            info = zipfile.ZipInfo(f"{module}@{version}/{rel}", date_time=(2025, 1, 1, 0, 0, 0))
            info.external_attr = 0o644 << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, data)
    return buf.getvalue()


def build_go_proxy(root: Path, versions: dict) -> None:
    """Fill ``root``/usr/share/go-proxy with every module of GO_MODULES, in the GOPROXY protocol's layout."""
    for module, served in GO_MODULES.items():
        vdir = root / GOPROXY_DIR / module.lower() / "@v"  # (module paths with capitals are escaped as !x)
        vdir.mkdir(parents=True, exist_ok=True)
        listed = []
        for version, release, pkg, subdir in served:
            with P.use_release(release):
                staged = P.staged(pkg, versions)
            versions[f"{module}@{version}"] = f"{pkg} {versions.pop(pkg)} (Debian {release})"
            src = staged / subdir
            if not (src / "go.mod").is_file():
                raise ProxyBuildError(f"{pkg} ({release}) has no go.mod in /{subdir}")
            files = _module_files(src)
            FITTERS.get(module, lambda f: None)(files)
            (vdir / f"{version}.mod").write_bytes(files["go.mod"])
            (vdir / f"{version}.info").write_text(json.dumps({"Version": version, "Time": INFO_TIME}) + "\n")
            (vdir / f"{version}.zip").write_bytes(module_zip(module, version, files))
            listed.append(version)
        (vdir / "list").write_text("".join(v + "\n" for v in listed))
    for p in (root / GOPROXY_DIR).rglob("*"):
        p.chmod(0o755 if p.is_dir() else 0o644)
