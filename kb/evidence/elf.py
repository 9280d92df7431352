"""Inspect an ELF file: architecture, linkage, loader, libc family, needed libraries, symbol versions, Go build info.

``inspect_elf(path)`` returns an immutable :class:`ElfReport`; anything wrong with the input raises
:class:`~kb.evidence.errors.EvidenceError`. All work is bounded: the header tables are checked against the file
size before any table is read, counts are capped, and every read of a section or segment is limited in size.

Only what the report needs is decoded, with `struct` (this runs over whole images, and a one-binary `inspect` must
start about as fast as the rule engine alone): the program header table is read in one piece and only its LOAD,
DYNAMIC, INTERP and NOTE entries are kept; sections are located by one pass over the section header table; then
the dynamic array and its string table, .gnu.version_r, and (for static binaries whose string table names a libc
marker) .symtab are read by offset. No general ELF library is imported: pyelftools, used before, cost more to
import than the whole consultation.

The work is split along its seams: elf_reader.py (caps, header checks, bounded reads, the section table),
elf_tables.py (program headers, dynamic array, string tables, version needs), elf_names.py (header field names),
elf_libc.py (libc family from interpreter, DT_NEEDED, symbol versions and static start-up symbols), elf_go.py
(Go build information); this module builds the report.
"""

from __future__ import annotations

import os

from ..records import Data, record
from .elf_go import GoBuildInfo, _parse_modinfo, _read_go_buildinfo  # noqa: F401 - re-exported for the tests
from .elf_libc import _libc_from_interp, _libc_from_needed, _max_versions, _scan_notes, _static_libc
from .elf_names import EI_OSABI, E_TYPE, machine_name
from .elf_reader import (MAX_INTERP_BYTES, MAX_NOTE_BYTES, MAX_SECTIONS, MAX_SEGMENTS, _SHT_DYNAMIC,
                         _SHT_GNU_VERNEED, _open_regular, _prevalidate, _Reader, _Sections, _within_file)
from .elf_tables import (DT_FLAGS_1, DT_NEEDED, DT_NULL, DT_SONAME, PT_DYNAMIC, PT_INTERP, PT_LOAD,
                         PT_NOTE, linked_strtab, program_headers, read_dynamic, segment_strtab, version_needs)
from .errors import EvidenceError

__all__ = ["ElfReport", "GoBuildInfo", "inspect_elf", "MAX_SECTIONS", "MAX_SEGMENTS"]


_ARCH = {
    "EM_X86_64": "x86_64", "EM_386": "i386", "EM_AARCH64": "aarch64", "EM_ARM": "arm",
    "EM_RISCV": "riscv", "EM_PPC64": "ppc64", "EM_PPC": "ppc", "EM_S390": "s390",
    "EM_MIPS": "mips", "EM_LOONGARCH": "loongarch", "EM_SPARCV9": "sparc64", "EM_IA_64": "ia64",
}
_DF_1_PIE = 0x08000000

# Interpreter basename -> libc family.


@record
class ElfReport(Data):
    """What an ELF file shows (immutable; `to_dict()` gives JSON-ready data)."""

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
    warnings: tuple[str, ...] = ()

    def to_dict(self) -> dict:
        d = {name: getattr(self, name) for name in self._fields}
        d["needed"] = list(self.needed)
        d["runpath"] = list(self.runpath)
        d["version_needs"] = {lib: list(names) for lib, names in self.version_needs}
        d["go"] = self.go.to_dict() if self.go else None
        d["warnings"] = list(self.warnings)
        return d



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
        except Exception as e:  # a decoding error not caught where it happens still means a bad file
            raise EvidenceError(path, f"corrupt ELF structures: {type(e).__name__}: {e}"[:300],
                                reason="corrupt") from None
    finally:
        fh.close()



