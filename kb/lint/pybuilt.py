"""MI412 for a stage whose only native builds are pip source builds (pip install, pip wheel, into a --root, --prefix,
--target or a venv) or npm/yarn/pnpm installs that compile addons with node-gyp, and that deletes its -dev packages once they are done (`apk add $BUILD_DEPS && pip wheel ... && apk
del $BUILD_DEPS`): the stage ends without them, but what pip built still links their libraries, and the final
image that copies the result needs them.

A -dev package deleted right after such a build is not evidence alone (many serve wheels that bundle their library,
or a dependency that is never installed): a library counts when a Python package the stage installs is known to link
the system's copy when built there (`libs` of knowledge/native-packages.yaml `python:` and `node:`; on musl, a
release without a musllinux wheel for that Python or a musl prebuild, hence a source build; `system_libs` anywhere), and its -dev package was added at or
before the build. The packages are those the pip steps name, their requirements files, the context's setup.py or
pyproject.toml for `pip install .` / `pip wheel .`, and the packages whose install brings a known one (`required_by`:
cwltool brings prov, which brings lxml).
"""
from __future__ import annotations

import posixpath

from ..lazyre import lazy
from .profiles import PY_TOOLS, lib_stem

TYPE_CHECKING = False
if TYPE_CHECKING:
    from .stages import Analysis, StageInfo
# `Libraries` in annotations is kb.lint.libraries' class, which imports this module: named, never imported

#: a quoted requirement in setup.py or pyproject.toml ("lxml>=4", 'cwltool'): tries start only at a quote and end
#: before the next one, so it stays linear
_QUOTED_NAME = lazy(r"""["']\s*([A-Za-z0-9][A-Za-z0-9._-]{0,100})\s*(?:[<>=!~;\[]|["'])""")


def project_names(a: "Analysis", sub: str) -> list[str]:
    """The names setup.py or pyproject.toml of the context directory `sub` quotes (their requirements among them)."""
    from ..evidence.errors import read_project_file
    from ..evidence.textscan import pep503

    out: list[str] = []
    for name in ("setup.py", "pyproject.toml"):
        text = read_project_file(a.context_dir, posixpath.join(sub, name)) if a.context_dir else None
        out += [pep503(m.group(1)) for m in _QUOTED_NAME.finditer(text or "")]
    return out


def _step_names(a: "Analysis", info: "StageInfo", tool: str, args: list, cwd: str) -> list[str]:
    """The packages one Python install step names (on its command line, in its requirements files) or its
    lockfile holds (poetry.lock, Pipfile.lock, uv.lock), as kb/lint/runtime.py's install_names reads them."""
    from .context import locked_packages, requirements
    from .pkgversions import _PIP_VALUE, pip_files, req_name

    if tool == "uv":
        from .uvsteps import uv_locked

        sub = a.context_subdir(info, cwd)
        return uv_locked(a.context_dir, sub) or (uv_locked(a.context_dir) if sub else [])
    if tool in ("poetry", "pipenv"):
        return [req_name(s) for s in args if not s.startswith("-")] + locked_packages(a.context_dir, tool)
    if tool != "pip":
        return []
    from .shellwords import positional

    names = [req_name(s) for s in positional(args, takes_value=_PIP_VALUE)
             if not s.startswith((".", "/")) and "://" not in s]
    for name in pip_files(args):
        names += requirements(a.context_dir, name)
    return names


def _installed(a: "Analysis", info: "StageInfo") -> dict[str, str]:
    """PEP 503 name -> how lint knows the stage's pip steps install it (named, through the project's own files, or
    through a package that requires it)."""
    table = a.kb.native_packages.get("python", {})
    seen: dict[str, str] = {}
    for _line, tool, args, cwd in info.pip_npm:
        if tool not in PY_TOOLS:
            continue
        for n in _step_names(a, info, tool, args, cwd):
            seen.setdefault(n, "installed there")
        if tool == "pip" and any(x == "." or x.startswith(("./", "/")) for x in args):
            sub = a.context_subdir(info, cwd)
            for n in project_names(a, sub):
                seen.setdefault(n, "required by the project's setup.py or pyproject.toml")
    for name, by in brought(table, seen).items():
        seen[name] = f"a dependency of {by}, {seen[by]}" if by in seen else f"a dependency of {by}"
    return seen


def _node_installed(a: "Analysis", info: "StageInfo") -> dict[str, str]:
    """Node package name -> how lint knows the stage's npm, yarn or pnpm steps install it: named on the command
    line, else the package.json and lockfile of the directory it runs in."""
    from .context import locked_packages, package_json
    from .pkgversions import npm_name
    from .shellwords import NODE_VALUE, positional

    seen: dict[str, str] = {}
    for _line, tool, args, cwd in info.pip_npm:
        if tool not in ("npm", "yarn", "pnpm"):
            continue
        specs = positional(args, takes_value=NODE_VALUE)
        if specs:
            seen.update((npm_name(s), "installed there") for s in specs if npm_name(s) not in seen)
            continue
        sub = a.context_subdir(info, cwd)
        for n in package_json(a.context_dir, sub) or (package_json(a.context_dir) if sub else []):
            seen.setdefault(n, "in package.json")
        for n in locked_packages(a.context_dir, tool, sub) or (locked_packages(a.context_dir, tool) if sub else []):
            seen.setdefault(n, "in the lockfile")
    return seen


