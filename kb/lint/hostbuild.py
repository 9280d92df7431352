"""How a Go program copied prebuilt from the build context was built on the host (MI402), and what its source shows
about outgoing TLS (MI411, MI416).

kb/lint/prebuilt.py takes a COPY from the build context of a file named after the context's Go program for that
program. It was built outside the Dockerfile, on a developer's machine or a CI runner, where cgo's default applies:
"The cgo tool is enabled by default for native builds on systems where it is expected to work" (go.dev/cmd/cgo);
since Go 1.20 it is off when no C compiler is found (go.dev/doc/go1.20). A host with gcc (every CI image, most
developer machines) builds with cgo on, and a program that imports net (net/http, ...), os/user, plugin or C then
links the host's C library dynamically: glibc, on the usual host, which scratch, busybox, Alpine and distroless
static lack.

What the build context shows of that build, read here:

* the Makefile's recipes (kb/lint/makefiles.py, includes in the context spliced in), build scripts (build.sh,
  scripts/build.sh, hack/build.sh) and goreleaser's configuration (kb/lint/goreleaser.py: the build a dist/ path
  or `binary:` names, its `env: [CGO_ENABLED=0]` or the global one; first when its `dockers:` builds this
  Dockerfile, since GoReleaser then puts its own binaries in the Docker context);
* of the `go build` or `go install` command that writes the copied file (its -o path, or the name go gives the
  package): CGO_ENABLED set on the command line (`CGO_ENABLED=0 go build`, `env CGO_ENABLED=0 ...`), by an earlier
  `export` of the recipe or script, or by the Makefile's `export CGO_ENABLED...`; `-tags netgo,osusergo`;
  `-ldflags '-extldflags "-static"'`; GOOS.

A build lint cannot see (no such file, a Makefile that includes one the context does not have) is judged by the
default, and the finding says so. Whether the program imports net, os/user, plugin or C is read from its package and
the packages of its module it reaches (as kb/lint/goclients.py walks them), bounded the same way.
"""
from __future__ import annotations

import posixpath
from ..records import Data, record
from .builds import GO_ARCHES, GO_COMMANDS
from .context import Unseen, context_file as _read

SCRIPTS = ("build.sh", "scripts/build.sh", "hack/build.sh")
MAX_PACKAGES = 200  # package directories walked from the program's package
MAX_BYTES = 16 << 20  # source read from it
#: standard-library packages that use cgo when it is on (net's resolver, os/user's lookups) or are cgo itself; the
#: net/* packages that import net bring its resolver
_CGO_STD = ("C", "net", "os/user", "plugin", "net/http", "net/rpc", "net/smtp", "net/textproto", "net/mail")


@record
class HostBuild(Data):
    """The command that built the copied program, as the build context shows it."""

    where: str  # "Makefile:5: go build ." / ".goreleaser.yml"
    how: str  # "make airflow-prometheus-exporter", "goreleaser", "build.sh"
    cgo: str | None  # CGO_ENABLED as set ("0"/"1"), None when left to the default
    static: str  # why it is static whatever cgo does ("-tags netgo,osusergo"), "" otherwise
    goos: str  # GOOS as set, "" when not
    target: str  # the package it builds (".", "./cmd/app"), "" when not known


def go_commands(text: str, env: dict | None = None, shell: dict | None = None):
    """(argv from `go` on, the environment it gets, the directory it runs in relative to where the text runs) of
    each `go build|install` in a shell text; `env` (the exported variables) grows with each `export NAME=VALUE` seen
    before, the directory with each relative `cd DIR`. `shell`, when given, gets the values each plain assignment
    before the command may have given a variable (NAME=VALUE alone on its line), for output_names()."""
    from .shellwords import simple_commands

    env, cwd = dict(env or {}), ""
    for argv in simple_commands(text):
        if argv and argv[0] == "export":
            env.update(w.split("=", 1) for w in argv[1:] if "=" in w)
            continue
        if shell is not None and argv and all("=" in w and not w.startswith(("-", "=")) for w in argv):
            for name, _, value in (w.partition("=") for w in argv):
                _assigned(shell, name, value)
            continue
        if len(argv) == 2 and argv[0] == "cd":
            known = not argv[1].startswith("/") and "$" not in argv[1] and "*" not in argv[1]
            cwd = posixpath.normpath(posixpath.join(cwd, argv[1])) if known else "*"
            continue
        local = {}
        while argv and ("=" in argv[0] and not argv[0].startswith("-") or argv[0] == "env"):
            if argv[0] != "env":
                k, _, v = argv[0].partition("=")
                local[k] = v
            argv = argv[1:]
        if len(argv) > 1 and posixpath.basename(argv[0]) in GO_COMMANDS and argv[1] in ("build", "install"):
            yield argv, {**env, **local}, cwd


