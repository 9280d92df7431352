"""inspect_elf on real compiled programs and on bad input."""

from __future__ import annotations

import os
import struct

import pytest

from tests.nobody import as_nobody

from kb.evidence.elf import MAX_SECTIONS, ElfReport, GoBuildInfo, _parse_modinfo, _read_go_buildinfo, inspect_elf
from kb.evidence.errors import EvidenceError

from .conftest import C_HELLO, CXX_HELLO


def _ver(v: str) -> tuple[int, ...]:
    return tuple(int(x) for x in v.split("."))


# ---- real programs -----------------------------------------------------------------------------------------
def test_c_dynamic_glibc(builder):
    r = inspect_elf(builder.c("c_dyn", "gcc", C_HELLO, ".c"))
    assert isinstance(r, ElfReport) and r.is_elf
    assert r.arch in ("x86_64", "aarch64", "arm", "i386", "riscv", "ppc64", "s390")
    assert r.linkage == "dynamic" and r.has_interp and not r.is_static
    assert r.interpreter and "ld-linux" in r.interpreter or r.interpreter.endswith("ld64.so.2")
    assert r.libc == "glibc" and r.libc_evidence == "interpreter"
    assert "libc.so.6" in r.needed
    assert r.glibc_version and _ver(r.glibc_version) >= (2, 2)
    assert r.glibcxx_version is None
    assert not r.is_go and r.go is None
    d = r.to_dict()
    assert d["needed"] == list(r.needed) and isinstance(d["version_needs"], dict)


def test_c_static_glibc(builder):
    r = inspect_elf(builder.c("c_static", "gcc", C_HELLO, ".c", "-static"))
    assert r.linkage == "static" and r.is_static and not r.has_interp
    assert r.interpreter is None and r.needed == ()
    assert r.libc == "glibc" and r.static_libc == "glibc"
    assert r.glibc_version is None


def test_c_static_pie(builder):
    r = inspect_elf(builder.c("c_spie", "gcc", C_HELLO, ".c", "-static-pie"))
    assert r.elf_type == "DYN" and r.has_dynamic and not r.has_interp
    assert r.linkage == "static-pie" and r.is_static_pie and r.is_static


def test_cxx_dynamic(builder):
    r = inspect_elf(builder.c("cxx_dyn", "g++", CXX_HELLO, ".cpp"))
    assert "libstdc++.so.6" in r.needed
    assert r.glibcxx_version and _ver(r.glibcxx_version) >= (3, 4)
    assert r.cxxabi_version and _ver(r.cxxabi_version) >= (1, 3)
    assert r.libc == "glibc"
    libs = dict(r.version_needs)
    assert any(n.startswith("GLIBCXX_") for n in libs["libstdc++.so.6"])


def test_musl_dynamic(builder):
    r = inspect_elf(builder.c("musl_dyn", "musl-gcc", C_HELLO, ".c"))
    assert r.linkage == "dynamic"
    assert r.interpreter and "ld-musl-" in r.interpreter
    assert r.libc == "musl"
    assert r.glibc_version is None and not r.has_gnu_abi_tag
    from kb.evidence.facts import facts_from_elf

    assert ("binary_libc", "musl") in {(j.fact.name, j.fact.value) for j in facts_from_elf(r)}  # what inspect tells


def test_musl_static(builder):
    r = inspect_elf(builder.c("musl_static", "musl-gcc", C_HELLO, ".c", "-static"))
    assert r.is_static and r.linkage == "static" and r.interpreter is None
    assert not r.has_gnu_abi_tag
    assert r.static_libc == "musl"       # from the symbol table (not stripped)
    assert not r.glibc_static_cgo


def test_go_cgo_disabled(builder):
    r = inspect_elf(builder.go("go_nocgo", "0", "-ldflags=-s -w"))
    assert r.is_go and r.linkage == "static" and r.is_static and r.interpreter is None
    assert r.libc is None and r.static_libc is None and not r.glibc_static_cgo
    g = r.go
    assert isinstance(g, GoBuildInfo)
    assert g.go_version.startswith("go1.")
    assert g.cgo_enabled is False and g.setting("CGO_ENABLED") == "0"
    assert g.main_module == "example.com/gonet" and g.path == "example.com/gonet"
    assert g.ldflags == "-s -w"
    assert g.goos == "linux" and g.goarch
    assert r.to_dict()["go"]["settings"]["CGO_ENABLED"] == "0"


