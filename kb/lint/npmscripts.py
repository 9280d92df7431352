"""MI443: an npm, yarn or pnpm install that runs no install scripts (--ignore-scripts, npm_config_ignore_scripts=true
by ENV or on the command, `ignore-scripts=true` in an .npmrc the stage copied) whose node_modules reach the final
image, installing a package whose native binding comes only from its own install script (`install_script` of
native-packages.yaml: canvas's `prebuild-install -r napi || node-gyp rebuild`, bcrypt's `node-pre-gyp install
--fallback-to-build` before 6.0.0). npm then neither downloads nor compiles the binding, the install succeeds, and
require() fails at run time for want of the .node file. A package whose prebuilds are in its tarball, picked by
node-gyp-build at require() (sodium-native, bcrypt 6, argon2 0.40), has no such entry and works.

Quiet when the packages are installed again in that directory without the flag, or an `npm rebuild` (all, or naming
the package) runs after the install in the stage, or in a stage the packages are copied to; and for a stage whose
node_modules never reach the final image (kb/lint/pkgflow.py follows them).
"""
from __future__ import annotations

from ..detectors import detector
from ..lazyre import lazy
from ..model import LintRule
from ..versions import in_spans
from .results import Hit
from .runtime import _lineage, install_names, locked_versions

TYPE_CHECKING = False
if TYPE_CHECKING:
    from .stages import Analysis, StageInfo

NODE_TOOLS = ("npm", "yarn", "pnpm")
_COMMANDS = lazy(r"&&|\|\||[;|\n()]")  # where one shell command ends: a split, linear
_TRUE = ("true", "1", "yes")
_VARIABLE = "npm_config_ignore_scripts"
_INSTALLS = {"install", "i", "add", "ci"}


def _index(info: "StageInfo") -> tuple[dict, int, int]:
    """The stage's RUN instructions by line, the line of its first ENV that sets npm_config_ignore_scripts and of
    its first COPY of an .npmrc from the build context (0 if none): made once per stage, so a Dockerfile of many
    installs is read in linear time."""
    found = _INDEX.get(id(info))
    if found is None or found[0] is not info:
        runs = {i.line: i for i in info.stage.instructions if i.cmd == "RUN"}
        first = next((i.line for i in info.stage.instructions
                      if i.cmd == "ENV" and any(k.lower() == _VARIABLE for k in i.args[0::2])), 0)
        npmrc = next((i.line for i in info.stage.instructions if i.cmd in ("COPY", "ADD")
                      and not any(f.startswith("--from") for f in i.flags)
                      and any(s.rstrip("/") in (".", ".npmrc", "./.npmrc") or s.endswith("/.npmrc")
                              for s in i.args[:-1])), 0)
        if len(_INDEX) > 64:
            _INDEX.clear()
        found = _INDEX[id(info)] = (info, runs, first, npmrc)
    return found[1], found[2], found[3]


_INDEX: dict[int, tuple] = {}


def _env_skips(info: "StageInfo", line: int) -> str:
    """NPM_CONFIG_IGNORE_SCRIPTS=true set by an ENV of the stage before `line` (or inherited), as written, or ""."""
    said = next((f"ENV {k}={info.env[k]}" for k in (_VARIABLE, _VARIABLE.upper())
                 if str(info.env.get(k, "")).lower() in _TRUE), "")
    first = _index(info)[1] if said else 0
    return "" if first and first > line else said  # set in this stage only after the step: not for it


def _npmrc_skips(a: "Analysis", info: "StageInfo", line: int, cwd: str) -> str:
    """`ignore-scripts=true` in the build context's .npmrc beside the project, copied into the stage before `line`."""
    if not a.context_dir:
        return ""
    copied = _index(info)[2]
    if not copied or copied > line:
        return ""
    from ..evidence.errors import read_project_file

    sub = a.context_subdir(info, cwd)
    rel = f"{sub}/.npmrc" if sub else ".npmrc"
    key = ("npmrc", a.context_dir, rel)
    if key not in a.context_cache:
        a.context_cache[key] = read_project_file(a.context_dir, rel, 64 * 1024) or ""
    text = a.context_cache[key]
    for raw in text.splitlines():
        key, eq, value = raw.partition("=")
        if eq and key.strip() == "ignore-scripts" and value.strip().lower() in _TRUE:
            return "ignore-scripts=true in .npmrc"
    return ""


def _run_of(info: "StageInfo", line: int):
    """The RUN instruction of the stage that starts at `line` (a step's line), or None."""
    return _index(info)[0].get(line)


def _run_words(info: "StageInfo", line: int, tool: str) -> list[list[str]]:
    """The simple commands of the RUN at `line` that run `tool`, as words (assignments before it included)."""
    ins = _run_of(info, line)
    return [w for c in _COMMANDS.split(" ".join(ins.args)) if tool in (w := c.split())] if ins else []


def skipped_by(a: "Analysis", info: "StageInfo", line: int, tool: str, args: list, cwd: str) -> str:
    """How the install at `line` is told to run no scripts, as the user wrote it, or "" when it runs them."""
    for arg in args:
        if arg == "--ignore-scripts" or arg.lower() in ("--ignore-scripts=true", "--ignore-scripts=1"):
            return arg
        if arg.lower().startswith("--ignore-scripts="):
            return ""  # --ignore-scripts=false
    for words in _run_words(info, line, tool):
        for w in words[:words.index(tool)]:
            key, eq, value = w.partition("=")
            if eq and key.lower() == _VARIABLE and value.strip("'\"").lower() in _TRUE:
                return w
    return _env_skips(info, line) or _npmrc_skips(a, info, line, cwd)


