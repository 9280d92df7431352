"""Zone data in `minimage-ask lint` (MI418): a program that needs named time zones, in a final image without a zone
database (the advisor's MI102 as a Dockerfile check).

Evidence that the program needs named zones:

* the final image sets TZ to a named zone (ENV TZ=Europe/Berlin, in the final stage or a stage it is built FROM):
  any program that reads TZ looks the name up in /usr/share/zoneinfo; Go falls back to UTC without a word (its
  time package's initLocal), glibc likewise. UTC under any of its names (UTC, Etc/UTC, GMT, Zulu) and POSIX rules
  (CET-1CEST,...) need no data;
* a Go program (built in the Dockerfile, or copied prebuilt from the build context: kb/lint/prebuilt.py) whose
  package, or a package it reaches through its module's own imports, calls time.LoadLocation: on an image without
  zone data it returns "unknown time zone Europe/Berlin". time.LoadLocationFromTZData reads data the program brings
  and is not evidence. The walk is goclients.py's (goreach.py places the target), bounded the same way;
* a dependency that loads a zone itself, pinned by the build context's go.mod, vendor/modules.txt or dep's
  Gopkg.lock at a version that does (`zones` and `until` of native-packages.yaml's go table: alibaba-cloud-sdk-go
  before 1.53.1 signs requests with time.LoadLocation("GMT")); whether the built program reaches it is not checked;
* Python source the final image copies from the build context that imports zoneinfo (as `inspect` reads it,
  kb/evidence/ecosystems.py), unless a pip step installs, or requirements.txt, pyproject.toml or a lock file names,
  the tzdata package that zoneinfo falls back to (docs.python.org/3/library/zoneinfo.html). pytz carries its own
  copy of the database (its pytz/zoneinfo directory) and is not evidence.

What cancels it: the Go program embeds the database (an import of time/tzdata in a reached package, in a main
package of the module when lint cannot place the build (`go build ./...`), or `-tags timetzdata` in its build stage or
the context's Makefile: go.dev/pkg/time/tzdata), which also serves TZ; the
final image installs tzdata (apk add, apt-get install); the final stage (or one it is FROM) copies a zoneinfo tree
or zoneinfo.zip, or sets ZONEINFO.

Which images have zone data is the catalogue's `tzdata` (knowledge/images.yaml): "no" and "utc-only" (busybox) lack
it (the image families' `tzdata` too: scratch, alpine, busybox); an image whose zone data the knowledge does not
say gives no finding. Node carries ICU's zone data and is not read here.
"""
from __future__ import annotations

import posixpath
import re

from ..detectors import detector
from ..evidence.errors import EvidenceError
from ..lazyre import lazy
from ..model import LintRule
from .checks import _describe, _final_arrivals
from .results import Hit
from .shellwords import unquote
from .stages import Analysis

MAX_PACKAGES = 200  # package directories walked per program, as goclients.py
MAX_BYTES = 16 << 20  # source read per program

_LOAD = lazy(r"\btime\.LoadLocation[ \t]*\(")  # not LoadLocationFromTZData: "(" must follow the name
_NAMED = lazy(r":?[A-Za-z][A-Za-z0-9_+\-]*(?:/[A-Za-z0-9_+\-]+)+")  # Area/Location[/More]
_UTC = lazy(r"(?i):?(?:etc/)?(?:utc|uct|gmt|universal|zulu|greenwich)(?:[+-]?0)?")
_EMBED_TAG = "timetzdata"
_GO_EFFECT = 'time.LoadLocation returns "unknown time zone NAME" for every zone but UTC'
_PY_EFFECT = "ZoneInfo(NAME) raises ZoneInfoNotFoundError ('No time zone found with key NAME')"
_PY_DEPS = ("requirements.txt", "pyproject.toml", "Pipfile", "Pipfile.lock", "poetry.lock", "uv.lock", "setup.py",
            "setup.cfg")
_TZDATA_DEP = lazy(r"(?im)^[ \t]*[\"']?tzdata\b|name[ \t]*=[ \t]*\"tzdata\"")
_PACKAGE_MAIN = lazy(r"^package[ \t]+main\b", re.M)


def _lineage(a: Analysis):
    """The final stage and the stages it is built FROM, nearest first."""
    i = a.final.index
    while i is not None:
        yield a.stages[i]
        i = a.stages[i].stage.base_stage


