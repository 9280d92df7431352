"""A cache of validated knowledge, keyed by the exact bytes of the rule files.

Parsing and validating rules.yaml costs more than a whole consultation; a command-line run reuses the result of
the last run with the same files instead (and then needs no YAML library at all).

What is stored cannot run code: the knowledge is turned into plain data (str, int, float, bool, None, tuples,
lists, dicts, frozensets; each record as a tuple of its fields) and written with `marshal`, which builds values
and never calls anything. Reading it back checks every value's type and every record's arity against the record
classes of kb.model before anything is built, so a shared, restored or planted cache file is either exactly
what we wrote or ignored (a checksum catches a torn or corrupted file before marshal sees it).

The key is the content of the top-level rule files, the Python version, and the code that reads and validates
knowledge (every module of kb/ and its packages except the evidence readers: by size and modification time). A hit is used only
while every file the knowledge was read from, includes too, has the same digest (or stamp: kb.files.file_stamps).

The directory is `cache_dir` when given, else $MINIMAGE_CACHE_DIR, else $XDG_CACHE_HOME/minimage (~/.cache/minimage).
At most KEEP entries are kept (the oldest are removed when one is written). A directory that cannot be read or
written is simply not used. MINIMAGE_NO_CACHE=1 turns the cache off.
"""
from __future__ import annotations

import marshal
import os
import sys
import zlib
from _thread import allocate_lock

from .files import code_stamp as _code_stamp, file_stamps
from .model import (Caveat, Change, Condition, Diagnosis, DiagnosisFix, Example, Image, ImageFamily, Knowledge,
                    LintExample, LintRule, Question, Rule, Step, Strategy)

FORMAT = b"minimage-knowledge-7\n"
SUFFIX = ".marshal"
KEEP = 8  # entries kept in the directory
MAX_ENTRY = 32 << 20  # bytes: the shipped knowledge takes about 0.3 MiB


def cache_dir(directory: str | os.PathLike | None = None) -> str:
    if directory is not None:
        return os.fspath(directory)
    if os.environ.get("MINIMAGE_CACHE_DIR"):
        return os.environ["MINIMAGE_CACHE_DIR"]
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "minimage")


def _content(path: str) -> bytes | None:
    from .files import MAX_RULE_FILE, InputFileError, read_bytes

    try:
        return read_bytes(path, MAX_RULE_FILE, "a rule file")  # a FIFO or /dev/zero is never opened
    except InputFileError:
        return None


def _checksum(blob: bytes) -> str:
    # Two independent checksums and the length: enough to notice any edit, and zlib is already loaded where
    # hashlib would load OpenSSL (milliseconds on every run).
    return f"{zlib.crc32(blob):08x}{zlib.adler32(blob):08x}{len(blob):x}"


def _digest(path: str) -> str | None:
    content = _content(path)
    return None if content is None else _checksum(content)


def _key(files: list[str]) -> str | None:
    data = [FORMAT, sys.version.encode(), _code_stamp()]
    for path in files:
        content = _content(path)
        if content is None:
            return None  # let the loader report it
        data += [os.path.abspath(path).encode(), content]
    return _checksum(b"\0".join(data))


def _digests(files: list[str]) -> tuple[tuple[str, str | None], ...]:
    """Every file the knowledge was read from (includes too), with its digest: a hit is valid only while all match."""
    return tuple((path, _digest(path)) for path in files)


# -- plain data, both ways ------------------------------------------------------------------------------------------

# every record class a Knowledge holds, and where one record holds others
RECORDS = {cls.__name__: cls for cls in (Question, Image, Strategy, Step, Change,
                                         Caveat, Rule, Condition, Example,
                                         ImageFamily, LintRule, LintExample, Diagnosis,
                                         DiagnosisFix)}
NESTED = {("Rule", "when"): "Condition", ("Rule", "examples"): "Example", ("Strategy", "steps"): "Step",
          ("Change", "steps"): "Step", ("LintRule", "examples"): "LintExample",
          ("Diagnosis", "fixes"): "DiagnosisFix"}
# Knowledge field -> (shape, record name or None): shape "map" is dict[str, record], "list" a list of records,
# "plain" plain data
SECTIONS = {"files": ("plain", None), "questions": ("map", "Question"), "derived": ("plain", None),
            "evidence": ("plain", None), "releases": ("plain", None), "default_debian": ("plain", None),
            "libraries": ("plain", None), "images": ("map", "Image"), "image_aliases": ("plain", None),
            "strategies": ("map", "Strategy"), "changes": ("map", "Change"), "caveats": ("map", "Caveat"),
            "rules": ("map", "Rule"), "image_families": ("list", "ImageFamily"), "lints": ("map", "LintRule"),
            "diagnoses": ("map", "Diagnosis"), "native_packages": ("plain", None)}
