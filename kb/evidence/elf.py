"""Inspect an ELF file: architecture, linkage, loader, libc family, needed libraries, symbol versions, Go build info.

``inspect_elf(path)`` returns a frozen :class:`ElfReport`; anything wrong with the input raises
:class:`~kb.evidence.errors.EvidenceError` (never a pyelftools exception). All work is bounded: the header
tables are checked against the file size before pyelftools sees them, counts are capped, and every read of
a section or segment is limited in size.

pyelftools does the parsing, but only of what the report needs (this runs over whole images, and must stay
well below the cost of spawning ``readelf``): its construct structs are built once per ELF flavour instead of
once per file; the program header and dynamic tables are read in one piece and only the entries of interest
(found by their first word) are decoded with pyelftools' Elf_Phdr / Elf_Dyn; sections are located by one pass
over the section header table, and only .dynamic's string table, .gnu.version_r and (for static binaries
whose string table names a libc marker) .symtab are opened as pyelftools sections. No section or segment
object is built for the rest of the file.
"""

from __future__ import annotations

import errno
import itertools
import json
import os
import re
import stat
import struct
from dataclasses import asdict, dataclass, field

from elftools.common.exceptions import ELFError
from elftools.common.utils import struct_parse
from elftools.elf.dynamic import DynamicTag, _DynamicStringTable
from elftools.elf.enums import ENUM_D_TAG_COMMON, ENUM_P_TYPE_BASE
from elftools.elf.elffile import ELFFile
from elftools.elf.gnuversions import GNUVerNeedSection
from elftools.elf.sections import StringTableSection
from elftools.elf.structs import ELFStructs

from .errors import EvidenceError, stat_regular_file

__all__ = ["ElfReport", "GoBuildInfo", "inspect_elf", "MAX_SECTIONS", "MAX_SEGMENTS"]

# ---- caps -------------------------------------------------------------------------------------------------
MAX_SECTIONS = 16384          # real executables have < 100, big debug builds a few thousand
MAX_SEGMENTS = 1024           # real executables have < 20
MAX_DYNAMIC_TAGS = 8192
MAX_VERNEED_FILES = 256
MAX_VERNEED_AUX = 1024
MAX_SYMBOLS_SCANNED = 200_000
MAX_INTERP_BYTES = 4096
MAX_NOTE_BYTES = 64 * 1024
GO_BUILDINFO_WINDOW = 64 * 1024   # same window Go's debug/buildinfo searches
MAX_GO_STRING = 1 << 20           # the module info of very large programs stays well below 1 MiB

_ELF_MAGIC = b"\x7fELF"

_ARCH = {
    "EM_X86_64": "x86_64", "EM_386": "i386", "EM_AARCH64": "aarch64", "EM_ARM": "arm",
    "EM_RISCV": "riscv", "EM_PPC64": "ppc64", "EM_PPC": "ppc", "EM_S390": "s390",
    "EM_MIPS": "mips", "EM_LOONGARCH": "loongarch", "EM_SPARCV9": "sparc64", "EM_IA_64": "ia64",
}
_E_MACHINE_NUM = {62: "EM_X86_64", 3: "EM_386", 183: "EM_AARCH64", 40: "EM_ARM", 243: "EM_RISCV",
                  21: "EM_PPC64", 20: "EM_PPC", 22: "EM_S390", 8: "EM_MIPS", 258: "EM_LOONGARCH",
                  43: "EM_SPARCV9", 50: "EM_IA_64"}

_DF_1_PIE = 0x08000000

