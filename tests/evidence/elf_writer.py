"""A small ELF64 little-endian writer for tests: the program headers, dynamic array, version needs, notes, symbols
and named sections that kb.evidence.elf decides from, each chosen by the test, so one file shows one decision.

The layout is the usual one: ELF header, program header table, the section contents (8-byte aligned), then the
section header table; one PT_LOAD (R+X) maps the whole file at BASE. Written field by field from the gABI tables
(https://www.sco.com/developers/gabi/latest/contents.html), not with a library.
"""
from __future__ import annotations

import struct

BASE = 0x400000
ET_REL, ET_EXEC, ET_DYN, ET_CORE = 1, 2, 3, 4
DF_1_PIE = 0x08000000
PT_LOAD, PT_DYNAMIC, PT_INTERP, PT_NOTE = 1, 2, 3, 4


class _Strings:
    def __init__(self) -> None:
        self.data = b"\0"
        self.at: dict[str, int] = {}

    def add(self, s: str) -> int:
        if s not in self.at:
            self.at[s] = len(self.data)
            self.data += s.encode() + b"\0"
        return self.at[s]


def note(name: bytes, ntype: int, desc: bytes = b"") -> bytes:
    """One ELF note: namesz, descsz, type, then the name (NUL-terminated) and the descriptor, each padded to 4."""
    n = name + b"\0" if name else b""
    return (struct.pack("<III", len(n), len(desc), ntype) + n + b"\0" * (-len(n) % 4) + desc
            + b"\0" * (-len(desc) % 4))


ABI_TAG = note(b"GNU", 1, struct.pack("<IIII", 0, 3, 2, 0))   # NT_GNU_ABI_TAG: Linux 3.2.0, as glibc's crt1.o
BUILD_ID = note(b"GNU", 3, bytes(20))                          # NT_GNU_BUILD_ID: every GNU linker output has one
GO_BUILD_ID = note(b"Go", 4, b"abc/def")                       # Go's build id note


