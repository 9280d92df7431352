"""Which C library an ELF file needs, from its interpreter, its DT_NEEDED names, its symbol versions (GLIBC_2.34,
GLIBCXX_3.4.30), the ABI notes of static binaries and, for static binaries, the libc start-up symbols.
"""
from __future__ import annotations

import re
import struct

from .elf_reader import (MAX_SYMBOLS_SCANNED, _MAX_STRTAB_PREFILTER, _SHT_DYNSYM, _SHT_NOBITS, _SHT_STRTAB,
                         _SHT_SUNW_LDYNSYM, _SHT_SYMTAB, _Reader, _Sections)
from .elf_tables import StringTable, corrupt



# Interpreter basename -> libc family. Patterns, not compiled regular expressions: `re` compiles (and caches) each
# one the first time it is used, so a process inspecting one glibc binary compiles two of these, not all ten.
_INTERP_PATTERNS = (
    (r"^ld-musl-[\w.-]+\.so\.1$", "musl"),
    (r"^ld-linux[\w.-]*\.so\.\d+$", "glibc"),
    (r"^ld64\.so\.[12]$", "glibc"),          # ppc64 / s390x
    (r"^ld\.so\.1$", "glibc"),               # mips, ppc32 (musl uses ld-musl-* everywhere)
    (r"^ld-uClibc[\w.-]*\.so\.\d+$", "uclibc"),
    (r"^linker(64)?$", "bionic"),            # Android /system/bin/linker64
)
# DT_NEEDED names that reveal the libc family of a shared object without an interpreter.
_NEEDED_LIBC = (
    (r"^libc\.musl-[\w.-]+\.so\.1$", "musl"),  # Alpine's SONAME for musl
    (r"^libc\.so\.6$", "glibc"),
    (r"^libc\.so\.0$", "uclibc"),
    (r"^libc\.so$", "musl"),                   # musl-gcc on Debian links plain libc.so
)
_GLIBC_STATIC_SYMBOLS = frozenset({"__libc_setup_tls", "_dl_aux_init", "_dl_relocate_static_pie",
                                   "__libc_start_main_impl", "_dl_non_dynamic_init"})
_MUSL_STATIC_SYMBOLS = frozenset({"__init_libc", "__libc_start_init", "__init_tls", "__init_ssp"})

_VERSION_RE = r"^(GLIBC|GLIBCXX|CXXABI|GCC)_(\d+(?:\.\d+)*)$"



# ---- helpers ----------------------------------------------------------------------------------------------
def _version_key(v: str) -> tuple[int, ...]:
    return tuple(int(x) for x in v.split("."))


def _max_versions(names) -> dict[str, str]:
    """The highest version of each family (GLIBC, GLIBCXX, CXXABI, GCC) among version names, e.g. {"GLIBC": "2.34"}."""
    best: dict[str, tuple[tuple[int, ...], str]] = {}
    for n in names:
        m = re.match(_VERSION_RE, n)
        if m:
            family, v = m.group(1), m.group(2)
            key = _version_key(v)
            if family not in best or key > best[family][0]:
                best[family] = (key, v)
    return {family: v for family, (_key, v) in best.items()}


def _max_version(names, prefix: str) -> str | None:
    return _max_versions(names).get(prefix)


def _libc_from_interp(interp: str) -> str | None:
    base = interp.rsplit("/", 1)[-1]
    for pat, fam in _INTERP_PATTERNS:
        if re.match(pat, base):
            return fam
    return None


def _libc_from_needed(needed) -> str | None:
    for name in needed:
        for pat, fam in _NEEDED_LIBC:
            if re.match(pat, name):
                return fam
    return None


def _scan_notes(data: bytes, bo: str) -> tuple[bool, bool]:
    """Walk ELF notes; report (has NT_GNU_ABI_TAG, has Go build id note). Bounded by len(data)."""
    has_abi = has_go = False
    pos = 0
    for _ in range(4096):
        if pos + 12 > len(data):
            break
        namesz, descsz, ntype = struct.unpack(bo + "III", data[pos:pos + 12])
        name = data[pos + 12:pos + 12 + namesz].rstrip(b"\0")
        if name == b"GNU" and ntype == 1:
            has_abi = True
        elif name == b"Go" and ntype == 4:
            has_go = True
        step = 12 + ((namesz + 3) & ~3) + ((descsz + 3) & ~3)
        if step <= 12 and namesz == 0 and descsz == 0:
            pos += 12
            continue
        pos += step
    return has_abi, has_go


