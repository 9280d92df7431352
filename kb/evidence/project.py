"""Inspect a project directory: language, and observations (each with the file that shows it) that matter
for choosing a base image: cgo, native extensions, TLS, time zones, linked C libraries.

``inspect_project(dir, natives)`` never raises for problems inside the tree: unreadable files and directories,
files over the size cap and a walk over the file cap are reported in ``ProjectReport.warnings``. It raises
:class:`~kb.evidence.errors.EvidenceError` only when ``dir`` itself is missing or not a directory. ``natives`` is
the native-package table of the knowledge (``Knowledge.native_packages``: knowledge/native-packages.yaml and
the user's layers); without it no package counts as native (this module never reads the knowledge itself).
``paths`` limits the walk to some files and directories of the tree (what a Dockerfile's COPY takes, for lint).

The ecosystems are analysed in kb/evidence/golang.py and kb/evidence/ecosystems.py; every file is read through
:func:`~kb.evidence.errors.read_head` (bounded, never blocking) after a regular-file check.
"""

from __future__ import annotations

import os
import stat
from collections import Counter
from collections.abc import Mapping, Sequence

from .errors import EvidenceError, read_project_file, read_text as _read_text  # noqa: F401 - read_project_file is part of this module's interface
from .golang import analyse_go
from .textscan import CPP_EXT
from ..records import Data, record

# kb/evidence/ecosystems.py (Rust, Python, Node, C: some twenty regular expressions) is imported when one of those
# is analysed: lint reads only the Go of a build context, and a one-file lint process should not compile the rest.
ECOSYSTEMS = ("go", "rust", "python", "node", "c")

__all__ = ["Observation", "ProjectReport", "inspect_project", "read_project_file",
           "MAX_FILES", "MAX_FILE_BYTES", "MAX_DEPTH"]

MAX_FILES = 5000                 # files looked at (names), per walk
MAX_FILE_BYTES = 1 << 20         # bytes read from a source file
MAX_LOCK_BYTES = 8 << 20         # bytes read from a lock file (go.sum, Cargo.lock, package-lock.json, ...)
MAX_DEPTH = 16
SKIP_DIRS = frozenset({".git", ".hg", ".svn", "node_modules", "vendor", "target", ".venv", "venv", "env",
                       "__pycache__", ".tox", ".nox", ".mypy_cache", ".pytest_cache", ".cargo", ".idea",
                       ".vscode", "bower_components", ".gradle", "third_party_cache", "testdata"})



@record
class Observation(Data):
    key: str                 # dotted name, e.g. "go.cgo_import", "python.native_package"
    value: str               # e.g. "github.com/mattn/go-sqlite3"
    file: str                # path relative to the project root ("." for the root itself)
    line: int | None = None
    note: str | None = None


@record
class ProjectReport:
    root: str
    language: str | None                     # the main language: go | rust | python | node | c | cpp | None
    languages: tuple[str, ...]               # every language seen, main first
    observations: tuple[Observation, ...]
    warnings: tuple[str, ...] = ()
    files_seen: int = 0
    truncated: bool = False                  # the walk stopped at MAX_FILES
    files: tuple[str, ...] = ()              # the files looked at, relative to root (not in to_dict)

    def values(self, key: str) -> tuple[str, ...]:
        seen: dict[str, None] = {}
        for o in self.observations:
            if o.key == key:
                seen.setdefault(o.value)
        return tuple(seen)

    def has(self, key: str, value: str | None = None) -> bool:
        return any(o.key == key and (value is None or o.value == value) for o in self.observations)

    def find(self, key: str) -> tuple[Observation, ...]:
        return tuple(o for o in self.observations if o.key == key)

    def to_dict(self) -> dict:
        return {"root": self.root, "language": self.language, "languages": list(self.languages),
                "observations": [o.to_dict() for o in self.observations], "warnings": list(self.warnings),
                "files_seen": self.files_seen, "truncated": self.truncated}


