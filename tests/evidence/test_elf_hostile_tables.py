"""Damaged and unusual ELF headers and tables: what `minimage-ask inspect` says about each (the error's reason and
message, as printed after the file name), and the unusual-but-valid layouts it must still read (extended section
numbering, tail-merged section names, strings longer than one read, entries after DT_NULL)."""
from __future__ import annotations

import os
import struct
from pathlib import Path

import pytest

from kb.evidence.elf import inspect_elf
from kb.evidence.errors import EvidenceError

from .elf_writer import ET_DYN, write_elf
from .test_elf_flavours import build

GLIBC_LOADER = "/lib64/ld-linux-x86-64.so.2"
# ELF64 header fields: offset, struct format
FIELD = {"phoff": (32, "<Q"), "shoff": (40, "<Q"), "phentsize": (54, "<H"), "phnum": (56, "<H"),
         "shentsize": (58, "<H"), "shnum": (60, "<H"), "shstrndx": (62, "<H")}


def patch(path, **fields) -> str:
    data = bytearray(Path(path).read_bytes())
    for name, value in fields.items():
        off, fmt = FIELD[name]
        struct.pack_into(fmt, data, off, value)
    with open(path, "wb") as fh:
        fh.write(bytes(data))
    return str(path)


def refused(path) -> tuple[str, str]:
    with pytest.raises(EvidenceError) as ei:
        inspect_elf(path)
    assert ei.value.path == str(path) and str(ei.value) == f"{path}: {ei.value.message}"
    return ei.value.reason, ei.value.message


def sections_of(path) -> list[tuple[int, int, int, int, int, int]]:
    """(sh_name, sh_type, sh_offset, sh_size, sh_link, sh_info) of each section of an ELF64 LE file."""
    data = Path(path).read_bytes()
    shoff, = struct.unpack_from("<Q", data, 40)
    shnum, = struct.unpack_from("<H", data, 60)
    out = []
    for i in range(shnum):
        name, typ, _fl, _addr, off, size, link, info, _al, _es = struct.unpack_from("<IIQQQQIIQQ", data, shoff + 64 * i)
        out.append((name, typ, off, size, link, info))
    return out


def set_section(path, index: int, **fields) -> None:
    """Overwrite fields of one ELF64 section header: name, type, offset, size, link, info."""
    where = {"name": (0, "<I"), "type": (4, "<I"), "offset": (24, "<Q"), "size": (32, "<Q"), "link": (40, "<I"),
             "info": (44, "<I")}
    data = bytearray(Path(path).read_bytes())
    shoff, = struct.unpack_from("<Q", data, 40)
    for name, value in fields.items():
        off, fmt = where[name]
        struct.pack_into(fmt, data, shoff + 64 * index + off, value)
    with open(path, "wb") as fh:
        fh.write(bytes(data))


def dynamic_file(tmp_path, name="app", **kw) -> str:
    return write_elf(tmp_path / name, interp=GLIBC_LOADER, needed=("libc.so.6",),
                     versions=(("libc.so.6", ("GLIBC_2.17", "GLIBC_2.34")),), **kw)


def index_of(path, section: str) -> int:
    data = Path(path).read_bytes()
    rows = sections_of(path)
    names = rows[struct.unpack_from("<H", data, 62)[0]]
    table = data[names[2]:names[2] + names[3]]
    return next(i for i, row in enumerate(rows) if table[row[0]:].split(b"\0", 1)[0] == section.encode())


# ---- the ELF header --------------------------------------------------------------------------------------------
@pytest.mark.parametrize("content,reason,message", [
    (b"", "empty", "empty file (0 bytes), not an ELF file"),
    (b"\x7fEL", "truncated", "truncated: 3 bytes, shorter than the ELF magic"),
    (b"\x7fX", "not-elf", "not an ELF file (starts with b'\\x7fX')"),
    (b"#!/bin/sh\n", "not-elf", "not an ELF file: a script starting with '#!' (use kb.evidence.script)"),
    (b"\x7fELF\x02", "truncated", "truncated ELF header (5 bytes)"),
    (b"\x7fELF\x00\x01" + bytes(58), "corrupt", "corrupt ELF header: EI_CLASS=0 (expected 1 or 2)"),
    (b"\x7fELF\x03\x01" + bytes(58), "corrupt", "corrupt ELF header: EI_CLASS=3 (expected 1 or 2)"),
    (b"\x7fELF\x02\x00" + bytes(58), "corrupt", "corrupt ELF header: EI_DATA=0 (expected 1 or 2)"),
    (b"\x7fELF\x01\x01" + bytes(34), "truncated", "truncated ELF header: 40 bytes, a 32-bit header needs 52"),
    (b"\x7fELF\x02\x02" + bytes(54), "truncated", "truncated ELF header: 60 bytes, a 64-bit header needs 64"),
])
def test_a_bad_elf_header_is_named(tmp_path, content, reason, message):
    p = tmp_path / "bad"
    p.write_bytes(content)
    assert refused(p) == (reason, message)


