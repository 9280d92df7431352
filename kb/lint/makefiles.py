"""What `make [TARGET...]` runs, read from the build context's Makefile: the recipe lines of the goals (and of the
prerequisites that are targets of the same Makefile), with the Makefile's variables expanded, so the RUN walk can
see the `go build`, `cargo build` and `gcc` commands a Dockerfile hides behind make.

Only plain GNU make is read: `VAR = / := / ?= / += value`, `define NAME ... endef` (a variable of several lines,
expanded by `$(call NAME,ARG,...)` with $(1), $(2) ... the arguments), `target: prerequisites`, tab-indented recipes,
.DEFAULT_GOAL, and `include FILE...` (-include, sinclude) of files named without variables, read from the
build context beside the Makefile. Conditionals and pattern rules are not evaluated. Of make's functions only those that name
the Makefile's own directory are (`$(CURDIR)`, `$(dir|realpath|abspath|lastword|firstword|notdir|strip ...)`,
`$(shell pwd)`, `$(shell dirname|basename ...)`, PWD: the common `ROOT_DIR := $(shell dirname $(realpath $(lastword
$(MAKEFILE_LIST))))`); any other, or one whose argument is unknown, expands to "*" (unknown). Linear in the
Makefile's size; bounded depth.
"""
from __future__ import annotations

import posixpath
import re

from ..lazyre import lazy

_ASSIGN = lazy(r"^(?:export\s+|override\s+)?([A-Za-z_.][A-Za-z0-9_.-]*)\s*(:{1,3}=|\?=|\+=|=)\s*(.*)$")
_RULE = lazy(r"^([^\t#=:][^=:]*)::?(?!=)\s*(.*)$")  # greedy: targets are split on whitespace after
_REF = lazy(r"\$\(([^()$]*)\)|\$\{([^{}$]*)\}|\$([A-Za-z@<^])")
MAX_DEPTH = 4
MAX_LINES = 4000
MAX_CHARS = 4 << 20  # characters of a Makefile and its includes, all told
MAX_CALL_CHARS = 1 << 18  # characters $(call) bodies add to one expansion
_INCLUDE = lazy(r"\s*(?:-include|sinclude|include)\s+")
_DEFINE = lazy(r"(?:override\s+|export\s+)?define\s+([A-Za-z_.][A-Za-z0-9_.-]*)\s*(?:=|:=|::=)?\s*$")
_ARG = lazy(r"\$\((\d)\)|\$\{(\d)\}")  # $(1) in a macro $(call) expands


def with_includes(text: str, read, depth: int = 0, budget: list[int] | None = None) -> str:
    """The Makefile's text with each `include FILE...` line replaced by the text of FILE (read(path) -> str | None;
    a file that is not there, or a name with a variable, is left out as make's -include would), nested includes
    to a bounded depth. MAX_LINES and MAX_CHARS bound the whole, over every level (lines kept and files included,
    characters kept), and each file is read once: a file that includes itself or a large file thousands of times
    ends as soon as one that includes nothing."""
    if budget is None:
        budget, seen = [MAX_LINES, MAX_CHARS], {}
        read = lambda path, read=read: seen[path] if path in seen else seen.setdefault(path, read(path))  # noqa: E731
    out: list[str] = []
    for line in text.splitlines():
        if budget[0] <= 0 or budget[1] <= 0:
            break
        budget[0] -= 1
        m = _INCLUDE.match(line) if not line.startswith("\t") else None
        if m is None:
            budget[1] -= len(line) + 1
            out.append(line)
            continue
        for path in line[m.end():].split("#", 1)[0].split():
            body = read(path) if "$" not in path and depth < MAX_DEPTH and budget[0] > 0 else None
            budget[0] -= 1
            if body is not None:
                out.append(with_includes(body, read, depth + 1, budget))
    return "\n".join(out)


def _words(fn, arg: str) -> str:
    return " ".join(fn(w) for w in arg.split())


#: make's functions whose value lint can know: path and word functions (on known paths)
_FUNCTIONS = {
    "lastword": lambda a: (a.split() or [""])[-1],
    "firstword": lambda a: (a.split() or [""])[0],
    "strip": lambda a: " ".join(a.split()),
    "dir": lambda a: _words(lambda w: posixpath.dirname(w) + "/", a),
    "notdir": lambda a: _words(posixpath.basename, a),
    "realpath": lambda a: _words(posixpath.normpath, a),
    "abspath": lambda a: _words(posixpath.normpath, a),
}


