"""What a final image needs at run time that its own build steps take away or never install (MI440-MI442): the
library a native build linked, deleted with the build dependencies (`apk del .build-deps`, `apt-get purge
--auto-remove`); a system package an installed Node or Python package finds its library through (Prisma and
`openssl`); and, said as an info, the dependencies lint cannot see when nothing locks them.

Also the one reader of what a pip/npm/poetry step installs (`install_names`), which MI408 shares.
"""
from __future__ import annotations

import fnmatch
import posixpath
import shlex

from ..detectors import detector
from ..lazyre import lazy
from ..model import LintRule
from .apkdel import deleted, is_snapshot
from .context import locked_packages, package_json, requirements
from .liblinks import linked_into_lib
from .libraries import Libraries
from .pkgversions import (_PIP_VALUE, locked_versions, musl_build_published, newest_python_wheels, npm_name, python_of,
                          pip_files, req_name)
from .profiles import C_TOOLCHAINS, CXX_TOOLCHAINS, PY_TOOLS, lib_stem
from .pybuilt import brought
from .pyversion import across_versions, python_minor
from .results import Hit
from .shellwords import (APK_ADD_VALUE, NODE_VALUE, abspath, apk_argv, expand_known, is_assignment, positional,
                         simple_commands, split_variables)

TYPE_CHECKING = False
if TYPE_CHECKING:
    from .stages import Analysis, StageInfo

#: steps that work out which run-time packages to keep before deleting the build ones (the official images' way)
_KEEPERS = ("scanelf", "apt-mark", "ldd")
_RELEVANT = ("apk", "purge", "remove", *_KEEPERS)  # autoremove contains remove
_LIBRARIES: dict = {}


def _project_locked(a: "Analysis", info: "StageInfo", args: list, specs: list, cwd: str) -> list[str]:
    """The packages of the uv.lock beside a local project that `pip install [-e] DIR` installs: pip resolves the
    project's dependencies afresh, but the project's own lock shows what they resolve to, extras and dependencies of
    dependencies included (SurfSense: unstructured[all-docs] bringing opencv-python through unstructured-inference)."""
    from .uvsteps import uv_locked, uv_project_packages

    paths = [s for s in specs if s.startswith((".", "/"))] + \
        [v for k, v in zip(args, args[1:]) if k in ("-e", "--editable") and v.startswith((".", "/"))]
    locked: list[str] = []
    for spec in paths:
        path, _, extras = spec.partition("[")  # ".[proxy,code]": the project with those extras
        sub = a.context_subdir(info, abspath(path, cwd))
        wanted = [e.strip() for e in extras.rstrip("]").split(",") if e.strip()]
        closure = uv_project_packages(a.context_dir, sub, wanted) if "$" not in extras else None
        locked += closure if closure is not None else uv_locked(a.context_dir, sub)
    return locked


def install_names(a: "Analysis", info: "StageInfo", tool: str, args: list, cwd: str) -> tuple[list, list, bool]:
    """What one pip/poetry/npm/yarn/pnpm step installs, as far as lint can see: (the packages it names, directly or
    through a requirements file or package.json; the others a lockfile resolves; whether those are all of them:
    False when a dependency of a named package can be installed that no lockfile shows)."""
    locked: list[str] = []
    if tool == "conda":  # conda's own package names and its environment file's pip list (kb/lint/conda.py)
        from .conda import names as conda_names

        conda, pip = conda_names(a.context_dir, args, a.context_subdir(info, cwd), _copied_to(info, cwd))
        return [*conda, *pip], locked, False
    if tool == "uv":  # uv sync: the project's uv.lock, every package of it
        from .uvsteps import uv_locked

        sub = a.context_subdir(info, cwd)
        locked = uv_locked(a.context_dir, sub) or (uv_locked(a.context_dir) if sub else [])
        return [], locked, bool(locked)
    if tool in ("poetry", "pipenv"):
        names = [req_name(s) for s in args if not s.startswith("-")]
        locked = locked_packages(a.context_dir, tool)
        return names, locked, bool(locked)
    if tool == "pip":
        specs = positional(args, takes_value=_PIP_VALUE)
        names = [req_name(s) for s in specs if not s.startswith((".", "/")) and "://" not in s]
        where = _copied_to(info, cwd)  # COPY src/requirements.txt /opt/app/: -r /opt/app/requirements.txt
        for name in pip_files(args):
            names += (requirements(a.context_dir, where(name)) if where(name) else []) or requirements(a.context_dir, name)
        return names, _project_locked(a, info, args, specs, cwd), False  # a name pins no dependency of a dependency
    specs = positional(args, takes_value=NODE_VALUE)
    names = [npm_name(s) for s in specs]
    sub = ""
    if not specs:
        sub = a.context_subdir(info, cwd)  # `COPY server ./` then npm install: server/package.json
        names = package_json(a.context_dir, sub) or (package_json(a.context_dir) if sub else [])
        locked = locked_packages(a.context_dir, tool, sub) or (locked_packages(a.context_dir, tool) if sub else [])
    return [n.lower() for n in names], [n.lower() for n in locked], bool(locked)  # as the tables write uWebSockets.js


