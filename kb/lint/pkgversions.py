"""Which packages and versions a pip or npm step installs, and whether those versions publish musl builds (MI408,
MI442): requirement and package names, the versions a step pins or its lockfile holds (the Python files here, npm's
lockfiles and package.json by kb/lint/context.py), npm ranges, and the Python an unpinned pip step runs on."""
from __future__ import annotations

import os
import posixpath
import re

from ..lazyre import lazy
from .context import package_json_ranges
from .profiles import PY_TOOLS
from .shellwords import NODE_VALUE, positional

TYPE_CHECKING = False
if TYPE_CHECKING:
    from .stages import Analysis, StageInfo

_REQ_END = lazy(r"[\[=<>!~;@ $]")  # where a requirement's name ends (a $ starts a shell expansion)
_PIP_VALUE = {"-r", "--requirement", "-c", "--constraint", "-e", "--editable", "-i", "--index-url",
              "--extra-index-url", "-t", "--target", "--prefix", "--root", "-f", "--find-links", "--only-binary",
              "--no-binary", "--platform"}


def pip_files(args: list, short: str = "-r", long: str = "--requirement") -> list[str]:
    """The files a pip step's option names, in each of pip's spellings: `-r F`, `-rF`, `--requirement F` and
    `--requirement=F` (with `short`/`long` the constraint options, -c and --constraint, the same)."""
    out = []
    for i, arg in enumerate(args):
        if arg in (short, long):
            if i + 1 < len(args):
                out.append(args[i + 1])
        elif arg.startswith(long + "="):
            out.append(arg[len(long) + 1:])
        elif arg.startswith(short) and len(arg) > len(short) and not arg.startswith("--"):
            out.append(arg[len(short):])
    return [f for f in out if f]


def req_name(spec: str) -> str:
    from ..evidence.textscan import pep503

    return pep503(_REQ_END.split(spec, maxsplit=1)[0])


def npm_name(spec: str) -> str:
    if spec.startswith("@"):
        scope, _, rest = spec[1:].partition("/")
        return "@" + scope + "/" + rest.split("@", 1)[0]
    return spec.split("@", 1)[0]


def locked_versions(a: "Analysis", info: "StageInfo", tool: str, cwd: str, args: list = ()) -> dict[str, str]:
    """package -> version of the Node lockfile an npm/yarn/pnpm step in `cwd` reads (as install_names finds it); for
    Python the exact pins (`name==X`) of a pip step's arguments and requirements/constraints files, or the versions of
    the poetry.lock, Pipfile.lock or uv.lock the step reads."""
    if tool in PY_TOOLS:
        sub = a.context_subdir(info, cwd)
        if tool == "pip":
            pins = dict(_exact_pin(s) for s in positional(args, takes_value=_PIP_VALUE))
            for name in pip_files(args) + pip_files(args, "-c", "--constraint"):
                pins.update(python_pins(a.context_dir, "pip", name))
            pins.pop("", None)
            return pins
        return python_pins(a.context_dir, tool, sub) or (python_pins(a.context_dir, tool) if sub else {})
    if tool not in ("npm", "yarn", "pnpm"):
        return {}
    from .context import node_locked

    sub = a.context_subdir(info, cwd)
    out = dict(node_locked(a.context_dir, tool, sub) or (node_locked(a.context_dir, tool) if sub else []))
    specs = positional(args, takes_value=NODE_VALUE)
    if not specs:  # npm install / npm ci: package.json's ranges, for what no lockfile pins
        for name, wanted in package_json_ranges(a.context_dir, sub).items() or \
                (package_json_ranges(a.context_dir).items() if sub else ()):
            if name not in out and (version := _npm_range(wanted)):
                out[name] = version
    for spec in specs:  # npm install bcrypt@5.1.1
        name = npm_name(spec)
        version = spec[len(name) + 1:] if spec.startswith(name + "@") else ""
        if version.startswith("npm:"):  # an alias: bcrypt@npm:bcrypt@5.1.1
            version = version[4:].rpartition("@")[2] if "@" in version[5:] else ""
        if version := _npm_range(version):
            out[name] = version
    return out


def _npm_range(wanted: str) -> str:
    """The version an npm range stands for in musl_build_published: an exact one as it is; "" (the newest) for none,
    *, latest or >=; "?X.Y.Z" for ^X.Y.Z, ~X.Y.Z or X.Y.x (that release or a newer one below the next major or
    minor); "?" for any other range (tags, unions, upper bounds)."""
    wanted = wanted.strip()
    if re.fullmatch(r"v?\d+\.\d+\.\d+", wanted):
        return wanted.lstrip("v")
    if wanted in ("", "*", "latest", "x") or wanted.startswith((">", "npm:")) and " " not in wanted:
        return ""
    if m := re.fullmatch(r"[\^~]?v?(\d+)(\.\d+)?(\.\d+)?(\.[x*])*", wanted):
        return "?" + "".join(g for g in m.groups()[:3] if g)
    return "?"


_PY_NAME = lazy(r"[A-Za-z0-9][A-Za-z0-9._-]*")
_PY_EXACT = lazy(r"===?\s*([0-9][0-9A-Za-z.+!-]*)")