def _function(call: str, variables: dict[str, str]) -> str:
    """The value of `$(name args)` whose args are already expanded, or "*" when lint cannot know it."""
    name, _, arg = call.strip().partition(" ")
    arg = arg.strip()
    if "*" in arg:
        return "*"
    if name == "shell":
        if arg == "pwd":
            return variables.get("CURDIR", "*")
        words = [w.strip("'\"") for w in arg.split()]
        if len(words) == 2 and words[0] in ("dirname", "basename") and words[1]:  # ROOT, TARGET := ... "$(PWD)"
            return (posixpath.dirname if words[0] == "dirname" else posixpath.basename)(words[1].rstrip("/")) or "."
        return "*"
    if name == "if":  # $(if COND,THEN[,ELSE]): THEN when COND is not empty (Q=$(if $V,,@) then `$Q go build`)
        cond, _, rest = arg.partition(",")
        then, _, other = rest.partition(",")
        return then.strip() if cond.strip() else other.strip()
    fn = _FUNCTIONS.get(name)
    return fn(arg) if fn else "*"


def _expand(text: str, variables: dict[str, str], depth: int = 0, budget: list[int] | None = None) -> str:
    """`text` with make's variable references and the functions lint knows expanded; `budget` bounds the
    characters $(call) bodies add over the whole expansion (a macro that calls itself many times, nested, would
    otherwise grow exponentially)."""
    if depth > 8 or "$" not in text:
        return text.replace("$$", "$")
    budget = [MAX_CALL_CHARS] if budget is None else budget

    def one(m: re.Match) -> str:
        name = m.group(1) or m.group(2) or m.group(3) or ""
        if name.startswith("call "):  # $(call NAME,ARG,...): NAME's value with $(1)... the arguments
            macro, *args = name[5:].split(",")
            body = variables.get(macro.strip(), "").replace("$$", "\x01")
            budget[0] -= len(body) + sum(map(len, args))
            if budget[0] < 0:
                return "*"
            body = _ARG.sub(lambda a: args[int(a.group(1) or a.group(2)) - 1]
                            if 0 < int(a.group(1) or a.group(2)) <= len(args) else "", body)
            return _expand(body.replace("\x01", "$$"), variables, depth + 1, budget)
        if " " in name:
            return _function(name, variables)  # innermost first: its arguments are expanded already
        if name in ("@", "<", "^"):  # an automatic variable: the rule's own, where recipes() gives them
            return variables.get(name, "*")
        return _expand(variables.get(name, ""), variables, depth + 1, budget)

    text = text.replace("$$", "\0")
    for _ in range(8):  # nested calls: each pass expands the innermost ones
        expanded = _REF.sub(one, text)
        if expanded == text:
            break
        text = expanded
    return text.replace("\0", "$")


def parse(text: str, builtin: dict[str, str] | None = None, overrides: dict[str, str] | None = None) \
        -> tuple[dict[str, str], dict[str, tuple[list[str], list[str]]], str | None]:
    """(variables, rules: target -> (prerequisites, recipe lines), the default goal); BUILTIN are make's own
    variables (MAKE, CURDIR, MAKEFILE_LIST), which the Makefile may use in := assignments. OVERRIDES, the command
    line's `make NAME=value`, win over the Makefile's own assignments, in targets and := values too."""
    overrides = overrides or {}
    variables: dict[str, str] = {**(builtin or {}), **overrides}
    rules: dict[str, tuple[list[str], list[str]]] = {}
    first = None
    current: list[str] | None = None
    lines = text.replace("\\\n", " ").splitlines()[:MAX_LINES]
    macro: tuple[str, list[str]] | None = None  # inside `define NAME`: its name and lines
    budget = [MAX_CALL_CHARS]
    for raw in lines:
        if macro is not None:
            if raw.strip() == "endef":
                variables[macro[0]] = "\n".join(macro[1])
                macro = None
            else:
                macro[1].append(raw)
            continue
        if not raw.startswith("\t") and (d := _DEFINE.match(raw.strip())):
            macro, current = (d.group(1), []), None
            continue
        if raw.startswith("\t"):
            if current is not None:
                current.append(raw[1:].strip())
            continue
        line = raw.split("#", 1)[0].rstrip()
        if not line.strip():
            continue
        current = None
        m = _ASSIGN.match(line.strip())
        if m:
            name, op, value = m.groups()
            if op == "?=" and name in variables or name in overrides:
                continue
            if op == "+=":
                value = (variables.get(name, "") + " " + value).strip()
            elif op in (":=", "::=", ":::="):
                value = _expand(value, variables, 0, budget)
            variables[name] = value
            continue
        m = _RULE.match(line)
        if m:
            targets, prereqs = m.groups()
            recipe_inline = ""
            if ";" in prereqs:
                prereqs, recipe_inline = prereqs.split(";", 1)
            current = [recipe_inline.strip()] if recipe_inline.strip() else []
            for target in _expand(targets, variables, 0, budget).split():
                if target == ".DEFAULT_GOAL":
                    continue
                rules[target] = (prereqs.split(), current)
                if first is None and not target.startswith("."):
                    first = target
    goal = variables.get(".DEFAULT_GOAL")
    return variables, rules, (_expand(goal, variables).strip() if goal else first)


