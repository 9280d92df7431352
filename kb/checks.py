"""The MI15x checks: one function per `check:` name of knowledge/rules-infer.yaml, registered in the order they run.

The planner (kb/planner.py) pairs every build strategy with every image and runs these on each pair; a check returns
None when the image passes (recording what it verified in `Pair.used`) or the reason it rejects the image. Checks
may add to the plan: package installs (`final_steps`) and changes that supply what the image lacks (`applied`).
"""
from __future__ import annotations

from functools import partial

from .detectors import detector
from .model import Change, Data, Image, Rejection, Step, Strategy, record
from .versions import parse_version, runtime_release

NEED_LABELS = {
    "ca-certificates": "a CA bundle",
    "tzdata": "time zone data",
    "passwd": "/etc/passwd with a non-root user",
    "shell": "a shell",
    "native-libs": "your native libraries",
    "icu": "ICU culture data (libicu)",
}


@record
class Artefact(Data):
    """What the final image must run: a binary (libc, libraries, minimum glibc) or a program for a runtime."""

    libc: str  # none | glibc | musl | any
    libs: frozenset[str]
    glibc_min: str | None  # the builder's glibc: the final image needs at least this
    runtime: str | None
    build_image: str
    glibcxx_min: str | None = None  # the newest GLIBCXX_3.4.x it needs from libstdc++


def image_has(image: Image, need: str) -> bool:
    if need == "ca-certificates":
        return image.ca_certificates
    if need == "tzdata":
        return image.tzdata == "yes"
    if need == "passwd":
        return image.passwd
    if need == "shell":
        return image.shell != "none"
    if need == "icu":  # .NET probes for libicuuc.so.N of any version, so any ICU the image ships will do
        return any(lib.startswith("libicuuc.so.") for lib in image.libs)
    if need == "native-libs":
        return False
    raise KeyError(need)



# Checks whose outcome depends on the (strategy, image) pair alone, never on the consultation (for a strategy that
# builds the program; a prebuilt binary's artefact comes from evidence). They run first, and once per pair.
STATIC_CHECKS = ("runtime", "libc", "glibc_version")


class Pair:
    """One (strategy, final image) pair under check: what the checks read, and what they add to the plan."""

    __slots__ = ("planner", "strategy", "image", "ctx", "used", "final_steps", "applied", "size", "_art")

    def __init__(self, planner: "Planner", strategy: Strategy, image: Image, ctx: "Context") -> None:  # noqa: F821
        self.planner, self.strategy, self.image, self.ctx = planner, strategy, image, ctx
        self.used: dict[str, str] = {}  # check name -> what it verified, shown in the plan's justification
        self.final_steps: list = []  # package installs into the final image
        self.applied: list = []  # changes that supply what the image lacks
        self.size = image.size_mb
        self._art: Artefact | None = None

    @property
    def art(self) -> Artefact:
        """What the final image must run; computed on first use (a runtime mismatch rejects before it)."""
        if self._art is None:
            art = self.planner.artefact(self.strategy, self.image, self.ctx)
            if isinstance(art, Rejection):  # no build release fits the image (MI151)
                raise Rejected(art)
            self._art = art
        return self._art


class Rejected(Exception):
    def __init__(self, rejection: Rejection):
        self.rejection = rejection


def newer_runtime(strategy: Strategy, image: Image) -> bool:
    """Whether the image's runtime is a later release of the one the strategy builds for, and runs its program."""
    if not (strategy.newer_runtime_runs and strategy.runtime and image.runtime):
        return False
    (name, release), (image_name, image_release) = runtime_release(strategy.runtime), runtime_release(image.runtime)
    return name == image_name and bool(image_release) and parse_version(image_release) > parse_version(release)


@detector("check", "runtime")
def _runtime(p: Pair) -> str | None:
    strategy, image = p.strategy, p.image
    if newer_runtime(strategy, image):
        p.used["runtime"] = f"{image.ref} is the {image.runtime} runtime, which runs {strategy.runtime} programs"
        return None
    if strategy.runtime != image.runtime:
        have = f"has {image.runtime}" if image.runtime else "has no language runtime"
        newer = " or newer" if strategy.newer_runtime_runs else ""
        return f"needs the {strategy.runtime} runtime{newer}; it {have}"
    if strategy.runtime:
        p.used["runtime"] = f"{image.ref} is the {strategy.runtime} runtime"
    return None


