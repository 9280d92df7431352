"""The bounded reading side of kb.evidence.elf: the caps, the checks of the ELF header and both header tables against
the file before pyelftools sees them, pyelftools' structs built once per ELF flavour, one pass over the section
header table, and the dynamic array and string tables read by offset with every size checked.
"""
from __future__ import annotations

import os
import stat
import struct

from elftools.common.exceptions import ELFError
from elftools.common.utils import struct_parse
from elftools.elf.dynamic import DynamicTag, _DynamicStringTable
from elftools.elf.enums import ENUM_D_TAG_COMMON, ENUM_P_TYPE_BASE
from elftools.elf.elffile import ELFFile
from elftools.elf.sections import StringTableSection
from elftools.elf.structs import ELFStructs

from .errors import EvidenceError, stat_regular_file


# ---- caps -------------------------------------------------------------------------------------------------
MAX_SECTIONS = 16384          # real executables have < 100, big debug builds a few thousand
MAX_SEGMENTS = 1024           # real executables have < 20
MAX_DYNAMIC_TAGS = 8192
MAX_VERNEED_FILES = 256
MAX_VERNEED_AUX = 1024
MAX_SYMBOLS_SCANNED = 200_000
MAX_INTERP_BYTES = 4096
MAX_NOTE_BYTES = 64 * 1024


_ELF_MAGIC = b"\x7fELF"


def _open_regular(path: str):
    """Open ``path`` for binary reading, refusing anything that is not a readable regular file."""
    stat_regular_file(path, "an ELF file")
    try:
        # O_NONBLOCK: if the path was swapped for a FIFO after stat(), open() must not hang.
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    except PermissionError:
        raise EvidenceError(path, "permission denied", reason="unreadable") from None
    except OSError as e:
        raise EvidenceError(path, f"cannot open the file: {e.strerror or e}", reason="unreadable") from None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise EvidenceError(path, "is not a regular file", reason="not-regular")
        return os.fdopen(fd, "rb", buffering=64 * 1024), st.st_size
    except BaseException:
        os.close(fd)
        raise


class _Reader:
    """Bounded, exception-translating reads from the open file."""

    def __init__(self, path: str, fh, size: int) -> None:
        self.path, self.fh, self.size = path, fh, size

    def read(self, offset: int, length: int) -> bytes:
        if offset < 0 or length < 0 or offset >= self.size:
            return b""
        length = min(length, self.size - offset)
        try:
            self.fh.seek(offset)
            return self.fh.read(length)
        except OSError as e:
            raise EvidenceError(self.path, f"read error at offset {offset}: {e.strerror or e}",
                                reason="unreadable") from None


