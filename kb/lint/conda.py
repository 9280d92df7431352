"""What a conda, mamba or micromamba step installs: the packages it names (`conda install -c conda-forge
"py-opencv<4"`), and those of the environment file it reads from the build context (`conda env create -f
environment.yml`, `micromamba install -f env.yaml`): its `dependencies` (conda packages) and their `pip:` list
(Python packages). Conda packages are looked up in the `conda:` table of knowledge/native-packages.yaml, pip ones in
`python:`.

An environment file is read as `inspect` reads project files (inside the context, regular files, bounded) and
scanned line by line, not parsed as YAML: only the block list under a top-level `dependencies:` and its `- pip:`
list are read. Linear in the file's size.

A conda package whose conda-build recipe is in the build context (meta.yaml, recipe/meta.yaml, conda.recipe/meta.yaml
or conda-recipe/meta.yaml, whose `package: name:` is the installed name) brings that recipe's `requirements: run:`
packages (`recipe_via`): the context's recipe stands for what the channel's build of it requires (Open-MSS/MSS's
meta.yaml: pyqt 5.*, qt 5.*). The recipe is scanned as the environment file is, line by line: `{% set NAME = "VALUE"
%}` lines fill `{{ NAME }}` in the package name; run items under a selector for another platform (`# [win]`,
`# [osx]`, `# [py2k]`) and Jinja items (`{{ pin_compatible(...) }}`) are skipped; multi-output recipes' `outputs:`
are not read, nor rattler-build's recipe.yaml.
"""
from __future__ import annotations

import posixpath
import re

from ..lazyre import lazy
from .shellwords import positional

#: conda's options that take a value (conda install --help, micromamba install --help)
_VALUE = {"-c", "--channel", "-n", "--name", "-p", "--prefix", "-f", "--file", "--override-channels-file",
          "--repodata-fn", "--experimental", "--platform", "--subdir", "-r", "--root-prefix", "--rc-file",
          "--json-file", "--solver"}
#: where a conda spec's name ends: version, build string, channel subdir markers
_SPEC_END = re.compile(r"[<>=!~ \[;@]")
VERBS = {"install", "create", "update", "upgrade"}
MAX_ENV_LINES = 5000
#: where a build context keeps its conda-build recipe (conda-build's docs: a recipe directory holding meta.yaml)
RECIPES = ("meta.yaml", "recipe/meta.yaml", "conda.recipe/meta.yaml", "conda-recipe/meta.yaml")
_JINJA_SET = lazy(r"\{%-?\s*set\s+(\w+)\s*=\s*[\"']([^\"'{}%]*)[\"']\s*-?%\}")
_JINJA_VAR = lazy(r"\{\{\s*(\w+)(?:\s*\|\s*lower)?\s*\}\}")
#: conda-build's selectors, as they stand on a Linux build of Python 3 (others, and comparisons, read as true)
_SELECTOR = {"linux": True, "unix": True, "py3k": True, "linux64": True, "x86_64": True, "win": False, "osx": False,
             "py2k": False, "win32": False, "win64": False, "arm64": False}


def spec_name(spec: str) -> str:
    """conda-forge::py-opencv<4,>=3.4 -> py-opencv; `pip` specs are PEP 503 normalised by the caller."""
    spec = spec.strip().strip("'\"")
    if "::" in spec:
        spec = spec.split("::", 1)[1]
    return _SPEC_END.split(spec, maxsplit=1)[0].strip().lower()


def _explicit(spec: str) -> str:
    """A line of an explicit spec file (`conda list --explicit`, conda-lock) is a package's URL: .../linux-64/
    py-opencv-4.9.0-py312h1234_0.conda is py-opencv; any other spec is itself."""
    spec = spec.strip()
    base = posixpath.basename(spec)
    for ext in (".conda", ".tar.bz2"):
        if ("://" in spec or spec.startswith("/")) and base.endswith(ext) and base.count("-") >= 2:
            return base[:-len(ext)].rsplit("-", 2)[0]
    return spec


def is_conda_install(argv: list[str]) -> bool:
    """`conda install ...`, `mamba create ...`, `micromamba install ...`, `conda env create|update -f F`."""
    prog = posixpath.basename(argv[0]) if argv else ""
    if prog not in ("conda", "mamba", "micromamba"):
        return False
    words = [w for w in argv[1:] if not w.startswith("-")]
    return bool(words) and (words[0] in VERBS or words[0] == "env" and words[1:2] in (["create"], ["update"]))


def names(context_dir: str | None, args: list[str], sub: str = "", where: str | None = None) \
        -> tuple[list[str], list[str]]:
    """(conda package names, pip package names) a conda step with ARGS (the words after the program) installs:
    the specs it names and, with -f/--file, those of the environment file (or explicit spec list) in the context;
    WHERE(path) is the build-context path a COPY put at a path of the image (None when none did)."""
    conda = [spec_name(s) for s in positional(args, takes_value=_VALUE) if s not in ("install", "create", "update",
                                                                                        "upgrade", "env")]
    pip: list[str] = []
    files = [args[i + 1] for i, a in enumerate(args[:-1]) if a in ("-f", "--file")]
    files += [a.split("=", 1)[1] for a in args if a.startswith("--file=")]
    if not files and args[:2] in (["env", "create"], ["env", "update"]):
        files = ["environment.yml"]  # conda env create reads environment.yml by default
    for name in files:
        copied = where(name) if where else None
        more_conda, more_pip = environment(context_dir, copied or (posixpath.join(sub, name) if sub else name))
        conda += more_conda
        pip += more_pip
    return [n for n in dict.fromkeys(conda) if n], list(dict.fromkeys(pip))


