"""The bounded reading side of kb.evidence.elf: the caps, the checks of the ELF header and both header tables against
the file before anything else is read, and one pass over the section header table. The tables the report needs
(program headers, the dynamic array, string tables, .gnu.version_r) are decoded in elf_tables.py.
"""
from __future__ import annotations

import os
import stat
import struct


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
    """Check the ELF header and both header tables against the file, before any table is read."""
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
            "e_machine": e_machine, "osabi": ident[7], "has_sections": bool(shoff and real_shnum), "byteorder": bo,
            "phoff": phoff, "phnum": phnum, "shoff": shoff, "shnum": real_shnum if shoff else 0,
            "shstrndx": shstrndx}


# Section types looked at by number in the one pass over the section header table (gABI / GNU values).
_SHT_SYMTAB, _SHT_STRTAB, _SHT_DYNAMIC, _SHT_NOBITS, _SHT_DYNSYM = 2, 3, 6, 8, 11
_SHT_GNU_VERNEED = 0x6FFFFFFE
_SHT_SUNW_LDYNSYM = 0x6FFFFFF3
_MAX_SHSTRTAB = 1 << 20           # section names; real files have a few hundred bytes
_MAX_STRTAB_PREFILTER = 32 << 20  # .strtab searched as bytes before any symbol is parsed


# The only section names anything asks for: every other section keeps an empty name (decoding all of them was a
# fifth of the time of inspecting a shared library).
_NAMES_LOOKED_UP = (".symtab", ".dynstr", ".note.ABI-tag", ".note.go.buildid", ".go.buildinfo", ".gopclntab")
# Elf_Shdr: name type flags addr offset size link info addralign entsize
_SHDR = {("<", 64): struct.Struct("<IIQQQQIIQQ"), (">", 64): struct.Struct(">IIQQQQIIQQ"),
         ("<", 32): struct.Struct("<IIIIIIIIII"), (">", 32): struct.Struct(">IIIIIIIIII")}


def _name_offsets(names: bytes) -> dict[int, str]:
    """Offset in the section name table -> name, for each name in _NAMES_LOOKED_UP: wherever "<name>\\0" occurs
    (a longer name's tail included), and at the very end of a table whose last string is not terminated."""
    out: dict[int, str] = {}
    for want in _NAMES_LOOKED_UP:
        b = want.encode()
        pos = names.find(b + b"\0")
        while pos >= 0:
            out[pos] = want
            pos = names.find(b + b"\0", pos + 1)
        if names.endswith(b):
            out[len(names) - len(b)] = want
    return out


class _Sections:
    """One pass over the section header table: (name, type, addr, offset, size, link, info, entsize) per section.

    `name` is filled in for the names looked up (_NAMES_LOOKED_UP, found in the section name table once) and empty
    for the rest; `index` maps each of those names to its first section."""

    __slots__ = ("rows", "index")

    def __init__(self, r: "_Reader", pre: dict) -> None:
        self.rows: list[tuple[str, int, int, int, int, int, int, int]] = []
        self.index: dict[str, int] = {}
        if not pre["has_sections"]:
            return
        n = pre["shnum"]
        fmt = _SHDR[(pre["byteorder"], pre["class"])]
        raw = r.read(pre["shoff"], n * fmt.size)
        if len(raw) < n * fmt.size:
            raise EvidenceError(r.path, "truncated: the section header table runs past the end of the file",
                                reason="truncated")
        hdrs = list(fmt.iter_unpack(raw))
        strndx = pre["shstrndx"]
        names = b""
        if 0 < strndx < n:
            s = hdrs[strndx]
            if s[1] != _SHT_NOBITS:
                names = r.read(s[4], min(s[5], _MAX_SHSTRTAB))
        known = _name_offsets(names) if names else {}
        self.rows = rows = [(known.get(h[0], ""), h[1], h[3], h[4], h[5], h[6], h[7], h[9]) for h in hdrs]
        index = self.index
        for i, row in enumerate(rows):
            if row[0] and row[0] not in index:
                index[row[0]] = i

    def __bool__(self) -> bool:
        return bool(self.rows)

    def __contains__(self, name: str) -> bool:
        return name in self.index

    def first_of_type(self, typ: int) -> int | None:
        for i, row in enumerate(self.rows):
            if row[1] == typ:
                return i
        return None


def _within_file(path: str, r: "_Reader", offset: int, size: int, what: str) -> None:
    if offset + size > r.size:
        raise EvidenceError(path, f"truncated: {what} runs past the end of the file", reason="truncated")
