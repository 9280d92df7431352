"""A tiny ELF64 little-endian reader: PT_INTERP and DT_NEEDED, nothing more.

Enough to compute a library closure while building roots and to tell a
missing-interpreter failure from a missing script interpreter; it needs no
binutils on the machine.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field
from pathlib import Path

PT_LOAD, PT_DYNAMIC, PT_INTERP = 1, 2, 3
DT_NULL, DT_NEEDED, DT_STRTAB = 0, 1, 5


@dataclass
class ElfInfo:
    interp: str | None = None
    needed: list[str] = field(default_factory=list)
    static: bool = True


def read(path: str | Path) -> ElfInfo | None:
    """ElfInfo for an ELF64 LE file, or None if it is not one."""
    data = Path(path).read_bytes()
    if data[:4] != b"\x7fELF" or data[4] != 2 or data[5] != 1:
        return None
    e_phoff, = struct.unpack_from("<Q", data, 0x20)
    e_phentsize, e_phnum = struct.unpack_from("<HH", data, 0x36)
    info = ElfInfo()
    loads: list[tuple[int, int, int]] = []
    dyn = None
    for i in range(e_phnum):
        off = e_phoff + i * e_phentsize
        p_type, _flags, p_offset, p_vaddr, _paddr, p_filesz = struct.unpack_from("<IIQQQQ", data, off)
        if p_type == PT_INTERP:
            info.interp = data[p_offset : p_offset + p_filesz].rstrip(b"\0").decode()
        elif p_type == PT_LOAD:
            loads.append((p_vaddr, p_offset, p_filesz))
        elif p_type == PT_DYNAMIC:
            dyn = (p_offset, p_filesz)
    if dyn is None:
        return info
    info.static = False

    def v2o(vaddr: int) -> int:
        for va, fo, sz in loads:
            if va <= vaddr < va + sz:
                return vaddr - va + fo
        return vaddr

    entries = []
    off, size = dyn
    for j in range(0, size, 16):
        tag, val = struct.unpack_from("<qQ", data, off + j)
        if tag == DT_NULL:
            break
        entries.append((tag, val))
    strtab = next((v for t, v in entries if t == DT_STRTAB), None)
    if strtab is None:
        return info
    base = v2o(strtab)
    for tag, val in entries:
        if tag == DT_NEEDED:
            end = data.index(b"\0", base + val)
            info.needed.append(data[base + val : end].decode())
    return info