# Sections of records, stored as marshal blobs of their own and decoded, with the same checks, on first use: each
# command reads only some (a consultation never reads lints or diagnoses, lint never strategies or rules, diagnose
# neither), so none pays for the others.
LAZY = ("questions", "images", "strategies", "changes", "caveats", "rules", "image_families", "lints", "diagnoses",
        "native_packages")
_PLAIN = (str, int, float, bool, type(None))


class BadEntry(ValueError):
    """A cache entry that is not exactly what this code writes."""


def _encode_plain(value):
    """A copy of `value` in types marshal writes (dict subclasses such as Located become dicts)."""
    if type(value) in _SCALARS or type(value) in (tuple, frozenset) and all(type(v) in _SCALARS for v in value):
        return value  # plain already, and immutable: most fields (text, tuples of text)
    if isinstance(value, _PLAIN):
        return value
    if hasattr(value, "_fields"):  # a record where plain data was expected: NESTED must name it, or it comes back a tuple
        raise TypeError(f"a {type(value).__name__} record in a field that NESTED does not list")
    if isinstance(value, dict):
        return {k: _encode_plain(v) for k, v in value.items()}
    if isinstance(value, tuple):
        return tuple(_encode_plain(v) for v in value)
    if isinstance(value, list):
        return [_encode_plain(v) for v in value]
    if isinstance(value, frozenset):
        return frozenset(_encode_plain(v) for v in value)
    raise TypeError(f"cannot cache a {type(value).__name__}")


def _encode_record(rec) -> tuple:
    cls, layout, _ = _LAYOUT.get(type(rec).__name__, (None, (), True))  # per field: the record class it holds
    if cls is not type(rec):
        raise TypeError(f"cannot cache a {type(rec).__name__}: not a record of the knowledge")
    return tuple([_encode_plain(value) if nested is None else tuple([_encode_record(r) for r in value])
                  for nested, value in zip(layout, rec)])  # records are tuples of their fields


ENCODED = "_encoded_records"  # where kb/loader/filecache.py leaves id -> (record or value, its plain form)
READ = "_read_files"  # where kb/loader leaves the digests and stamps of the rule files as it read them


def _memo(value, memo: dict, record: bool):
    """The plain form of a record or value: the memo's (which holds the object: no id is reused), else encoded."""
    hit = memo.get(id(value))
    if hit is not None and hit[0] is value:
        return hit[1]
    if record:
        return _encode_record(value)
    return {k: _memo(v, memo, False) for k, v in value.items()} if type(value) is dict else _encode_plain(value)


def encode(knowledge: Knowledge, memo: dict | None = None) -> dict:
    unlisted = set(knowledge.FIELDS) - set(SECTIONS)
    if unlisted:  # a field SECTIONS does not list would come back empty: refuse to cache rather than lose it
        raise TypeError(f"Knowledge fields the cache does not know: {', '.join(sorted(unlisted))}")
    memo = memo or {}
    out = {}
    for name, (shape, _) in SECTIONS.items():
        value = getattr(knowledge, name)
        if shape == "map":
            out[name] = {k: _memo(v, memo, True) for k, v in value.items()}
        elif shape == "list":
            out[name] = [_memo(v, memo, True) for v in value]
        else:
            out[name] = _memo(value, memo, False) if memo else _encode_plain(value)
    return out


_SCALARS = frozenset(_PLAIN)
_CONTAINERS = frozenset((tuple, list, frozenset))


def _check_plain(value, depth: int = 0) -> None:
    """BadEntry unless `value` is plain data. A container's types are gathered at C speed (`set(map(type, ...))`)
    and only non-scalar members are walked: most of the knowledge is tuples of strings, and this runs on every
    cached load."""
    kind = type(value)
    if kind in _SCALARS:
        return
    if depth > 32:
        raise BadEntry("nested too deeply")
    if kind is dict:
        if not _SCALARS.issuperset(map(type, value)):
            bad = next(k for k in value if type(k) not in _SCALARS)
            raise BadEntry(f"a key of type {type(bad).__name__}")
        members = value.values()
    elif kind in _CONTAINERS:
        members = value
    else:
        raise BadEntry(f"a value of type {kind.__name__}")
    if not _SCALARS.issuperset(map(type, members)):
        for v in members:
            if type(v) not in _SCALARS:
                _check_plain(v, depth + 1)


# record name -> (class, for each field: the name of the record class it holds, or None for plain data; whether
# every field is plain data)
_LAYOUT = {name: (cls, layout, not any(layout)) for name, cls in RECORDS.items()
           for layout in [tuple(NESTED.get((name, f)) for f in cls._fields)]}


