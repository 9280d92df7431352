"""From derived facts to ranked plans.

Inference (kb.engine) decides which build strategies, changes and caveats apply to the program. This module pairs
every derived strategy with every image of the catalogue and applies the MI15x check rules of rules.yaml: an image
is viable when it can run the strategy's artefact and provides everything the program needs, directly or through a
change a rule called for. Matching is plain Python rather than durable-rules because it is a constraint check over
the catalogue (strategies x images), not a chain of inferences; each check still cites its rule.
"""
from __future__ import annotations

from _thread import allocate_lock  # threading.Lock itself, without importing threading

from .checks import (STATIC_CHECKS, Artefact, Context, Pair, Rejected, context, cross_built, named_libraries,
                     newer_runtime)
from .detectors import DETECTORS
from .model import Change, Image, Justification, Knowledge, Plan, Reason, Rejection, Rule, Step, Strategy
from .justify import _Chains, justify
from .planmemo import Local, Shared, derived
from .versions import parse_version

# How much larger an image of an older Debian release, or of a later runtime release than the program's, may be
# thought to be when plans are ranked (Planner.rank_size)
OLDER_RELEASE_MARGIN = 0.10
NEWER_RUNTIME_MARGIN = 0.10

MUSL_RESERVED = ("libc.", "libdl.", "libm.", "libpthread.", "librt.", "libutil.", "libxnet.")
OUTCOMES_KEPT = 512  # (strategy, planning context) evaluations a Planner keeps (a few MB at most)
REASONS_KEPT = 8192  # the Reason of a check by what it verified, a Planner keeps


