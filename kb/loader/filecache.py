"""The per-file layer under the cache of validated knowledge: what reading one rule file added, kept by its content.

The cache of validated knowledge (kb/cache.py) serves a load only when every rule file is byte-identical to a
stored load; after an edit of one file (the user's own layer, rules.yaml, one file of knowledge/) it missed, and the
whole knowledge was parsed and validated again, three quarters of that time in libyaml. This layer keeps, for each
rule file read, what reading its sections added to the knowledge: its records, its problems (`file:LINE: ID:
message`), where it defined each id, the rules waiting for the cross-checks, and its `include:` list. A load that
finds a file's entry replays it instead of parsing and reading the file; the cross-checks across files and layers
run on every load as before.

Reading a file's sections is not a function of that file alone: a duplicate id, a fact defined twice, an image
alias, a release or a question a later file names are checked against what the files read before it hold. So the
reader of a file is given the knowledge through a view that notes each field it reads (`_WatchedKnowledge`), and
its entry (found by the file's path and bytes) is used only while each of those fields holds what it held then:
every field carries a digest of what the files read so far added to it. A reading that looked at anything else
(where an id was defined, for a duplicate's message; a method of the knowledge) is used only after the very same
files, in the same order. This is exact by construction: a reading that sees the same values does the same, as
long as the section readers reach what earlier files added only through `self.kb` and `self.origin` (they append to
`problems` and `pending` and never read them; tests/test_rulefile_cache.py renames ids in every file to check). So
an edit of the user's own rule file, or of rules.yaml's own sections, reads that file alone; an edit of an image's
size in knowledge/images.yaml reads images.yaml alone (no file after it looks at the images); an edit of
releases.yaml reads it and image-families.yaml, which checks its releases. The files a file includes are read
between its `include:` and its own sections; the state after them is the one its entry is checked against.

The entries of one load are kept together, one file (a pack) per set of top-level rule files, at most KEEP packs:
a load reads one file and writes at most one. They are plain data written with `marshal` (nothing that can run
code) behind a checksum, and every value and record is type-checked before it is used, like kb/cache.py's: an entry
that is not exactly what this code writes is ignored and the file read again. MINIMAGE_NO_CACHE=1 turns this layer
off with the other one.
"""
from __future__ import annotations

import marshal
import os
import sys

from ..cache import BadEntry, _checksum, _code_stamp, prune as _prune, read_payload, write_entry
from ..files import default_rules_path
from ..model import Knowledge
from .filedelta import PLAIN_MAPS, RECORD_MAPS, decode_delta, delta as _delta, fields_added

FORMAT = b"minimage-rulefile-1\n"
SUFFIX = ".rulefile"
PREFIX = "file-"
KEEP = 8  # packs kept: one per set of top-level rule files (the shipped rules.yaml alone, with a layer, ...)
MAX_ENTRY = 32 << 20  # bytes: the shipped knowledge's pack takes about 0.5 MiB