def brought(table: dict, names, installed=()) -> dict[str, str]:
    """name -> the package that brings it, for the entries of `table` (knowledge/native-packages.yaml `python:`)
    whose `required_by` names one of `names` or one brought so (cwltool -> prov -> lxml), up to three steps; not
    through a requirer that chooses another package in its place when `names` or `installed` (what the image's
    other steps install) has one of the entry's `required_unless` (mmcv requires opencv-python-headless in its place
    when that is installed): the `choosing` requirers, or all of them when the entry names none."""
    have, out, present = set(names), {}, {*names, *installed}
    for _round in range(3):
        for name, entry in table.items():
            if name in have:
                continue
            replaced = any(n in present for n in entry.get("required_unless", ()))
            choosing = entry.get("choosing", entry.get("required_by", ()))
            if by := next((n for n in entry.get("required_by", ()) if n in have and not (replaced and n in choosing)),
                          None):
                out[name] = by
                have.add(name)
    return out


def source_built_needs(a: "Analysis", libs: "Libraries", info: "StageInfo") -> dict[str, str]:
    """stem -> why: the libraries the stage's pip source builds linked against -dev packages the stage added at or
    before the build and deleted by its end; {} for a stage that runs a compiler itself (MI412 reads those
    already) or deletes nothing."""
    pip_lines = [ln for ln, what in info.compiles if what.startswith(("pip", "npm", "yarn", "pnpm"))]
    if not pip_lines or any(not what.startswith(("pip", "npm", "yarn", "pnpm")) for _ln, what in info.compiles):
        return {}
    last = max(pip_lines)
    musl = info.profile.libc == "musl"
    gone = {p.split("=")[0] for ln, pkgs in info.apk_adds if ln <= last for p in pkgs} - info.profile.installed
    if not gone:
        return {}
    from .apknames import linked_by

    dev_of: dict[str, str] = {}
    for pkg in sorted(gone):
        stem = linked_by(libs, pkg, musl)
        if stem:
            dev_of.setdefault(stem, pkg)
    if not dev_of:
        return {}
    from .pkgversions import locked_versions, musl_build_published, newest_python_wheels, python_of

    python = python_of(a, info)
    versions: dict[str, str] = {}
    for _line, tool, args, cwd in info.pip_npm:
        versions.update(locked_versions(a, info, tool, cwd, args))
    out: dict[str, str] = {}
    for (eco, name), how in [*((("python", n), h) for n, h in _installed(a, info).items()),
                             *((("node", n), h) for n, h in _node_installed(a, info).items())]:
        entry = a.kb.native_packages.get(eco, {}).get(name)
        if not entry or not entry.get("libs"):
            continue
        compiled = entry.get("system_libs") or musl and not musl_build_published(
            entry, versions.get(name, ""), eco == "node" or newest_python_wheels(entry, python))
        if not compiled:
            continue  # a wheel that bundles its libraries
        for stem in (lib_stem(x) for x in entry["libs"]):
            if stem in dev_of and stem not in out:
                out[stem] = f"{name}, {how}, built from source against {dev_of[stem]}, which the stage deletes after"
    return out


def uv_sdist_needs(a: "Analysis", info: "StageInfo") -> dict[str, str]:
    """stem -> why: the system libraries that `uv sync` in a glibc stage links by building from source the packages
    its uv.lock locks without a wheel for Linux (uvsteps.uv_without_linux_wheels), for the packages whose source
    build links them (`libs` of knowledge/native-packages.yaml `python:`): lxml links libxml2 and libxslt
    (saleor/saleor#19194: "libxslt.so.1: cannot open shared object file" in python:3.12-slim)."""
    if info.profile.libc != "glibc" or not a.context_dir:
        return {}
    from .uvsteps import uv_without_linux_wheels

    table = a.kb.native_packages.get("python", {})
    out: dict[str, str] = {}
    for _line, tool, _args, cwd in info.pip_npm:
        if tool != "uv":
            continue
        sub = a.context_subdir(info, cwd)
        for name, version in uv_without_linux_wheels(a.context_dir, sub).items():
            for stem in map(lib_stem, (table.get(name) or {}).get("libs", ())):
                soname = next((so for so, e in a.kb.libraries.items() if lib_stem(e.get("name") or so) == stem), stem)
                out.setdefault(stem, f"{soname}: {name} {version}, which uv.lock locks with no wheel for Linux, so uv "
                                     "builds it from source there")
    return out
