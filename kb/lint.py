"""`minimage-ask lint`: libc-aware checks of Dockerfiles (the MI4xx rules of rules.yaml).

The rules' ids, severities, messages, fixes and sources are data (`lints:` in rules.yaml); the detection is here,
one small function per rule, registered under the rule's kebab-case name. Every function gets the same analysed
Dockerfile (:class:`Analysis`): a profile of each stage's base image (libc, glibc release, shell, passwd, compiler,
libstdc++/libgcc_s) looked up in the image catalogue and the `image_families:` patterns, the binaries each stage
builds (C/C++ with gcc/clang, Go, Rust) with how they link, and where those binaries land when `COPY --from` (and
`cp`/`install` in a RUN) carry them from stage to stage.

No terminal I/O here; `shell/lint.py` renders findings as text, JSON or SARIF.
"""
from __future__ import annotations

import fnmatch
import os
import posixpath
import re
import shlex
from dataclasses import dataclass, field

from .model import Data, Image, ImageFamily, Knowledge, LintRule, record

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Callable, Iterable

    from .evidence.dockerfile_parse import DockerfileReport, Stage

SEVERITIES = ("error", "warning", "info")
CHECKS: dict[str, "Callable[[Analysis, LintRule], Iterable[Hit]]"] = {}


def check(name: str):
    """Register the detection function of the lint rule called `name` in rules.yaml."""
    def register(fn):
        CHECKS[name] = fn
        return fn
    return register


# ---- results ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Hit:
    """What a check found: the line, the variant of the fix to show, and the values for the message template."""

    line: int
    values: dict
    variant: str = "default"


@record
class Finding(Data):
    file: str
    line: int
    rule: str
    name: str
    severity: str
    message: str
    fix: str
    sources: tuple[str, ...]

    def __str__(self) -> str:
        return f"{self.file}:{self.line} {self.rule} {self.severity}: {self.message}"


@record
class LintResult(Data):
    """The findings for one Dockerfile, or why it could not be read (`error`: path, line, message, reason)."""

    file: str
    findings: tuple[Finding, ...] = ()
    error: dict | None = None


class _Template(dict):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def render(template: str, values: dict) -> str:
    return template.format_map(_Template(values))


# ---- what a stage's base image is ----------------------------------------------------------------------------------


@dataclass
class Profile:
    """What a stage starts from (and what its RUN steps installed), as far as the knowledge base tells."""

    ref: str
    known: bool = False
    libc: str | None = None  # glibc | musl | none
    release: str | None = None
    glibc: str | None = None
    shell: str | None = None  # none | busybox | dash | bash
    shell_path: str | None = None
    passwd: bool | None = None
    gcc: bool = False
    libstdcxx: bool | None = None
    libgcc_s: bool | None = None
    workdir: str = "/"
    rust_target: str | None = None
    source: str = ""  # the catalogue entry or family it came from
    installed: set = field(default_factory=set)
    provided: set = field(default_factory=set)  # what COPY brought in: loader-glibc, libstdcxx, libgcc_s, passwd, shell

    def copy(self) -> "Profile":
        p = Profile(**{k: getattr(self, k) for k in self.__dataclass_fields__})
        p.installed, p.provided = set(self.installed), set(self.provided)
        return p

    @property
    def has_compiler(self) -> bool:
        return self.gcc or bool(self.installed & _C_TOOLCHAINS)


_C_TOOLCHAINS = {"gcc", "build-base", "clang", "build-essential", "g++", "alpine-sdk", "cc", "clang-dev"}


def normalise_ref(ref: str) -> str:
    ref = ref.strip().lower()
    ref = ref.split("@", 1)[0]  # a digest pins the same image
    for prefix in ("docker.io/library/", "index.docker.io/library/", "docker.io/", "index.docker.io/", "library/"):
        if ref.startswith(prefix):
            ref = ref[len(prefix):]
            break
    return ref


def _with_tag(ref: str) -> str:
    last = ref.rsplit("/", 1)[-1]
    return ref if ":" in last or ref == "scratch" else ref + ":latest"


def find_family(kb: Knowledge, ref: str) -> ImageFamily | None:
    tagged = _with_tag(ref)
    for fam in kb.image_families:
        if any(fnmatch.fnmatchcase(tagged, pat) or fnmatch.fnmatchcase(ref, pat) for pat in fam.match):
            return fam
    return None