# Interpreter basename -> libc family.
_INTERP_PATTERNS = (
    (re.compile(r"^ld-musl-[\w.-]+\.so\.1$"), "musl"),
    (re.compile(r"^ld-linux[\w.-]*\.so\.\d+$"), "glibc"),
    (re.compile(r"^ld64\.so\.[12]$"), "glibc"),          # ppc64 / s390x
    (re.compile(r"^ld\.so\.1$"), "glibc"),               # mips, ppc32 (musl uses ld-musl-* everywhere)
    (re.compile(r"^ld-uClibc[\w.-]*\.so\.\d+$"), "uclibc"),
    (re.compile(r"^linker(64)?$"), "bionic"),            # Android /system/bin/linker64
)
# DT_NEEDED names that reveal the libc family of a shared object without an interpreter.
_NEEDED_LIBC = (
    (re.compile(r"^libc\.musl-[\w.-]+\.so\.1$"), "musl"),  # Alpine's SONAME for musl
    (re.compile(r"^libc\.so\.6$"), "glibc"),
    (re.compile(r"^libc\.so\.0$"), "uclibc"),
    (re.compile(r"^libc\.so$"), "musl"),                   # musl-gcc on Debian links plain libc.so
)
_GLIBC_STATIC_SYMBOLS = frozenset({"__libc_setup_tls", "_dl_aux_init", "_dl_relocate_static_pie",
                                   "__libc_start_main_impl", "_dl_non_dynamic_init"})
_MUSL_STATIC_SYMBOLS = frozenset({"__init_libc", "__libc_start_init", "__init_tls", "__init_ssp"})

_VERSION_RE = re.compile(r"^(GLIBC|GLIBCXX|CXXABI|GCC)_(\d+(?:\.\d+)*)$")


# ---- report types -----------------------------------------------------------------------------------------
@dataclass(frozen=True)
class GoBuildInfo:
    """What the Go linker embedded (the data behind ``go version -m``)."""

    go_version: str                       # "go1.19.8"
    path: str | None = None               # main package path
    main_module: str | None = None        # main module path
    main_version: str | None = None       # "(devel)" for local builds
    deps: tuple[tuple[str, str], ...] = ()          # (module path, version); a replacement is "path@version=>..."
    settings: tuple[tuple[str, str], ...] = ()      # ("CGO_ENABLED", "0"), ("-tags", "netgo"), ...
    cgo_enabled: bool | None = None       # None when the binary does not record it (Go < 1.18)
    tags: tuple[str, ...] = ()
    ldflags: str | None = None
    goos: str | None = None
    goarch: str | None = None

    def setting(self, key: str) -> str | None:
        for k, v in self.settings:
            if k == key:
                return v
        return None

    def to_dict(self) -> dict:
        d = asdict(self)
        d["deps"] = [{"path": p, "version": v} for p, v in self.deps]
        d["settings"] = dict(self.settings)
        d["tags"] = list(self.tags)
        return d


@dataclass(frozen=True)
class ElfReport:
    path: str
    is_elf: bool
    elf_class: int                        # 32 or 64
    endianness: str                       # "little" | "big"
    machine: str                          # e_machine name, e.g. "EM_X86_64"
    arch: str                             # "x86_64", "aarch64", ... (or the e_machine name if unknown)
    elf_type: str                         # "EXEC" | "DYN" | "REL" | "CORE" | raw
    osabi: str
    linkage: str                          # "static" | "static-pie" | "dynamic" | "shared-library" | "relocatable" | "core" | "unknown"
    is_static: bool                       # runs without a loader (static or static-pie)
    is_static_pie: bool
    has_interp: bool                      # PT_INTERP present
    has_dynamic: bool                     # PT_DYNAMIC present
    interpreter: str | None
    libc: str | None                      # "glibc" | "musl" | "uclibc" | "bionic" | None (none / unknown)
    libc_evidence: str | None             # how libc was decided: "interpreter", "needed", "abi-tag-note", "symbols"
    needed: tuple[str, ...] = ()
    soname: str | None = None
    runpath: tuple[str, ...] = ()         # DT_RUNPATH and DT_RPATH entries
    version_needs: tuple[tuple[str, tuple[str, ...]], ...] = ()   # (library, (version names ...))
    glibc_version: str | None = None      # highest GLIBC_x.y required, e.g. "2.34"
    glibcxx_version: str | None = None    # highest GLIBCXX_x.y (libstdc++)
    cxxabi_version: str | None = None     # highest CXXABI_x.y (libstdc++)
    gcc_version: str | None = None        # highest GCC_x.y (libgcc_s)
    has_gnu_abi_tag: bool = False         # .note.ABI-tag: glibc's crt1.o adds it, musl's does not
    stripped: bool | None = None          # no .symtab (None: no section headers at all)
    is_go: bool = False
    go: GoBuildInfo | None = None
    static_libc: str | None = None        # for a static binary: the libc linked in ("glibc" | "musl"), None if none / unknown
    glibc_static_cgo: bool = False        # a static Go binary with cgo and glibc linked in (NSS/dlopen caveats)
    warnings: tuple[str, ...] = field(default=())

    def to_dict(self) -> dict:
        d = asdict(self)
        d["needed"] = list(self.needed)
        d["runpath"] = list(self.runpath)
        d["version_needs"] = {lib: list(names) for lib, names in self.version_needs}
        d["go"] = self.go.to_dict() if self.go else None
        d["warnings"] = list(self.warnings)
        return d


