"""Compile the sample programs of ``lab/programs/`` into ``<cache>/bin/``.

Toolchains come from Debian 12 (bookworm)::

    apt-get update
    apt-get install -y gcc g++ musl-tools golang-go libssl-dev zlib1g-dev

A program whose toolchain is missing is skipped with a reason, never failed.
Rust is optional: ``rustc`` from PATH or ``~/.cargo/bin``; the musl variant only
when the ``x86_64-unknown-linux-musl`` standard library is already installed
(``rustup target add`` needs a network this lab does not assume).

Go note: Debian 12's ``golang-go`` is Go 1.19. Before Go 1.20 cgo defaults to
on for native builds whenever a C compiler is found (``go env CGO_ENABLED`` is
``1`` here with gcc installed), so a program importing ``net`` or ``os/user``
comes out dynamically linked unless ``CGO_ENABLED=0`` is set. Every Go program
here is built twice with CGO_ENABLED set explicitly, and the toolchain's own
default is recorded in ``BUILD.json``.

Usage: ``python -m lab.build [--force] [name ...]``
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

from lab import LAB_DIR, cache_dir

PROGRAMS_DIR = LAB_DIR / "programs"
BUILD_VERSION = 1


@dataclass(frozen=True)
class Program:
    name: str
    source: str
    toolchain: str  # gcc, g++, musl-gcc, go, rustc, rustc-musl, script
    flags: tuple[str, ...] = ()
    env: tuple[tuple[str, str], ...] = ()
    description: str = ""


def _go(name: str, source: str, desc: str) -> list[Program]:
    return [
        Program(f"{name}-cgo1", source, "go", env=(("CGO_ENABLED", "1"),), description=f"{desc}, CGO_ENABLED=1"),
        Program(f"{name}-cgo0", source, "go", env=(("CGO_ENABLED", "0"),), description=f"{desc}, CGO_ENABLED=0"),
    ]


PROGRAMS: list[Program] = [
    Program("c-hello", "hello.c", "gcc", description="C hello, glibc dynamic"),
    Program("c-hello-static", "hello.c", "gcc", ("-static",), description="C hello, glibc -static"),
    Program("cpp-hello", "hello.cpp", "g++", description="C++ iostream hello, dynamic"),
    Program("cpp-hello-static", "hello.cpp", "g++", ("-static",), description="C++ iostream hello, -static"),
    Program("musl-hello", "hello.c", "musl-gcc", description="C hello, musl-gcc dynamic"),
    Program("musl-hello-static", "hello.c", "musl-gcc", ("-static",), description="C hello, musl-gcc -static"),
    Program("c-libm", "libm.c", "gcc", ("-lm",), description="C linked to libm"),
    Program("c-libssl", "libssl.c", "gcc", ("-lssl", "-lcrypto"), description="C linked to libssl/libcrypto"),
    Program("c-zlib", "zlib.c", "gcc", ("-lz",), description="C linked to zlib"),
    Program(
        "c-fortify",
        "fortify.c",
        "gcc",
        ("-D_FORTIFY_SOURCE=2",),
        description="C with _FORTIFY_SOURCE=2 (__printf_chk), glibc dynamic",
    ),
    Program("c-getaddrinfo", "getaddrinfo.c", "gcc", description="C getaddrinfo(localhost), glibc dynamic"),
    Program(
        "c-getaddrinfo-static",
        "getaddrinfo.c",
        "gcc",
        ("-static",),
        description="C getaddrinfo(localhost), glibc -static",
    ),
    *_go("go-hello", "hello.go", "Go fmt hello"),
    *_go("go-net", "net.go", "Go net.InterfaceAddrs"),
    *_go("go-dns", "dns.go", "Go net.LookupHost(localhost)"),
    *_go("go-user", "user.go", "Go os/user.Current"),
    Program("py-hello", "hello.py", "script", description="Python script, #!/usr/bin/python3"),
    Program("rust-hello-gnu", "hello.rs", "rustc", description="Rust hello, x86_64-unknown-linux-gnu"),
    Program("rust-hello-musl", "hello.rs", "rustc-musl", description="Rust hello, x86_64-unknown-linux-musl"),
]

BY_NAME = {p.name: p for p in PROGRAMS}


@dataclass
class Built:
    name: str
    path: Path | None
    skipped: str | None = None
    info: dict = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.path is not None


def bin_dir() -> Path:
    return cache_dir() / "bin"


def _run(cmd: list[str], env: dict | None = None, timeout: int = 60) -> str:
    out = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=timeout)
    return (out.stdout + out.stderr).strip()


def find_rustc() -> str | None:
    found = shutil.which("rustc")
    if found:
        return found
    cand = Path.home() / ".cargo" / "bin" / "rustc"
    return str(cand) if cand.exists() else None


def _rust_has_target(rustc: str, target: str) -> bool:
    try:
        sysroot = _run([rustc, "--print", "sysroot"])
    except (OSError, subprocess.SubprocessError):
        return False
    return (Path(sysroot) / "lib" / "rustlib" / target / "lib").is_dir()


def toolchain_status(toolchain: str) -> tuple[str | None, str]:
    """(command or None, version-or-reason) for a toolchain name."""
    if toolchain == "script":
        return "cp", "copy"
    if toolchain in ("gcc", "g++", "musl-gcc", "go"):
        exe = shutil.which(toolchain)
        if not exe:
            pkg = {"gcc": "gcc", "g++": "g++", "musl-gcc": "musl-tools", "go": "golang-go"}[toolchain]
            return None, f"{toolchain} not found (apt-get install -y {pkg})"
        if toolchain == "go":
            return exe, _run([exe, "version"])
        if toolchain == "musl-gcc":
            return exe, "musl-gcc wrapper around " + _run(["gcc", "--version"]).splitlines()[0]
        return exe, _run([exe, "--version"]).splitlines()[0]
    if toolchain in ("rustc", "rustc-musl"):
        rustc = find_rustc()
        if not rustc:
            return None, "rustc not found (neither on PATH nor in ~/.cargo/bin)"
        if toolchain == "rustc-musl" and not _rust_has_target(rustc, "x86_64-unknown-linux-musl"):
            return None, "rust target x86_64-unknown-linux-musl is not installed (rustup target add needs network)"
        return rustc, _run([rustc, "--version"])
    raise ValueError(toolchain)


def _command(p: Program, exe: str, src: Path, out: Path) -> list[str]:
    if p.toolchain in ("gcc", "g++", "musl-gcc"):
        # Libraries go after the source so the linker resolves them in order.
        return [exe, "-O2", "-o", str(out), str(src), *p.flags]
    if p.toolchain == "go":
        return [exe, "build", "-o", str(out), str(src)]
    if p.toolchain == "rustc":
        return [exe, "-O", "-o", str(out), str(src)]
    if p.toolchain == "rustc-musl":
        return [exe, "-O", "--target", "x86_64-unknown-linux-musl", "-o", str(out), str(src)]
    raise ValueError(p.toolchain)


def _file_info(path: Path) -> str:
    try:
        return _run(["file", "-b", str(path)])
    except (OSError, subprocess.SubprocessError):
        return ""


def build_one(p: Program, force: bool = False, state: dict | None = None) -> Built:
    exe, version = toolchain_status(p.toolchain)
    if exe is None:
        return Built(p.name, None, skipped=version)
    src = PROGRAMS_DIR / p.source
    out = bin_dir() / p.name
    out.parent.mkdir(parents=True, exist_ok=True)
    key_material = json.dumps([BUILD_VERSION, p.toolchain, p.flags, p.env, version]).encode() + src.read_bytes()
    key = hashlib.sha256(key_material).hexdigest()[:16]
    prev = (state or {}).get(p.name, {})
    if not force and out.exists() and prev.get("key") == key:
        return Built(p.name, out, info=prev)
    if p.toolchain == "script":
        shutil.copyfile(src, out)
        out.chmod(0o755)
        cmd = ["cp", str(src), str(out)]
    else:
        env = dict(os.environ)
        env.update(p.env)
        if p.toolchain == "go":
            env.setdefault("GOCACHE", str(cache_dir() / "go-build"))
            env.setdefault("GOPATH", str(cache_dir() / "gopath"))
            env["GO111MODULE"] = "off"  # single-file programs, std only
            env["GOFLAGS"] = ""
        cmd = _command(p, exe, src, out)
        tmp = out.with_name(out.name + ".tmp")
        cmd[cmd.index(str(out))] = str(tmp)
        res = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=600, cwd=PROGRAMS_DIR)
        if res.returncode != 0:
            return Built(p.name, None, skipped=f"build failed: {' '.join(cmd)}\n{res.stderr.strip()}")
        os.replace(tmp, out)
        cmd[cmd.index(str(tmp))] = str(out)
    info = {
        "key": key,
        "source": p.source,
        "description": p.description,
        "toolchain": version,
        "env": dict(p.env),
        "command": cmd,
        "file": _file_info(out),
    }
    return Built(p.name, out, info=info)


def _go_defaults() -> dict:
    go = shutil.which("go")
    if not go:
        return {}
    return {
        "version": _run([go, "version"]),
        "default_CGO_ENABLED": _run([go, "env", "CGO_ENABLED"]),
        "CC": _run([go, "env", "CC"]),
    }


def build_all(names: list[str] | None = None, force: bool = False) -> dict[str, Built]:
    """Build the programs (all, or those named); returns name -> Built (path or skip reason)."""
    manifest = bin_dir() / "BUILD.json"
    state: dict = {}
    if manifest.exists():
        try:
            state = json.loads(manifest.read_text()).get("programs", {})
        except (ValueError, OSError):
            state = {}
    results: dict[str, Built] = {}
    for p in PROGRAMS:
        if names and p.name not in names:
            continue
        results[p.name] = build_one(p, force=force, state=state)
    progs = dict(state)
    for name, b in results.items():
        if b.ok:
            progs[name] = b.info
        else:
            progs.pop(name, None)
    bin_dir().mkdir(parents=True, exist_ok=True)
    doc = {
        "go": _go_defaults(),
        "programs": progs,
        "skipped": {n: b.skipped for n, b in results.items() if not b.ok},
    }
    manifest.write_text(json.dumps(doc, indent=2, sort_keys=True) + "\n")
    return results


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    force = "--force" in args
    names = [a for a in args if not a.startswith("-")]
    unknown = [n for n in names if n not in BY_NAME]
    if unknown:
        print(f"unknown program(s): {', '.join(unknown)}; known: {', '.join(BY_NAME)}", file=sys.stderr)
        return 2
    for name, b in build_all(names or None, force=force).items():
        if b.ok:
            print(f"built   {name:24} {b.info.get('file', '')[:90]}")
        else:
            print(f"skipped {name:24} {b.skipped}")
    go = _go_defaults()
    if go:
        print(f"go: {go['version']}; default CGO_ENABLED={go['default_CGO_ENABLED']} (CC={go['CC']})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
