"""Go build information in an ELF file (the data behind `go version -m`): the buildinfo blob, inline or by pointer,
and the module and settings text it carries. Every length is bounded (GO_BUILDINFO_WINDOW, MAX_GO_STRING).
"""
from __future__ import annotations

import json
import re
import struct

from ..records import Data, record

TYPE_CHECKING = False
if TYPE_CHECKING:
    from .elf_reader import _Reader

# ---- caps -------------------------------------------------------------------------------------------------
GO_BUILDINFO_WINDOW = 64 * 1024   # same window Go's debug/buildinfo searches
MAX_GO_STRING = 1 << 20           # the module info of very large programs stays well below 1 MiB


@record
class GoBuildInfo(Data):
    """What the Go linker embedded (the data behind ``go version -m``)."""

    go_version: str                       # "go1.19.8"
    path: str | None = None               # main package path
    main_module: str | None = None        # main module path
    main_version: str | None = None       # "(devel)" for local builds
    deps: tuple[tuple[str, str], ...] = ()          # (module path, version); a replacement is "path@version=>..."
    settings: tuple[tuple[str, str], ...] = ()      # ("CGO_ENABLED", "0"), ("-tags", "netgo"), ...
    cgo_enabled: bool | None = None       # None when the binary does not record it (Go < 1.18)
    tags: tuple[str, ...] = ()
    ldflags: str | None = None
    goos: str | None = None
    goarch: str | None = None

    def setting(self, key: str) -> str | None:
        for k, v in self.settings:
            if k == key:
                return v
        return None

    def to_dict(self) -> dict:
        d = {name: getattr(self, name) for name in self._fields}
        d["deps"] = [{"path": p, "version": v} for p, v in self.deps]
        d["settings"] = dict(self.settings)
        d["tags"] = list(self.tags)
        return d




# ---- Go build info ----------------------------------------------------------------------------------------
_GO_MAGIC = b"\xff Go buildinf:"


def _uvarint(data: bytes, pos: int) -> tuple[int, int]:
    """Decode an unsigned LEB128 varint; returns (value, new_pos) or (-1, pos) on error."""
    value, shift = 0, 0
    for i in range(pos, min(len(data), pos + 10)):
        b = data[i]
        value |= (b & 0x7F) << shift
        if b < 0x80:
            return value, i + 1
        shift += 7
    return -1, pos


def _go_unquote(s: str) -> str:
    """Undo Go's strconv.Quote (double quotes) or raw backquotes; best effort, never raises."""
    if len(s) >= 2 and s[0] == s[-1] == "`":
        return s[1:-1]
    if len(s) >= 2 and s[0] == s[-1] == '"':
        try:
            v = json.loads(s)
            if isinstance(v, str):
                return v
        except ValueError:
            pass
        body = s[1:-1]
        # \xNN, \a, \v etc. that JSON does not know.
        try:
            return body.encode("latin-1", "backslashreplace").decode("unicode_escape")
        except (UnicodeError, ValueError):
            return body
    return s