def _exact_pin(spec: str) -> tuple[str, str]:
    """(PEP 503 name, version) of a requirement pinned with == (no wildcard); (name, "?") when its specifier keeps
    it below some release (<, <=, ~=, ==X.*), so pip may not take the newest: a version older than any range;
    else ("", "")."""
    spec = spec.strip()
    m = _PY_NAME.match(spec)
    if not m:
        return "", ""
    rest = spec[m.end():].lstrip()
    if rest.startswith("["):  # extras
        close = rest.find("]")
        if close < 0:
            return "", ""
        rest = rest[close + 1:].lstrip()
    rest = rest.split(";", 1)[0].strip()
    if (exact := _PY_EXACT.fullmatch(rest)) and "*" not in rest:
        return req_name(m.group(0)), exact.group(1)
    if "<" in rest or "~=" in rest or ("==" in rest and "*" in rest):
        return req_name(m.group(0)), "?"
    return "", ""


def musl_build_published(entry: dict, version: str, newest: bool = True) -> bool:
    """Did the package publish musl builds at `version` (`prebuilt_musl`, or a `musl_builds` range holding it)? A
    version lint cannot read ("") is the newest release, which the last range must reach ("4.0.0 -": to this day),
    and "?" one a range may keep below the newest (counted as before every range);
    `newest` False: the step cannot get the newest (a Python too old for it), so an unread version counts as none."""
    if entry.get("prebuilt_musl"):
        return True
    from ..versions import parse_version

    if not version and not newest:
        return False
    if version.startswith("?"):  # a range: only a span open to today that starts at or below its lowest release
        floor = version[1:]
        return bool(floor) and any(span.partition(" ")[2].strip() == "-" and
                                   parse_version(span.partition(" ")[0]) <= parse_version(floor)
                                   for span in entry.get("musl_builds", ()))
    wanted = parse_version(version) if version else None
    for span in entry.get("musl_builds", ()):
        first, _, until = span.partition(" ")
        if wanted is None:
            if until.strip() == "-":
                return True
            continue
        if parse_version(first) <= wanted and (until.strip() == "-" or wanted < parse_version(until.strip())):
            return True
    return False


def compiles_cxx(entry: dict, version: str) -> bool:
    """Does a source build of the package at `version` ("": the newest) compile C++: `cxx`, within its
    `cxx_versions` spans when it has them (greenlet is C++ from 2.0.0, C before)?"""
    if not entry.get("cxx"):
        return False
    from ..versions import in_spans

    return "cxx_versions" not in entry or in_spans(version, entry["cxx_versions"])


#: the oldest Python whose newest releases of the packages with a `musl_builds` range publish musllinux wheels, unless
#: their entry says (`musl_python`): on an older one pip takes the last release for it, older than the range (numpy
#: 1.24.4 for 3.8), so it compiles
_MUSL_WHEELS_PYTHON = (3, 9)


def python_of(a: "Analysis", info: "StageInfo") -> tuple[int, ...] | None:
    """The stage's Python as (3, X): its image's tag, else its release's python3; None when not known."""
    from .pyembed import python_version

    version = python_version(a, info)
    try:
        return tuple(int(p) for p in version.split(".")[:2]) if version else None
    except ValueError:
        return None


def newest_python_wheels(entry: dict, python: tuple[int, ...] | None) -> bool:
    """Does an unpinned pip step on `python` get the release of the package that the last `musl_builds` range
    reaches? Not on a Python older than the entry's `musl_python` (else _MUSL_WHEELS_PYTHON): pip takes the last
    release for that Python, older than the range. True when the Python is not known."""
    if python is None:
        return True
    oldest = tuple(int(p) for p in entry["musl_python"].split(".")) if entry.get("musl_python") else _MUSL_WHEELS_PYTHON
    return python >= oldest


def python_pins(context_dir: str | None, tool: str, name: str = "") -> dict[str, str]:
    """PEP 503 name -> version a Python install step gets, as far as a file of the context says: for pip the exact
    pins (`name==X`) of the requirements or constraints file `name`; for poetry, pipenv and uv the versions of the
    poetry.lock, Pipfile.lock (default packages) or uv.lock in `name` (a directory of the context, "" its root).
    {} when there is none."""
    if not context_dir or "$" in name:
        return {}
    from ..evidence.errors import read_project_file
    from ..evidence.textscan import pep503

    if tool == "pip":
        text = read_project_file(context_dir, name) if not os.path.isabs(name) else None
        if not text:
            text = read_project_file(context_dir, posixpath.basename(name))
        pins = dict(_exact_pin(line.split(" #", 1)[0]) for line in (text or "").splitlines()
                    if not line.lstrip().startswith(("#", "-")))
        pins.pop("", None)
        return pins
    if tool == "pipenv":
        import json

        try:
            doc = json.loads(read_project_file(context_dir, posixpath.join(name, "Pipfile.lock")) or "{}")
        except (ValueError, RecursionError):
            return {}
        default = doc.get("default") if isinstance(doc, dict) else None
        if not isinstance(default, dict):
            return {}
        return {pep503(str(k)): v["version"].lstrip("=") for k, v in default.items()
                if isinstance(v, dict) and isinstance(v.get("version"), str) and v["version"].startswith("==")}
    lock = {"poetry": "poetry.lock", "uv": "uv.lock"}.get(tool)
    if not lock:
        return {}
    text = read_project_file(context_dir, posixpath.join(name, lock)) or ""
    out: dict[str, str] = {}
    current = ""
    for raw in text.splitlines():  # each [[package]] table: name = "..." then version = "..."
        if raw.startswith("["):
            current = ""
        elif raw.startswith("name = "):
            current = pep503(raw.split("=", 1)[1].strip().strip('"'))
        elif raw.startswith("version = ") and current and current not in out:
            out[current] = raw.split("=", 1)[1].strip().strip('"')
    return out
