"""lab.matrix: failure classification, and the known truths about which program runs where."""

from __future__ import annotations

import subprocess
import sys

import pytest

from lab import matrix
from lab.sandbox import RunResult

REPO_ROOT = __import__("pathlib").Path(__file__).resolve().parents[2]


def rr(stderr="", code=127, **kw):
    return RunResult(exit_code=code, stdout="", stderr=stderr, timed_out=False, **kw)


@pytest.mark.parametrize(
    "result, expected",
    [
        (rr("", 0), "ok"),
        (rr("exec /app: no such file or directory\n", exec_errno=2, exec_target_exists=True), "missing-interpreter"),
        (rr("/app: error while loading shared libraries: libstdc++.so.6: cannot open shared object file: "
            "No such file or directory\n"), "missing-library:libstdc++.so.6"),
        (rr("Error loading shared library libresolv.so.2: No such file or directory (needed by /app)\n"),
         "missing-library:libresolv.so.2"),
        (rr("/app: /lib/x86_64-linux-gnu/libc.so.6: version `GLIBC_2.34' not found (required by /app)\n"),
         "glibc-too-old:GLIBC_2.34"),
        (rr("/app: /lib/x86_64-linux-gnu/libc.so.6: version 'GLIBC_2.39' not found (required by /app)\n"),
         "glibc-too-old:GLIBC_2.39"),
        (rr("Error relocating /app/x.node: __strncpy_chk: symbol not found\n"), "symbol-not-found"),
        (rr("user.Current: user: unknown userid 0\n", 1), "missing-passwd"),
        (rr("user: Current requires cgo or $USER set in environment\n", 1), "missing-passwd"),
        (rr("panic: boom\n", 2), "other:panic: boom"),
        (RunResult(137, "", "", True), "other:timeout"),
    ],
)
def test_classify(result, expected):
    assert matrix.classify(result)[0] == expected


# (program, root, expected status): known truths, measured in emulated roots.
TRUTHS = [
    # glibc-dynamic C needs the glibc loader
    ("c-hello", "scratch", "missing-interpreter"),
    ("c-hello", "busybox-musl", "missing-interpreter"),
    ("c-hello", "alpine", "missing-interpreter"),
    ("c-hello", "distroless-static", "missing-interpreter"),
    ("c-hello", "busybox-glibc", "ok"),
    ("c-hello", "distroless-base", "ok"),
    ("c-hello", "distroless-base-nossl", "ok"),
    # C++ needs libstdc++ (and libgcc_s): only cc has it
    ("cpp-hello", "busybox-glibc", "missing-library:libstdc++.so.6"),
    ("cpp-hello", "distroless-base", "missing-library:libstdc++.so.6"),
    ("cpp-hello", "distroless-cc", "ok"),
    ("cpp-hello", "alpine", "missing-interpreter"),
    ("cpp-hello-static", "scratch", "ok"),
    # musl
    ("musl-hello", "alpine", "ok"),
    ("musl-hello", "distroless-base", "missing-interpreter"),
    ("musl-hello", "busybox-glibc", "missing-interpreter"),
    ("musl-hello", "busybox-musl", "missing-interpreter"),  # busybox:musl has no musl loader, only a static binary
    ("musl-hello-static", "scratch", "ok"),
    # libraries
    ("c-libm", "busybox-glibc", "ok"),
    ("c-libm", "distroless-base-nossl", "ok"),
    ("c-libssl", "distroless-base-nossl", "missing-library:libssl.so.3"),
    ("c-libssl", "distroless-base", "ok"),
    ("c-zlib", "distroless-base", "missing-library:libz.so.1"),
    ("c-zlib", "distroless-cc", "missing-library:libz.so.1"),
    # name resolution (glibc 2.34+ has the files/dns NSS modules inside libc)
    ("c-getaddrinfo", "busybox-glibc", "ok"),
    ("c-getaddrinfo", "distroless-base-nossl", "ok"),
    ("c-getaddrinfo", "scratch", "missing-interpreter"),
    ("c-getaddrinfo-static", "scratch", "ok"),
    # glibc binary pushed through musl's loader
    ("c-hello", "alpine-libc6-compat", "ok"),
    ("c-fortify", "alpine-libc6-compat", "symbol-not-found"),
    # Go
    ("go-hello-cgo1", "scratch", "ok"),
    ("go-hello-cgo0", "scratch", "ok"),
    ("go-net-cgo0", "scratch", "ok"),
    ("go-net-cgo1", "scratch", "missing-interpreter"),
    ("go-net-cgo1", "alpine", "missing-interpreter"),
    ("go-net-cgo1", "distroless-base", "ok"),
    ("go-dns-cgo0", "scratch", "ok"),
    ("go-dns-cgo1", "distroless-static", "missing-interpreter"),
    ("go-dns-cgo1", "distroless-base-nossl", "ok"),
    ("go-user-cgo0", "scratch", "missing-passwd"),
    ("go-user-cgo0", "distroless-static", "ok"),
    ("go-user-cgo0", "busybox-musl", "ok"),
    ("go-user-cgo1", "busybox-glibc", "ok"),
    # scripts and Rust
    ("py-hello", "distroless-cc", "missing-interpreter"),
    ("rust-hello-gnu", "distroless-base", "missing-library:libgcc_s.so.1"),
    ("rust-hello-gnu", "busybox-glibc", "missing-library:libgcc_s.so.1"),
    ("rust-hello-gnu", "distroless-cc", "ok"),
    ("rust-hello-gnu", "scratch", "missing-interpreter"),
]


@pytest.mark.parametrize("prog, root, expected", TRUTHS, ids=[f"{p}@{r}" for p, r, _ in TRUTHS])
def test_known_truth(sandbox_ok, built_roots, program, prog, root, expected):
    out = matrix.run_one(prog, program(prog), built_roots[root])
    assert out.status == expected, (out.detail, out.stdout)


def test_static_c_runs_everywhere(sandbox_ok, built_roots, program):
    path = program("c-hello-static")
    for name, root in built_roots.items():
        out = matrix.run_one("c-hello-static", path, root)
        assert out.ok and out.stdout == "hello from C", (name, out)


def test_run_matrix_and_cli(sandbox_ok, built_roots, built_programs):
    res = matrix.run_matrix(programs=["c-hello", "go-net-cgo0"], roots=["scratch", "distroless-base"])
    assert {k: v.status for k, v in res.items()} == {
        ("c-hello", "scratch"): "missing-interpreter",
        ("c-hello", "distroless-base"): "ok",
        ("go-net-cgo0", "scratch"): "ok",
        ("go-net-cgo0", "distroless-base"): "ok",
    }
    table = matrix.markdown(res)
    assert table.splitlines()[0] == "| program | scratch | distroless-base |"
    cli = subprocess.run(
        [sys.executable, "-m", "lab.matrix", "--no-build", "--programs", "c-hello", "--roots", "scratch"],
        capture_output=True, text=True, cwd=REPO_ROOT, timeout=60,
    )
    assert cli.returncode == 0, cli.stderr
    assert "| c-hello | missing-interpreter |" in cli.stdout
