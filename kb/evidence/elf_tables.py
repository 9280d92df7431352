"""The ELF tables behind an inspection, decoded with `struct` from bounded reads: program headers, the dynamic array
and its string tables, and the version-needed table (.gnu.version_r). Every layout exists in four flavours (ELF32 or
ELF64, either byte order); every malformed table raises EvidenceError, never struct.error or IndexError.

Layouts: the gABI's "Program Header", "Dynamic Section" and "String Table" chapters
(https://www.sco.com/developers/gabi/latest/contents.html) and the LSB's "Symbol Versioning" chapter for
Elf_Verneed / Elf_Vernaux (https://refspecs.linuxfoundation.org/LSB_5.0.0/LSB-Core-generic/LSB-Core-generic/
symversion.html).
"""
from __future__ import annotations

import struct

from .elf_reader import (MAX_DYNAMIC_TAGS, MAX_VERNEED_AUX, MAX_VERNEED_FILES, _SHT_STRTAB, _Reader, _Sections)
from .errors import EvidenceError

# ---- program headers --------------------------------------------------------------------------------------
PT_LOAD, PT_DYNAMIC, PT_INTERP, PT_NOTE = 1, 2, 3, 4
_PT_WANTED = frozenset((PT_LOAD, PT_DYNAMIC, PT_INTERP, PT_NOTE))
# Elf32_Phdr: type offset vaddr paddr filesz memsz flags align; Elf64_Phdr: type flags offset vaddr paddr filesz
# memsz align. Both are turned into (type, flags, offset, vaddr, filesz).
_PHDR = {("<", 32): struct.Struct("<IIIIIIII"), (">", 32): struct.Struct(">IIIIIIII"),
         ("<", 64): struct.Struct("<IIQQQQQQ"), (">", 64): struct.Struct(">IIQQQQQQ")}


def program_headers(r: _Reader, pre: dict, count: int) -> list[tuple[int, int, int, int, int]]:
    """(p_type, p_flags, p_offset, p_vaddr, p_filesz) of the LOAD, DYNAMIC, INTERP and NOTE entries, in table order.

    The table was checked against the file by _prevalidate; a short read still raises, never an unpack error."""
    fmt = _PHDR[(pre["byteorder"], pre["class"])]
    table = r.read(pre["phoff"], count * fmt.size)
    if len(table) < count * fmt.size:
        raise EvidenceError(r.path, "truncated: the program header table runs past the end of the file",
                            reason="truncated")
    out = []
    if pre["class"] == 64:
        for p_type, flags, offset, vaddr, _pa, filesz, _mem, _al in fmt.iter_unpack(table):
            if p_type in _PT_WANTED:
                out.append((p_type, flags, offset, vaddr, filesz))
    else:
        for p_type, offset, vaddr, _pa, filesz, _mem, flags, _al in fmt.iter_unpack(table):
            if p_type in _PT_WANTED:
                out.append((p_type, flags, offset, vaddr, filesz))
    return out


# ---- string tables ----------------------------------------------------------------------------------------
MAX_STRING = 64 * 1024            # one name (a library, a version, a symbol); real ones are far shorter


class StringTable:
    """NUL-terminated strings at `base + offset` in the file.

    As the loader reads them, a string runs to its NUL wherever that is (not cut at the end of the section); one that
    reaches the end of the file unterminated is empty. One longer than MAX_STRING is refused. `strict`: undecodable
    UTF-8 is an error (the table found through DT_STRTAB alone) instead of being replaced."""

    __slots__ = ("r", "base", "strict")

    def __init__(self, r: _Reader, base: int, strict: bool = False) -> None:
        self.r, self.base, self.strict = r, base, strict

    def raw(self, offset: int) -> bytes:
        pos = self.base + offset
        parts = []
        got = 0
        step = 256
        while True:
            chunk = self.r.read(pos + got, step)
            end = chunk.find(b"\0")
            if end >= 0:
                parts.append(chunk[:end])
                return b"".join(parts)
            if len(chunk) < step:        # the end of the file, unterminated
                return b""
            parts.append(chunk)
            got += len(chunk)
            if got > MAX_STRING:
                raise EvidenceError(self.r.path, f"corrupt ELF structures: the string at offset {pos} is not "
                                                 f"terminated within {MAX_STRING} bytes", reason="corrupt")
            step = min(step * 4, MAX_STRING)

    def get(self, offset: int) -> str:
        s = self.raw(offset)
        if not self.strict:
            return s.decode("utf-8", "replace")
        try:
            return s.decode("utf-8")
        except UnicodeDecodeError:
            raise EvidenceError(self.r.path, f"corrupt ELF structures: the string at offset {self.base + offset} "
                                             f"is not UTF-8", reason="corrupt") from None


def corrupt(path: str, what: str) -> EvidenceError:
    return EvidenceError(path, f"corrupt ELF structures: {what}"[:300], reason="corrupt")


def linked_strtab(path: str, r: _Reader, secs: _Sections, i: int, cache: dict) -> StringTable:
    """The string table a section links to (sh_link == i); anything but an SHT_STRTAB section there is corrupt."""
    st = cache.get(i)
    if st is not None:
        return st
    if not 0 <= i < len(secs.rows):
        raise corrupt(path, f"section link {i} is outside the section table ({len(secs.rows)} sections)")
    typ = secs.rows[i][1]
    if typ != _SHT_STRTAB:
        raise corrupt(path, f"section {i} linked as a string table has type {typ:#x}, expected SHT_STRTAB")
    st = cache[i] = StringTable(r, secs.rows[i][3])
    return st