def test_a_32_bit_header_of_52_bytes_is_whole(tmp_path):
    p = tmp_path / "h32"
    p.write_bytes(b"\x7fELF\x01\x02\x01" + bytes(9) + struct.pack(">HHIIIIIHHHHHH", 2, 20, 1, 0, 0, 0, 0, 52, 0, 0, 40,
                                                                  0, 0))
    r = inspect_elf(p)
    assert (r.elf_class, r.endianness, r.machine, r.linkage) == (32, "big", "EM_PPC", "static")


# ---- the program header table ----------------------------------------------------------------------------------
def test_bad_program_header_tables_are_refused(tmp_path):
    path = dynamic_file(tmp_path)
    size = os.path.getsize(path)
    cases = [
        (dict(phentsize=32), "corrupt", "corrupt ELF header: e_phentsize=32, expected 56"),
        (dict(phnum=1025), "too-large", "claims 1025 program headers, more than the cap of 1024"),
        (dict(phnum=0xFFFF), "too-large", "uses extended program header numbering (PN_XNUM); not supported"),
        (dict(phoff=0), "corrupt", f"truncated or corrupt: the program header table (3 entries at offset 0) ends at "
                                   f"byte 168, the file has {size}"),
        (dict(phoff=size - 100), "truncated", f"truncated or corrupt: the program header table (3 entries at offset "
                                              f"{size - 100}) ends at byte {size - 100 + 168}, the file has {size}"),
        (dict(phoff=size), "corrupt", f"truncated or corrupt: the program header table (3 entries at offset {size}) "
                                      f"ends at byte {size + 168}, the file has {size}"),
    ]
    for fields, reason, message in cases:
        p = tmp_path / "p"
        p.write_bytes(Path(path).read_bytes())
        assert refused(patch(p, **fields)) == (reason, message), fields


def test_a_table_of_1024_program_headers_is_read(tmp_path):
    """The cap is 1024 entries: a table of exactly that many (the rest PT_NULL) is still read."""
    path = dynamic_file(tmp_path)
    data = bytearray(Path(path).read_bytes())
    phoff = len(data)
    data += data[64:64 + 3 * 56] + bytes(56 * 1021)
    struct.pack_into("<Q", data, 32, phoff)
    struct.pack_into("<H", data, 56, 1024)
    p = tmp_path / "many"
    p.write_bytes(bytes(data))
    r = inspect_elf(p)
    assert (r.linkage, r.interpreter, r.needed, r.glibc_version) == ("dynamic", GLIBC_LOADER, ("libc.so.6",), "2.34")


def test_pn_xnum_without_sections_is_a_count_like_any_other(tmp_path):
    p = patch(write_elf(tmp_path / "f", sections=False), phnum=0xFFFF)
    assert refused(p) == ("too-large", "claims 65535 program headers, more than the cap of 1024")


def test_a_loader_path_past_the_end_of_the_file_is_truncated(tmp_path):
    path = dynamic_file(tmp_path)
    data = bytearray(Path(path).read_bytes())
    struct.pack_into("<Q", data, 64 + 32, len(data))   # PT_INTERP's p_filesz: runs past the end
    p = tmp_path / "cut"
    p.write_bytes(bytes(data))
    off, = struct.unpack_from("<Q", data, 64 + 8)
    assert refused(p) == ("truncated", f"truncated: PT_INTERP at offset {off} runs past the end of the file")
    struct.pack_into("<Q", data, 64 + 32, len(data) - off)   # exactly to the end: read
    p.write_bytes(bytes(data))
    assert inspect_elf(p).interpreter == GLIBC_LOADER