def _has_zone_data(a: Analysis) -> bool:
    """Does the final image get a zone database its base lacks: tzdata installed, a zoneinfo copied, ZONEINFO set?"""
    if "tzdata" in a.final.profile.installed:
        return True
    for info in _lineage(a):
        if "tzdata" in info.profile.installed or any(name == "ZONEINFO" for name, _v in info.stage.env):
            return True
        for ins in info.stage.instructions:
            if ins.cmd in ("COPY", "ADD") and any("zoneinfo" in arg for arg in ins.args):
                return True
    return False


def _tz_env(a: Analysis) -> tuple[int, str] | None:
    """(line, value) of the ENV that sets TZ to a named zone for the final image, None when none does."""
    for info in _lineage(a):
        for ins in reversed(info.stage.instructions):
            if ins.cmd != "ENV":
                continue
            pairs = dict(zip(ins.args[0::2], ins.args[1::2]))
            if "TZ" in pairs:
                value = unquote(pairs["TZ"]).strip()  # ENV TZ="Asia/Yekaterinburg": the shell's quotes go
                named = _NAMED.fullmatch(value) and not _UTC.fullmatch(value)
                return (ins.line, value) if named else None
    return None


def _scan(text: str) -> int | None:
    """The line of the first time.LoadLocation call in a Go file that is not on a `//` comment line."""
    for number, line in enumerate(text.split("\n"), 1):
        if _LOAD.search(line) and not line.lstrip().startswith("//"):
            return number
    return None


def _walk(context_dir: str, tree, start: str) -> tuple[str | None, bool]:
    """('FILE:LINE calls time.LoadLocation', embeds) for the first call in the packages reached from directory
    `start`, and whether one of them imports time/tzdata. When the walk reaches a package of the module that is not
    in the context, the module's other library packages in it (not package main) are read as well, and the
    evidence says lint could not follow the imports to them."""
    from ..evidence.errors import read_project_file
    from ..evidence.textscan import go_imports
    from .goreach import package_dir

    by_dir: dict[str, list[str]] = {}
    for f in tree.files:
        if f.endswith(".go") and not f.endswith("_test.go"):
            by_dir.setdefault(posixpath.dirname(f), []).append(f)
    seen, todo, budget, call, embeds, missing = {start}, [start], MAX_BYTES, None, False, ""
    while todo and len(seen) <= MAX_PACKAGES:
        d = todo.pop()
        if d not in by_dir:
            missing = missing or d or "."
        for rel in sorted(by_dir.get(d, ())):
            text = read_project_file(context_dir, rel)
            budget -= len(text or "")
            if text is None or budget < 0:
                continue
            number = _scan(text) if call is None else None
            call = f"{rel}:{number} calls time.LoadLocation" if number else call
            for path, _line in go_imports(text):
                if path == "time/tzdata":
                    embeds = True
                elif (sub := package_dir(tree, path)) is not None:
                    if sub not in seen:
                        seen.add(sub)
                        todo.append(sub)
    if call is None and missing:
        for d in sorted(set(by_dir) - seen)[:MAX_PACKAGES]:
            for rel in sorted(by_dir[d]):
                text = read_project_file(context_dir, rel) or ""
                budget -= len(text)
                if budget < 0 or _PACKAGE_MAIN.search(text):
                    break
                number = _scan(text)
                if number:
                    return (f"{rel}:{number} calls time.LoadLocation, in a package of the module; the build's "
                            f"imports lead through {missing}, which is not in the build context"), embeds
    return call, embeds


def _main_embeds(a: Analysis, art) -> bool:
    """For a program lint cannot place (`go build ./...`): does a main package of the copied module import
    time/tzdata? Then the program it builds may carry the database, and lint says nothing."""
    from ..evidence.errors import read_project_file
    from ..evidence.textscan import go_imports

    tree = a._go_context(a.stages[art.stage])[2] if art.go_dir is not None else None
    if tree is None or not tree.files:  # `COPY *.go go.mod /src/`: globbed files are not listed; read the module's
        tree = _context_tree(a)
    budget = MAX_BYTES
    for rel in (tree.files if tree is not None else ()):
        if not rel.endswith(".go") or rel.endswith("_test.go"):
            continue
        text = read_project_file(a.context_dir, rel) or ""
        budget -= len(text)
        if budget < 0:
            return False
        if _PACKAGE_MAIN.search(text) and any(path == "time/tzdata" for path, _line in go_imports(text)):
            return True
    return False


