"""What a Planner shares between consultations, besides the evaluations it keeps per planning context: each
strategy's candidate images (those the checks that read no context pass), the outcome of a check on a pair by what
it reads of the consultation (kb.checks.CONTEXT_READS), what each strategy's evaluation reads of a context, and the
parts of a viable pair's plan (its steps, platforms, caveats, what it provides, its command), each by the few
things it is made from.
Every result is the same as evaluating every pair in turn (tests/test_shared_work.py)."""
from __future__ import annotations

from _thread import allocate_lock  # threading.Lock itself, without importing threading
from weakref import ref

from .checks import CONTEXT_READS, NEED_CHECKS, STATIC_CHECKS, Context, Pair, cross_built
from .detectors import DETECTORS
from .model import Change, Image, Plan, Rejection, Strategy

CHECKS_KEPT = 8192  # outcomes of single checks on pairs (CONTEXT_READS) a Planner keeps
PARTS_KEPT = 4096  # parts of plans of each kind a Planner keeps (each small; a table is emptied when full)
SIZE_NOTE = "approximate compressed size of the base image and the changes; the program comes on top"


class Local:
    """What evaluate() reads of one consultation for one strategy, worked out once for all its images: whether a
    change cross-builds it, the changes that apply to it whatever the image, the ids of the caveats that can (in
    order), which needs the trade-offs read, the checks after STATIC_CHECKS that can matter (a need's only when the
    program has it) and what each check of CONTEXT_READS reads (found at its first pair)."""

    __slots__ = ("cross", "extra", "caveats", "needs", "checks", "reads")

    def __init__(self, planner: "Planner", strategy: Strategy, ctx: Context) -> None:  # noqa: F821
        sid, caveats = strategy.id, planner.kb.caveats
        self.cross = cross_built(strategy, ctx)
        self.extra = [c for c in ctx.changes if c.supplies is None and sid in c.applies_to]
        self.caveats = tuple(cid for cid in sorted(ctx.caveat_ids)
                             if not caveats[cid].strategies or sid in caveats[cid].strategies)
        self.needs = tuple(n in ctx.needs for n in ("ca-certificates", "tzdata", "passwd"))
        self.checks = [(name, check, CONTEXT_READS.get(name)) for name, check in planner._shared.after_static
                       if name not in NEED_CHECKS or name in ctx.needs]
        self.reads: dict[str, object] = {}


class Derived:
    """What a Planner works out from the knowledge alone, never from a consultation: kept per Knowledge object and
    shared by the planners of every rule base made from it (a fresh rule base, a reload from the cache's same object,
    threads). Safe because the knowledge never changes once loaded (Knowledge.replace makes another object, with
    tables of its own) and every entry is a function of the knowledge and its key alone, each key a strategy, an
    image, a (strategy, image) pair or a (rule, conclusion) pair, all finite; an entry computed twice by two threads
    is the same value."""

    __slots__ = ("static", "candidates", "reads", "commands", "margins", "pinned", "rule_reasons", "__weakref__")

    def __init__(self) -> None:
        self.static: dict[tuple[str, str], object] = {}  # (strategy, image) -> the outcome of STATIC_CHECKS
        self.candidates: dict[str, tuple[tuple, tuple[Rejection, ...]]] = {}  # strategy -> in the catalogue
        self.reads: dict[str, tuple[frozenset[str], frozenset[str]]] = {}  # strategy -> its changes, caveats
        self.commands: dict[tuple, tuple] = {}  # (strategy, image) -> the build release, CMD and ENTRYPOINT
        self.margins: dict[tuple[str, str], tuple[bool, bool]] = {}  # (strategy, image) -> what rank_size adds
        self.pinned: dict[Image, str | None] = {}  # image -> the Debian release its build pins
        self.rule_reasons: dict[tuple, object] = {}  # (rule id, a fact it concludes) -> the Reason citing it


_derived: dict[int, tuple[ref, Derived]] = {}  # id(knowledge) -> (a weak reference to it, its tables)