def _prevalidate(path: str, r: _Reader) -> dict:
    """Check the ELF header and both header tables against the file, before pyelftools touches them."""
    if r.size == 0:
        raise EvidenceError(path, "empty file (0 bytes), not an ELF file", reason="empty")
    ident = r.read(0, 64)
    if ident[:4] != _ELF_MAGIC:
        if ident[:2] == b"#!":
            raise EvidenceError(path, "not an ELF file: a script starting with '#!' (use kb.evidence.script)",
                                reason="not-elf")
        if len(ident) < 4 and _ELF_MAGIC.startswith(ident):
            raise EvidenceError(path, f"truncated: {r.size} bytes, shorter than the ELF magic", reason="truncated")
        raise EvidenceError(path, f"not an ELF file (starts with {ident[:4]!r})", reason="not-elf")
    if len(ident) < 6:
        raise EvidenceError(path, f"truncated ELF header ({r.size} bytes)", reason="truncated")
    ei_class, ei_data = ident[4], ident[5]
    if ei_class not in (1, 2):
        raise EvidenceError(path, f"corrupt ELF header: EI_CLASS={ei_class} (expected 1 or 2)", reason="corrupt")
    if ei_data not in (1, 2):
        raise EvidenceError(path, f"corrupt ELF header: EI_DATA={ei_data} (expected 1 or 2)", reason="corrupt")
    ehsize = 52 if ei_class == 1 else 64
    if r.size < ehsize or len(ident) < ehsize:
        raise EvidenceError(path, f"truncated ELF header: {r.size} bytes, a {32 if ei_class == 1 else 64}-bit "
                                  f"header needs {ehsize}", reason="truncated")
    bo = "<" if ei_data == 1 else ">"
    if ei_class == 1:
        (e_type, e_machine, _ver, _entry, phoff, shoff, _flags, _ehs, phentsize, phnum, shentsize, shnum,
         shstrndx) = struct.unpack(bo + "HHIIIIIHHHHHH", ident[16:52])
        want_ph, want_sh = 32, 40
    else:
        (e_type, e_machine, _ver, _entry, phoff, shoff, _flags, _ehs, phentsize, phnum, shentsize, shnum,
         shstrndx) = struct.unpack(bo + "HHIQQQIHHHHHH", ident[16:64])
        want_ph, want_sh = 56, 64

    # Program headers.
    if phnum == 0xFFFF and shoff:  # PN_XNUM: the real count is in section 0's sh_info
        raise EvidenceError(path, "uses extended program header numbering (PN_XNUM); not supported",
                            reason="too-large")
    if phnum:
        if phentsize != want_ph:
            raise EvidenceError(path, f"corrupt ELF header: e_phentsize={phentsize}, expected {want_ph}",
                                reason="corrupt")
        if phnum > MAX_SEGMENTS:
            raise EvidenceError(path, f"claims {phnum} program headers, more than the cap of {MAX_SEGMENTS}",
                                reason="too-large")
        end = phoff + phnum * phentsize
        if phoff == 0 or end > r.size:
            raise EvidenceError(path, f"truncated or corrupt: the program header table ({phnum} entries at "
                                      f"offset {phoff}) ends at byte {end}, the file has {r.size}",
                                reason="truncated" if phoff and phoff < r.size else "corrupt")

    # Section headers. Drop them (with a warning) when e_shoff is zero; reject them when they do not fit.
    real_shnum = shnum
    if shoff:
        if shentsize != want_sh:
            raise EvidenceError(path, f"corrupt ELF header: e_shentsize={shentsize}, expected {want_sh}",
                                reason="corrupt")
        if shoff + want_sh > r.size:
            raise EvidenceError(path, f"truncated or corrupt: section headers at offset {shoff}, "
                                      f"the file has {r.size} bytes",
                                reason="truncated" if shoff < r.size + (1 << 20) else "corrupt")
        if shnum == 0:  # extended numbering: section 0's sh_size holds the count
            sec0 = r.read(shoff, want_sh)
            real_shnum = (struct.unpack(bo + "I", sec0[20:24])[0] if ei_class == 1
                          else struct.unpack(bo + "Q", sec0[32:40])[0])
        if real_shnum > MAX_SECTIONS:
            raise EvidenceError(path, f"claims {real_shnum} sections, more than the cap of {MAX_SECTIONS}",
                                reason="too-large")
        end = shoff + real_shnum * shentsize
        if end > r.size:
            raise EvidenceError(path, f"truncated or corrupt: the section header table ({real_shnum} entries at "
                                      f"offset {shoff}) ends at byte {end}, the file has {r.size}",
                                reason="truncated" if shoff < r.size else "corrupt")
        if shstrndx == 0xFFFF:  # SHN_XINDEX: the real index is in section 0's sh_link
            sec0 = r.read(shoff, want_sh)
            shstrndx = struct.unpack(bo + "I", sec0[24:28] if ei_class == 1 else sec0[40:44])[0]
        if real_shnum and shstrndx >= real_shnum:
            raise EvidenceError(path, f"corrupt ELF header: e_shstrndx={shstrndx} but only {real_shnum} sections",
                                reason="corrupt")
    return {"class": 32 if ei_class == 1 else 64, "little": ei_data == 1, "e_type": e_type,
            "e_machine": e_machine, "has_sections": bool(shoff and real_shnum), "byteorder": bo,
            "phoff": phoff, "phnum": phnum, "shoff": shoff, "shnum": real_shnum if shoff else 0,
            "shstrndx": shstrndx}



# ---- pyelftools, used economically -----------------------------------------------------------------------
# ELFFile() builds its construct structs from scratch for every file (about 0.3 ms, more than the rest of the
# inspection). They depend only on (endianness, class, e_type, e_machine, EI_OSABI) and construct structs are
# stateless, so they are built once per combination and shared.
_STRUCTS_CACHE: dict[tuple, ELFStructs] = {}
_STRUCTS_CACHE_MAX = 64           # hostile input cannot grow the cache without bound


def _structs(little: bool, elfclass: int, advanced: tuple | None) -> ELFStructs:
    key = (little, elfclass, advanced)
    st = _STRUCTS_CACHE.get(key)
    if st is None:
        st = ELFStructs(little_endian=little, elfclass=elfclass)
        st.create_basic_structs()
        if advanced is not None:
            st.create_advanced_structs(*advanced)
        if len(_STRUCTS_CACHE) < _STRUCTS_CACHE_MAX:
            _STRUCTS_CACHE[key] = st
    return st


class _ELFFile(ELFFile):
    """ELFFile with shared struct definitions; otherwise the same object (same header, same section API)."""

    def __init__(self, stream, size: int) -> None:  # noqa: D107 - mirrors ELFFile.__init__
        self.stream = stream
        self.stream_len = size
        self._identify_file()
        self.structs = _structs(self.little_endian, self.elfclass, None)
        self.header = self._parse_elf_header()
        self.structs = _structs(self.little_endian, self.elfclass,
                                (self["e_type"], self["e_machine"], self["e_ident"]["EI_OSABI"]))
        self.stream.seek(0)
        self.e_ident_raw = self.stream.read(16)
        self.stream_loader = None


