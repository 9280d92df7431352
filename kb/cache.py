"""A cache of validated knowledge, keyed by the exact bytes of the rule files.

Parsing and validating rules.yaml costs more than a whole consultation; a command-line run reuses the result of
the last run with the same files instead (and then needs no YAML library at all). The key covers every file's
content, the code that reads them and the Python version, so an edit is never served stale. A cache directory
that cannot be read or written is simply not used. MINIMAGE_NO_CACHE=1 turns it off.
"""
from __future__ import annotations

import os
import pickle
import sys
import zlib

from .model import Knowledge

FORMAT = "minimage-knowledge-2"


def cache_dir() -> str:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "minimage")


def _key(files: list[str]) -> str | None:
    # Two independent checksums and the length of every file: enough to notice any edit, and zlib is already
    # loaded where hashlib would load OpenSSL (milliseconds on every run).
    data = [f"{FORMAT}\0{sys.version}".encode()]
    for path in files:
        try:
            with open(path, "rb") as f:
                content = f.read()
        except OSError:
            return None  # let the loader report it
        data += [os.path.abspath(path).encode(), content]
    blob = b"\0".join(data)
    return f"{zlib.crc32(blob):08x}{zlib.adler32(blob):08x}{len(blob):x}"


def _digests(files: list[str]) -> list[tuple[str, str | None]]:
    """Every file the knowledge was read from (includes too), with its key: a hit is valid only while all match."""
    return [(path, _key([path])) for path in files]


# the code that reads and shapes the knowledge: a change to it invalidates the cache like a change of rules.yaml
SHAPERS = [os.path.join(os.path.dirname(os.path.abspath(__file__)), name) for name in ("model.py", "loader.py")]


def load_cached(files: list[str], load) -> Knowledge:
    """`load()` the knowledge, or reuse what an earlier call with byte-identical files (and code) stored."""
    key = None if os.environ.get("MINIMAGE_NO_CACHE") else _key(SHAPERS + files)
    if key is None:
        return load()
    path = os.path.join(cache_dir(), f"knowledge-{key}.pickle")
    try:
        with open(path, "rb") as f:
            digests, knowledge = pickle.load(f)
        if isinstance(knowledge, Knowledge) and digests == _digests([p for p, _ in digests]):
            return knowledge
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, TypeError, ValueError):
        pass  # missing, unreadable or from an incompatible version: rebuild it
    knowledge = load()
    try:
        import tempfile  # only when writing: it costs more to import than a cache hit takes

        os.makedirs(cache_dir(), exist_ok=True)
        with tempfile.NamedTemporaryFile("wb", dir=cache_dir(), delete=False) as f:
            pickle.dump((_digests(knowledge.files), knowledge), f, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(f.name, path)
    except OSError:
        pass  # a read-only home is fine: we just do not cache
    return knowledge
