"""The libc of a static binary from its symbol table, when the table is unusual or damaged: which section types
count, what happens when its string table is missing, too large to search at once or of the wrong type, and the
errors `minimage-ask inspect` gives for a table that cannot be read."""
from __future__ import annotations

import os

import pytest

from kb.evidence import elf_libc
from kb.evidence.elf import inspect_elf
from kb.evidence.errors import EvidenceError

from .elf_writer import write_elf
from .test_elf_hostile_tables import index_of, sections_of, set_section

MUSL = ("main", "__init_libc")


def static(tmp_path, symbols=MUSL) -> str:
    return write_elf(tmp_path / "app", symbols=symbols)


def libc(path) -> tuple:
    r = inspect_elf(path)
    return r.static_libc, r.libc_evidence


@pytest.mark.parametrize("walk", [False, True], ids=["strtab-search", "symbol-walk"])
@pytest.mark.parametrize("sh_type,family", [(2, "musl"), (11, "musl"), (0x6FFFFFF3, "musl"), (1, None), (3, None)])
def test_the_symbol_table_types_read(tmp_path, monkeypatch, walk, sh_type, family):
    if walk:
        monkeypatch.setattr(elf_libc, "_MAX_STRTAB_PREFILTER", 0)
    path = static(tmp_path)
    set_section(path, index_of(path, ".symtab"), type=sh_type)
    assert libc(path) == (family, "symbols" if family else None)


def test_a_table_without_marker_names_is_no_libc_either_way(tmp_path, monkeypatch):
    path = static(tmp_path, symbols=("main", "__libc_start_main", "init_libc", "__init_libc_x"))
    assert libc(path) == (None, None)
    monkeypatch.setattr(elf_libc, "_MAX_STRTAB_PREFILTER", 0)
    assert libc(path) == (None, None)


def test_a_string_table_past_the_end_of_the_file_makes_the_symbols_be_walked(tmp_path):
    path = static(tmp_path)
    strtab = index_of(path, ".strtab")
    set_section(path, strtab, size=os.path.getsize(path))              # runs past the end: not read whole
    assert libc(path) == ("musl", "symbols")


def test_a_symbol_table_past_the_end_of_the_file(tmp_path, monkeypatch):
    path = static(tmp_path, symbols=("main", "x", "__init_libc"))
    symtab = index_of(path, ".symtab")
    _n, _t, off, size, _l, _i = sections_of(path)[symtab]
    set_section(path, symtab, size=size + 24 * 1000)                   # the markers come first: found in the walk
    assert libc(path) == ("musl", "symbols")
    monkeypatch.setattr(elf_libc, "_MAX_STRTAB_PREFILTER", 0)         # walked to the end: no marker on the way
    path = static(tmp_path, symbols=("main", "x", "y"))
    symtab = index_of(path, ".symtab")
    _n, _t, off, size, _l, _i = sections_of(path)[symtab]
    count = (os.path.getsize(path) - off) // 24                       # the first symbol the file cannot hold
    set_section(path, symtab, size=24 * (count + 4))
    with pytest.raises(EvidenceError) as ei:
        inspect_elf(path)
    assert (ei.value.reason, ei.value.message) == (
        "corrupt", f"corrupt ELF structures: symbol {count} runs past the end of the file")


@pytest.mark.parametrize("link", [0, 99])
def test_a_symbol_table_not_linked_to_a_string_table_is_corrupt(tmp_path, link):
    path = static(tmp_path)
    set_section(path, index_of(path, ".symtab"), link=link)
    with pytest.raises(EvidenceError) as ei:
        inspect_elf(path)
    assert (ei.value.reason, ei.value.message) == (
        "corrupt", f"corrupt ELF structures: the symbol table links to section {link}, which is not a string table")


def test_a_string_table_of_type_nobits_is_not_searched(tmp_path):
    path = static(tmp_path)
    set_section(path, index_of(path, ".strtab"), type=8)
    with pytest.raises(EvidenceError) as ei:
        inspect_elf(path)
    assert ei.value.message == ("corrupt ELF structures: the symbol table links to section "
                                f"{index_of(path, '.strtab')}, which is not a string table")


def test_a_symbol_table_whose_entry_size_does_not_divide_it(tmp_path, monkeypatch):
    monkeypatch.setattr(elf_libc, "_MAX_STRTAB_PREFILTER", 0)
    path = static(tmp_path)
    symtab = index_of(path, ".symtab")
    size = sections_of(path)[symtab][3]
    set_section(path, symtab, size=size - 1)
    with pytest.raises(EvidenceError) as ei:
        inspect_elf(path)
    assert ei.value.message == (f"corrupt ELF structures: the symbol table's entry size 24 does not divide its "
                                f"size {size - 1}")


def test_an_empty_symbol_table_has_no_libc(tmp_path):
    path = static(tmp_path)
    set_section(path, index_of(path, ".symtab"), size=0)
    assert libc(path) == (None, None)


def test_the_marker_nearest_the_start_of_the_table_wins(tmp_path, monkeypatch):
    many = tuple(f"f{i}" for i in range(5000))
    for symbols, family in (((*many, "__init_tls", "__libc_setup_tls"), "musl"),
                            ((*many, "__libc_setup_tls", "__init_tls"), "glibc")):
        path = static(tmp_path, symbols=symbols)
        assert libc(path) == (family, "symbols")
        monkeypatch.setattr(elf_libc, "_MAX_STRTAB_PREFILTER", 0)        # walked in chunks of 4096 symbols
        assert libc(path) == (family, "symbols")
        monkeypatch.undo()


def test_only_the_first_symbols_up_to_the_cap_are_looked_at(tmp_path, monkeypatch):
    monkeypatch.setattr(elf_libc, "MAX_SYMBOLS_SCANNED", 3)
    assert libc(static(tmp_path, symbols=("a", "__init_libc"))) == ("musl", "symbols")   # symbol 2 (0 is null)
    assert libc(static(tmp_path, symbols=("a", "b", "__init_libc"))) == (None, None)     # symbol 3
    monkeypatch.setattr(elf_libc, "_MAX_STRTAB_PREFILTER", 0)
    assert libc(static(tmp_path, symbols=("a", "__init_libc"))) == ("musl", "symbols")
    assert libc(static(tmp_path, symbols=("a", "b", "__init_libc"))) == (None, None)