def profile_for(kb: Knowledge, written: str) -> Profile:
    ref = normalise_ref(written)
    prof = Profile(ref=written)
    if "$" in ref:
        return prof
    image: Image | None = kb.image(ref) or kb.image(_with_tag(ref))
    fam = find_family(kb, ref)
    if fam is not None:
        release = fam.release_for(_with_tag(ref))
        prof.known, prof.libc, prof.release, prof.shell = True, fam.libc, release, fam.shell
        prof.shell_path = fam.shell_path if fam.shell != "none" else None
        prof.passwd, prof.gcc, prof.libstdcxx, prof.libgcc_s = fam.passwd, fam.gcc, fam.libstdcxx, fam.libgcc_s
        prof.workdir, prof.rust_target, prof.source = fam.workdir or "/", fam.rust_target, f"family {fam.id}"
        if fam.libc == "glibc" and release:
            prof.glibc = kb.releases.get(release, {}).get("glibc")
    if image is not None:
        prof.known, prof.libc, prof.release, prof.shell = True, image.libc, image.release, image.shell
        prof.glibc = image.libc_version if image.libc == "glibc" else None
        if image.shell == "none":
            prof.shell_path = None
        elif not prof.shell_path:
            prof.shell_path = "/bin/sh"
        prof.passwd = image.passwd
        prof.libstdcxx = "libstdc++.so.6" in image.libs
        prof.libgcc_s = "libgcc_s.so.1" in image.libs
        prof.source = f"catalogue {image.ref}"
    return prof


def _vtuple(v: str | None) -> tuple[int, ...]:
    return tuple(int(x) for x in re.findall(r"\d+", v or ""))


# ---- what a stage builds ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Artefact:
    path: str  # absolute; a final "*" when the name is not known (go build ., cargo build)
    lang: str  # c | cpp | go | rust
    linkage: str  # static | glibc | musl
    stage: int
    line: int
    builder: str  # the builder stage's base image as written
    builder_release: str | None
    builder_glibc: str | None
    needs: frozenset = frozenset()  # libstdc++.so.6, libgcc_s.so.1
    why: str = ""  # why it links this way, in words
    go_cgo: str | None = None  # CGO_ENABLED as set explicitly ("0"/"1"), None when unset
    go_implicit: bool = False  # cgo was left to its default and the build stage has a C compiler
    go_cgo_packages: tuple[str, ...] = ()  # cgo-only modules seen in go.mod / imports

    def at(self, path: str) -> "Artefact":
        return Artefact(**{**self.__dict__, "path": path})


@dataclass
class StageInfo:
    index: int
    stage: "Stage"
    profile: Profile
    files: dict = field(default_factory=dict)  # path -> Artefact
    arrivals: list = field(default_factory=list)  # (Artefact, COPY line, source stage index) copied in
    env: dict = field(default_factory=dict)
    context_sources: list = field(default_factory=list)  # COPY/ADD sources from the build context
    pip_npm: list = field(default_factory=list)  # (line, tool, packages)
    apk_adds: list = field(default_factory=list)  # (line, packages)
    shell_uses: list = field(default_factory=list)  # (line, what, shell argv0)
    users: list = field(default_factory=list)  # (line, user)


_VAR = re.compile(r"\$(?:\{([A-Za-z_][A-Za-z0-9_]*)(?::?[-+][^}]*)?\}|([A-Za-z_][A-Za-z0-9_]*))")


def expand(word: str, env: dict, unknown: str = "*") -> str:
    return _VAR.sub(lambda m: env.get(m.group(1) or m.group(2)) or unknown, word)


def _abs(path: str, cwd: str) -> str:
    return posixpath.normpath(posixpath.join(cwd or "/", path)) if path else cwd


_SPLIT = re.compile(r"\s*(?:&&|\|\||;|\||\n|(?<![<>&])&(?![&>]))\s*")
_ASSIGN = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*=")