# Section types looked at by number in the one pass over the section header table (gABI / GNU values).
_SHT_SYMTAB, _SHT_STRTAB, _SHT_DYNAMIC, _SHT_NOBITS, _SHT_DYNSYM = 2, 3, 6, 8, 11
_SHT_GNU_VERNEED = 0x6FFFFFFE
_SHT_SUNW_LDYNSYM = 0x6FFFFFF3
_MAX_SHSTRTAB = 1 << 20           # section names; real files have a few hundred bytes
_MAX_STRTAB_PREFILTER = 32 << 20  # .strtab searched as bytes before any symbol is parsed
_DT_NAMES_WANTED = frozenset({"DT_NULL", "DT_NEEDED", "DT_SONAME", "DT_RUNPATH", "DT_RPATH", "DT_FLAGS_1"})
_DT_STRTAB = ENUM_D_TAG_COMMON["DT_STRTAB"]
_DT_NUMBERS_WANTED = frozenset(ENUM_D_TAG_COMMON[n] for n in _DT_NAMES_WANTED)
_PT_NUMBERS_WANTED = frozenset(ENUM_P_TYPE_BASE[n] for n in ("PT_LOAD", "PT_DYNAMIC", "PT_INTERP", "PT_NOTE"))
# p_type (first word of an Elf_Phdr), per (little endian, class)
_PHDR_PEEK = {(True, 32): struct.Struct("<I28x"), (False, 32): struct.Struct(">I28x"),
              (True, 64): struct.Struct("<I52x"), (False, 64): struct.Struct(">I52x")}
# d_tag (signed word) followed by the rest of an Elf_Dyn entry, per (little endian, class)
_DYN_PEEK = {(True, 32): struct.Struct("<i4x"), (False, 32): struct.Struct(">i4x"),
             (True, 64): struct.Struct("<q8x"), (False, 64): struct.Struct(">q8x")}


class _Sections:
    """One pass over the section header table: (name, type, addr, offset, size, link) per section.

    Only the fields needed to find sections by name or type are decoded; the sections that are then used
    (.dynamic, .gnu.version_r, .symtab) are opened through pyelftools (``ELFFile.get_section``).
    """

    __slots__ = ("rows", "index")

    def __init__(self, r: "_Reader", pre: dict) -> None:
        self.rows: list[tuple[str, int, int, int, int, int]] = []
        self.index: dict[str, int] = {}
        if not pre["has_sections"]:
            return
        n, bo = pre["shnum"], pre["byteorder"]
        if pre["class"] == 64:
            fmt, ent = struct.Struct(bo + "IIQQQQII16x"), 64     # name type flags addr offset size link info
        else:
            fmt, ent = struct.Struct(bo + "IIIIIIII8x"), 40
        raw = r.read(pre["shoff"], n * ent)
        if len(raw) < n * ent:
            raise EvidenceError(r.path, "truncated: the section header table runs past the end of the file",
                                reason="truncated")
        hdrs = list(fmt.iter_unpack(raw))
        strndx = pre["shstrndx"]
        names = b""
        if 0 < strndx < n:
            s = hdrs[strndx]
            if s[1] != _SHT_NOBITS:
                names = r.read(s[4], min(s[5], _MAX_SHSTRTAB))
        rows, index = self.rows, self.index
        for i, (name_off, typ, _flags, addr, off, size, link, _info) in enumerate(hdrs):
            if name_off < len(names):
                end = names.find(b"\0", name_off)
                name = names[name_off:end if end >= 0 else len(names)].decode("utf-8", "replace")
            else:
                name = ""
            rows.append((name, typ, addr, off, size, link))
            index.setdefault(name, i)

    def __bool__(self) -> bool:
        return bool(self.rows)

    def __contains__(self, name: str) -> bool:
        return name in self.index

    def first_of_type(self, typ: int) -> int | None:
        for i, row in enumerate(self.rows):
            if row[1] == typ:
                return i
        return None



# ---- main entry -------------------------------------------------------------------------------------------
def _within_file(path: str, r: "_Reader", offset: int, size: int, what: str) -> None:
    if offset + size > r.size:
        raise EvidenceError(path, f"truncated: {what} runs past the end of the file", reason="truncated")