class FileCache:
    """The per-file entries of one load, in `directory`; `chain` is the digest of what has been read so far.

    The entries of a load are kept together in one file (a pack) named by the load's top-level rule files, so a
    load reads one file and writes at most one: that of the last load of the same files, with the entries it used
    and those it wrote. A pack is read whole, and an entry is checked when it is used."""

    def __init__(self, directory: str | os.PathLike, documents: set[str], tops: list[str]) -> None:
        self.directory = os.fspath(directory)
        self.base = self.chain = _checksum(b"\0".join([FORMAT, sys.version.encode(), _code_stamp(),
                                                       "\n".join(sorted(documents)).encode()]))
        self.fields: dict[str, str] = {}  # Knowledge field -> digest of what the files read so far added to it
        self.last: tuple = ()  # (field, digest of what it added) for each field the file just read added to
        name = _checksum("\0".join(os.path.abspath(t) for t in tops).encode())
        # the user's own top-level rule files, edited again and again: an entry of theirs alone is not worth a write
        self.volatile = {os.path.abspath(t) for t in tops} - {default_rules_path()}
        self.pack = os.path.join(self.directory, f"{PREFIX}{name}{SUFFIX}")
        self.old: dict | None = None  # the pack's entries by key, each a marshal blob: read at the first lookup
        self.new: dict[str, bytes] = {}  # the entries this load used or made, for the next pack
        self.changed = False
        # id of a record or value replayed or stored -> (it, its plain form), which is what kb/cache.py's encode
        # makes of it: the knowledge cache's write reuses it (kb.cache.ENCODED)
        self.encoded: dict[int, tuple] = {}

    # -- one file ---------------------------------------------------------------------------------------------------

    def start(self, path: str, display: str, content: str) -> tuple[str, tuple | None]:
        """The key of `path` read now with bytes whose digest is `content`, and its entry (include, expected chain,
        delta) or None."""
        path = os.path.abspath(path)
        key = _checksum("\0".join([self.base, path, display, content]).encode())
        if self.old is None:
            self.old = _read_pack(self.pack)
        blob = self.old.get(key)
        if type(blob) is not bytes:
            return key, None
        try:
            raw = marshal.loads(blob)
            if type(raw) is not tuple or len(raw) != 7 or raw[:3] != (path, display, content) \
                    or type(raw[5]) is not tuple or not all(type(a) is tuple and len(a) == 2 and type(a[0]) is str
                                                            and type(a[1]) is str for a in raw[5]) \
                    or type(raw[6]) is not tuple or len(raw[6]) != 8:
                return key, None
            entry = (_include(raw[3]), _deps(raw[4]), decode_delta(raw[6]), (raw[6][0], raw[6][4]), raw[5])
        except (BadEntry, ValueError, EOFError, TypeError, KeyError):
            return key, None
        self.new[key] = blob
        return key, entry

    def usable(self, entry: tuple | None) -> bool:
        """Whether `entry` was read on a state that holds now what its reading looked at: the same contents of every
        field of the knowledge it read (or, had it read anything else, such as where an id was defined, the same
        files read before it)."""
        if entry is None:
            return False
        chain, fields = entry[1]
        if chain is not None:
            return chain == self.chain
        return all(self.fields.get(name, self.base) == digest for name, digest in fields)

    def watch(self, kb: Knowledge, origin: dict) -> tuple:
        """The knowledge and the origins as a file's reader is to see them, noting what it reads."""
        seen: set[str] = set()
        return _WatchedKnowledge(kb, seen), _WatchedOrigin(origin, seen), seen

    def finish(self, key: str) -> None:
        """The file's sections are read (or replayed): the state moves on."""
        self.chain = _checksum(f"{key}\0{self.chain}".encode())
        for name, digest in self.last:
            self.fields[name] = _checksum(f"{self.fields.get(name, self.base)}\0{digest}".encode())
        self.last = ()

    def snapshot(self, kb: Knowledge, problems: list, origin: dict, pending: list) -> tuple:
        """What the knowledge holds before a file's sections are read, to tell what reading them added."""
        return ({name: dict(getattr(kb, name)) for name in (*RECORD_MAPS, *PLAIN_MAPS)},
                {eco: dict(names) for eco, names in kb.native_packages.items()},
                kb.default_debian, list(kb.image_families), len(problems), dict(origin), len(pending))

    def store(self, key: str, path: str, display: str, content: str, include, before: tuple, kb: Knowledge,
              problems: list, origin: dict, pending: list, seen: set[str]) -> None:
        """Keep what reading the file's sections added to `kb`, `problems`, `origin` and `pending` since `before`,
        with what the reading looked at (`seen`, from `watch`)."""
        self.new.pop(key, None)
        # unless it is kept: every field changed, as far as the files after it can tell, by all that was read
        self.last = tuple((name, f"{self.chain}\0{key}") for name in Knowledge.FIELDS)
        try:
            delta, encoded = _delta(before, kb, problems, origin, pending)
            added = fields_added(delta)
            deps = (self.chain, ()) if seen - set(Knowledge.FIELDS) else \
                (None, tuple((name, self.fields.get(name, self.base)) for name in sorted(seen)))
            self.new[key] = marshal.dumps((os.path.abspath(path), display, content, include, deps, added, delta))
        except (TypeError, ValueError):  # something a replay could not repeat: read from its text every time
            return
        self.last = added
        self.changed = self.changed or os.path.abspath(path) not in self.volatile
        self.encoded.update((id(record), (record, raw)) for record, raw in encoded)

    def replay(self, entry: tuple, kb: Knowledge, problems: list, origin: dict, pending: list) -> None:
        """Add what the entry says the file's sections add (decoded and checked by `start`)."""
        records, plain, natives, default_debian, families, new_problems, new_origin, new_pending = entry[2]
        self.last = entry[4]
        raw_records, raw_families = entry[3]
        encoded = self.encoded
        for name, added in records.items():
            getattr(kb, name).update(added)
            raw = raw_records[name]
            for key, record in added.items():
                encoded[id(record)] = (record, raw[key])
        for record, raw in zip(families, raw_families):
            encoded[id(record)] = (record, raw)
        for name, added in plain.items():  # plain data as decoded: their own plain form
            getattr(kb, name).update(added)
            encoded.update((id(v), (v, v)) for v in added.values())
        for eco, added in natives.items():
            kb.native_packages.setdefault(eco, {}).update(added)
            encoded.update((id(v), (v, v)) for v in added.values())
        if default_debian is not None:
            kb.default_debian = default_debian
        kb.image_families[:0] = families
        problems.extend(new_problems)
        origin.update(new_origin)
        pending.extend(new_pending)

    def done(self) -> None:
        """Write the pack of this load's entries when any is new, but for the user's own top-level rule files
        (atomically; a directory that cannot be written is not used), and remove all but the KEEP most recently
        written packs."""
        if not self.changed:
            return
        try:
            write_entry(self.directory, self.pack, FORMAT, marshal.dumps(self.new))
        except (OSError, TypeError, ValueError):
            return
        prune(self.directory)


