"""Which cgo-only modules the Go package a `go build` names really imports (MI410 and MI417).

go.mod lists the modules of every package of a Go module: a module whose commands are a server that stores data in
SQLite through mattn/go-sqlite3 and a CLI that does not lists go-sqlite3 once, and `CGO_ENABLED=0 go build
./cmd/cli` builds a CLI that never links the stub (cs3org/reva: revad imports it, reva does not). So when the source
is in the build context, the packages a build reaches are walked from its target: the target's directory, then each
import path under the module's own path (go.mod's `module` line) maps to the directory below go.mod's, and so on.
An import of a cgo-only module by a reached file is the proof (a file whose //go:build line requires cgo is left
out: a CGO_ENABLED=0 build does not compile it); a reached package with no visible source, a reached import of
another module's package (it may import the cgo-only module in turn: a GORM SQLite driver imports go-sqlite3), a
target lint cannot place (`./...`, a variable, a path outside the module) or a walk cut short make it "cannot tell".

Bounded: at most MAX_PACKAGES directories and the files the context scan already listed (kb/lint/context.py caps
them at MAX_CONTEXT_FILES), each read once (kb.evidence.errors.read_project_file: inside the context only, at most
MAX_FILE_BYTES); imports are read by kb.evidence.textscan.go_imports, linear in the text.

Also here: the versions go.mod's `require` lines name (gomods.py, gocgolibs.py), read line by line with str methods,
no regular expression: linear in the text.
"""
from __future__ import annotations

import posixpath

from ..records import Data, record

MAX_PACKAGES = 200  # package directories walked per build target


@record
class GoTree(Data):
    """The Go source a COPY set brought: the module path and the directory of its go.mod (relative to the
    context, "" for its root), and the non-test .go files the scan listed (relative to the context)."""

    module: str
    root: str
    files: tuple[str, ...]
    complete: bool  # the scan listed every file of the COPY set (it stopped at no cap)


def module_tree(report, go_files: tuple[str, ...], local_deps: frozenset[str] = frozenset()) -> "GoTree | None":
    """The module to walk: the top go.mod's, without the modules nested in it (pingcap/tiflow's tools/check/go.mod
    is a module of its own, whose packages the root module's never are) or beside it as the target of one of its
    `replace ... => ../dir` lines (`local_deps`: caraml-dev/merlin's api/ replaces a module by ../python/...); None
    when a go.mod has no module line lint read, or two modules sit side by side with none above them."""
    modules = [o for o in report.find("go.module") if posixpath.basename(o.file) == "go.mod"]
    if not modules or len(modules) != sum(posixpath.basename(f) == "go.mod" for f in report.files):
        return None
    mains = [o for o in modules if posixpath.dirname(o.file) not in local_deps] or modules
    top = min(mains, key=lambda o: o.file.count("/"))
    root = posixpath.dirname(top.file)
    nested = [posixpath.dirname(o.file) for o in modules if o is not top]
    if any((not _inside(d, root) and d not in local_deps) or d == root for d in nested):
        return None
    files = tuple(f for f in go_files if not any(_inside(f, d) for d in nested))
    return GoTree(module=top.value, root=root, files=files, complete=not report.truncated)


def local_replacements(go_mod: str, text: str) -> set[str]:
    """The context directories that go.mod (at context path `go_mod`) replaces modules with: `X => ../dir`."""
    found = set()
    for line in text.splitlines():
        _, arrow, target = line.partition("=>")
        target = target.split()[0] if arrow and target.split() else ""
        if target.startswith(("./", "../")):
            found.add(posixpath.normpath(posixpath.join(posixpath.dirname(go_mod), target)))
    return found


def _inside(path: str, directory: str) -> bool:
    return not directory or path == directory or path.startswith(directory + "/")


def target_dir(tree: GoTree, target: str, build_dir: str) -> str | None:
    """The context directory of the package `go build TARGET` builds when run in context directory `build_dir`;
    None when lint cannot place it."""
    if not target or "$" in target or "..." in target:
        return None
    if target.endswith(".go"):  # files on the command line are paths from the build directory (cmd/app/main.go)
        target = posixpath.join(".", posixpath.dirname(target))
    if target == tree.module or target.startswith(tree.module + "/"):
        rel = posixpath.join(tree.root, target[len(tree.module):].lstrip("/"))
    elif target == "." or target.startswith(("./", "../")):
        rel = posixpath.join(build_dir, target)
    else:
        return None  # an import path outside the module (go install example.com/tool@v1) or the standard library
    rel = posixpath.normpath(rel)
    if rel.startswith(".."):
        return None
    return "" if rel == "." else rel


def package_dir(tree: GoTree, path: str) -> str | None:
    """The context directory of import `path` when it is a package of the tree's module ("" for the directory of
    go.mod), else None: the standard library's or another module's. The walks of goclients.py, hostbuild.py and
    zonedata.py follow the module's own packages through it."""
    if not (path == tree.module or path.startswith(tree.module + "/")):
        return None
    sub = posixpath.normpath(posixpath.join(tree.root, path[len(tree.module):].lstrip("/")))
    return "" if sub == "." else sub


def by_directory(files) -> dict[str, list[str]]:
    """The files of each package directory."""
    out: dict[str, list[str]] = {}
    for f in files:
        out.setdefault(posixpath.dirname(f), []).append(f)
    return out