def _static_libc(r: _Reader, pre: dict, secs: _Sections) -> str | None:
    """The libc linked into a static binary, from .symtab: the family of the first symbol (in table order, within
    MAX_SYMBOLS_SCANNED) named after a libc start-up marker. The symbol table of a static program can have hundreds
    of thousands of entries, so neither table is walked symbol by symbol: every offset at which "<marker>\\0" occurs
    in .strtab (tail-merged strings included) is a name a symbol can point at, and the raw .symtab is then searched
    as bytes for an entry whose st_name is one of those offsets (it is the first word of an entry in both ELF
    classes). Tables too large to read whole, or of an unexpected shape, are walked symbol by symbol."""
    idx = secs.index.get(".symtab")
    if idx is None:
        return None
    _n, typ, _a, sym_off, sym_size, link, _i, _e = secs.rows[idx]
    if typ not in (_SHT_SYMTAB, _SHT_DYNSYM, _SHT_SUNW_LDYNSYM):
        return None
    entsize = 24 if pre["class"] == 64 else 16
    if 0 < link < len(secs.rows):
        _sn, stype, _sa, s_off, s_size, _sl, _si, _se = secs.rows[link]
        if stype != _SHT_NOBITS and s_size <= _MAX_STRTAB_PREFILTER and s_off + s_size <= r.size:
            strtab = r.read(s_off, s_size)
            if len(strtab) == s_size:
                names = _marker_offsets(strtab)
                if not names:
                    return None
                if 0 < sym_size <= entsize * MAX_SYMBOLS_SCANNED * 2 and sym_off + sym_size <= r.size:
                    symtab = r.read(sym_off, sym_size)
                    if len(symtab) == sym_size:
                        return _first_marker(symtab, entsize, pre["byteorder"], names)
    return _static_libc_by_symbol(r, pre, secs, idx, entsize)


def _marker_offsets(strtab: bytes) -> dict[int, str]:
    """Offset in the string table -> libc family, for every string a marker symbol's st_name can point at."""
    out: dict[int, str] = {}
    for name in _STATIC_MARKERS:
        family = "glibc" if name in _GLIBC_STATIC_SYMBOLS else "musl"
        needle = name.encode() + b"\0"
        pos = strtab.find(needle)
        while pos >= 0:
            out[pos] = family
            pos = strtab.find(needle, pos + 1)
    return out


def _first_marker(symtab: bytes, entsize: int, bo: str, names: dict[int, str]) -> str | None:
    """The family of the lowest-numbered symbol (below MAX_SYMBOLS_SCANNED) whose st_name is in ``names``.

    st_name is the first 4-byte word of every entry: the words at multiples of `entsize` are copied into one
    column (a strided memoryview, in C), and each candidate offset is searched there as bytes, at 4-byte steps."""
    count = min(len(symtab) // entsize, MAX_SYMBOLS_SCANNED)
    column = memoryview(symtab)[:count * entsize].cast("I")[::entsize // 4].tobytes()
    best, family = len(column), None
    for offset, fam in names.items():
        word = struct.pack(bo + "I", offset)
        pos = column.find(word, 0, best)
        while 0 <= pos < best:
            if pos % 4 == 0:
                best, family = pos, fam
                break
            pos = column.find(word, pos + 1, best)
    return family


_STATIC_MARKERS = tuple(sorted(_GLIBC_STATIC_SYMBOLS | _MUSL_STATIC_SYMBOLS))


_SYMBOL_CHUNK = 4096                 # symbols read at a time by the walk below


def _static_libc_by_symbol(r: _Reader, pre: dict, secs: _Sections, idx: int, symsize: int) -> str | None:
    """The slow way: symbol after symbol (sh_entsize apart, at most MAX_SYMBOLS_SCANNED), each name read from the
    linked string table, which must be an SHT_STRTAB section; sh_entsize must divide sh_size."""
    path = r.path
    _n, _t, _a, off, size, link, _i, entsize = secs.rows[idx]
    if not 0 <= link < len(secs.rows) or secs.rows[link][1] != _SHT_STRTAB:
        raise corrupt(path, f"the symbol table links to section {link}, which is not a string table")
    if entsize == 0 or size % entsize:
        raise corrupt(path, f"the symbol table's entry size {entsize} does not divide its size {size}")
    names = StringTable(r, secs.rows[link][3])
    word = struct.Struct(pre["byteorder"] + "I")
    longest = max(len(m) for m in _STATIC_MARKERS) + 1
    count = min(size // entsize, MAX_SYMBOLS_SCANNED)
    for first in range(0, count, _SYMBOL_CHUNK):
        n = min(_SYMBOL_CHUNK, count - first)
        data = r.read(off + first * entsize, (n - 1) * entsize + symsize)
        for j in range(n):
            at = j * entsize
            if at + symsize > len(data):
                raise corrupt(path, f"symbol {first + j} runs past the end of the file")
            st_name = word.unpack_from(data, at)[0]
            head = r.read(names.base + st_name, longest)
            end = head.find(b"\0")
            if end > 0:
                name = head[:end].decode("ascii", "replace")
                if name in _GLIBC_STATIC_SYMBOLS:
                    return "glibc"
                if name in _MUSL_STATIC_SYMBOLS:
                    return "musl"
    return None
