"""MI432: a Node addon built for one Node ABI, loaded by another. An addon written against V8 (not Node-API) is
compiled or downloaded for the NODE_MODULE_VERSION of the `node` that installs it (127 for Node 22, 137 for 24), and
another major refuses it: "was compiled against a different Node.js version using NODE_MODULE_VERSION", or on musl
"Error relocating ...: symbol not found" (WiseLibs/better-sqlite3#854: node_modules copied to another server or Node).
`bun install` in an image without node runs the install scripts under Bun, which reports an ABI of its own
(oven-sh/bun#16050), so node_modules it fills carry such addons for no Node the final image has.

Judged at the final stage's COPYs that bring installed packages (kb/lint/pkgflow.py), from a stage on a node:N image
of another major or from `bun install` on an image without node, for the packages of native-packages' `node_abi`
versions the install reads (package.json and its lockfile); quiet for a package the final stage rebuilds after the
COPY (`npm rebuild`, all or naming it, or an install with scripts on), which fetches or compiles it for its node."""
from __future__ import annotations

import posixpath

from ..detectors import detector
from ..lazyre import lazy
from ..model import LintRule
from ..versions import in_spans
from .npmscripts import rebuilt_after
from .results import Hit

# `Analysis` and `StageInfo` in annotations are kb.lint.stages' classes: named, never imported here

_NODE_MAJOR = lazy(r"(?:^|/)node:(\d{1,3})(?![\d])")  # node:22-alpine, node:22.12-bookworm-slim, library/node:20
_NODE_TOOLS = ("npm", "yarn", "pnpm")


def node_major(ref: str) -> str | None:
    """The Node.js major of an official node image reference (node:22-alpine: '22'), else None."""
    m = _NODE_MAJOR.search(ref.lower()) if "node:" in ref.lower() else None
    return m.group(1) if m else None


def _has_node(info: "StageInfo") -> bool:
    return node_major(info.image or "") is not None or any(p.endswith("/node") for p in info.profile.programs)


def _abi_packages(a: "Analysis", src: "StageInfo", tool: str) -> list[str]:
    """The packages `tool`'s installs in `src` bring whose addon is built for one Node ABI (`node_abi` versions)."""
    from .context import package_json, package_json_ranges
    from .pkgversions import locked_versions
    from .runtime import install_names

    table = a.kb.native_packages.get("node", {})
    found: dict[str, str] = {}
    if tool == "bun":  # no install arguments recorded: the project's package.json in the directory it ran in
        for _line, step, dirs in src.pkg_installs:
            if step == "bun":
                sub = a.context_subdir(src, posixpath.dirname(dirs[0]))
                ranges = package_json_ranges(a.context_dir, sub)
                for name in package_json(a.context_dir, sub):
                    found.setdefault(name, "?" + ranges.get(name, "").lstrip("^~=>v "))
    for _line, step, args, cwd in src.pip_npm:
        if step == tool and tool in _NODE_TOOLS:
            names, locked, _complete = install_names(a, src, step, args, cwd)
            versions = locked_versions(a, src, step, cwd, args)
            for name in (*names, *locked):
                found.setdefault(name, versions.get(name, ""))
    return [n for n, v in found.items()
            if n in table and in_spans(v if v != "?" else "", table[n].get("node_abi") or ())]


@detector("lint", "node-addon-across-node-abi")
def check_node_abi(a: "Analysis", rule: LintRule):
    final = a.final
    run = node_major(final.image or "")
    if run is None:
        return  # only an official node image says which Node runs the packages
    for line, tool, src in dict.fromkeys(final.pkg_arrivals):
        if src is None or tool not in (*_NODE_TOOLS, "bun"):
            continue
        info = a.stages[src]
        built = node_major(info.image or "")
        if tool == "bun" and not _has_node(info):
            built_by = f"Bun's own ABI ({info.image} has no node, so bun runs the install scripts itself)"
        elif built is not None and built != run:
            built_by = f"Node {built}'s ABI"
        else:
            continue
        packages = [p for p in _abi_packages(a, info, tool) if not rebuilt_after(a, final, line, p)]
        if packages:
            yield Hit(line, {"packages": ", ".join(packages), "tool": f"{tool} install", "builder": info.image,
                             "built": built_by, "image": final.image, "run": run, "first": packages[0],
                             "y_ies": "ies" if len(packages) == 1 else "y"},
                      "bun" if tool == "bun" else "default")
