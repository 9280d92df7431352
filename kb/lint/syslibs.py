"""Whether a Rust -sys crate links the system's copy of its C library or builds its own into the program (MI412).

Many -sys crates link the system library only when their build script finds it, and otherwise compile the copy they
bundle, statically: libz-sys finds zlib with pkg-config or a compiler probe, librocksdb-sys links the RocksDB that
ROCKSDB_LIB_DIR points at. What decides it is data, per crate, in knowledge/native-packages.yaml `rust:`
(`found_with`: the -dev packages that make the build find the system copy; `system_env`: "VARIABLE LIBRARY
[STATIC-VARIABLE]", a variable that, set, makes it link that system library, dynamically unless STATIC-VARIABLE is
set too; `static_env`: variables that make it build its own copy) and in `build_images:` (the -dev packages a
builder image ships: the full Debian images built FROM buildpack-deps). This module reads what the build sees: the
-dev packages its stage installed and those of its base image, the variables ENV and ARG set in its stage chain or
its RUN steps set, and the `[env]` table of the build context's .cargo/config.toml.
"""
from __future__ import annotations

import fnmatch

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping

MAX_CONFIG_CHARS = 65536  # a .cargo/config.toml longer than this is not read for [env]


class Switches:
    """What a build stage's cargo build sees: -dev packages (installed or shipped by its base image, with the image
    named), variables set (name -> where) ."""

    __slots__ = ("dev", "image_dev", "image", "env")

    def __init__(self, dev: set, image_dev: set, image: str, env: "Mapping[str, str]"):
        self.dev, self.image_dev, self.image, self.env = dev, image_dev, image, env


def image_dev_packages(table: "Mapping[str, dict]", ref: str) -> set[str]:
    """The -dev packages the builder image `ref` ships, from the `build_images` table (none when no entry matches)."""
    ref = ref.strip().lower()
    if "/" not in ref.split(":", 1)[0] and ":" not in ref:
        ref += ":latest"
    ref = ref.removeprefix("docker.io/").removeprefix("library/")
    for entry in table.values():
        if any(fnmatch.fnmatchcase(ref, g) for g in entry["match"]) and \
                not any(fnmatch.fnmatchcase(ref, g) for g in entry.get("except", ())):
            return set(entry["dev"])
    return set()


def cargo_config_env(context_dir: str | None) -> dict[str, str]:
    """The variables `[env]` of the build context's .cargo/config.toml (or .cargo/config) sets, read inside the
    context only (kb.evidence.errors.read_project_file: regular files, no symbolic link out, bounded)."""
    if not context_dir:
        return {}
    import tomllib

    from ..evidence.errors import read_project_file

    for rel in (".cargo/config.toml", ".cargo/config"):
        text = read_project_file(context_dir, rel)
        if text is None or len(text) > MAX_CONFIG_CHARS:
            continue
        try:
            table = tomllib.loads(text).get("env")
        except (tomllib.TOMLDecodeError, RecursionError):
            return {}
        out = {}
        for name, value in table.items() if isinstance(table, dict) else ():
            if isinstance(value, dict):
                value = value.get("value")
            if isinstance(value, str):
                out[str(name)] = f"{name} in {rel}"
        return out
    return {}


def system_links(entry: dict, crate: str, where: str, seen: Switches) -> list[tuple[str, str]] | None:
    """(library, why) for each system library the crate `crate` (its `rust:` entry) links dynamically in a build that
    sees `seen`; None when the entry says nothing of how its build script chooses (the crate's `libs` then hold)."""
    found_with, system_env, static_env = entry.get("found_with"), entry.get("system_env"), entry.get("static_env")
    if found_with is None and system_env is None and static_env is None:
        return None
    from .profiles import lib_stem

    out: list[tuple[str, str]] = []
    for text in system_env or ():
        words = text.split()
        if words[0] in seen.env and not (len(words) > 2 and words[2] in seen.env):
            out.append((lib_stem(words[1]), f"the crate {crate} in {where}, linked to the system's copy: "
                                            f"{seen.env[words[0]]}"))
    static = next((seen.env[v] for v in static_env or () if v in seen.env), None)
    if static:
        return out
    libs = [lib_stem(x) for x in entry.get("libs", ()) if lib_stem(x) != "libstdc++"]
    if found_with is None:
        out += [(lib, f"the crate {crate} in {where}: {entry.get('note') or 'links it'}") for lib in libs]
        return out
    installed = sorted(p for p in found_with if p in seen.dev)
    shipped = sorted(p for p in found_with if p in seen.image_dev)
    if installed or shipped:
        how = f"{installed[0]} installed there" if installed else f"{shipped[0]} in {seen.image}"
        out += [(lib, f"the crate {crate} in {where}, which links the system's copy when the build finds it: "
                      f"{how}") for lib in libs]
    return out


def switches(a, info) -> Switches:
    """What the cargo build of stage `info` (of the analysis `a`) sees: the -dev packages its steps installed and
    those its base image ships (the image at the root of its FROM-stage chain), and the variables set by ENV, by ARG
    with a default, by a RUN step that runs cargo (`VAR=... cargo build`, `export VAR=...; cargo build`) of the chain, or by the build context's
    .cargo/config.toml."""
    chain, i = [], info.index
    while i is not None and len(chain) <= len(a.stages):
        chain.append(a.stages[i])
        i = a.stages[i].stage.base_stage
    image = chain[-1].image
    key = ("cargo-config-env", a.context_dir)
    if key not in a.context_cache:
        a.context_cache[key] = cargo_config_env(a.context_dir)
    env = dict(a.context_cache[key])
    rust = a.kb.native_packages.get("rust", {}).values()
    wanted = {w for e in rust for v in e.get("system_env", ()) for w in v.split() if not w.startswith("lib")} | \
        {v for e in rust for v in e.get("static_env", ())}
    for s in reversed(chain):
        for name, default in s.stage.args:
            if name in wanted and default:
                env[name] = f"ARG {name} in the Dockerfile"
        for run in s.stage.runs:  # a variable a RUN sets lives as long as that RUN: only one that runs cargo
            if "cargo" in run.command:
                env.update((name, f"{name} set by the RUN step at line {run.line}") for name in wanted
                           if _assigns(run.command, name))
    env.update((name, f"ENV {name} in the Dockerfile") for name, value in info.env.items() if name in wanted and value)
    table = a.kb.native_packages.get("build_images", {})
    return Switches(set(info.profile.installed), image_dev_packages(table, image), image, env)


def _assigns(command: str, name: str) -> bool:
    """Does the shell text assign `name` (`NAME=...` at the start of a word: `NAME=x cargo build`, `export NAME=x`)?
    str.find from each hit onward: linear in the text."""
    needle, at = f"{name}=", command.find(f"{name}=")
    while at != -1:
        if at == 0 or command[at - 1] in " \t\n;&|(":
            return True
        at = command.find(needle, at + 1)
    return False