def simple_commands(text: str) -> list[list[str]]:
    """The simple commands of a shell command line, as argv lists (a heuristic split, never raises)."""
    text = text.replace("\\\n", " ")
    out = []
    for part in _SPLIT.split(text):
        part = part.strip().lstrip("({").rstrip(")}").strip()
        if not part or part.startswith("#"):
            continue
        try:
            argv = shlex.split(part, comments=True)
        except ValueError:
            argv = part.split()
        if argv:
            out.append(argv)
    return out


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
                    env[k] = expand(_unq(v), {**args_scope, **env}, "")
            elif c == "ARG":
                for a in ins.args:
                    k, eq, v = a.partition("=")
                    if eq:
                        args_scope[k] = _unq(v)
                    elif k in self.global_args:
                        args_scope[k] = self.global_args[k]
            elif c == "WORKDIR" and ins.args:
                cwd = _abs(expand(ins.args[0], {**args_scope, **env}, "x"), cwd)
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
        dest = _abs(dest_raw, cwd)
        dest_is_dir = dest_raw.endswith("/") or dest_raw in (".", "./") or len(ins.args) > 2 or dest in _BIN_DIRS
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
                src = _abs(s, "/")
                for art in list(src_stage.files.values()):
                    target = _landing(art.path, src, dest, dest_is_dir)
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
            while argv and (_ASSIGN.match(argv[0]) or argv[0] == "env"):
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
                cwd = _abs(expand(argv[1], cenv, "x"), cwd)
            elif prog == "apk" and len(argv) > 1 and argv[1] == "add":
                pkgs = _positional(argv[2:], takes_value={"--virtual", "-t", "--repository", "-X", "--root", "-p"})
                prof.installed.update(p.split("=")[0].split(">")[0].split("<")[0] for p in pkgs)
                info.apk_adds.append((line, pkgs))
            elif prog in ("apt-get", "apt") and "install" in argv:
                pkgs = _positional(argv[argv.index("install") + 1:], takes_value={"-o", "-t"})
                prof.installed.update(p.split("=")[0] for p in pkgs)
            elif _CC.match(prog):
                self._cc(info, argv, prog, cwd, cenv, line)
            elif prog == "go" and len(argv) > 1 and argv[1] in ("build", "install"):
                self._go(info, argv, cwd, cenv, line)
            elif prog == "cargo" and len(argv) > 1 and argv[1] in ("build", "install"):
                self._cargo(info, argv, cwd, cenv, line)
            elif prog in ("cp", "install", "mv", "ln"):
                self._move(info, argv, prog, cwd, cenv)
            elif prog in ("pip", "pip3") or re.fullmatch(r"pip3\.\d+", prog) or \
                    (prog.startswith("python") and argv[1:3] == ["-m", "pip"]):
                rest = argv[1:] if prog.startswith("pip") else argv[3:]
                if rest and rest[0] == "install":
                    info.pip_npm.append((line, "pip", rest[1:], cwd))
            elif prog in ("npm", "yarn", "pnpm") and len(argv) > 1 and argv[1] in ("install", "i", "add", "ci"):
                info.pip_npm.append((line, prog, argv[2:], cwd))

    # -- builds --------------------------------------------------------------------------------------------------

    def _add(self, info: StageInfo, art: Artefact) -> None:
        info.files[art.path] = art

    def _base(self, info: StageInfo) -> dict:
        p = info.profile
        return {"stage": info.index, "builder": info.stage.base_image_resolved, "builder_release": p.release,
                "builder_glibc": p.glibc}

    def _dynamic_libc(self, info: StageInfo, prog: str = "") -> str | None:
        if prog.startswith("musl-"):
            return "musl"
        libc = info.profile.libc
        return libc if libc in ("glibc", "musl") else None

    def _cc(self, info: StageInfo, argv: list[str], prog: str, cwd: str, env: dict, line: int) -> None:
        args = argv[1:]
        if any(a in ("-c", "-E", "-S", "-M", "-MM", "--version", "-v", "-dumpversion", "-shared") for a in args):
            return
        out = "a.out"
        for i, a in enumerate(args):
            if a == "-o" and i + 1 < len(args):
                out = args[i + 1]
            elif a.startswith("-o") and len(a) > 2:
                out = a[2:]
        sources = [a for a in args if not a.startswith("-") and re.search(r"\.(c|cc|cpp|cxx|c\+\+|C|o|a)$", a)]
        if not sources and out == "a.out":
            return
        cpp = "++" in prog or any(re.search(r"\.(cc|cpp|cxx|c\+\+|C)$", s) for s in sources)
        static = any(a in ("-static", "-static-pie", "--static") for a in args) or "-static" in env.get("LDFLAGS", "")
        lang = "cpp" if cpp else "c"
        libc = self._dynamic_libc(info, prog)
        if static:
            linkage, why = "static", f"{prog} -static"
        elif libc is None:
            return
        else:
            linkage, why = libc, f"{prog} without -static in {info.stage.base_image_resolved}"
        needs = set()
        if cpp and linkage != "static":
            if "-static-libstdc++" not in args:
                needs.add("libstdc++.so.6")
            if "-static-libgcc" not in args:
                needs.add("libgcc_s.so.1")
        self._add(info, Artefact(path=_abs(expand(out, env, "*"), cwd), lang=lang, linkage=linkage, line=line,
                                 needs=frozenset(needs), why=why, **self._base(info)))

    def _go(self, info: StageInfo, argv: list[str], cwd: str, env: dict, line: int) -> None:
        args = argv[2:]
        out = None
        ldflags = tags = buildmode = ""
        pkgs = []
        i = 0
        while i < len(args):
            a = args[i]
            name, eq, val = a.partition("=")
            if name in ("-o", "-ldflags", "-tags", "-buildmode", "-gcflags", "-asmflags", "-mod", "-p", "-pkgdir",
                        "-installsuffix", "-modfile", "-overlay", "-pgo", "-C", "--ldflags", "--tags", "--o"):
                if not eq:
                    i += 1
                    val = args[i] if i < len(args) else ""
                key = name.lstrip("-")
                if key == "o":
                    out = val
                elif key == "ldflags":
                    ldflags += " " + val
                elif key == "tags":
                    tags += "," + val
                elif key == "buildmode":
                    buildmode = val
            elif not a.startswith("-"):
                pkgs.append(a)
            i += 1
        if argv[1] == "install":
            gobin = env.get("GOBIN") or posixpath.join(env.get("GOPATH") or "/go", "bin")
            path = posixpath.join(gobin, "*")
        elif out:
            o = expand(out, env, "*")
            path = _abs(o, cwd) + ("/*" if o.endswith("/") else "")
        elif pkgs and pkgs[0].endswith(".go"):
            path = _abs(posixpath.basename(pkgs[0])[:-3], cwd)
        elif pkgs and pkgs[0] not in (".", "./...") and not pkgs[0].endswith("..."):
            path = _abs(posixpath.basename(pkgs[0].rstrip("/")), cwd)
        else:
            path = _abs("*", cwd)
        explicit = env.get("CGO_ENABLED")
        explicit = explicit if explicit in ("0", "1") else None
        compiler = info.profile.has_compiler or bool(env.get("CC"))
        cgo_on = explicit == "1" or (explicit is None and compiler)
        tagset = {t.strip() for t in re.split(r"[,\s]+", tags) if t.strip()}
        uses, cgo_pkgs = self._go_imports(info)
        libc = self._dynamic_libc(info)
        static_flags = re.search(r"-extldflags[= ]+['\"]?[^'\"]*-static", ldflags) is not None
        if buildmode == "pie" and libc and not static_flags:
            linkage, why = libc, "-buildmode=pie links the loader in"
        elif not cgo_on:
            linkage = "static"
            why = "CGO_ENABLED=0" if explicit == "0" else \
                f"cgo is off by default: {info.stage.base_image_resolved} has no C compiler"
        elif static_flags:
            linkage, why = "static", "-extldflags -static"
        elif libc is None:
            linkage, why = "static", ""
        elif {"netgo", "osusergo"} <= tagset and not cgo_pkgs:
            linkage, why = "static", "-tags netgo,osusergo"
        elif explicit is None and uses is False:
            linkage = "static"
            why = "no imported package uses cgo"
        else:
            if explicit == "1":
                why = "CGO_ENABLED=1"
            else:
                why = (f"CGO_ENABLED is not set and {info.stage.base_image_resolved} has a C compiler, so cgo is on"
                       + (" and the program imports net, os/user or C" if uses else
                          "; with cgo on, net and os/user link the C library"))
            linkage = libc
        self._add(info, Artefact(path=path, lang="go", linkage=linkage, line=line, why=why, go_cgo=explicit,
                                 go_implicit=explicit is None and compiler, go_cgo_packages=tuple(cgo_pkgs),
                                 **self._base(info)))

    def _go_imports(self, info: StageInfo) -> tuple[bool | None, list[str]]:
        """(does the copied Go source use cgo or a package that needs it, cgo-only modules in go.mod)."""
        if not self.context_dir or not info.context_sources:
            return None, []
        key = (self.context_dir, tuple(info.context_sources))
        if key not in self.context_cache:
            self.context_cache[key] = _scan_go(self.context_dir, info.context_sources, self._cgo_modules())
        return self.context_cache[key]

    def _cgo_modules(self) -> tuple[str, ...]:
        return tuple(native_packages().get("go", ()))

    def _cargo(self, info: StageInfo, argv: list[str], cwd: str, env: dict, line: int) -> None:
        args = argv[2:]
        target = env.get("CARGO_BUILD_TARGET")
        release = "--release" in args or "-r" in args
        root = None
        for i, a in enumerate(args):
            if a == "--target" and i + 1 < len(args):
                target = args[i + 1]
            elif a.startswith("--target="):
                target = a.split("=", 1)[1]
            elif a == "--root" and i + 1 < len(args):
                root = args[i + 1]
            elif a.startswith("--profile"):
                release = True
        prof = info.profile
        host = prof.rust_target or ("musl" if prof.libc == "musl" else "gnu")
        kind = "musl" if (target and "musl" in target) else ("gnu" if target else host)
        flags = env.get("RUSTFLAGS", "") + " " + env.get("CARGO_ENCODED_RUSTFLAGS", "")
        if "+crt-static" in flags:
            static = True
        elif "-crt-static" in flags:
            static = False
        else:
            static = kind == "musl"
        if static:
            linkage, why, needs = "static", ("musl target (static by default)" if kind == "musl"
                                             else "-C target-feature=+crt-static"), frozenset()
        else:
            linkage = "glibc" if kind == "gnu" else "musl"
            why = "the gnu target links glibc dynamically" if kind == "gnu" else "-crt-static on musl"
            needs = frozenset({"libgcc_s.so.1"})
        if argv[1] == "install":
            path = posixpath.join(root or env.get("CARGO_HOME") or "/usr/local/cargo", "bin", "*")
        else:
            tdir = _abs(env.get("CARGO_TARGET_DIR") or "target", cwd)
            sub = [target] if target else []
            path = posixpath.join(tdir, *sub, "release" if release else "debug", "*")
        self._add(info, Artefact(path=path, lang="rust", linkage=linkage, line=line, needs=needs, why=why,
                                 **self._base(info)))

    def _move(self, info: StageInfo, argv: list[str], prog: str, cwd: str, env: dict) -> None:
        if prog == "ln" and "-s" not in " ".join(argv[1:3]):
            return
        takes = {"-m", "--mode", "-o", "-g", "--owner", "--group", "-t", "--target-directory", "-S", "--suffix"}
        rest = _positional(argv[1:], takes_value=takes)
        target_dir = None
        for i, a in enumerate(argv[1:]):
            if a in ("-t", "--target-directory") and i + 2 < len(argv):
                target_dir = argv[i + 2]
        if target_dir is None and len(rest) < 2:
            return
        srcs, dest_raw = (rest, target_dir) if target_dir else (rest[:-1], rest[-1])
        dest_raw = expand(dest_raw, env, "x")
        dest = _abs(dest_raw, cwd)
        dest_is_dir = bool(target_dir) or dest_raw.endswith("/") or len(srcs) > 1 or dest in _BIN_DIRS
        for s in srcs:
            src = _abs(expand(s, env, "*"), cwd)
            for art in list(info.files.values()):
                if _matches(art.path, src):
                    target = posixpath.join(dest, posixpath.basename(src if "*" not in src else art.path)) \
                        if dest_is_dir else dest
                    info.files[target] = art.at(target)


