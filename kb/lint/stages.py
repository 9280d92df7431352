"""Walking a Dockerfile's stages: ENV, ARG, WORKDIR, USER, RUN, COPY/ADD, and what each stage has at the end.

:class:`Analysis` analyses one parsed Dockerfile once for all the checks: per stage (:class:`StageInfo`) the profile
of its base image as RUN steps and COPYs change it, the programs it builds (kb/lint/builds.py) and where COPY
--from, cp, install, mv and ln put them, the shell uses, users, pip/npm installs and apk adds.
"""
from __future__ import annotations

import fnmatch
import posixpath
import re
import shlex
from dataclasses import dataclass, field

from ..model import Knowledge
from .builds import BuiltFile, cargo_build, cc_build, go_build
from .context import go_sources
from .profiles import Profile, profile_for
from .shellwords import BIN_DIRS, CC, abspath, expand, is_assignment, positional, simple_commands, unquote

TYPE_CHECKING = False
if TYPE_CHECKING:
    from ..evidence.dockerfile_parse import DockerfileReport, Stage

_PIP3X = re.compile(r"pip3\.\d+")


@dataclass
class StageInfo:
    """One stage as walked: its profile, the programs it holds (built or copied in) and what its steps use."""

    index: int
    stage: "Stage"
    profile: Profile
    files: dict = field(default_factory=dict)  # path -> BuiltFile
    arrivals: list = field(default_factory=list)  # (BuiltFile, COPY line, source stage index) copied in
    env: dict = field(default_factory=dict)
    context_sources: list = field(default_factory=list)  # COPY/ADD sources from the build context
    pip_npm: list = field(default_factory=list)  # (line, tool, packages)
    apk_adds: list = field(default_factory=list)  # (line, packages)
    shell_uses: list = field(default_factory=list)  # (line, what, shell argv0)
    users: list = field(default_factory=list)  # (line, user)