def test_an_empty_loader_path_names_no_loader(tmp_path):
    r = inspect_elf(write_elf(tmp_path / "f", interp="", needed=("libfoo.so.1",)))
    assert (r.has_interp, r.interpreter, r.linkage, r.libc, r.warnings) == (True, None, "dynamic", None, ())


# ---- the section header table ----------------------------------------------------------------------------------
def test_bad_section_header_tables_are_refused(tmp_path):
    path = dynamic_file(tmp_path)
    size = os.path.getsize(path)
    shnum = len(sections_of(path))
    shoff = size - 64 * shnum
    cases = [
        (dict(shoff=size - 63), "truncated", f"truncated or corrupt: section headers at offset {size - 63}, the file "
                                             f"has {size} bytes"),
        (dict(shoff=size + (1 << 20) - 1), "truncated", f"truncated or corrupt: section headers at offset "
                                                        f"{size + (1 << 20) - 1}, the file has {size} bytes"),
        (dict(shoff=size + (1 << 20)), "corrupt", f"truncated or corrupt: section headers at offset "
                                                  f"{size + (1 << 20)}, the file has {size} bytes"),
        (dict(shnum=shnum + 1), "truncated", f"truncated or corrupt: the section header table ({shnum + 1} entries "
                                             f"at offset {shoff}) ends at byte {size + 64}, the file has {size}"),
        (dict(shnum=16385), "too-large", "claims 16385 sections, more than the cap of 16384"),
        (dict(shstrndx=shnum), "corrupt", f"corrupt ELF header: e_shstrndx={shnum} but only {shnum} sections"),
    ]
    for fields, reason, message in cases:
        p = tmp_path / "s"
        p.write_bytes(Path(path).read_bytes())
        assert refused(patch(p, **fields)) == (reason, message), fields


def test_a_section_table_ending_at_the_end_of_the_file_is_read(tmp_path):
    path = dynamic_file(tmp_path)
    assert os.path.getsize(path) == struct.unpack_from("<Q", Path(path).read_bytes(), 40)[0] + 64 * len(
        sections_of(path))
    assert inspect_elf(path).stripped is True


@pytest.mark.parametrize("cls", [32, 64])
def test_extended_section_numbering_is_followed(tmp_path, cls):
    """More than 0xff00 sections: e_shnum is 0 and section 0's sh_size holds the count; e_shstrndx is SHN_XINDEX
    and section 0's sh_link holds the index of the name table. Files that use it read like the plain ones."""
    data = bytearray(build(cls, "<", 3 if cls == 32 else 62))
    plain = tmp_path / "plain"
    plain.write_bytes(bytes(data))
    if cls == 64:
        shoff, = struct.unpack_from("<Q", data, 40)
        shnum, shstrndx = struct.unpack_from("<HH", data, 60)
        struct.pack_into("<HH", data, 60, 0, 0xFFFF)
        struct.pack_into("<Q", data, shoff + 32, shnum)
        struct.pack_into("<I", data, shoff + 40, shstrndx)
    else:
        shoff, = struct.unpack_from("<I", data, 32)
        shnum, shstrndx = struct.unpack_from("<HH", data, 48)
        struct.pack_into("<HH", data, 48, 0, 0xFFFF)
        struct.pack_into("<I", data, shoff + 20, shnum)
        struct.pack_into("<I", data, shoff + 24, shstrndx)
    extended = tmp_path / "extended"
    extended.write_bytes(bytes(data))
    want, r = inspect_elf(plain), inspect_elf(extended)
    assert (r.needed, r.version_needs, r.glibc_version, r.stripped, r.warnings) == (
        want.needed, want.version_needs, "2.34", False, ())
    # a count in section 0 above the cap is refused like e_shnum
    if cls == 64:
        struct.pack_into("<Q", data, shoff + 32, 16385)
    else:
        struct.pack_into("<I", data, shoff + 20, 16385)
    extended.write_bytes(bytes(data))
    assert refused(extended) == ("too-large", "claims 16385 sections, more than the cap of 16384")


def test_a_section_table_that_counts_no_sections_is_no_section_table(tmp_path):
    path = patch(dynamic_file(tmp_path), shnum=0, shstrndx=0)     # section 0's sh_size is 0 as well
    r = inspect_elf(path)
    assert r.stripped is None and r.needed == ("libc.so.6",) and r.version_needs == ()
    assert r.warnings == ("no section headers: symbol version requirements were not read",)


