"""The ELF reader on all four flavours (ELF32 / ELF64, little / big endian): files written here field by field, read
by inspect_elf and, as the reference, by pyelftools. The machine has no cross toolchain, and every binary under
/usr is 64-bit little-endian, so only these files show that the other three layouts are decoded right."""
from __future__ import annotations

import struct

import pytest

from kb.evidence import elf_libc
from kb.evidence.elf import inspect_elf
from kb.evidence.errors import EvidenceError

FLAVOURS = [(32, "<", 3, "EM_386"), (32, ">", 20, "EM_PPC"), (64, "<", 62, "EM_X86_64"), (64, ">", 21, "EM_PPC64")]
BASE = 0x10000                      # the one PT_LOAD maps the whole file at this address
INTERP = b"/lib/ld-linux.so.2"


class _Strings:
    def __init__(self) -> None:
        self.data = b"\0"

    def add(self, s: str) -> int:
        off = len(self.data)
        self.data += s.encode() + b"\0"
        return off


def build(cls: int, bo: str, machine: int, *, dynamic: bool = True, sections: bool = True,
          symbols=("main", "__libc_start_main_impl")) -> bytes:
    """A complete ELF file: an executable with PT_INTERP, PT_DYNAMIC (NEEDED x2, SONAME, RUNPATH, FLAGS_1, STRTAB),
    .gnu.version_r (two libraries, three versions) and .symtab; or, without `dynamic`, a static one."""
    w = "I" if cls == 32 else "Q"                      # address / offset word
    ehsize, phent, shent = (52, 32, 40) if cls == 32 else (64, 56, 64)
    dynstr = _Strings()
    needed = [dynstr.add("libc.so.6"), dynstr.add("libfoo.so.1")]
    soname, runpath = dynstr.add("libself.so"), dynstr.add("/opt/lib:/x")
    v = [dynstr.add("GLIBC_2.17"), dynstr.add("GLIBC_2.34"), dynstr.add("FOO_1")]
    strtab = _Strings()
    syms = [struct.pack(bo + "IIIBBH", 0, 0, 0, 0, 0, 0) if cls == 32 else struct.pack(bo + "IBBHQQ", 0, 0, 0, 0, 0, 0)]
    for name in symbols:
        n = strtab.add(name)
        syms.append(struct.pack(bo + "IIIBBH", n, 0x1000, 4, 0x12, 0, 1) if cls == 32
                    else struct.pack(bo + "IBBHQQ", n, 0x12, 0, 1, 0x1000, 4))
    symtab = b"".join(syms)
    vn = struct.Struct(bo + "HHIII")
    vna = struct.Struct(bo + "IHHII")
    verneed = (vn.pack(1, 2, needed[0], 16, 48) + vna.pack(0, 0, 2, v[0], 16) + vna.pack(0, 0, 3, v[1], 0)
               + vn.pack(1, 1, needed[1], 16, 0) + vna.pack(0, 0, 4, v[2], 0))
    shstr = _Strings()
    names = {k: shstr.add(k) for k in (".interp", ".dynstr", ".dynamic", ".gnu.version_r", ".symtab", ".strtab",
                                       ".shstrtab")}
    phnum = 3 if dynamic else 1
    # layout: header, program headers, then the blobs, then the section header table
    pos = ehsize + phnum * phent
    blobs, where = [], {}

    def place(key: str, data: bytes) -> None:
        nonlocal pos
        pos += -pos % 8
        where[key] = (pos, len(data))
        blobs.append((pos, data))
        pos += len(data)

    place(".interp", INTERP + b"\0")
    place(".dynstr", dynstr.data)
    dyn_fmt = struct.Struct(bo + ("iI" if cls == 32 else "qQ"))
    dyn_entries = [(1, needed[0]), (1, needed[1]), (14, soname), (29, runpath), (0x6FFFFFFB, 0x8000001),
                   (5, BASE + where[".dynstr"][0]), (0, 0)]
    place(".dynamic", b"".join(dyn_fmt.pack(t, val) for t, val in dyn_entries))
    place(".gnu.version_r", verneed)
    place(".symtab", symtab)
    place(".strtab", strtab.data)
    place(".shstrtab", shstr.data)
    pos += -pos % 8
    shoff = pos
    # section index: 0 null, 1 .interp, 2 .dynstr, 3 .dynamic, 4 .gnu.version_r, 5 .symtab, 6 .strtab, 7 .shstrtab
    shdr = struct.Struct(bo + ("IIIIIIIIII" if cls == 32 else "IIQQQQIIQQ"))
    table = [shdr.pack(0, 0, 0, 0, 0, 0, 0, 0, 0, 0)]
    layout = [(".interp", 1, 0, 0, 0), (".dynstr", 3, 0, 0, 0), (".dynamic", 6, 2, 0, dyn_fmt.size),
              (".gnu.version_r", 0x6FFFFFFE, 2, 2, 0), (".symtab", 2, 6, 1, len(syms[0])), (".strtab", 3, 0, 0, 0),
              (".shstrtab", 3, 0, 0, 0)]
    for key, typ, link, info, entsize in layout:
        if not dynamic and key in (".interp", ".dynamic", ".gnu.version_r"):
            typ = 1                                      # plain PROGBITS: nothing dynamic left to find
        off, size = where[key]
        table.append(shdr.pack(names[key], typ, 2, BASE + off, off, size, link, info, 8, entsize))
    end = shoff + len(table) * shent
    phdr = struct.Struct(bo + ("IIIIIIII" if cls == 32 else "IIQQQQQQ"))

    def ph(p_type: int, off: int, size: int, flags: int) -> bytes:
        if cls == 32:
            return phdr.pack(p_type, off, BASE + off, BASE + off, size, size, flags, 8)
        return phdr.pack(p_type, flags, off, BASE + off, BASE + off, size, size, 8)

    phdrs = [ph(1, 0, end, 5)]
    if dynamic:
        phdrs = [ph(3, *where[".interp"], 4)] + phdrs + [ph(2, *where[".dynamic"], 6)]
    ident = b"\x7fELF" + bytes([1 if cls == 32 else 2, 1 if bo == "<" else 2, 1, 0]) + b"\0" * 8
    header = ident + struct.pack(bo + "HHI" + w + w + w + "IHHHHHH", 2, machine, 1, BASE, ehsize,
                                 shoff if sections else 0, 0, ehsize, phent, phnum, shent,
                                 len(table) if sections else 0, 7 if sections else 0)
    out = bytearray(end)
    out[:ehsize] = header
    out[ehsize:ehsize + len(b"".join(phdrs))] = b"".join(phdrs)
    for off, data in blobs:
        out[off:off + len(data)] = data
    out[shoff:end] = b"".join(table)
    return bytes(out)