_BIN_DIRS = {"/bin", "/sbin", "/usr/bin", "/usr/sbin", "/usr/local/bin", "/usr/local/sbin", "/go/bin"}


def _unq(v: str) -> str:
    if len(v) >= 2 and v[0] == v[-1] and v[0] in "\"'":
        return v[1:-1]
    return v


def _positional(args: list[str], takes_value: set) -> list[str]:
    out, skip = [], False
    for a in args:
        if skip:
            skip = False
            continue
        if a.startswith("-"):
            if a in takes_value:
                skip = True
            continue
        out.append(a)
    return out


_CC = re.compile(r"^(?:[\w.]+-)*(?:gcc|cc|clang|g\+\+|c\+\+|clang\+\+)(?:-\d+(?:\.\d+)*)?$")


def _matches(art_path: str, src: str) -> bool:
    """Does the source path `src` (maybe a glob) name the artefact at `art_path` (maybe ending in an unknown name)?"""
    if src == art_path:
        return True
    if "*" in art_path:
        if posixpath.dirname(art_path) == posixpath.dirname(src):
            return True
        return fnmatch.fnmatchcase(src, art_path)
    return any(ch in src for ch in "*?[") and fnmatch.fnmatchcase(art_path, src)


def _landing(art_path: str, src: str, dest: str, dest_is_dir: bool) -> str | None:
    """Where `COPY src dest` puts the artefact at art_path, or None if it does not copy it."""
    if _matches(art_path, src):
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