# ---- helpers ----------------------------------------------------------------------------------------------
def _version_key(v: str) -> tuple[int, ...]:
    return tuple(int(x) for x in v.split("."))


def _max_version(names, prefix: str) -> str | None:
    best = None
    for n in names:
        m = _VERSION_RE.match(n)
        if m and m.group(1) == prefix:
            v = m.group(2)
            if best is None or _version_key(v) > _version_key(best):
                best = v
    return best


def _libc_from_interp(interp: str) -> str | None:
    base = interp.rsplit("/", 1)[-1]
    for pat, fam in _INTERP_PATTERNS:
        if pat.match(base):
            return fam
    return None


def _libc_from_needed(needed) -> str | None:
    for name in needed:
        for pat, fam in _NEEDED_LIBC:
            if pat.match(name):
                return fam
    return None


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


# ---- Go build info ----------------------------------------------------------------------------------------
_GO_MAGIC = b"\xff Go buildinf:"


def _uvarint(data: bytes, pos: int) -> tuple[int, int]:
    """Decode an unsigned LEB128 varint; returns (value, new_pos) or (-1, pos) on error."""
    value, shift = 0, 0
    for i in range(pos, min(len(data), pos + 10)):
        b = data[i]
        value |= (b & 0x7F) << shift
        if b < 0x80:
            return value, i + 1
        shift += 7
    return -1, pos


def _go_unquote(s: str) -> str:
    """Undo Go's strconv.Quote (double quotes) or raw backquotes; best effort, never raises."""
    if len(s) >= 2 and s[0] == s[-1] == "`":
        return s[1:-1]
    if len(s) >= 2 and s[0] == s[-1] == '"':
        try:
            v = json.loads(s)
            if isinstance(v, str):
                return v
        except ValueError:
            pass
        body = s[1:-1]
        # \xNN, \a, \v etc. that JSON does not know.
        try:
            return body.encode("latin-1", "backslashreplace").decode("unicode_escape")
        except (UnicodeError, ValueError):
            return body
    return s


def _parse_modinfo(text: str, go_version: str) -> GoBuildInfo:
    path = main = main_ver = None
    deps: list[tuple[str, str]] = []
    settings: list[tuple[str, str]] = []
    for line in text.split("\n")[:100_000]:
        word, _, rest = line.partition("\t")
        if word == "path":
            path = rest
        elif word == "mod":
            cols = rest.split("\t")
            main = cols[0] or None
            main_ver = cols[1] if len(cols) > 1 else None
        elif word == "dep":
            cols = rest.split("\t")
            deps.append((cols[0], cols[1] if len(cols) > 1 else ""))
        elif word == "=>" and deps:
            cols = rest.split("\t")
            p, v = deps[-1]
            deps[-1] = (p, f"{v}=>{cols[0]}" + (f"@{cols[1]}" if len(cols) > 1 and cols[1] else ""))
        elif word == "build" and rest:
            if rest[0] in "\"`":
                # quoted key: find its closing quote
                q = rest[0]
                i = 1
                while i < len(rest) and rest[i] != q:
                    i += 2 if (q == '"' and rest[i] == "\\") else 1
                key, raw = _go_unquote(rest[:i + 1]), rest[i + 2:]
            else:
                key, _, raw = rest.partition("=")
            settings.append((key, _go_unquote(raw)))
    sd = dict(settings)
    cgo = sd.get("CGO_ENABLED")
    tags = tuple(t for t in re.split(r"[,\s]+", sd.get("-tags", "")) if t)
    return GoBuildInfo(go_version=go_version, path=path, main_module=main, main_version=main_ver,
                       deps=tuple(deps), settings=tuple(settings),
                       cgo_enabled=None if cgo is None else cgo == "1", tags=tags,
                       ldflags=sd.get("-ldflags"), goos=sd.get("GOOS"), goarch=sd.get("GOARCH"))


