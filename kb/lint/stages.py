"""Walking a Dockerfile's stages: ENV, ARG, WORKDIR, USER, RUN, COPY/ADD, and what each stage has at the end.

:class:`Analysis` analyses one parsed Dockerfile once for all the checks: per stage (:class:`StageInfo`) the profile
of its base image as RUN steps and COPYs change it, the programs it builds (kb/lint/builds.py) and where COPY
--from, cp, install, mv and ln (kb/lint/moves.py) put them, the shell uses, users, pip/npm installs and apk adds."""
from __future__ import annotations

import posixpath
import shlex

from ..model import Knowledge
from .aptrecommends import apt_installs
from .apkdel import APK_DB, apk_step
from .builds import (CARGO_BUILDS, BuiltFile, cargo_argv, cargo_build, cargo_dir, cc_build, go_build,
                     image_programs, workspace_outputs)
from .debextract import TOOLS as DEB_TOOLS, copied as deb_copied, step as deb_step
from .context import NO_SOURCE, Unseen, https_clients, tls_sources
from .gorun import run_build
from .gosources import go_sources
from .landing import context_entry, file_entries, files_dir, into_directory, landing, mounts_shell
from .moves import ldd_bundle, move, picked
from .pkgflow import copy_packages
from .profiles import profile_for
from .selfclone import self_clone
from .shellvars import ShellVars, prefix_assignments
from .shellwords import (BIN_DIRS, CC, HIDING, abspath, activated, expand, expand_args, expand_known, is_assignment,
                         package_argv, pip_args, pip_dirs, positional, simple_commands, split_variables, unquote)
from .stageinfo import StageInfo
from .uvsteps import uv_step

TYPE_CHECKING = False
if TYPE_CHECKING:
    from ..evidence.dockerfile_parse import DockerfileReport, Stage

#: build tools that run a C compiler (configure scripts, cmake, meson, ninja, node-gyp, gem, cgo-using go)
C_BUILD_TOOLS = {"cmake", "meson", "ninja", "./configure", "configure", "autoreconf", "node-gyp", "gem", "bundle",
                 "cc", "ld", "cpan", "cpanm", "pecl", "docker-php-ext-install", "maturin", "setup.py"}
#: cargo subcommands from plugins whose `build` is a cargo build of the workspace (same target directory)
CARGO_BUILD_PLUGINS = {"leptos", "auditable"}
MAX_MAKE_DEPTH = 3  # make inside a Makefile recipe is followed this deep (recursive make)


def _install_args(prog: str, argv: list[str]) -> list[str] | None:
    """The arguments of an npm, yarn, pnpm (or bun) install (install, i, add, ci), without its command word; None for
    another command. `yarn` alone or with options only is `yarn install` (classic.yarnpkg.com/en/docs/cli/install),
    not with -v/--version, -h/--help; `yarn workspaces focus NAME...` (Yarn 2 on): its options (names are workspaces)."""
    words = [i for i, w in enumerate(argv) if i and not w.startswith("-") and argv[i - 1] != "--cwd"]
    if words:
        at = words[0]
        if prog == "yarn" and argv[at:at + 2] == ["workspaces", "focus"]:
            return argv[1:at] + [w for w in argv[at + 2:] if w.startswith("-")]
        return argv[1:at] + argv[at + 1:] if argv[at] in ("install", "i", "add", "ci") else None
    return argv[1:] if prog == "yarn" and not {"-v", "--version", "-h", "--help"} & set(argv) else None


def _venv_dir(tool: str, cwd: str, env: dict) -> str:
    """Where poetry or pipenv makes the project's environment: pipenv's is under WORKON_HOME
    (~/.local/share/virtualenvs) unless PIPENV_VENV_IN_PROJECT is set (pipenv.pypa.io: "Virtualenv location"); a
    poetry project's .venv is taken as in the project, as Dockerfiles that copy it configure it."""
    if tool == "pipenv" and not env.get("PIPENV_VENV_IN_PROJECT"):
        return env.get("WORKON_HOME") or "/root/.local/share/virtualenvs"
    return posixpath.join(cwd, ".venv")