@detector("check", "libc")
def _libc(p: Pair) -> str | None:
    art, image = p.art, p.image
    if art.libc in ("glibc", "musl"):
        if image.libc != art.libc:
            what = "no C library at all" if image.libc == "none" else f"{image.libc}, not {art.libc}"
            return f"a {art.libc} program needs the {art.libc} loader; the image has {what}"
        p.used["libc"] = f"{image.ref} has the {image.libc} loader {image.loader}"
    return None


@detector("check", "glibc_version")
def _glibc_version(p: Pair) -> str | None:
    art, image = p.art, p.image
    if art.glibc_min and image.libc == "glibc":
        if parse_version(image.libc_version) < parse_version(art.glibc_min):
            return f"needs glibc {art.glibc_min}, but the image has {image.libc_version}"
        source = "the binary needs" if p.strategy.prebuilt else f"the builder ({art.build_image}) links"
        p.used["glibc_version"] = f"its glibc {image.libc_version} is at least the {art.glibc_min} {source}"
    return None


# What a check reads of the consultation when the strategy builds the program (beyond the pair itself and what the
# checks before it added to the plan): the planner shares its outcome between consultations that agree on this.
# Each writes only its own entry of Pair.used.
CONTEXT_READS = {
    "platform": lambda p: (p.ctx.platform, cross_built(p.strategy, p.ctx)),
    "libs": lambda p: (p.ctx.named_libs, "native-libs" in p.ctx.needs),
}


def platform_names(platforms) -> str:
    return ", ".join(f"linux/{name}" for name in platforms)


def cross_built(strategy: Strategy, ctx: "Context") -> bool:
    """Whether a change runs this strategy's build stage on the build machine ($BUILDPLATFORM)."""
    return any(c.build_platform and strategy.id in c.applies_to for c in ctx.changes)


@detector("check", "platform")
def _platform(p: Pair) -> str | None:
    target, image = p.ctx.platform, p.image
    published = image.platforms or ("amd64",)  # an image without a recorded list is known only as linux/amd64
    if target not in published:
        known = f"it publishes {platform_names(published)}" if image.platforms else \
            "the catalogue records it only for linux/amd64"
        return f"is not published for linux/{target}; {known}"
    builds = p.strategy.build_platforms
    if builds and target not in builds and not cross_built(p.strategy, p.ctx):
        return (f"its build image is not published for linux/{target} (it is for {platform_names(builds)}), and "
                "this build runs on the target platform")
    if p.strategy.prebuilt and p.ctx.binary_arch and p.ctx.binary_platform != target:  # arch unknown: not judged
        if not p.ctx.binary_platform:
            return (f"the inspected binary is built for {p.ctx.binary_arch}, a CPU minimage-ask does not plan for, "
                    f"not linux/{target}; it is not rebuilt behind your back: build it for linux/{target}")
        return (f"the inspected binary is built for linux/{p.ctx.binary_platform} ({p.ctx.binary_arch}), not "
                f"linux/{target}; it is not rebuilt behind your back: build it for linux/{target}, or target its own "
                "platform")
    p.used["platform"] = f"{image.ref} is published for linux/{target}" + (
        f", the platform of the inspected binary ({p.ctx.binary_arch})" if p.strategy.prebuilt and p.ctx.binary_arch
        else "")
    return None


@detector("check", "libs")
def _libs(p: Pair) -> str | None:
    art, image, planner = p.art, p.image, p.planner
    glibcxx = planner.kb.releases.get(image.release, {}).get("glibcxx")
    if art.glibcxx_min and glibcxx and "libstdc++.so.6" in image.libs:
        if parse_version(glibcxx) < parse_version(art.glibcxx_min):
            return f"needs GLIBCXX_{art.glibcxx_min}, but its libstdc++ provides GLIBCXX_{glibcxx} at most"
    # the libraries the user named go into every final image that loads libraries (not beside a static binary)
    wanted = art.libs | (p.ctx.named_libs if art.libc != "none" else frozenset())
    missing = sorted(lib for lib in wanted - image.libs if not planner.loader_provides(image, lib))
    if "native-libs" in p.ctx.needs and art.libc in ("glibc", "musl") and art.runtime is None:
        missing.append("native-libs")
    if missing:
        installed = planner.install_libraries(image, missing)
        if installed is None:
            shown = ", ".join("your own native libraries" if m == "native-libs" else m for m in missing)
            return f"lacks {shown}, and has no package manager to add them"
        steps, extra = installed
        p.final_steps += steps
        p.size += extra
    if wanted or missing:
        shipped = sorted(wanted & image.libs)
        p.used["libs"] = "; ".join(filter(None, [f"ships {', '.join(shipped)}" if shipped else "",
                                                 *(st.instruction for st in p.final_steps)]))
    return None


