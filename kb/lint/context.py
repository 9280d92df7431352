"""Facts about the build context that lint needs, taken from the evidence scanners (kb/evidence/project.py):
which packages a requirements file or package.json names, what a Cargo project links (what the Go source a stage
copies imports: kb/lint/gosources.py).

Every file is read the way `inspect` reads it: inside the context only (no '..', no symbolic link out), regular
files only, bounded, never blocking.
"""
from __future__ import annotations

import os
import posixpath
from collections.abc import Mapping

from ..evidence.errors import EvidenceError

# json, kb.evidence.project (and its scanners: tomllib, the ecosystem tables) is imported by the functions that read the
# context, on first use: a Dockerfile that copies no source in never pays for it (a one-file lint process).

MAX_CONTEXT_FILES = 400  # files of the context looked at per COPY set: lint runs per Dockerfile, keep it quick


def context_file(a, rel: str) -> str | None:
    """The text of the build context's file `rel` (None when it has none), read once per lint run (`a` is the
    Analysis, whose context_cache keeps it)."""
    from ..evidence.errors import read_project_file

    key = ("host-file", a.context_dir, rel)
    if key not in a.context_cache:
        a.context_cache[key] = read_project_file(a.context_dir, rel)
    return a.context_cache[key]


def requirements(context_dir: str | None, name: str) -> list[str]:
    """The (PEP 503) package names of the requirements file `pip install -r NAME` reads, looked up in the context
    as written, else by its base name; [] when it is not there."""
    if not context_dir or "$" in name:
        return []
    from ..evidence.ecosystems import requirement_names
    from ..evidence.errors import read_project_file
    from ..evidence.textscan import pep503

    text = read_project_file(context_dir, name) if not os.path.isabs(name) else None
    if not text:
        text = read_project_file(context_dir, posixpath.basename(name))
    return [pep503(n) for n, _ in requirement_names(text or "")]


MAX_WORKSPACES = 50  # workspace packages read for one install


def package_json(context_dir: str | None, sub: str = "", workspaces: bool = True) -> list[str]:
    """The dependencies and optionalDependencies of the package.json in `sub` of the context (its root: ""), and
    those of its workspaces' package.json files (`"workspaces": ["apps/*", "packages/*"]`, or {"packages": [...]}):
    an install at the root installs every workspace's dependencies (docs.npmjs.com/cli/using-npm/workspaces,
    yarnpkg.com/features/workspaces)."""
    if not context_dir:
        return []
    import json

    from ..evidence.errors import read_project_file

    try:
        doc = json.loads(read_project_file(context_dir, posixpath.join(sub, "package.json")) or "{}")
    except (ValueError, RecursionError):
        return []
    if not isinstance(doc, dict):
        return []
    out: list[str] = []
    for key in ("dependencies", "optionalDependencies"):
        deps = doc.get(key)
        if isinstance(deps, dict):
            out += [str(k) for k in deps]
    patterns = doc.get("workspaces") if workspaces else None
    patterns = patterns.get("packages") if isinstance(patterns, dict) else patterns
    if isinstance(patterns, list):
        from .cargobuilt import glob_dirs

        dirs = [d for p in patterns[:MAX_WORKSPACES] if isinstance(p, str) and ".." not in p
                for d in glob_dirs(context_dir, posixpath.join(sub, p.strip("/")))]
        for d in dict.fromkeys(dirs[:MAX_WORKSPACES]):
            out += [n for n in package_json(context_dir, d, workspaces=False) if n not in out]
    return out


def package_json_ranges(context_dir: str | None, sub: str = "") -> dict[str, str]:
    """name -> the version range package.json in `sub` of the context asks for (dependencies, optionalDependencies)."""
    if not context_dir:
        return {}
    import json

    from ..evidence.errors import read_project_file

    try:
        doc = json.loads(read_project_file(context_dir, posixpath.join(sub, "package.json")) or "{}")
    except (ValueError, RecursionError):
        return {}
    out: dict[str, str] = {}
    for key in ("dependencies", "optionalDependencies"):
        deps = doc.get(key) if isinstance(doc, dict) else None
        if isinstance(deps, dict):
            out.update({str(k): v for k, v in deps.items() if isinstance(v, str)})
    return out


