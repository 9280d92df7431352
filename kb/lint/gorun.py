"""`go run SCRIPT.go` of a release script of the build context that builds the program itself: the `go build`
argument list it hands to exec.Command("go", ...), read from the script's Go source (sqlc-dev/sqlc's
scripts/release.go -docker: `args := []string{"build", "-a", "-ldflags", x, "-o", "/workspace/sqlc",
"./cmd/sqlc"}` then `exec.Command("go", args...)`), so the RUN walk sees the build and where the program lands.

Only string literals are read: each `[]string{...}` literal whose first element is "build", and each
exec.Command("go", "build", ...) call written out; an element that is a variable assigned a literal first (`x :=
"-extldflags \"-static\" -X ...=" + version`) is that literal, unknown after it ("*"); any other is "*".
Linear in the script's size, no regular expressions.
"""
from __future__ import annotations

import posixpath

MAX_SCRIPT = 1 << 20  # characters of a release script read


def _items(text: str, start: int, close: str) -> tuple[list[str], int]:
    """The comma-separated elements from `start` up to the bracket `close` at depth zero, each a plain string
    literal's value or "*"; and the index after `close` (len(text) when it is not there)."""
    items, current, depth, i = [], [], 0, start
    while i < len(text):
        c = text[i]
        if c in "\"`":
            value, i = _literal(text, i)
            current.append(("lit", value))
            continue
        if c in "([{":
            depth += 1
        elif c in ")]}":
            if depth == 0 and c == close:
                break
            depth -= 1
        if c == "," and depth == 0:
            items.append(current)
            current = []
        elif not c.isspace():
            current.append(("code", c))
        i += 1
    items.append(current)
    words = [parts[0][1] if len(parts) == 1 and parts[0][0] == "lit" else
             _assigned(text, "".join(c for _, c in parts)) if all(k == "code" for k, _ in parts) else "*"
             for parts in items if parts]
    return words, i + 1


def _assigned(text: str, name: str) -> str:
    """The literal the variable `name` is first assigned (`name := "..."`, then "*" when more is added), else "*"."""
    if not name.isidentifier():
        return "*"
    for op in (" := ", " = "):
        at = text.find(name + op)
        while at > 0 and (text[at - 1].isalnum() or text[at - 1] == "_"):
            at = text.find(name + op, at + 1)
        start = at + len(name) + len(op)
        if at >= 0 and text.startswith('"', start):
            value, end = _literal(text, start)
            rest = text[end:text.find("\n", end) if "\n" in text[end:] else len(text)]
            return value + ("*" if "+" in rest else "")
    return "*"


def _literal(text: str, i: int) -> tuple[str, int]:
    """The value of the Go string literal opening at `i` ("..." with \\" and \\\\ unescaped, or `...` raw) and the
    index after it."""
    quote, end = text[i], i + 1
    while end < len(text) and text[end] != quote:
        end += 2 if quote == '"' and text[end] == "\\" else 1
    value = text[i + 1:end]
    return (value.replace('\\"', '"').replace("\\\\", "\\") if quote == '"' else value), end + 1


def go_builds(text: str) -> list[list[str]]:
    """Each `go build` argument list (`["go", "build", ...]`) the Go source `text` writes out (see above)."""
    out, text = [], text[:MAX_SCRIPT]
    for opener, close, first in (("[]string{", "}", 0), ('exec.Command("go",', ")", 0)):
        at = text.find(opener)
        while at >= 0:
            words, end = _items(text, at + len(opener), close)
            if words[first:first + 1] == ["build"]:
                out.append(["go", *words[first:]])
            at = text.find(opener, end)
    return out


def run_build(a, info, argv: list[str], cwd: str) -> list[str] | None:
    """The go build a `go run FILE.go ...` runs, when FILE.go is a context file the stage copied and builds once;
    None otherwise."""
    from ..evidence.errors import read_project_file
    from .hidden import context_path

    script = next((w for w in argv[2:] if w.endswith(".go")), None) if argv[1:2] == ["run"] else None
    rel = context_path(info.context_dirs, posixpath.join(cwd, script)) if script and a.context_dir else None
    text = read_project_file(a.context_dir, rel) if rel else None
    builds = go_builds(text) if text else []
    return builds[0] if len(builds) == 1 else None
