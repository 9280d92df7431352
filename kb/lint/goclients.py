"""Does the Go package a `go build` names make outgoing TLS calls, as its own code shows (MI411, MI416)?

A module's go.mod and its files describe every command it has; what matters is the package that is built and the
packages it reaches. From the build target (the directory `go build` names, placed as kb/lint/goreach.py places it)
the walk follows each import under the module's own path to its directory in the build context, and reads each
reached file for the calls of an HTTP or TLS client:

* net/http's client: http.Get, http.Post, http.PostForm, http.Head, http.NewRequest(WithContext), http.DefaultClient,
  http.DefaultTransport, an http.Client{...} or http.Transport{...} literal;
* a client's Do of a request variable (`client.Do(req)`, `r.client.HTTP.Do(req)`) in a file that imports net/http:
  an http.Client a library made (an API SDK's) sending the request, which no server does;
* crypto/tls's client: tls.Dial, tls.DialWithDialer, tls.Client;
* gRPC's client TLS credentials (credentials.NewTLS, credentials.NewClientTLSFromCert/File), which grpc.Dial and
  grpc.NewClient take;
* an import of a module the knowledge lists as an HTTPS client (`https:` in native-packages.yaml: cloud SDKs, API
  clients), and, last, a quoted https:// URL.

A server that only imports net/http (or crypto/tls to serve with ListenAndServeTLS) shows none of these, so it is not
evidence. A reached import of another module's package that is not in that list may call out in turn, and a reached
package whose source is not in the context cannot be read: then lint cannot tell (MI416). Only `//` comment lines
are skipped.

Bounded like goreach.py: at most MAX_PACKAGES directories and MAX_BYTES of source, only the files the context scan
listed (kb/lint/context.py caps them), each read by kb.evidence.errors.read_project_file (inside the context, regular
files only, at most MAX_FILE_BYTES). The pattern is a fixed alternation of literals, each followed by one run of
blanks: linear in the text.
"""
from __future__ import annotations

import posixpath

from ..lazyre import lazy
from .context import Unseen

MAX_PACKAGES = 200  # package directories walked per build target
MAX_BYTES = 16 << 20  # source read per build target

_CALL = lazy(
    r"\b(?:http\.(?:Get|Post|PostForm|Head|NewRequest|NewRequestWithContext)[ \t]*\("
    r"|http\.(?:DefaultClient|DefaultTransport)\b"
    r"|http\.(?:Client|Transport)[ \t]*\{"
    r"|tls\.(?:Dial|DialWithDialer|Client)[ \t]*\("
    r"|credentials\.(?:NewTLS|NewClientTLSFromCert|NewClientTLSFromFile)[ \t]*\()")
_HTTPS = lazy(r"""["'`]https://""")
_DO = lazy(r"\.Do[ \t]*\([ \t]*req[A-Za-z0-9_]*[ \t]*\)")  # client.Do(req): only where net/http is imported


def _clean(call: str) -> str:
    """'http.Get(' -> 'http.Get(...)', 'http.Client {' -> 'http.Client{...}'."""
    call = call.replace(" ", "").replace("\t", "")
    return call + ("...)" if call.endswith("(") else "...}" if call.endswith("{") else "")


def _scan(text: str, imports: list, table: dict) -> tuple[int, str, bool] | None:
    """(line, what, strong) of the first client call in a file, else of its first import (of `imports`) of an
    HTTPS client module, else (not strong) of its first quoted https:// URL; None when it shows none."""
    url = None
    http = any(path == "net/http" for path, _ in imports)
    for number, line in enumerate(text.split("\n"), 1):
        if line.lstrip().startswith("//"):
            continue
        m = _CALL.search(line) or http and _DO.search(line)
        if m:
            return number, f"calls {_clean(m.group(0))}", True
        if url is None and _HTTPS.search(line):
            url = number, "names an https:// URL", False
    for path, number in imports:
        for name, entry in table.items():
            if path == name or path.startswith((name + "/", name + "-v")):
                return number, f"imports {path}: {entry.get('note') or 'an HTTPS client'}", True
    return url