def _decode_record(name: str, data):
    cls, layout, plain_only = _LAYOUT[name]
    if type(data) is not tuple or len(data) != len(layout):
        raise BadEntry(f"a {name} that is not a tuple of {len(layout)} fields")
    if plain_only:  # only plain fields: check them, build directly
        for value in data:
            if type(value) not in _SCALARS:
                _check_plain(value)
        return cls._make(data)
    values = []
    for nested, value in zip(layout, data):
        if nested is None:
            if type(value) not in _SCALARS:
                _check_plain(value)
            values.append(value)
        elif type(value) is not tuple:
            raise BadEntry(f"a {name} field holds {type(value).__name__}, not {nested} records")
        else:
            values.append(tuple([_decode_record(nested, v) for v in value]))
    return cls._make(values)


def _decode_section(name: str, value):
    shape, record_name = SECTIONS[name]
    if shape == "map":
        if type(value) is not dict:
            raise BadEntry(f"{name} is not a mapping")
        decoded = {}
        for k, v in value.items():
            if type(k) is not str:
                raise BadEntry(f"a key of {name} is not text")
            decoded[k] = _decode_record(record_name, v)
        return decoded
    if shape == "list":
        if type(value) is not list:
            raise BadEntry(f"{name} is not a list")
        return [_decode_record(record_name, v) for v in value]
    _check_plain(value)
    return value


def decode(data) -> Knowledge:
    """The Knowledge that `encode` turned into `data`; BadEntry if `data` is anything else."""
    if type(data) is not dict or set(data) != set(SECTIONS):
        raise BadEntry("not the sections of a knowledge base")
    fields = {name: _decode_section(name, data[name]) for name in SECTIONS}
    if type(fields["files"]) is not list or not all(type(f) is str for f in fields["files"]):
        raise BadEntry("files is not a list of paths")
    return Knowledge(**fields)


def _no_reload() -> Knowledge:
    raise BadEntry("a section of the cache entry is not what this code writes, and no rule files to read instead")


def _rebuild(fields: dict) -> Knowledge:
    return Knowledge(**fields)


class CachedKnowledge(Knowledge):
    """Knowledge read from a cache entry: the LAZY sections stay marshal blobs until first read, then are decoded
    and checked like the rest. An entry that passed the checksum but whose blob is not what we write (planted by
    hand) is not trusted for any of them: they are read again from the rule files (`reload`)."""

    def __init__(self, fields: dict, blobs: dict[str, bytes], reload) -> None:
        super().__init__(**fields)
        for name in blobs:
            del self.__dict__[name]  # __getattr__ runs only for a missing attribute
        self._blobs = blobs
        self._reload = reload
        self._decoding = allocate_lock()  # a rule base is shared between threads: one decodes, the others wait

    def __getattr__(self, name: str):
        mine = self.__dict__
        if name in mine:  # decoded by another thread since this lookup missed it
            return mine[name]
        if name not in mine.get("_blobs", ()):
            if name in mine:  # another thread decoded it between the two lookups: it sets, then drops the blob
                return mine[name]
            raise AttributeError(name)
        with mine["_decoding"]:
            if name in mine:  # decoded by another thread while this one waited
                return mine[name]
            blobs = mine["_blobs"]
            try:
                value = _decode_section(name, marshal.loads(blobs[name]))
            except (BadEntry, ValueError, EOFError, TypeError, KeyError):
                fresh = self._reload()
                for lazy in blobs:
                    mine[lazy] = getattr(fresh, lazy)
                blobs.clear()
                return mine[name]
            mine[name] = value
            del blobs[name]
            return value

    def __reduce__(self):  # a plain Knowledge, every section decoded (consult_many sends it to workers)
        return _rebuild, ({f: getattr(self, f) for f in self.FIELDS},)


# -- the directory --------------------------------------------------------------------------------------------------


def _read_entry(path: str, reload=None):
    """(digests, stamps, knowledge) from a cache file, or None if it is missing or not exactly what we write.
    `reload` reads the knowledge from the rule files, for a lazy section that turns out not to be what we write."""
    payload = read_payload(path, FORMAT, MAX_ENTRY)
    if payload is None:
        return None
    try:
        digests, stamps, data, blobs = marshal.loads(payload)  # stamps are only compared with file_stamps' tuples
        if type(digests) is not tuple or not all(
                type(d) is tuple and len(d) == 2 and type(d[0]) is str and type(d[1]) in (str, type(None))
                for d in digests):
            return None
        if type(data) is not dict or type(blobs) is not dict or set(blobs) != set(LAZY) or \
                not all(type(b) is bytes for b in blobs.values()) or set(data) != set(SECTIONS) - set(LAZY):
            return None
        fields = {name: _decode_section(name, value) for name, value in data.items()}
        if type(fields["files"]) is not list or not all(type(f) is str for f in fields["files"]):
            return None
        return digests, stamps, CachedKnowledge(fields, dict(blobs), reload or _no_reload)
    except (BadEntry, ValueError, EOFError, TypeError, KeyError):
        return None


