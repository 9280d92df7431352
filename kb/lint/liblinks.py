"""Libraries linked by hand to where a package looks for them: `ln -s /usr/lib/libssl.so.3 /lib/libssl.so.3` in the
final image is Prisma's workaround for Alpine 3.21, which moved libssl to /usr/lib while Prisma's detection reads
/lib (prisma/prisma#25817). Read word by word from the RUN lines, `sh -c '...'` included; no pattern."""
from __future__ import annotations

import posixpath

from .profiles import lib_stem
from .shellwords import simple_commands

_SHELLS = ("sh", "bash", "ash", "dash")
_LIB_DIRS = ("/lib", "/lib64")


def _ln_targets(text: str, depth: int = 0):
    """(source, target) of each `ln -s` in `text`, also inside `sh -c '...'` (two levels at most)."""
    for argv in simple_commands(text):
        if not argv:
            continue
        name = posixpath.basename(argv[0])
        if name in _SHELLS and "-c" in argv[1:-1] and depth < 2:
            yield from _ln_targets(argv[argv.index("-c") + 1], depth + 1)
        elif name == "ln" and any(w.startswith("-") and not w.startswith("--") and "s" in w for w in argv[1:]):
            paths = [w for w in argv[1:] if not w.startswith("-")]
            if len(paths) == 2:
                yield paths[0], paths[1]


def linked_into_lib(a: "Analysis") -> set[str]:
    """The library stems (libssl) that a RUN of the final stage, or of a stage it is FROM, links into /lib."""
    found: set[str] = set()
    i, seen = a.final.index, 0
    while i is not None and seen <= len(a.stages):
        info = a.stages[i]
        for run in info.stage.runs:
            text = info.texts.get(run.line) or run.command or ""
            if "ln" not in text:
                continue
            for source, target in _ln_targets(text):
                into = target.rstrip("/") if target.endswith("/") or target in _LIB_DIRS else posixpath.dirname(target)
                name = posixpath.basename(source if into == target.rstrip("/") else target)
                if into in _LIB_DIRS:
                    found.add(lib_stem(name))
        i, seen = info.stage.base_stage, seen + 1
    return found
