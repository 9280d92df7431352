"""The Rust, Python, Node and C/C++ parts of the project scanner: manifests, lock files and sources.

Every pattern here runs over user text, so each is linear: it runs within one line, or each try starts only at a
character that the try itself cannot run past (a quote), or the scan is done by hand moving forward only. Line
numbers come from :class:`~kb.evidence.textscan.Lines` (indexed once), never from counting per match.
"""
from __future__ import annotations

import os
import re

from ..lazyre import lazy
from .textscan import CPP_EXT, QUOTED_HTTPS, Lines, json_key_lines, pep503

# `_Scan` in annotations is kb.evidence.project._Scan, which imports this module: named,
# never imported (annotations are not evaluated here)

C_EXT = {".c"}


def analyse_rust(sc: "_Scan") -> None:
    natives = sc.natives.get("rust", {})
    for rel in sc.files:
        base = os.path.basename(rel)
        if base not in ("Cargo.toml", "Cargo.lock"):
            continue
        parsed = sc.toml(rel)
        if parsed is None:
            continue
        text, data = parsed
        lines = Lines(text)
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
                feats = req.get("features")
                feats = [f for f in feats if isinstance(f, str)] if isinstance(feats, list) else []
                default_off = req.get("default-features") is False
                if any("rustls" in f for f in feats):
                    sc.add("rust.tls", "rustls", rel, lines.find("reqwest"), "reqwest rustls feature")
                if not default_off:
                    sc.add("rust.tls", "openssl", rel, lines.find("reqwest"),
                           "reqwest default features use native-tls (OpenSSL on Linux)")
        for name in names:
            entry = natives.get(name)
            if entry:
                line = lines.find(f'name = "{name}"' if base == "Cargo.lock" else name)
                sc.add("rust.native_crate", name, rel, line, entry.get("note"))
                if entry.get("tls"):
                    sc.add("rust.tls", entry["tls"], rel, line, f"crate {name}")


_REQ_NAME = lazy(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)")  # on one line
# starts only at a quote, and each try ends before the next quote: linear
_SETUP_NAME = lazy(r"""["']\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*(?:[<>=!~;\[]|["'])""")
_PY_VERSION = lazy(r"(?<![\d.])(\d+\.\d+(?:\.\d+)?)")  # tries start only where a number starts
# [ \t]*, not \s*: \s would run over newlines from every line start (quadratic over blank lines)
# tzlocal (3.0 on) returns zoneinfo zones: the one TZ or /etc/timezone names, looked up in the system's zone data
_PY_TZ_IMPORT = lazy(r"^[ \t]*(?:from\s+(?:zoneinfo|tzlocal)\s+import|import\s+(?:zoneinfo|tzlocal)\b|import\s+pytz|"
                     r"from\s+pytz\b)", re.M)
_PY_SSL_IMPORT = lazy(r"^[ \t]*(?:import\s+ssl\b|from\s+ssl\s+import)", re.M)


def requirement_names(text: str) -> list[tuple[str, int]]:
    """The package names of a pip requirements file, each with its line (options and comments skipped)."""
    found = []
    for i, line in enumerate(text.split("\n"), 1):
        s = line.split("#", 1)[0].strip()
        if not s or s.startswith("-"):
            continue
        if m := _REQ_NAME.match(s):
            found.append((m.group(1), i))
    return found


def _py_names_from_specs(specs) -> list[str]:
    out = []
    for s in specs or []:
        if isinstance(s, str) and (m := _REQ_NAME.match(s)):
            out.append(m.group(1))
    return out


