"""Inspect a project directory: language, and observations (each with the file that shows it) that matter
for choosing a base image: cgo, native extensions, TLS, time zones, linked C libraries.

``inspect_project(dir)`` never raises for problems inside the tree: unreadable files and directories, files
over the size cap and a walk over the file cap are reported in ``ProjectReport.warnings``. It raises
:class:`~kb.evidence.errors.EvidenceError` only when ``dir`` itself is missing or not a directory.
"""

from __future__ import annotations

import json
import os
import re
import stat
import tomllib
from collections import Counter
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml

from .errors import EvidenceError

__all__ = ["Observation", "ProjectReport", "inspect_project", "native_packages",
           "MAX_FILES", "MAX_FILE_BYTES", "MAX_DEPTH"]

MAX_FILES = 5000                 # files looked at (names), per walk
MAX_FILE_BYTES = 1 << 20         # bytes read from a source file
MAX_LOCK_BYTES = 8 << 20         # bytes read from a lock file (go.sum, Cargo.lock, package-lock.json, ...)
MAX_DEPTH = 16
SKIP_DIRS = frozenset({".git", ".hg", ".svn", "node_modules", "vendor", "target", ".venv", "venv", "env",
                       "__pycache__", ".tox", ".nox", ".mypy_cache", ".pytest_cache", ".cargo", ".idea",
                       ".vscode", "bower_components", ".gradle", "third_party_cache"})

_DATA_FILE = Path(__file__).with_name("native_packages.yaml")

_C_EXT = {".c"}
_CPP_EXT = {".cpp", ".cc", ".cxx", ".c++", ".cp", ".hpp", ".hh", ".hxx"}
_SRC_EXT = {".go", ".py", ".js", ".mjs", ".cjs", ".ts", ".rs", ".c", ".h"} | _CPP_EXT


@dataclass(frozen=True)
class Observation:
    key: str                 # dotted name, e.g. "go.cgo_import", "python.native_package"
    value: str               # e.g. "github.com/mattn/go-sqlite3"
    file: str                # path relative to the project root ("." for the root itself)
    line: int | None = None
    note: str | None = None

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class ProjectReport:
    root: str
    language: str | None                     # the main language: go | rust | python | node | c | cpp | None
    languages: tuple[str, ...]               # every language seen, main first
    observations: tuple[Observation, ...]
    warnings: tuple[str, ...] = ()
    files_seen: int = 0
    truncated: bool = False                  # the walk stopped at MAX_FILES

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


@lru_cache(maxsize=1)
def native_packages() -> dict[str, dict[str, dict]]:
    """The native package table, ``{ecosystem: {name: entry}}``, from native_packages.yaml."""
    with open(_DATA_FILE, encoding="utf-8") as f:
        data = yaml.safe_load(f) or {}
    return {eco: {e["name"]: e for e in entries or []} for eco, entries in data.items()}