def _write_entry(directory: str, path: str, knowledge: Knowledge, digests, stamps=None) -> None:
    data = encode(knowledge, vars(knowledge).pop(ENCODED, None))
    blobs = {name: marshal.dumps(data.pop(name)) for name in LAZY}
    write_entry(directory, path, FORMAT, marshal.dumps((digests, stamps, data, blobs)))


def write_entry(directory: str, path: str, form: bytes, payload: bytes) -> None:
    """`form`, the payload's checksum and the payload, written atomically: a temporary file created exclusively
    (never through a planted link), then renamed over `path`."""
    blob = form + _checksum(payload).encode() + b"\n" + payload
    os.makedirs(directory, mode=0o700, exist_ok=True)
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
    tmp = os.path.join(directory, f".{os.path.basename(path)}-{os.urandom(6).hex()}.tmp")
    fd = os.open(tmp, flags, 0o600)
    try:
        try:
            view = memoryview(blob)
            while view:
                view = view[os.write(fd, view):]
        finally:
            os.close(fd)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def read_payload(path: str, form: bytes, limit: int) -> bytes | None:
    """The payload `write_entry` wrote to `path`, or None if it is missing, not a regular file, another format, torn
    or corrupted (marshal never sees a payload whose checksum does not match)."""
    from .files import InputFileError, read_bytes

    try:
        blob = read_bytes(path, limit, "a cache entry", follow_symlinks=False)
    except InputFileError:
        return None
    if not blob.startswith(form):
        return None  # another format, or not ours at all
    checksum, sep, payload = blob[len(form):].partition(b"\n")
    if not sep or checksum.decode("ascii", "replace") != _checksum(payload):
        return None
    return payload


def prune(directory: str, keep: int = KEEP, prefix: str = "knowledge-", suffix: str = SUFFIX) -> None:
    """Remove all but the `keep` newest entries named `prefix`...`suffix`, entries of older formats (pickles), and
    stale temporary files."""
    try:
        entries = list(os.scandir(directory))
    except OSError:
        return
    ours = []
    for e in entries:
        try:
            if e.name.startswith(prefix) and e.name.endswith(suffix) and e.is_file(follow_symlinks=False):
                ours.append((e.stat(follow_symlinks=False).st_mtime_ns, e.path))
            elif e.name.startswith(prefix) and e.name.endswith(".pickle") or \
                    e.name.startswith("." + prefix) and e.name.endswith(".tmp"):
                os.unlink(e.path)
        except OSError:
            pass
    ours.sort(reverse=True)
    for _, path in ours[keep:]:
        try:
            os.unlink(path)
        except OSError:
            pass


def load_cached(files: list[str], load, directory: str | os.PathLike | None = None) -> Knowledge:
    """`load()` the knowledge, or reuse what an earlier call with byte-identical files (and code) stored. Knowledge
    that comes from or goes into the cache has a `cache_key` naming exactly those files and that code."""
    key = None if os.environ.get("MINIMAGE_NO_CACHE") else _key(files)
    if key is None:
        return load()
    where = cache_dir(directory)
    path = os.path.join(where, f"knowledge-{key}{SUFFIX}")
    entry = _read_entry(path, load)
    if entry is not None:
        digests, stamps, knowledge = entry
        paths = [p for p, _ in digests]
        if stamps is not None and stamps == file_stamps(paths) or digests == _digests(paths):
            knowledge.cache_key = _full_key(key, digests)
            return knowledge
    knowledge = load()
    read_digests, read_stamps = vars(knowledge).pop(READ, None) or ({}, {})
    # the files the load read are taken as it read them (each stamp taken before its bytes); the others (the source
    # documents) are stamped now, before their bytes are read: either way, a change in between is seen
    stamps = file_stamps(knowledge.files, settled=True, known=read_stamps)
    digests = tuple((p, read_digests[p] if p in read_digests else _digest(p)) for p in knowledge.files)
    try:
        _write_entry(where, path, knowledge, digests, stamps)
        prune(where)
    except (OSError, TypeError, ValueError):
        return knowledge  # a read-only home is fine: we just do not cache
    knowledge.cache_key = _full_key(key, digests)
    return knowledge


def _full_key(key: str, digests) -> str:
    """The key of the top-level files and the code, and the digest of every file read (includes too)."""
    return f"{key}-{_checksum(repr(digests).encode())}"