# ---- the build context ---------------------------------------------------------------------------------------------

def native_packages() -> dict:
    """The shipped native-package table (knowledge/native-packages.yaml), from the evidence scanner."""
    from .evidence.project import native_packages as table

    return table()


_GO_IMPORT_BLOCK = re.compile(r"^import\s*\(([^)]*)\)", re.M)
_GO_IMPORT_ONE = re.compile(r"^import\s+(?:[\w.]+\s+)?\"([^\"]+)\"", re.M)
_CGO_STD = re.compile(r"^(?:C|net|net/http(?:/.*)?|net/rpc(?:/.*)?|net/smtp|os/user|plugin)$")
MAX_CONTEXT_FILES = 400
MAX_SOURCE_BYTES = 1 << 20


def _scan_go(context: str, sources: list[str], cgo_modules: tuple[str, ...]) -> tuple[bool | None, list[str]]:
    files: list[str] = []
    root = os.path.realpath(context)
    for s in sources:
        if "*" in s or "$" in s:
            continue
        p = os.path.realpath(os.path.join(root, s.lstrip("/")))
        if not (p == root or p.startswith(root + os.sep)):
            continue
        if os.path.isfile(p):
            if p.endswith((".go", "go.mod")):
                files.append(p)
        elif os.path.isdir(p):
            for dirpath, dirnames, names in os.walk(p):
                dirnames[:] = sorted(d for d in dirnames if not d.startswith(".") and d not in ("vendor", "testdata",
                                                                                                "node_modules"))
                files += [os.path.join(dirpath, n) for n in sorted(names)
                          if (n.endswith(".go") and not n.endswith("_test.go")) or n == "go.mod"]
                if len(files) > MAX_CONTEXT_FILES:
                    break
        if len(files) > MAX_CONTEXT_FILES:
            break
    go_files = [f for f in files if f.endswith(".go")]
    cgo_pkgs: list[str] = []
    for f in files:
        if f.endswith("go.mod"):
            text = _read(f)
            cgo_pkgs += [m for m in cgo_modules if re.search(rf"^\s*(?:require\s+)?{re.escape(m)}\s", text, re.M)]
    if not go_files:
        return (True if cgo_pkgs else None), cgo_pkgs
    uses: bool | None = False
    for f in go_files[:MAX_CONTEXT_FILES]:
        text = _read(f)
        imports = _GO_IMPORT_ONE.findall(text)
        for block in _GO_IMPORT_BLOCK.findall(text):
            imports += re.findall(r"\"([^\"]+)\"", block)
        for imp in imports:
            if _CGO_STD.match(imp) or any(imp == m or imp.startswith(m + "/") for m in cgo_modules):
                return True, cgo_pkgs
            if "." in imp.split("/", 1)[0]:
                uses = None  # a third-party package: it may use net or cgo
    if cgo_pkgs:
        return True, cgo_pkgs
    return uses, cgo_pkgs


