"""The one exception type raised by the evidence parsers."""

from __future__ import annotations

import os

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


class EvidenceError(Exception):
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
