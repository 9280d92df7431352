"""The imports of a Go file, as `inspect DIR` and lint see them (kb.evidence.textscan.go_imports): every spelling
of an import declaration gofmt allows or leaves alone, comments in every place, and where the reading stops."""
from __future__ import annotations

import pytest

from kb.evidence.textscan import go_imports


@pytest.mark.parametrize("text,imports", [
    ('import "net"', [("net", 1)]),
    ('import\t"net"', [("net", 1)]),
    ('import ("net")', [("net", 1)]),
    ('import("net"; "os/user")', [("net", 1), ("os/user", 1)]),
    ('import (\n\t"net"\n\t"os")', [("net", 2), ("os", 3)]),
    ('import (\n\t"net")\nimport "os"', [("net", 2), ("os", 3)]),
    ('import (\n"a"\n)\n"b"\nimport "c"', [("a", 2), ("c", 5)]),
    ("import `net/http`", [("net/http", 1)]),
    ('import u "os/user"', [("os/user", 1)]),
    ('import u\t"os/user"', [("os/user", 1)]),
    ('import _ "time/tzdata"', [("time/tzdata", 1)]),
    ('import . "strings"', [("strings", 1)]),
    ('import my.pkg "x"', [("x", 1)]),
    ('import bad-name "x"', []),
    ('import (\n\tbad-name "x"\n\t"y"\n)', [("y", 3)]),                  # a spec that does not parse is skipped

    ('import (\n\tbad-name "x")\n"y"\nimport "z"', [("z", 4)]),           # ... and its ")" still ends the block
    ('import "net" // the network', [("net", 1)]),
    ('// import "net"\nimport "os"', [("os", 2)]),
    ('/* import "net" */ import "os"', [("os", 1)]),
    ('/*\nimport "net"\n*/\nimport "os"', [("os", 4)]),
    ('/* a\n b */ import "os"', [("os", 2)]),
    ('/*/ import "net" */\nimport "os"', [("os", 2)]),                     # "/*/" opens a comment, not closes one
    ('/*\n#include <stdio.h>\n*/\nimport "C"', [("C", 4)]),
    ('import (\n\t// "net"\n\t"os" /* x */\n)', [("os", 3)]),
    ('import (\n\n\t"a"\n\n\t"b"\n)', [("a", 3), ("b", 5)]),
    ('package main\nimport "a"\nfunc f() {}\nimport "b"', [("a", 2)]),
    ('package main\nimport "a"\ntype T int\nimport "b"', [("a", 2)]),
    ('package main\nimport "a"\nvar x = 1\nimport "b"', [("a", 2)]),
    ('package main\nimport "a"\nconst c = 1\nimport "b"', [("a", 2)]),
    ('package main\nimport "a"\nfunc(x) {}\nimport "b"', [("a", 2)]),
    ('package main\nimported := 1\nimport "a"', [("a", 3)]),
    ('import "unclosed', []),
    ('import (\n\t"a"\n\t"b', [("a", 2)]),
])
def test_the_imports_of_a_go_file(text, imports):
    assert go_imports(text) == imports