class Analysis:
    """One Dockerfile, analysed once for all the checks."""

    def __init__(self, kb: Knowledge, report: "DockerfileReport", context_dir: str | None = None,
                 context_cache: dict | None = None):
        self.kb, self.report, self.context_dir = kb, report, context_dir
        self.context_cache = context_cache if context_cache is not None else {}
        self.global_args = {k: v for k, v in report.global_args if v is not None}
        self.stages: list[StageInfo] = []
        for stage in report.stages:
            self.stages.append(self._walk(stage))

    @property
    def final(self) -> StageInfo:
        return self.stages[-1]

    # -- walking a stage ----------------------------------------------------------------------------------------

    def _walk(self, stage: "Stage") -> StageInfo:
        if stage.base_stage is not None:
            parent = self.stages[stage.base_stage]
            info = StageInfo(stage.index, stage, parent.profile.copy(), dict(parent.files), [], dict(parent.env))
        else:
            info = StageInfo(stage.index, stage, profile_for(self.kb, stage.base_image_resolved))
        prof = info.profile
        cwd = prof.workdir
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
                        args_scope[k] = unquote(v)
                    elif k in self.global_args:
                        args_scope[k] = self.global_args[k]
            elif c == "WORKDIR" and ins.args:
                cwd = abspath(expand(ins.args[0], {**args_scope, **env}, "x"), cwd)
            elif c == "RUN":
                run = runs.get(ins.line)
                if run is None:
                    continue
                if not run.exec_form:
                    info.shell_uses.append((ins.line, "RUN", (stage.shell or ("/bin/sh",))[0]))
                self._run(info, run, cwd, {**args_scope, **env}, ins.line)
            elif c in ("COPY", "ADD"):
                self._copy(info, ins, froms.get(ins.line, ()), cwd, {**args_scope, **env})
            elif c == "USER" and ins.args:
                info.users.append((ins.line, expand(ins.args[0], {**args_scope, **env}, "$")))
            elif c == "SHELL" and ins.json and ins.args:
                pass  # stage.shell already holds the SHELL in force at the end; CMD specs carry their own
        for spec, what in ((stage.cmd, "CMD"), (stage.entrypoint, "ENTRYPOINT")):
            if spec is not None and spec.form == "shell":
                info.shell_uses.append((spec.line, what, spec.argv[0] if spec.argv else "/bin/sh"))
        return info

    def _copy(self, info: StageInfo, ins, froms, cwd: str, env: dict) -> None:
        if len(ins.args) < 2:
            return
        dest_raw = expand(ins.args[-1], env, "x")
        dest = abspath(dest_raw, cwd)
        dest_is_dir = dest_raw.endswith("/") or dest_raw in (".", "./") or len(ins.args) > 2 or dest in BIN_DIRS
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
        if not froms:
            if ins.cmd == "COPY" or ins.cmd == "ADD":
                info.context_sources.extend(sources)
            return
        for cf in froms:
            if cf.stage_index is None:
                continue
            src_stage = self.stages[cf.stage_index]
            for s in sources:
                src = abspath(s, "/")
                for art in list(src_stage.files.values()):
                    target = landing(art.path, src, dest, dest_is_dir)
                    if target is None:
                        continue
                    moved = art.at(target)
                    info.files[target] = moved
                    info.arrivals.append((moved, ins.line, cf.stage_index))

    def _run(self, info: StageInfo, run, cwd: str, env: dict, line: int) -> None:
        prof = info.profile
        text = run.command if not run.exec_form else shlex.join(run.argv)
        local = dict(env)
        for argv in simple_commands(text):
            assigns = {}
            while argv and (is_assignment(argv[0]) or argv[0] == "env"):
                if argv[0] != "env":
                    k, _, v = argv[0].partition("=")
                    assigns[k] = expand(v, local, "")
                argv = argv[1:]
            if not argv:
                local.update(assigns)
                continue
            cenv = {**local, **assigns}
            prog = posixpath.basename(argv[0])
            if prog == "export":
                for a in argv[1:]:
                    k, eq, v = a.partition("=")
                    if eq:
                        local[k] = expand(v, local, "")
            elif prog == "cd" and len(argv) > 1:
                cwd = abspath(expand(argv[1], cenv, "x"), cwd)
            elif prog == "apk" and len(argv) > 1 and argv[1] == "add":
                pkgs = positional(argv[2:], takes_value={"--virtual", "-t", "--repository", "-X", "--root", "-p"})
                prof.installed.update(p.split("=")[0].split(">")[0].split("<")[0] for p in pkgs)
                info.apk_adds.append((line, pkgs))
            elif prog in ("apt-get", "apt") and "install" in argv:
                pkgs = positional(argv[argv.index("install") + 1:], takes_value={"-o", "-t"})
                prof.installed.update(p.split("=")[0] for p in pkgs)
            elif CC.fullmatch(prog):
                self._add(info, cc_build(info, argv, prog, cwd, cenv, line))
            elif prog == "go" and len(argv) > 1 and argv[1] in ("build", "install"):
                self._add(info, go_build(info, argv, cwd, cenv, line, self._go_context(info)))
            elif prog == "cargo" and len(argv) > 1 and argv[1] in ("build", "install"):
                self._add(info, cargo_build(info, argv, cwd, cenv, line))
            elif prog in ("cp", "install", "mv", "ln"):
                self._move(info, argv, prog, cwd, cenv)
            elif prog in ("pip", "pip3") or _PIP3X.fullmatch(prog) or \
                    (prog.startswith("python") and argv[1:3] == ["-m", "pip"]):
                rest = argv[1:] if prog.startswith("pip") else argv[3:]
                if rest and rest[0] == "install":
                    info.pip_npm.append((line, "pip", rest[1:], cwd))
            elif prog in ("npm", "yarn", "pnpm") and len(argv) > 1 and argv[1] in ("install", "i", "add", "ci"):
                info.pip_npm.append((line, prog, argv[2:], cwd))

    def _add(self, info: StageInfo, built: BuiltFile | None) -> None:
        if built is not None:
            info.files[built.path] = built

    def _go_context(self, info: StageInfo) -> tuple[bool | None, tuple[str, ...]]:
        """What the Go source this stage copied from the build context shows (cached across the files linted)."""
        if not self.context_dir or not info.context_sources:
            return None, ()
        key = (self.context_dir, tuple(info.context_sources))
        if key not in self.context_cache:
            self.context_cache[key] = go_sources(self.context_dir, info.context_sources, self.kb.native_packages)
        return self.context_cache[key]

    def _move(self, info: StageInfo, argv: list[str], prog: str, cwd: str, env: dict) -> None:
        if prog == "ln" and "-s" not in " ".join(argv[1:3]):
            return
        takes = {"-m", "--mode", "-o", "-g", "--owner", "--group", "-t", "--target-directory", "-S", "--suffix"}
        rest = positional(argv[1:], takes_value=takes)
        target_dir = None
        for i, a in enumerate(argv[1:]):
            if a in ("-t", "--target-directory") and i + 2 < len(argv):
                target_dir = argv[i + 2]
        if target_dir is None and len(rest) < 2:
            return
        srcs, dest_raw = (rest, target_dir) if target_dir else (rest[:-1], rest[-1])
        dest_raw = expand(dest_raw, env, "x")
        dest = abspath(dest_raw, cwd)
        dest_is_dir = bool(target_dir) or dest_raw.endswith("/") or len(srcs) > 1 or dest in BIN_DIRS
        for s in srcs:
            src = abspath(expand(s, env, "*"), cwd)
            for art in list(info.files.values()):
                if matches(art.path, src):
                    target = posixpath.join(dest, posixpath.basename(src if "*" not in src else art.path)) \
                        if dest_is_dir else dest
                    info.files[target] = art.at(target)


def matches(art_path: str, src: str) -> bool:
    """Does the source path `src` (maybe a glob) name the artefact at `art_path` (maybe ending in an unknown name)?"""
    if src == art_path:
        return True
    if "*" in art_path:
        if posixpath.dirname(art_path) == posixpath.dirname(src):
            return True
        return fnmatch.fnmatchcase(src, art_path)
    return any(ch in src for ch in "*?[") and fnmatch.fnmatchcase(art_path, src)


def landing(art_path: str, src: str, dest: str, dest_is_dir: bool) -> str | None:
    """Where `COPY src dest` puts the artefact at art_path, or None if it does not copy it."""
    if matches(art_path, src):
        name = posixpath.basename(art_path if "*" not in art_path else src)
        if "*" in name:
            name = posixpath.basename(art_path)
        return posixpath.join(dest, name) if dest_is_dir else dest
    prefix = src.rstrip("/") + "/"
    if src == "/" or art_path.startswith(prefix):  # a directory: its contents land under dest
        rel = art_path[len(prefix):] if src != "/" else art_path.lstrip("/")
        return posixpath.join(dest, rel)
    if "*" in art_path and posixpath.dirname(art_path) == src.rstrip("/"):
        return posixpath.join(dest, "*")
    return None