def analyse_python(sc: "_Scan") -> None:
    natives = sc.natives.get("python", {})

    def report(found, rel):
        """found: (name, its line, or a function giving the line of a name: only called for names we report)."""
        for name, line in found:
            n = pep503(name)
            if n not in natives and n not in ("pytz", "tzdata", "python-dateutil"):
                continue
            if callable(line):
                line = line(name)
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
            report(requirement_names(text), rel)
        elif base in ("pyproject.toml", "Pipfile", "poetry.lock", "uv.lock", "pdm.lock"):
            parsed = sc.toml(rel)
            if parsed is None:
                continue
            text, data = parsed
            lines = Lines(text)
            names: list[str] = []
            if base == "pyproject.toml":
                proj = data.get("project") if isinstance(data.get("project"), dict) else {}
                names += _py_names_from_specs(proj.get("dependencies"))
                opt = proj.get("optional-dependencies")
                if isinstance(opt, dict):
                    for v in opt.values():
                        names += _py_names_from_specs(v)
                if isinstance(rp := proj.get("requires-python"), str):
                    sc.add("python.requires", rp, rel, lines.find("requires-python"))
                poetry = ((data.get("tool") or {}).get("poetry") or {}) if isinstance(data.get("tool"), dict) else {}
                if isinstance(poetry, dict):
                    for k in ("dependencies", "dev-dependencies"):
                        if isinstance(poetry.get(k), dict):
                            names += [n for n in poetry[k] if isinstance(n, str) and n.lower() != "python"]
            elif base == "Pipfile":
                for k in ("packages", "dev-packages"):
                    if isinstance(data.get(k), dict):
                        names += [n for n in data[k] if isinstance(n, str)]
            else:
                for pkg in data.get("package", []) or []:
                    if isinstance(pkg, dict) and isinstance(pkg.get("name"), str):
                        names.append(pkg["name"])
            report([(n, lines.find) for n in names], rel)
        elif base == "Pipfile.lock":
            text = sc.read(rel, lock=True)
            data = _json(sc, rel, text)
            if isinstance(data, dict):
                names = [n for k in ("default", "develop") if isinstance(data.get(k), dict) for n in data[k]]
                keys = json_key_lines(text)
                report([(n, keys.get) for n in names], rel)
        elif base in ("setup.py", "setup.cfg"):
            text = sc.read(rel)
            if text is None:
                continue
            lines = Lines(text)
            for m in _SETUP_NAME.finditer(text):
                n = pep503(m.group(1))
                if n in natives:
                    sc.add("python.native_package", n, rel, lines.of(m.start()), natives[n].get("note"))
        elif base in (".python-version", "runtime.txt"):
            text = sc.read(rel)
            if text and (m := _PY_VERSION.search(text)):
                sc.add("python.version", m.group(1), rel, 1)
        elif base.endswith(".py"):
            text = sc.read(rel)
            if text is None:
                continue
            lines = Lines(text)
            if m := _PY_TZ_IMPORT.search(text):
                sc.add("tz.used", next((n for n in ("zoneinfo", "tzlocal") if n in m.group(0)), "pytz"), rel,
                       lines.of(m.start()))
            if m := QUOTED_HTTPS.search(text):
                sc.add("tls.https_url", "https", rel, lines.of(m.start()))
            if m := _PY_SSL_IMPORT.search(text):
                sc.add("tls.library", "python-ssl", rel, lines.of(m.start()))


def _json(sc: "_Scan", rel: str, text: str | None):
    if text is None:
        return None
    import json  # here: a requirements file, pyproject.toml or Cargo.toml needs no JSON decoder (a millisecond)

    try:
        return json.loads(text)
    except (ValueError, RecursionError) as e:
        sc.warnings.append(f"{rel}: not valid JSON ({str(e)[:80]})")
        return None


_NODE_LIBC_SUFFIX = lazy(r"-linux-(?:x64|arm64|arm|ia32|riscv64|s390x|ppc64)-(gnu|musl)(?:eabihf)?$")
_YARN_ENTRY = lazy(r'^"?(@?[^@\s",]+)@', re.M)  # a run of one line's characters: linear


class _KeyLines:
    """The line of a JSON object key (its first occurrence as a key, else as any string), indexed once."""

    def __init__(self, text: str) -> None:
        self.text, self.index, self.lines = text, None, None

    def get(self, key: str) -> int | None:
        if self.index is None:
            self.index, self.lines = json_key_lines(self.text), Lines(self.text)
        line = self.index.get(key)
        return line if line is not None else self.lines.find(f'"{key}"')