def locked_packages(context_dir: str | None, tool: str, sub: str = "") -> list[str]:
    """Every package a lockfile in `sub` of the context resolves, direct and indirect (a dependency of a dependency
    is installed too): the Node lockfiles of `node_locked` for npm, yarn and pnpm; poetry.lock for poetry
    (PEP 503 names), Pipfile.lock's default packages for pipenv. [] when there is none."""
    if not context_dir:
        return []
    from ..evidence.errors import read_project_file

    if tool == "poetry":
        from ..evidence.textscan import pep503

        text = read_project_file(context_dir, posixpath.join(sub, "poetry.lock")) or ""
        return [pep503(line.split("=", 1)[1].strip().strip('"')) for line in text.splitlines()
                if line.startswith("name = ")]
    import json

    if tool == "pipenv":
        from ..evidence.textscan import pep503

        try:
            doc = json.loads(read_project_file(context_dir, posixpath.join(sub, "Pipfile.lock")) or "{}")
        except (ValueError, RecursionError):
            return []
        default = doc.get("default") if isinstance(doc, dict) else None
        return [pep503(str(k)) for k in default] if isinstance(default, dict) else []
    return list(dict.fromkeys(name for name, _version in node_locked(context_dir, tool, sub)))


def node_locked(context_dir: str | None, tool: str = "npm", sub: str = "") -> list[tuple[str, str]]:
    """(package, version) of every package the Node lockfile in `sub` of the context resolves: yarn.lock (yarn v1
    and berry) first for yarn, pnpm-lock.yaml first for pnpm, package-lock.json / npm-shrinkwrap.json first for
    npm; the first of them there is read. Version "" when the lockfile does not say."""
    if not context_dir:
        return []
    from ..evidence.errors import read_project_file

    order = {"yarn": ("yarn.lock",), "pnpm": ("pnpm-lock.yaml",)}.get(tool, ())
    for name in (*order, "package-lock.json", "npm-shrinkwrap.json", "yarn.lock", "pnpm-lock.yaml"):
        text = read_project_file(context_dir, posixpath.join(sub, name))
        if not text:
            continue
        out = _yarn_lock(text) if name == "yarn.lock" else _pnpm_lock(text) if name == "pnpm-lock.yaml" \
            else _npm_lock(text)
        if out:
            return out
    return []


def _spec_name(spec: str) -> str:
    """The package a lockfile's key names: `"@scope/name@^1.0.0"`, `name@npm:^4.0.1`, `name@4.0.6`."""
    spec = spec.strip().strip('"\'').lstrip("/")
    at = spec.find("@", 1)
    return (spec[:at] if at > 0 else spec).lower()


def _yarn_lock(text: str) -> list[tuple[str, str]]:
    """yarn.lock, v1 (`name@^1.0.0, name@^1.2.0:` then `  version "1.2.3"`) or berry (`"name@npm:^1.0.0":` then
    `  version: 1.2.3`): one key line at column 0 per resolved package."""
    out: list[tuple[str, str]] = []
    name = None
    for line in text.splitlines():
        if not line or line[0] == "#":
            continue
        if line[0] not in " \t":
            key = line.rstrip().rstrip(":")
            name = None if key == "__metadata" else _spec_name(key.split(",", 1)[0])
            if name:
                out.append((name, ""))
        elif name and line.lstrip().startswith("version"):
            value = line.strip()[len("version"):].lstrip(": ").strip('"')
            out[-1] = (name, value)
            name = None
    return out


def _pnpm_lock(text: str) -> list[tuple[str, str]]:
    """pnpm-lock.yaml's `packages:` keys: `  /name@1.2.3:` (v6), `  name@1.2.3:` (v9), `  /name/1.2.3:` (v5)."""
    out: list[tuple[str, str]] = []
    inside = False
    for line in text.splitlines():
        if line and line[0] not in " \t#":
            inside = line.startswith("packages:")
            continue
        if inside and line.startswith("  ") and line[2:3] not in (" ", "#") and line.rstrip().endswith(":"):
            key = line.strip().rstrip(":").strip('"\'').lstrip("/").split("(", 1)[0]
            head, _, last = key.rpartition("/")
            if head and last[:1].isdigit():  # v5: name/version_peers
                out.append((head.lower(), last.split("_", 1)[0]))
            else:
                name = _spec_name(key)
                out.append((name, key[len(name):].lstrip("@")))
    return out


def _npm_lock(text: str) -> list[tuple[str, str]]:
    """package-lock.json / npm-shrinkwrap.json: v2/v3 `packages` paths, v1 nested `dependencies`."""
    import json

    try:
        doc = json.loads(text)
    except (ValueError, RecursionError):
        return []
    if not isinstance(doc, dict):
        return []
    out: list[tuple[str, str]] = []
    packages = doc.get("packages")
    if isinstance(packages, dict):  # lockfile v2/v3: "node_modules/a/node_modules/@s/b"
        out += [(k.rsplit("node_modules/", 1)[1].lower(), _version_of(v)) for k, v in packages.items()
                if "node_modules/" in k]
    stack = [doc.get("dependencies")]
    while stack and len(out) < 100_000:  # lockfile v1: nested "dependencies"
        deps = stack.pop()
        if isinstance(deps, dict):
            for k, v in deps.items():
                out.append((str(k).lower(), _version_of(v)))
                if isinstance(v, dict):
                    stack.append(v.get("dependencies"))
    return out


