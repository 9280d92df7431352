"""A real dynamic ELF (compiled with gcc) whose DT_NEEDED entries are rewritten to repeat one library."""
from __future__ import annotations

import os
import shutil
import struct
import subprocess
import tempfile

import pytest


def repeated_needed_elf() -> bytes:
    """An x86-64/aarch64 executable linked against libm and libc whose libm entry is made to say libc.so.6 again:
    DT_NEEDED = libc.so.6, libc.so.6."""
    gcc = shutil.which("gcc")
    if gcc is None:
        pytest.skip("gcc is not installed (apt-get install gcc)")
    with tempfile.TemporaryDirectory() as d:
        src = os.path.join(d, "m.c")
        with open(src, "w") as f:
            f.write("#include <math.h>\n#include <stdio.h>\nint main(int c,char**v){printf(\"%f\\n\",sqrt(c));}\n")
        out = os.path.join(d, "m")
        subprocess.run([gcc, "-o", out, src, "-Wl,--no-as-needed", "-lm"], check=True, capture_output=True)
        with open(out, "rb") as f:
            data = bytearray(f.read())
    from elftools.elf.elffile import ELFFile
    import io

    elf = ELFFile(io.BytesIO(bytes(data)))
    dynamic = elf.get_section_by_name(".dynamic")
    strtab = dynamic._get_stringtable()
    needed = []  # (file offset of the entry's value, value)
    off = dynamic["sh_offset"]
    for i in range(dynamic["sh_size"] // 16):
        tag, val = struct.unpack_from("<qQ", data, off + 16 * i)
        if tag == 1:
            needed.append((off + 16 * i + 8, val))
    names = {strtab.get_string(v): (pos, v) for pos, v in needed}
    assert {"libc.so.6", "libm.so.6"} <= set(names), names
    struct.pack_into("<Q", data, names["libm.so.6"][0], names["libc.so.6"][1])
    return bytes(data)