class Analysis:
    """One Dockerfile, analysed once for all the checks."""

    def __init__(self, kb: Knowledge, report: "DockerfileReport", context_dir: str | None = None,
                 context_cache: dict | None = None):
        self.kb, self.report, self.context_dir = kb, report, context_dir
        self.context_cache = context_cache if context_cache is not None else {}
        self.global_args = expand_args(report.global_args)  # ARG SITE=/usr/lib/python${PY}: PY's value in it
        self.stages: list[StageInfo] = []
        for stage in report.stages:
            if context_dir and stage.base_stage is None and stage.index and not profile_for(
                    kb, stage.base_image_resolved).known:  # an image the context builds from a stage of this file
                from .contextimages import target_stage

                alias = target_stage(self, stage)
                stage = stage if alias is None else stage._replace(base_stage=alias)
            self.stages.append(self._walk(stage))

    target = -1  # the index of the stage judged as the image (lint_report sets each of targets() in turn)

    @property
    def final(self) -> StageInfo:
        """The stage the image is made of: the last one, or the target being judged (targets())."""
        return self.stages[self.target]

    def targets(self) -> list[int]:
        """The stages besides the last that `docker build --target NAME` makes images of: each named one that no
        later stage builds on or copies from and that says what it runs (a CMD or ENTRYPOINT of its own; a test or
        lint stage that runs nothing is not an image anyone starts)."""
        used = {info.stage.base_stage for info in self.stages}
        used.update(cf.stage_index for info in self.stages for cf in info.stage.copy_from)
        runs = lambda stage: stage.cmd is not None or stage.entrypoint is not None  # noqa: E731
        return [i for i, info in enumerate(self.stages[:-1]) if info.stage.name and i not in used and runs(info.stage)]

    # -- walking a stage ----------------------------------------------------------------------------------------

    def _walk(self, stage: "Stage") -> StageInfo:
        if stage.base_stage is not None:
            parent = self.stages[stage.base_stage]
            # what arrived in the parent by COPY --from is in this stage too, from the COPY line that brought it
            info = StageInfo(stage.index, stage, parent.profile.copy(), dict(parent.files), list(parent.arrivals),
                             dict(parent.env))
            info.apk_adds, info.pkg_arrivals, info.image = [*parent.apk_adds], [*parent.pkg_arrivals], parent.image
            info.pkg_installs, info.pkg_copied = list(parent.pkg_installs), list(parent.pkg_copied)
            info.virtual, info.cmake, info.shell = dict(parent.virtual), dict(parent.cmake), parent.shell
            info.deb_downloads, info.deb_roots = set(parent.deb_downloads), dict(parent.deb_roots)
            # the build context the parent copied is here too (`RUN sh build.sh` FROM the stage of `COPY . /code`)
            info.context_sources, info.context_dirs = list(parent.context_sources), list(parent.context_dirs)
            cwd = parent.cwd
        else:
            info = StageInfo(stage.index, stage, profile_for(self.kb, stage.base_image_resolved))
            info.files.update((b.path, b) for b in image_programs(info))  # the node of node:*-alpine ...
            cwd = info.profile.workdir
        env = info.env
        runs = {r.line: r for r in stage.runs}
        froms: dict[int, list] = {}
        for cf in stage.copy_from:
            froms.setdefault(cf.line, []).append(cf)
        args_scope = dict(self.global_args)
        for ins in stage.instructions[1:]:
            c = ins.cmd
            if c == "ENV":
                for k, v in zip(ins.args[0::2], ins.args[1::2]):
                    env[k] = expand(unquote(v), {**args_scope, **env}, "")
            elif c == "ARG":
                for a in ins.args:
                    k, eq, v = a.partition("=")
                    if eq:
                        args_scope[k] = expand_known(unquote(v), {**args_scope, **env})
                    elif k in self.global_args:
                        args_scope[k] = self.global_args[k]
            elif c == "WORKDIR" and ins.args:
                cwd = abspath(expand(ins.args[0], {**args_scope, **env}, "x"), cwd)
            elif c == "RUN":
                run = runs.get(ins.line)
                if run is None:
                    continue
                if not run.exec_form:  # apk add bash in an earlier RUN makes SHELL ["/bin/bash", ...] work
                    sh = info.shell[0]
                    info.shell_uses.append((ins.line, "RUN", sh, posixpath.basename(sh) in info.profile.installed
                                            or mounts_shell(run.mounts, sh)))
                elif _links_sh(run.command):  # a shell copied in, then linked as /bin/sh (apigee/registry)
                    info.profile.provided.add("shell")
                self._run(info, run, cwd, {**args_scope, **env}, ins.line)
            elif c in ("COPY", "ADD"):
                self._copy(info, ins, froms.get(ins.line, ()), cwd, {**args_scope, **env})
            elif c == "USER" and ins.args:
                info.users.append((ins.line, expand(ins.args[0], {**args_scope, **env}, "$")))
            elif c == "SHELL" and ins.json and ins.args:  # for the RUN lines after it; CMD specs carry their own
                info.shell = tuple(ins.args)
        for spec, what in ((stage.cmd, "CMD"), (stage.entrypoint, "ENTRYPOINT")):
            if spec is not None and spec.form == "shell":
                sh = spec.argv[0] if spec.argv else "/bin/sh"
                info.shell_uses.append((spec.line, what, sh, posixpath.basename(sh) in info.profile.installed))
        info.cwd = cwd
        return info

    def _copy(self, info: StageInfo, ins, froms, cwd: str, env: dict) -> None:
        if len(ins.args) < 2:
            return
        dest_raw = expand(ins.args[-1], env, "x")
        dest = abspath(dest_raw, cwd)
        dest_is_dir = into_directory(dest_raw) or len(ins.args) > 2 or dest in BIN_DIRS
        sources = [expand(s, env) for s in ins.args[:-1]]
        for s in sources:  # what the copy supplies to the image, whatever its origin
            base = posixpath.basename(s.rstrip("/"))
            target = dest if not dest_is_dir else posixpath.join(dest, base)
            if "ld-linux" in base or s.rstrip("/") in ("/lib64", "/lib", "/usr/lib64") \
                    or "x86_64-linux-gnu" in s or "aarch64-linux-gnu" in s:
                info.profile.provided.add("loader-glibc")
            if "ld-musl" in base:
                info.profile.provided.add("loader-musl")
            if base.startswith("libstdc++"):
                info.profile.provided.add("libstdcxx")
            if base.startswith("libgcc_s"):
                info.profile.provided.add("libgcc_s")
            if target == "/etc/passwd" or (dest.rstrip("/") == "/etc" and base in ("passwd", "etc")):
                info.profile.provided.add("passwd")
            if target in ("/bin/sh", "/bin/busybox") or "busybox" in base:
                info.profile.provided.add("shell")
            if "ca-certificates" in base or "ca-bundle" in base or s.rstrip("/") in ("/etc/ssl", "/etc/ssl/certs",
                                                                                      "/etc/pki", "/etc") \
                    or target.startswith(("/etc/ssl/", "/etc/pki/")):
                info.profile.provided.add("ca-certs")
        if not froms:
            if ins.cmd == "COPY" or ins.cmd == "ADD":
                info.context_sources.extend(sources)
                plain = [s for s in sources if not any(c in s for c in "*?[$")]
                if len(sources) == 1 and plain:  # `COPY server ./`: server's files land here; a file: dest/NAME
                    info.context_dirs.append(context_entry(self.context_dir, dest, sources[0], dest_is_dir))
                elif dest_is_dir:  # `COPY a.sh b.sh /x/`: each file at /x/NAME; a glob's files so too
                    info.context_dirs.extend(file_entries(self.context_dir, dest, sources))
            return
        for cf in froms:
            if cf.stage_index is None:
                continue
            src_stage = self.stages[cf.stage_index]
            for s in sources:
                src = abspath(s, "/")
                if any(b == src or b.startswith(src.rstrip("/") + "/") for b in src_stage.lib_bundles):
                    info.profile.provided.update({"loader-glibc", "libstdcxx", "libgcc_s", "libs-bundle"})
                copy_packages(info, src_stage, cf.stage_index, src, dest, ins.line)  # also through other stages
                if src_stage.deb_roots:
                    deb_copied(info, src_stage, src, dest)
                for art in list(src_stage.files.values()):
                    target = landing(art.path, src, dest, dest_is_dir)
                    if target is None:
                        continue
                    moved = art.at(target)
                    info.files[target] = moved
                    info.arrivals.append((moved, ins.line, cf.stage_index))

    def _run(self, info: StageInfo, run, cwd: str, env: dict, line: int) -> None:
        text = run.command if not run.exec_form else shlex.join(run.argv)
        if self.context_dir or "-c" in text:  # scripts it runs, lists it reads, sh -c strings
            if any(h in text for h in HIDING):  # kb/lint/hidden.py only for a RUN that may run or read one
                from .hidden import bind_mounts, reveal  # RUN --mount=type=bind,target=/x: the context at /x too
                dirs = info.context_dirs + bind_mounts(run.mounts) if run.mounts else info.context_dirs
                text = reveal(self.context_dir, dirs, text, cwd, env, self.context_cache)
            info.texts[line] = text
        self._commands(info, text, cwd, env, line, make_depth=0)

    def _commands(self, info: StageInfo, text: str, cwd: str, env: dict, line: int, make_depth: int) -> None:
        prof = info.profile
        local, shell = dict(env), ShellVars(env, info.lost_env, line)  # variables not exported (MI498)
        local["PWD"] = cwd  # the shell sets it to its working directory (`go build "${PWD}/cmd/app"`)
        commands = simple_commands(text)
        snapshot = None  # the packages installed when the RUN first listed them (kb/lint/apkdel.py)
        ldd_bundle(info, commands, cwd)
        for argv in commands:
            argv, assigns = prefix_assignments(argv, local)
            if not argv:
                local.update(assigns)
                shell.assign(assigns)
                continue
            argv = split_variables(argv, {**local, **assigns})
            prog = posixpath.basename(argv[0]) if argv else ""
            if prog == "cargo":
                argv = cargo_argv(argv)
            elif prog in ("vgo", "go"):  # vgo, the modules prototype: read as go (builds.GO_COMMANDS); `go run` of a
                argv, prog = run_build(self, info, argv, cwd) or ["go", *argv[1:]], "go"  # script that runs go build
            elif prog in ("apk", "install_packages"):
                argv, prog = package_argv(argv)
            cenv = shell.tool_env(prog, argv, {**local, **assigns}, assigns)  # what the command's environment holds
            if prog in ("export", "declare", "typeset", "set"):
                shell.command(argv)
                local.update((k, expand(v, local, "")) for k, eq, v in (a.partition("=") for a in argv[1:]) if eq)
            elif prog in (".", "source"):
                local.update(activated(argv, local))
            elif prog == "cd" and len(argv) > 1:
                cwd = local["PWD"] = abspath(expand(argv[1], cenv, "x"), cwd)
            elif prog in ("apk", "xargs") or snapshot is None and any(APK_DB in w for w in argv):
                snapshot = apk_step(info, argv, line, snapshot)  # add, del (of a list computed since a listing)
            elif prog in DEB_TOOLS and deb_step(info, argv, cwd, cenv):
                pass  # apt-get download, dpkg --extract: a tree of packages a COPY may make a root of
            elif prog in ("apt-get", "apt", "dnf", "yum", "microdnf", "tdnf", "zypper") and (verb := next(
                    (i for i, w in enumerate(argv) if w == "install" or w == "in" and prog == "zypper"
                     or w == "satisfy" and prog in ("apt-get", "apt")), 0)):  # satisfy: what the relations name
                pkgs = positional(argv[verb + 1:], takes_value={"-o", "-t", "-r", "--repo", "--from"})
                prof.installed.update(apt_installs(prog, argv, pkgs))  # with apt's Recommends lint reads
            elif ("cc" in prog or "++" in prog or "clang" in prog) and CC.fullmatch(prog):  # no pattern else
                info.compiles.append((line, prog))
                self._add(info, cc_build(info, argv, prog, cwd, cenv, line))
            elif prog in C_BUILD_TOOLS:
                info.compiles.append((line, prog))
                if prog in ("cmake", "ninja", "meson"):
                    from .cmake import step as cmake_step  # its patterns are compiled only where cmake runs
                    self._add(info, cmake_step(self, info, argv, cwd, cenv, line))
            elif prog == "go" and len(argv) > 1 and argv[1] in ("build", "install", "test", "run", "generate"):
                if argv[1] in ("build", "install"):
                    context = self._go_context(info)
                    built = go_build(info, argv, cwd, cenv, line, context)
                    built = built._replace(go_dir=self.context_subdir(info, cwd) if self.context_dir else None)
                    if built.go_cgo_off and built.go_cgo_packages:
                        from .goreach import reached
                        built = built._replace(go_cgo_reached=reached(self, info, built, cwd, context))
                    elif built.linkage != "static":  # a package it reaches may link C++ (MI403, MI491)
                        from .cxxlink import go_cxx
                        built = go_cxx(self, info, built, argv, cwd, context)
                    self._add(info, built)
                    if built.linkage != "static" or cenv.get("CGO_ENABLED") == "1":
                        info.compiles.append((line, "go build with cgo"))
                elif cenv.get("CGO_ENABLED") != "0":
                    info.compiles.append((line, f"go {argv[1]} with cgo on by default"))
            elif prog in ("git", "go") and len(argv) > 2 and argv[1] in ("clone", "get") and self.context_dir:
                self_clone(self, info, argv, cwd, cenv, line)  # the context's own repository: as `COPY . DIR`
            elif prog == "cargo" and len(argv) > 1 and argv[1] in CARGO_BUILDS:
                info.compiles.append((line, "cargo (links with cc)"))
                from .cxxlink import rust_cxx  # a crate that links C++ (Cargo.lock): libstdc++ too
                where = cargo_dir(argv, cwd, cenv)  # --manifest-path /code/worker/Cargo.toml builds there
                self._add(info, built := rust_cxx(self, cargo_build(info, argv, where, cenv, line)))
                for other in workspace_outputs(built, argv, where, cenv):  # the workspace root's target/, ...
                    info.files.setdefault(other.path, other)
            elif prog == "cargo" and len(argv) > 2 and argv[1] in CARGO_BUILD_PLUGINS and argv[2] == "build":
                # cargo leptos build, cargo auditable build: cargo build underneath, same target directory
                self._add(info, cargo_build(info, ["cargo", "build", *argv[3:]], cwd, cenv, line))
            elif prog in ("dotnet", "deno", "bun") and len(argv) > 1 and argv[1] in ("publish", "compile", "build"):
                from .appbundles import bundle_build  # programs that carry their runtime (MI420-MI423)

                self._add(info, bundle_build(self, info, argv, cwd, cenv, line))
            elif prog in ("cp", "install", "mv", "ln"):
                picked(self, info, argv, prog, cwd, cenv)  # a program of the context picked out of a copied directory
                move(info, argv, prog, cwd, cenv)
            elif prog in ("make", "gmake"):
                info.compiles.append((line, prog))
                if make_depth < MAX_MAKE_DEPTH:  # a recipe's own `make TARGET` (recursive make) too
                    self._make(info, argv, cwd, cenv, line, make_depth)
            elif prog in ("pip", "pip3") or prog.startswith("pip3.") and prog[5:].isdecimal() or \
                    (prog.startswith("python") and argv[1:3] == ["-m", "pip"]):
                rest = pip_args(argv[1:] if prog.startswith("pip") else argv[3:])
                if rest and rest[0] in ("install", "wheel"):  # pip wheel -w DIR: built here, installed elsewhere
                    info.compiles.append((line, "pip install (source builds)"))
                    info.pip_npm.append((line, "pip", [expand_known(x, cenv) for x in rest[1:]], cwd))  # ".[${EXTRAS}]"
                    venv = posixpath.dirname(posixpath.dirname(argv[0])) if "/bin/" in argv[0] else ""
                    dirs = (abspath(expand(venv, cenv, "*"), cwd),) if venv and not venv.startswith("/usr") else \
                        pip_dirs(rest[1:], cenv, cwd, wheel=rest[0] == "wheel")
                    info.pkg_installs.append((line, "pip", dirs))
            elif prog in ("npm", "yarn", "pnpm") and (args := _install_args(prog, argv)) is not None:
                where = abspath(expand(args[args.index("--cwd") + 1], cenv, "*"), cwd) \
                    if prog == "yarn" and "--cwd" in args[:-1] else cwd  # yarn --cwd DIR: DIR's package.json
                info.compiles.append((line, f"{prog} install (node-gyp)"))
                info.pip_npm.append((line, prog, args, where))
                info.pkg_installs.append((line, prog, (posixpath.join(where, "node_modules"),)))
            elif prog == "bun" and (args := _install_args("npm", argv)) is not None and not {"-g", "--global"} & set(args):
                info.pkg_installs.append((line, "bun", (posixpath.join(cwd, "node_modules"),)))  # MI432: nodeabi.py
            elif prog in ("conda", "mamba", "micromamba") and len(argv) > 1:
                from .conda import is_conda_install  # conda install, mamba create, conda env create -f F
                if is_conda_install(argv):
                    info.pip_npm.append((line, "conda", argv[1:], cwd))
                    info.pkg_installs.append((line, "conda", (cenv.get("CONDA_DIR") or "/opt/conda",)))
            elif prog == "uv":  # uv pip install, uv sync (kb/lint/uvsteps.py)
                uv_step(info, argv, cenv, cwd, line)
            elif prog in ("poetry", "pipenv") and len(argv) > 1 and argv[1] in ("install", "add", "sync"):
                info.pip_npm.append((line, prog, argv[2:] if argv[1] == "add" else [], cwd))
                info.pkg_installs.append((line, prog, (_venv_dir(prog, cwd, cenv), *pip_dirs([], cenv, cwd))))

    def _make(self, info: StageInfo, argv: list[str], cwd: str, env: dict, line: int, depth: int) -> None:
        """`make [VAR=value] [TARGET]`: the recipes the context's Makefile runs for it, walked like RUN lines; with no
        Makefile to read, a Go image's make is taken as a `go build` with Go's defaults (a hidden build)."""
        overrides, goals, where, name = {}, [], "", None
        args = argv[1:]
        i = 0
        while i < len(args):
            a = args[i]
            if a in ("-C", "--directory", "-f", "--file", "--makefile") and i + 1 < len(args):
                if a in ("-C", "--directory"):
                    where = args[i + 1]
                else:
                    name = args[i + 1]
                i += 2
                continue
            if a.startswith(("--directory=", "--file=", "--makefile=")) or a.startswith("-C") and len(a) > 2:
                option, _, value = a.partition("=") if a.startswith("--") else ("-C", "", a[2:])
                where, name = (value, name) if option in ("-C", "--directory") else (where, value)
            elif is_assignment(a):
                k, _, v = a.partition("=")
                overrides[k] = expand(v, env, "*")
            elif not a.startswith("-"):
                goals.append(a)
            i += 1
        mcwd = abspath(where, cwd) if where else cwd
        if mcwd in info.cmake:  # the Makefile cmake generated
            from .cmake import build_or_install as cmake_build_or_install

            self._add(info, cmake_build_or_install(self, info, mcwd, goals, line, overrides))
            return
        text = self._makefile(where, name)
        if text is None:
            if info.profile.go_version is not None or info.profile.source.startswith("family golang"):
                built = go_build(info, ["go", "build"], mcwd, env, line, (None, (), None, None))
                info.files[built.path] = built._replace(**{"linkage": "static", "go_implicit": True,
                                                      "why": "make runs the build and its Makefile is not in the "
                                                             "build context, so lint assumes go build's defaults"})
            return
        from .makefiles import recipes  # its patterns are compiled only where make runs

        for recipe in recipes(text, goals, overrides, mcwd, cwd):
            self._commands(info, recipe, mcwd, {**env, **overrides}, line, make_depth=depth + 1)

    def _makefile(self, where: str, name: str | None) -> str | None:
        if not self.context_dir or "$" in where + (name or ""):
            return None
        key = ("makefile", self.context_dir, where, name)
        if key not in self.context_cache:
            from ..evidence.errors import read_project_file

            from .makefiles import with_includes  # `include FILE`: FILE's text in its place

            rel = where.lstrip("/") if where and not where.startswith("/") else ""
            read = lambda path: read_project_file(self.context_dir, posixpath.join(rel, path))  # noqa: E731
            texts = (read(c) for c in ([name] if name else ["GNUmakefile", "makefile", "Makefile"]))
            text = next((t for t in texts if t is not None), None)
            self.context_cache[key] = with_includes(text, read) if text is not None else None
        return self.context_cache[key]

    def _add(self, info: StageInfo, built: BuiltFile | None) -> None:
        if built is not None:
            info.files[built.path] = built

    def context_subdir(self, info: StageInfo, cwd: str) -> str:
        """The build-context directory whose files a `COPY DIR DEST` put at `cwd` of stage `info` (the last such
        COPY wins), or that the files COPYs put in `cwd` itself came from (landing.files_dir), as a relative path;
        "" (the context's root) when no COPY did."""
        if (files := files_dir(self.context_dir, reversed(info.context_dirs), cwd)) is not None:
            return files
        for dest, src in reversed(info.context_dirs):
            dest = dest.rstrip("/") or "/"
            if cwd == dest or cwd.startswith(dest.rstrip("/") + "/"):
                rel = posixpath.normpath(posixpath.join(src.lstrip("/"), posixpath.relpath(cwd, dest)))
                return "" if rel in (".", "") or rel.startswith("..") else rel
        return ""

    def tls_context(self, index: int, art: BuiltFile | None = None) -> str | bool:
        """What the source stage `index` copied from the build context (or the packages a Go build `art` reaches:
        kb/lint/goclients.py) shows about outgoing TLS: a description of the evidence, False when the source is
        there and shows none, an Unseen reason when it cannot be told."""
        info = self.stages[index]
        if not self.context_dir:
            return Unseen(NO_SOURCE)
        from .goclients import file_calls, tls_evidence  # only where a program arrives in an image without a CA bundle
        walked = tls_evidence(self, art) if art is not None else None
        program = posixpath.basename(art.path) if art is not None and art.lang == "rust" else None
        key = ("tls", self.context_dir, tuple(info.context_sources), walked, program)
        if key not in self.context_cache:
            seen = walked if walked is not None else Unseen(NO_SOURCE) if not info.context_sources \
                else tls_sources(self.context_dir, info.context_sources, self.kb.native_packages, program, file_calls)
            if isinstance(seen, Unseen):  # the modules go.mod or Cargo.toml names may still tell
                seen = https_clients(self.context_dir, self.kb.native_packages.get("https", {})) or seen
            self.context_cache[key] = seen
        return self.context_cache[key]

    def _go_context(self, info: StageInfo) -> tuple:
        """What the Go source this stage copied from the build context shows (cached across the files linted):
        kb/lint/gosources.py go_sources."""
        if not self.context_dir or not info.context_sources:
            return None, (), None, None, ""
        key = (self.context_dir, tuple(info.context_sources))
        if key not in self.context_cache:
            self.context_cache[key] = go_sources(self.context_dir, info.context_sources, self.kb.native_packages)
        return self.context_cache[key]


def _links_sh(command: str) -> bool:
    """Does an exec-form RUN make /bin/sh a link (`["/usr/local/bin/toybox", "ln", "-s", "/bin/bash", "/bin/sh"]`)?"""
    words = command.split()
    return len(words) >= 4 and "ln" in (posixpath.basename(w) for w in words[:2]) and words[-1] == "/bin/sh"
