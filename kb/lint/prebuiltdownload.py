"""MI408 where a compiler is there: which Node addons still end up with a glibc binary on Alpine.

With build tools in the stage, pip builds a package that has no musllinux wheel from its source distribution, and a
node-gyp addon without a musl prebuild compiles, both against musl: the result runs there, so lint says nothing.
One kind of addon does not compile even then: an install script (node-pre-gyp) that downloads a prebuilt binary
whose file name does not say its libc (node-pre-gyp's default package_name, `{node_abi}-{platform}-{arch}` with no
`{libc}`) gets the glibc build on musl, the download succeeds, and nothing is compiled; `require()` then fails with
"Error relocating ... symbol not found". `--build-from-source` (on the install or an `npm rebuild NAME`) or
npm_config_build_from_source=true makes it compile instead. The versions that download so are `glibc_download` of
native-packages.yaml.
"""
from __future__ import annotations

import re

from ..versions import parse_version

TYPE_CHECKING = False
if TYPE_CHECKING:
    from .stages import StageInfo

_COMMANDS = re.compile(r"&&|\|\||[;|\n()]")  # where one shell command ends: a split, linear
_TRUE = {"true", "1", "yes"}
_FLAG_TRUE = {"--build-from-source=true", *(f"npm_config_build_from_source={v}" for v in ("true", "1", "yes"))}


def downloads_glibc_build(entry: dict, version: str) -> bool:
    """Does this version of the addon download a prebuilt binary named without its libc (`glibc_download` spans,
    "FROM UNTIL", UNTIL excluded)? A version lint cannot read ("") is the newest release; "?FLOOR" (a range) counts
    from its lowest release."""
    spans = entry.get("glibc_download") or ()
    if not spans:
        return False
    if not version:  # the newest release: only a span open to today holds it
        return any(span.partition(" ")[2].strip() == "-" for span in spans)
    wanted = parse_version(version.lstrip("?"))
    for span in spans:
        first, _, until = span.partition(" ")
        until = until.strip()
        if parse_version(first) <= wanted and (until == "-" or wanted < parse_version(until)):
            return True
    return False


def builds_from_source(info: "StageInfo", line: int, name: str) -> bool:
    """Does the stage make npm compile `name` at or after the install at `line`: --build-from-source on an npm
    install or `npm rebuild` (all addons, or `name` among those it names), or npm_config_build_from_source set
    true by ENV or ARG before it?"""
    for key in ("npm_config_build_from_source", "NPM_CONFIG_BUILD_FROM_SOURCE"):
        if str(info.env.get(key, "")).lower() in _TRUE:
            return True
    for ins in info.stage.instructions:
        if ins.cmd != "RUN" or ins.end_line < line:
            continue
        for command in _COMMANDS.split(" ".join(ins.args)):
            words = command.split()
            if not any(w == "--build-from-source" or w.lower() in _FLAG_TRUE for w in words):
                continue
            tool = next((i for i, w in enumerate(words) if w in ("npm", "yarn", "pnpm")), None)
            if tool is None:
                continue
            rest = words[tool + 1:]
            if "rebuild" not in rest[:1]:
                return True  # npm install / ci --build-from-source: every addon it installs compiles
            named = [w for w in rest[1:] if not w.startswith("-")]
            if not named or any(w == name or w.startswith(name + "@") for w in named):
                return True
    return False
