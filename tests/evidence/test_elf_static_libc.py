"""The libc of a static binary is read from its symbol table without walking it symbol by symbol: the answer must
be the one the names say, wherever the marker sits in the table and however the linker laid out the strings."""
from __future__ import annotations

from kb.evidence.elf import inspect_elf

from .conftest import C_HELLO

# Many local functions before libc's symbols in .symtab (locals come first), still a real musl program.
MANY = "".join(f"static int f{i}(int x){{return x+{i};}}\n" for i in range(3000))
MANY += "int (*tab[])(int)={" + ",".join(f"f{i}" for i in range(3000)) + "};\n"
MANY += '#include <stdio.h>\nint main(int c,char**v){puts("hi");return tab[c](c)&1;}\n'

# No libc at all; the string "__init_libc" occurs in .strtab only as the tail of a longer name.
NOLIBC_TAIL = """
void my__init_libc(void) {}
void _start(void) { my__init_libc(); __asm__ volatile("mov $60, %eax\\n xor %edi, %edi\\n syscall"); }
"""
# The same plus a function really called __init_libc: its name may share the other's bytes (tail merging).
NOLIBC_BOTH = NOLIBC_TAIL.replace("void _start", "void __init_libc(void) {}\nvoid _start")


def test_static_musl_says_musl(builder):
    r = inspect_elf(builder.c("musl_static_small", "musl-gcc", C_HELLO, ".c", "-static"))
    assert (r.linkage, r.libc, r.static_libc, r.libc_evidence) == ("static", "musl", "musl", "symbols")


def test_static_musl_with_thousands_of_symbols_says_musl(builder):
    r = inspect_elf(builder.c("musl_static_many", "musl-gcc", MANY, ".c", "-static"))
    assert (r.linkage, r.libc, r.static_libc, r.libc_evidence) == ("static", "musl", "musl", "symbols")
    assert not r.stripped


def test_static_glibc_says_glibc(builder):
    r = inspect_elf(builder.c("glibc_static_small", "gcc", C_HELLO, ".c", "-static"))
    assert r.linkage == "static" and r.static_libc == "glibc"


def test_marker_inside_a_longer_name_is_not_a_libc(builder):
    path = builder.c("nolibc_tail", "gcc", NOLIBC_TAIL, ".c", "-static", "-nostdlib", "-fno-stack-protector")
    assert b"my__init_libc\0" in path.read_bytes()
    r = inspect_elf(path)
    assert r.linkage == "static" and not r.stripped
    assert r.static_libc is None and r.libc is None and r.libc_evidence is None


def test_marker_sharing_bytes_with_a_longer_name_is_found(builder):
    path = builder.c("nolibc_both", "gcc", NOLIBC_BOTH, ".c", "-static", "-nostdlib", "-fno-stack-protector")
    r = inspect_elf(path)
    assert (r.linkage, r.static_libc, r.libc_evidence) == ("static", "musl", "symbols")


def test_a_symbol_name_offset_is_matched_only_on_a_whole_st_name_word():
    """The st_name words are searched as bytes: the same four bytes straddling two words (offset 3) are no match,
    the search goes on to the whole word further on (offset 8)."""
    import struct

    from kb.evidence.elf_libc import _first_marker

    def symtab(*st_names):  # 16-byte Elf32_Sym entries, st_name first
        return b"".join(struct.pack("<I", n) + bytes(12) for n in st_names)

    names = {0x11223344: "glibc"}
    straddling = (0x44000000, 0x00112233)  # bytes 00 00 00 44 | 33 22 11 00
    assert _first_marker(symtab(*straddling, 0x11223344), 16, "<", names) == "glibc"
    assert _first_marker(symtab(*straddling, 0x55555555), 16, "<", names) is None