def derived(knowledge) -> Derived:
    """The Derived tables of `knowledge` (made on first use, dropped with the knowledge)."""
    key = id(knowledge)
    found = _derived.get(key)
    if found is not None and found[0]() is knowledge:
        return found[1]
    tables = Derived()

    def dropped(weak: ref) -> None:  # the knowledge is gone: its id may be reused only after this
        if _derived.get(key, (None,))[0] is weak:
            del _derived[key]

    _derived[key] = (ref(knowledge, dropped), tables)
    return tables


class Shared:
    """The work one Planner shares between consultations (thread-safe: what is kept never changes)."""

    def __init__(self, tables: Derived) -> None:  # the Planner is passed to each method: no cycle keeps it alive
        self._reads = tables.reads  # these two depend on the knowledge alone: shared by every planner of it
        self._candidates = tables.candidates
        self._checked: dict[tuple, Rejection | tuple] = {}  # a check's outcome on a pair, by what it reads
        self.after_static = [(n, f) for n, f in DETECTORS["check"].items() if n not in STATIC_CHECKS]
        self._lock = allocate_lock()
        self._caveats: dict[tuple, tuple[str, ...]] = {}  # (image, caveat ids) -> the texts of those for the image
        self._steps: dict[tuple, tuple] = {}  # (strategy, changes, installs, libraries, release, binary) -> steps
        self._provides: dict[tuple, dict] = {}  # (image, what the changes supply) -> what the final image holds
        self._tradeoffs: dict[tuple, tuple[str, ...]] = {}  # (image, the needs they read) -> trade-offs
        self._commands = tables.commands
        self._platforms: dict[tuple, tuple[str, ...]] = {}  # (strategy, image, cross-built, target) -> platforms
        self._leading: dict[tuple, list] = {}  # (strategy, check, what it reads) -> its outcome on each candidate

    def catalogue_candidates(self, planner: "Planner",  # noqa: F821 - kb.planner's, which imports this module
                             strategy: Strategy) -> tuple[tuple, tuple[Rejection, ...]]:
        """candidates() on the Planner's images (the catalogue less deprecated images), once per strategy."""
        found = self._candidates.get(strategy.id)
        if found is None:
            found = self._candidates[strategy.id] = self.candidates(planner, strategy, planner.images)
        return found

    def candidates(self, planner: "Planner", strategy: Strategy,  # noqa: F821
                   images: list[Image]) -> tuple[tuple, tuple[Rejection, ...]]:
        """The images a strategy that builds the program may run on whatever the consultation, in order, each with
        the rejections by STATIC_CHECKS of the images before it (since the one before it that passes), and the
        rejections after the last one: all that evaluate() would do on the others is the same in every
        consultation. A runtime image for a binary is left out, as evaluate() leaves it."""
        out, rejected = [], []
        for image in images:
            if strategy.runtime is None and image.runtime is not None:
                continue
            static = planner.static_outcome(strategy, image)
            if isinstance(static, Rejection):
                rejected.append(static)
            else:
                out.append((tuple(rejected), image))
                rejected = []
        return tuple(out), tuple(rejected)

    def context_checks(self, pair: Pair, local: Local, done: tuple = ()) -> Rejection | None:
        """The checks after STATIC_CHECKS, for a strategy that builds the program; one whose CONTEXT_READS say what
        it reads (of the strategy and the consultation: found once per `local`) is run once per pair, those reads
        and what the checks before it added, and its outcome reused. `done` are the outcomes of the first ones when
        the caller has them (judged(): passes, what each records and adds)."""
        checks = local.checks
        if done:
            for (name, _, _), outcome in zip(checks, done):
                _passed(pair, name, outcome)
            checks = checks[len(done):]
        for name, check, reads in checks:
            if reads is None:
                reason = check(pair)
                if reason is not None:
                    return pair.planner.reject(pair.image, pair.strategy, name, reason)
                continue
            read = local.reads.get(name, local)
            if read is local:
                read = local.reads[name] = reads(pair)
            outcome = self.check_outcome(pair, name, check, read)
            if outcome is None:
                continue
            if isinstance(outcome, Rejection):
                return outcome
            _passed(pair, name, outcome)
        return None

    def check_outcome(self, pair: Pair, name: str, check, read) -> Rejection | tuple | None:
        """The outcome of check `name` (of CONTEXT_READS, which reads `read`) on the pair as the checks before it
        left it: a Rejection, or what it records and adds (used, steps, changes, size) to apply with _passed; None
        when it was run on the pair itself and passed (the pair holds what it recorded and added)."""
        key = (pair.strategy.id, pair.image.ref, name, read, tuple(pair.final_steps), tuple(pair.applied), pair.size)
        outcome = self._checked.get(key)
        if outcome is None:  # run it: it records on the pair what it verified and adds
            steps, applied = len(pair.final_steps), len(pair.applied)
            reason = check(pair)
            outcome = pair.planner.reject(pair.image, pair.strategy, name, reason) if reason is not None else \
                (pair.used.get(name), tuple(pair.final_steps[steps:]), tuple(pair.applied[applied:]), pair.size)
            with self._lock:
                self._checked[key] = outcome
                while len(self._checked) > CHECKS_KEPT:
                    del self._checked[next(iter(self._checked))]
            if reason is None:
                return None
        return outcome

    def leading(self, planner: "Planner", strategy: Strategy, slots: tuple,  # noqa: F821
                local: Local, ctx: Context) -> list:
        """The checks at the head of local.checks whose CONTEXT_READS say what they read (the platform's, the
        libraries'), each with its outcomes on the strategy's catalogue candidates `slots`, filled as judged():
        kept by (strategy, check, what it reads) for every consultation that agrees on that."""
        out = []
        for name, check, reads in local.checks if slots else ():
            if reads is None:
                break
            read = local.reads.get(name, local)
            if read is local:
                read = local.reads[name] = reads(Pair(planner, strategy, slots[0][1], ctx))
            key = (strategy.id, name, read)
            outcomes = self._leading.get(key)
            if outcomes is None:
                outcomes = _keep(self._leading, key, [None] * len(slots))
            out.append((name, check, read, outcomes))
        return out

    def judged(self, planner: "Planner", strategy: Strategy, image: Image, at: int,  # noqa: F821
               ctx: Context, leading: list) -> Rejection | tuple:
        """The leading checks (leading()) on candidate number `at` of the strategy, `image`: the Rejection of the
        first that fails, or the outcomes of those that pass (each check_outcome's tuple), to apply in turn. No check
        reads what the checks before it recorded (CONTEXT_READS), so while those add no step, change or size, it
        sees the pair as the static checks left it, whatever the consultation: its outcome there is kept. After one
        that adds something, the rest are left to context_checks (a pair that passes them all is evaluated)."""
        done = []
        for name, check, read, outcomes in leading:
            outcome = outcomes[at]
            if outcome is None:
                pair = Pair(planner, strategy, image, ctx)
                static = planner.static_outcome(strategy, image)  # a candidate's: never a Rejection
                pair._art, pair.used = static[0], dict(static[1])
                found = self.check_outcome(pair, name, check, read)
                outcome = outcomes[at] = found if found is not None else \
                    (pair.used.get(name), tuple(pair.final_steps), tuple(pair.applied), pair.size)
            if isinstance(outcome, Rejection):
                return outcome
            done.append(outcome)
            if outcome[1] or outcome[2] or outcome[3] != image.size_mb:
                break
        return tuple(done)

    def plan_of(self, planner: "Planner", pair: Pair,  # noqa: F821
                local: Local) -> tuple[Plan, dict[str, str], list[Change]]:
        """The plan of a pair that passed every check (rank and justification to come), what the checks verified,
        and the changes it applies; each part made once by what it is made from (Planner's methods make them)."""
        strategy, image, ctx = pair.strategy, pair.image, pair.ctx
        sid, ref = strategy.id, image.ref
        applied = pair.applied + local.extra
        caveats = self._caveats.get((ref, local.caveats))
        if caveats is None:
            kept = planner.kb.caveats
            caveats = _keep(self._caveats, (ref, local.caveats), tuple(
                kept[cid].text for cid in local.caveats if not kept[cid].images or ref in kept[cid].images))
        parts = self._commands.get((sid, ref))  # the pair's build release and command, of the knowledge alone
        if parts is None:
            parts = self._commands[(sid, ref)] = (planner.build_release(strategy, image),
                                                  planner.command(strategy, image))
        release, command = parts
        ids = tuple([c.id for c in applied]) if applied else ()
        key = (sid, ids, tuple(pair.final_steps), ctx.named_libs, release, ctx.binary_name if strategy.prebuilt else "")
        built = self._steps.get(key)
        if built is None:
            steps = planner.steps(strategy, applied, pair.final_steps, ctx, release)
            alone = strategy.prebuilt and not any("--from=build" in st.instruction for st in steps)
            if alone:  # nothing to copy from a build stage: no stage
                steps = tuple(st for st in steps if st.stage == "final")
            built = _keep(self._steps, key, (steps, tuple(s for s in steps if s.why), alone,
                                             next((c.build_platform for c in applied if c.build_platform), "")))
        steps, changes, alone, build_platform = built
        supplied = (ref, tuple([c.supplies for c in applied]) if applied else ())
        provides = self._provides.get(supplied)
        if provides is None:
            provides = _keep(self._provides, supplied, planner.provides(image, applied))
        tradeoffs = self._tradeoffs.get((ref, local.needs))
        if tradeoffs is None:
            tradeoffs = _keep(self._tradeoffs, (ref, local.needs), planner.tradeoffs(image, ctx.needs))
        where = (sid, ref, local.cross, ctx.platform)
        platforms = self._platforms.get(where)
        if platforms is None:
            platforms = _keep(self._platforms, where, planner.platforms(strategy, image, ctx))
        plan = Plan(
            rank=0, strategy=sid, strategy_title=strategy.title, final_image=ref,
            build_image="" if alone else pair.art.build_image, changes=changes, provides=provides,
            size_mb=round(pair.size + (sum([c.size_mb for c in applied]) if applied else 0), 2), size_note=SIZE_NOTE,
            caveats=caveats, tradeoffs=tradeoffs, image_notes=image.notes, justification=(), steps=steps, **command,
            user=planner.user(image, ctx.needs, applied), platform=ctx.platform, platforms=platforms,
            build_platform=build_platform,
            final_platform=f"linux/{ctx.platform}" if strategy.prebuilt and ctx.platform != "amd64" else "")
        return plan, pair.used, applied

    def strategy_key(self, planner: "Planner", strategy: Strategy, ctx: Context) -> tuple:  # noqa: F821
        """What evaluate() reads of a context for `strategy`: the changes (has_need takes one whose applies_to is
        empty, the rest only one naming it) and caveats that can apply to it, every other field as it is (a set
        frozen; one that cannot be hashed fails loudly), less the inspected binary's unless it is prebuilt."""
        reads = self._reads.get(strategy.id)
        if reads is None:
            sid = strategy.id
            reads = self._reads[sid] = (
                frozenset(c.id for c in planner.kb.changes.values() if not c.applies_to or sid in c.applies_to),
                frozenset(c.id for c in planner.kb.caveats.values() if not c.strategies or sid in c.strategies))
        fields = map(ctx.__getitem__, _KEYED if strategy.prebuilt else _KEYED_BUILT)
        changes, caveats = tuple(c.id for c in ctx.changes if c.id in reads[0]), reads[1].intersection(ctx.caveat_ids)
        return (changes, tuple(sorted(caveats)), *(frozenset(v) if type(v) is set else v for v in fields))


# Context fields evaluate() reads only for a prebuilt strategy (an inspected binary), or never directly (named_dev
# is the knowledge's entries for exactly named_libs); changes and caveat_ids are keyed by the part a strategy reads
_PREBUILT_ONLY = ("inspected", "binary_name", "binary_platform", "binary_arch")
_PROJECTED = ("changes", "caveat_ids", "named_dev")
_KEYED = [i for i, f in enumerate(Context._fields) if f not in _PROJECTED]
_KEYED_BUILT = [i for i, f in enumerate(Context._fields) if f not in _PROJECTED + _PREBUILT_ONLY]


def _passed(pair: Pair, name: str, outcome: tuple) -> None:
    """Record on the pair what check `name` records and adds when it passes (check_outcome's tuple)."""
    used, steps, applied, pair.size = outcome
    if used is not None:
        pair.used[name] = used
    pair.final_steps += steps
    pair.applied += applied


def _keep(table: dict, key, value):
    """`value`, kept in `table` under `key`; a full table is emptied first (every entry can be made again)."""
    if len(table) >= PARTS_KEPT:
        table.clear()
    table[key] = value
    return value
