"""The one way to read a file or stream the user names: type checked before opening, size capped while reading,
decoded as UTF-8 (a BOM is accepted) with an error that names the file and the byte.

Why each step:
  * a FIFO opened for reading blocks until a writer comes, a device such as /dev/zero never ends, and a directory
    cannot be read: the type is checked with stat() first, and again with fstat() on what was opened (the path may
    have been swapped in between); the open itself is non-blocking, so a FIFO swapped in cannot hang us either;
  * symlinks are followed on purpose (a rule file in a dotfiles repository is often one), and only the final
    target's type counts; `follow_symlinks=False` refuses them instead;
  * the size is checked while reading, never trusted from stat(): /proc files say 0, and a file may grow.

The caps (also in the README):
  MAX_RULE_FILE     4 MiB  a rule file given with --rules (and every file it includes); rules.yaml's parts are < 40 KiB
  MAX_ANSWERS_FILE  1 MiB  an --answers file
  MAX_STDIN         1 MiB  answers read from standard input in script mode
"""
from __future__ import annotations

import os
import stat
from collections.abc import Iterable

from .errors import MinimageError
from .text import safe_text  # noqa: F401 - part of this module's interface

MAX_RULE_FILE = 4 << 20
MAX_ANSWERS_FILE = 1 << 20
MAX_STDIN = 1 << 20
_CHUNK = 1 << 16
BOM = b"\xef\xbb\xbf"


class InputFileError(MinimageError):
    """A file or stream the user named cannot be used. `path`, a plain `message`, and a `reason` among:
    not-found, directory, not-regular, symlink, unreadable, too-large, not-utf8."""

    def __init__(self, path: str, message: str, reason: str, line: int | None = None):
        self.path, self.message, self.reason, self.line = path, message, reason, line
        super().__init__(f"{safe_text(path)}{f':{line}' if line else ''}: {message}")


def kind_of(mode: int) -> str:
    """What a file of this mode is, in words."""
    if stat.S_ISDIR(mode):
        return "a directory"
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode):
        return "a character device"
    if stat.S_ISBLK(mode):
        return "a block device"
    if stat.S_ISLNK(mode):
        return "a symbolic link"
    return "a regular file" if stat.S_ISREG(mode) else "a special file"


def check_regular(path: str, what: str = "a file", *, follow_symlinks: bool = True) -> os.stat_result:
    """stat() `path`, which must be a regular file (`what` names what it should be); never opens it."""
    try:
        st = os.stat(path, follow_symlinks=follow_symlinks)
    except FileNotFoundError:
        raise InputFileError(path, "no such file", "not-found") from None
    except NotADirectoryError:
        raise InputFileError(path, "no such file (a part of the path is not a directory)", "not-found") from None
    except OSError as e:
        raise InputFileError(path, f"cannot read: {e.strerror or e}", "unreadable") from None
    if stat.S_ISLNK(st.st_mode):
        raise InputFileError(path, f"is a symbolic link, not {what}", "symlink")
    if stat.S_ISDIR(st.st_mode):
        raise InputFileError(path, f"is a directory, not {what}", "directory")
    if not stat.S_ISREG(st.st_mode):
        raise InputFileError(path, f"is {kind_of(st.st_mode)}, not {what}", "not-regular")
    return st


SETTLED_NS = 3_000_000_000  # a file changed less long ago has no stamp trusted: a change in the same tick could hide


def stamp_of(st: os.stat_result) -> tuple[int, int, int, int]:
    return st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino


def file_stamps(paths, settled: bool = False,
                known: dict | None = None) -> tuple[tuple[int, int, int, int], ...] | None:
    """(size, mtime, ctime, inode) of each file, None if one cannot be stat'ed or, when `settled`, one changed less
    than SETTLED_NS ago: while they stay the same, so do the files' bytes (kb/cache.py then need not read them).
    `known` gives the stamps of files already read (by `read_bytes(..., stamps=)`): those are not stat'ed again."""
    known = known or {}
    try:
        out = tuple(known[p] if p in known else stamp_of(os.stat(p)) for p in paths)
    except OSError:
        return None
    if settled:
        import time

        if any(max(m, c) > time.time_ns() - SETTLED_NS for _s, m, c, _i in out):
            return None
    return out


