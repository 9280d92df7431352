"""The loads a user waits for after editing one rule file (issue 13), timed next to the uncached load of the same
files in the same run: figures.py turns them into the table's rows.

Each round edits the file (outside the timed part: a new size for an image, so its bytes change), then times the
load. The knowledge cache then misses, as it does for the user; the per-file layer (kb/loader/filecache.py) kept by
the round before serves the files that did not change.
"""
from __future__ import annotations

import os
import re
import shutil
import tempfile
import time

from .timing import ROOT, interleaved, median

LAYER = """# a user's own rule file, edited between runs
images:
  - ref: example.com/mine/base:1
    title: our base image
    libc: glibc
    loader: /lib64/ld-linux-x86-64.so.2
    release: debian13
    size_mb: {size}
    sources: [A1]
"""


def _timed(edit, load):
    """A side of `interleaved`: edit, then time the load alone."""
    def side() -> float:
        edit()
        start = time.perf_counter()
        load()
        return time.perf_counter() - start
    return side


def edited_layer(rounds: int) -> tuple[float, float, str]:
    """kb.load with the user's rule file layered on top, as the command line loads it (the knowledge cache and the
    per-file layer in a private directory), after that file was edited; the baseline is the same load uncached."""
    import kb

    directory = tempfile.mkdtemp(prefix="bench-edited-")
    layer = os.path.join(directory, "mine.yaml")
    sizes = iter(range(1, 1 << 30))

    def edit() -> None:
        with open(layer, "w", encoding="utf-8") as f:
            f.write(LAYER.format(size=next(sizes)))

    try:
        edit()
        kb.load(layer, cache_dir=directory)  # what the run before the edit left
        t = interleaved({"ours": _timed(edit, lambda: kb.load(layer, cache_dir=directory)),
                         "cold": _timed(edit, lambda: kb.load(layer, cache=False))}, rounds)
    finally:
        shutil.rmtree(directory, ignore_errors=True)
    return (median(t["ours"]), median(t["cold"]),
            "the user's own rule file (--rules) edited between runs: the knowledge cache misses, the shipped files "
            "are replayed from the per-file layer, the edited file alone is parsed and read, the cross-checks run "
            "and the knowledge cache's new entry is written; baseline: the same load uncached")


def edited_shipped(rounds: int, name: str = "images.yaml") -> tuple[float, float, str]:
    """The same after an edit of one shipped file, knowledge/`name` (in a copy of rules.yaml and knowledge/): it is
    parsed and read, the files that do not look at what it changed are replayed; the baseline is the same load
    uncached."""
    from kb import cache
    from kb.loader import load_knowledge

    directory = tempfile.mkdtemp(prefix="bench-edited-")
    top = os.path.join(directory, "kbase")
    os.mkdir(top)
    shutil.copy(ROOT / "rules.yaml", top)
    shutil.copytree(ROOT / "knowledge", os.path.join(top, "knowledge"))
    rules, path = os.path.join(top, "rules.yaml"), os.path.join(top, "knowledge", name)
    store = os.path.join(directory, "cache")
    with open(path, encoding="utf-8") as f:
        text = f.read()
    sizes = iter(range(1, 1 << 30))

    def edit() -> None:  # the first image's size changed, as a catalogue update does
        with open(path, "w", encoding="utf-8") as f:
            f.write(re.sub(r"size_mb: [0-9.]+", f"size_mb: {next(sizes)}.5", text, count=1))

    def ours() -> None:
        cache.load_cached([rules], lambda: load_knowledge([rules], base=False, file_cache=store), store)

    try:
        edit()
        ours()
        t = interleaved({"ours": _timed(edit, ours),
                         "cold": _timed(edit, lambda: load_knowledge([rules], base=False))}, rounds)
    finally:
        shutil.rmtree(directory, ignore_errors=True)
    return (median(t["ours"]), median(t["cold"]),
            f"knowledge/{name} edited (an image's size) in a copy of the shipped files: it is parsed and read, the "
            "other files are replayed (none after it looks at the images), the cross-checks run and the knowledge "
            "cache's new entry is written; baseline: the same load uncached")
