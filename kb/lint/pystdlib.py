"""MI493: a Python interpreter copied by COPY --from into the image (the final stage or a stage it is built FROM)
without the standard library it needs at start.

At start Python looks for its standard library, PREFIX/lib/pythonX.Y (the landmark is os.py there): first from the
directory the interpreter is in upwards (for /usr/local/bin/python3: /usr/local/bin/lib, /usr/local/lib, /usr/lib,
/lib, each + pythonX.Y), then at the prefix it was built with (/usr/local for the python:* images, /usr for
Debian's and Alpine's python3). With none there it prints "Could not find platform independent libraries <prefix>"
and stops: "Fatal Python error: init_fs_encoding: failed to get the Python codec of the filesystem encoding ...
ModuleNotFoundError: No module named 'encodings'" (checked with python3.11 alone in an empty chroot, at
/usr/local/bin and at /a/b/bin with the library at /a/lib; the diagnose rule MI525 explains the message).

What counts as bringing that directory: a COPY or ADD (of any origin) of the directory itself or of a parent of it
(/usr/local/lib, /usr/local, /), whose contents land where the interpreter looks; a COPY of lib/pythonX.Y/
site-packages alone does not. The image's own base counts when it is a Python image of that version whose prefix
is one the interpreter searches (python:X.Y-*: /usr/local; distroless python3: Debian's /usr). Said only when the
base image is one known to have no Python of its own at all (scratch, distroless static/base/cc, alpine, debian,
ubuntu, busybox), or is a Python image whose version or prefix is another. Nothing is said where the stage can
make the directory itself or point Python elsewhere: a RUN in the stage or a stage it is built FROM (lint does not
read what it creates), or ENV PYTHONHOME or PYTHONPATH. A virtual environment's bin/python is left to MI471.
"""
from __future__ import annotations

import fnmatch
import posixpath

from ..detectors import detector
from ..lazyre import lazy
from ..model import LintRule
from .landing import landing
from .pyversion import python_minor, ref_python_minor
from .results import Hit
from .shellwords import BIN_DIRS, abspath, expand, unquote

TYPE_CHECKING = False
if TYPE_CHECKING:
    from .stages import Analysis, StageInfo

#: an interpreter's file name: python, python3, python3.12 (the minor version when it says it)
_INTERPRETER = lazy(r"python(?:3(?:\.(\d+))?)?")
#: base images known to hold no Python at all (kb/lint/profiles.py knows them; these say nothing of Python)
NO_PYTHON = ("scratch*", "gcr.io/distroless/static*", "gcr.io/distroless/base*", "gcr.io/distroless/cc*",
             "cgr.dev/chainguard/static*", "cgr.dev/chainguard/glibc-dynamic*", "alpine:*", "debian:*", "ubuntu:*",
             "busybox:*")
_ARCHIVES = (".tar", ".tar.gz", ".tgz", ".tar.xz", ".txz", ".tar.bz2", ".tbz2", ".tar.zst")
_GLOB = "*?["


def _home(ref: str) -> str:
    """The prefix of a Python image's own Python: Debian's /usr for distroless python3, else /usr/local."""
    return "/usr" if "distroless/python3" in ref else "/usr/local"


def final_chain(a: "Analysis") -> list["StageInfo"]:
    """The final stage and the stages it is built FROM, the last first."""
    out = [a.final]
    while out[-1].stage.base_stage is not None:
        out.append(a.stages[out[-1].stage.base_stage])
    return out


