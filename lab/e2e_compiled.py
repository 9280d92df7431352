"""The compiled languages' part of the end-to-end matrix (lab/e2e.py): their scenarios, and the prebuilt binary.

Scenarios are (name, sample, title, answers); lab/e2e.py turns them into its ``Scenario`` records. A sample may
build on another (``SAMPLE_BASES``: the go-cgo sample is the go-net one plus a file that uses SQLite through
mattn/go-sqlite3). A ``prebuilt-*`` scenario is a consultation of ``minimage-ask inspect BINARY``: the binary is the
scenario's sample compiled on this machine (``PREBUILT``), and every plan's Dockerfile is built on a context that
holds the binary beside the sample's sources (a prebuilt plan copies the binary; a plan that rebuilds from source
compiles the sources).
"""
from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

NO, YES = "no", "yes"
QUIET = {"tls": NO, "timezones": NO, "named_user": NO, "needs_shell": NO}

SCENARIOS = [
    ("cpp-static", "cpp", "C++, static allowed; CA bundle, time zone, named user",
     {"language": "cpp", "static_ok": YES, "native_deps": NO, "tls": YES, "timezones": YES, "named_user": YES,
      "needs_shell": NO}),
    ("go-cgo-sqlite", "go-cgo", "Go with cgo (mattn/go-sqlite3); TLS, time zone, named user",
     {"language": "go", "cgo": YES, "go_net": YES, "tls": YES, "timezones": YES, "named_user": YES,
      "needs_shell": NO}),
    ("rust-musl", "rust", "Rust, static allowed (musl target), std only; CA bundle, named user",
     {"language": "rust", "static_ok": YES, "native_deps": NO, "tls": YES, "timezones": NO, "named_user": YES,
      "needs_shell": NO}),
    ("prebuilt-cpp", "cpp", "a prebuilt C++ binary (libstdc++, libgcc_s, libc), inspected",
     dict(QUIET)),
]
SAMPLE_BASES = {"go-cgo": "go-net"}
# scenario -> the command that compiles its sample (in the context directory) into the binary `app`
PREBUILT = {"prebuilt-cpp": ["g++", "-O2", "-o", "app", "main.cpp"]}
BINARY = "app"


class PrebuiltError(RuntimeError):
    pass


def copy_sample(samples: Path, sample: str, into: Path) -> None:
    """The sample's files (over those of the sample it builds on) into ``into``."""
    if sample in SAMPLE_BASES:
        shutil.copytree(samples / SAMPLE_BASES[sample], into, dirs_exist_ok=True)
    shutil.copytree(samples / sample, into, dirs_exist_ok=True)


def build_prebuilt(scenario: str, context: Path) -> Path:
    """Compile the scenario's binary in ``context`` (its sample and checks already there) with this machine's
    toolchain, as a user's CI would before `minimage-ask inspect`; the binary's path."""
    cmd = PREBUILT[scenario]
    if not shutil.which(cmd[0]):
        raise PrebuiltError(f"{scenario}: {cmd[0]} is not installed (scripts/setup installs the compilers as root)")
    res = subprocess.run(cmd, cwd=context, capture_output=True, text=True, timeout=300)
    if res.returncode != 0:
        raise PrebuiltError(f"{scenario}: {' '.join(cmd)} failed: {(res.stdout + res.stderr)[-800:]}")
    return context / BINARY
