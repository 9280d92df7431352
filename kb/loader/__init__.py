"""Load rules.yaml (and rule files layered on top), validate all of it, and build the knowledge objects.

Every problem found is collected, not just the first, and reported as `file:LINE: ID: message`, so a broken file
is fixed in one pass. YAML here follows 1.2 for booleans: `yes` and `no` stay strings (they are answers).

    reader.py      typed accessors, problems, the dispatch of sections
    catalogue.py   questions, facts, releases, libraries, images, strategies, changes, caveats
    rules.py       inference rules and checks, image families, lint checks, diagnoses
    crosscheck.py  references across sections and layers
    filecache.py   what reading each file added, kept by its bytes and what its reading looked at
    filedelta.py   that as plain data and back
"""
from __future__ import annotations

import gc
import os
from collections.abc import Iterable

from ..cache import ENCODED, READ, _checksum
from ..citations import read_documents, source_files
from ..errors import Problem, RuleFileError
from ..files import default_rules_path, rule_files  # noqa: F401 - part of this package's interface
from ..model import Knowledge, Located
from .catalogue import CatalogueSections
from .crosscheck import _cross_check, _cross_check_lints
from .reader import SECTIONS  # noqa: F401 - part of this package's interface
from .rules import RuleSections


class _Reader(CatalogueSections, RuleSections):
    """One rule file's reader: every section."""


def read_rule_file(path: str, read: tuple[dict, dict] | None = None) -> tuple[str | None, Problem | None]:
    """The text of a rule file, or the problem that stops it being read (kb.files: the type is checked before
    opening, so a FIFO or device never hangs us, and the size is capped at files.MAX_RULE_FILE while reading).
    With `read` (digests, stamps), the digest of the bytes read and the file's stamp as it was opened are put there
    under `path`: the caches key on what the load really read, and need not read the file again."""
    from ..files import MAX_RULE_FILE, InputFileError, decode, read_bytes

    try:
        data = read_bytes(path, MAX_RULE_FILE, "a rule file", stamps=read and read[1])
        if read:
            read[0][path] = _checksum(data)
        return decode(data, path), None
    except InputFileError as e:
        return None, Problem(path, e.line or 0, "file", e.message)