class Planner:
    def __init__(self, kb: Knowledge):
        self.kb = kb
        self.checks: dict[str, Rule] = {r.check: r for r in kb.active_rules("check")}
        self.images = [img for img in kb.images.values() if not img.deprecated]
        tables = derived(kb)  # what depends on the knowledge alone, shared with other planners of it (planmemo)
        # (strategy, image) -> the outcome of STATIC_CHECKS: a Rejection, or (artefact, what they verified)
        self._static: dict[tuple[str, str], Rejection | tuple[Artefact, dict[str, str]]] = tables.static
        # (strategy, images, what evaluate reads of the context for it) -> its evaluation, oldest first
        self._outcomes: dict[tuple, tuple[tuple, tuple[Rejection, ...]]] = {}
        self._outcomes_lock = allocate_lock()
        self._shared = Shared(tables)  # each strategy's candidate images, checks' outcomes by what they read
        self._margins: dict[tuple[str, str], tuple[bool, bool]] = tables.margins  # (strategy, image) -> rank_size's
        self._pinned: dict[Image, str | None] = tables.pinned  # image -> pinned_release
        self._rule_reasons: dict[tuple, Reason] = tables.rule_reasons  # (rule id, its conclusion) -> its Reason
        self._named: dict[frozenset[str], list] = {}  # native_libs answered -> checks.named_libraries
        self._reasons: dict[tuple[str, str], tuple[str, Reason]] = {}  # (check, what it verified) -> its reason

    # -- the artefact of a strategy, for one final image ------------------------------------------------------------

    def artefact(self, strategy: Strategy, image: Image, ctx: "Context") -> Artefact | Rejection:
        build_image, release = strategy.build_image, strategy.build_release
        if "{debian}" in build_image:
            release = self.pinned_release(image)
            if release is None:
                return self.reject(image, strategy, "glibc_version",
                                   f"its glibc {image.libc_version} is older than every Debian release's")
            build_image = build_image.replace("{debian}", self.kb.releases[release]["debian"])
        if strategy.prebuilt:  # the binary's own requirements; the stage only supplies files to copy
            return ctx.inspected._replace(build_image=build_image)
        glibc_min = self.kb.releases.get(release or "", {}).get("glibc") if strategy.libc == "glibc" else None
        return Artefact(strategy.libc, strategy.libs, glibc_min, strategy.runtime, build_image)

    def rank_size(self, plan: Plan) -> float:
        """The size a plan ranks by: its own, except that between images of nearly the same size
        - an image of the current Debian release goes first (security support, the toolchain its builder has): an
          older release ranks as if OLDER_RELEASE_MARGIN larger;
        - the program's own runtime release goes first: a later one runs its class files, but APIs removed since
          (the Security Manager in Java 24) fail only at run time, so it ranks as if NEWER_RUNTIME_MARGIN larger."""
        older, newer = self._margins.get((plan.strategy, plan.final_image)) or self._margins.setdefault(
            (plan.strategy, plan.final_image), self._margins_of(plan))
        size = plan.size_mb
        if older:
            size *= 1 + OLDER_RELEASE_MARGIN
        if newer:
            size *= 1 + NEWER_RUNTIME_MARGIN
        return size

    def _margins_of(self, plan: Plan) -> tuple[bool, bool]:
        """Whether rank_size counts the plan's image as of an older Debian release, and as a later runtime release
        than its strategy's: both depend on the (strategy, image) pair alone."""
        image = self.kb.image(plan.final_image)
        if image is None:
            return False, False
        releases = self.kb.releases
        release = releases.get(image.release, {})
        current = next((r for r in releases.values() if r.get("debian") == self.kb.default_debian), {})
        older = bool(release.get("debian") and current.get("glibc")) and \
            parse_version(release["glibc"]) < parse_version(current["glibc"])
        strategy = self.kb.strategies.get(plan.strategy)
        return older, bool(strategy and newer_runtime(strategy, image))

    def pinned_release(self, image: Image) -> str | None:
        """The Debian release to build on: the final image's own, else the newest one its glibc can run."""
        found = self._pinned.get(image, self)  # the image itself is the key: the answer depends on nothing else
        if found is self:
            found = self._pinned[image] = self._pin(image)
        return found

    def _pin(self, image: Image) -> str | None:
        releases = self.kb.releases
        if "debian" in releases.get(image.release, {}):
            return image.release
        if image.libc != "glibc":
            return next(name for name, r in releases.items() if r.get("debian") == self.kb.default_debian)
        fitting = [(parse_version(r["glibc"]), name) for name, r in releases.items()
                   if "debian" in r and parse_version(r["glibc"]) <= parse_version(image.libc_version)]
        return max(fitting)[1] if fitting else None

    def build_release(self, strategy: Strategy, image: Image) -> str | None:
        """The release of the build stage: pinned to the final image's for a `{debian}` build image."""
        return self.pinned_release(image) if "{debian}" in strategy.build_image else strategy.build_release

    def reject(self, image: Image, strategy: Strategy, check: str, reason: str) -> Rejection:
        return Rejection(image=image.ref, strategy=strategy.id, rule_id=self.checks[check].id, reason=reason)

    # -- one (strategy, image) pair ---------------------------------------------------------------------------------

    def evaluate(self, strategy: Strategy, image: Image, ctx: "Context", local: Local | None = None,
                 done: tuple = ()) -> tuple[Plan, dict[str, str], list[Change]] | Rejection | None:
        """One pair: its plan (rank and justification to come), what the checks verified and the changes applied,
        or the Rejection of the first check it fails; None for a runtime image and a binary. `local` is what it
        reads of the consultation for the strategy, and `done` the outcomes of the first checks after
        STATIC_CHECKS (passes: Shared.judged), when the caller has them."""
        if strategy.runtime is None and image.runtime is not None:
            return None  # a language runtime image is never the smallest home for a binary: not worth listing
        if local is None:
            local = Local(self, strategy, ctx)
        pair = Pair(self, strategy, image, ctx)
        if strategy.prebuilt:  # the inspected binary's needs come from the consultation's evidence
            rejection = self.run_checks(pair, DETECTORS["check"])
        else:  # what only the pair decides is checked once per pair, then reused by every consultation
            static = self._static.get((strategy.id, image.ref)) or self.static_outcome(strategy, image)
            if isinstance(static, Rejection):
                return static
            pair._art, pair.used = static[0], dict(static[1])
            rejection = self._shared.context_checks(pair, local, done)
        if rejection is not None:
            return rejection
        return self._shared.plan_of(self, pair, local)

    def static_outcome(self, strategy: Strategy, image: Image) -> Rejection | tuple[Artefact, dict[str, str]]:
        """For a strategy that builds the program: the pair's outcome of STATIC_CHECKS, which read no context (a
        Rejection, or the artefact and what they verified), computed once per pair."""
        static = self._static.get((strategy.id, image.ref))
        if static is None:
            pair = Pair(self, strategy, image, None)
            static = self.run_checks(pair, STATIC_CHECKS) or (pair.art, dict(pair.used))
            self._static[(strategy.id, image.ref)] = static
        return static

    def run_checks(self, pair: "Pair", names) -> Rejection | None:
        """The MI15x checks `names`, in the order registered below; the first that fails rejects the image."""
        try:
            for name in names:
                reason = DETECTORS["check"][name](pair)
                if reason is not None:
                    return self.reject(pair.image, pair.strategy, name, reason)
        except Rejected as rejected:
            return rejected.rejection
        return None

    @staticmethod
    def loader_provides(image: Image, soname: str) -> bool:
        """Libraries the image's dynamic loader answers for itself, whatever its /lib holds."""
        if image.loader and soname == image.loader.rsplit("/", 1)[-1]:
            return True  # a binary may name the loader in DT_NEEDED (Rust's gnu target does)
        # musl's loader is its libc: it serves libc.*, libm.*, libpthread.*, ... itself (musl ldso/dynlink.c,
        # load_library's reserved names), so Debian's musl-gcc output needing "libc.so" runs on Alpine
        return image.libc == "musl" and soname.startswith(MUSL_RESERVED)

    def install_libraries(self, image: Image, missing: list[str]) -> tuple[list[Step], float] | None:
        """Steps that install missing libraries with the final image's package manager, and their size."""
        manager = image.package_manager
        if manager == "none":
            return None
        packages, size = [], 0.0
        # Wolfi's apk installs Wolfi packages, named apart from Alpine's (libzstd1, not zstd-libs): a library
        # installs there only under a name the table gives for Wolfi itself; microdnf installs RPMs (key "rpm")
        key = "wolfi" if image.release == "wolfi" else "rpm" if manager == "microdnf" else manager

        def package(info: dict) -> str:
            return _package(info[key], image.release)

        for soname in missing:
            info = self.kb.libraries.get(soname)
            if soname != "native-libs" and (not info or key not in info):
                return None
            if info:
                packages.append(package(info))
                size += float(info.get("size_mb", 0))
        steps = []
        if packages:
            steps.append(Step("final", _install(manager, " ".join(dict.fromkeys(packages))),
                              f"the image lacks {', '.join(m for m in missing if m != 'native-libs')}"))
        if "native-libs" in missing:
            # which libraries a program links is not something we were told: the user fills this one in
            example = " ".join(package(self.kb.libraries[s]) for s in ("libssl.so.3", "libz.so.1")
                               if key in self.kb.libraries.get(s, {})) or "PACKAGE"
            steps.append(Step("final", f"# {_install(manager, 'YOUR-RUNTIME-PACKAGES')}   (e.g. {example})",
                              "install the runtime packages of the native libraries your program links"))
        return steps, size

    def steps(self, strategy: Strategy, applied: list[Change], installs: list[Step],
              ctx: "Context", release: str | None = None) -> tuple[Step, ...]:
        """Every Dockerfile step in order: the build (a change's setup steps first), then the final stage's
        installs, additions and the program."""
        family = strategy.build_family
        own = [s for s in strategy.steps if s.family in (None, family)]
        if strategy.prebuilt:
            own = [Step(s.stage, s.instruction.replace("{binary_name}", ctx.binary_name), s.why, s.family) for s in own]
        added = [s for change in applied for s in change.steps if s.family in (None, family)]
        for step in [s for s in added if s.before]:  # ENV and ARG lines that must precede the build command
            at = next((i for i, s in enumerate(own) if s.stage == "build" and s.instruction.startswith(step.before)),
                      None)
            if at is not None:
                own.insert(at, step)
                added.remove(step)
        # a change's "setup" steps set up the toolchain: first in the build stage, before the strategy compiles
        setup = [s._replace(stage="build", instruction=s.instruction.replace(
            "{build_packages}", self.build_packages(strategy, ctx, release))) for s in added if s.stage == "setup"]
        build = setup + [s for s in own + added if s.stage == "build"]
        final = installs + [s for s in added if s.stage == "final"] + [s for s in own if s.stage == "final"]
        return tuple(build + final)

    def platforms(self, strategy: Strategy, image: Image, ctx: "Context") -> tuple[str, ...]:
        """The platforms the plan's Dockerfile serves, among those the `platform` question offers: an inspected
        binary's own alone; else those the final image publishes, and the build image too unless the build stage
        runs on the build machine (a cross build)."""
        if strategy.prebuilt or not image.platforms:
            return (ctx.platform,)
        builds = () if cross_built(strategy, ctx) else strategy.build_platforms
        question = self.kb.questions.get("platform")
        asked = tuple(question.choices) if question else image.platforms
        return tuple(p for p in asked if p in image.platforms and (not builds or p in builds))

    @staticmethod
    def build_packages(strategy: Strategy, ctx: "Context", release: str | None) -> str:
        """The build stage's packages for the named native libraries: the strategy's compiler (where its build image
        has none) and each library's headers, named as the build image's release names them."""
        manager = "apk" if strategy.build_family == "alpine" else "apt"
        dev = [_package(d[manager], release) for d in ctx.named_dev if manager in d]
        return " ".join(dict.fromkeys([*strategy.native_build, *dev]))

    @staticmethod
    def provides(image: Image, applied: list[Change]) -> dict:
        """What the final image will hold: the image's own, plus what the plan's changes add ("added")."""
        out = image.provides()
        for change in applied:
            key = {"ca-certificates": "ca_certificates", "tzdata": "tzdata", "passwd": "passwd"}.get(change.supplies)
            if key:
                out[key] = "added"
        return out

    @staticmethod
    def command(strategy: Strategy, image: Image) -> dict[str, tuple[str, ...]]:
        """The plan's CMD (and ENTRYPOINT): an image whose own ENTRYPOINT already runs the interpreter (distroless
        nodejs, python3, java) gets only the program and its arguments; one whose ENTRYPOINT would run something
        else (a virtualenv's python) gets the whole command as its ENTRYPOINT."""
        cmd = tuple(part.replace("{runtime}", image.runtime_path or "") for part in strategy.cmd)
        own = image.entrypoint
        if not own:
            return {"cmd": cmd}
        if cmd[:len(own)] == own:
            return {"cmd": cmd[len(own):]}
        return {"cmd": (), "entrypoint": cmd}

    @staticmethod
    def user(image: Image, needs: set[str], applied: list[Change]) -> str | None:
        if "passwd" not in needs:
            return None
        if any(c.supplies == "passwd" for c in applied):
            return "nonroot"
        return image.nonroot_user or "nobody"

    @staticmethod
    def tradeoffs(image: Image, needs: set[str]) -> tuple[str, ...]:
        out = []
        if image.shell == "none":
            out.append("no shell: no docker exec sh, no RUN steps on top, exec-form CMD only")
        if image.package_manager == "none":
            out.append("no package manager: nothing can be installed into it later")
        if not image.ca_certificates and "ca-certificates" not in needs:
            out.append("no CA certificates: outgoing TLS would fail")
        if image.tzdata != "yes" and "tzdata" not in needs:
            out.append("no time zone data: UTC only")
        if not image.passwd and "passwd" not in needs:
            out.append("no /etc/passwd: use a numeric USER")
        return tuple(out)

    # -- all pairs, ranked ------------------------------------------------------------------------------------------

    def plan(self, known: dict[str, set[str]], trail: list[Justification],
             images: list[Image] | None = None) -> tuple[list[Plan], list[Rejection]]:
        """Every derived strategy on every image (by default the catalogue less deprecated images), ranked."""
        names = frozenset(known.get("native_libs", ()))
        named = self._named.get(names)
        if named is None:
            if len(self._named) >= REASONS_KEPT:
                self._named.clear()
            named = self._named[names] = named_libraries(self.kb, names)
        ctx = context(self.kb, known, named)
        chosen = self.images if images is None else images
        refs = None if images is None else tuple(i.ref for i in images)
        plans: list[tuple[tuple, Plan, tuple]] = []
        rejections: list[Rejection] = []
        strategies = sorted(known.get("strategy", ()))
        for sid in strategies:
            ranked, rejected = self._strategy_outcome(self.kb.strategies[sid], chosen, refs, ctx)
            plans += ranked
            rejections += rejected
        if len(strategies) > 1:  # each strategy's plans come sorted; the keys are distinct (image, strategy)
            plans.sort(key=_first)
        chains = _Chains(self.kb, trail, self._rule_reasons)
        return [self.justify(plan, basis, chains, rank) for rank, (_, plan, basis) in enumerate(plans, 1)], rejections

    def _strategy_outcome(self, strategy: Strategy, images: list[Image], refs: tuple[str, ...] | None,
                          ctx: Context) -> tuple[tuple, tuple[Rejection, ...]]:
        """One strategy on every image: its viable pairs as (rank key, plan, basis) sorted by the key, and its
        rejections in image order. What evaluate() reads of the context for this strategy is all the key holds
        (Shared.strategy_key), so consultations that differ only elsewhere share one evaluation (the trail is never
        read: justify() is per consultation)."""
        key = (strategy.id, refs, self._shared.strategy_key(self, strategy, ctx))
        outcome = self._outcomes.get(key)
        if outcome is not None:
            return outcome
        plans, rejections = [], []
        if strategy.prebuilt:
            slots, after = [((), image) for image in images], ()
        elif refs is None:  # the catalogue: its candidates are the same in every consultation
            slots, after = self._shared.catalogue_candidates(self, strategy)
        else:
            slots, after = self._shared.candidates(self, strategy, images)
        local = Local(self, strategy, ctx)
        # the catalogue's candidates: the first checks' outcomes, kept by what they read (Shared.judged)
        leading = None if strategy.prebuilt or refs is not None else \
            self._shared.leading(self, strategy, slots, local, ctx)
        for at, (before, image) in enumerate(slots):
            rejections += before
            done = self._shared.judged(self, strategy, image, at, ctx, leading) if leading else ()
            if isinstance(done, Rejection):
                rejections.append(done)
                continue
            evaluated = self.evaluate(strategy, image, ctx, local, done)
            if isinstance(evaluated, Rejection):
                rejections.append(evaluated)
            elif evaluated is not None:
                plan, used, applied = evaluated
                rank = (self.rank_size(plan), len(plan.caveats), len(plan.changes), plan.final_image, plan.strategy)
                plans.append((rank, plan, self.basis(plan, used, applied)))
        rejections += after
        plans.sort(key=_first)
        outcome = tuple(plans), tuple(rejections)
        with self._outcomes_lock:
            self._outcomes[key] = outcome
            while len(self._outcomes) > OUTCOMES_KEPT:
                del self._outcomes[next(iter(self._outcomes))]
        return outcome

    def basis(self, plan: Plan, used: dict[str, str], applied: list[Change]) -> tuple[tuple[str, ...], tuple]:
        """What a plan's justification is made of, whatever led to it: the derived facts whose rules it cites
        (its strategy, changes and needs) and the reasons of the checks it passed, by rule id."""
        wanted = [f"strategy={plan.strategy}", *(f"change={c.id}" for c in applied)]
        wanted += [f"needs={n}" for n in ("ca-certificates", "tzdata", "passwd", "shell", "icu") if n in used]
        reasons = self._reasons
        checks = []
        for item in used.items():  # (check, what it verified): one Reason each, made once
            reason = reasons.get(item)
            if reason is None:
                rule = self.checks[item[0]]
                if len(reasons) >= REASONS_KEPT:
                    reasons.clear()
                reason = reasons[item] = (rule.id, Reason(rule.id, rule.name, rule.summary, rule.sources, item[1]))
            checks.append(reason)
        return tuple(wanted), tuple(checks)

    @staticmethod
    def justify(plan: Plan, basis: tuple[tuple[str, ...], tuple], chains: "_Chains", rank: int) -> Plan:
        """The plan with its rank and its justification (kb/justify.py)."""
        return justify(plan, basis, chains, rank)


def _first(entry: tuple):
    return entry[0]


def _package(name, release: str | None) -> str:
    """A package name, or the one for `release` of a per-release mapping (libssl3 on debian12, libssl3t64 by
    default)."""
    return str(name.get(release or "", name.get("default")) if isinstance(name, dict) else name)


def _install(manager: str, packages: str) -> str:
    if manager == "apk":
        return f"RUN apk add --no-cache {packages}"
    if manager == "microdnf":
        return f"RUN microdnf install -y --nodocs {packages} && microdnf clean all"
    return f"RUN apt-get update && apt-get install -y --no-install-recommends {packages} && rm -rf /var/lib/apt/lists/*"