def output_of(argv: list[str], module: str | None, cwd: str = "") -> tuple[str, str]:
    """(the path `go build` writes, relative to where the text runs (`cwd` is the directory the command runs in
    there), or its name; the package it builds, "./DIR" from there for a relative one)."""
    out, pkgs, i = "", [], 2
    takes = {"-o", "-ldflags", "-tags", "-gcflags", "-asmflags", "-mod", "-p", "-pkgdir", "-installsuffix",
             "-modfile", "-overlay", "-pgo", "-C", "-buildmode", "--ldflags", "--tags"}
    while i < len(argv):
        w = argv[i]
        if w in takes:
            if w == "-o" and i + 1 < len(argv):
                out = argv[i + 1]
            i += 2
            continue
        if w.startswith("-o="):
            out = w[3:]
        elif not w.startswith("-"):
            pkgs.append(w)
        i += 1
    pkg = pkgs[0] if pkgs else "."
    if cwd == "*":  # run in a directory lint cannot know
        return (out if out.startswith("/") else ""), "*"
    files = posixpath.basename(pkg)[:-3] if pkg.endswith(".go") else ""  # go build main.go writes main
    if cwd and cwd != "." and (pkg.startswith(".") or files):
        pkg = "./" + posixpath.normpath(posixpath.join(cwd, posixpath.dirname(pkg) if files else pkg))
        out = posixpath.normpath(posixpath.join(cwd, out)) if out and not out.startswith("/") else out
    if files:
        name = files
    elif pkg in (".", "./") and module:
        name = module.rstrip("/").split("/")[-1]
    else:
        name = posixpath.basename(pkg.rstrip("/")) if "..." not in pkg else ""
    if out.endswith("/"):
        out += name
    return (out or (posixpath.join(cwd, name) if cwd and cwd != "." and name else name)), pkg


def _assigned(shell: dict, name: str, value: str) -> None:
    """Record `name=value`: one that builds on the variable's own value (`out=${out}.exe`, inside an `if` the flat
    walk does not see) adds a value beside the earlier ones, any other replaces them (at most 8 kept)."""
    if f"${name}" in value or f"${{{name}}}" in value:
        earlier = shell.get(name, [""])
        grown = [v for old in earlier for v in _expansions(value, {**shell, name: [old]})]
        shell[name] = (shell.get(name, []) + grown)[:8]
    else:
        shell[name] = _expansions(value, shell)[:8]


def _expansions(word: str, shell: dict) -> list[str]:
    """`word` with each $NAME or ${NAME} of `shell` replaced by each of its values, any other by "*" (a value lint
    cannot know: a loop variable, the environment's)."""
    from .shellwords import _VAR

    out, at = [""], 0
    for m in _VAR.finditer(word):
        values = shell.get(m.group(1) or m.group(2), ["*"])
        out = [o + word[at:m.start()] + v for o in out for v in values][:8]
        at = m.end()
    return [o + word[at:] for o in out]


def output_names(out: str, shell: dict) -> list[str]:
    """The paths a -o `out` written with shell variables may name, each unknown part "*"; none whose file name is
    only such parts (`-o "$OUT"` names no file lint can match)."""
    names = _expansions(out, shell) if "$" in out else [out]
    return [n for n in names if posixpath.basename(n).strip("*-_.")]