def test_go_cgo_enabled_net_is_dynamic(builder):
    r = inspect_elf(builder.go("go_cgo", "1"))
    assert r.is_go and r.go and r.go.cgo_enabled is True
    assert r.linkage == "dynamic" and r.libc == "glibc"
    assert "libc.so.6" in r.needed and r.glibc_version


def test_go_cgo_tags(builder):
    r = inspect_elf(builder.go("go_tags", "0", "-tags", "netgo,osusergo"))
    assert set(r.go.tags) == {"netgo", "osusergo"}
    assert sorted(r.to_dict()["go"]["tags"]) == ["netgo", "osusergo"]  # as the JSON report gives them


def test_go_glibc_static_cgo(builder):
    r = inspect_elf(builder.go("go_cgo_static", "1", "-ldflags", '-linkmode external -extldflags "-static"'))
    assert r.is_static and r.static_libc == "glibc" and r.glibc_static_cgo
    assert r.go.ldflags == '-linkmode external -extldflags "-static"'


def test_shell_script_is_not_elf(tmp_path):
    p = tmp_path / "run.sh"
    p.write_text("#!/bin/sh\necho hi\n")
    with pytest.raises(EvidenceError) as ei:
        inspect_elf(p)
    assert ei.value.reason == "not-elf" and "script" in ei.value.message


def test_system_binary_smoke():
    for p in ("/bin/sh", "/usr/bin/env", "/usr/lib/x86_64-linux-gnu/libc.so.6"):
        if os.path.exists(p):
            r = inspect_elf(p)
            assert r.is_elf and r.arch


# ---- Go build info decoding without a toolchain ------------------------------------------------------------
class _FakeReader:
    def __init__(self, data: bytes) -> None:
        self.data, self.size = data, len(data)

    def read(self, off: int, n: int) -> bytes:
        return self.data[off:off + n]


MODINFO = ("0w\xaf\x0c\x92t\x08\x02A\xe1\xc1\x07\xe6\xd6\x18\xe6"
           "path\texample.com/x\nmod\texample.com/x\t(devel)\t\n"
           "dep\tgithub.com/mattn/go-sqlite3\tv1.14.22\th1:abc=\n"
           "build\t-tags=netgo,osusergo\nbuild\t-ldflags=\"-s -w -X \\\"main.v=1\\\"\"\n"
           "build\tCGO_ENABLED=1\nbuild\tGOOS=linux\nbuild\tGOARCH=arm64\n"
           "\xf92C1\x86\x18 r\x00\x82B\x10A\x16\xd8\xf2")


def _uv(n: int) -> bytes:
    out = b""
    while True:
        b = n & 0x7F
        n >>= 7
        out += bytes([b | (0x80 if n else 0)])
        if not n:
            return out


def test_go_buildinfo_inline_format():
    vers, mod = b"go1.22.3", MODINFO.encode("latin-1")
    blob = b"\xff Go buildinf:" + bytes([8, 2]) + b"\0" * 16 + _uv(len(vers)) + vers + _uv(len(mod)) + mod
    data = b"\0" * 32 + blob + b"\0" * 64
    info, warn = _read_go_buildinfo(_FakeReader(data), [(0x1000, 0, len(data))], 0x1000, "<")
    assert warn is None and info.go_version == "go1.22.3"
    assert info.cgo_enabled is True and info.tags == ("netgo", "osusergo") and info.goarch == "arm64"
    assert info.ldflags == '-s -w -X "main.v=1"'
    assert ("github.com/mattn/go-sqlite3", "v1.14.22") in info.deps


def test_go_buildinfo_pointer_format():
    # Go <= 1.17: the header holds two pointers to Go string headers {ptr, len}.
    vers, mod = b"go1.16.15", MODINFO.encode("latin-1")
    base = 0x400000
    hdr_off, vs_off, ms_off, vd_off, md_off = 0, 64, 80, 96, 128
    data = bytearray(512 + len(mod))
    data[0:16] = b"\xff Go buildinf:" + bytes([8, 0])
    data[16:24] = struct.pack("<Q", base + vs_off)
    data[24:32] = struct.pack("<Q", base + ms_off)
    data[vs_off:vs_off + 16] = struct.pack("<QQ", base + vd_off, len(vers))
    data[ms_off:ms_off + 16] = struct.pack("<QQ", base + md_off, len(mod))
    data[vd_off:vd_off + len(vers)] = vers
    data[md_off:md_off + len(mod)] = mod
    info, warn = _read_go_buildinfo(_FakeReader(bytes(data)), [(base, 0, len(data))], base, "<")
    assert info is not None and info.go_version == "go1.16.15" and info.main_module == "example.com/x"