def _read(path: str) -> str:
    try:
        with open(path, "rb") as f:
            return f.read(MAX_SOURCE_BYTES).decode("utf-8", "replace")
    except OSError:
        return ""


# ---- the checks ------------------------------------------------------------------------------------------------------


def _describe(art: Artefact) -> str:
    name = {"c": "C", "cpp": "C++", "go": "Go", "rust": "Rust"}[art.lang]
    return f"the {name} program {art.path}"


def _image_has(prof: Profile) -> str:
    if prof.libc == "none":
        return "no C library and no loader"
    if prof.libc == "musl":
        return "musl, not glibc"
    return f"{prof.libc}"


def _final_arrivals(a: Analysis):
    """Artefacts copied into the final stage (or built there), with the line that put them there."""
    final = a.final
    seen = set()
    for art, line, _src in final.arrivals:
        if art.stage != final.index and (art.path, line) not in seen:
            seen.add((art.path, line))
            yield art, line


def _glibc_ok(prof: Profile) -> bool:
    return prof.libc == "glibc" or "loader-glibc" in prof.provided or \
        bool(prof.installed & {"gcompat", "libc6-compat"})


def _libc_hits(a: Analysis, linkage: str):
    """A hit for every artefact linked against `linkage` that reaches the final stage."""
    prof = a.final.profile
    for art, line in _final_arrivals(a):
        if art.linkage == linkage:
            yield Hit(line, {"what": _describe(art), "why": art.why, "builder": art.builder,
                             "image": a.final.stage.base_image_resolved, "has": _image_has(prof), "path": art.path},
                      art.lang)


@check("glibc-binary-without-glibc")
def check_glibc_without_glibc(a: Analysis, rule: LintRule):
    prof = a.final.profile
    if prof.known and not _glibc_ok(prof):
        yield from _libc_hits(a, "glibc")


@check("musl-binary-without-musl")
def check_musl_without_musl(a: Analysis, rule: LintRule):
    prof = a.final.profile
    if prof.known and prof.libc != "musl" and "loader-musl" not in prof.provided:
        yield from _libc_hits(a, "musl")


@check("cgo-enabled-implicitly")
def check_cgo_implicit(a: Analysis, rule: LintRule):
    prof = a.final.profile
    if not prof.known:
        return
    for art, line in _final_arrivals(a):
        if art.lang == "go" and art.go_implicit and art.linkage == "static" and prof.libc != _builder_libc(a, art):
            yield Hit(art.line, {"what": _describe(art), "builder": art.builder, "why": art.why,
                                 "image": a.final.stage.base_image_resolved})


def _builder_libc(a: Analysis, art: Artefact) -> str | None:
    return a.stages[art.stage].profile.libc