def recipes(text: str, goals: list[str], overrides: dict[str, str], cwd: str = "", pwd: str = "") -> list[str]:
    """The recipe lines `make GOALS` runs in CWD (variables expanded, @ - + prefixes dropped), in order. `pwd` is
    the directory of the shell that runs make (the RUN's), which make has in the environment as PWD (dash and bash
    export it: `TARGET := $(shell basename "$(PWD)")` is the directory's name); CWD itself when not given."""
    builtin = {"MAKE": "make", "CURDIR": cwd or "*", "MAKEFILE_LIST": posixpath.join(cwd, "Makefile") if cwd else "*",
               "PWD": pwd or cwd or "*"}
    variables, rules, default = parse(text, builtin, overrides)
    out: list[str] = []
    seen: set[str] = set()
    budget = [MAX_CALL_CHARS]  # what $(call) bodies may add, over every recipe line

    def run(target: str, depth: int) -> None:
        if target in seen or depth > MAX_DEPTH or target not in rules:
            return
        seen.add(target)
        prereqs, lines = rules[target]
        names = [name for p in prereqs for name in _expand(p, variables).split()]
        for name in names:
            run(name, depth + 1)
        names = names[:names.index("|")] if "|" in names else names  # order-only ones are in neither $< nor $^
        # $@, $< and $^: the target, its first prerequisite, all of them
        auto = {**variables, "@": target, "<": names[0] if names else "", "^": " ".join(dict.fromkeys(names))}
        for line in lines:
            out.extend(_pieces(_expand(line.lstrip("@-+ "), auto, 0, budget)))

    for goal in goals or ([default] if default else []):
        run(goal, 0)
    return out


def rule_lines(text: str) -> list[tuple[str, str, str]]:
    """(target, recipe line with the variables expanded, the line as written) of every rule of a Makefile, for a
    reader that looks for the rule that writes a file rather than running goals."""
    builtin = {"MAKE": "make", "CURDIR": "*", "MAKEFILE_LIST": "*"}
    variables, rules, _default = parse(text, builtin)
    out, done, budget = [], set(), [MAX_CALL_CHARS]
    for target, (_prereqs, lines) in rules.items():
        if id(lines) in done:  # `a b: ...` gives both targets one recipe
            continue
        done.add(id(lines))
        out.extend((target, piece, line) for line in lines
                   for piece in _pieces(_expand(line.lstrip("@-+ "), variables, 0, budget)))
    return out


def _pieces(expanded: str) -> list[str]:
    """The recipe lines one line gives: a $(call) of a `define` gives several, each with make's @ - + dropped."""
    if "\n" not in expanded:
        return [expanded.strip().lstrip("@-+ ")]  # `$Q go build` with Q=@: the prefix a variable gave
    return [p for p in (piece.strip().lstrip("@-+ ") for piece in expanded.split("\n")) if p]


def exported(text: str) -> dict[str, str]:
    """The variables a Makefile exports to its recipes' environment (`export NAME = value`, `export NAME` after an
    assignment, or every variable under .EXPORT_ALL_VARIABLES), expanded."""
    variables, _rules, _default = parse(text, {"MAKE": "make", "CURDIR": "*", "MAKEFILE_LIST": "*"})
    names: set[str] = set()
    for raw in text.splitlines()[:MAX_LINES]:
        words = raw.split("#", 1)[0].replace("=", " = ").split()
        if words and words[0] == ".EXPORT_ALL_VARIABLES:":
            names.update(variables)
        elif len(words) > 1 and words[0] == "export":
            names.update(w.rstrip(":?+") for w in words[1:words.index("=") if "=" in words else None])
    budget = [MAX_CALL_CHARS]
    return {n: _expand(variables[n], variables, 0, budget) for n in names if n in variables}