def read_bytes(path: str, limit: int, what: str = "a file", *, follow_symlinks: bool = True,
               stamps: dict | None = None) -> bytes:
    """The bytes of a regular file of at most `limit` bytes; InputFileError for anything else. With `stamps`, the
    file's stamp (`stamp_of`) as it was opened is put there under `path`."""
    check_regular(path, what, follow_symlinks=follow_symlinks)
    flags = os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_NOCTTY", 0)
    if not follow_symlinks:
        flags |= getattr(os, "O_NOFOLLOW", 0)
    try:
        fd = os.open(path, flags)
    except OSError as e:
        if not follow_symlinks and os.path.islink(path):
            raise InputFileError(path, f"is a symbolic link, not {what}", "symlink") from None
        raise InputFileError(path, f"cannot read: {e.strerror or e}", "unreadable") from None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):  # swapped since the stat() above
            raise InputFileError(path, f"is {kind_of(st.st_mode)}, not {what}", "not-regular")
        data = _read_capped(lambda n: os.read(fd, n), limit, path)
        if stamps is not None:  # taken before the bytes were read: a change while reading gives a later stamp
            stamps[path] = stamp_of(st)
        return data
    except OSError as e:
        raise InputFileError(path, f"cannot read: {e.strerror or e}", "unreadable") from None
    finally:
        os.close(fd)


def read_stream(stream, limit: int, name: str = "standard input") -> bytes:
    """At most `limit` bytes of a binary stream (a closed or unreadable one reads as empty)."""
    read = getattr(stream, "read1", None) or stream.read
    try:
        return _read_capped(read, limit, name)
    except (OSError, ValueError):  # closed descriptor (EBADF), or a closed file object
        return b""


def _read_capped(read, limit: int, name: str) -> bytes:
    parts, total = [], 0
    while True:
        chunk = read(min(_CHUNK, limit + 1 - total))
        if not chunk:
            return b"".join(parts)
        parts.append(chunk)
        total += len(chunk)
        if total > limit:
            raise InputFileError(name, f"larger than the {_size(limit)} cap: not read", "too-large")


def _size(n: int) -> str:
    return f"{n >> 20} MiB" if n >= 1 << 20 and not n % (1 << 20) else f"{n} bytes"


def decode(data: bytes, name: str) -> str:
    """UTF-8 text (one leading BOM dropped); InputFileError naming the line and byte of the first bad byte."""
    if data.startswith(BOM):
        data = data[len(BOM):]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as e:
        line = data.count(b"\n", 0, e.start) + 1
        column = e.start - (data.rfind(b"\n", 0, e.start) + 1) + 1
        raise InputFileError(name, f"not UTF-8 text: byte {column} of the line (byte {e.start + 1} of the file) is "
                                   f"0x{data[e.start]:02x}", "not-utf8", line) from None


def read_text(path: str, limit: int, what: str = "a file", *, follow_symlinks: bool = True) -> str:
    """read_bytes() then decode()."""
    return decode(read_bytes(path, limit, what, follow_symlinks=follow_symlinks), path)


def default_rules_path() -> str:
    """rules.yaml inside the installed package, or at the top of a source checkout."""
    here = os.path.dirname(os.path.abspath(__file__))
    packaged = os.path.join(here, "rules.yaml")
    return packaged if os.path.exists(packaged) else os.path.join(os.path.dirname(here), "rules.yaml")


def rule_files(paths: Iterable[str | os.PathLike] = (), *, base: bool = True) -> list[str]:
    """The top-level rule files of a load: the shipped rules.yaml (unless `base` is False), then `paths`. Here, not in
    kb.loader, so that a load served by the cache of validated knowledge never imports the loader."""
    return ([default_rules_path()] if base else []) + [os.fspath(p) for p in paths]


_CODE_STAMP: list[bytes] = []  # made once a process: the code that runs is the code imported when it started


def code_stamp() -> bytes:
    """The modules of kb/ that read, validate and shape knowledge (kb/ and its packages but the evidence readers),
    by size and modification time: editing any of them invalidates the caches (kb/cache.py, kb/loader/filecache.py)
    like editing rules.yaml."""
    if not _CODE_STAMP:
        _CODE_STAMP.append(_stamp_code(os.path.dirname(os.path.abspath(__file__))))
    return _CODE_STAMP[0]


def _stamp_code(here: str) -> bytes:
    stamps = []
    try:
        subs = [""] + sorted(e.name for e in os.scandir(here)
                             if e.is_dir() and e.name != "evidence" and os.path.isfile(os.path.join(e.path, "__init__.py")))
    except OSError:
        subs = [""]
    for sub in subs:
        try:
            entries = sorted(os.scandir(os.path.join(here, sub)), key=lambda e: e.name)
        except OSError:
            continue
        for e in entries:
            if e.name.endswith(".py"):
                st = e.stat()
                stamps.append(f"{sub}/{e.name}:{st.st_size}:{st.st_mtime_ns}")
    return "\n".join(stamps).encode()