def stage_copies(a: "Analysis", info: "StageInfo"):
    """(instruction, its COPY --from records, expanded sources, dest, dest is a directory) for each COPY and ADD of
    the stage, with the ENV, ARG and WORKDIR in force at it (as kb/lint/stages.py walks them)."""
    froms: dict[int, list] = {}
    for cf in info.stage.copy_from:
        if cf.instruction == "COPY":
            froms.setdefault(cf.line, []).append(cf)
    base = info.stage.base_stage
    cwd = a.stages[base].cwd if base is not None else (info.profile.workdir or "/")
    scope = {**a.global_args, **(a.stages[base].env if base is not None else {})}
    for ins in info.stage.instructions[1:]:
        if ins.cmd == "ENV":
            for k, v in zip(ins.args[0::2], ins.args[1::2]):
                scope[k] = expand(unquote(v), scope, "")
        elif ins.cmd == "ARG":
            for arg in ins.args:
                k, eq, v = arg.partition("=")
                if eq:
                    scope[k] = expand(unquote(v), scope, "")
        elif ins.cmd == "WORKDIR" and ins.args:
            cwd = abspath(expand(ins.args[0], scope, "x"), cwd)
        elif ins.cmd in ("COPY", "ADD") and len(ins.args) >= 2:
            dest_raw = expand(ins.args[-1], scope, "x")
            dest = abspath(dest_raw, cwd)
            dest_is_dir = dest_raw.endswith("/") or dest_raw in (".", "./") or len(ins.args) > 2 or dest in BIN_DIRS
            yield ins, froms.get(ins.line, ()), [expand(s, scope) for s in ins.args[:-1]], dest, dest_is_dir


def _source_python(a: "Analysis", cf, src: str) -> tuple[str, str] | None:
    """(X.Y, the image that says so) of the stage or image a COPY --from copies `src` from."""
    if cf.stage_index is not None:
        found = python_minor(a, cf.stage_index)
        if found is None and posixpath.dirname(src) in ("/usr/bin", "/bin"):  # Debian's or Ubuntu's: the release's
            root = cf.stage_index
            while a.stages[root].stage.base_stage is not None:
                root = a.stages[root].stage.base_stage
            prof = a.stages[root].profile
            version = a.kb.releases.get(prof.release or "", {}).get("python3")
            return (version, a.stages[root].image or "") if version else None
        return found
    from .profiles import profile_for

    ref = cf.image or ""
    return ref_python_minor(a.kb, ref, profile_for(a.kb, ref).release)


def _interpreters(a: "Analysis", chain):
    """(COPY line, where it lands, the source path, X.Y, the --from value) of each Python interpreter a COPY --from
    brings into the stages of `chain`: a file python, python3 or python3.X under a bin directory (not a virtual
    environment's), or the whole bin directory of a Python image's own Python."""
    for info in chain:
        for _ins, froms, sources, dest, dest_is_dir in stage_copies(a, info):
            for cf in froms:
                for src in sources:
                    src = abspath(src, "/")
                    if "venv" in src or "virtualenv" in src:
                        continue  # MI471's: an environment and the link to its base Python
                    path, version = _interpreter_path(a, cf, src)
                    if path is None:
                        continue
                    target = landing(path, src, dest, dest_is_dir)
                    if target is not None:
                        yield cf.line, target, path, version, cf.source


def _interpreter_path(a: "Analysis", cf, src: str) -> tuple[str | None, str | None]:
    """(the interpreter's path in the source, its X.Y) when the COPY --from source `src` names one, else Nones; X.Y
    from the file's name, else from the image the source stage is on (a version lint cannot tell is not guessed)."""
    base, parent = posixpath.basename(src), posixpath.dirname(src)
    if posixpath.basename(parent) == "bin" and not any(c in parent for c in _GLOB):
        m = _INTERPRETER.fullmatch(base)
        if m:
            if m.group(1):
                return src, f"3.{m.group(1)}"
            found = _source_python(a, cf, src)
            return (src, found[0]) if found else (None, None)
        if any(c in base for c in _GLOB) and fnmatch.fnmatchcase("python3", base):  # python3*
            found = _source_python(a, cf, src)
            return (posixpath.join(parent, "python3"), found[0]) if found else (None, None)
        return None, None
    found = _source_python(a, cf, src)
    if found and src.rstrip("/") == _home(found[1]) + "/bin":  # the image's whole bin directory
        return posixpath.join(src.rstrip("/"), "python3"), found[0]
    return None, None