def _has_need(need: str, p: Pair) -> str | None:
    """The check that the final image has `need` (when the program needs it), itself or through a change."""
    if need not in p.ctx.needs:
        return None
    if image_has(p.image, need):
        p.used[need] = f"{p.image.ref} has {NEED_LABELS[need]}"
        if need == "shell" and p.image.shell_path != "/bin/sh":  # distroless :debug: busybox in /busybox only
            link = f"ln -s {p.image.shell_path} /bin/sh"
            p.final_steps.append(Step("final", f'RUN ["{p.image.shell_path}", "-c", "{link}"]',
                                      f"the image's shell is {p.image.shell_path}; /bin/sh makes shell-form RUN "
                                      "and CMD, #!/bin/sh scripts and docker exec sh work"))
            p.used[need] += f" at {p.image.shell_path}, linked to /bin/sh"
        return None
    change = next((c for c in p.ctx.changes
                   if c.supplies == need and (not c.applies_to or p.strategy.id in c.applies_to)), None)
    if change is None:
        return f"needs {NEED_LABELS[need]}; the image has none"
    p.used[need] = f"{p.image.ref} gets {NEED_LABELS[need]} from the change '{change.title}'"
    p.applied.append(change)
    return None


# A module-level function bound to each need, not a closure built at import: scripts/mutation can then mutate it.
NEED_CHECKS = ("ca-certificates", "icu", "passwd", "shell", "tzdata")  # alphabetical, as the plans always listed them
for _need in NEED_CHECKS:  # each reads and records nothing unless the program has its need: the planner skips it
    detector("check", _need)(partial(_has_need, _need))


@record
class Context(Data):
    """What one consultation's plans are built from (the planner itself is shared between threads)."""

    needs: set[str]
    changes: list[Change]
    caveat_ids: set[str]
    inspected: Artefact | None
    binary_name: str
    platform: str = "amd64"  # the target platform
    binary_platform: str | None = None  # the inspected binary's platform (None: not one minimage knows)
    binary_arch: str = ""  # its ELF machine, as inspect names it (x86_64, aarch64, ...)
    named_libs: frozenset[str] = frozenset()  # sonames of the native libraries the user named (native_libs)
    named_dev: tuple[dict, ...] = ()  # their `dev` package entries (knowledge/releases.yaml libraries), in order


def context(kb: "Knowledge", known: dict[str, set[str]],  # noqa: F821 - kb.model's
            named: list[tuple[str, dict]] | None = None) -> Context:
    """What one consultation's plans are built from, out of its facts; `named` is named_libraries(kb, known) when
    the caller has it."""
    if named is None:
        named = named_libraries(kb, known.get("native_libs", ()))
    return Context(needs=known.get("needs", set()),
                   changes=[kb.changes[c] for c in sorted(known.get("change", ()))],
                   caveat_ids=known.get("caveat", set()), inspected=inspected(known),
                   binary_name=next(iter(known.get("binary_name", ())), "app"),
                   platform=min(known.get("platform", ()), default="amd64"),
                   binary_platform=min(known.get("binary_platform", ()), default=None),
                   binary_arch=min(known.get("binary_arch", ()), default=""),
                   named_libs=frozenset(soname for soname, _ in named),
                   named_dev=tuple(info["dev"] for _, info in named if info.get("dev")))


def named_libraries(kb: "Knowledge", names) -> list[tuple[str, dict]]:  # noqa: F821 - kb.model's
    """The knowledge's libraries (soname, entry) whose name is one of `names` (the native_libs answered), in order."""
    return [(soname, info) for soname, info in sorted(kb.libraries.items()) if info.get("name") in names]


def inspected(known: dict[str, set[str]]) -> Artefact | None:
    """The artefact an inspected binary describes, from its evidence facts."""
    libc = next(iter(known.get("binary_libc", ())), None)
    if libc is None:
        return None
    newest = lambda name: max(known.get(name, ()), key=parse_version, default=None)  # noqa: E731
    return Artefact(libc, frozenset(known.get("binary_needs", ())), newest("binary_glibc"), None, "",
                    newest("binary_glibcxx"))
