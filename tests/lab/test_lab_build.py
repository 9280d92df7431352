"""lab.build: sample programs compile, link as expected, and missing toolchains skip cleanly."""

from __future__ import annotations

import shutil

from lab import build as lab_build
from kb.evidence.elf import inspect_elf

GLIBC_LOADER = "/lib64/ld-linux-x86-64.so.2"
MUSL_LOADER = "/lib/ld-musl-x86_64.so.1"


def test_missing_toolchain_is_a_reason_not_an_error(monkeypatch):
    monkeypatch.setattr(shutil, "which", lambda name: None)
    monkeypatch.setattr(lab_build, "find_rustc", lambda: None)
    for tool, hint in (("gcc", "apt-get install -y gcc"), ("musl-gcc", "musl-tools"), ("go", "golang-go")):
        exe, reason = lab_build.toolchain_status(tool)
        assert exe is None and hint in reason
    exe, reason = lab_build.toolchain_status("rustc")
    assert exe is None and "rustc not found" in reason


def test_every_program_is_built_or_has_a_reason(built_programs):
    assert set(built_programs) == {p.name for p in lab_build.PROGRAMS}
    for name, b in built_programs.items():
        assert b.ok or b.skipped, name
        if b.ok:
            assert b.path.exists()


def test_c_link_modes(program):
    assert inspect_elf(program("c-hello")).interpreter == GLIBC_LOADER
    assert inspect_elf(program("c-hello-static")).interpreter is None
    cpp = inspect_elf(program("cpp-hello"))
    assert "libstdc++.so.6" in cpp.needed
    assert "libssl.so.3" in inspect_elf(program("c-libssl")).needed
    assert "libz.so.1" in inspect_elf(program("c-zlib")).needed


def test_musl_link_modes(program):
    assert inspect_elf(program("musl-hello")).interpreter == MUSL_LOADER
    assert inspect_elf(program("musl-hello-static")).interpreter is None


def test_go_cgo_decides_linking(program):
    # fmt only: static whatever CGO_ENABLED says
    assert inspect_elf(program("go-hello-cgo1")).interpreter is None
    assert inspect_elf(program("go-hello-cgo0")).interpreter is None
    # net and os/user use cgo when it is on: dynamic against glibc
    for name in ("go-net", "go-dns", "go-user"):
        assert inspect_elf(program(f"{name}-cgo1")).interpreter == GLIBC_LOADER, name
        assert inspect_elf(program(f"{name}-cgo0")).interpreter is None, name


def test_build_manifest_records_go_default(program):
    import json

    program("go-hello-cgo0")
    doc = json.loads((lab_build.bin_dir() / "BUILD.json").read_text())
    assert doc["go"]["version"].startswith("go version go1.")
    assert doc["go"]["default_CGO_ENABLED"] in ("0", "1")


def test_rebuild_is_cached(built_programs, program):
    path = program("c-hello")
    before = path.stat().st_mtime_ns
    again = lab_build.build_all(["c-hello"])
    assert again["c-hello"].path == path and path.stat().st_mtime_ns == before