# ---- the walk ---------------------------------------------------------------------------------------------
class _Scan:
    def __init__(self, root: str, natives: Mapping[str, Mapping[str, dict]], max_files: int, keep=None) -> None:
        self.root = root
        self.natives = natives
        self.max_files = max_files
        self.keep = keep  # the files worth listing (and counting against max_files), None: all
        self.obs: list[Observation] = []
        self.warnings: list[str] = []
        self.files: list[str] = []         # relative paths
        self.truncated = False

    def rel(self, p: str) -> str:
        r = os.path.relpath(p, self.root)
        return r

    def add(self, key: str, value: str, file: str, line: int | None = None, note: str | None = None) -> None:
        self.obs.append(Observation(key, value, file, line, note))

    def toml(self, rel: str) -> tuple[str, dict] | None:
        """A TOML file (Cargo.toml, pyproject.toml, ...): its text (for line numbers) and its data; None, with a
        warning, if it is unreadable or invalid."""
        text = self.read(rel, MAX_LOCK_BYTES)
        if text is None:
            return None
        import tomllib  # on first use: `lint` reads build contexts without TOML most of the time

        try:
            return text, tomllib.loads(text)
        except tomllib.TOMLDecodeError as e:
            self.warnings.append(f"{rel}: not valid TOML ({e})")
            return None

    def read(self, rel: str, limit: int | None = None, *, lock: bool = False) -> str | None:
        """A file of the tree as text (at most `limit` bytes, MAX_LOCK_BYTES with `lock`, else MAX_FILE_BYTES);
        None, with a warning, if it is not a regular file or cannot be read."""
        if limit is None:
            limit = MAX_LOCK_BYTES if lock else MAX_FILE_BYTES
        text, problem = _read_text(os.path.join(self.root, rel), limit)
        if problem:
            self.warnings.append(f"{rel}: {problem}")
        return text

    def walk(self, paths: "Sequence[str] | None" = None) -> None:
        """Collect the files of the tree, or only those of `paths` (files or directories, relative to the root;
        a path that leaves the root, through '..' or a symbolic link, is skipped)."""
        if paths is None:
            self._walk(self.root)
            return
        real_root = os.path.realpath(self.root)
        seen: set[str] = set()
        for p in paths:
            full = os.path.realpath(os.path.join(real_root, p.lstrip("/")))
            if not (full == real_root or full.startswith(real_root + os.sep)):
                self.warnings.append(f"{p}: outside the directory, skipped")
                continue
            if os.path.isdir(full):
                self._walk(full, real_root, seen)
            elif os.path.isfile(full):
                self._take(os.path.relpath(full, real_root), seen)
            if self.truncated:
                return

    def _take(self, rel: str, seen: set[str] | None = None) -> bool:
        """Add a file; False once the file cap is reached."""
        if seen is not None:
            if rel in seen:
                return True
            seen.add(rel)
        if self.keep is not None and not self.keep(rel):
            return True
        if len(self.files) >= self.max_files:
            if not self.truncated:
                self.warnings.append(f"more than {self.max_files} files: the rest of the tree was not scanned")
            self.truncated = True
            return False
        self.files.append(rel)
        return True

    def _walk(self, top: str, base: str | None = None, seen: set[str] | None = None) -> None:
        def onerror(e: OSError) -> None:
            self.warnings.append(f"{self.rel(e.filename) if e.filename else '?'}: unreadable directory "
                                 f"({e.strerror or e})")

        base = base or self.root
        base_depth = base.rstrip(os.sep).count(os.sep)
        for dirpath, dirnames, filenames in os.walk(top, onerror=onerror, followlinks=False):
            depth = dirpath.count(os.sep) - base_depth
            kept = []
            for d in sorted(dirnames):
                if d in SKIP_DIRS or (d.startswith(".") and d not in (".github",)):
                    continue
                if depth >= MAX_DEPTH:
                    self.warnings.append(f"{os.path.relpath(os.path.join(dirpath, d), base)}: deeper than "
                                         f"{MAX_DEPTH} levels, skipped")
                    continue
                kept.append(d)
            dirnames[:] = kept
            for fn in sorted(filenames):
                if not self._take(os.path.relpath(os.path.join(dirpath, fn), base), seen):
                    dirnames[:] = []
                    return


def _go_file(rel: str) -> bool:
    base = os.path.basename(rel)
    return base in ("go.mod", "go.sum") or base.endswith(".go") and not base.endswith("_test.go")