def _read_dynamic(path: str, r: _Reader, elf: ELFFile, offset: int, size_hint: int, get_strtab):
    """Yield (d_tag name, d_val, DynamicTag | None) from the dynamic array at ``offset``, up to DT_NULL.

    Like pyelftools' Dynamic.iter_tags, the array is read until DT_NULL (not just to the end of the
    section), at most MAX_DYNAMIC_TAGS entries; the entries are decoded with pyelftools' Elf_Dyn struct
    and DynamicTag resolves the string-valued ones. Bytes are read in bounded chunks.
    """
    dyn_struct = elf.structs.Elf_Dyn
    ent = dyn_struct.sizeof()
    peek = _DYN_PEEK[(elf.little_endian, elf.elfclass)]
    strtab = None
    chunk_tags = max(16, min(size_hint // ent + 1, MAX_DYNAMIC_TAGS))
    done = 0
    pos = offset
    while done < MAX_DYNAMIC_TAGS:
        want = min(chunk_tags, MAX_DYNAMIC_TAGS - done)
        data = r.read(pos, want * ent)
        got = len(data) // ent
        if got == 0:
            raise EvidenceError(path, "the dynamic array reaches the end of the file without a DT_NULL entry",
                                reason="corrupt")
        # Peek at the d_tag words (the first field of every entry) and let pyelftools decode only the
        # entries that matter: a library's 30-odd tags are mostly addresses and sizes nobody here reads.
        for i, (d_tag,) in enumerate(peek.iter_unpack(data[:got * ent])):
            if d_tag in _DT_NUMBERS_WANTED:
                entry = dyn_struct.parse(data[i * ent:(i + 1) * ent])
                t = entry.d_tag
                if t in _DT_NAMES_WANTED:
                    tag = None
                    if t in DynamicTag._HANDLED_TAGS:
                        if strtab is None:
                            strtab = get_strtab()
                        tag = DynamicTag(entry, strtab)
                    yield t, entry.d_val, tag
                    if t == "DT_NULL":
                        return
        done += got
        pos += got * ent
        if got < want:
            raise EvidenceError(path, "the dynamic array reaches the end of the file without a DT_NULL entry",
                                reason="corrupt")
        chunk_tags = min(chunk_tags * 4, MAX_DYNAMIC_TAGS)


def _shdr(elf: ELFFile, pre: dict, i: int):
    """Section header #i decoded by pyelftools (the index comes from the prevalidated table)."""
    return struct_parse(elf.structs.Elf_Shdr, elf.stream, stream_pos=pre["shoff"] + i * elf["e_shentsize"])


def _linked_strtab(elf: ELFFile, pre: dict, secs: "_Sections", i: int, cache: dict, also: tuple):
    """pyelftools StringTableSection for the sh_link target #i (shared by .dynamic and .gnu.version_r).

    Same checks as ELFFile.get_section(i, types): a link to anything but SHT_STRTAB (or one of ``also``,
    opened as pyelftools would) is corrupt."""
    if i in cache:
        return cache[i]
    if not 0 <= i < len(secs.rows):
        raise ELFError(f"section link {i} is outside the section table")
    typ = secs.rows[i][1]
    if typ == _SHT_STRTAB:
        st = StringTableSection(_shdr(elf, pre, i), secs.rows[i][0], elf)
    elif (typ == _SHT_NOBITS and "SHT_NOBITS" in also) or (typ == 0 and "SHT_NULL" in also):
        st = elf.get_section(i)
    else:
        raise ELFError(f"section {i} linked as a string table has type {typ:#x}, expected SHT_STRTAB")
    cache[i] = st
    return st


def _segment_strtab(r: _Reader, elf: ELFFile, secs: "_Sections", loads, offset: int):
    """The string table pyelftools' Dynamic._get_stringtable finds when no .dynamic section lends one:
    the first DT_STRTAB before DT_NULL, mapped to a file offset through the PT_LOAD segments (as
    ELFFile.address_offsets does), else the section named .dynstr. Unlike pyelftools, the search is bounded
    (MAX_DYNAMIC_TAGS entries) and does not construct every segment and section to map the address."""
    dyn_struct = elf.structs.Elf_Dyn
    ent = dyn_struct.sizeof()
    data = r.read(offset, MAX_DYNAMIC_TAGS * ent)
    data = data[:len(data) // ent * ent]
    for i, (d_tag,) in enumerate(_DYN_PEEK[(elf.little_endian, elf.elfclass)].iter_unpack(data)):
        if d_tag == 0:
            break
        if d_tag == _DT_STRTAB:
            ptr = dyn_struct.parse(data[i * ent:(i + 1) * ent]).d_ptr
            for vaddr, off, filesz in loads:
                if vaddr <= ptr and ptr + 1 <= vaddr + filesz:
                    return _DynamicStringTable(elf.stream, ptr - vaddr + off)
            break
    idx = secs.index.get(".dynstr")
    sec = elf.get_section(idx) if idx is not None else None
    if not isinstance(sec, StringTableSection):
        raise ELFError("the dynamic segment has no usable string table (DT_STRTAB or .dynstr)")
    return sec