def environment(context_dir: str | None, name: str) -> tuple[list[str], list[str]]:
    """(conda names, pip names) of an environment.yml (`dependencies:` and its `- pip:` list) or of an explicit
    spec file (one spec or, after @EXPLICIT, one package URL a line), looked up in the context as written, else by its base name."""
    if not context_dir or "$" in name:
        return [], []
    from ..evidence.errors import read_project_file
    from ..evidence.textscan import pep503

    text = read_project_file(context_dir, name) or read_project_file(context_dir, posixpath.basename(name))
    if not text:
        return [], []
    lines = text.splitlines()[:MAX_ENV_LINES]
    if not name.endswith((".yml", ".yaml")):  # conda install --file specs.txt: a spec a line
        return [spec_name(_explicit(ln.split("#", 1)[0])) for ln in lines if ln.split("#", 1)[0].strip()
                and not ln.startswith("@")], []
    conda: list[str] = []
    pip: list[str] = []
    in_deps, pip_indent = False, None
    for raw in lines:
        line = raw.split("#", 1)[0].rstrip()
        if not line.strip():
            continue
        indent = len(line) - len(line.lstrip())
        if indent == 0 and not (in_deps and line.startswith("- ")):  # a list may start at its key's column
            in_deps, pip_indent = line.startswith("dependencies:"), None
            continue
        if not in_deps:
            continue
        item = line.strip()
        if not item.startswith("- "):
            continue
        item = item[2:].strip()
        if pip_indent is not None and indent > pip_indent:
            pip.append(pep503(re.split(r"[\[=<>!~;@ ]", item.strip("'\""), maxsplit=1)[0]))
            continue
        pip_indent = None
        if item.rstrip(":") == "pip" and item.endswith(":"):
            pip_indent = indent
            continue
        conda.append(spec_name(item))
    return [n for n in conda if n], [n for n in pip if n]


def recipe(context_dir: str | None) -> tuple[str, list[str]]:
    """(package name, `requirements: run:` conda names) of the first conda-build recipe of the build context, or
    ("", []): read bounded, inside the context, and scanned line by line (linear in its size)."""
    if not context_dir:
        return "", []
    from ..evidence.errors import read_project_file

    for path in RECIPES:
        text = read_project_file(context_dir, path)
        if text:
            return _recipe(text.splitlines()[:MAX_ENV_LINES])
    return "", []


def _recipe(lines: list[str]) -> tuple[str, list[str]]:
    values: dict[str, str] = {}
    name, run, top, sub, sub_indent = "", [], "", "", 0
    for raw in lines:
        m = _JINJA_SET.search(raw) if "{%" in raw else None
        if m:
            values[m.group(1)] = m.group(2)
            continue
        line = raw.split(" #", 1)[0].rstrip() if _on_linux(raw) else ""
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        indent = len(line) - len(line.lstrip())
        item = line.strip()
        if indent == 0 and not item.startswith("- "):
            top, sub = item.split(":", 1)[0], ""
            continue
        if top == "package" and item.startswith("name:") and not name:
            value = item[5:].strip().strip("'\"")
            name = _JINJA_VAR.sub(lambda v: values.get(v.group(1), ""), value).strip().lower()
        elif top == "requirements":
            if not item.startswith("- "):
                sub, sub_indent = item.split(":", 1)[0], indent
            elif sub == "run" and indent >= sub_indent and not item[2:].lstrip().startswith("{"):
                run.append(spec_name(item[2:]))
    return name, [n for n in dict.fromkeys(run) if n]


def _on_linux(line: str) -> bool:
    """Does a recipe line's selector (`# [win]`, `# [not win]`, `# [linux and py3k]`) keep it on Linux? Words are
    read with `not`, `and`, `or` (left to right, `not` binding closest); a word not in _SELECTOR, or a comparison
    (`py<38`), counts as true."""
    comment = line.rpartition("#")[2].strip()
    if not (comment.startswith("[") and comment.endswith("]")):
        return True
    value, join, negate = None, "", False
    for word in comment[1:-1].replace("(", " ").replace(")", " ").split():
        if word in ("and", "or"):
            join = word
        elif word == "not":
            negate = not negate
        else:
            term = _SELECTOR.get(word, True) != negate
            value = term if value is None else (value and term) if join == "and" else (value or term)
            negate = False
    return value is not False


def recipe_via(context_dir: str | None, names: list[str]) -> dict[str, str]:
    """{package: the installed package whose recipe in the build context requires it at run time} for a conda step
    that installs NAMES: only when the recipe's package name is one of them; packages NAMES already holds are left
    out."""
    name, run = recipe(context_dir) if names else ("", [])
    if not name or name not in names:
        return {}
    return {dep: name for dep in run if dep not in names and dep != name}