def _flags(argv: list[str]) -> tuple[str, str]:
    """(-ldflags, -tags) of a go command, each joined."""
    ld, tags = [], []
    for i, w in enumerate(argv):
        for opt, acc in (("-ldflags", ld), ("-tags", tags), ("--ldflags", ld), ("--tags", tags)):
            if w == opt and i + 1 < len(argv):
                acc.append(argv[i + 1])
            elif w.startswith(opt + "="):
                acc.append(w[len(opt) + 1:])
    return " ".join(ld), ",".join(tags)


def _static(ldflags: str, tags: str) -> str:
    from .builds import _extld_static

    if _extld_static(ldflags):
        return "-ldflags '-extldflags -static'"
    tagset = {t.strip() for t in tags.replace(" ", ",").split(",") if t.strip()}
    return "-tags netgo,osusergo" if {"netgo", "osusergo"} <= tagset else ""


def _matches(out: str, src: str) -> bool:
    """Does the file a go command writes (`out`, from the context's root) name the copied `src`?"""
    if not out or "$" in out:
        return False
    norm = lambda p: posixpath.normpath(p.lstrip("/")).lstrip("./") if p else ""  # noqa: E731
    if "*" in out:  # a part make computes ($(shell uname -s)): each "*" stands for one run of characters
        return out.count("*") <= 4 and _glob(norm(out), norm(src))
    return norm(out) == norm(src) or posixpath.basename(out) == posixpath.basename(src.rstrip("/"))


def _glob(pattern: str, text: str) -> bool:
    """Does `text` match `pattern`, whose "*" match any run of characters but "/"? Greedy by pieces, leftmost:
    linear in the text for each of the few pieces."""
    pieces = pattern.split("*")
    if len(pieces) == 1:
        return pattern == text
    if not text.startswith(pieces[0]) or not text.endswith(pieces[-1]) or \
            len(text) < len(pieces[0]) + len(pieces[-1]):
        return False
    at, end = len(pieces[0]), len(text) - len(pieces[-1])
    for piece in pieces[1:-1]:
        found = text.find(piece, at, end)
        if found < 0 or "/" in text[at:found]:
            return False
        at = found + len(piece)
    return "/" not in text[at:end]


def _makefile_builds(a, module: str | None):
    """(HostBuild, output) for each go command of the context's Makefile's rules."""
    from .makefiles import exported, rule_lines

    text = a._makefile("", None)
    if text is None:
        return
    raw = next((t for t in (_read(a, n) for n in ("GNUmakefile", "makefile", "Makefile")) if t is not None), "")
    numbers: dict[str, int] = {}
    for n, ln in enumerate(raw.splitlines()[:4000], 1):
        numbers.setdefault(ln.strip(), n)
    env = exported(text)
    for target, line, source in rule_lines(text):
        for argv, cenv, cwd in go_commands(line, env):
            number = numbers.get(source.strip(), 0)
            out, pkg = output_of(argv, module, cwd)
            ld, tags = _flags(argv)
            where = f"Makefile:{number}: {' '.join(argv)}" if number else f"Makefile: {' '.join(argv)}"
            cgo = cenv.get("CGO_ENABLED")
            yield HostBuild(where, f"make {target}", cgo if cgo in ("0", "1") else None, _static(ld, tags),
                            cenv.get("GOOS", ""), pkg), out


def _script_builds(a, module: str | None):
    for rel in SCRIPTS:
        text = _read(a, rel)
        if text is None:
            continue
        env: dict = {}
        for number, line in enumerate(text.splitlines()[:4000], 1):
            for argv, cenv, cwd in go_commands(line, env):
                out, pkg = output_of(argv, module, cwd)
                ld, tags = _flags(argv)
                cgo = cenv.get("CGO_ENABLED")
                yield HostBuild(f"{rel}:{number}: {' '.join(argv)}", rel, cgo if cgo in ("0", "1") else None,
                                _static(ld, tags), cenv.get("GOOS", ""), pkg), out
            if line.strip().startswith("export "):
                from .shellwords import simple_commands

                for argv in simple_commands(line):
                    env.update(w.split("=", 1) for w in argv[1:] if argv[0] == "export" and "=" in w)