def _pep503(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


# ---- the walk ---------------------------------------------------------------------------------------------
class _Scan:
    def __init__(self, root: str) -> None:
        self.root = root
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
        try:
            return text, tomllib.loads(text)
        except tomllib.TOMLDecodeError as e:
            self.warnings.append(f"{rel}: not valid TOML ({e})")
            return None

    def read(self, rel: str, limit: int | None = None) -> str | None:
        if limit is None:
            limit = MAX_FILE_BYTES
        p = os.path.join(self.root, rel)
        try:
            st = os.stat(p)
            if not stat.S_ISREG(st.st_mode):
                self.warnings.append(f"{rel}: not a regular file, skipped")
                return None
            fd = os.open(p, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
            try:
                chunks, left = [], limit + 1
                while left > 0:
                    b = os.read(fd, min(left, 1 << 20))
                    if not b:
                        break
                    chunks.append(b)
                    left -= len(b)
            finally:
                os.close(fd)
        except OSError as e:
            self.warnings.append(f"{rel}: unreadable ({e.strerror or e})")
            return None
        data = b"".join(chunks)
        if len(data) > limit:
            self.warnings.append(f"{rel}: larger than {limit} bytes; only the first {limit} were read")
            data = data[:limit]
        return data.decode("utf-8", "replace")

    def walk(self) -> None:
        def onerror(e: OSError) -> None:
            self.warnings.append(f"{self.rel(e.filename) if e.filename else '?'}: unreadable directory "
                                 f"({e.strerror or e})")

        base_depth = self.root.rstrip(os.sep).count(os.sep)
        for dirpath, dirnames, filenames in os.walk(self.root, onerror=onerror, followlinks=False):
            depth = dirpath.count(os.sep) - base_depth
            kept = []
            for d in sorted(dirnames):
                if d in SKIP_DIRS or (d.startswith(".") and d not in (".github",)):
                    continue
                if depth >= MAX_DEPTH:
                    self.warnings.append(f"{self.rel(os.path.join(dirpath, d))}: deeper than {MAX_DEPTH} levels, skipped")
                    continue
                kept.append(d)
            dirnames[:] = kept
            for fn in sorted(filenames):
                if len(self.files) >= MAX_FILES:
                    if not self.truncated:
                        self.warnings.append(f"more than {MAX_FILES} files: the rest of the tree was not scanned")
                    self.truncated = True
                    dirnames[:] = []
                    return
                self.files.append(self.rel(os.path.join(dirpath, fn)))


# ---- per-ecosystem analysers --------------------------------------------------------------------------------
_GO_IMPORT_BLOCK = re.compile(r"^import\s*\((.*?)^\)", re.S | re.M)
_GO_IMPORT_LINE = re.compile(r'^import\s+(?:[\w.]+\s+)?"([^"]+)"', re.M)
_GO_SPEC = re.compile(r'^\s*(?:[\w.]+\s+)?"([^"]+)"', re.M)
_GO_WATCH = {"net": "go.imports_net", "net/http": "go.imports_net", "os/user": "go.imports_os_user",
             "plugin": "go.imports_plugin", "crypto/tls": "go.tls", "time/tzdata": "go.tzdata_embedded",
             "C": "go.cgo_import"}
_QUOTED_HTTPS = re.compile(r"""["'`]https://""")
_GO_LOADLOC = re.compile(r"\btime\.LoadLocation\s*\(")


def _line_of(text: str, pos: int) -> int:
    return text.count("\n", 0, pos) + 1


def _go_imports(text: str) -> list[tuple[str, int]]:
    # Only the header part of the file holds imports; stop at the first func/type/var/const declaration.
    m = re.search(r"^(func|type|var|const)\b", text, re.M)
    head = text[:m.start()] if m else text
    out = []
    for b in _GO_IMPORT_BLOCK.finditer(head):
        body = re.sub(r"//[^\n]*", "", b.group(1))
        for s in _GO_SPEC.finditer(body):
            out.append((s.group(1), _line_of(head, b.start(1) + s.start(1))))
    for s in _GO_IMPORT_LINE.finditer(head):
        out.append((s.group(1), _line_of(head, s.start())))
    return out


def _analyse_go(sc: _Scan) -> None:
    natives = native_packages().get("go", {})
    for rel in sc.files:
        base = os.path.basename(rel)
        if base == "go.mod":
            text = sc.read(rel)
            if text is None:
                continue
            for i, line in enumerate(text.splitlines(), 1):
                s = line.split("//", 1)[0].strip()
                if m := re.match(r"^module\s+(\S+)", s):
                    sc.add("go.module", m.group(1).strip('"'), rel, i)
                elif m := re.match(r"^go\s+(\d+\.\d+(?:\.\d+)?)", s):
                    sc.add("go.version", m.group(1), rel, i)
                elif m := re.match(r"^toolchain\s+go(\S+)", s):
                    sc.add("go.toolchain", m.group(1), rel, i)
                else:
                    _match_go_module(sc, s, rel, i, natives)
        elif base == "go.sum":
            text = sc.read(rel, MAX_LOCK_BYTES)
            if text is None:
                continue
            seen = set()
            for i, line in enumerate(text.splitlines(), 1):
                mod = line.split(" ", 1)[0]
                if mod and mod not in seen:
                    seen.add(mod)
                    _match_go_module(sc, mod, rel, i, natives, from_sum=True)
        elif base.endswith(".go"):
            text = sc.read(rel)
            if text is None:
                continue
            is_test = base.endswith("_test.go")
            for path, line in _go_imports(text):
                if is_test:
                    continue
                if path in _GO_WATCH:
                    sc.add(_GO_WATCH[path], path, rel, line)
                for name, entry in natives.items():
                    if path == name or path.startswith(name + "/"):
                        sc.add("go.cgo_module", name, rel, line, entry.get("note"))
            if not is_test:
                if (m := _GO_LOADLOC.search(text)):
                    sc.add("tz.used", "time.LoadLocation", rel, _line_of(text, m.start()))
                if (m := _QUOTED_HTTPS.search(text)):
                    sc.add("tls.https_url", "https", rel, _line_of(text, m.start()))


def _match_go_module(sc: _Scan, s: str, rel: str, line: int, natives: dict, from_sum: bool = False) -> None:
    s = s.strip()
    if s.startswith("require"):
        s = s[len("require"):].strip().lstrip("(").strip()
    mod = s.split()[0] if s else ""
    for name, entry in natives.items():
        if mod == name or mod.startswith(name + "/"):
            sc.add("go.cgo_module", name, rel, line, entry.get("note"))


def _analyse_rust(sc: _Scan) -> None:
    natives = native_packages().get("rust", {})
    for rel in sc.files:
        base = os.path.basename(rel)
        if base not in ("Cargo.toml", "Cargo.lock"):
            continue
        parsed = sc.toml(rel)
        if parsed is None:
            continue
        text, data = parsed
        names: dict[str, dict] = {}
        if base == "Cargo.lock":
            for pkg in data.get("package", []) or []:
                if isinstance(pkg, dict) and isinstance(pkg.get("name"), str):
                    names.setdefault(pkg["name"], {})
        else:
            if isinstance(data.get("package"), dict):
                sc.add("rust.crate", str(data["package"].get("name", "")), rel)
            tables = [data.get(k) for k in ("dependencies", "build-dependencies")]
            for tgt in (data.get("target") or {}).values() if isinstance(data.get("target"), dict) else []:
                if isinstance(tgt, dict):
                    tables.append(tgt.get("dependencies"))
            ws = data.get("workspace")
            if isinstance(ws, dict):
                tables.append(ws.get("dependencies"))
            for t in tables:
                if isinstance(t, dict):
                    for k, v in t.items():
                        names.setdefault(k, v if isinstance(v, dict) else {})
            req = names.get("reqwest")
            if req is not None:
                feats = set(req.get("features", []) or [])
                default_off = req.get("default-features") is False
                if any("rustls" in f for f in feats):
                    sc.add("rust.tls", "rustls", rel, _find_line(text, "reqwest"), "reqwest rustls feature")
                if not default_off:
                    sc.add("rust.tls", "openssl", rel, _find_line(text, "reqwest"),
                           "reqwest default features use native-tls (OpenSSL on Linux)")
        for name in names:
            entry = natives.get(name)
            if entry:
                line = _find_line(text, f'name = "{name}"' if base == "Cargo.lock" else name)
                sc.add("rust.native_crate", name, rel, line, entry.get("note"))
                if entry.get("tls"):
                    sc.add("rust.tls", entry["tls"], rel, line, f"crate {name}")


def _find_line(text: str, needle: str) -> int | None:
    i = text.find(needle)
    return _line_of(text, i) if i >= 0 else None


_REQ_NAME = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)")


def _py_names_from_specs(specs) -> list[str]:
    out = []
    for s in specs or []:
        if isinstance(s, str) and (m := _REQ_NAME.match(s)):
            out.append(m.group(1))
    return out


def _analyse_python(sc: _Scan) -> None:
    natives = native_packages().get("python", {})

    def report(names_lines, rel):
        for name, line in names_lines:
            n = _pep503(name)
            if n in natives:
                sc.add("python.native_package", n, rel, line, natives[n].get("note"))
            if n == "tzdata":
                sc.add("tz.embedded", "python-tzdata", rel, line)
            if n in ("pytz", "tzdata", "python-dateutil"):
                sc.add("tz.used", n, rel, line)

    for rel in sc.files:
        base = os.path.basename(rel)
        low = base.lower()
        if (low.startswith("requirements") and low.endswith((".txt", ".in"))) or low == "constraints.txt":
            text = sc.read(rel)
            if text is None:
                continue
            found = []
            for i, line in enumerate(text.splitlines(), 1):
                s = line.split("#", 1)[0].strip()
                if not s or s.startswith("-"):
                    continue
                if m := _REQ_NAME.match(s):
                    found.append((m.group(1), i))
            report(found, rel)
        elif base in ("pyproject.toml", "Pipfile", "poetry.lock", "uv.lock", "pdm.lock"):
            parsed = sc.toml(rel)
            if parsed is None:
                continue
            text, data = parsed
            names: list[str] = []
            if base == "pyproject.toml":
                proj = data.get("project") if isinstance(data.get("project"), dict) else {}
                names += _py_names_from_specs(proj.get("dependencies"))
                opt = proj.get("optional-dependencies")
                if isinstance(opt, dict):
                    for v in opt.values():
                        names += _py_names_from_specs(v)
                if isinstance(rp := proj.get("requires-python"), str):
                    sc.add("python.requires", rp, rel, _find_line(text, "requires-python"))
                poetry = ((data.get("tool") or {}).get("poetry") or {}) if isinstance(data.get("tool"), dict) else {}
                if isinstance(poetry, dict):
                    for k in ("dependencies", "dev-dependencies"):
                        if isinstance(poetry.get(k), dict):
                            names += [n for n in poetry[k] if n.lower() != "python"]
            elif base == "Pipfile":
                for k in ("packages", "dev-packages"):
                    if isinstance(data.get(k), dict):
                        names += list(data[k])
            else:
                for pkg in data.get("package", []) or []:
                    if isinstance(pkg, dict) and isinstance(pkg.get("name"), str):
                        names.append(pkg["name"])
            report([(n, _find_line(text, n)) for n in names], rel)
        elif base == "Pipfile.lock":
            text = sc.read(rel, MAX_LOCK_BYTES)
            data = _json(sc, rel, text)
            if isinstance(data, dict):
                names = [n for k in ("default", "develop") if isinstance(data.get(k), dict) for n in data[k]]
                report([(n, _find_line(text, f'"{n}"')) for n in names], rel)
        elif base in ("setup.py", "setup.cfg"):
            text = sc.read(rel)
            if text is None:
                continue
            for m in re.finditer(r"""["']\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*(?:[<>=!~;\[]|["'])""", text):
                n = _pep503(m.group(1))
                if n in natives:
                    sc.add("python.native_package", n, rel, _line_of(text, m.start()), natives[n].get("note"))
        elif base in (".python-version", "runtime.txt"):
            text = sc.read(rel)
            if text and (m := re.search(r"(\d+\.\d+(?:\.\d+)?)", text)):
                sc.add("python.version", m.group(1), rel, 1)
        elif base.endswith(".py"):
            text = sc.read(rel)
            if text is None:
                continue
            if m := re.search(r"^\s*(?:from\s+zoneinfo\s+import|import\s+zoneinfo|import\s+pytz|from\s+pytz\b)",
                              text, re.M):
                sc.add("tz.used", "zoneinfo" if "zoneinfo" in m.group(0) else "pytz", rel, _line_of(text, m.start()))
            if m := _QUOTED_HTTPS.search(text):
                sc.add("tls.https_url", "https", rel, _line_of(text, m.start()))
            if m := re.search(r"^\s*(?:import\s+ssl\b|from\s+ssl\s+import)", text, re.M):
                sc.add("tls.library", "python-ssl", rel, _line_of(text, m.start()))


def _json(sc: _Scan, rel: str, text: str | None):
    if text is None:
        return None
    try:
        return json.loads(text)
    except (ValueError, RecursionError) as e:
        sc.warnings.append(f"{rel}: not valid JSON ({str(e)[:80]})")
        return None


_NODE_LIBC_SUFFIX = re.compile(r"-linux-(?:x64|arm64|arm|ia32|riscv64|s390x|ppc64)-(gnu|musl)(?:eabihf)?$")


def _analyse_node(sc: _Scan) -> None:
    natives = native_packages().get("node", {})
    for rel in sc.files:
        base = os.path.basename(rel)
        if base == "package.json":
            text = sc.read(rel)
            data = _json(sc, rel, text)
            if not isinstance(data, dict):
                continue
            for k in ("dependencies", "devDependencies", "optionalDependencies", "peerDependencies"):
                deps = data.get(k)
                if not isinstance(deps, dict):
                    continue
                for n in deps:
                    if not isinstance(n, str):
                        continue
                    line = _find_line(text, f'"{n}"')
                    if n in natives:
                        sc.add("node.native_package", n, rel, line,
                               (natives[n].get("note") or "") + (" (devDependency)" if k == "devDependencies" else ""))
                    if m := _NODE_LIBC_SUFFIX.search(n):
                        sc.add("node.libc_specific_package", f"{n}", rel, line, f"prebuilt for {m.group(1)}")
            eng = data.get("engines")
            if isinstance(eng, dict) and isinstance(eng.get("node"), str):
                sc.add("node.engine", eng["node"], rel, _find_line(text, '"engines"'))
            if data.get("gypfile") is True:
                sc.add("node.binding_gyp", "gypfile", rel, _find_line(text, '"gypfile"'))
            scripts = data.get("scripts")
            if isinstance(scripts, dict) and any(isinstance(v, str) and "node-gyp" in v for v in scripts.values()):
                sc.add("node.binding_gyp", "node-gyp script", rel, _find_line(text, "node-gyp"))
        elif base == "binding.gyp":
            sc.add("node.binding_gyp", "binding.gyp", rel)
        elif base == "package-lock.json" or base == "npm-shrinkwrap.json":
            text = sc.read(rel, MAX_LOCK_BYTES)
            data = _json(sc, rel, text)
            if not isinstance(data, dict):
                continue
            pkgs = data.get("packages") if isinstance(data.get("packages"), dict) else data.get("dependencies")
            if not isinstance(pkgs, dict):
                continue
            seen = set()
            for key in pkgs:
                if not isinstance(key, str):
                    continue
                n = key.rsplit("node_modules/", 1)[-1]
                if n in seen:
                    continue
                seen.add(n)
                if n in natives:
                    sc.add("node.native_package", n, rel, _find_line(text, f'"{key}"'), natives[n].get("note"))
                if m := _NODE_LIBC_SUFFIX.search(n):
                    sc.add("node.libc_specific_package", n, rel, _find_line(text, f'"{key}"'), f"prebuilt for {m.group(1)}")
        elif base == "yarn.lock":
            text = sc.read(rel, MAX_LOCK_BYTES)
            if text is None:
                continue
            seen = set()
            for m in re.finditer(r'^"?(@?[^@\s",]+)@', text, re.M):
                n = m.group(1)
                if n in natives and n not in seen:
                    seen.add(n)
                    sc.add("node.native_package", n, rel, _line_of(text, m.start()), natives[n].get("note"))
        elif base.endswith((".js", ".mjs", ".cjs", ".ts")) and not base.endswith(".d.ts"):
            text = sc.read(rel)
            if text and (m := _QUOTED_HTTPS.search(text)):
                sc.add("tls.https_url", "https", rel, _line_of(text, m.start()))


_LINK_FLAG = re.compile(r"(?:^|[\s'\"=(])-l([A-Za-z][A-Za-z0-9_+.-]*)")
_LINK_CONTEXT = re.compile(r"LDLIBS|LIBS|LDFLAGS|LDADD|\$\(CC\)|\$\(CXX\)|\bgcc\b|\bg\+\+|\bcc\b|\bc\+\+|\bclang|\bld\b|link", re.I)
_CMAKE_TLL = re.compile(r"target_link_libraries\s*\(([^)]*)\)", re.I | re.S)
_CMAKE_TARGETS = {"openssl::ssl": "ssl", "openssl::crypto": "crypto", "zlib::zlib": "z", "curl::libcurl": "curl",
                  "threads::threads": "pthread", "sqlite::sqlite3": "sqlite3", "unofficial::sqlite3::sqlite3": "sqlite3",
                  "pq::pq": "pq", "postgresql::postgresql": "pq", "libxml2::libxml2": "xml2", "ssl": "ssl",
                  "crypto": "crypto", "z": "z", "m": "m", "dl": "dl", "pthread": "pthread", "rt": "rt"}
_C_INCLUDES = {"openssl/": "ssl", "zlib.h": "z", "curl/curl.h": "curl", "sqlite3.h": "sqlite3",
               "libpq-fe.h": "pq", "pthread.h": "pthread", "dlfcn.h": "dl"}
_C_NSS_CALLS = re.compile(r"\b(getaddrinfo|gethostbyname|getpwnam|getpwuid|getgrnam|dlopen)\s*\(")


def _analyse_c(sc: _Scan) -> None:
    for rel in sc.files:
        base = os.path.basename(rel)
        ext = os.path.splitext(base)[1].lower()
        if base in ("Makefile", "makefile", "GNUmakefile") or ext in (".mk", ".am"):
            text = sc.read(rel)
            if text is None:
                continue
            for i, line in enumerate(text.splitlines(), 1):
                if line.lstrip().startswith("#"):
                    continue
                if _LINK_CONTEXT.search(line):
                    for m in _LINK_FLAG.finditer(line):
                        sc.add("c.links", m.group(1), rel, i)
                if re.search(r"(?:^|\s)-static(?:\s|$|-pie)", line):
                    sc.add("c.static_link", "-static", rel, i)
        elif base == "CMakeLists.txt" or ext == ".cmake":
            text = sc.read(rel)
            if text is None:
                continue
            for m in _CMAKE_TLL.finditer(text):
                for tok in m.group(1).split()[1:]:
                    t = tok.strip('"').lower()
                    if t in ("private", "public", "interface", "debug", "optimized", "general"):
                        continue
                    lib = _CMAKE_TARGETS.get(t) or (t[2:] if t.startswith("-l") else None)
                    if lib:
                        sc.add("c.links", lib, rel, _line_of(text, m.start()))
            for m in re.finditer(r"find_package\s*\(\s*(\w+)", text, re.I):
                sc.add("c.find_package", m.group(1), rel, _line_of(text, m.start()))
            if m := re.search(r"-static\b|CMAKE_EXE_LINKER_FLAGS[^)]*-static", text):
                sc.add("c.static_link", "-static", rel, _line_of(text, m.start()))
        elif ext in _C_EXT or ext in _CPP_EXT or ext == ".h":
            text = sc.read(rel)
            if text is None:
                continue
            for m in re.finditer(r'^\s*#\s*include\s*[<"]([^>"]+)[>"]', text, re.M):
                inc = m.group(1)
                for prefix, lib in _C_INCLUDES.items():
                    if inc.startswith(prefix):
                        sc.add("c.includes_lib", lib, rel, _line_of(text, m.start()))
            if m := _C_NSS_CALLS.search(text):
                sc.add("c.nss_or_dlopen_call", m.group(1), rel, _line_of(text, m.start()),
                       "static glibc needs the same glibc's shared libraries at run time for this call")


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
    cpp = sum(exts[e] for e in _CPP_EXT)
    bump("cpp", cpp)
    bump("c", exts[".c"])
    return [lang for lang, _ in sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))]