def _read_pack(path: str) -> dict:
    """The entries of the pack at `path` by key (marshal blobs, each read and checked when used), or none."""
    payload = read_payload(path, FORMAT, MAX_ENTRY)
    if payload is None:
        return {}
    try:
        entries = marshal.loads(payload)
    except (ValueError, EOFError, TypeError):
        return {}
    return entries if type(entries) is dict else {}


class _WatchedKnowledge:
    """The knowledge as one file's reader sees it: each field it reads or sets is noted in `seen` (a property per
    field; anything else, a method which may read any field, is noted under its own name, which is no field: the
    entry then needs the same files read before it)."""

    __slots__ = ("_kb", "_seen")

    def __init__(self, kb: Knowledge, seen: set[str]) -> None:
        object.__setattr__(self, "_kb", kb)
        object.__setattr__(self, "_seen", seen)

    def __getattr__(self, name: str):  # not a field
        self._seen.add(name)
        return getattr(self._kb, name)

    def __setattr__(self, name: str, value) -> None:  # a field (default_debian) or not
        self._seen.add(name)
        setattr(self._kb, name, value)


def _watched_field(name: str) -> property:
    def get(view: _WatchedKnowledge):
        view._seen.add(name)
        return getattr(view._kb, name)

    return property(get)


for _name in Knowledge.FIELDS:
    setattr(_WatchedKnowledge, _name, _watched_field(_name))


class _WatchedOrigin:
    """Where each id was defined, as one file's reader sees it: reading it is noted as "origin" (no field of the
    knowledge: the entry then needs the same files read before it); writing is not."""

    def __init__(self, origin: dict, seen: set[str]) -> None:
        self._origin, self._seen = origin, seen

    def __setitem__(self, key, value) -> None:
        self._origin[key] = value

    def __getattr__(self, name: str):  # get, __contains__ through it: any read
        self._seen.add("origin")
        return getattr(self._origin, name)

    def __contains__(self, key) -> bool:
        self._seen.add("origin")
        return key in self._origin

    def __getitem__(self, key):
        self._seen.add("origin")
        return self._origin[key]


def _deps(value) -> tuple[str | None, tuple]:
    """What an entry's reading looked at: (the chain of files read before it, or None and each field it read with the
    digest it had)."""
    if type(value) is not tuple or len(value) != 2 or not (value[0] is None or type(value[0]) is str) \
            or type(value[1]) is not tuple or not all(type(f) is tuple and len(f) == 2 and type(f[0]) is str
                                                      and type(f[1]) is str for f in value[1]):
        raise BadEntry("not what a reading looked at")
    return value


def _include(value) -> tuple[int, list[str] | None] | None:
    if value is None:
        return None
    if type(value) is not tuple or len(value) != 2 or type(value[0]) is not int or not (
            value[1] is None or type(value[1]) is list and all(type(n) is str and n for n in value[1])):
        raise BadEntry("not an include list")
    return value


def prune(directory: str, keep: int = KEEP) -> None:
    """Remove all but the `keep` most recently written packs (and stale temporary files)."""
    _prune(directory, keep, PREFIX, SUFFIX)