def _tagged(a: Analysis, stage: int) -> bool:
    """-tags timetzdata in the build stage's RUN, ENV or ARG text, or in the build context's Makefile."""
    from ..evidence.errors import read_project_file

    if any(_EMBED_TAG in ins.original for ins in a.stages[stage].stage.instructions):
        return True
    return bool(a.context_dir) and _EMBED_TAG in (read_project_file(a.context_dir, "Makefile") or "")


def _context_tree(a: Analysis):
    """The Go module of the whole build context (kb/lint/gosources.py go_sources), read once per lint run."""
    from .gosources import go_sources

    key = ("tz-tree", a.context_dir)
    if key not in a.context_cache:
        a.context_cache[key] = go_sources(a.context_dir, ["."], a.kb.native_packages)[2]
    return a.context_cache[key]


def _go_start(a: Analysis, art) -> tuple | None:
    """(the module tree, the directory of the package the Go program `art` is built from), None if not placed."""
    from .goreach import target_dir
    from .prebuilt import CONTEXT

    if art.builder == CONTEXT:  # prebuilt: cmd/NAME when the file is named after it, else the module's root
        tree = _context_tree(a)
        if tree is None:
            return None
        base = posixpath.basename(art.path)
        dirs = {posixpath.dirname(f) for f in tree.files}
        cmd = next((d for d in sorted(dirs) if d.startswith("cmd/") and d.count("/") == 1
                    and base.startswith(d[4:]) and base[len(d) - 4:len(d) - 3] in ("", ".", "-", "_")), None)
        return tree, cmd if cmd is not None else tree.root
    if art.go_dir is None:
        return None
    tree = a._go_context(a.stages[art.stage])[2]
    if tree is None:
        return None
    start = target_dir(tree, art.go_target, art.go_dir)
    return (tree, start) if start is not None else None


def _go_programs(a: Analysis):
    """(program, COPY line) for the Go programs the final image gets, built here or copied from the context."""
    done = set()
    for art, line in _final_arrivals(a):
        if art.lang == "go" and art.stage not in done:
            done.add(art.stage)
            yield art, line
    if a.context_dir and a.final.index not in done:
        from .prebuilt import go_binaries

        yield from go_binaries(a)[:1]


_GO_MANIFESTS = ("go.mod", "vendor/modules.txt", "Gopkg.lock")


def _zone_module(a: Analysis) -> str | None:
    """'MANIFEST pins MODULE VERSION, which ...' when the build context's go.mod, vendor/modules.txt or dep's
    Gopkg.lock pins a module that loads a named zone itself (`zones` of native-packages.yaml's go table, before its
    `until` version): a dependency's call the walk of the module's own packages does not see."""
    from ..evidence.errors import read_project_file
    from ..versions import parse_version

    key = ("tz-modules", a.context_dir)
    if key in a.context_cache:
        return a.context_cache[key]
    modules = {name: e for name, e in a.kb.native_packages.get("go", {}).items() if e.get("zones")}
    found = None
    for manifest in _GO_MANIFESTS if modules else ():
        for name, version in _pinned(read_project_file(a.context_dir, manifest) or "", manifest == "Gopkg.lock"):
            entry = modules.get(name)
            until = entry and entry.get("until")
            if entry and version and (not until or parse_version(version) < parse_version(until)):
                found = f"{manifest} pins {name} {version}, which {entry['zones']}" + \
                    (f" before {until}" if until else "")
                break
        if found:
            break
    a.context_cache[key] = found
    return found


def _pinned(text: str, dep: bool):
    """(module, version without its v) for each module a go.mod, vendor/modules.txt or (dep) Gopkg.lock pins."""
    if dep:  # [[projects]] blocks: name = "...", version = "..."
        for block in text.split("[[projects]]")[1:]:
            fields = dict(line.strip().split(" = ", 1) for line in block.splitlines() if " = " in line)
            yield fields.get("name", "").strip('"'), fields.get("version", "").strip('"').lstrip("v")
        return
    for line in text.splitlines():  # `MODULE vX.Y.Z` in a require block, `require MODULE vX.Y.Z`, `# MODULE vX.Y.Z`
        words = line.replace("#", " ").split()
        if words[:1] == ["require"]:
            words = words[1:]
        if len(words) >= 2 and "/" in words[0] and words[1][:1] == "v":
            yield words[0], words[1][1:]


