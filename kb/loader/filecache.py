"""The per-file layer under the cache of validated knowledge: what reading one rule file added, kept by its content.

The cache of validated knowledge (kb/cache.py) serves a load only when every rule file is byte-identical to a
stored load; after an edit of one file (the user's own layer, rules.yaml, one file of knowledge/) it missed, and the
whole knowledge was parsed and validated again, three quarters of that time in libyaml. This layer keeps, for each
rule file read, what reading its sections added to the knowledge: its records, its problems (`file:LINE: ID:
message`), where it defined each id, the rules waiting for the cross-checks, and its `include:` list. A load that
finds a file's entry replays it instead of parsing and reading the file; the cross-checks across files and layers
run on every load as before.

Reading a file's sections is not a function of that file alone: a duplicate id, a fact defined twice, an image
alias, a release or a question a later file names are checked against what the files read before it hold. So an
entry is keyed by the file's path and bytes and the state it was read on (`chain`: a digest of every file whose
sections were read before it, in order, with the code and the source documents validation reads): an edit of the
last layer (the user's own rule file, or rules.yaml's own sections) re-reads that file alone; an edit of a file in
the middle re-reads it and those after it. The files a file includes are read between its `include:` and its own
sections: its entry is found by the state before them and used only while the state after them is what it was.

The entries are plain data written with `marshal` (nothing that can run code) behind a checksum, and every value
and record is type-checked before it is used, like kb/cache.py's: an entry that is not exactly what this code
writes is ignored and the file read again. MINIMAGE_NO_CACHE=1 turns this layer off with the other one.
"""
from __future__ import annotations

import marshal
import os
import sys

from ..cache import (BadEntry, _check_plain, _checksum, _code_stamp, _decode_record, _encode_plain, _encode_record,
                     read_payload, write_entry)
from ..errors import Problem
from ..model import Knowledge

FORMAT = b"minimage-rulefile-1\n"
SUFFIX = ".rulefile"
PREFIX = "file-"
KEEP = 160  # entries kept: the shipped knowledge has 19 files, and each edit of a middle file rewrites those after it
MAX_ENTRY = 16 << 20
# Knowledge fields by how one file's reading adds to them: a record per id, plain data per key, the image families
# (a layer's are put before those read earlier), and the native packages (per ecosystem, then per name)
RECORD_MAPS = {"questions": "Question", "images": "Image", "strategies": "Strategy", "changes": "Change",
               "caveats": "Caveat", "rules": "Rule", "lints": "LintRule", "diagnoses": "Diagnosis"}
PLAIN_MAPS = ("derived", "evidence", "releases", "libraries", "image_aliases")
_MISSING = object()