def analyse_node(sc: "_Scan") -> None:
    natives = sc.natives.get("node", {})
    for rel in sc.files:
        base = os.path.basename(rel)
        if base == "package.json":
            text = sc.read(rel)
            data = _json(sc, rel, text)
            if not isinstance(data, dict):
                continue
            lines, keys = Lines(text), _KeyLines(text)
            for k in ("dependencies", "devDependencies", "optionalDependencies", "peerDependencies"):
                deps = data.get(k)
                if not isinstance(deps, dict):
                    continue
                for n in deps:
                    if not isinstance(n, str):
                        continue
                    if n not in natives and "-linux-" not in n:
                        continue
                    line = keys.get(n)
                    if n in natives:
                        sc.add("node.native_package", n, rel, line,
                               (natives[n].get("note") or "") + (" (devDependency)" if k == "devDependencies" else ""))
                    if m := _NODE_LIBC_SUFFIX.search(n):
                        sc.add("node.libc_specific_package", f"{n}", rel, line, f"prebuilt for {m.group(1)}")
            eng = data.get("engines")
            if isinstance(eng, dict) and isinstance(eng.get("node"), str):
                sc.add("node.engine", eng["node"], rel, lines.find('"engines"'))
            if data.get("gypfile") is True:
                sc.add("node.binding_gyp", "gypfile", rel, lines.find('"gypfile"'))
            scripts = data.get("scripts")
            if isinstance(scripts, dict) and any(isinstance(v, str) and "node-gyp" in v for v in scripts.values()):
                sc.add("node.binding_gyp", "node-gyp script", rel, lines.find("node-gyp"))
        elif base == "binding.gyp":
            sc.add("node.binding_gyp", "binding.gyp", rel)
        elif base == "package-lock.json" or base == "npm-shrinkwrap.json":
            text = sc.read(rel, lock=True)
            data = _json(sc, rel, text)
            if not isinstance(data, dict):
                continue
            pkgs = data.get("packages") if isinstance(data.get("packages"), dict) else data.get("dependencies")
            if not isinstance(pkgs, dict):
                continue
            keys = _KeyLines(text)
            seen = set()
            for key in pkgs:
                if not isinstance(key, str):
                    continue
                n = key.rsplit("node_modules/", 1)[-1]
                if n in seen:
                    continue
                seen.add(n)
                if n in natives:
                    sc.add("node.native_package", n, rel, keys.get(key), natives[n].get("note"))
                if m := _NODE_LIBC_SUFFIX.search(n):
                    sc.add("node.libc_specific_package", n, rel, keys.get(key), f"prebuilt for {m.group(1)}")
        elif base == "yarn.lock":
            text = sc.read(rel, lock=True)
            if text is None:
                continue
            seen = set()
            lines = Lines(text)
            for m in _YARN_ENTRY.finditer(text):
                n = m.group(1)
                if n in natives and n not in seen:
                    seen.add(n)
                    sc.add("node.native_package", n, rel, lines.of(m.start()), natives[n].get("note"))
        elif base.endswith((".js", ".mjs", ".cjs", ".ts")) and not base.endswith(".d.ts"):
            text = sc.read(rel)
            if text and (m := QUOTED_HTTPS.search(text)):
                sc.add("tls.https_url", "https", rel, Lines(text).of(m.start()))


_LINK_FLAG = lazy(r"(?:^|[\s'\"=(])-l([A-Za-z][A-Za-z0-9_+.-]*)")
_LINK_CONTEXT = lazy(r"LDLIBS|LIBS|LDFLAGS|LDADD|\$\(CC\)|\$\(CXX\)|\bgcc\b|\bg\+\+|\bcc\b|\bc\+\+|\bclang|\bld\b|link", re.I)
_CMAKE_TLL = lazy(r"target_link_libraries\s*\(", re.I)  # the arguments are read up to ')' by hand
_CMAKE_TARGETS = {"openssl::ssl": "ssl", "openssl::crypto": "crypto", "zlib::zlib": "z", "curl::libcurl": "curl",
                  "threads::threads": "pthread", "sqlite::sqlite3": "sqlite3", "unofficial::sqlite3::sqlite3": "sqlite3",
                  "pq::pq": "pq", "postgresql::postgresql": "pq", "libxml2::libxml2": "xml2", "ssl": "ssl",
                  "crypto": "crypto", "z": "z", "m": "m", "dl": "dl", "pthread": "pthread", "rt": "rt"}