def test_section_names_are_found_in_tail_merged_and_unterminated_name_tables(tmp_path):
    path = dynamic_file(tmp_path, symbols=("main",))
    symtab, names = index_of(path, ".symtab"), index_of(path, ".shstrtab")
    data = bytearray(Path(path).read_bytes())
    # .symtab's name now points into ".rel.symtab" (a longer name's tail, as linkers merge them), or at the last
    # name of the table, which is not terminated
    table = b"\0.rel.symtab\0.dynstr\0.gnu.version_r\0.dynamic\0.interp\0.shstrtab\0.strtab\0.symtab"
    at = len(data)
    data += table
    with open(path, "wb") as fh:
        fh.write(bytes(data))
    set_section(path, names, offset=at, size=len(table))
    set_section(path, symtab, name=table.index(b".symtab\0"))
    assert inspect_elf(path).stripped is False
    set_section(path, symtab, name=table.index(b".rel.symtab"))      # the longer name is another section
    assert inspect_elf(path).stripped is True
    set_section(path, symtab, name=len(table) - len(b".symtab"))
    assert inspect_elf(path).stripped is False
    set_section(path, symtab, name=table.index(b".strtab"))
    assert inspect_elf(path).stripped is True
    set_section(path, symtab, name=table.index(b".symtab\0"))
    set_section(path, names, type=8)                                   # a name table of type NOBITS has no names
    assert inspect_elf(path).stripped is True


def test_the_name_table_index_zero_means_no_names(tmp_path):
    path = patch(dynamic_file(tmp_path, symbols=("main",)), shstrndx=0)
    r = inspect_elf(path)
    assert r.stripped is True and r.needed == ("libc.so.6",) and r.glibc_version == "2.34"


# ---- the dynamic array and its strings -------------------------------------------------------------------------
def test_entries_after_dt_null_are_not_read(tmp_path):
    r = inspect_elf(write_elf(tmp_path / "f", interp=GLIBC_LOADER, needed=("libc.so.6",), after_null=("libz.so.1",)))
    assert r.needed == ("libc.so.6",)
    r = inspect_elf(write_elf(tmp_path / "g", interp=GLIBC_LOADER, needed=("libc.so.6",), after_null=("libz.so.1",),
                              sections=False))
    assert r.needed == ("libc.so.6",)


def test_many_dynamic_entries_and_long_names_are_read_whole(tmp_path):
    needed = tuple(f"lib{i:03d}{'x' * 300}.so.1" for i in range(40)) + ("libc.so.6",)
    for sections in (True, False):
        r = inspect_elf(write_elf(tmp_path / f"f{sections}", interp=GLIBC_LOADER, needed=needed,
                                  soname="libself.so", runpath="/a::/b/" + "c" * 1000, sections=sections))
        assert r.needed == needed and r.soname == "libself.so" and r.runpath == ("/a", "/b/" + "c" * 1000)


def test_a_name_far_longer_than_64_kib_is_corrupt(tmp_path):
    path = write_elf(tmp_path / "f", interp=GLIBC_LOADER, needed=("lib" + "x" * 200_000 + ".so",))
    reason, message = refused(path)
    assert reason == "corrupt"
    assert message.startswith("corrupt ELF structures: the string at offset ")
    assert message.endswith(" is not terminated within 65536 bytes")


def test_a_name_running_into_the_end_of_the_file_is_empty(tmp_path):
    path = write_elf(tmp_path / "f", e_type=ET_DYN, needed=("libc.so.6",), sections=False)
    data = bytearray(Path(path).read_bytes())
    # DT_NEEDED's value: the offset of a string that runs to the end of the file without a NUL
    dyn = data.find(struct.pack("<qQ", 1, 1))
    data += b"libunterminated"
    dynstr_addr, = struct.unpack_from("<Q", data, dyn + 24)           # DT_STRTAB follows DT_NEEDED
    struct.pack_into("<Q", data, dyn + 8, len(data) - len(b"libunterminated") - (dynstr_addr - 0x400000))
    struct.pack_into("<Q", data, 64 + 32, len(data))                  # PT_LOAD maps the whole file
    p = tmp_path / "g"
    p.write_bytes(bytes(data))
    assert inspect_elf(p).needed == ("",)


