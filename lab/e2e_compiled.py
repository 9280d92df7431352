"""The compiled languages' part of the end-to-end matrix (lab/e2e.py): their scenarios, the prebuilt binary, and the
JNI library the Java sample's jar carries.

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


JNI_SOURCE = "jni/selfcheck.c"
JNI_LIBRARY = "src/main/resources/native/linux-x86_64/libselfcheck.so"


def build_jni(context: Path) -> Path:
    """The Java sample's JNI library, compiled in ``context`` with this machine's gcc into the resources the jar
    carries (as a JNI library's publisher builds it); the C source is then taken out of the context."""
    if not shutil.which("gcc"):
        raise PrebuiltError("the JNI library needs gcc (scripts/setup installs the compilers as root)")
    out = context / JNI_LIBRARY
    out.parent.mkdir(parents=True, exist_ok=True)
    cmd = ["gcc", "-shared", "-fPIC", "-O2", "-o", str(out), str(context / JNI_SOURCE)]
    res = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    if res.returncode != 0:
        raise PrebuiltError(f"the JNI library: {' '.join(cmd)} failed: {(res.stdout + res.stderr)[-800:]}")
    shutil.rmtree(context / Path(JNI_SOURCE).parent)
    return out


def java_context(into: Path, checks: list[str], release: str | None = None) -> None:
    """The Java sample's resources: checks.txt, which the jar's main class reads, and the JNI library the jar carries
    when "jni" is one of the checks (else the C source is taken out: the context is a plain Maven project). With a
    release, the jar is compiled for it (the pom says 21): a Java 25 jar must stop on a Java 21 JRE, as MI153 says."""
    if release:
        pom = into / "pom.xml"
        text = pom.read_text()
        if "<maven.compiler.release>21</maven.compiler.release>" not in text:
            raise ValueError(f"{pom} does not set maven.compiler.release to 21")
        pom.write_text(text.replace("<maven.compiler.release>21<", f"<maven.compiler.release>{release}<", 1))
    (into / "src/main/resources").mkdir(parents=True, exist_ok=True)
    (into / "src/main/resources/checks.txt").write_text(",".join(checks) + "\n")
    if "jni" in checks:
        build_jni(into)
    else:
        shutil.rmtree(into / Path(JNI_SOURCE).parent)