def _searched(target: str, built: str, version: str) -> list[str]:
    """The directories Python looks in for its standard library: lib/pythonX.Y under each directory from the
    interpreter's up to /, then under the prefix it was built with."""
    out, d = [], posixpath.dirname(target)
    while True:
        out.append(posixpath.join(d, "lib", f"python{version}"))
        if d == "/":
            break
        d = posixpath.dirname(d)
    stdlib = posixpath.join(built, "lib", f"python{version}")
    if stdlib not in out:
        out.append(stdlib)
    return out


def _brings(src: str, dest: str, stdlib: str) -> bool:
    """Does a COPY or ADD of `src` into `dest` put the standard library directory `stdlib` (its os.py) in place?"""
    landmark = posixpath.join(stdlib, "os.py")
    under = "/" if dest == "/" else dest.rstrip("/") + "/"
    if not landmark.startswith(under):
        return False
    rel = landmark[len(under):]
    if src.endswith(_ARCHIVES):
        return True  # ADD unpacks it there: lint does not read what it holds
    if any(c in src for c in _GLOB):  # a pattern that names the directory or a parent: taken to bring it
        d, pattern = stdlib, abspath(src, "/").rstrip("/")
        while d != "/" and not any(part in ("bin", "sbin") for part in d.split("/")):
            if fnmatch.fnmatchcase(d, pattern):
                return True
            d = posixpath.dirname(d)
        return False
    origin = posixpath.normpath(posixpath.join("/", src.strip("/").removeprefix("./").strip("."), rel))
    prefix = origin.removesuffix(posixpath.join("/lib", posixpath.basename(stdlib), "os.py"))
    if prefix == origin:
        return False
    # the source's own prefix must be one: not a program (python3/lib/...), a library or a bin directory
    return not any(part in ("bin", "sbin") or ".so" in part or _INTERPRETER.fullmatch(part)
                   for part in prefix.split("/"))


def _base_python(a: "Analysis") -> tuple[str, str] | None | str:
    """(X.Y, prefix) of the final image's base Python; None when it is known to have none; "unknown" otherwise."""
    root = final_chain(a)[-1]
    ref = root.image or ""
    found = python_minor(a, root.index)
    if found:
        return found[0], _home(found[1])
    if root.profile.known and any(fnmatch.fnmatchcase(ref, p) for p in NO_PYTHON):
        return None
    return "unknown"


@detector("lint", "python-interpreter-without-stdlib")
def check_python_without_stdlib(a: "Analysis", rule: LintRule):
    chain = final_chain(a)
    env = a.final.env
    if env.get("PYTHONHOME") or env.get("PYTHONPATH") or any(info.stage.runs for info in chain):
        return  # the stage can point Python elsewhere or make the directory: lint does not say
    base = _base_python(a)
    if base == "unknown":
        return
    copies = [(sources, dest) for info in chain for _i, _f, sources, dest, _d in stage_copies(a, info)]
    image = chain[-1].image or "scratch"
    for line, target, path, version, source in _interpreters(a, chain):
        built = posixpath.dirname(posixpath.dirname(path))
        searched = _searched(target, built, version)
        if base and base[0] == version and posixpath.join(base[1], "lib", f"python{version}") in searched:
            continue
        if any(_brings(src, dest, d) for sources, dest in copies for src in sources for d in searched):
            continue
        home = posixpath.dirname(posixpath.dirname(target)) if posixpath.basename(posixpath.dirname(target)) \
            == "bin" else posixpath.dirname(target)
        missing = posixpath.join(home, "lib", f"python{version}")
        stdlib = posixpath.join(built, "lib", f"python{version}")
        if stdlib != missing:
            missing += f" (nor {stdlib}, the prefix it was built with)"
        if base is None:
            has = "has no Python of its own"
        elif base[0] == version:
            has = f"has Python {version} in {base[1]}/lib/python{version}, where this interpreter does not look"
        else:
            has = f"has Python {base[0]} in {base[1]}/lib/python{base[0]}, not {version}"
        yield Hit(line, {"interpreter": path, "source": source, "target": target, "version": version,
                         "missing": missing, "image": image, "has": has, "stdlib": stdlib, "prefix": built})