def test_a_dynamic_string_that_is_not_utf8(tmp_path):
    """Strings found through DT_STRTAB alone must be UTF-8 (such a file is most likely damaged); through .dynstr
    they are shown with replacement characters."""
    path = write_elf(tmp_path / "f", interp=GLIBC_LOADER, needed=("libé.so",))
    data = Path(path).read_bytes().replace("libé.so".encode(), b"lib\xff\xfe.so")
    p = tmp_path / "g"
    p.write_bytes(data)
    assert inspect_elf(p).needed == ("lib\ufffd\ufffd.so",)
    p = patch(p, shoff=0, shnum=0, shstrndx=0)
    reason, message = refused(p)
    assert reason == "corrupt" and message.startswith("corrupt ELF structures: the string at offset ")
    assert message.endswith(" is not UTF-8")


def test_a_dynamic_section_linked_to_a_bad_string_table_is_corrupt(tmp_path):
    path = dynamic_file(tmp_path)
    dynamic = index_of(path, ".dynamic")
    n = len(sections_of(path))
    set_section(path, dynamic, link=n + 5)
    assert refused(path) == ("corrupt", f"corrupt ELF structures: section link {n + 5} is outside the section table "
                                        f"({n} sections)")
    set_section(path, dynamic, link=dynamic)
    assert refused(path) == ("corrupt", f"corrupt ELF structures: section {dynamic} linked as a string table has type "
                                        f"0x6, expected SHT_STRTAB")


def test_a_dynamic_section_past_the_end_of_the_file_is_truncated(tmp_path):
    path = dynamic_file(tmp_path)
    dynamic = index_of(path, ".dynamic")
    _n, _t, off, _size, _l, _i = sections_of(path)[dynamic]
    set_section(path, dynamic, size=os.path.getsize(path) - off + 1)
    assert refused(path) == ("truncated", "truncated: the .dynamic section runs past the end of the file")
    set_section(path, dynamic, size=os.path.getsize(path) - off)      # to the very end: read
    assert inspect_elf(path).needed == ("libc.so.6",)


def test_a_dynamic_segment_without_a_dynamic_section_finds_its_strings(tmp_path):
    """Sections present, but none of type SHT_DYNAMIC: PT_DYNAMIC is read, its strings through DT_STRTAB, else
    through the section named .dynstr, else the file is corrupt."""
    path = dynamic_file(tmp_path)
    set_section(path, index_of(path, ".dynamic"), type=1)
    assert inspect_elf(path).needed == ("libc.so.6",)
    data = bytearray(Path(path).read_bytes())
    dt_strtab = data.find(struct.pack("<q", 5), 64 + 56 * 4)
    struct.pack_into("<Q", data, dt_strtab + 8, 0x10)                 # an address no PT_LOAD maps
    with open(path, "wb") as fh:
        fh.write(bytes(data))
    assert inspect_elf(path).needed == ("libc.so.6",)                  # from .dynstr
    set_section(path, index_of(path, ".dynstr"), type=1)
    assert refused(path) == ("corrupt", "corrupt ELF structures: the dynamic segment has no usable string table "
                                        "(DT_STRTAB or .dynstr)")


def test_an_empty_dynamic_segment_has_no_entries(tmp_path):
    path = write_elf(tmp_path / "f", e_type=ET_DYN, needed=("libc.so.6",), sections=False)
    data = bytearray(Path(path).read_bytes())
    struct.pack_into("<Q", data, 64 + 56 + 32, 0)                      # PT_DYNAMIC (the second entry): p_filesz 0
    p = tmp_path / "g"
    p.write_bytes(bytes(data))
    r = inspect_elf(p)
    assert (r.has_dynamic, r.needed, r.linkage) == (True, (), "shared-library")


# ---- .gnu.version_r ------------------------------------------------------------------------------------------------
def test_a_version_entry_without_names_is_corrupt(tmp_path):
    path = dynamic_file(tmp_path)
    verneed = index_of(path, ".gnu.version_r")
    off = sections_of(path)[verneed][2]
    data = bytearray(Path(path).read_bytes())
    struct.pack_into("<H", data, off + 2, 0)
    p = tmp_path / "g"
    p.write_bytes(bytes(data))
    assert refused(p) == ("corrupt", f"corrupt ELF structures: the .gnu.version_r entry at offset {off} has no "
                                     "version names (vn_cnt 0)")