def _fixes(a: "Analysis", info: "StageInfo") -> tuple[dict, tuple, dict]:
    """What in the stage runs the install scripts again, by position (RUN line, command): the last `npm rebuild`
    naming each package, the last one naming none, and the last install with scripts on in each directory."""
    named: dict[str, tuple] = {}
    every: tuple = (0, 0)
    again: dict[str, tuple] = {}
    if _env_skips(info, 10 ** 9):  # a rebuild runs no scripts either
        return named, every, again
    for ins in info.stage.instructions:
        if ins.cmd != "RUN":
            continue
        for i, command in enumerate(_COMMANDS.split(" ".join(ins.args))):
            words = command.split()
            tool = next((j for j, w in enumerate(words) if w in NODE_TOOLS), None)
            if tool is None or words[tool + 1:tool + 2] != ["rebuild"] or "--ignore-scripts" in words:
                continue
            names = [w.rsplit("@", 1)[0] if not w.startswith("@") or w.count("@") > 1 else w
                     for w in words[tool + 2:] if not w.startswith("-")]
            for n in names:
                named[n] = (ins.line, i)
            if not names:
                every = (ins.line, i)
    for ln, tool, args, cwd in info.pip_npm:
        if tool in NODE_TOOLS and not skipped_by(a, info, ln, tool, args, cwd):
            again[cwd] = (ln, 10 ** 9)
    return named, every, again


def _position(info: "StageInfo", line: int) -> tuple[int, int]:
    """(RUN line, index of its first npm/yarn/pnpm install command): where the install at `line` runs."""
    ins = _run_of(info, line)
    if ins is None:
        return line, 0
    commands = [c.split() for c in _COMMANDS.split(" ".join(ins.args))]
    return ins.line, next((i for i, w in enumerate(commands) if set(w) & set(NODE_TOOLS) and set(w) & _INSTALLS), 0)


def _rebuilt(fixes: list, name: str, cwd: str) -> bool:
    """Is `name` rebuilt (or reinstalled with scripts on) after the install, in one of the stages of `fixes`
    ((stage's _fixes, the position after which they count))?"""
    for (named, every, again), after in fixes:
        if named.get(name, (0, 0)) > after or every > after or again.get(cwd, (0, 0)) > after:
            return True
    return False


def rebuilt_after(a: "Analysis", info: "StageInfo", line: int, name: str) -> bool:
    """Does `info` run `name`'s install scripts again after `line` (an `npm rebuild` naming it or none, or an install
    with scripts on in any directory): what re-fetches or recompiles an addon for the stage's own node."""
    named, every, again = _fixes(a, info)
    return max(named.get(name, (0, 0)), every, *again.values(), (0, 0)) > (line, 10 ** 9)


def _steps(a: "Analysis"):
    """(stage, its later stages that hold its node_modules, {stage index: line after which a rebuild counts}) for
    each stage whose npm steps' node_modules reach the final image: the final stage's lineage, and the stages whose
    installed packages a COPY brings into it (kb/lint/pkgflow.py)."""
    lineage = _lineage(a)
    for i, info in enumerate(lineage):
        yield info, lineage[i:], {}
    origins = {src for _line, _tool, src in a.final.pkg_arrivals if src is not None}
    for src in sorted(origins - {info.index for info in lineage}):
        holders = [s for s in a.stages if s.index != src and any(o == src for _ln, _t, o in s.pkg_arrivals)]
        after = {s.index: min(ln for ln, _t, o in s.pkg_arrivals if o == src) for s in holders}
        yield a.stages[src], [a.stages[src], *holders], after


@detector("lint", "install-scripts-skipped")
def check_install_scripts_skipped(a: "Analysis", rule: LintRule):
    table = a.kb.native_packages.get("node", {})
    known: dict[int, tuple] = {}
    for info, holders, after in _steps(a):
        for line, tool, args, cwd in info.pip_npm:
            if tool not in NODE_TOOLS or not (flag := skipped_by(a, info, line, tool, args, cwd)):
                continue
            for s in holders:
                if s.index not in known:
                    known[s.index] = _fixes(a, s)
            fixes = [(known[s.index], _position(info, line) if s is info else (after.get(s.index, 0), 10 ** 9))
                     for s in holders]
            names, locked, _complete = install_names(a, info, tool, args, cwd)
            versions = locked_versions(a, info, tool, cwd, args)
            found = [n for n in dict.fromkeys((*names, *locked))
                     if n in table and in_spans(versions.get(n, ""), table[n].get("install_script") or ())
                     and not _rebuilt(fixes, n, cwd)]
            if not found:
                continue
            said = [f"{n} {versions[n].lstrip('?')}".rstrip() if versions.get(n, "").lstrip("?") else n for n in found]
            yield Hit(line, {"tool": tool, "flag": flag, "packages": ", ".join(said), "first": found[0],
                             "s": "" if len(found) == 1 else "s",
                             "s_verb": "s" if len(found) == 1 else "", "its": "its" if len(found) == 1 else "their",
                             "image": a.final.image})
