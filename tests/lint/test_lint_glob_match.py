"""kb/lint/profiles.py matches image references against the families' globs without compiling most of them (a
one-file lint would otherwise compile every glob a reference gets near): it must answer exactly as fnmatchcase."""
from __future__ import annotations

import fnmatch
import random

from kb.lint.profiles import _match, _stars, _with_tag


def _filled(pattern: str, rnd: random.Random) -> str:
    """A reference the glob may match: each wildcard replaced by something plausible."""
    out, i = "", 0
    while i < len(pattern):
        ch = pattern[i]
        if ch == "*":
            out += rnd.choice(["", "x", "-alpine3.12", "1", ".5-bookworm", "3.1", "-debian12", ":"])
        elif ch == "?":
            out += rnd.choice("a1.-")
        elif ch == "[" and (end := pattern.find("]", i + 2)) > 0:
            out += rnd.choice([c for c in pattern[i + 1:end] if c not in "!-"] or ["z"])
            i = end
        else:
            out += ch
        i += 1
    return out


def test_the_families_globs_match_as_fnmatch_matches(knowledge):
    rnd = random.Random(9)
    globs = {p for f in knowledge.image_families for p in (*f.match, *(p for p, _ in f.release_by_tag))}
    refs = set(knowledge.images) | {"golang:1.19", "golang:1.20.3-alpine", "scratch", "python:3.12-slim"}
    for glob in globs:
        for _ in range(4):
            ref = _filled(glob, rnd)
            at = rnd.randrange(len(ref)) if ref else 0
            refs |= {ref, ref[:at] + rnd.choice("ab:-.1") + ref[at + 1:]}  # and one character off
    refs |= {_with_tag(r) for r in list(refs)}
    wrong = [(r, g) for r in refs for g in globs if _match(r, g) != fnmatch.fnmatchcase(r, g)]
    assert wrong == [] and len(globs) > 100


def test_a_glob_of_stars_only_matches_as_fnmatch_matches():
    rnd = random.Random(3)
    for _ in range(20_000):
        glob = "".join(rnd.choice("ab*") for _ in range(rnd.randint(0, 7)))
        name = "".join(rnd.choice("ab") for _ in range(rnd.randint(0, 8)))
        assert _stars(name, glob.split("*")) == fnmatch.fnmatchcase(name, glob), (name, glob)
