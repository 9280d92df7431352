"""kb/lazyre.py: a pattern compiled on first use behaves as `re.compile` of the same pattern, and a module that only
imports one does not compile it."""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from kb.lazyre import LazyPattern, lazy

REPO = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("pattern,flags,text", [
    (r"\$(?:\{([A-Za-z_]\w*)\}|([A-Za-z_]\w*))", 0, "a $HOME and ${PATH}, $1"),
    (r"^[ \t]*import\s+(\w+)", re.M, "import os\n  import sys\nx = 1\n"),
    (r"(?i)utc|gmt", 0, "TZ=UTC Etc/GMT utc"),
])
def test_every_method_gives_what_the_compiled_pattern_gives(pattern, flags, text):
    compiled, deferred = re.compile(pattern, flags), lazy(pattern, flags)
    assert deferred.pattern == compiled.pattern
    assert [m.span() for m in deferred.finditer(text)] == [m.span() for m in compiled.finditer(text)]
    assert deferred.findall(text) == compiled.findall(text)
    assert deferred.sub("<>", text) == compiled.sub("<>", text)
    assert deferred.subn(lambda m: m.group(0).upper(), text) == compiled.subn(lambda m: m.group(0).upper(), text)
    assert deferred.split(text) == compiled.split(text)
    for method in ("match", "fullmatch", "search"):
        got, want = getattr(deferred, method)(text), getattr(compiled, method)(text)
        assert (got and got.span()) == (want and want.span())
    assert deferred.search(text, 3) == compiled.search(text, 3) or \
        deferred.search(text, 3).span() == compiled.search(text, 3).span()
    assert (deferred.groups, deferred.groupindex, deferred.flags) == (compiled.groups, compiled.groupindex,
                                                                    compiled.flags)


def test_the_pattern_is_compiled_on_first_use_only_and_then_is_the_compiled_patterns_methods():
    deferred = LazyPattern(r"a+b")
    assert deferred._compiled is None
    assert deferred.search("xaab").group(0) == "aab"
    compiled = deferred._compiled
    assert isinstance(compiled, re.Pattern)
    assert deferred.search == compiled.search  # bound to the compiled pattern: no extra call on later uses
    with pytest.raises(AttributeError):
        deferred.__deepcopy__  # noqa: B018 - a probe for a special method is no use: nothing compiled for it


def test_a_bad_pattern_fails_when_first_used():
    broken = lazy(r"(unclosed")
    with pytest.raises(re.error):
        broken.search("x")


def test_importing_the_lint_modules_compiles_none_of_their_patterns():
    """The patterns of the modules a one-file lint imports are compiled by the first run that reaches them."""
    code = ("import argparse, shlex\n"  # the standard library's own patterns, compiled at its imports
            "import re._compiler as c\n"
            "seen = []\n"
            "real = c.compile\n"
            "c.compile = lambda p, flags=0: seen.append(p) or real(p, flags)\n"
            "import kb.lint, kb.evidence.dockerfile_parse, kb.lint.goclients, kb.lint.zonedata, kb.lint.loads\n"
            "print(seen)\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"
