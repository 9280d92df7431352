"""Whatever goes wrong while an ELF file is decoded reaches the user as one EvidenceError naming the file (and
`inspect` exits 2 with it), never as a traceback: a decoding error nobody foresaw, a recursion or memory limit."""
from __future__ import annotations

import pytest

from kb.evidence import elf
from kb.evidence.elf import inspect_elf
from kb.evidence.errors import EvidenceError

from .elf_writer import write_elf


@pytest.mark.parametrize("raised,reason,message", [
    (ValueError("bad value " + "x" * 400), "corrupt",
     ("corrupt ELF structures: ValueError: bad value " + "x" * 400)[:300]),
    (KeyError(7), "corrupt", "corrupt ELF structures: KeyError: 7"),
    (RecursionError("deep"), "corrupt", "corrupt ELF structures (recursion limit while parsing)"),
    (MemoryError(), "too-large", "corrupt ELF structures (a size field asks for too much memory)"),
    (EvidenceError("elsewhere", "as raised", reason="truncated"), "truncated", "as raised"),
])
def test_an_error_while_decoding_becomes_one_evidence_error(tmp_path, monkeypatch, raised, reason, message):
    path = write_elf(tmp_path / "app", interp="/lib64/ld-linux-x86-64.so.2", needed=("libc.so.6",),
                     versions=(("libc.so.6", ("GLIBC_2.34",)),))

    def fail(*_args, **_kwargs):
        raise raised

    monkeypatch.setattr(elf, "version_needs", fail)
    with pytest.raises(EvidenceError) as ei:
        inspect_elf(path)
    assert (ei.value.reason, ei.value.message) == (reason, message)
    assert ei.value.path == ("elsewhere" if isinstance(raised, EvidenceError) else path)
    assert ei.value.__suppress_context__ or isinstance(raised, EvidenceError)   # no "during handling" chain


def test_a_path_object_is_reported_as_text(tmp_path):
    path = tmp_path / "app"
    write_elf(path)
    assert inspect_elf(path).path == str(path)
