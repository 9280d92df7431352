"""What a Planner shares between consultations, besides the evaluations it keeps per planning context: each
strategy's candidate images (those the checks that read no context pass), the outcome of a check on a pair by what
it reads of the consultation (kb.checks.CONTEXT_READS), and what each strategy's evaluation reads of a context.
Every result is the same as evaluating every pair in turn (tests/test_shared_work.py)."""
from __future__ import annotations

from _thread import allocate_lock  # threading.Lock itself, without importing threading

from .checks import CONTEXT_READS, STATIC_CHECKS, Context, Pair
from .detectors import DETECTORS
from .model import Image, Rejection, Strategy

CHECKS_KEPT = 8192  # outcomes of single checks on pairs (CONTEXT_READS) a Planner keeps


class Shared:
    """The work one Planner shares between consultations (thread-safe: what is kept never changes)."""

    def __init__(self) -> None:  # the Planner is passed to each method: no reference cycle keeps it alive
        self._reads: dict[str, tuple[frozenset[str], frozenset[str]]] = {}  # strategy -> its changes, caveats
        self._candidates: dict[str, tuple[tuple, tuple[Rejection, ...]]] = {}  # strategy -> in the catalogue
        self._checked: dict[tuple, Rejection | tuple] = {}  # a check's outcome on a pair, by what it reads
        self._after_static = [(n, f) for n, f in DETECTORS["check"].items() if n not in STATIC_CHECKS]
        self._lock = allocate_lock()

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

    def context_checks(self, pair: Pair) -> Rejection | None:
        """The checks after STATIC_CHECKS, for a strategy that builds the program; one whose CONTEXT_READS say what
        it reads is run once per pair, those reads and what the checks before it added, and its outcome reused."""
        for name, check in self._after_static:
            reads = CONTEXT_READS.get(name)
            if reads is None:
                reason = check(pair)
                if reason is not None:
                    return pair.planner.reject(pair.image, pair.strategy, name, reason)
                continue
            key = (pair.strategy.id, pair.image.ref, name, reads(pair), tuple(pair.final_steps), tuple(pair.applied),
                   pair.size)
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
                    continue
            if isinstance(outcome, Rejection):
                return outcome
            used, steps, applied, pair.size = outcome  # what running it would record and add
            if used is not None:
                pair.used[name] = used
            pair.final_steps += steps
            pair.applied += applied
        return None

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