def load_knowledge(paths: Iterable[str | os.PathLike] = (), *, base: bool = True,
                   file_cache: str | os.PathLike | None = None) -> Knowledge:
    """Read the shipped rules.yaml (unless `base` is False) and then each of `paths` layered on top.

    With `file_cache` (a directory), what reading each rule file added is kept there and replayed by a later load of
    the same file while what its reading looked at is unchanged (kb/loader/filecache.py): the same knowledge and the
    same problems, without parsing the files that did not change. MINIMAGE_NO_CACHE=1 turns it off. The knowledge
    then carries the plain form of what was replayed (kb.cache.ENCODED) until kb/cache.py writes it.

    A file's `include:` list names other rule files (relative to it), read as layers before its own sections.
    `Knowledge.files` lists every file read, includes too. Raises RuleFileError listing every problem in every file.

    The cyclic garbage collector is paused while it runs, then left as the caller had it: a load allocates tens of
    thousands of objects (YAML nodes and marks, values, records), most of them alive until their file is read, and
    makes no reference cycles, so the collections those allocations set off walked live objects only, for about 30%
    of the time of a load (tests/test_loader_gc.py: no cycles left, the collector's state kept).
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        return _load(paths, base, None if os.environ.get("MINIMAGE_NO_CACHE") else file_cache)
    finally:
        if enabled:
            gc.enable()


def _load(paths: Iterable[str | os.PathLike], base: bool, file_cache: str | os.PathLike | None) -> Knowledge:
    kb = Knowledge()
    problems: list[Problem] = []
    pending: list = []
    origin: dict[tuple[str, str], str] = {}
    documents = source_files()
    ids = set(read_documents(documents))
    files = None
    tops = rule_files(paths, base=base)
    if file_cache is not None:
        from .filecache import FileCache

        files = FileCache(file_cache, ids, tops)
    read: tuple[dict, dict] = ({}, {})  # digests and stamps of the rule files as they were read
    for path in tops:
        _read_layer(kb, path, problems, origin, pending, ids, (), files, read)
    if files is not None:
        files.done()
        setattr(kb, ENCODED, files.encoded)  # for the knowledge cache's write, which drops it
    setattr(kb, READ, read)  # for the knowledge cache's write too
    kb.files += documents  # validation read them too: the cache must notice when they change
    _cross_check(kb, pending, problems)  # also after reading problems: report everything in one pass
    _cross_check_lints(kb, problems)
    if problems:
        raise RuleFileError([_with_file(p, origin) for p in problems])
    return kb


MAX_RULE_FILES = 256  # rule files read for one load, includes counted (the shipped knowledge has 9)


def _read_layer(kb: Knowledge, path: str, problems: list[Problem], origin: dict, pending: list,
                documents: set[str], including: tuple[str, ...], files, read: tuple[dict, dict]) -> None:
    """Read one rule file, its includes first, into `kb` (replaying what `files`, a FileCache or None, kept of it;
    noting the digest and stamp of what was read in `read`)."""
    if len(kb.files) >= MAX_RULE_FILES:  # `include:` lists can name files again and again: bound the work
        if len(kb.files) == MAX_RULE_FILES:
            kb.files.append(path)
            problems.append(Problem(_display(including[-1]) if including else path, 0, "include",
                                    f"more than {MAX_RULE_FILES} rule files in all: the rest were not read"))
        return
    kb.files.append(path)
    text, problem = read_rule_file(path, read)
    if problem:
        problems.append(problem)
        return
    display = _display(path)
    key, entry = files.start(path, display, read[0][path]) if files is not None else (None, None)
    doc = None
    if entry is None:
        doc = _parse(text, display, problems)
        if doc is _BROKEN:
            return
    include = entry[0] if entry is not None else _include_of(doc)
    if include is not None:
        line, names = include
        if names is None:
            problems.append(Problem(display, line, "include", "'include' is a list of rule file paths"))
            names = []
        for i, name in enumerate(names):
            target = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(path)), name))
            if target in including or target == os.path.abspath(path):
                problems.append(Problem(display, line + 1 + i, "include", f"'{name}' includes itself"))
                continue
            _read_layer(kb, target, problems, origin, pending, documents, including + (os.path.abspath(path),),
                        files, read)
    if files is None:
        _Reader(kb, display, problems, origin, pending, documents).read(doc)
        return
    if files.usable(entry):
        files.replay(entry, kb, problems, origin, pending)
    else:
        if doc is None:  # the entry was read on another state: read the file again
            doc = _parse(text, display, problems)
            if doc is _BROKEN:
                return
        before = files.snapshot(kb, problems, origin, pending)
        watched, watched_origin, seen = files.watch(kb, origin)  # what the reading looks at decides when it is valid
        _Reader(watched, display, problems, watched_origin, pending, documents).read(doc)
        files.store(key, path, display, read[0][path], include, before, kb, problems, origin, pending, seen)
    files.finish(key)


_BROKEN = object()


def _parse(text: str, display: str, problems: list[Problem]):
    """The parsed document, or _BROKEN with the YAML problem added."""
    from ..yamlfile import YamlError, parse_yaml  # only here: a cached rule base needs no YAML at all

    try:
        return parse_yaml(text)
    except YamlError as e:
        problems.append(Problem(display, e.line, "yaml", e.message))
        return _BROKEN


def _include_of(doc) -> tuple[int, list[str] | None] | None:
    """A parsed rule file's `include:`: (line, names), names None when they are not a list of paths; None when the
    file has no `include:`."""
    if not isinstance(doc, Located) or "include" not in doc:
        return None
    names = doc["include"]
    ok = isinstance(names, list) and all(isinstance(n, str) and n for n in names)
    return doc.key_lines["include"], (list(names) if ok else None)


def _display(path: str) -> str:
    """The name used in messages: as given, but the shipped files are named from the knowledge base's top
    (rules.yaml, knowledge/images.yaml)."""
    top = os.path.dirname(default_rules_path())
    full = os.path.abspath(path)
    if full == default_rules_path() or os.path.dirname(full) == os.path.join(top, "knowledge"):
        return os.path.relpath(full, top)
    return str(path)


def _with_file(p: Problem, origin: dict[tuple[str, str], str]) -> Problem:
    if p.file:
        return p
    for (section, ident), where in origin.items():
        if ident == p.ident:
            return Problem(where.rsplit(":", 1)[0], p.line, p.ident, p.message)
    return Problem("rules.yaml", p.line, p.ident, p.message)