def _version_of(entry) -> str:
    version = entry.get("version") if isinstance(entry, dict) else None
    return version if isinstance(version, str) else ""


def cargo_lock(context_dir: str | None) -> list[str] | None:
    """The crates the context's Cargo.lock resolves (direct and indirect), or None when there is no Cargo.lock.
    When the context's Cargo.toml is a package the lock holds, only the crates its program links: those reachable
    from it through the lock's dependency lists, leaving out its dev- and build-dependencies (a test helper such as
    httpmock brings curl-sys into the lock, not into the binary). A workspace's lock lists every member's crates."""
    if not context_dir:
        return None
    from ..evidence.errors import read_project_file

    text = read_project_file(context_dir, "Cargo.lock")
    if text is None:
        return None
    names = [line.split("=", 1)[1].strip().strip('"') for line in text.splitlines() if line.startswith("name = ")]
    from .cargobuilt import reachable_crates

    return reachable_crates(read_project_file(context_dir, "Cargo.toml"), text) or names


def cargo_dependencies(context_dir: str | None) -> list[tuple[str, bool, str, str, tuple[str, ...]]] | None:
    """The direct dependencies of the context's Cargo.toml and of its workspace members (by path or glob): (crate,
    are its default features on, its version requirement ("" when none: a path, git or workspace dependency), the
    manifest naming it, the features it turns on). Build and dev dependencies are left out (they are not linked
    into the program). None when there is no readable Cargo.toml."""
    if not context_dir:
        return None
    import tomllib

    from ..evidence.errors import read_project_file

    out: list[tuple[str, bool, str, str, tuple[str, ...]]] = []
    todo, seen, found = ["Cargo.toml"], set(), False
    inherited: dict = {}  # [workspace.dependencies] of the root: what `crate = { workspace = true }` starts from
    while todo and len(seen) < 64:
        rel = todo.pop(0)
        if rel in seen:
            continue
        seen.add(rel)
        try:
            doc = tomllib.loads(read_project_file(context_dir, rel) or "")
        except (tomllib.TOMLDecodeError, RecursionError):
            continue
        found = found or bool(doc)
        tables = [doc.get("dependencies")]
        targets = doc.get("target")
        if isinstance(targets, dict):
            tables += [t.get("dependencies") for t in targets.values() if isinstance(t, dict)]
        for table in tables:
            if not isinstance(table, dict):
                continue
            for crate, spec in table.items():
                version = spec if isinstance(spec, str) else ""
                defaults, features = True, ()
                if isinstance(spec, dict) and spec.get("workspace") is True and isinstance(inherited.get(crate), dict):
                    base = inherited[crate]  # its features add to the workspace's (doc.rust-lang.org/cargo, "Inheriting")
                    spec = {**base, **spec, "features": [f for t in (base, spec) if isinstance(t.get("features"), list)
                                                         for f in t["features"]]}
                elif isinstance(spec, dict) and spec.get("workspace") is True:
                    spec = {**spec, "version": inherited.get(crate) if isinstance(inherited.get(crate), str) else ""}
                if isinstance(spec, dict):
                    crate = spec.get("package") if isinstance(spec.get("package"), str) else crate
                    defaults = spec.get("default-features", spec.get("default_features", True)) is not False
                    version = spec.get("version") if isinstance(spec.get("version"), str) else ""
                    wanted = spec.get("features")
                    features = tuple(str(f) for f in wanted) if isinstance(wanted, list) else ()
                out.append((str(crate), defaults, version, rel, features))
        workspace = doc.get("workspace")
        if rel == "Cargo.toml" and isinstance(workspace, dict) and isinstance(workspace.get("dependencies"), dict):
            inherited = workspace["dependencies"]
        if isinstance(workspace, dict):  # its members, globs (crates/*) expanded in the context (cargobuilt.py)
            from .cargobuilt import member_dirs

            base = posixpath.dirname(rel)
            todo += [posixpath.join(m, "Cargo.toml") for m in member_dirs(context_dir, base, workspace)]
    return out if found else None


def unseen_by(context_dir: str | None, unseen: "Unseen") -> "Unseen":
    """Why lint cannot tell, said truly when go.mod is there but the source is not: the modules it requires, none of
    them an HTTPS client lint knows; or when only Cargo.toml or Cargo.lock is there."""
    if unseen != NO_SOURCE or not context_dir:
        return unseen
    from ..evidence.errors import read_project_file

    mods = [w[0] for w in (ln.replace("require", " ").replace("(", " ").split()
                           for ln in (read_project_file(context_dir, "go.mod") or "").splitlines()
                           if "// indirect" not in ln and not ln.startswith(("module", "go ", "toolchain")))
            if w and "." in w[0].split("/")[0]]
    if not mods:
        if read_project_file(context_dir, "Cargo.toml") is not None or read_project_file(context_dir, "Cargo.lock"):
            return Unseen("the Rust source is not in the build context, only its Cargo manifests")
        return unseen
    more = f" and {len(mods) - 1} more" if len(mods) > 1 else ""
    return Unseen(f"the Go source is not in the build context, and go.mod requires {mods[0]}{more}, none of them an "
                  "HTTPS client lint knows")