def _languages(sc: _Scan) -> list[str]:
    exts = Counter(os.path.splitext(r)[1].lower() for r in sc.files)
    names = {os.path.basename(r) for r in sc.files}
    root_names = {r for r in sc.files if os.sep not in r}
    scores: dict[str, int] = {}

    def bump(lang, n):
        if n:
            scores[lang] = scores.get(lang, 0) + n

    markers = {"go": {"go.mod"}, "rust": {"Cargo.toml"}, "node": {"package.json"},
               "python": {"pyproject.toml", "requirements.txt", "Pipfile", "setup.py", "setup.cfg"}}
    for lang, files in markers.items():
        if files & root_names:
            bump(lang, 100000)
        elif files & names:
            bump(lang, 1000)
    bump("go", exts[".go"])
    bump("rust", exts[".rs"])
    bump("python", exts[".py"])
    bump("node", exts[".js"] + exts[".mjs"] + exts[".cjs"] + exts[".ts"])
    cpp = sum(exts[e] for e in CPP_EXT)
    bump("cpp", cpp)
    bump("c", exts[".c"])
    return [lang for lang, _ in sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))]


def inspect_project(directory: "str | os.PathLike[str]", natives: "Mapping[str, Mapping[str, dict]] | None" = None,
                    *, paths: "Sequence[str] | None" = None, max_files: int | None = None,
                    ecosystems: "Sequence[str] | None" = None) -> ProjectReport:
    """Walk ``directory`` (bounded; only ``paths`` in it, when given) and collect observations.

    ``natives`` is the native-package table (``Knowledge.native_packages``; none when None);
    ``max_files`` lowers the file cap; ``ecosystems`` limits the analysis to some of go, rust, python, node, c."""
    root = os.fspath(directory)
    try:
        st = os.stat(root)
    except FileNotFoundError:
        raise EvidenceError(root, "no such directory", reason="not-found") from None
    except OSError as e:
        raise EvidenceError(root, f"cannot stat the directory: {e.strerror or e}", reason="unreadable") from None
    if not stat.S_ISDIR(st.st_mode):
        raise EvidenceError(root, "not a directory", reason="not-regular")
    # Go alone reads go.mod, go.sum and the .go files: a large module's JSON, images and tests do not use up the cap
    keep = _go_file if ecosystems is not None and tuple(ecosystems) == ("go",) else None
    sc = _Scan(root, natives or {}, MAX_FILES if max_files is None else max_files, keep)
    sc.walk(paths)
    langs = _languages(sc)
    sources = False  # a file besides Dockerfiles: the other ecosystems' analysers read nothing else
    for rel in sc.files:
        if os.path.basename(rel) == "Dockerfile" or os.path.basename(rel).endswith(".Dockerfile") \
                or os.path.basename(rel).startswith("Dockerfile."):
            sc.add("dockerfile", rel, rel)
        else:
            sources = True
    for name in ECOSYSTEMS:
        if ecosystems is not None and name not in ecosystems or name != "go" and not sources:
            continue
        if name == "go":
            analyse = analyse_go
        else:
            from . import ecosystems as _eco

            analyse = getattr(_eco, f"analyse_{name}")
        try:
            analyse(sc)
        except RecursionError:
            sc.warnings.append(f"{name}: input nested too deeply, analysis stopped")
    counts = Counter(os.path.splitext(r)[1].lower() for r in sc.files)
    n_c = counts[".c"]
    n_cpp = sum(counts[e] for e in CPP_EXT if e not in (".hpp", ".hh", ".hxx"))
    if n_c:
        sc.add("c.sources", str(n_c), ".", note="*.c files")
    if n_cpp:
        sc.add("cpp.sources", str(n_cpp), ".", note="*.cpp/*.cc/*.cxx files")
    # de-duplicate (same key, value, file), keep the first line
    seen, obs = set(), []
    for o in sc.obs:
        k = (o.key, o.value, o.file)
        if k not in seen:
            seen.add(k)
            obs.append(o)
    obs = [Observation("language", lang, ".") for lang in langs] + obs
    return ProjectReport(root=root, language=langs[0] if langs else None, languages=tuple(langs),
                         observations=tuple(obs), warnings=tuple(sc.warnings), files_seen=len(sc.files),
                         truncated=sc.truncated, files=tuple(sc.files))