def _copied_to(info: "StageInfo", cwd: str):
    """path in the image -> the build-context path a COPY of the stage put there (or None)."""
    from .hidden import context_path

    return lambda name: context_path(info.context_dirs, abspath(name, cwd))


# a C++ compiler (CXX_TOOLCHAINS of kb/lint/profiles.py, or a versioned clang): gcc alone compiles C only
_CLANG = lazy(r"clang-?\d+")


def no_cxx_compiler_at(info: "StageInfo", line: int) -> bool:
    """Did the stage's C compiler at `line` come from an apk add that brought gcc (or cc) but no C++ compiler?
    False when the image ships a compiler of its own or a C++ compiler is installed anywhere in the stage: lint
    only says "no C++ compiler" when it saw every compiler the stage has."""
    added = {p.split("=")[0] for ln, pkgs in info.apk_adds if ln <= line for p in pkgs}
    if info.profile.gcc or not added & C_TOOLCHAINS:
        return False
    return not any(p in CXX_TOOLCHAINS or _CLANG.fullmatch(p) for p in added | info.profile.installed)


def compiler_at(info: "StageInfo", line: int) -> bool:
    """Is there a C compiler in the stage at `line`: in its image, or added by an apk add up to that line (even if
    a later apk del takes it away again)?"""
    return info.profile.has_compiler or any(C_TOOLCHAINS & {p.split("=")[0] for p in pkgs}
                                            for ln, pkgs in info.apk_adds if ln <= line)


def libraries(kb) -> Libraries:
    hit = _LIBRARIES.get(id(kb))
    if hit is None or hit[0] is not kb:
        natives = kb.native_packages
        hit = _LIBRARIES[id(kb)] = (kb, Libraries(natives.get("system", {}), natives.get("rust", {}),
                                                  natives.get("https", {}), kb.libraries))
    return hit[1]


def _lineage(a: "Analysis") -> list["StageInfo"]:
    """The final stage and the stages it is built FROM, oldest first: their packages are the final image's."""
    out, i = [], a.final.index
    while i is not None:
        out.append(a.stages[i])
        i = a.stages[i].stage.base_stage
    return out[::-1]


def _argv(argv: list[str], shell_vars: dict) -> list[str]:
    """The command of `argv`, its variables split into words; a line of assignments alone sets `shell_vars`."""
    assigns = {}
    while argv and (is_assignment(argv[0]) or argv[0] in ("env", "sudo")):
        if is_assignment(argv[0]):
            name, _, value = argv[0].partition("=")
            assigns[name] = value
        argv = argv[1:]
    if not argv:
        shell_vars.update(assigns)
    return split_variables(argv, {**shell_vars, **assigns})


