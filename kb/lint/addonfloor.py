"""MI404 for a Node addon's prebuilt binary: an npm, yarn or pnpm step on a glibc image installs a version of an addon
whose install script downloads a binary built on a newer glibc than the image's (`prebuilt_glibc` of
native-packages.yaml: "FROM UNTIL RELEASE NEEDED", the versions, the release their linux-x64 builds ran on, the
GLIBC_ version the binary needs).

Such a download is kept without being loaded: prebuild-install tries require() on what it unpacked only when the
runtime it downloads for is `node` (download.js), and sqlite3 runs `prebuild-install -r napi`, so the install
succeeds, nothing is compiled although a compiler is there, and require() fails at start with "version
`GLIBC_2.38' not found". --build-from-source on the install, an `npm rebuild NAME --build-from-source` after it, or
npm_config_build_from_source=true compiles it on the image's glibc instead (kb/lint/prebuiltdownload.py).

The step's stage is judged by its own glibc; a stage whose node_modules go on to a final image with a glibc new
enough is left alone (the final image runs it), MI413 covers the copy the other way.
"""
from __future__ import annotations

from ..versions import parse_version
from .prebuiltdownload import builds_from_source
from .results import Hit
from .runtime import install_names, locked_versions
from .tagrelease import inferred

TYPE_CHECKING = False
if TYPE_CHECKING:
    from .stages import Analysis

NODE_TOOLS = ("npm", "yarn", "pnpm")


def needed_glibc(entry: dict, version: str, archs: set[str] = frozenset()) -> tuple[str, str, str] | None:
    """(the release the version's prebuilt binary was built on, "-" when not known; the glibc it needs; the CPU
    architecture it is for, "" for any) by `prebuilt_glibc` spans ("FROM UNTIL RELEASE NEEDED [ARCH]": a span with an
    ARCH counts only when the image is built for it, one of `archs`), or None. A version lint cannot read ("") is the
    newest release; "?FLOOR" (a range) counts from its lowest release."""
    for span in entry.get("prebuilt_glibc") or ():
        first, until, release, needs, *arch = span.split()
        if arch and arch[0] not in archs:
            continue
        if not version:
            if until == "-":
                return release, needs, "".join(arch)
            continue
        wanted = parse_version(version.lstrip("?"))
        if parse_version(first) <= wanted and (until == "-" or wanted < parse_version(until)):
            return release, needs, "".join(arch)
    return None


def _archs(a: "Analysis", info) -> set[str]:
    """The architectures the stage is built for, where the Dockerfile (FROM --platform) or the CI workflows that
    build it say; empty when neither does."""
    from .workflows import ci_platforms, platform_arch

    own = platform_arch(info.stage.platform or "")
    return {own} if own else ci_platforms(a)


def addon_floors(a: "Analysis"):
    """The Hits of MI404 for prebuilt addons an install step downloads onto an older glibc."""
    table = a.kb.native_packages.get("node", {})
    if not any("prebuilt_glibc" in e for e in table.values()):
        return
    final = a.final.profile
    for info in a.stages:
        prof = info.profile
        if prof.libc != "glibc" or not prof.glibc or not (prof.known or prof.inferred):
            continue
        for line, tool, args, cwd in info.pip_npm:
            if tool not in NODE_TOOLS:
                continue
            names, locked, _complete = install_names(a, info, tool, args, cwd)
            versions = locked_versions(a, info, tool, cwd, args)
            for name in dict.fromkeys((*names, *locked)):
                entry = table.get(name)
                found = needed_glibc(entry, versions.get(name, ""), _archs(a, info)) if entry else None
                if not found or parse_version(found[1]) <= parse_version(prof.glibc):
                    continue
                if info is not a.final and final.libc == "glibc" and final.glibc \
                        and parse_version(found[1]) <= parse_version(final.glibc):
                    continue
                if builds_from_source(info, line, name):
                    continue
                release, needs, arch = found
                version = versions.get(name, "").lstrip("?")
                named = f"{name}{' ' + version if version else ''}"
                if arch:  # a binary the package carries for each platform and loads before any build of its own
                    yield Hit(line, {
                        "what": f"the prebuilt linux-{arch} binary {named} carries, which {tool} installs here and "
                                f"which it loads before anything compiled (needs GLIBC_{needs})",
                        "builder": f"{name}'s release build for linux/{arch}",
                        "builder_release": "its CI's release", "builder_glibc": f"{needs} or later",
                        "image": info.image, "image_release": inferred(prof, prof.release),
                        "image_glibc": prof.glibc, "floating": f"; the image is built for linux/{arch}"}, "bundled")
                    continue
                yield Hit(line, {
                    "what": f"the prebuilt binary of {named} that {tool} downloads here (needs GLIBC_{needs})",
                    "builder": f"{name}'s release build", "builder_release": release,
                    "builder_glibc": a.kb.releases.get(release, {}).get("glibc", f"{needs} or later"),
                    "image": info.image, "image_release": inferred(prof, prof.release),
                    "image_glibc": prof.glibc,
                    "floating": "; the install keeps it without loading it, so nothing is compiled"},
                    "addon")
