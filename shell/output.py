"""Writing what the user asked for (`--output PATH`, the chat's `save`) without destroying what is at the path.

  * a regular file (new, or replacing one) is written atomically: a temporary file in the same directory, created
    with O_CREAT|O_EXCL|O_NOFOLLOW under a random name (so nothing planted there can redirect the write), written,
    fsync()ed and renamed over the target; on any failure it is removed and the target is untouched. A file that is
    replaced keeps its permission bits.
  * a symbolic link is followed on purpose: the file it points to is replaced and the link stays; `describe()`
    says what will really be overwritten (the chat's `save` tells the user). A dangling link is refused.
  * standard output (`-`), character devices (/dev/null, a terminal, /dev/full) and FIFOs are written in place,
    never replaced by a regular file; a FIFO without a reader is refused instead of waiting for one.
  * directories, sockets and block devices are refused, with the reason.

Errors are OutputError (the command line prints them and exits 2).
"""
from __future__ import annotations

import errno
import os
import stat

from kb.files import kind_of, safe_text


class OutputError(OSError):
    """The output could not be written; the message names the path and the reason."""

    def __str__(self) -> str:
        return str(self.strerror)


def describe(path: str) -> str:
    """What writing to `path` will really touch, in words ('' for a plain path to a new or regular file)."""
    if path == "-":
        return "standard output"
    try:
        lst = os.lstat(path)
    except OSError:
        return ""
    if stat.S_ISLNK(lst.st_mode):
        target = os.path.realpath(path)
        try:
            st = os.stat(path)
        except OSError:
            return f"a symbolic link to {safe_text(target)}, which does not exist"
        what = "the file" if stat.S_ISREG(st.st_mode) else kind_of(st.st_mode)
        return f"a symbolic link: this writes {what} {safe_text(target)}"
    if not stat.S_ISREG(lst.st_mode):
        return kind_of(lst.st_mode)
    return ""


def write_output(text: str, path: str, stdout) -> None:
    """Write `text` to `path` (`-` is `stdout`) as described in the module docstring."""
    if path == "-":
        write_stream(stdout, text, "standard output")
        return
    shown = safe_text(path)
    try:
        lst = os.lstat(path)
    except FileNotFoundError:
        lst = None
    except OSError as e:
        raise OutputError(e.errno, f"cannot write {shown}: {e.strerror or e}") from None
    if lst is not None and stat.S_ISLNK(lst.st_mode):
        try:
            st = os.stat(path)
        except OSError:
            raise OutputError(errno.ENOENT, f"cannot write {shown}: it is a symbolic link to "
                                            f"{safe_text(os.readlink(path))}, which does not exist") from None
        real = os.path.realpath(path)
    else:
        st, real = lst, path
    if st is None or stat.S_ISREG(st.st_mode):
        _replace_atomically(real, text, shown, st)
    elif stat.S_ISCHR(st.st_mode) or stat.S_ISFIFO(st.st_mode):
        _write_in_place(path, text, shown, fifo=stat.S_ISFIFO(st.st_mode))
    else:
        raise OutputError(errno.EINVAL, f"cannot write {shown}: it is {kind_of(st.st_mode)}, not a file")


def _replace_atomically(path: str, text: str, shown: str, old: os.stat_result | None) -> None:
    data = text.encode("utf-8")
    directory = os.path.dirname(path) or "."
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
    tmp = fd = None
    try:
        for _ in range(100):
            candidate = os.path.join(directory, f".{os.path.basename(path)}.{os.urandom(6).hex()}.tmp")
            try:
                fd = os.open(candidate, flags, 0o666)
            except FileExistsError:
                continue
            tmp = candidate
            break
        else:
            raise OSError(errno.EEXIST, "no free temporary file name")
        if old is not None:
            os.fchmod(fd, stat.S_IMODE(old.st_mode))
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
        os.fsync(fd)
        os.close(fd)
        fd = None
        os.replace(tmp, path)
        tmp = None
    except OSError as e:
        raise OutputError(e.errno, f"cannot write {shown}: {e.strerror or e}") from None
    finally:
        if fd is not None:
            os.close(fd)
        if tmp is not None:
            try:
                os.unlink(tmp)
            except OSError:
                pass


def _write_in_place(path: str, text: str, shown: str, fifo: bool) -> None:
    flags = os.O_WRONLY | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_NOCTTY", 0)
    try:
        # a FIFO is opened non-blocking: without a reader that fails (ENXIO) instead of waiting for ever
        fd = os.open(path, flags | (os.O_NONBLOCK if fifo else 0))
    except OSError as e:
        if e.errno == errno.ENXIO:
            raise OutputError(e.errno, f"cannot write {shown}: it is a FIFO that nobody reads") from None
        raise OutputError(e.errno, f"cannot write {shown}: {e.strerror or e}") from None
    try:
        if fifo:
            os.set_blocking(fd, True)
        view = memoryview(text.encode("utf-8"))
        while view:
            view = view[os.write(fd, view):]
    except BrokenPipeError:
        raise OutputError(errno.EPIPE, f"cannot write {shown}: its reader went away") from None
    except OSError as e:
        raise OutputError(e.errno, f"cannot write {shown}: {e.strerror or e}") from None
    finally:
        os.close(fd)


def write_stream(stream, text: str, name: str) -> None:
    """Write to an already open stream; an OSError other than a broken pipe becomes OutputError."""
    try:
        stream.write(text)
    except BrokenPipeError:
        raise
    except OutputError:
        raise
    except OSError as e:
        raise OutputError(e.errno, f"cannot write to {name}: {e.strerror or e}") from None


def flush(stream, name: str) -> None:
    """Flush a stream; a full disk or a closed descriptor becomes OutputError (a broken pipe stays one)."""
    try:
        stream.flush()
    except (BrokenPipeError, OutputError):
        raise
    except ValueError:  # already closed by someone else: nothing left to flush
        pass
    except OSError as e:
        raise OutputError(e.errno, f"cannot write to {name}: {e.strerror or e}") from None


class ClosedStream:
    """Stands in for a standard stream the caller closed: reads are empty, writes fail with a clear message
    (`quiet`: writes are dropped; for stderr, where no message could be shown anyway)."""

    def __init__(self, name: str, quiet: bool = False):
        self.name, self.quiet = name, quiet

    def read(self, size: int = -1) -> str:
        return ""

    readline = read

    def __iter__(self):
        return iter(())

    def write(self, text: str) -> int:
        if self.quiet:
            return len(text)
        raise OutputError(errno.EBADF, f"cannot write to {self.name}: it is closed")

    def flush(self) -> None:
        pass

    def isatty(self) -> bool:
        return False


class GuardedStream:
    """The process's real stdout: an OSError on write or flush (a full disk: `> /dev/full`) becomes OutputError,
    which the command line reports with exit 2 rather than as an internal error."""

    def __init__(self, stream, name: str = "standard output"):
        self._stream, self._name = stream, name

    def write(self, text: str) -> int:
        write_stream(self._stream, text, self._name)
        return len(text)

    def flush(self) -> None:
        flush(self._stream, self._name)

    def __getattr__(self, attr):
        return getattr(self._stream, attr)