def _inspect(path: str, r: _Reader, pre: dict) -> ElfReport:
    warnings: list[str] = []
    machine = machine_name(pre["e_machine"])
    arch = _ARCH.get(machine, machine[3:].lower())
    elf_type = E_TYPE.get(pre["e_type"], str(pre["e_type"]))
    osabi = EI_OSABI.get(pre["osabi"], str(pre["osabi"]))

    # ---- segments: the prevalidated program header table, read once; only LOAD, INTERP, DYNAMIC, NOTE kept
    interp = None
    has_interp = has_dynamic = has_abi_tag = False
    loads: list[tuple[int, int, int]] = []
    writable_load = None
    dyn_phdr = None
    note_segments = []
    phnum = min(pre["phnum"], MAX_SEGMENTS)
    for ptype, flags, off, vaddr, filesz in (program_headers(r, pre, phnum) if phnum else ()):
        if ptype == PT_LOAD:
            loads.append((vaddr, off, filesz))
            if writable_load is None and filesz and (flags & 0x3) == 0x2:  # PF_W set, PF_X clear
                writable_load = vaddr
        elif ptype == PT_INTERP:
            has_interp = True
            if off + filesz > r.size:
                raise EvidenceError(path, f"truncated: PT_INTERP at offset {off} runs past the end of the file",
                                    reason="truncated")
            raw = r.read(off, min(filesz, MAX_INTERP_BYTES))
            interp = raw.split(b"\0", 1)[0].decode("utf-8", "replace") or None
        elif ptype == PT_DYNAMIC:
            has_dynamic = True
            dyn_phdr = (off, filesz)
        elif ptype == PT_NOTE:
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
        # the entries of .dynamic, strings from the string table its sh_link names
        _n, _t, _a, s_off, s_size, link, _i, _e = secs.rows[dyn_idx]
        _within_file(path, r, s_off, s_size, "the .dynamic section")
        tags = read_dynamic(path, r, pre, s_off, s_size, lambda: linked_strtab(path, r, secs, link, strtabs))
    elif dyn_phdr is not None:
        # PT_DYNAMIC without a .dynamic section to borrow a string table from: strings from DT_STRTAB
        off, filesz = dyn_phdr
        _within_file(path, r, off, filesz, "PT_DYNAMIC")
        if filesz == 0:
            tags = iter(())
        else:
            tags = read_dynamic(path, r, pre, off, filesz, lambda: segment_strtab(path, r, pre, secs, loads, off))
    dyn = tags is not None
    if tags is not None:
        for t, d_val, text in tags:
            if t == DT_NULL:
                break
            if t == DT_NEEDED:
                needed.append(text)
            elif t == DT_SONAME:
                soname = text
            elif t == DT_FLAGS_1:
                flags_1 = d_val
            else:  # DT_RUNPATH, DT_RPATH
                runpath.extend(p for p in text.split(":") if p)

    # ---- symbol versions required (.gnu.version_r)
    version_needs_: list[tuple[str, tuple[str, ...]]] = []
    vn_idx = secs.first_of_type(_SHT_GNU_VERNEED)
    if vn_idx is not None:
        _n, _t, _a, s_off, s_size, link, info, _e = secs.rows[vn_idx]
        _within_file(path, r, s_off, s_size, ".gnu.version_r")
        version_needs_ = version_needs(path, r, pre, s_off, info, linked_strtab(path, r, secs, link, strtabs))
    if not secs and dyn:
        warnings.append("no section headers: symbol version requirements were not read")
    highest = _max_versions(n for _, names in version_needs_ for n in names)

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
            static_libc = _static_libc(r, pre, secs)
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
        runpath=tuple(runpath), version_needs=tuple(version_needs_),
        glibc_version=highest.get("GLIBC"), glibcxx_version=highest.get("GLIBCXX"),
        cxxabi_version=highest.get("CXXABI"), gcc_version=highest.get("GCC"),
        has_gnu_abi_tag=has_abi_tag, stripped=stripped, is_go=is_go, go=go_info, static_libc=static_libc,
        glibc_static_cgo=glibc_static_cgo, warnings=tuple(warnings))