def cgo_imports_reached(context_dir: str, tree: GoTree, start: str, modules: tuple[str, ...], *, cgo: bool = False,
                        exact: frozenset = frozenset()) -> tuple[str, ...] | None:
    """The imports of cgo-only `modules` in the packages reachable from directory `start`, each as
    "MODULE (FILE:LINE)"; () when the whole walk is visible and none imports one; None when it cannot be told.
    With `cgo` the build has cgo on, so files whose //go:build line requires cgo are read too; a module in `exact`
    counts only when its own path is imported (a package of it, not the module root, may not bring it)."""
    from ..evidence.errors import read_project_file
    from ..evidence.textscan import go_imports

    by_dir = by_directory(tree.files)
    found: list[str] = []
    others = False  # a reached file imports another module's package, which may import a cgo-only one in turn
    seen = {start}
    todo = [start]
    while todo:
        if len(seen) > MAX_PACKAGES:
            return None
        d = todo.pop()
        files = by_dir.get(d)
        if not files:
            return None  # a package whose source is not in the context (or not copied): cannot tell
        for rel in files:
            text = read_project_file(context_dir, rel)
            if text is None:
                return None
            if not cgo and _needs_cgo(text):
                continue  # //go:build cgo: a CGO_ENABLED=0 build leaves the file out
            for path, line in go_imports(text):
                for mod in modules:
                    if path == mod or path.startswith(mod + "/") and mod not in exact:
                        found.append(f"{mod} ({rel}:{line})")
                sub = package_dir(tree, path)
                if sub is None:
                    others = others or "." in path.split("/", 1)[0]  # the standard library's paths have no dot
                    continue
                if sub not in seen:
                    seen.add(sub)
                    todo.append(sub)
    if found:
        return tuple(dict.fromkeys(found))
    return () if tree.complete and not others else None


def reached(a, info, built, cwd: str, context: tuple) -> tuple[str, ...] | None:
    """For kb/lint/stages.py: the imports of the cgo-only modules go.mod lists that the package `built` (a Go build
    in stage `info`, run in `cwd`) reaches; `context` is what kb/lint/gosources.py go_sources found."""
    tree = context[2] if len(context) > 2 else None
    if tree is None:
        return None
    start = target_dir(tree, built.go_target, a.context_subdir(info, cwd))
    if start is None:
        return None
    return cgo_imports_reached(a.context_dir, tree, start, built.go_cgo_packages)


def _needs_cgo(text: str) -> bool:
    """Does the file's //go:build line require cgo (false whenever cgo is)? Read up to `package`."""
    for raw in text.split("\n", 200)[:200]:
        line = raw.strip()
        if line.startswith("package "):
            return False
        if line.startswith("//go:build "):
            return _requires_cgo(line[len("//go:build "):].split("//", 1)[0])
    return False


def _requires_cgo(expr: str, depth: int = 0) -> bool:
    """`cgo`, a conjunction with a term that requires cgo (`cgo && (linux || darwin)`), or a disjunction whose every
    term does (`(cgo && linux) || (cgo && darwin)`); `||` binds looser than `&&`. Anything else (`!`, a
    disjunction with a term that does not, nesting past 16 levels) is taken not to: the file is then read."""
    expr = expr.strip()
    if depth > 16 or not expr:
        return False
    terms = _split_top(expr, "||")
    if len(terms) > 1:
        return all(_requires_cgo(t, depth + 1) for t in terms)
    for part in (p.strip() for p in _split_top(expr, "&&")):
        if part == "cgo" or (part[:1] == "(" and part[-1:] == ")" and _requires_cgo(part[1:-1], depth + 1)):
            return True
    return False


def _split_top(expr: str, op: str) -> list[str]:
    """`expr` split at each `op` outside parentheses."""
    parts, level, start = [], 0, 0
    for i, c in enumerate(expr):
        if c == "(":
            level += 1
        elif c == ")":
            level -= 1
        elif level == 0 and expr.startswith(op, i):
            parts.append(expr[start:i])
            start = i + len(op)
    parts.append(expr[start:])
    return parts


def requirements(text: str) -> dict[str, str]:
    """{module path: version} of go.mod's `require` lines, single and in blocks (`// indirect` ones too)."""
    out: dict[str, str] = {}
    block = False
    for raw in text.split("\n"):
        line = raw.split("//", 1)[0].strip()
        if block:
            if line.startswith(")"):
                block = False
                continue
            words = line.split()
        elif line.startswith("require"):
            rest = line[len("require"):].strip()
            if rest.startswith("("):
                block = True
                rest = rest[1:].strip()
            words = rest.split()
        else:
            continue
        if len(words) >= 2 and words[1].startswith("v"):
            out[words[0]] = words[1]
    return out


def required_versions(a: "Analysis", info) -> dict[str, str]:
    """requirements() of the go.mod of the Go build in stage `info` (kept per build context and module root)."""
    tree = a._go_context(info)[2] if a.context_dir else None
    if tree is None:
        return {}
    key = ("go.mod-requires", a.context_dir, tree.root)
    if key not in a.context_cache:
        from ..evidence.errors import read_project_file

        text = read_project_file(a.context_dir, posixpath.join(tree.root, "go.mod"))
        a.context_cache[key] = requirements(text) if text else {}
    return a.context_cache[key]
