"""The platform `minimage-ask inspect` reads from an ELF header (machine, class and byte order) and says how it told
it; a CPU outside Docker's platform choices gives no platform at all. Also what `inspect PATH` makes of a path that
is no binary, script or directory."""
from __future__ import annotations

import os

import pytest

from kb.evidence.errors import EvidenceError
from kb.evidence.facts import inspect_path

from .elf_writer import write_elf
from .test_elf_flavours import build


@pytest.mark.parametrize("cls,bo,machine,arch,platform,how", [
    (64, "<", 62, "x86_64", "amd64", "EM_X86_64: x86-64"),
    (64, "<", 183, "aarch64", "arm64", "EM_AARCH64: 64-bit ARM"),
    (32, "<", 40, "arm", "arm/v7", "EM_ARM: 32-bit ARM, taken as ARMv7: the ELF header does not name the ARM version"),
    (64, "<", 21, "ppc64", "ppc64le", "EM_PPC64: 64-bit POWER, little-endian"),
    (64, ">", 22, "s390", "s390x", "EM_S390: 64-bit IBM Z"),
    (64, "<", 243, "riscv", "riscv64", "EM_RISCV: 64-bit RISC-V"),
    (64, ">", 183, "aarch64", None, None),             # big-endian ARM: no Docker platform
    (64, "<", 40, "arm", None, None),                  # 64-bit class with EM_ARM
    (32, ">", 40, "arm", None, None),
    (64, ">", 21, "ppc64", None, None),                # big-endian POWER (ppc64, not ppc64le)
    (32, ">", 22, "s390", None, None),                 # 31-bit s390
    (32, "<", 243, "riscv", None, None),
    (32, "<", 3, "i386", None, None),
    (64, ">", 8, "mips", None, None),
])
def test_the_platform_of_a_binary(tmp_path, cls, bo, machine, arch, platform, how):
    path = tmp_path / "app"
    path.write_bytes(build(cls, bo, machine))
    facts = {(j.fact.name, j.fact.value): j.note for j in inspect_path(str(path))[2]}
    machine_name = how.split(":")[0] if how else None
    assert [k for k in facts if k[0] == "binary_arch"] == [("binary_arch", arch)]
    if platform is None:
        assert not [k for k in facts if k[0] in ("platform", "binary_platform")]
        return
    assert facts[("binary_arch", arch)] == f"{path} (ELF machine {machine_name})"
    assert facts[("platform", platform)] == facts[("binary_platform", platform)] == f"{path} (ELF machine {how})"


def test_the_platform_of_a_64_bit_arm_file_written_here(tmp_path):
    path = write_elf(tmp_path / "app", machine=183)
    facts = {(j.fact.name, j.fact.value) for j in inspect_path(path)[2]}
    assert {("binary_arch", "aarch64"), ("platform", "arm64"), ("binary_platform", "arm64")} <= facts


@pytest.mark.parametrize("content,message", [
    (b"\x00\x01", "not an ELF binary, a script starting with #!, or a directory"),
    (b"\x7fEL", "not an ELF binary, a script starting with #!, or a directory"),
    (b"#", "not an ELF binary, a script starting with #!, or a directory"),
    (b"", "not an ELF binary, a script starting with #!, or a directory"),
])
def test_a_file_that_is_none_of_the_three(tmp_path, content, message):
    p = tmp_path / "thing"
    p.write_bytes(content)
    with pytest.raises(EvidenceError) as ei:
        inspect_path(str(p))
    assert (ei.value.path, ei.value.message) == (str(p), message)


def test_special_paths_are_never_opened(tmp_path):
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    with pytest.raises(EvidenceError) as ei:
        inspect_path(str(fifo))
    assert (ei.value.reason, ei.value.message) == ("not-regular", "is a FIFO (named pipe), not a regular file")
    with pytest.raises(EvidenceError) as ei:
        inspect_path(str(tmp_path / "missing"))
    assert (ei.value.reason, ei.value.message) == ("not-found", "no such file")


def test_a_directory_that_cannot_be_listed():
    """An error, not an empty project (as root, checked as nobody in a child process: root lists it anyway)."""
    import shutil
    import tempfile

    from tests.nobody import as_nobody

    top = tempfile.mkdtemp(prefix="minimage-unlisted-")
    locked = os.path.join(top, "locked")
    try:
        os.chmod(top, 0o755)
        os.mkdir(locked, 0)

        def attempt() -> str:
            try:
                inspect_path(locked)
                return "no error"
            except EvidenceError as e:
                return f"{e.reason}: {e.message}"

        assert as_nobody(attempt) == "unreadable: cannot read the directory: Permission denied"
    finally:
        os.chmod(locked, 0o755)
        shutil.rmtree(top, ignore_errors=True)