def _workflow_builds(a, module: str | None):
    """(HostBuild, output) for each go build or install of a `run:` step of the context's GitHub Actions workflows,
    in the environment the workflow, its job and the step set; an output written with shell variables (a loop's
    "dist/${output}") gives each name it may have, its unknown parts "*"."""
    from .workflows import WORKFLOWS, workflow_jobs

    for name, doc, job_name, job in workflow_jobs(a, "go "):
        for step in job.get("steps") if isinstance(job.get("steps"), list) else ():
            run = step.get("run") if isinstance(step, dict) else None
            if not isinstance(run, str):
                continue
            env, shell = {**_env_of(doc), **_env_of(job), **_env_of(step)}, {}
            for argv, cenv, cwd in go_commands(run, env, shell):
                out, pkg = output_of(argv, module, cwd)
                ld, tags = _flags(argv)
                cgo = cenv.get("CGO_ENABLED")
                build = HostBuild(f"{WORKFLOWS}/{name}, job {job_name}: {' '.join(argv)}", f"the workflow {name}",
                                  cgo if cgo in ("0", "1") else None, _static(ld, tags), cenv.get("GOOS", ""), pkg)
                for each in output_names(out, shell):
                    yield build, each


def _env_of(node) -> dict[str, str]:
    """The `env:` mapping of a workflow, job or step, its values as text (a number or boolean as YAML wrote it)."""
    env = node.get("env") if isinstance(node, dict) else None
    return {str(k): str(v) for k, v in env.items() if isinstance(v, (str, int, float, bool))} \
        if isinstance(env, dict) else {}


def _release_build(release) -> HostBuild:
    """goreleaser's build (kb/lint/goreleaser.py) as the host build: its env's CGO_ENABLED, flags and ldflags."""
    which = f"build {release.build}" if release.build else "its build"
    where = release.config if release.cgo is not None else \
        f"{release.config}: neither {which}'s env nor the global env sets CGO_ENABLED=0"
    return HostBuild(where, "goreleaser", release.cgo, _static(release.ldflags, release.tags), "",
                     release.main)


def program_stem(name: str) -> str:
    """NAME of a cross build's NAME-linux-ARCH or NAME_linux_ARCH, or of a release workflow's NAME-ARCH
    (NAME-$TARGETARCH); the name itself otherwise."""
    for sep in ("-", "_"):
        stem, _, arch = name.rpartition(sep)
        head, _, goos = stem.rpartition(sep)
        if goos == "linux" and head:
            return head
        if sep == "-" and stem and arch in GO_ARCHES:
            return stem
    return name


def host_build(a, src: str, name: str, module: str | None) -> HostBuild | str:
    """The build of the copied file `src` (the program `name`) the context shows, or why lint cannot see it."""
    from .goreleaser import builds_image, dist_program, release_named, release_of

    if (dist := dist_program(src)) is not None:  # dist/ID_linux_amd64_v1/NAME: GoReleaser's output
        release = release_of(a, *dist)
        return _release_build(release) if not isinstance(release, str) else \
            f"{src} is in GoReleaser's dist layout, and {release}"
    name = program_stem(name)
    if builds_image(a) and (release := release_named(a, name)) is not None:
        return _release_build(release)  # goreleaser's `dockers:` builds this image from its own binaries
    for build, out in (*_makefile_builds(a, module), *_script_builds(a, module), *_workflow_builds(a, module)):
        if _matches(out, src) or out == name:
            return build
    release = release_named(a, name)
    if release is not None:
        return _release_build(release)
    raw = next((t for t in (_read(a, n) for n in ("GNUmakefile", "makefile", "Makefile")) if t is not None), None)
    if raw is not None:
        for line in raw.splitlines()[:4000]:
            words = line.split("#", 1)[0].split()
            if words and words[0] in ("include", "-include", "sinclude") and len(words) > 1 \
                    and ("$" in words[1] or _read(a, words[1]) is None):
                return (f"the Makefile includes {words[1]}, which is not in the build context, and none of its own "
                        f"recipes builds {name}")
        return f"no recipe of the Makefile builds {name}"
    return (f"no Makefile, build script, goreleaser configuration or workflow run step of the build context builds "
            f"{name}")


