"""Results of consultations kept across processes, beside the cache of validated knowledge (kb/cache.py).

A consultation's result depends only on the knowledge, the code that reasons with it and the answers and evidence
given. A command run again with the same answers (a CI job, a pre-commit hook, `inspect` of an unchanged binary)
reads the result it stored last time instead of starting durable-rules, compiling rules and planning: about a third
of a one-shot run (benchmarks/ `consult_process`).

An entry is named by a checksum of its key and holds the whole key, so a hit is exact: the knowledge's cache key (the
rule files, includes too, the code of kb/ and the Python version: editing any of them changes it), then the answers
in the order rules.yaml asks them (RuleBase.in_question_order: facts and warnings follow it, whatever order the
answers came in) and the evidence. What is stored is plain data in
`marshal`, as in kb/cache.py: a record is a tuple tagged with its class name, which must be one of RECORDS with the
same number of fields, so a file that is not exactly what this code writes is ignored (and the result computed).
At most KEEP entries are kept; the command line turns the store on (kb.load(keep_results=True)), a library user
consulting thousands of times in one process has the in-memory results of RuleBase instead.
"""
from __future__ import annotations

import marshal
import os

from .cache import _SCALARS, BadEntry, _checksum, cache_dir, prune, read_payload, write_entry
from .model import Assumption, Fact, Justification, Plan, Reason, Rejection, Result, Step

FORMAT = b"minimage-result-1\n"
PREFIX = "result-"
KEEP = 256  # entries: a result takes 5-60 KiB
MAX_ENTRY = 8 << 20
RECORDS = {cls.__name__: cls for cls in (Result, Plan, Reason, Rejection, Assumption, Justification, Fact, Step)}
_MAX_DEPTH = 16


def encode(value):
    """`value` (a Result and what it holds) as plain data marshal writes; TypeError for anything else."""
    kind = type(value)
    if kind in _SCALARS:
        return value
    if RECORDS.get(kind.__name__) is kind:
        return (kind.__name__.encode(), *map(encode, value))
    if kind is tuple:
        return tuple(map(encode, value))
    if kind is list:
        return list(map(encode, value))
    if isinstance(value, dict):
        return {k if type(k) in _SCALARS else _refuse(k): encode(v) for k, v in value.items()}
    return _refuse(value)


def _refuse(value):
    raise TypeError(f"a result cannot be stored with a {type(value).__name__} in it")


def decode(data, depth: int = 0):
    """What `encode` made `data` from; BadEntry if `data` is anything else."""
    kind = type(data)
    if kind in _SCALARS:
        return data
    if depth > _MAX_DEPTH:
        raise BadEntry("nested too deeply")
    if kind is tuple:
        if data and type(data[0]) is bytes:
            cls = RECORDS.get(data[0].decode("ascii", "replace"))
            if cls is None or len(data) - 1 != len(cls._fields):
                raise BadEntry("a record this code does not write")
            return cls._make([decode(v, depth + 1) for v in data[1:]])
        return tuple([decode(v, depth + 1) for v in data])
    if kind is list:
        return [decode(v, depth + 1) for v in data]
    if kind is dict:
        if not all(type(k) in _SCALARS for k in data):
            raise BadEntry("a key that is not plain")
        return {k: decode(v, depth + 1) for k, v in data.items()}
    raise BadEntry(f"a value of type {kind.__name__}")


class ResultStore:
    """Results by (knowledge, answers, evidence) in a directory (the knowledge cache's unless given)."""

    def __init__(self, knowledge_key: str, directory: str | os.PathLike | None = None):
        self.knowledge_key = knowledge_key
        self.directory = cache_dir(directory)

    def _key(self, answers, evidence) -> tuple[str, str]:
        """(the whole key as text, the file that holds it)."""
        text = repr((self.knowledge_key, tuple(answers.items()), tuple(evidence)))
        return text, os.path.join(self.directory, f"{PREFIX}{_checksum(text.encode('utf-8', 'surrogatepass'))}.marshal")

    def get(self, answers, evidence) -> Result | None:
        """The stored result of exactly these answers and evidence, or None."""
        text, path = self._key(answers, evidence)
        payload = read_payload(path, FORMAT, MAX_ENTRY)
        if payload is None:
            return None
        try:
            key, data = marshal.loads(payload)
            if key != text:
                return None  # another key with the same checksum
            result = decode(data)
        except (BadEntry, ValueError, EOFError, TypeError):
            return None
        return result if type(result) is Result else None

    def put(self, answers, evidence, result: Result) -> None:
        """Store `result`; a directory that cannot be written is simply not used."""
        text, path = self._key(answers, evidence)
        try:
            write_entry(self.directory, path, FORMAT, marshal.dumps((text, encode(result))))
            prune(self.directory, KEEP, PREFIX)
        except (OSError, TypeError, ValueError):
            pass