def _read_go_buildinfo(r: _Reader, loads, data_start: int | None, ptr_bo: str) -> tuple[GoBuildInfo | None, str | None]:
    """Find and decode the build info blob. Returns (info, warning)."""

    def vread(addr: int, size: int) -> bytes:
        for vaddr, off, filesz in loads:
            if vaddr <= addr < vaddr + filesz:
                return r.read(off + (addr - vaddr), min(size, vaddr + filesz - addr))
        return b""

    if data_start is None:
        return None, None
    data = vread(data_start, GO_BUILDINFO_WINDOW)
    pos = 0
    while True:
        i = data.find(_GO_MAGIC, pos)
        if i < 0 or len(data) - i < 32:
            return None, None
        if i % 16 == 0:
            break
        pos = i + 1
    blob = data[i:]
    ptr_size, flags = blob[14], blob[15]
    if flags & 2:  # Go >= 1.18: inline varint-prefixed strings after the 32-byte header
        strings = []
        p = 32
        for _ in range(2):
            n, p2 = _uvarint(blob, p)
            if n < 0 or n > MAX_GO_STRING:
                return None, "Go build info header found but its strings are corrupt"
            if p2 + n > len(blob):
                extra = vread(data_start + i + p2, n)  # the blob may run past the 64 KiB window
                s = extra if len(extra) == n else None
            else:
                s = blob[p2:p2 + n]
            if s is None:
                return None, "Go build info strings run past the end of the data"
            strings.append(s)
            p = p2 + n
        vers_b, mod_b = strings
    else:  # pointer form (Go <= 1.17): two pointers to Go string headers
        if ptr_size not in (4, 8):
            return None, f"Go build info header has pointer size {ptr_size}"
        bo = ">" if flags & 1 else "<"
        fmt = bo + ("I" if ptr_size == 4 else "Q")

        def read_ptr(b: bytes, off: int) -> int | None:
            chunk = b[off:off + ptr_size]
            return struct.unpack(fmt, chunk)[0] if len(chunk) == ptr_size else None

        def read_gostring(addr: int | None) -> bytes:
            if addr is None:
                return b""
            hdr = vread(addr, 2 * ptr_size)
            sptr, slen = read_ptr(hdr, 0), read_ptr(hdr, ptr_size)
            if sptr is None or slen is None or slen > MAX_GO_STRING:
                return b""
            s = vread(sptr, slen)
            return s if len(s) == slen else b""

        vers_b = read_gostring(read_ptr(blob, 16))
        mod_b = read_gostring(read_ptr(blob, 16 + ptr_size))
    vers = vers_b.decode("utf-8", "replace")
    if not vers:
        return None, "Go build info header found but the Go version is empty"
    mod = mod_b.decode("utf-8", "replace")
    if len(mod) >= 33 and mod[-17] == "\n":
        mod = mod[16:-16]   # strip the sentinel framing around the module info
    else:
        mod = ""
    return _parse_modinfo(mod, vers), None


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


def inspect_elf(path: "str | os.PathLike[str]") -> ElfReport:
    """Inspect one ELF file. Raises EvidenceError for anything that is not a sound, readable ELF file."""
    path = os.fspath(path)
    fh, size = _open_regular(path)
    try:
        r = _Reader(path, fh, size)
        pre = _prevalidate(path, r)
        try:
            return _inspect(path, r, pre)
        except EvidenceError:
            raise
        except RecursionError:
            raise EvidenceError(path, "corrupt ELF structures (recursion limit while parsing)",
                                reason="corrupt") from None
        except MemoryError:
            raise EvidenceError(path, "corrupt ELF structures (a size field asks for too much memory)",
                                reason="too-large") from None
        except Exception as e:  # pyelftools, construct, struct, unicode errors: all mean a bad file
            raise EvidenceError(path, f"corrupt ELF structures: {type(e).__name__}: {e}"[:300],
                                reason="corrupt") from None
    finally:
        fh.close()


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


