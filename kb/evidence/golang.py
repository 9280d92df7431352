"""The Go part of the project scanner: go.mod, go.sum and the imports of *.go files.

Observations: go.module, go.version, go.toolchain; go.cgo_module (a module of the native-package table, from go.mod,
go.sum or an import); go.cgo_import (`import "C"`); go.imports_net (net, or a standard package that links it),
go.imports_os_user, go.imports_plugin, go.tls, go.tzdata_embedded; go.third_party_import (a package outside the
standard library: it may use net or cgo); go.cgo_static (a `#cgo LDFLAGS:` line of a file that imports "C" passes
-static: cgo then links the program externally and statically); tz.used, tls.https_url. `_test.go` files count for
none of them.
"""
from __future__ import annotations

import os

from ..lazyre import lazy
from .textscan import QUOTED_HTTPS, Lines, go_imports

# `_Scan` in annotations is kb.evidence.project._Scan, which imports this module: named,
# never imported (annotations are not evaluated here)

#: standard packages whose import is observed (net/rpc, net/smtp and net/http/... link net too)
GO_WATCH = {"net": "go.imports_net", "net/http": "go.imports_net", "net/rpc": "go.imports_net",
            "net/smtp": "go.imports_net", "os/user": "go.imports_os_user", "plugin": "go.imports_plugin",
            "crypto/tls": "go.tls", "time/tzdata": "go.tzdata_embedded", "C": "go.cgo_import"}
_GO_LOADLOC = lazy(r"\btime\.LoadLocation\s*\(")


def watched(path: str) -> str | None:
    """The observation an import of `path` makes, if it is one we watch."""
    if path in GO_WATCH:
        return GO_WATCH[path]
    if path.startswith(("net/http/", "net/rpc/")):
        return "go.imports_net"
    return None


def analyse_go(sc: "_Scan") -> None:
    natives = {name: e for name, e in sc.natives.get("go", {}).items() if not e.get("pure_go")}  # the cgo modules
    for rel in sc.files:
        base = os.path.basename(rel)
        if base == "go.mod":
            text = sc.read(rel)
            if text is None:
                continue
            for i, line in enumerate(text.split("\n"), 1):
                s = line.split("//", 1)[0].strip()
                word, _, rest = s.replace("\t", " ").partition(" ")
                rest = rest.strip()
                if word == "module" and rest:
                    sc.add("go.module", rest.split()[0].strip('"'), rel, i)
                elif word == "go" and (v := _go_version(rest)):
                    sc.add("go.version", v, rel, i)
                elif word == "toolchain" and rest.startswith("go") and len(rest) > 2:
                    sc.add("go.toolchain", rest[2:].split()[0], rel, i)
                else:
                    _match_go_module(sc, s, rel, i, natives)
        elif base == "go.sum":
            text = sc.read(rel, lock=True)
            if text is None:
                continue
            seen = set()
            for i, line in enumerate(text.split("\n"), 1):
                mod = line.split(" ", 1)[0]
                if mod and mod not in seen:
                    seen.add(mod)
                    _match_go_module(sc, mod, rel, i, natives)
        elif base.endswith(".go") and not base.endswith("_test.go"):
            text = sc.read(rel)
            if text is None:
                continue
            third_party = False
            for path, line in go_imports(text):
                if key := watched(path):
                    sc.add(key, path, rel, line)
                for name, entry in natives.items():
                    if path == name or path.startswith(name + "/"):
                        sc.add("go.cgo_module", name, rel, line, entry.get("note"))
                if not third_party and "." in path.split("/", 1)[0]:
                    third_party = True
                    sc.add("go.third_party_import", path, rel, line)
            lines = Lines(text)
            if "#cgo" in text and (at := _static_ldflags(text)) >= 0:
                sc.add("go.cgo_static", "-static", rel, lines.of(at))
            if m := _GO_LOADLOC.search(text):
                sc.add("tz.used", "time.LoadLocation", rel, lines.of(m.start()))
            if m := QUOTED_HTTPS.search(text):
                sc.add("tls.https_url", "https", rel, lines.of(m.start()))


def _static_ldflags(text: str) -> int:
    """Where the first `#cgo [GOOS ...] LDFLAGS: ... -static` line of a cgo preamble starts, or -1 (read line by line:
    go.dev/cmd/cgo, "#cgo directives"; a build constraint before LDFLAGS is taken as holding on Linux)."""
    at = text.find("#cgo")
    while at >= 0:
        end = text.find("\n", at)
        line = text[at:end if end >= 0 else len(text)]
        head, colon, flags = line.partition(":")
        if colon and head.split()[-1:] == ["LDFLAGS"] and any(w in ("-static", "-static-pie") for w in flags.split()):
            return at
        at = text.find("#cgo", at + 4)
    return -1


def _go_version(s: str) -> str | None:
    """The `go` directive's version: 1.22 or 1.22.3 (digits and at most two dots), else None."""
    v = ""
    for ch in s:
        if not (ch == "." or "0" <= ch <= "9"):
            break
        v += ch
    parts = v.split(".")
    if len(parts) < 2 or not parts[0] or not parts[1]:
        return None
    return ".".join(parts[:2] + ([parts[2]] if len(parts) > 2 and parts[2] else []))


def _match_go_module(sc: "_Scan", s: str, rel: str, line: int, natives: dict) -> None:
    s = s.strip()
    if s.startswith("require"):
        s = s[len("require"):].strip().lstrip("(").strip()
    mod = s.split()[0] if s else ""
    for name, entry in natives.items():
        if mod == name or mod.startswith(name + "/"):
            sc.add("go.cgo_module", name, rel, line, entry.get("note"))