def _removals(info: "StageInfo") -> tuple[list[tuple[int, str, set]], bool]:
    """([(line, apk | apt, packages removed with whatever only they pulled in)], whether the stage computes the
    run-time packages to keep: scanelf, apt-mark manual, ldd)."""
    groups: dict[str, set] = {}
    out: list[tuple[int, str, set]] = []
    pending: set = set()  # apt-get remove without --auto-remove: an autoremove later takes the dependencies
    keeps = False
    for run in info.stage.runs:
        text = info.texts.get(run.line) or (shlex.join(run.argv) if run.exec_form else run.command)
        if not any(word in text for word in _RELEVANT):
            continue  # most RUN lines: nothing added to a group, removed or kept; not split again
        shell_vars: dict = {}  # buildDeps='...' in the RUN line, then apt-get purge $buildDeps
        since: set | None = None  # what apk add added since the RUN first listed the installed packages
        for argv in simple_commands(text):
            argv = _argv(argv, shell_vars)
            if not argv:
                continue
            prog = posixpath.basename(argv[0])
            keeps = keeps or prog in _KEEPERS
            if prog == "apk":
                argv = apk_argv(argv)
            if prog == "apk" and argv[1:2] == ["add"]:
                pkgs = positional(argv[2:], takes_value=APK_ADD_VALUE)
                for i, arg in enumerate(argv[2:], 2):  # --virtual NAME, -t NAME, --virtual=NAME
                    if arg in ("--virtual", "-t") and i + 1 < len(argv) or arg.startswith("--virtual="):
                        groups[arg.partition("=")[2] or argv[i + 1]] = {p.split("=")[0] for p in pkgs}
                if since is not None:
                    since |= {p.split("=")[0] for p in pkgs}
            elif (apk_del := deleted(argv)) is not None:  # a list computed since a listing: all added since
                gone: set = set(since) if apk_del[1] and since is not None else set()
                for name in apk_del[0]:
                    gone |= groups.pop(name, {name})
                out.append((run.line, "apk", gone))
            elif since is None and is_snapshot(argv):
                since = set()
            elif prog in ("apt-get", "apt") and ({"purge", "remove"} & set(argv)):
                verb = "purge" if "purge" in argv else "remove"
                pkgs = set(positional(argv[argv.index(verb) + 1:], takes_value={"-o"}))
                if "--auto-remove" in argv or "--autoremove" in argv:
                    out.append((run.line, "apt", pkgs))
                else:
                    pending |= pkgs
            elif prog in ("apt-get", "apt") and "autoremove" in argv:
                # `apt-get autoremove --purge gcc libpq-dev`: the packages named, then what only they pulled in
                named = set(positional(argv[argv.index("autoremove") + 1:], takes_value={"-o"}))
                if named | pending:
                    out.append((run.line, "apt", named | pending))
                pending = set()
    return out, keeps


@detector("lint", "build-dependencies-removed-with-their-library")
def check_removed_build_libraries(a: "Analysis", rule: LintRule):
    """A stage of the final image builds native code against libfoo-dev, then deletes the build dependencies:
    the run-time library went with them (apk del of a virtual group, apt's --auto-remove) unless something
    installs it explicitly."""
    libs = libraries(a.kb)
    prof = a.final.profile
    base = {lib_stem(x) for x in prof.libs or ()}
    removed_by_apt: set = set()  # lint's profile does not follow apt's removals: they are taken off here
    for info in _lineage(a):
        removals, keeps = _removals(info)
        removed_by_apt |= {p for _line, how, gone in removals if how == "apt" for p in gone}
        if keeps or not removals or not info.compiles:
            continue
        for line, how, gone in removals:
            if not any(cl <= line for cl, _what in info.compiles):
                continue  # deleted before anything was built against it
            missing = []
            for pkg in sorted(gone):
                for stem, came in _libraries_of(libs, pkg, info.profile.libc == "musl"):
                    cxx = stem == "libstdc++" and came == "toolchain"  # C++ extensions pip or npm compiled with it
                    if came != "named" and not cxx and stem in ("libstdc++", "libgcc-s", "libc", "libgcc") \
                            or stem in base:
                        continue
                    if any(libs.ships(p, stem, prof.libc == "musl") for p in prof.installed - removed_by_apt):
                        continue
                    if not (_cxx_extensions(a, info, pkg, line) if cxx else _toolchain_library_linked(a, info, stem)
                            if came == "toolchain" else _may_link(a, info, stem)):
                        continue
                    missing.append((stem, pkg))
            if missing:
                yield Hit(line, {"libs": ", ".join(f"{libs.file_stem(stem)} ({pkg})" for stem, pkg in missing),
                                 "first": libs.file_stem(missing[0][0]), "packages": " ".join(s for s, _p in missing),
                                 "deleted": "the build dependencies" if how == "apk" else "--auto-remove"}, how)