def https_clients(context_dir: str | None, table: Mapping[str, dict]) -> str | None:
    """What go.mod (direct requirements) or Cargo.toml (dependencies) of the context names among the `https:`
    clients of the knowledge (cloud SDKs, API clients, HTTP client libraries): 'go.mod requires M (note)'."""
    if not context_dir or not table:
        return None
    from ..evidence.errors import read_project_file

    text = read_project_file(context_dir, "go.mod")
    for line in (text or "").splitlines():
        if "// indirect" in line:
            continue
        words = line.replace("require", " ").replace("(", " ").split()
        mod = words[0] if words else ""
        for name, entry in table.items():
            if mod == name or mod.startswith(name + "/") or mod.startswith(name + "-v"):
                return f"go.mod requires {mod}: {entry.get('note') or 'an HTTPS client'}"
    text = read_project_file(context_dir, "Cargo.toml")
    section = ""
    for line in (text or "").splitlines():
        stripped = line.strip()
        if stripped.startswith("["):
            section = stripped.strip("[]")
            continue
        crate = stripped.split("=", 1)[0].strip().strip('"') if "=" in stripped else ""
        if section.endswith("dependencies") and not section.startswith(("dev-", "build-")) and crate in table:
            return f"Cargo.toml depends on {crate}: {table[crate].get('note') or 'an HTTPS client'}"
        if section.startswith("dependencies.") and section.split(".", 1)[1] in table:
            crate = section.split(".", 1)[1]
            return f"Cargo.toml depends on {crate}: {table[crate].get('note') or 'an HTTPS client'}"
    return None


_TLS_KEYS = ("go.tls", "rust.tls", "tls.library", "tls.https_url")


NO_SOURCE = "no source, go.mod or Cargo.toml in the build context"


class Unseen(str):
    """Why lint cannot tell whether a program makes TLS calls. False in a test: it is not evidence."""

    def __bool__(self) -> bool:
        return False


def tls_sources(context_dir: str, sources: list[str], natives: Mapping[str, Mapping[str, dict]],
                program: str | None = None, go_calls=None) -> str | bool:
    """Does the source copied from `sources` make TLS calls, as `inspect` sees it (crypto/tls, an https:// URL, a
    TLS crate or library): a short description of the first evidence, False when the source shows none (and no
    third-party package that might), an Unseen reason when it cannot be told. For a Rust `program` whose crates
    lint can tell (kb/lint/cargobuilt.py), only the evidence of those crates counts. `go_calls(context_dir, files,
    https)` (kb/lint/goclients.py file_calls), when given, reads the Go files that import net/http for a client's
    calls: what the copied source shows when no build target can be walked (a GOPATH build without go.mod)."""
    from ..evidence.project import inspect_project

    paths = [s for s in sources if "*" not in s and "$" not in s]
    if not paths:
        return Unseen(NO_SOURCE)
    try:
        report = inspect_project(context_dir, natives, paths=paths, max_files=MAX_CONTEXT_FILES,
                                 ecosystems=("go", "rust"))
    except EvidenceError:
        return Unseen(NO_SOURCE)
    crates = None
    if program:  # a Rust program: only the crates it links count (kb/lint/cargobuilt.py)
        from .cargobuilt import built_crates, of_program

        crates = built_crates(context_dir, program)
    manifests = {o.file: o.value for o in report.find("rust.crate")}
    for key in _TLS_KEYS:
        for o in report.find(key):
            if crates is None or of_program(o, crates, manifests):
                return f"{o.file}: {o.value}"
    if not any(f.endswith((".go", ".rs")) for f in report.files):
        return unseen_by(context_dir, Unseen(NO_SOURCE))
    https = natives.get("https", {})
    if go_calls is not None:
        called = go_calls(context_dir, [o.file for o in report.find("go.imports_net")], https)
        if called:
            return called
    client = next((c for c in sorted(crates or ()) if c in https), None)
    if client:  # an API client crate of the program's own (openai-api-rs), whose TLS stack the manifests hide
        return f"its crate {client}: {https[client].get('note') or 'an HTTPS client'}"
    imports = report.find("go.third_party_import")
    if imports:
        more = f" and {len(imports) - 1} more" if len(imports) > 1 else ""
        return Unseen(f"its source imports {imports[0].value}{more}, which lint does not follow")
    return False