@check("cpp-runtime-libraries-missing")
def check_cxx_libs(a: Analysis, rule: LintRule):
    prof = a.final.profile
    if not prof.known:
        return
    have = {"libstdc++.so.6": prof.libstdcxx or "libstdcxx" in prof.provided
                              or bool(prof.installed & {"libstdc++", "libstdc++6", "g++", "build-base"}),
            "libgcc_s.so.1": prof.libgcc_s or "libgcc_s" in prof.provided
                             or bool(prof.installed & {"libgcc", "libgcc-s1", "libgcc1", "libstdc++", "libstdc++6",
                                                       "build-base", "gcc", "g++"})}
    for art, line in _final_arrivals(a):
        if art.linkage not in ("glibc", "musl") or art.linkage != prof.libc:
            continue  # a missing loader is reported by MI401/MI409
        missing = sorted(lib for lib in art.needs if not have.get(lib, True))
        if missing:
            yield Hit(line, {"what": _describe(art), "missing": " and ".join(missing),
                             "image": a.final.stage.base_image_resolved}, art.lang)


@check("builder-glibc-newer-than-runtime")
def check_glibc_skew(a: Analysis, rule: LintRule):
    prof = a.final.profile
    if not prof.known or prof.libc != "glibc" or not prof.glibc:
        return
    for art, line in _final_arrivals(a):
        if art.linkage == "glibc" and art.builder_glibc and _vtuple(art.builder_glibc) > _vtuple(prof.glibc):
            yield Hit(line, {"what": _describe(art), "builder": art.builder, "builder_glibc": art.builder_glibc,
                             "builder_release": art.builder_release or "?", "image": a.final.stage.base_image_resolved,
                             "image_glibc": prof.glibc, "image_release": prof.release or "?"})


def _shell_ok(prof: Profile, argv0: str) -> bool | None:
    if "shell" in prof.provided:
        return True
    if not prof.known:
        return None
    if prof.shell in (None, "none"):
        return False
    if argv0 == prof.shell_path:
        return True
    if argv0 in ("/bin/sh", "sh", "/bin/ash", "ash"):
        return prof.shell_path == "/bin/sh"  # distroless :debug has /busybox/sh only
    if argv0 in ("/bin/bash", "bash", "/usr/bin/bash"):
        return prof.shell == "bash"
    if argv0 in ("/bin/dash", "dash"):
        return prof.shell in ("bash", "dash")
    return None


@check("shell-form-without-shell")
def check_shell_form(a: Analysis, rule: LintRule):
    for info in a.stages:
        for line, what, argv0 in info.shell_uses:
            if _shell_ok(info.profile, argv0) is False:
                where = f"{info.profile.shell_path} only" if info.profile.shell_path else "no shell"
                yield Hit(line, {"what": what, "shell": argv0, "image": info.stage.base_image_resolved,
                                 "has": where}, "run" if what == "RUN" else "cmd")


_LIBC_HEADERS = {"musl-dev", "build-base", "libc-dev", "alpine-sdk"}


@check("apk-gcc-without-libc-headers")
def check_apk_gcc(a: Analysis, rule: LintRule):
    for info in a.stages:
        if info.profile.installed & _LIBC_HEADERS:
            continue
        for line, pkgs in info.apk_adds:
            compilers = [p for p in pkgs if p in ("gcc", "clang", "clang15", "clang16", "clang17", "clang18")]
            if compilers:
                yield Hit(line, {"compiler": compilers[0]})


@check("named-user-without-passwd")
def check_user(a: Analysis, rule: LintRule):
    for info in a.stages:
        prof = info.profile
        if not prof.known or prof.passwd is not False or "passwd" in prof.provided:
            continue
        for line, user in info.users:
            name = user.split(":", 1)
            if "$" in user or all(part.isdigit() for part in name if part) or name[0] == "root":
                continue
            yield Hit(line, {"user": user, "image": info.stage.base_image_resolved})


def _req_name(spec: str) -> str:
    name = re.split(r"[\[=<>!~;@ ]", spec, maxsplit=1)[0]
    return re.sub(r"[-_.]+", "-", name).lower()


def _npm_name(spec: str) -> str:
    if spec.startswith("@"):
        scope, _, rest = spec[1:].partition("/")
        return "@" + scope + "/" + rest.split("@", 1)[0]
    return spec.split("@", 1)[0]