# ---- the dynamic array ------------------------------------------------------------------------------------
DT_NULL, DT_NEEDED, DT_STRTAB, DT_SONAME, DT_RPATH, DT_RUNPATH = 0, 1, 5, 14, 15, 29
DT_FLAGS_1 = 0x6FFFFFFB
_DT_WANTED = frozenset((DT_NULL, DT_NEEDED, DT_SONAME, DT_RPATH, DT_RUNPATH, DT_FLAGS_1))
_DT_STRINGS = frozenset((DT_NEEDED, DT_SONAME, DT_RPATH, DT_RUNPATH))
# Elf_Dyn: a signed d_tag, then d_val / d_ptr (one unsigned word)
_DYN = {("<", 32): struct.Struct("<iI"), (">", 32): struct.Struct(">iI"),
        ("<", 64): struct.Struct("<qQ"), (">", 64): struct.Struct(">qQ")}


def read_dynamic(path: str, r: _Reader, pre: dict, offset: int, size_hint: int, get_strtab):
    """Yield (d_tag, d_val, string or None) for the DT_NULL, NEEDED, SONAME, RPATH, RUNPATH and FLAGS_1 entries of
    the dynamic array at ``offset``, up to DT_NULL.

    Like the loader, the array is read until DT_NULL (not just to the end of the section), at most MAX_DYNAMIC_TAGS
    entries, in bounded chunks; an array that reaches the end of the file first is corrupt. The string table is
    asked for (``get_strtab()``) only when the first string-valued entry comes."""
    fmt = _DYN[(pre["byteorder"], pre["class"])]
    ent = fmt.size
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
        for d_tag, d_val in fmt.iter_unpack(data[:got * ent]):
            if d_tag in _DT_WANTED:
                value = None
                if d_tag in _DT_STRINGS:
                    if strtab is None:
                        strtab = get_strtab()
                    value = strtab.get(d_val)
                yield d_tag, d_val, value
                if d_tag == DT_NULL:
                    return
        done += got
        pos += got * ent
        if got < want:
            raise EvidenceError(path, "the dynamic array reaches the end of the file without a DT_NULL entry",
                                reason="corrupt")
        chunk_tags = min(chunk_tags * 4, MAX_DYNAMIC_TAGS)


def segment_strtab(path: str, r: _Reader, pre: dict, secs: _Sections, loads, offset: int) -> StringTable:
    """The string table of a PT_DYNAMIC array that no .dynamic section lends one: the first DT_STRTAB before
    DT_NULL, mapped to a file offset through the PT_LOAD segments, else the SHT_STRTAB section named .dynstr.
    The search reads at most MAX_DYNAMIC_TAGS entries."""
    fmt = _DYN[(pre["byteorder"], pre["class"])]
    data = r.read(offset, MAX_DYNAMIC_TAGS * fmt.size)
    for d_tag, d_ptr in fmt.iter_unpack(data[:len(data) // fmt.size * fmt.size]):
        if d_tag == DT_NULL:
            break
        if d_tag == DT_STRTAB:
            for vaddr, off, filesz in loads:
                if vaddr <= d_ptr and d_ptr + 1 <= vaddr + filesz:
                    return StringTable(r, d_ptr - vaddr + off, strict=True)
            break
    idx = secs.index.get(".dynstr")
    if idx is not None and secs.rows[idx][1] == _SHT_STRTAB:
        return StringTable(r, secs.rows[idx][3])
    raise corrupt(path, "the dynamic segment has no usable string table (DT_STRTAB or .dynstr)")


# ---- .gnu.version_r ---------------------------------------------------------------------------------------
# Elf_Verneed: vn_version vn_cnt vn_file vn_aux vn_next; Elf_Vernaux: vna_hash vna_flags vna_other vna_name
# vna_next. The same 16 bytes in both classes.
_VERNEED = {"<": struct.Struct("<HHIII"), ">": struct.Struct(">HHIII")}
_VERNAUX = {"<": struct.Struct("<IHHII"), ">": struct.Struct(">IHHII")}


def version_needs(path: str, r: _Reader, pre: dict, offset: int, count: int,
                  strtab: StringTable) -> list[tuple[str, tuple[str, ...]]]:
    """(library, (version names ...)) from the version-needed table at ``offset`` with ``count`` entries (sh_info),
    following vn_next / vna_next; at most MAX_VERNEED_FILES libraries of MAX_VERNEED_AUX names each."""
    vn, vna = _VERNEED[pre["byteorder"]], _VERNAUX[pre["byteorder"]]
    out = []
    pos = offset
    for _ in range(min(count, MAX_VERNEED_FILES)):
        raw = r.read(pos, vn.size)
        if len(raw) < vn.size:
            raise corrupt(path, f"a .gnu.version_r entry at offset {pos} runs past the end of the file")
        _version, cnt, vn_file, vn_aux, vn_next = vn.unpack(raw)
        if cnt == 0:
            raise corrupt(path, f"the .gnu.version_r entry at offset {pos} has no version names (vn_cnt 0)")
        library = strtab.get(vn_file)
        names = []
        apos = pos + vn_aux
        for _ in range(min(cnt, MAX_VERNEED_AUX)):
            raw = r.read(apos, vna.size)
            if len(raw) < vna.size:
                raise corrupt(path, f"a .gnu.version_r name entry at offset {apos} runs past the end of the file")
            _hash, _flags, _other, vna_name, vna_next = vna.unpack(raw)
            names.append(strtab.get(vna_name))
            apos += vna_next
        out.append((library, tuple(names)))
        pos += vn_next
    return out