def _libraries_of(libs: Libraries, pkg: str, musl: bool) -> list[tuple[str, str]]:
    """The run-time libraries deleting `pkg` takes, each with how it came: "dev", a -dev package's library;
    "toolchain", one a compiler package depends on (build-base brings libgomp); "named", the run-time package named
    among the build dependencies (`apk add --virtual .build-deps libgcc ...`), asked for as the build links it."""
    stem = libs.linked_by(pkg)
    dev = stem and (pkg.endswith("-dev") or libs.dev_entry(pkg))
    named = None if dev else (libs.apk_names if musl else libs.apt_names).get(pkg)
    out = [(stem, "dev")] if dev else [(named, "named")] if named else []
    if pkg in C_TOOLCHAINS or pkg in CXX_TOOLCHAINS or pkg == "gfortran":
        out += [(s, "toolchain") for s, entry in libs.entries.items() if s != stem and not entry.get("dev")
                and any(fnmatch.fnmatchcase(pkg, g) for g in entry["runtime"])]
    return out


def _named_package_links(a: "Analysis", info: "StageInfo", stem: str) -> bool:
    """Does a package the stage's pip/npm steps install (named, or in a lockfile) link `stem`, by the knowledge
    (scikit-learn's OpenMP: libgomp)? A toolchain's own libraries need this evidence: most builds do not link them.
    On musl only (an image lint does not know counts when its name says alpine): there pip and npm build these
    from source; glibc's manylinux wheels bundle the library."""
    prof = info.profile
    if prof.libc != "musl" and (prof.known or "alpine" not in (info.image or "").lower()):
        return False
    for _line, tool, args, cwd in info.pip_npm:
        names, locked, _complete = install_names(a, info, tool, args, cwd)
        table = a.kb.native_packages.get("python" if tool in PY_TOOLS else "node", {})
        if any(stem in {lib_stem(x) for x in table.get(n, {}).get("libs", ())} for n in (*names, *locked)):
            return True
    return False


def _toolchain_library_linked(a: "Analysis", info: "StageInfo", stem: str) -> bool:
    """Did the stage link a library its compiler brings: a package its pip/npm steps install is known to, or, for
    libgomp, its cmake or ./configure build uses OpenMP (CMakeLists.txt, configure.ac's AC_OPENMP)?"""
    if _named_package_links(a, info, stem):
        return True
    from .autoconf import build_openmp

    return stem == "libgomp" and build_openmp(a, info) is not None


def _cxx_extensions(a: "Analysis", info: "StageInfo", compiler: str, line: int) -> bool:
    """Did the stage's pip or npm steps before `line` compile C++ on musl with `compiler`, which line's deletion takes
    with libstdc++: g++ or clang named in an apk add of the stage before that step (or in its RUN), a C++ compiler
    asked for by name (build-base or gcc alone says nothing of C++)? On glibc, wheels and prebuilds bundle their
    libstdc++ or find the system's."""
    if info.profile.libc != "musl" and (info.profile.known or "alpine" not in (info.image or "").lower()):
        return False
    if compiler not in ("g++", "clang", "clang++"):
        return False
    added = [ln for ln, pkgs in info.apk_adds if compiler in {p.split("=")[0] for p in pkgs}]
    # a pip or npm step that ran with the compiler there: added by then (the same RUN counts), deleted after
    return any(step[1] != "conda" and step[0] <= line and any(ln <= step[0] for ln in added)
               for step in info.pip_npm)