def _inspect(path: str, r: _Reader, pre: dict) -> ElfReport:
    warnings: list[str] = []
    elf = _ELFFile(r.fh, r.size)
    hdr = elf.header
    machine = hdr["e_machine"]
    if not isinstance(machine, str):
        machine = _E_MACHINE_NUM.get(machine, f"EM_{machine}")
    arch = _ARCH.get(machine, machine[3:].lower() if machine.startswith("EM_") else str(machine))
    e_type = hdr["e_type"]
    elf_type = e_type[3:] if isinstance(e_type, str) and e_type.startswith("ET_") else str(e_type)
    osabi = str(hdr["e_ident"]["EI_OSABI"])
    if osabi.startswith("ELFOSABI_"):
        osabi = osabi[9:]

    # ---- segments: the prevalidated program header table, read once, decoded with pyelftools' Elf_Phdr
    interp = None
    has_interp = has_dynamic = has_abi_tag = False
    loads: list[tuple[int, int, int]] = []
    writable_load = None
    dyn_phdr = None
    note_segments = []
    phnum = min(pre["phnum"], MAX_SEGMENTS)
    if phnum:
        phdr_struct = elf.structs.Elf_Phdr
        ent = phdr_struct.sizeof()
        table = r.read(pre["phoff"], phnum * ent)
        peek = _PHDR_PEEK[(elf.little_endian, elf.elfclass)]
        for i, (p_type,) in enumerate(peek.iter_unpack(table[:phnum * ent])):
            if p_type not in _PT_NUMBERS_WANTED:    # GNU_STACK, GNU_RELRO, PHDR, ...: not decoded at all
                continue
            seg = phdr_struct.parse(table[i * ent:(i + 1) * ent])
            ptype = seg["p_type"]
            off, filesz = seg["p_offset"], seg["p_filesz"]
            if ptype == "PT_LOAD":
                loads.append((seg["p_vaddr"], off, filesz))
                flags = seg["p_flags"]
                if writable_load is None and filesz and (flags & 0x3) == 0x2:  # PF_W set, PF_X clear
                    writable_load = seg["p_vaddr"]
            elif ptype == "PT_INTERP":
                has_interp = True
                if off + filesz > r.size:
                    raise EvidenceError(path, f"truncated: PT_INTERP at offset {off} runs past the end of the file",
                                        reason="truncated")
                raw = r.read(off, min(filesz, MAX_INTERP_BYTES))
                interp = raw.split(b"\0", 1)[0].decode("utf-8", "replace") or None
            elif ptype == "PT_DYNAMIC":
                has_dynamic = True
                dyn_phdr = seg
            elif ptype == "PT_NOTE":
                note_segments.append((off, filesz))

    # ---- sections: one pass over the (prevalidated, capped) header table for names and types
    secs = _Sections(r, pre)
    stripped = None if not secs else (".symtab" not in secs)

    # ---- notes: NT_GNU_ABI_TAG (glibc crt) and Go's build id note
    has_go_note = False
    for off, filesz in note_segments:
        has_abi, go_note = _scan_notes(r.read(off, min(filesz, MAX_NOTE_BYTES)), pre["byteorder"])
        has_abi_tag |= has_abi
        has_go_note |= go_note
    if ".note.ABI-tag" in secs:
        has_abi_tag = True
    if ".note.go.buildid" in secs:
        has_go_note = True

    # ---- dynamic section (or segment)
    needed: list[str] = []
    runpath: list[str] = []
    soname = None
    flags_1 = 0
    tags = None
    strtabs: dict[int, object] = {}
    dyn_idx = secs.first_of_type(_SHT_DYNAMIC)
    if dyn_idx is not None:
        # pyelftools' DynamicSection: the tags of .dynamic, strings from its sh_link string table
        _n, _t, _a, s_off, s_size, link = secs.rows[dyn_idx]
        _within_file(path, r, s_off, s_size, "the .dynamic section")
        tags = _read_dynamic(path, r, elf, s_off, s_size,
                             lambda: _linked_strtab(elf, pre, secs, link, strtabs, ("SHT_NOBITS", "SHT_NULL")))
    elif dyn_phdr is not None:
        # pyelftools' DynamicSegment without a .dynamic section to borrow a string table from: the strings
        # come from DT_STRTAB (pyelftools' Dynamic with no string table). Constructing DynamicSegment itself
        # would only repeat a search of all sections that cannot succeed here.
        _within_file(path, r, dyn_phdr["p_offset"], dyn_phdr["p_filesz"], "PT_DYNAMIC")
        if dyn_phdr["p_filesz"] == 0:
            tags = iter(())
        else:
            off = dyn_phdr["p_offset"]
            tags = _read_dynamic(path, r, elf, off, dyn_phdr["p_filesz"],
                                 lambda: _segment_strtab(r, elf, secs, loads, off))
    dyn = tags is not None
    if tags is not None:
        for t, d_val, tag in tags:
            if t == "DT_NULL":
                break
            if t == "DT_NEEDED":
                needed.append(_tag_str(tag, "needed"))
            elif t == "DT_SONAME":
                soname = _tag_str(tag, "soname")
            elif t in ("DT_RUNPATH", "DT_RPATH"):
                v = _tag_str(tag, "runpath" if t == "DT_RUNPATH" else "rpath")
                runpath.extend(p for p in v.split(":") if p)
            elif t == "DT_FLAGS_1":
                flags_1 = d_val

    # ---- symbol versions required (.gnu.version_r), through pyelftools' GNUVerNeedSection
    version_needs: list[tuple[str, tuple[str, ...]]] = []
    vn_idx = secs.first_of_type(_SHT_GNU_VERNEED)
    if vn_idx is not None:
        _n, _t, _a, s_off, s_size, _l = secs.rows[vn_idx]
        _within_file(path, r, s_off, s_size, ".gnu.version_r")
        sec = GNUVerNeedSection(_shdr(elf, pre, vn_idx), secs.rows[vn_idx][0], elf,
                                _linked_strtab(elf, pre, secs, secs.rows[vn_idx][5], strtabs, ()))
        for verneed, auxs in itertools.islice(sec.iter_versions(), MAX_VERNEED_FILES):
            names = tuple(str(a.name) for a in itertools.islice(auxs, MAX_VERNEED_AUX))
            version_needs.append((str(verneed.name), names))
    if not secs and dyn:
        warnings.append("no section headers: symbol version requirements were not read")
    all_versions = [n for _, names in version_needs for n in names]

    # ---- linkage
    is_static_pie = (elf_type == "DYN" and not has_interp and has_dynamic and not needed
                     and bool(flags_1 & _DF_1_PIE))
    if elf_type == "REL":
        linkage = "relocatable"
    elif elf_type == "CORE":
        linkage = "core"
    elif has_interp:
        linkage = "dynamic"
    elif is_static_pie:
        linkage = "static-pie"
    elif elf_type == "EXEC" and not needed:
        linkage = "static"
    elif elf_type in ("DYN", "EXEC"):
        linkage = "shared-library"
    else:
        linkage = "unknown"
    is_static = linkage in ("static", "static-pie")

    # ---- libc family
    libc = libc_evidence = None
    if interp:
        libc = _libc_from_interp(interp)
        libc_evidence = "interpreter" if libc else None
        if libc is None:
            warnings.append(f"unknown interpreter {interp!r}")
    if libc is None and needed:
        libc = _libc_from_needed(needed)
        libc_evidence = "needed" if libc else None
    static_libc = None
    if is_static:
        if has_abi_tag:
            static_libc, libc_evidence = "glibc", "abi-tag-note"
        else:
            static_libc = _static_libc(r, elf, secs)
            if static_libc:
                libc_evidence = "symbols"
        libc = static_libc
    elif libc is None and has_abi_tag and linkage == "dynamic":
        libc, libc_evidence = "glibc", "abi-tag-note"

    # ---- Go
    go_info = None
    go_idx = secs.index.get(".go.buildinfo")
    data_start = secs.rows[go_idx][2] if go_idx is not None else writable_load
    if go_idx is not None or has_go_note or ".gopclntab" in secs:
        go_info, w = _read_go_buildinfo(r, loads, data_start, pre["byteorder"])
        if w:
            warnings.append(w)
    elif elf_type in ("EXEC", "DYN") and data_start is not None:
        # stripped of section headers and notes: still look for the blob where Go's linker puts it
        go_info, _ = _read_go_buildinfo(r, loads, data_start, pre["byteorder"])
    is_go = go_info is not None or has_go_note or go_idx is not None
    glibc_static_cgo = bool(is_go and is_static and static_libc == "glibc"
                            and (go_info is None or go_info.cgo_enabled is not False))

    return ElfReport(
        path=path, is_elf=True, elf_class=pre["class"], endianness="little" if pre["little"] else "big",
        machine=machine, arch=arch, elf_type=elf_type, osabi=osabi, linkage=linkage, is_static=is_static,
        is_static_pie=is_static_pie, has_interp=has_interp, has_dynamic=has_dynamic, interpreter=interp,
        libc=libc, libc_evidence=libc_evidence if libc else None, needed=tuple(needed), soname=soname,
        runpath=tuple(runpath), version_needs=tuple(version_needs),
        glibc_version=_max_version(all_versions, "GLIBC"),
        glibcxx_version=_max_version(all_versions, "GLIBCXX"),
        cxxabi_version=_max_version(all_versions, "CXXABI"),
        gcc_version=_max_version(all_versions, "GCC"),
        has_gnu_abi_tag=has_abi_tag, stripped=stripped, is_go=is_go, go=go_info, static_libc=static_libc,
        glibc_static_cgo=glibc_static_cgo, warnings=tuple(warnings))