def inspect_project(directory: "str | os.PathLike[str]") -> ProjectReport:
    """Walk ``directory`` (bounded) and collect observations."""
    root = os.fspath(directory)
    try:
        st = os.stat(root)
    except FileNotFoundError:
        raise EvidenceError(root, "no such directory", reason="not-found") from None
    except OSError as e:
        raise EvidenceError(root, f"cannot stat the directory: {e.strerror or e}", reason="unreadable") from None
    if not stat.S_ISDIR(st.st_mode):
        raise EvidenceError(root, "not a directory", reason="not-regular")
    sc = _Scan(root)
    sc.walk()
    langs = _languages(sc)
    for rel in sc.files:
        if os.path.basename(rel) == "Dockerfile" or os.path.basename(rel).endswith(".Dockerfile") \
                or os.path.basename(rel).startswith("Dockerfile."):
            sc.add("dockerfile", rel, rel)
    for analyse in (_analyse_go, _analyse_rust, _analyse_python, _analyse_node, _analyse_c):
        try:
            analyse(sc)
        except RecursionError:
            sc.warnings.append(f"{analyse.__name__[9:]}: input nested too deeply, analysis stopped")
    counts = Counter(os.path.splitext(r)[1].lower() for r in sc.files)
    n_c = counts[".c"]
    n_cpp = sum(counts[e] for e in _CPP_EXT if e not in (".hpp", ".hh", ".hxx"))
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
                         truncated=sc.truncated)