def test_version_entries_past_the_end_of_the_file_are_corrupt(tmp_path):
    path = dynamic_file(tmp_path)
    verneed = index_of(path, ".gnu.version_r")
    off = sections_of(path)[verneed][2]
    size = os.path.getsize(path)
    set_section(path, verneed, info=2)         # a second entry, at vn_next 0 from the first: read twice, fine
    assert inspect_elf(path).version_needs == (("libc.so.6", ("GLIBC_2.17", "GLIBC_2.34")),) * 2
    data = bytearray(Path(path).read_bytes())
    struct.pack_into("<I", data, off + 12, size - off - 8)             # vn_next: the second entry is cut off
    p = tmp_path / "g"
    p.write_bytes(bytes(data))
    assert refused(p) == ("corrupt", f"corrupt ELF structures: a .gnu.version_r entry at offset {size - 8} runs past "
                                     "the end of the file")
    struct.pack_into("<I", data, off + 12, 0)
    struct.pack_into("<I", data, off + 8, size - off - 8)             # vn_aux: the first name entry is cut off
    p.write_bytes(bytes(data))
    assert refused(p) == ("corrupt", f"corrupt ELF structures: a .gnu.version_r name entry at offset {size - 8} runs "
                                     "past the end of the file")


def _without_dt_null(path) -> None:
    """Move the dynamic array to the end of the file without its DT_NULL (PT_DYNAMIC and .dynamic point there): it
    runs into the end of the file."""
    data = bytearray(Path(path).read_bytes())
    phnum, = struct.unpack_from("<H", data, 56)
    dyn = next(64 + 56 * i for i in range(phnum) if struct.unpack_from("<I", data, 64 + 56 * i)[0] == 2)
    off, = struct.unpack_from("<Q", data, dyn + 8)
    entries = []
    while struct.unpack_from("<q", data, off + 16 * len(entries))[0] != 0:
        entries.append(bytes(data[off + 16 * len(entries):off + 16 * len(entries) + 16]))
    at = len(data)
    data += b"".join(entries)
    struct.pack_into("<Q", data, dyn + 8, at)
    struct.pack_into("<Q", data, dyn + 32, 16 * len(entries))
    Path(path).write_bytes(bytes(data))
    if struct.unpack_from("<Q", data, 40)[0]:
        set_section(path, index_of(path, ".dynamic"), offset=at, size=16 * len(entries))


@pytest.mark.parametrize("sections", [True, False])
def test_a_dynamic_array_without_dt_null_is_corrupt(tmp_path, sections):
    path = write_elf(tmp_path / "app", e_type=ET_DYN, needed=("libc.so.6",), sections=sections)
    _without_dt_null(path)
    assert refused(path) == ("corrupt", "the dynamic array reaches the end of the file without a DT_NULL entry")


def test_the_dynamic_array_is_read_to_its_dt_null_past_the_sections_size(tmp_path):
    """Like the loader: a .dynamic whose sh_size is too small (one entry) is still read up to DT_NULL, here the
    42nd entry, in growing chunks."""
    needed = tuple(f"lib{i}.so" for i in range(40))
    path = write_elf(tmp_path / "app", interp=GLIBC_LOADER, needed=needed)
    set_section(path, index_of(path, ".dynamic"), size=16)
    assert inspect_elf(path).needed == needed


def test_a_symbol_table_may_link_to_section_0_if_it_is_a_string_table(tmp_path):
    """Section 0 is SHT_NULL in every real file; a file whose section 0 is a string table is read like any other
    (the symbols are then walked one by one)."""
    path = write_elf(tmp_path / "app", symbols=("main", "__init_libc"))
    _n, _t, off, size, _l, _i = sections_of(path)[index_of(path, ".strtab")]
    set_section(path, 0, type=3, offset=off, size=size)
    set_section(path, index_of(path, ".symtab"), link=0)
    r = inspect_elf(path)
    assert (r.static_libc, r.libc_evidence) == ("musl", "symbols")


def test_a_dynamic_section_at_the_very_end_of_the_file_is_corrupt(tmp_path):
    path = dynamic_file(tmp_path)
    set_section(path, index_of(path, ".dynamic"), offset=os.path.getsize(path), size=0)
    assert refused(path) == ("corrupt", "the dynamic array reaches the end of the file without a DT_NULL entry")