class FileCache:
    """The per-file entries of one load, in `directory`; `chain` is the digest of what has been read so far."""

    def __init__(self, directory: str | os.PathLike, documents: set[str]) -> None:
        self.directory = os.fspath(directory)
        self.chain = _checksum(b"\0".join([FORMAT, sys.version.encode(), _code_stamp(),
                                           "\n".join(sorted(documents)).encode()]))
        self.writable = True
        self.wrote = False

    # -- one file ---------------------------------------------------------------------------------------------------

    def start(self, path: str, display: str, text: str) -> tuple[str, tuple | None]:
        """The key of `path` read now with `text`, and its entry (include, expected chain, delta) or None."""
        content = _checksum(text.encode("utf-8", "surrogatepass"))
        key = _checksum("\0".join([self.chain, os.path.abspath(path), display, content]).encode())
        entry = self._read(key, os.path.abspath(path), display, content)
        return key, entry

    def usable(self, entry: tuple | None) -> bool:
        """Whether `entry` was written on the state this load is in now (its includes read the same)."""
        return entry is not None and entry[1] == self.chain

    def finish(self, key: str) -> None:
        """The file's sections are read (or replayed): the state moves on."""
        self.chain = _checksum(f"{key}\0{self.chain}".encode())

    def snapshot(self, kb: Knowledge, problems: list, origin: dict, pending: list) -> tuple:
        """What the knowledge holds before a file's sections are read, to tell what reading them added."""
        return ({name: dict(getattr(kb, name)) for name in (*RECORD_MAPS, *PLAIN_MAPS)},
                {eco: dict(names) for eco, names in kb.native_packages.items()},
                kb.default_debian, list(kb.image_families), len(problems), dict(origin), len(pending))

    def store(self, key: str, path: str, display: str, text: str, include, before: tuple, kb: Knowledge,
              problems: list, origin: dict, pending: list) -> None:
        """Write what reading the file's sections added to `kb`, `problems`, `origin` and `pending` since `before`."""
        if not self.writable:
            return
        try:
            delta = _delta(before, kb, problems, origin, pending)
            content = _checksum(text.encode("utf-8", "surrogatepass"))
            payload = marshal.dumps((os.path.abspath(path), display, content, include, self.chain, delta))
            write_entry(self.directory, self._path(key), FORMAT, payload)
            self.wrote = True
        except (OSError, TypeError, ValueError):
            self.writable = False  # a read-only or full directory: this load goes on without writing

    def replay(self, entry: tuple, kb: Knowledge, problems: list, origin: dict, pending: list) -> None:
        """Add what the entry says the file's sections add (decoded and checked by `_read`)."""
        records, plain, natives, default_debian, families, new_problems, new_origin, new_pending = entry[2]
        for name, added in records.items():
            getattr(kb, name).update(added)
        for name, added in plain.items():
            getattr(kb, name).update(added)
        for eco, added in natives.items():
            kb.native_packages.setdefault(eco, {}).update(added)
        if default_debian is not None:
            kb.default_debian = default_debian
        kb.image_families[:0] = families
        problems.extend(new_problems)
        origin.update(new_origin)
        rules = records.get("rules", {})
        pending.extend((rules[rid], when, then) for rid, when, then in new_pending)

    def done(self) -> None:
        """Remove all but the KEEP newest entries, when this load wrote any."""
        if self.wrote:
            prune(self.directory)

    # -- the directory ----------------------------------------------------------------------------------------------

    def _path(self, key: str) -> str:
        return os.path.join(self.directory, f"{PREFIX}{key}{SUFFIX}")

    def _read(self, key: str, path: str, display: str, content: str) -> tuple | None:
        where = self._path(key)
        payload = read_payload(where, FORMAT, MAX_ENTRY)
        if payload is None:
            return None
        try:
            stored_path, stored_display, stored_content, include, expect, delta = marshal.loads(payload)
            if (stored_path, stored_display, stored_content) != (path, display, content) or type(expect) is not str:
                return None
            entry = (_include(include), expect, _decode_delta(delta))
        except (BadEntry, ValueError, EOFError, TypeError, KeyError):
            return None
        try:
            os.utime(where)  # pruning keeps the entries in use, not just the newest
        except OSError:
            pass
        return entry


def _include(value) -> tuple[int, list[str] | None] | None:
    if value is None:
        return None
    if type(value) is not tuple or len(value) != 2 or type(value[0]) is not int or not (
            value[1] is None or type(value[1]) is list and all(type(n) is str and n for n in value[1])):
        raise BadEntry("not an include list")
    return value


# -- what one file's sections added, both ways ----------------------------------------------------------------------


def _added(before: dict, after: dict) -> dict:
    """The keys of `after` that are new or hold another object than in `before`, in `after`'s order."""
    return {k: v for k, v in after.items() if before.get(k, _MISSING) is not v}


def _delta(before: tuple, kb: Knowledge, problems: list, origin: dict, pending: list) -> tuple:
    maps, natives, default_debian, families, n_problems, old_origin, n_pending = before
    now = kb.image_families
    added_families = now[:len(now) - len(families)]
    if now[len(added_families):] != families or any(a is not b for a, b in zip(now[len(added_families):], families)):
        raise TypeError("a file's reading changed the image families read before it")  # never cached, then
    records = {name: {k: _encode_record(v) for k, v in _added(maps[name], getattr(kb, name)).items()}
               for name in RECORD_MAPS}
    plain = {name: _encode_plain(_added(maps[name], getattr(kb, name))) for name in PLAIN_MAPS}
    for name in (*RECORD_MAPS, *PLAIN_MAPS):
        if set(maps[name]) - set(getattr(kb, name)):
            raise TypeError(f"a file's reading removed from {name}")
    native = {eco: _encode_plain(_added(natives.get(eco, {}), names)) for eco, names in kb.native_packages.items()
              if eco not in natives or _added(natives[eco], names)}
    return ({k: v for k, v in records.items() if v}, {k: v for k, v in plain.items() if v}, native,
            kb.default_debian if kb.default_debian != default_debian else None,
            [_encode_record(f) for f in added_families],
            [tuple(p) for p in problems[n_problems:]],
            [(section, ident, where) for (section, ident), where in _added(old_origin, origin).items()],
            [(rule.id, [(_encode_record(c), line) for c, line in when], [tuple(t) for t in then])
             for rule, when, then in pending[n_pending:]])