def _tag_str(tag, attr: str) -> str:
    v = getattr(tag, attr, None)
    if v is None:
        return f"<unresolved string at {tag.entry.d_val:#x}>"
    return v.decode("utf-8", "replace") if isinstance(v, bytes) else str(v)


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


def _static_libc(r: _Reader, elf: ELFFile, secs: _Sections) -> str | None:
    """The libc linked into a static binary, from .symtab. The symbol table of a static Go or Rust program
    has tens of thousands of entries, so .strtab is first searched as bytes for the marker names: a symbol
    can only be called that if "<name>\\0" occurs in its string table (tail-merged strings included). Only
    when one occurs is the table walked with pyelftools, exactly as before."""
    idx = secs.index.get(".symtab")
    if idx is None:
        return None
    _n, typ, _a, _o, _s, link = secs.rows[idx]
    if typ not in (_SHT_SYMTAB, _SHT_DYNSYM, _SHT_SUNW_LDYNSYM):
        return None
    if 0 < link < len(secs.rows):
        _sn, stype, _sa, s_off, s_size, _sl = secs.rows[link]
        if stype != _SHT_NOBITS and s_size <= _MAX_STRTAB_PREFILTER and s_off + s_size <= r.size:
            strtab = r.read(s_off, s_size)
            if len(strtab) == s_size and not any(n.encode() + b"\0" in strtab for n in _STATIC_MARKERS):
                return None
    return _static_libc_from_symbols(elf.get_section(idx))


_STATIC_MARKERS = tuple(sorted(_GLIBC_STATIC_SYMBOLS | _MUSL_STATIC_SYMBOLS))


def _static_libc_from_symbols(symtab) -> str | None:
    if symtab is None or not hasattr(symtab, "iter_symbols"):
        return None
    for sym in itertools.islice(symtab.iter_symbols(), MAX_SYMBOLS_SCANNED):
        n = sym.name
        if n in _GLIBC_STATIC_SYMBOLS:
            return "glibc"
        if n in _MUSL_STATIC_SYMBOLS:
            return "musl"
    return None