@check("native-packages-on-alpine")
def check_native_alpine(a: Analysis, rule: LintRule):
    native = native_packages()
    for info in a.stages:
        if info.profile.libc != "musl":
            continue
        for line, tool, args, cwd in info.pip_npm:
            names: list[str] = []
            if tool == "pip":
                specs = _positional(args, takes_value={"-r", "--requirement", "-c", "--constraint", "-e",
                                                      "--editable", "-i", "--index-url", "--extra-index-url",
                                                      "-t", "--target", "--prefix", "--root", "-f", "--find-links",
                                                      "--only-binary", "--no-binary", "--platform"})
                names = [_req_name(s) for s in specs if not s.startswith((".", "/")) and "://" not in s]
                for i, arg in enumerate(args):
                    if arg in ("-r", "--requirement") and i + 1 < len(args):
                        names += _requirements(a, args[i + 1])
                table = native.get("python", {})
            else:
                specs = _positional(args, takes_value={"--prefix", "-w", "--workspace"})
                names = [_npm_name(s) for s in specs]
                if not specs:
                    names = _package_json(a)
                table = native.get("node", {})
            hits = sorted(dict.fromkeys(n for n in names if n in table))
            if hits:
                tools = "build tools are installed, so they compile from source" if info.profile.has_compiler \
                    else "there is no compiler in this stage, so the build fails for any without one"
                yield Hit(line, {"packages": ", ".join(hits), "tool": tool, "image": info.stage.base_image_resolved,
                                 "compile": tools}, "pip" if tool == "pip" else "npm")


def _requirements(a: Analysis, name: str) -> list[str]:
    if not a.context_dir or "$" in name:
        return []
    text = _read(os.path.join(a.context_dir, name.lstrip("/"))) if not os.path.isabs(name) else ""
    if not text:
        text = _read(os.path.join(a.context_dir, posixpath.basename(name)))
    return [_req_name(line.strip()) for line in text.splitlines()
            if line.strip() and not line.strip().startswith(("#", "-"))]


def _package_json(a: Analysis) -> list[str]:
    if not a.context_dir:
        return []
    import json

    try:
        doc = json.loads(_read(os.path.join(a.context_dir, "package.json")) or "{}")
    except ValueError:
        return []
    if not isinstance(doc, dict):
        return []
    out: list[str] = []
    for key in ("dependencies", "optionalDependencies"):
        deps = doc.get(key)
        if isinstance(deps, dict):
            out += [str(k) for k in deps]
    return out


@check("cgo-package-built-without-cgo")
def check_cgo_package(a: Analysis, rule: LintRule):
    for info in a.stages:
        for art in info.files.values():
            if art.stage == info.index and art.lang == "go" and art.go_cgo == "0" and art.go_cgo_packages:
                yield Hit(art.line, {"packages": ", ".join(art.go_cgo_packages)})


# ---- running the checks -----------------------------------------------------------------------------------------------


def lint_report(kb: Knowledge, report: "DockerfileReport", *, file: str | None = None, context_dir: str | None = None,
                ignore: "Iterable[str]" = (), context_cache: dict | None = None) -> list[Finding]:
    """Every finding of every active lint rule for a parsed Dockerfile, ordered by line."""
    analysis = Analysis(kb, report, context_dir, context_cache)
    ignored = {i.upper() for i in ignore} | {i.lower() for i in ignore}
    out: dict[tuple[int, str], Finding] = {}
    name = file or report.path or "Dockerfile"
    for rule in kb.lints.values():
        if rule.status != "active" or rule.id in ignored or rule.name in ignored:
            continue
        fn = CHECKS.get(rule.name)
        if fn is None:
            continue
        for hit in fn(analysis, rule) or ():
            key = (hit.line, rule.id)
            if key in out:
                continue
            fix = rule.fix.get(hit.variant) or rule.fix.get("default", "")
            out[key] = Finding(file=name, line=hit.line, rule=rule.id, name=rule.name, severity=rule.severity,
                               message=render(rule.message, hit.values), fix=render(fix, hit.values),
                               sources=rule.sources)
    return sorted(out.values(), key=lambda f: (f.line, f.rule))


def lint_text(kb: Knowledge, text: str, *, file: str = "Dockerfile", context_dir: str | None = None,
              ignore: "Iterable[str]" = ()) -> list[Finding]:
    from .evidence.dockerfile_parse import parse_dockerfile_text

    return lint_report(kb, parse_dockerfile_text(text, file), file=file, context_dir=context_dir, ignore=ignore)


def lint_paths(kb: Knowledge, paths: "Iterable[str]", *, context: str | None = None, use_context: bool = True,
               ignore: "Iterable[str]" = ()) -> list[LintResult]:
    """Lint each file; a file that cannot be read or parsed gets a result with `error` instead of findings."""
    from .evidence.dockerfile_parse import parse_dockerfile
    from .evidence.errors import EvidenceError

    cache: dict = {}
    out = []
    for path in paths:
        try:
            report = parse_dockerfile(path)
        except EvidenceError as e:
            out.append(LintResult(file=path, error=e.to_dict()))
            continue
        ctx = None
        if use_context:
            ctx = context or os.path.dirname(os.path.abspath(path))
        findings = lint_report(kb, report, file=path, context_dir=ctx, ignore=ignore, context_cache=cache)
        out.append(LintResult(file=path, findings=tuple(findings)))
    return out