def write_elf(path, *, e_type: int = ET_EXEC, machine: int = 62, interp: str | None = None,
              needed: tuple[str, ...] | None = None, soname: str | None = None, runpath: str | None = None,
              flags_1: int | None = None, versions: tuple[tuple[str, tuple[str, ...]], ...] = (),
              notes: tuple[bytes, ...] = (), symbols: tuple[str, ...] | None = None,
              named: tuple[tuple[str, bytes], ...] = (), writable: bytes | None = None,
              sections: bool = True, after_null: tuple[str, ...] = ()) -> str:
    """Write an ELF64 little-endian file and return its path as text.

    `needed` (a tuple, possibly empty) makes the file dynamic: PT_DYNAMIC and .dynamic with DT_NEEDED, DT_SONAME,
    DT_RUNPATH and DT_FLAGS_1 as given. `versions` is .gnu.version_r; `notes` one PT_NOTE segment; `symbols` a
    .symtab; `named` PROGBITS sections with these names and contents; `writable` a second, read-write PT_LOAD
    holding these bytes (where Go's linker puts its build information); `after_null` DT_NEEDED entries after the
    array's DT_NULL, which the loader never reads."""
    dynstr, shstr, strtab = _Strings(), _Strings(), _Strings()
    blobs: list[tuple[str, bytes]] = []          # (section name, contents), in file order
    if interp is not None:
        blobs.append((".interp", interp.encode() + b"\0"))
    dyn_entries: list[tuple[int, int]] = []
    if needed is not None:
        dyn_entries += [(1, dynstr.add(n)) for n in needed]
        if soname is not None:
            dyn_entries.append((14, dynstr.add(soname)))
        if runpath is not None:
            dyn_entries.append((29, dynstr.add(runpath)))
        if flags_1 is not None:
            dyn_entries.append((0x6FFFFFFB, flags_1))
    tail = [(1, dynstr.add(n)) for n in after_null]
    verneed = b""
    for i, (lib, names) in enumerate(versions):
        last = i == len(versions) - 1
        verneed += struct.pack("<HHIII", 1, len(names), dynstr.add(lib), 16, 0 if last else 16 + 16 * len(names))
        for j, name in enumerate(names):
            verneed += struct.pack("<IHHII", 0, 0, 2 + j, dynstr.add(name), 0 if j == len(names) - 1 else 16)
    if needed is not None or versions:
        blobs.append((".dynstr", dynstr.data))
    if needed is not None:
        blobs.append((".dynamic", b""))                       # filled in once .dynstr's address is known
    if versions:
        blobs.append((".gnu.version_r", verneed))
    if notes:
        blobs.append((".note", b"".join(notes)))
    if symbols is not None:
        syms = [bytes(24)] + [struct.pack("<IBBHQQ", strtab.add(s), 0x12, 0, 1, 0x1000, 4) for s in symbols]
        blobs.append((".symtab", b"".join(syms)))
        blobs.append((".strtab", strtab.data))
    blobs += list(named)
    if writable is not None:
        blobs.append((".data", writable))
    if sections:
        for name, _ in blobs:
            shstr.add(name)
        shstr.add(".shstrtab")
        blobs.append((".shstrtab", shstr.data))

    phnum = 1 + (interp is not None) + (needed is not None) + bool(notes) + (writable is not None)
    pos = 64 + 56 * phnum
    where: dict[str, tuple[int, int]] = {}
    for name, data in blobs:
        pos += -pos % 8
        size = 16 * (len(dyn_entries) + 2 + len(tail)) if name == ".dynamic" else len(data)
        where[name] = (pos, size)
        pos += size
    pos += -pos % 8
    shoff = pos
    index = {name: i + 1 for i, (name, _) in enumerate(blobs)}
    end = shoff + 64 * (len(blobs) + 1) if sections else pos

    out = bytearray(end)
    for name, data in blobs:
        off, size = where[name]
        if name == ".dynamic":
            entries = dyn_entries + [(5, BASE + where[".dynstr"][0]), (0, 0)] + tail
            data = b"".join(struct.pack("<qQ", t, v) for t, v in entries)
        out[off:off + size] = data

    phdrs = []

    def ph(p_type: int, name_or_range, flags: int) -> None:
        off, size = where[name_or_range] if isinstance(name_or_range, str) else name_or_range
        phdrs.append(struct.pack("<IIQQQQQQ", p_type, flags, off, BASE + off, BASE + off, size, size, 8))

    if interp is not None:
        ph(PT_INTERP, ".interp", 4)
    ph(PT_LOAD, (0, end), 5)
    if writable is not None:
        ph(PT_LOAD, ".data", 6)
    if needed is not None:
        ph(PT_DYNAMIC, ".dynamic", 6)
    if notes:
        ph(PT_NOTE, ".note", 4)
    out[64:64 + 56 * phnum] = b"".join(phdrs)

    if sections:
        types = {".dynstr": 3, ".strtab": 3, ".shstrtab": 3, ".dynamic": 6, ".gnu.version_r": 0x6FFFFFFE,
                 ".symtab": 2, ".note": 7}
        links = {".dynamic": ".dynstr", ".gnu.version_r": ".dynstr", ".symtab": ".strtab"}
        table = [bytes(64)]
        for name, _ in blobs:
            off, size = where[name]
            link = index[links[name]] if name in links else 0
            info = len(versions) if name == ".gnu.version_r" else 1 if name == ".symtab" else 0
            entsize = {".dynamic": 16, ".symtab": 24}.get(name, 0)
            table.append(struct.pack("<IIQQQQIIQQ", shstr.add(name), types.get(name, 1), 2, BASE + off, off, size,
                                     link, info, 8, entsize))
        out[shoff:end] = b"".join(table)
    ident = b"\x7fELF" + bytes([2, 1, 1, 0]) + bytes(8)
    out[0:64] = ident + struct.pack("<HHIQQQIHHHHHH", e_type, machine, 1, BASE, 64, shoff if sections else 0, 0,
                                    64, 56, phnum, 64, len(blobs) + 1 if sections else 0,
                                    index[".shstrtab"] if sections else 0)
    with open(path, "wb") as fh:
        fh.write(bytes(out))
    return str(path)