def test_go_buildinfo_corrupt_lengths_do_not_crash():
    blob = b"\xff Go buildinf:" + bytes([8, 2]) + b"\0" * 16 + b"\xff" * 12
    info, warn = _read_go_buildinfo(_FakeReader(blob + b"\0" * 32), [(0, 0, len(blob) + 32)], 0, "<")
    assert info is None and warn


def test_parse_modinfo_quoted_key_and_replacement():
    g = _parse_modinfo('dep\ta\tv1\nb=>\tx\n=>\t../local\t\t\nbuild\t"we ird"=1\n', "go1.21")
    assert ("we ird", "1") in g.settings


# ---- bad input ---------------------------------------------------------------------------------------------
def _elf64_header(shnum=0, shoff=0, phnum=0, phoff=0, shstrndx=0, e_type=2) -> bytes:
    ident = b"\x7fELF" + bytes([2, 1, 1, 0]) + b"\0" * 8
    return ident + struct.pack("<HHIQQQIHHHHHH", e_type, 62, 1, 0x401000, phoff, shoff, 0, 64,
                               56 if phnum else 0, phnum, 64, shnum, shstrndx)


@pytest.mark.parametrize("content,reason", [
    (b"", "empty"),
    (b"\x7fEL", "truncated"),
    (b"\x7fELF\x02\x01", "truncated"),
    (b"\x7fELF\x02\x01\x01" + b"\0" * 20, "truncated"),
    (b"x" + __import__("random").Random(0).randbytes(4096), "not-elf"),
    (b"MZ\x90\x00" + b"\0" * 200, "not-elf"),
    (b"\x7fELF\x07\x01" + b"\0" * 60, "corrupt"),
])
def test_bad_bytes(tmp_path, content, reason):
    p = tmp_path / "bad"
    p.write_bytes(content)
    with pytest.raises(EvidenceError) as ei:
        inspect_elf(p)
    e = ei.value
    assert e.reason == reason and e.path == str(p) and e.message