_CMAKE_FIND = lazy(r"find_package\s*\(\s*(\w+)", re.I)
_C_INCLUDES = {"openssl/": "ssl", "zlib.h": "z", "curl/curl.h": "curl", "sqlite3.h": "sqlite3",
               "libpq-fe.h": "pq", "pthread.h": "pthread", "dlfcn.h": "dl"}
# one line at a time ([^>"\n], [ \t]): a missing '>' or a run of blank lines cannot make it scan the rest of the file
_C_INCLUDE = lazy(r'^[ \t]*#[ \t]*include[ \t]*[<"]([^>"\n]+)[>"]', re.M)
_C_NSS_CALLS = lazy(r"\b(getaddrinfo|gethostbyname|getpwnam|getpwuid|getgrnam|dlopen)\s*\(")


def analyse_c(sc: "_Scan") -> None:
    for rel in sc.files:
        base = os.path.basename(rel)
        ext = os.path.splitext(base)[1].lower()
        if base in ("Makefile", "makefile", "GNUmakefile") or ext in (".mk", ".am"):
            text = sc.read(rel)
            if text is None:
                continue
            for i, line in enumerate(text.split("\n"), 1):
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
            lines = Lines(text)
            for start, args in _cmake_calls(text):
                for tok in args.split()[1:]:
                    t = tok.strip('"').lower()
                    if t in ("private", "public", "interface", "debug", "optimized", "general"):
                        continue
                    lib = _CMAKE_TARGETS.get(t) or (t[2:] if t.startswith("-l") else None)
                    if lib:
                        sc.add("c.links", lib, rel, lines.of(start))
            for m in _CMAKE_FIND.finditer(text):
                sc.add("c.find_package", m.group(1), rel, lines.of(m.start()))
            if (pos := _cmake_static(text)) is not None:
                sc.add("c.static_link", "-static", rel, lines.of(pos))
        elif ext in C_EXT or ext in CPP_EXT or ext == ".h":
            text = sc.read(rel)
            if text is None:
                continue
            lines = Lines(text)
            for m in _C_INCLUDE.finditer(text):
                inc = m.group(1)
                for prefix, lib in _C_INCLUDES.items():
                    if inc.startswith(prefix):
                        sc.add("c.includes_lib", lib, rel, lines.of(m.start()))
            if m := _C_NSS_CALLS.search(text):
                sc.add("c.nss_or_dlopen_call", m.group(1), rel, lines.of(m.start()),
                       "static glibc needs the same glibc's shared libraries at run time for this call")


def _cmake_calls(text: str):
    """(offset, arguments) of each target_link_libraries( ... ), like a regex with [^)]* but linear: a call
    without its ')' ends the search (no later call can have one either)."""
    pos = 0
    while m := _CMAKE_TLL.search(text, pos):
        close = text.find(")", m.end())
        if close < 0:
            return
        yield m.start(), text[m.end():close]
        pos = close + 1


_STATIC_WORD = lazy(r"-static\b")


def _cmake_static(text: str) -> int | None:
    """Where the first of `-static` (a whole flag) or CMAKE_EXE_LINKER_FLAGS( ... -static ... ) starts, or None.
    Each search moves forward only, so this is linear."""
    m = _STATIC_WORD.search(text)
    first = m.start() if m else None
    pos, close, flag = 0, -1, -1
    while (at := text.find("CMAKE_EXE_LINKER_FLAGS", pos)) >= 0 and (first is None or at < first):
        if close < at:
            close = text.find(")", at)
            close = len(text) if close < 0 else close  # no ')' at all: the flags run to the end
        if flag < at:
            flag = text.find("-static", at)
        if flag < 0:
            break
        if flag < close:
            return at
        pos = at + 1
    return first