def client_calls(context_dir: str, tree, start: str, table: dict) -> str | bool:
    """'FILE:LINE calls http.Get(...)' for the first client evidence in the packages reachable from directory
    `start` (a package missing from the context does not stop the walk: a call elsewhere still counts); False when
    the whole walk is visible and shows none; an Unseen reason when it cannot be told."""
    from ..evidence.errors import read_project_file
    from ..evidence.textscan import go_imports
    from .goreach import by_directory, package_dir

    by_dir = by_directory(tree.files)
    others: dict[str, None] = {}  # imports of other modules' packages, which lint does not follow
    seen, todo, budget = {start}, [start], MAX_BYTES
    url = ""  # a quoted https:// URL is evidence only when no call is: a server's help text may name one
    missing = ""  # a package the build generates (swag's docs, protobuf code): the rest may still show a call
    while todo:
        if len(seen) > MAX_PACKAGES:
            return Unseen(f"the build reaches more than {MAX_PACKAGES} packages; lint read that many")
        d = todo.pop()
        files = by_dir.get(d)
        if not files:
            missing = missing or f"the package in {d or '.'} is not in the build context"
            continue
        for rel in sorted(files):
            text = read_project_file(context_dir, rel)
            if text is None:
                return Unseen(f"{rel} cannot be read")
            budget -= len(text)
            if budget < 0:
                return Unseen(f"the reached source is larger than {MAX_BYTES >> 20} MiB")
            imports = go_imports(text)
            hit = _scan(text, imports, table)
            if hit and hit[2]:
                return f"{rel}:{hit[0]} {hit[1]}"
            url = url or (f"{rel}:{hit[0]} {hit[1]}" if hit else "")
            for path, _line in imports:
                if (sub := package_dir(tree, path)) is not None:
                    if sub not in seen:
                        seen.add(sub)
                        todo.append(sub)
                elif "." in path.split("/", 1)[0]:
                    others.setdefault(path)  # the standard library's paths have no dot
    if missing:
        return Unseen(missing)
    if url:
        return url
    if others:
        first, more = next(iter(others)), f" and {len(others) - 1} more" if len(others) > 1 else ""
        return Unseen(f"its source imports {first}{more}, which lint does not follow")  # no call seen
    return False if tree.complete else Unseen("the build context holds more files than lint reads")


def file_calls(context_dir: str, files: list[str], table: dict) -> str | None:
    """'FILE:LINE calls http.Get(...)' for the first client call in `files` (Go files of the copied source that
    import net/http), None when they show none: for a build lint cannot walk from its target. Only a main package's
    files count, tests left out: a program holds its main package, while whether it reaches another package is what
    lint could not follow (MI416)."""
    from ..evidence.errors import read_project_file
    from ..evidence.textscan import go_imports

    budget = MAX_BYTES
    for rel in sorted(set(files)):
        if rel.endswith("_test.go"):
            continue
        text = read_project_file(context_dir, rel)
        if text is None or (budget := budget - len(text)) < 0:
            return None
        if _package(text) != "main":
            continue
        hit = _scan(text, go_imports(text), table)
        if hit and hit[2]:
            return f"{rel}:{hit[0]} {hit[1]}"
    return None


def _package(text: str) -> str:
    """The name a Go file's package clause gives ('' when there is none before the imports)."""
    for line in text.splitlines():
        words = line.split()
        if words[:1] == ["package"] and len(words) > 1:
            return words[1]
        if words[:1] == ["import"]:
            break
    return ""


def tls_evidence(a, art) -> str | bool | None:
    """For kb/lint/checks.py: what the package a Go build (`art`) reaches shows about outgoing TLS, walked from its
    target; None when lint cannot place the target (no source, no single go.mod, `./...`, a variable), so the
    stage's whole copied source decides (Analysis.tls_context)."""
    if art.lang != "go" or art.go_dir is None or not a.context_dir:
        return None
    from .goreach import target_dir

    info = a.stages[art.stage]
    tree = a._go_context(info)[2]
    if tree is None:
        return None
    start = target_dir(tree, art.go_target, art.go_dir)
    if start is None or not any(posixpath.dirname(f) == start for f in tree.files):
        return None  # the built package's own source is not there: kb/lint/context.py says why
    key = ("tls-walk", a.context_dir, tree.module, tree.root, start)
    if key not in a.context_cache:
        a.context_cache[key] = client_calls(a.context_dir, tree, start, a.kb.native_packages.get("https", {}))
    return a.context_cache[key]