def _text(value) -> bool:
    return type(value) is str


def _decode_delta(delta) -> tuple:
    """The delta `_delta` wrote, as records and checked plain data; BadEntry for anything else."""
    if type(delta) is not tuple or len(delta) != 8:
        raise BadEntry("not a rule file's delta")
    records, plain, natives, default_debian, families, problems, origin, pending = delta
    if type(records) is not dict or not set(records) <= set(RECORD_MAPS) or type(plain) is not dict \
            or not set(plain) <= set(PLAIN_MAPS) or type(natives) is not dict:
        raise BadEntry("not the sections of a rule file")
    out_records = {}
    for name, added in records.items():
        if type(added) is not dict or not all(map(_text, added)):
            raise BadEntry(f"{name} is not a mapping of ids")
        out_records[name] = {k: _decode_record(RECORD_MAPS[name], v) for k, v in added.items()}
    for name, added in plain.items():
        if type(added) is not dict:
            raise BadEntry(f"{name} is not a mapping")
        _check_plain(added)
    for eco, added in natives.items():
        if not _text(eco) or type(added) is not dict:
            raise BadEntry("native packages are not a mapping per ecosystem")
        _check_plain(added)
    if default_debian is not None and not _text(default_debian):
        raise BadEntry("default_debian is not text")
    if type(families) is not list:
        raise BadEntry("image families are not a list")
    out_families = [_decode_record("ImageFamily", f) for f in families]
    if type(problems) is not list or not all(
            type(p) is tuple and len(p) == 4 and _text(p[0]) and type(p[1]) is int and _text(p[2]) and _text(p[3])
            for p in problems):
        raise BadEntry("problems are not (file, line, id, message)")
    if type(origin) is not list or not all(type(o) is tuple and len(o) == 3 and all(map(_text, o)) for o in origin):
        raise BadEntry("origins are not (section, id, where)")
    out_pending = []
    rules = out_records.get("rules", {})
    if type(pending) is not list:
        raise BadEntry("pending rules are not a list")
    for item in pending:
        if type(item) is not tuple or len(item) != 3 or item[0] not in rules or type(item[1]) is not list \
                or type(item[2]) is not list:
            raise BadEntry("a pending rule is not (id of a rule of this file, conditions, conclusions)")
        rid, when, then = item
        if not all(type(w) is tuple and len(w) == 2 and type(w[1]) is int for w in when) or not all(
                type(t) is tuple and len(t) == 3 and _text(t[0]) and _text(t[1]) and type(t[2]) is int for t in then):
            raise BadEntry("a pending rule's conditions or conclusions are not what this code writes")
        out_pending.append((rid, [(_decode_record("Condition", c), line) for c, line in when], then))
    return (out_records, plain, natives, default_debian, out_families, [Problem(*p) for p in problems],
            {(s, i): w for s, i, w in origin}, out_pending)


def prune(directory: str, keep: int = KEEP) -> None:
    """Remove all but the `keep` most recently used entries, and stale temporary files."""
    try:
        entries = list(os.scandir(directory))
    except OSError:
        return
    ours = []
    for e in entries:
        try:
            if e.name.startswith(PREFIX) and e.name.endswith(SUFFIX) and e.is_file(follow_symlinks=False):
                ours.append((e.stat(follow_symlinks=False).st_mtime_ns, e.path))
        except OSError:
            pass
    ours.sort(reverse=True)
    for _, path in ours[keep:]:
        try:
            os.unlink(path)
        except OSError:
            pass