def context_tree(a):
    """The Go module of the whole build context (kb/lint/goreach.py GoTree), None without exactly one go.mod."""
    key = ("host-tree", a.context_dir)
    if key not in a.context_cache:
        from .gosources import go_sources

        a.context_cache[key] = go_sources(a.context_dir, ["."], a.kb.native_packages)[2]
    return a.context_cache[key]


def program_dir(a, art) -> str | None:
    """The context directory of the package the prebuilt program `art` was built from, None when not known."""
    from .goreach import target_dir

    tree = context_tree(a)
    if tree is None or art.go_dir is None or not art.go_target:
        return None
    start = target_dir(tree, art.go_target, art.go_dir)
    if start is None or not any(posixpath.dirname(f) == start for f in tree.files):
        return None
    return start


def cgo_use(a, art) -> tuple[bool | None, str]:
    """Does the program's package, or a package of its module it reaches, import net, os/user, plugin, C or a
    cgo-only module: (True, "FILE:LINE imports net/http"); (False, "") when the whole walk shows none; (None, why
    lint cannot tell)."""
    from ..evidence.errors import read_project_file
    from ..evidence.textscan import go_imports
    from .goreach import by_directory, package_dir

    start = program_dir(a, art)
    tree = context_tree(a)
    if start is None:
        return None, ("the build context has no single go.mod for lint to follow its imports from" if tree is None
                      else f"lint cannot find the package of the module {tree.module} it was built from")
    cgo_mods = tuple(name for name, e in a.kb.native_packages.get("go", {}).items() if not e.get("pure_go"))
    by_dir = by_directory(tree.files)
    seen, todo, others, budget = {start}, [start], [], MAX_BYTES
    while todo:
        if len(seen) > MAX_PACKAGES:
            return None, f"it reaches more than {MAX_PACKAGES} packages; lint read that many"
        d = todo.pop()
        for rel in sorted(by_dir.get(d, ())):
            text = read_project_file(a.context_dir, rel) or ""
            budget -= len(text)
            if budget < 0:
                return None, f"the source it reaches is larger than {MAX_BYTES >> 20} MiB"
            for path, number in go_imports(text):
                if path in _CGO_STD or path.startswith("net/http/") or \
                        any(path == m or path.startswith(m + "/") for m in cgo_mods):
                    return True, f"{rel}:{number} imports {path}"
                if (sub := package_dir(tree, path)) is not None:
                    if sub not in seen:
                        seen.add(sub)
                        todo.append(sub)
                elif "." in path.split("/", 1)[0] and path not in others:
                    others.append(path)
    if others:
        more = f" and {len(others) - 1} more" if len(others) > 1 else ""
        return None, f"it imports {others[0]}{more}, which lint does not follow (most network libraries import net)"
    return (False, "") if tree.complete else (None, "the build context holds more files than lint reads")


def prebuilt_tls(a, art) -> str | bool:
    """What the prebuilt program's own package and those it reaches show about outgoing TLS (kb/lint/goclients.py),
    or why lint cannot tell: never "the Go source is not in the build context" when it is."""
    from .goclients import client_calls

    start = program_dir(a, art)
    if start is None:
        tree = context_tree(a)
        return Unseen("it was built outside the Dockerfile, and " + (
            f"lint cannot tell which package of the module {tree.module} it was built from" if tree is not None else
            "the build context has no single go.mod for lint to find its package in"))
    key = ("tls-walk", a.context_dir, context_tree(a).module, context_tree(a).root, start)
    if key not in a.context_cache:
        a.context_cache[key] = client_calls(a.context_dir, context_tree(a), start,
                                            a.kb.native_packages.get("https", {}))
    return a.context_cache[key]