def _pyelftools(path) -> dict:
    from elftools.elf.dynamic import DynamicSection
    from elftools.elf.elffile import ELFFile
    from elftools.elf.gnuversions import GNUVerNeedSection

    with open(path, "rb") as fh:
        elf = ELFFile(fh)
        sections = list(elf.iter_sections())
        dyn = next(s for s in sections if isinstance(s, DynamicSection))
        tags = [(t.entry.d_tag, getattr(t, t.entry.d_tag[3:].lower(), None)) for t in dyn.iter_tags()]
        vn = next(s for s in sections if isinstance(s, GNUVerNeedSection))
        return {"machine": elf["e_machine"], "interpreter": next(s.get_interp_name() for s in elf.iter_segments()
                                                                   if s["p_type"] == "PT_INTERP"),
                "needed": tuple(v for t, v in tags if t == "DT_NEEDED"),
                "soname": next(v for t, v in tags if t == "DT_SONAME"),
                "runpath": tuple(next(v for t, v in tags if t == "DT_RUNPATH").split(":")),
                "version_needs": tuple((v.name, tuple(a.name for a in auxs)) for v, auxs in vn.iter_versions())}


@pytest.mark.parametrize("cls,bo,machine,name", FLAVOURS)
def test_a_dynamic_executable_in_every_flavour(tmp_path, cls, bo, machine, name):
    p = tmp_path / "dyn"
    p.write_bytes(build(cls, bo, machine))
    r = inspect_elf(p)
    assert (r.elf_class, r.endianness, r.machine, r.linkage, r.libc) == (
        cls, "little" if bo == "<" else "big", name, "dynamic", "glibc")
    assert r.interpreter == INTERP.decode() and r.needed == ("libc.so.6", "libfoo.so.1")
    assert r.soname == "libself.so" and r.runpath == ("/opt/lib", "/x")
    assert r.version_needs == (("libc.so.6", ("GLIBC_2.17", "GLIBC_2.34")), ("libfoo.so.1", ("FOO_1",)))
    assert r.glibc_version == "2.34" and r.stripped is False and r.warnings == ()
    want = _pyelftools(p)
    assert (name, r.interpreter, r.needed, r.soname, r.runpath, r.version_needs) == (
        want["machine"], want["interpreter"], want["needed"], want["soname"], want["runpath"], want["version_needs"])


@pytest.mark.parametrize("cls,bo,machine,name", FLAVOURS)
def test_without_section_headers_the_strings_come_through_dt_strtab(tmp_path, cls, bo, machine, name):
    p = tmp_path / "nosections"
    p.write_bytes(build(cls, bo, machine, sections=False))
    r = inspect_elf(p)
    assert r.needed == ("libc.so.6", "libfoo.so.1") and r.soname == "libself.so" and r.stripped is None
    assert r.version_needs == () and r.warnings == ("no section headers: symbol version requirements were not read",)


@pytest.mark.parametrize("walk", [False, True], ids=["strtab-search", "symbol-walk"])
@pytest.mark.parametrize("cls,bo,machine,name", FLAVOURS)
@pytest.mark.parametrize("symbols,family", [(("main", "__libc_start_main_impl"), "glibc"),
                                            (("main", "__init_libc", "__libc_setup_tls"), "musl"),
                                            (("main", "start"), None)])
def test_static_libc_from_the_symbol_table(tmp_path, monkeypatch, cls, bo, machine, name, symbols, family, walk):
    if walk:  # the string table counts as too large to search: every symbol's name is read instead
        monkeypatch.setattr(elf_libc, "_MAX_STRTAB_PREFILTER", 0)
    p = tmp_path / "static"
    p.write_bytes(build(cls, bo, machine, dynamic=False, symbols=symbols))
    r = inspect_elf(p)
    assert (r.linkage, r.static_libc, r.libc, r.needed) == ("static", family, family, ())
    assert r.libc_evidence == ("symbols" if family else None)


@pytest.mark.parametrize("cls,bo,machine,name", FLAVOURS)
def test_a_version_table_cut_short_is_corrupt(tmp_path, cls, bo, machine, name):
    data = bytearray(build(cls, bo, machine))
    # point the second library's vn_aux far past the end of the file
    dynstr_end = data.find(b"FOO_1\0") + 6
    first = data.find(struct.pack(bo + "HH", 1, 1), dynstr_end)    # vn_version 1, vn_cnt 1: the second entry
    struct.pack_into(bo + "I", data, first + 8, 1 << 30)
    p = tmp_path / "cut"
    p.write_bytes(bytes(data))
    with pytest.raises(EvidenceError) as ei:
        inspect_elf(p)
    assert ei.value.reason == "corrupt" and ".gnu.version_r" in str(ei.value)
