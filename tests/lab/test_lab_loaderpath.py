"""What MI496 and MI497 (kb/lint/loaderpath.py) rest on, run rather than read: where musl's and glibc's loaders look
for a program's DT_NEEDED library, and that the soname, not the link-time name, is what they look for.

A library libfoo.so.1.2.3 with the soname libfoo.so.1 and a program linked with -lfoo are compiled here (musl-gcc,
gcc), and each case runs the program in a root that holds only the loader, libc, the program and the library where
the case puts it, isolated like a container (lab/sandbox.py). Needs root, musl-gcc and gcc on x86_64; skips and says
why otherwise."""
from __future__ import annotations

import os
import platform
import shutil
import subprocess
from pathlib import Path

import pytest

from lab import sandbox

FOO = "int foo(void) { return 42; }\n"
MAIN = '#include <stdio.h>\nint foo(void);\nint main(void) { printf("foo=%d\\n", foo()); return 0; }\n'
MUSL_LOADER = Path("/lib/ld-musl-x86_64.so.1")
GLIBC = (Path("/lib64/ld-linux-x86-64.so.2"), Path("/lib/x86_64-linux-gnu/libc.so.6"))


def _compile(tmp: Path, cc: str) -> tuple[Path, Path]:
    if shutil.which(cc) is None:
        pytest.skip(f"{cc} is not installed")
    (tmp / "foo.c").write_text(FOO)
    (tmp / "main.c").write_text(MAIN)
    lib = tmp / "libfoo.so.1.2.3"
    subprocess.run([cc, "-shared", "-fPIC", "-Wl,-soname,libfoo.so.1", "-o", str(lib), str(tmp / "foo.c")], check=True)
    (tmp / "libfoo.so").symlink_to(lib.name)
    prog = tmp / "main"
    subprocess.run([cc, "-o", str(prog), str(tmp / "main.c"), f"-L{tmp}", "-lfoo"], check=True)
    return lib, prog


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    if platform.machine() != "x86_64" or os.geteuid() != 0:
        pytest.skip("needs root on x86_64 (the roots are run in namespaces)")
    ok, why = sandbox.available()
    if not ok:
        pytest.skip(why)
    out = {}
    for libc, cc in (("musl", "musl-gcc"), ("glibc", "gcc")):
        out[libc] = _compile(tmp_path_factory.mktemp(libc), cc)
    return out


def _root(tmp: Path, libc: str, built: dict, where: str, name: str = "libfoo.so.1") -> Path:
    root = tmp / "root"
    for d in ("bin", "etc", "lib", "usr/lib", "tmp", "proc", "dev", "sys"):
        (root / d).mkdir(parents=True, exist_ok=True)
    if libc == "musl":
        shutil.copy(MUSL_LOADER, root / "lib" / MUSL_LOADER.name)
    else:
        for f in GLIBC:
            (root / str(f.parent).lstrip("/")).mkdir(parents=True, exist_ok=True)
            shutil.copy(f, root / str(f).lstrip("/"))
    lib, prog = built[libc]
    shutil.copy(prog, root / "bin" / "main")
    (root / where.lstrip("/")).mkdir(parents=True, exist_ok=True)
    shutil.copy(lib, root / where.lstrip("/") / name)
    return root


def _run(root: Path, env: dict | None = None) -> sandbox.RunResult:
    return sandbox.run(root, ["/bin/main"], env=env, timeout=20)


@pytest.mark.parametrize("where,runs", [
    ("/lib", True), ("/usr/local/lib", True), ("/usr/lib", True),
    ("/usr/lib64", False), ("/lib64", False), ("/opt/foo/lib", False),
])
def test_musl_searches_lib_usr_local_lib_and_usr_lib_only(built, tmp_path, where, runs):
    res = _run(_root(tmp_path, "musl", built, where))
    if runs:
        assert (res.exit_code, res.stdout) == (0, "foo=42\n"), res
    else:
        assert res.exit_code == 127 and "Error loading shared library libfoo.so.1" in res.stderr, res


def test_musl_finds_another_directory_through_its_path_file_or_ld_library_path(built, tmp_path):
    root = _root(tmp_path, "musl", built, "/usr/lib64")
    assert _run(root, env={"LD_LIBRARY_PATH": "/usr/lib64"}).stdout == "foo=42\n"
    (root / "etc" / "ld-musl-x86_64.path").write_text("/lib\n/usr/local/lib\n/usr/lib\n/usr/lib64\n")
    assert _run(root).stdout == "foo=42\n"


@pytest.mark.parametrize("where,runs", [
    ("/lib", True), ("/usr/lib", True), ("/usr/lib/x86_64-linux-gnu", True),
    ("/usr/lib64", False), ("/usr/local/lib64", False), ("/opt/foo/lib", False), ("/usr/local/lib", False),
])
def test_debians_glibc_without_a_cache_searches_its_trusted_directories_only(built, tmp_path, where, runs):
    res = _run(_root(tmp_path, "glibc", built, where))
    if runs:
        assert (res.exit_code, res.stdout) == (0, "foo=42\n"), res
    else:
        assert res.exit_code == 127 and "libfoo.so.1: cannot open shared object file" in res.stderr, res


def test_glibc_finds_a_directory_of_its_own_once_ld_so_conf_lists_it_and_ldconfig_runs(built, tmp_path):
    if shutil.which("ldconfig") is None:
        pytest.skip("ldconfig is not installed")
    root = _root(tmp_path, "glibc", built, "/opt/foo/lib")
    subprocess.run(["ldconfig", "-r", str(root)], check=True)
    assert _run(root).exit_code == 127  # ldconfig alone does not know the directory
    (root / "etc" / "ld.so.conf.d").mkdir()
    (root / "etc" / "ld.so.conf.d" / "foo.conf").write_text("/opt/foo/lib\n")
    (root / "etc" / "ld.so.conf").write_text("include /etc/ld.so.conf.d/*.conf\n")
    subprocess.run(["ldconfig", "-r", str(root)], check=True)
    assert _run(root).stdout == "foo=42\n"


@pytest.mark.parametrize("libc,error", [("musl", "Error loading shared library libfoo.so.1"),
                                        ("glibc", "libfoo.so.1: cannot open shared object file")])
def test_the_link_time_name_alone_is_not_what_the_loader_looks_for(built, tmp_path, libc, error):
    """MI497: a COPY of libfoo.so gives a file of that name (BuildKit follows the symlink); the program asks for
    libfoo.so.1, its soname."""
    res = _run(_root(tmp_path, libc, built, "/usr/lib", name="libfoo.so"))
    assert res.exit_code == 127 and error in res.stderr, res