def _may_link(a: "Analysis", info: "StageInfo", stem: str) -> bool:
    """Can what the stage built link `stem`? A compiler run, make or cmake: yes. Only pip/npm source builds: yes,
    unless lint sees every package they install and none of them is known to link it."""
    if any(not what.startswith(("pip", "npm", "yarn", "pnpm", "poetry", "pipenv")) for _line, what in info.compiles):
        return True
    for _line, tool, args, cwd in info.pip_npm:
        names, locked, complete = install_names(a, info, tool, args, cwd)
        if not complete and (tool != "pip" or pip_files(args) or any(x.startswith((".", "/")) for x in args)
                             or not names):
            return True
        table = a.kb.native_packages.get("python" if tool in PY_TOOLS else "node", {})
        via = brought(table, [*names, *locked]) if tool in PY_TOOLS else {}  # django-auth-ldap brings python-ldap
        if any(stem in {lib_stem(x) for x in table.get(n, {}).get("libs", ())} for n in (*names, *locked, *via)):
            return True
    return False


def _installs(a: "Analysis"):
    """(line, ecosystem, package names) of every pip/npm step of the final image's stages, and of the stages whose
    installed packages a COPY brings into it (at the COPY's line); a pip step's extras come as name[extra] too."""
    lineage = {info.index: info for info in _lineage(a)}
    steps = [(info, None) for info in lineage.values()]
    steps += [(a.stages[src], copy_line) for copy_line, _tool, src in dict.fromkeys(a.final.pkg_arrivals)
              if src is not None and src not in lineage]
    for info, copy_line in steps:
        for line, tool, args, cwd in info.pip_npm:
            if tool == "conda":  # conda packages by conda's names, their pip list by pip's
                from .conda import names as conda_names

                conda, pip = conda_names(a.context_dir, args, a.context_subdir(info, cwd), _copied_to(info, cwd))
                yield copy_line or line, "conda", conda
                yield copy_line or line, "python", pip
                continue
            names, locked, _complete = install_names(a, info, tool, args, cwd)
            if tool == "pip" and any(x == "." or x.startswith(("./", "/")) for x in args):  # pip install .
                from .pybuilt import project_names  # the project's setup.py or pyproject.toml requirements

                locked = [*locked, *project_names(a, a.context_subdir(info, cwd))]
            if tool == "pip":  # psycopg[binary]: the extras too, as name[extra] (MI470's loads_unless)
                from .pyextras import step_extras

                where = _copied_to(info, cwd)
                files = [where(f) or f for f in pip_files(args)]
                locked = [*locked, *step_extras(a.context_dir, positional(args, takes_value=_PIP_VALUE), files)]
            yield copy_line or line, "python" if tool in PY_TOOLS else "node", [*names, *locked]
    for cf in a.final.stage.copy_from:  # COPY --from=build /app/node_modules/.prisma: the package is there
        names = [n for n in map(copied_package, cf.sources) if n]
        if names:
            yield cf.line, "node", names


#: node_modules/.prisma/client is what `prisma generate` writes for @prisma/client, with its query engine
#: (libquery_engine-*.so.node: prisma/orm#25817 quotes it failing to load libssl from there)
_GENERATED = {".prisma": "@prisma/client"}


def copied_package(source: str) -> str | None:
    """The Node package a COPY source path names (.../node_modules/sharp, .../node_modules/@prisma/engines/...),
    or None."""
    head, sep, rest = source.rpartition("node_modules/")
    if not sep:
        return None
    words = [w for w in rest.split("/") if w]
    if not words or any(c in words[0] for c in "*?[$"):
        return None
    if words[0].startswith("@"):
        return f"{words[0]}/{words[1]}".lower() if len(words) > 1 and not any(c in words[1] for c in "*?[$") else None
    return _GENERATED.get(words[0], words[0].lower())