def _pip_tzdata(a: Analysis) -> bool:
    """Does a pip step of any stage install the tzdata package, or a requirements or project file name it?"""
    from ..evidence.errors import read_project_file
    from .runtime import install_names

    for info in a.stages:
        for _line, tool, args, cwd in info.pip_npm:
            if tool not in ("npm", "yarn", "pnpm") and "tzdata" in install_names(a, info, tool, args, cwd)[0]:
                return True
    return any(_TZDATA_DEP.search(read_project_file(a.context_dir, f) or "") for f in _PY_DEPS)


def _python_zoneinfo(a: Analysis) -> tuple[int, str] | None:
    """(COPY line, 'FILE:LINE imports zoneinfo') when the Python source the final image gets from the build context
    imports zoneinfo (or tzlocal, whose zones are zoneinfo's), which reads the system's zone data and then the tzdata
    package, and nothing installs that package; pytz carries its own database and is not evidence."""
    from ..evidence.project import inspect_project
    from .context import MAX_CONTEXT_FILES

    for info in _lineage(a):
        for ins in info.stage.instructions:
            if ins.cmd not in ("COPY", "ADD") or any(f.startswith("--from") for f in ins.flags):
                continue
            paths = [p for p in ins.args[:-1] if "*" not in p and "$" not in p]
            key = ("tz-python", a.context_dir, tuple(paths))
            if key not in a.context_cache:
                try:
                    report = inspect_project(a.context_dir, None, paths=paths, max_files=MAX_CONTEXT_FILES,
                                             ecosystems=("python",)) if paths else None
                except EvidenceError:
                    report = None
                found = [o for o in report.find("tz.used") if o.value in ("zoneinfo", "tzlocal")] if report else []
                a.context_cache[key] = f"{found[0].file}:{found[0].line} imports {found[0].value}" if found else None
            if a.context_cache[key] and not _pip_tzdata(a):
                return ins.line, a.context_cache[key]
    return None


def _runs_python(a: Analysis) -> bool:
    """Whether the final image may run Python: an image (or one it is built FROM) that names Python, or a python3 it
    installs. Only then is its copied source read for zoneinfo."""
    index = a.final.index
    while True:
        info = a.stages[index]
        if "python" in (info.image or "").lower() or \
                any(p.startswith(("python3", "py3-")) for p in info.profile.installed):
            return True
        if info.stage.base_stage is None:
            return False
        index = info.stage.base_stage


@detector("lint", "named-zones-without-zone-data")
def check_zone_data(a: Analysis, rule: LintRule):
    prof = a.final.profile
    if not prof.known or prof.tzdata not in ("no", "utc-only") or _has_zone_data(a):
        return
    image = a.final.image
    has = "only UTC" if prof.tzdata == "utc-only" else "no zone database"
    tz = _tz_env(a)
    for art, line in (_go_programs(a) if a.context_dir else ()):
        placed = _go_start(a, art)
        call, embeds = None, False
        if placed is not None:
            tree, start = placed
            key = ("tz-walk", a.context_dir, tree.module, tree.root, start)
            if key not in a.context_cache:
                a.context_cache[key] = _walk(a.context_dir, tree, start)
            call, embeds = a.context_cache[key]
        else:
            embeds = _main_embeds(a, art)
        if embeds or _tagged(a, art.stage):
            return  # the program carries the database; it serves TZ too
        call = call or _zone_module(a)
        if call:
            yield Hit(line, {"what": _describe(art), "image": image, "has": has,
                             "evidence": call, "effect": _GO_EFFECT}, "go")
            return
    if a.context_dir and _runs_python(a) and (found := _python_zoneinfo(a)):
        yield Hit(found[0], {"what": "the Python program", "image": image, "has": has, "evidence": found[1],
                             "effect": _PY_EFFECT}, "python")
        return
    if tz is not None:
        yield Hit(tz[0], {"what": "the program", "image": image, "has": has, "evidence": f"ENV TZ={tz[1]}",
                          "effect": "local time silently falls back to UTC"})
