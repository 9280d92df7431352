"""What a conda, mamba or micromamba step installs: the packages it names (`conda install -c conda-forge
"py-opencv<4"`), and those of the environment file it reads from the build context (`conda env create -f
environment.yml`, `micromamba install -f env.yaml`): its `dependencies` (conda packages) and their `pip:` list
(Python packages). Conda packages are looked up in the `conda:` table of knowledge/native-packages.yaml, pip ones in
`python:`.

An environment file is read as `inspect` reads project files (inside the context, regular files, bounded) and
scanned line by line, not parsed as YAML: only the block list under a top-level `dependencies:` and its `- pip:`
list are read. Linear in the file's size.
"""
from __future__ import annotations

import posixpath
import re

from .shellwords import positional

#: conda's options that take a value (conda install --help, micromamba install --help)
_VALUE = {"-c", "--channel", "-n", "--name", "-p", "--prefix", "-f", "--file", "--override-channels-file",
          "--repodata-fn", "--experimental", "--platform", "--subdir", "-r", "--root-prefix", "--rc-file",
          "--json-file", "--solver"}
#: where a conda spec's name ends: version, build string, channel subdir markers
_SPEC_END = re.compile(r"[<>=!~ \[;@]")
VERBS = {"install", "create", "update", "upgrade"}
MAX_ENV_LINES = 5000


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