@detector("lint", "package-needs-system-package")
def check_package_needs_system_package(a: "Analysis", rule: LintRule):
    """A Node or Python package that finds its system library through a system package (`needs_package` in
    native-packages.yaml: Prisma runs `openssl version`) goes into a final image without that package."""
    prof = a.final.profile
    if not prof.known or prof.libc not in ("glibc", "musl"):
        return
    libs = libraries(a.kb)
    have = {lib_stem(x) for x in prof.libs or ()}
    for line, eco, names in _installs(a):
        table = a.kb.native_packages.get(eco, {})
        for name in dict.fromkeys(names):
            entry = table.get(name)
            needed = entry.get("needs_package") if entry else None
            if not needed or any(fnmatch.fnmatchcase(p, needed) or p.startswith(needed) for p in prof.installed):
                continue
            stems = [lib_stem(x) for x in entry.get("libs", ())]
            if prof.libc == "glibc" and stems and all(
                    s in have or any(libs.ships(p, s) for p in prof.installed) for s in stems):
                continue  # on glibc the library files are enough: the package reads their version
            if prof.libc == "musl" and stems and set(stems) <= linked_into_lib(a):
                continue  # linked by hand into /lib, where the package looks on musl (kb/lint/liblinks.py)
            yield Hit(line, {"package": name, "needs": needed, "image": a.final.image,
                             "libs": ", ".join(stems) or "its library"},
                      "apk" if prof.libc == "musl" else "apt")
            break  # one finding per install step


_PY_ENV = lazy(r"(?:^|/)\.?venv(?:/|$)|/site-packages(?:/|$)|/dist-packages(?:/|$)|/lib/python3\.\d+(?:/|$)")


@detector("lint", "python-environment-across-python-versions")
def check_python_environment_versions(a: "Analysis", rule: LintRule):
    """A virtual environment or site-packages directory copied from a stage on one Python minor version into a
    stage whose Python is another: its packages sit under lib/pythonX.Y, where the other Python never looks.
    Every stage whose image says its Python is judged (`docker build --target` makes any stage the image; a stage
    FROM it inherits the COPY, reported once at its line), not one whose image says none (a collector on alpine)."""
    for info in a.stages:
        if info.stage.base_stage is not None and not info.stage.copy_from:
            continue
        run = python_minor(a, info.index)
        if run is None:
            continue
        pkg_lines = {ln for ln, _tool, _src in info.pkg_arrivals}
        for cf in info.stage.copy_from:
            if cf.stage_index is None or cf.stage_index == info.index:
                continue
            sources = [expand_known(src, a.global_args) for src in cf.sources]  # ${SITE} of an ARG
            if cf.line not in pkg_lines and not any(_PY_ENV.search("/" + src.strip("/") + "/") for src in sources):
                continue
            built = python_minor(a, cf.stage_index)
            if built is not None and built[0] != run[0]:
                yield Hit(cf.line, {"what": ", ".join(sources), "built": built[0], "builder": built[1], "run": run[0],
                                    "image": run[1], "failure": across_versions(built[0], run[0], run[1])})
    if not any("uv" in run.command for info in a.stages for run in info.stage.runs):
        return  # no uv step: no environment on uv's managed Python (kb/lint/uvpython.py, imported only then)
    from .uvpython import uv_managed_hits  # an environment on uv's managed Python, out of the final image's reach

    for line, values, variant in uv_managed_hits(a):
        yield Hit(line, values, variant)


@detector("lint", "dependencies-not-locked-on-musl")
def check_unlocked_on_musl(a: "Analysis", rule: LintRule):
    """pip/npm on musl without a compiler installs packages lint can name but whose dependencies nothing locks:
    MI408 checks only the named ones, so say what it could not check."""
    for info in a.stages:
        if info.profile.libc != "musl":
            continue
        for line, tool, args, cwd in info.pip_npm:
            if compiler_at(info, line):
                continue
            names, _locked, complete = install_names(a, info, tool, args, cwd)
            if complete or not names:
                continue  # all locked, or nothing lint could read (the packages are not known at all)
            table = a.kb.native_packages.get("python" if tool in PY_TOOLS else "node", {})
            versions = locked_versions(a, info, tool, cwd, args)
            python = python_of(a, info) if tool in PY_TOOLS else None
            shim = bool(info.profile.installed & {"gcompat", "libc6-compat"})  # a glibc prebuild loads (MI408)
            if any(n in table and not musl_build_published(table[n], versions.get(n, ""), newest_python_wheels(
                    table[n], python)) and not (shim and table[n].get("glibc_prebuild")) for n in names):
                continue  # MI408 warns about this step already, and its fix is the same
            what = ", ".join(names[:3]) + (" ..." if len(names) > 3 else "")
            yield Hit(line, {"tool": tool, "what": what, "image": info.image},
                      "pip" if tool in PY_TOOLS else "npm")
