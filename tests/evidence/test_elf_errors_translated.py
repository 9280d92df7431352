"""Whatever goes wrong while an ELF file is decoded reaches the user as one EvidenceError naming the file (and
`inspect` exits 2 with it), never as a traceback: a decoding error nobody foresaw, a recursion or memory limit."""
from __future__ import annotations

import os

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


def _error_of(path: str) -> str:
    try:
        inspect_elf(path)
        return "no error"
    except EvidenceError as e:
        return f"{e.reason}: {e.message}"


def test_a_file_the_user_may_not_read(tmp_path):
    """As root the check runs as nobody in a child process (root reads a chmod 000 file)."""
    from tests.nobody import as_nobody, reachable_tmpdir

    with reachable_tmpdir() as top:
        path = os.path.join(top, "app")
        write_elf(path)
        os.chmod(path, 0)
        assert as_nobody(_error_of, path) == "unreadable: permission denied"


def test_a_file_that_cannot_be_opened_for_another_reason(tmp_path):
    """open() failing with EMFILE (no file descriptor left, in a child process whose limit is the lowest free
    descriptor) is named with the system's words."""
    import resource

    from tests.nobody import in_child

    def no_descriptor_left() -> None:
        free = os.dup(0)
        os.close(free)
        resource.setrlimit(resource.RLIMIT_NOFILE, (free, resource.getrlimit(resource.RLIMIT_NOFILE)[1]))

    path = write_elf(tmp_path / "app")
    out = in_child(_error_of, path, setup=no_descriptor_left)
    assert out == "unreadable: cannot open the file: Too many open files"


@pytest.mark.timeout(10)  # a blocking open would wait for a writer forever
def test_a_path_swapped_for_a_fifo_after_the_type_check_is_refused_not_waited_on(tmp_path, monkeypatch):
    """The race _open_regular guards: stat() saw a regular file, then the path became a FIFO with no writer. The
    open must not block (O_NONBLOCK); the file's type is checked again on the open descriptor."""
    from kb.evidence import elf_reader

    fifo = tmp_path / "app"
    os.mkfifo(fifo)
    monkeypatch.setattr(elf_reader, "stat_regular_file", lambda path, what: None)  # the stat before the swap
    with pytest.raises(EvidenceError) as err:
        elf_reader._open_regular(str(fifo))
    assert err.value.reason == "not-regular"
