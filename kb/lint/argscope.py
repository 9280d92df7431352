"""A variable used in a stage that declares it only elsewhere (MI480): each FROM starts a new build stage with no
ARG of its own. An ARG declared in another stage, or before the first FROM and not declared again (`ARG NAME`, no
value) in this one, is not set here, so `$NAME` expands to an empty string in RUN, COPY, ADD, ENV, WORKDIR and
USER: a RUN that tests it takes the other branch, a COPY gets another path. ENV is inherited only by a stage built
FROM the stage that set it. What the base image sets (PATH, NODE_VERSION ...) lint does not know: the check only
fires for a name this Dockerfile declares by ARG somewhere else (never set by an image), so the author meant it to
be set here.
Docker's own proxy ARGs are always there (docs.docker.com/reference/dockerfile/#predefined-args).
"""
from __future__ import annotations

import re

from ..detectors import detector
from ..lazyre import lazy
from ..model import LintRule
from .results import Hit
from .shellwords import APK_ADD_VALUE, positional, simple_commands

TYPE_CHECKING = False
if TYPE_CHECKING:
    from .stages import Analysis

_PREDEFINED = {"HTTP_PROXY", "HTTPS_PROXY", "FTP_PROXY", "NO_PROXY", "ALL_PROXY"}
_PREDEFINED |= {p.lower() for p in _PREDEFINED}
# ENV that the official base images set (docker-library's Dockerfiles: node, python, golang, rust, openjdk, ruby,
# php, dotnet): an ARG of the same name in another stage does not make them empty here
_IMAGE_ENV = {"PATH", "HOME", "LANG", "LC_ALL", "NODE_VERSION", "YARN_VERSION", "PYTHON_VERSION", "PYTHON_SHA256",
              "GPG_KEY", "PIP_VERSION", "GOLANG_VERSION", "GOPATH", "GOTOOLCHAIN", "RUSTUP_HOME", "CARGO_HOME",
              "RUST_VERSION", "JAVA_HOME", "JAVA_VERSION", "RUBY_VERSION", "GEM_HOME", "BUNDLE_APP_CONFIG",
              "PHP_VERSION", "DOTNET_VERSION", "ASPNET_VERSION", "NGINX_VERSION"}
_REF = lazy(r"\$(?:\{([A-Za-z_][A-Za-z0-9_]*)(?:[:}#%/+?-])|([A-Za-z_][A-Za-z0-9_]*))")
_EXPANDS = ("RUN", "COPY", "ADD", "ENV", "WORKDIR", "USER")


def references(text: str, shell: bool) -> list[str]:
    """The variable names `text` expands, in order: $NAME and ${NAME...}; not after a backslash or `$$`, and for a
    shell command (RUN) not inside single quotes, where the shell expands nothing."""
    out, quoted, i = [], False, 0
    while i < len(text):
        ch = text[i]
        if ch == "\\":
            i += 2
            continue
        if shell and ch == "'":
            quoted = not quoted
        elif ch == "$" and not quoted:
            if text.startswith("$$", i):
                i += 2
                continue
            m = _REF.match(text, i)
            if m:
                out.append(m.group(1) or m.group(2))
        i += 1
    return out


_SEGMENT_END = lazy(r"[;&|\n]")
_READ = lazy(r"\bread\b")


def _assigned_in(text: str, name: str) -> bool:
    """Does the shell command set `name` itself (NAME=..., export/local/readonly NAME, for NAME in, read ... NAME)?"""
    n = re.escape(name)
    if re.search(rf"(?:^|[\s;&|(]){n}=|\b(?:export|local|readonly|declare)\s+(?:-\w+\s+)*{n}\b"
                 rf"|\bfor\s+{n}\s+in\b", text):
        return True
    # `read ... NAME` within one command: after the first `read` of each command only (a pattern that retried from
    # every later `read` to the end of the command would be quadratic on a RUN of many)
    target = re.compile(rf"\s{n}\b")
    return any((m := _READ.search(part)) and target.search(part, m.end()) for part in _SEGMENT_END.split(text))


def _declarations(a: "Analysis") -> dict[str, list[tuple[int | None, int]]]:
    """name -> where the Dockerfile declares it by ARG: (stage index, or None before the first FROM; line)."""
    out: dict[str, list] = {}
    for name, _value in a.report.global_args:
        out.setdefault(name, []).append((None, a.report.stages[0].line))
    for stage in a.report.stages:
        for ins in stage.instructions[1:]:
            if ins.cmd == "ARG":
                for arg in ins.args:
                    out.setdefault(arg.partition("=")[0], []).append((stage.index, ins.line))
    return out


def _installs(text: str) -> list[str]:
    """The packages a RUN installs with apt-get/apt install or apk add: what an empty variable may leave out."""
    out = []
    for argv in simple_commands(text):
        prog = argv[0].rsplit("/", 1)[-1] if argv else ""
        if prog in ("apt-get", "apt") and "install" in argv:
            out += positional(argv[argv.index("install") + 1:], takes_value={"-o", "-t"})
        elif prog == "apk" and len(argv) > 1 and argv[1] == "add":
            out += positional(argv[2:], takes_value=APK_ADD_VALUE)
    return [p for p in out if "$" not in p]


@detector("lint", "variable-from-another-stage")
def check_variable_scope(a: "Analysis", rule: LintRule):
    declared = _declarations(a)
    stages = a.report.stages
    for stage in stages:
        inherited: set[str] = set()
        base = stage.base_stage
        while base is not None:  # ENV, not ARG, carries into a stage built FROM another
            inherited |= {k for k, _v in stages[base].env}
            base = stages[base].base_stage
        scope = set(inherited)
        runs = {r.line: r for r in stage.runs}
        reported: set[str] = set()
        for ins in stage.instructions[1:]:
            checked: set[str] = set()  # names this instruction was already judged for (a RUN may use one 1,000 times)
            if ins.cmd == "ARG":
                scope |= {arg.partition("=")[0] for arg in ins.args}
                continue
            if ins.cmd not in _EXPANDS:
                continue
            if ins.cmd == "RUN":
                run = runs.get(ins.line)
                text = (run.command if not run.exec_form else " ".join(run.argv)) if run else " ".join(ins.args)
            elif ins.cmd == "ENV":
                text = " ".join(ins.args[1::2])
            else:
                text = " ".join(ins.args)
            for name in references(text, shell=ins.cmd == "RUN"):
                if name in scope or name in reported or name in checked or name in _PREDEFINED \
                        or name in _IMAGE_ENV or name not in declared:
                    continue
                checked.add(name)
                if ins.cmd == "RUN" and _assigned_in(text, name):
                    continue
                elsewhere = [d for d in declared[name] if d[0] != stage.index]
                if not elsewhere:
                    continue  # declared by ARG only in this stage, further down: used before that line
                where_idx, where_line = elsewhere[0]
                reported.add(name)
                pkgs = _installs(text) if ins.cmd == "RUN" else []
                also = (f"; the {', '.join(pkgs)} this RUN installs may be left out, and missing at run time"
                        if pkgs else "")
                yield Hit(ins.line, {"name": name, "instruction": ins.cmd, "also": also,
                                     "where": "before the first FROM" if where_idx is None else
                                     f"in stage {stages[where_idx].name or where_idx} (line {where_line})",
                                     "stage": f"stage {stage.name or stage.index}, FROM {stage.base_image}"},
                          "global" if where_idx is None else "default")
            if ins.cmd == "ENV":
                scope |= set(ins.args[0::2])