def test_truncated_real_elf(builder, tmp_path):
    src = builder.c("c_dyn", "gcc", C_HELLO, ".c").read_bytes()
    for cut in (16, 63, 64, 200, len(src) // 2, len(src) - 1):
        p = tmp_path / f"cut{cut}"
        p.write_bytes(src[:cut])
        with pytest.raises(EvidenceError) as ei:
            inspect_elf(p)
        assert ei.value.reason in ("truncated", "corrupt"), (cut, ei.value)


def test_huge_section_count_is_capped(tmp_path):
    p = tmp_path / "many"
    p.write_bytes(_elf64_header(shnum=65535, shoff=0x1000000, shstrndx=1) + b"\0" * 256)
    with pytest.raises(EvidenceError) as ei:
        inspect_elf(p)
    assert ei.value.reason in ("truncated", "corrupt", "too-large")
    # Even when the table fits in the file, more than MAX_SECTIONS is refused.
    n = MAX_SECTIONS + 1
    p.write_bytes(_elf64_header(shnum=n, shoff=64, shstrndx=0) + b"\0" * (64 * n))
    with pytest.raises(EvidenceError) as ei:
        inspect_elf(p)
    assert ei.value.reason == "too-large" and str(n) in ei.value.message


def test_bogus_program_headers(tmp_path):
    p = tmp_path / "ph"
    p.write_bytes(_elf64_header(phnum=900, phoff=0xFFFFFFFF) + b"\0" * 64)
    with pytest.raises(EvidenceError):
        inspect_elf(p)


def test_header_only_elf_is_accepted(tmp_path):
    p = tmp_path / "bare"
    p.write_bytes(_elf64_header())
    r = inspect_elf(p)
    assert r.linkage == "static" and r.needed == () and not r.is_go


def test_directory(tmp_path):
    with pytest.raises(EvidenceError) as ei:
        inspect_elf(tmp_path)
    assert ei.value.reason == "directory"


def test_missing(tmp_path):
    with pytest.raises(EvidenceError) as ei:
        inspect_elf(tmp_path / "nope")
    assert ei.value.reason == "not-found"


def test_fifo_does_not_block(tmp_path):
    p = tmp_path / "fifo"
    os.mkfifo(p)
    with pytest.raises(EvidenceError) as ei:
        inspect_elf(p)
    assert ei.value.reason == "not-regular"


def test_char_device():
    with pytest.raises(EvidenceError) as ei:
        inspect_elf("/dev/zero")
    assert ei.value.reason == "not-regular"


def test_proc_special_file():
    # /proc/self/mem is a "regular" file of size 0 that cannot be read at offset 0.
    with pytest.raises(EvidenceError) as ei:
        inspect_elf("/proc/self/mem")
    assert ei.value.reason in ("empty", "unreadable")


def _reason_as_nobody(path: str) -> str:
    """inspect_elf as a user without root: the error reason, or no-error."""
    def reason() -> str:
        try:
            inspect_elf(path)
            return "no-error"
        except EvidenceError as e:
            return e.reason

    return as_nobody(reason)


def test_unreadable_file(tmp_path_factory):
    import tempfile
    d = tempfile.mkdtemp(prefix="minimage-unreadable-")
    try:
        os.chmod(d, 0o755)
        f = os.path.join(d, "bin")
        with open(f, "wb") as fh:
            fh.write(b"\x7fELF" + b"\0" * 60)
        os.chmod(f, 0)
        if os.geteuid() != 0:
            with pytest.raises(EvidenceError) as ei:
                inspect_elf(f)
            assert ei.value.reason == "unreadable"
        else:
            # chmod 000 does not stop root (CAP_DAC_OVERRIDE): drop to nobody in a child process.
            assert _reason_as_nobody(f) == "unreadable"
            locked = os.path.join(d, "locked")
            os.mkdir(locked, 0o700)
            with open(os.path.join(locked, "bin"), "wb") as fh:
                fh.write(b"\x7fELF")
            os.chmod(locked, 0)
            assert _reason_as_nobody(os.path.join(locked, "bin")) == "unreadable"
    finally:
        for root, dirs, files in os.walk(d):
            for x in dirs:
                os.chmod(os.path.join(root, x), 0o755)
        import shutil
        shutil.rmtree(d, ignore_errors=True)


def test_error_message_shape(tmp_path):
    p = tmp_path / "x"
    p.write_bytes(b"hello world")
    with pytest.raises(EvidenceError) as ei:
        inspect_elf(p)
    assert str(ei.value).startswith(str(p) + ": not an ELF file")
    assert ei.value.to_dict()["reason"] == "not-elf"


# ---- our struct reader agrees with the plain pyelftools API (a test dependency, the reference) -------------
def _plain_pyelftools(path) -> dict:
    """What the straightforward pyelftools code (every section and segment object) says about a file."""
    from elftools.elf.dynamic import DynamicSection
    from elftools.elf.elffile import ELFFile
    from elftools.elf.gnuversions import GNUVerNeedSection

    with open(path, "rb") as fh:
        elf = ELFFile(fh)
        interp = next((s.get_interp_name() for s in elf.iter_segments() if s["p_type"] == "PT_INTERP"), None)
        sections = list(elf.iter_sections())
        dyn = next(s for s in sections if isinstance(s, DynamicSection))
        needed, soname = [], None
        for t in dyn.iter_tags():
            if t.entry.d_tag == "DT_NEEDED":
                needed.append(t.needed)
            elif t.entry.d_tag == "DT_SONAME":
                soname = t.soname
        vn = next((s for s in sections if isinstance(s, GNUVerNeedSection)), None)
        versions = tuple((v.name, tuple(a.name for a in auxs)) for v, auxs in vn.iter_versions()) if vn else ()
        return {"interpreter": interp, "needed": tuple(needed), "soname": soname, "version_needs": versions,
                "stripped": elf.get_section_by_name(".symtab") is None}


@pytest.mark.parametrize("path", ["/bin/sh", "/usr/bin/env", "/usr/bin/python3",
                                  "/usr/lib/x86_64-linux-gnu/libc.so.6",
                                  "/usr/lib/x86_64-linux-gnu/libstdc++.so.6",
                                  "/usr/lib/x86_64-linux-gnu/libssl.so.3"])
def test_agrees_with_plain_pyelftools(path):
    if not os.path.exists(path):
        pytest.skip(f"{path} not on this system")
    r = inspect_elf(path)
    want = _plain_pyelftools(os.path.realpath(path))
    assert r.interpreter == want["interpreter"] and r.needed == want["needed"] and r.soname == want["soname"]
    assert r.version_needs == want["version_needs"] and r.stripped == want["stripped"]


def test_agrees_with_plain_pyelftools_on_built_programs(builder):
    for path in (builder.c("c_dyn", "gcc", C_HELLO, ".c"), builder.c("cxx_dyn", "g++", CXX_HELLO, ".cpp")):
        r, want = inspect_elf(path), _plain_pyelftools(path)
        assert (r.interpreter, r.needed, r.version_needs, r.stripped) == (
            want["interpreter"], want["needed"], want["version_needs"], want["stripped"])


def test_no_section_headers_reads_dynamic_through_dt_strtab(builder, tmp_path):
    # sstrip-style file: e_shoff/e_shnum/e_shstrndx zeroed; NEEDED must come from PT_DYNAMIC + DT_STRTAB.
    src = builder.c("c_dyn", "gcc", C_HELLO, ".c")
    full = inspect_elf(src)
    data = bytearray(src.read_bytes())
    if data[4] != 2 or data[5] != 1:
        pytest.skip("test written for 64-bit little-endian")
    data[0x28:0x30] = b"\0" * 8
    data[0x3C:0x40] = b"\0" * 4
    p = tmp_path / "nosections"
    p.write_bytes(bytes(data))
    r = inspect_elf(p)
    assert r.stripped is None and r.needed == full.needed and r.interpreter == full.interpreter
    assert r.version_needs == () and any("no section headers" in w for w in r.warnings)


@pytest.mark.parametrize("machine,osabi,e_type,want", [
    (183, 0, 2, ("EM_AARCH64", "aarch64", "SYSV", "EXEC")),
    (62, 3, 3, ("EM_X86_64", "x86_64", "LINUX", "DYN")),
    (243, 9, 1, ("EM_RISCV", "riscv", "FREEBSD", "REL")),
    (1000, 200, 0x1234, ("EM_1000", "1000", "200", "4660")),   # numbers without a registered name
])
def test_header_field_names(tmp_path, machine, osabi, e_type, want):
    hdr = bytearray(_elf64_header(e_type=e_type))
    hdr[7] = osabi
    hdr[18:20] = struct.pack("<H", machine)
    p = tmp_path / "m"
    p.write_bytes(bytes(hdr))
    r = inspect_elf(p)
    assert (r.machine, r.arch, r.osabi, r.elf_type) == want


def test_dynamic_without_dt_null_is_refused(builder, tmp_path):
    # Cut the file right after a .dynamic whose DT_NULL entries were overwritten: a typed error, no hang.
    from elftools.elf.elffile import ELFFile

    src = builder.c("c_dyn", "gcc", C_HELLO, ".c")
    with open(src, "rb") as fh:
        dyn = ELFFile(fh).get_section_by_name(".dynamic")
        off, size = dyn["sh_offset"], dyn["sh_size"]
    data = bytearray(src.read_bytes())
    data[off:off + size] = (struct.pack("<qQ", 0x6FFFFFF0 - 1, 0) * (size // 16 + 1))[:size]  # DT_VERSYM-1 filler
    p = tmp_path / "nonull"
    p.write_bytes(bytes(data))
    try:
        r = inspect_elf(p)
    except EvidenceError as e:
        assert e.reason in ("corrupt", "truncated")
    else:
        assert r.needed == ()


def test_a_corrupt_header_is_named_with_the_file_and_the_field(tmp_path):
    """What `minimage-ask inspect` prints for a damaged header: the file, and which field is wrong."""
    bad_order = tmp_path / "order"
    bad_order.write_bytes(b"\x7fELF\x02\x03" + b"\0" * 60)
    bad_entry = tmp_path / "entry"
    header = bytearray(_elf64_header(shnum=1, shoff=64) + b"\0" * 64)
    header[58:60] = struct.pack("<H", 40)  # e_shentsize: an ELF64 section header is 64 bytes
    bad_entry.write_bytes(bytes(header))
    for p, message in ((bad_order, "corrupt ELF header: EI_DATA=3 (expected 1 or 2)"),
                       (bad_entry, "corrupt ELF header: e_shentsize=40, expected 64")):
        with pytest.raises(EvidenceError) as ei:
            inspect_elf(p)
        assert (ei.value.path, ei.value.reason, ei.value.message) == (str(p), "corrupt", message)