def _parse_modinfo(text: str, go_version: str) -> GoBuildInfo:
    path = main = main_ver = None
    deps: list[tuple[str, str]] = []
    settings: list[tuple[str, str]] = []
    for line in text.split("\n")[:100_000]:
        word, _, rest = line.partition("\t")
        if word == "path":
            path = rest
        elif word == "mod":
            cols = rest.split("\t")
            main = cols[0] or None
            main_ver = cols[1] if len(cols) > 1 else None
        elif word == "dep":
            cols = rest.split("\t")
            deps.append((cols[0], cols[1] if len(cols) > 1 else ""))
        elif word == "=>" and deps:
            cols = rest.split("\t")
            p, v = deps[-1]
            deps[-1] = (p, f"{v}=>{cols[0]}" + (f"@{cols[1]}" if len(cols) > 1 and cols[1] else ""))
        elif word == "build" and rest:
            if rest[0] in "\"`":
                # quoted key: find its closing quote
                q = rest[0]
                i = 1
                while i < len(rest) and rest[i] != q:
                    i += 2 if (q == '"' and rest[i] == "\\") else 1
                key, raw = _go_unquote(rest[:i + 1]), rest[i + 2:]
            else:
                key, _, raw = rest.partition("=")
            settings.append((key, _go_unquote(raw)))
    sd = dict(settings)
    cgo = sd.get("CGO_ENABLED")
    tags = tuple(t for t in re.split(r"[,\s]+", sd.get("-tags", "")) if t)
    return GoBuildInfo(go_version=go_version, path=path, main_module=main, main_version=main_ver,
                       deps=tuple(deps), settings=tuple(settings),
                       cgo_enabled=None if cgo is None else cgo == "1", tags=tags,
                       ldflags=sd.get("-ldflags"), goos=sd.get("GOOS"), goarch=sd.get("GOARCH"))


def _read_go_buildinfo(r: _Reader, loads, data_start: int | None, ptr_bo: str) -> tuple[GoBuildInfo | None, str | None]:
    """Find and decode the build info blob. Returns (info, warning)."""

    def vread(addr: int, size: int) -> bytes:
        for vaddr, off, filesz in loads:
            if vaddr <= addr < vaddr + filesz:
                return r.read(off + (addr - vaddr), min(size, vaddr + filesz - addr))
        return b""

    if data_start is None:
        return None, None
    data = vread(data_start, GO_BUILDINFO_WINDOW)
    pos = 0
    while True:
        i = data.find(_GO_MAGIC, pos)
        if i < 0 or len(data) - i < 32:
            return None, None
        if i % 16 == 0:
            break
        pos = i + 1
    blob = data[i:]
    ptr_size, flags = blob[14], blob[15]
    if flags & 2:  # Go >= 1.18: inline varint-prefixed strings after the 32-byte header
        strings = []
        p = 32
        for _ in range(2):
            n, p2 = _uvarint(blob, p)
            if n < 0 or n > MAX_GO_STRING:
                return None, "Go build info header found but its strings are corrupt"
            if p2 + n > len(blob):
                extra = vread(data_start + i + p2, n)  # the blob may run past the 64 KiB window
                s = extra if len(extra) == n else None
            else:
                s = blob[p2:p2 + n]
            if s is None:
                return None, "Go build info strings run past the end of the data"
            strings.append(s)
            p = p2 + n
        vers_b, mod_b = strings
    else:  # pointer form (Go <= 1.17): two pointers to Go string headers
        if ptr_size not in (4, 8):
            return None, f"Go build info header has pointer size {ptr_size}"
        bo = ">" if flags & 1 else "<"
        fmt = bo + ("I" if ptr_size == 4 else "Q")

        def read_ptr(b: bytes, off: int) -> int | None:
            chunk = b[off:off + ptr_size]
            return struct.unpack(fmt, chunk)[0] if len(chunk) == ptr_size else None

        def read_gostring(addr: int | None) -> bytes:
            if addr is None:
                return b""
            hdr = vread(addr, 2 * ptr_size)
            sptr, slen = read_ptr(hdr, 0), read_ptr(hdr, ptr_size)
            if sptr is None or slen is None or slen > MAX_GO_STRING:
                return b""
            s = vread(sptr, slen)
            return s if len(s) == slen else b""

        vers_b = read_gostring(read_ptr(blob, 16))
        mod_b = read_gostring(read_ptr(blob, 16 + ptr_size))
    vers = vers_b.decode("utf-8", "replace")
    if not vers:
        return None, "Go build info header found but the Go version is empty"
    mod = mod_b.decode("utf-8", "replace")
    if len(mod) >= 33 and mod[-17] == "\n":
        mod = mod[16:-16]   # strip the sentinel framing around the module info
    else:
        mod = ""
    return _parse_modinfo(mod, vers), None
