"""The one exception type raised by the evidence parsers, and the careful file access they share."""

from __future__ import annotations

import os
import stat

from ..errors import MinimageError

#: Machine-readable reasons an artefact could not be read.
REASONS = (
    "not-found",      # the path does not exist
    "directory",      # a directory where a file was expected
    "not-regular",    # a FIFO, socket, device or other special file
    "unreadable",     # permission denied or an I/O error
    "empty",          # zero bytes
    "not-elf",        # no ELF magic (a script, an archive, random bytes, ...)
    "truncated",      # the file ends before a structure it declares
    "corrupt",        # headers that contradict themselves or the file
    "too-large",      # counts or sizes above the parser's caps
    "malformed",      # a text artefact (Dockerfile, ...) that does not parse
    "other",
)


class EvidenceError(MinimageError):
    """An artefact could not be turned into evidence.

    ``path`` is the artefact (file or directory) and ``message`` says what is wrong in plain words.
    ``reason`` is one of :data:`REASONS`; ``line`` is set for text artefacts when the line is known.
    """

    def __init__(self, path: "str | os.PathLike[str] | None", message: str, *, reason: str = "other",
                 line: int | None = None) -> None:
        self.path = os.fspath(path) if path is not None else None
        self.message = message
        self.reason = reason if reason in REASONS else "other"
        self.line = line
        where = self.path or "<input>"
        if line is not None:
            where = f"{where}:{line}"
        super().__init__(f"{where}: {message}")

    def to_dict(self) -> dict:
        return {"path": self.path, "message": self.message, "reason": self.reason, "line": self.line}


def stat_regular_file(path: str, what: str) -> os.stat_result:
    """stat() a path that must be a regular file (`what` names what it should be: "a script", "an ELF file").

    Raises EvidenceError for a missing path, a directory, a FIFO, socket or device (never opened, so never a hang),
    and anything that cannot be stat()ed.
    """
    import stat

    try:
        st = os.stat(path)
    except FileNotFoundError:
        raise EvidenceError(path, "no such file", reason="not-found") from None
    except PermissionError:
        raise EvidenceError(path, "permission denied (cannot stat the file)", reason="unreadable") from None
    except OSError as e:
        raise EvidenceError(path, f"cannot stat the file: {e.strerror or e}", reason="unreadable") from None
    if stat.S_ISDIR(st.st_mode):
        raise EvidenceError(path, f"is a directory, not {what}", reason="directory")
    if not stat.S_ISREG(st.st_mode):
        from ..files import kind_of

        raise EvidenceError(path, f"is {kind_of(st.st_mode)}, not a regular file", reason="not-regular")
    return st


def read_head(path: str, limit: int) -> bytes:
    """Up to `limit` bytes of a file, opened non-blocking (a FIFO swapped in after stat() cannot hang us).

    The one bounded read of the evidence parsers and of lint's build-context scan: call it after
    :func:`stat_regular_file` (or an equivalent check), never `open()` a user's path directly."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
        try:
            chunks, left = [], limit
            while left > 0:
                chunk = os.read(fd, min(left, 1 << 20))
                if not chunk:
                    break
                chunks.append(chunk)
                left -= len(chunk)
            return b"".join(chunks)
        finally:
            os.close(fd)
    except OSError as e:
        raise EvidenceError(path, f"cannot read the file: {e.strerror or e}", reason="unreadable") from None


# -- reading project files: here rather than in project.py, so that lint reads go.mod or a Makefile without
# importing the project scanners

MAX_FILE_BYTES = 1 << 20  # bytes read from a source file


def read_text(path: str, limit: int) -> tuple[str | None, str | None]:
    """(the text of a regular file, at most `limit` bytes, or None; what went wrong, or None). Never blocks: the
    file type is checked first and the read is one bounded, non-blocking read (read_head)."""
    try:
        st = os.stat(path)
    except OSError as e:
        return None, f"unreadable ({e.strerror or e})"
    if not stat.S_ISREG(st.st_mode):
        return None, "not a regular file, skipped"
    try:
        data = read_head(path, limit + 1)
    except EvidenceError as e:
        return None, e.message.replace("cannot read the file", "unreadable")
    problem = None
    if len(data) > limit:
        problem, data = f"larger than {limit} bytes; only the first {limit} were read", data[:limit]
    return data.decode("utf-8", "replace"), problem


def read_project_file(root: str, rel: str, limit: int | None = None) -> str | None:
    """One file of a project (or build context) as text: None if it is outside `root` (through '..' or a symbolic
    link), not a regular file, or unreadable; at most `limit` bytes (MAX_FILE_BYTES)."""
    real_root = os.path.realpath(root)
    full = os.path.realpath(os.path.join(real_root, rel.lstrip("/")))
    if not full.startswith(real_root + os.sep):
        return None
    return read_text(full, MAX_FILE_BYTES if limit is None else limit)[0]
