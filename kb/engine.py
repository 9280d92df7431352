"""The only module that knows durable-rules: it compiles our rules to durable's JSON form and runs consultations.

It talks to durable-rules' C engine (`durable_rules_engine`, the extension the durable-rules package builds) and
never imports the package's Python layer (`durable.engine`): that layer is a Host, a Ruleset wrapper and per-firing
closures this module does not use, and importing it (logging, inspect, traceback, random, datetime) costs a
one-shot command more than its whole consultation.

durable-rules 2.0.28 has traps this module exists to contain (shared/DURABLE_RULES.md, P-numbers below):
  P4   the stock Host runs a background dispatcher that races with callers: no Host runs here at all; run() makes
       the C calls of the synchronous path itself (assert the batch, then start, run and complete each action to
       quiescence), without the Python durable's Host spends on every firing (P17).
  P8   a fact that no rule's pattern matches is rejected, and in a batch that silences every action: an absorber
       rule, which matches any fact but never fires, makes every fact "handled".
  P5   negation is not retracted: no rule here uses it; "unless" logic lives in the planner, after inference.
  P7   re-deriving an existing fact raises inside the action: caught, and the second justification is kept.
       Asserting the same fact id twice in one batch crashes the C engine (SIGSEGV): run() merges duplicate
       input facts first, so no caller (two evidence lines, an ELF with a repeated DT_NEEDED) can reach it.
  P9   errors inside actions are swallowed into the session state: checked after every consultation.
  P11/P12/P18 sessions are keyed by a 32-bit hash, capped at 1,024, and the C code never releases the GIL: one
       session is live at a time, under a lock, and it is deleted before the lock is released.
  P13  a ruleset is never freed unless deleted: an Engine that is no longer referenced has its ruleset freed
       (dropped from _rulesets and deleted in C), but only at a safe point, under the lock, with no session live:
       the garbage collector may drop an Engine while a consultation runs, so freeing is queued.
  P14  durable's Python layer mutates the definition dict it is given: the C engine here gets fresh JSON instead.
  (new) deleting a process's first session when no rule fired in it corrupts the C heap (a segmentation fault or
       `free(): invalid size`, depending on the memory layout; also a new ruleset's first session): run() opens no
       session when no rule can fire from the facts given, which is exact, since every rule whose conditions the
       given facts meet, each with a fact of its own, fires.
"""
from __future__ import annotations

import itertools
import json
import weakref
from _thread import allocate_lock  # threading.Lock itself, without importing threading
from collections.abc import Callable, Iterable

from .errors import EngineError, InstallError
from .model import Condition, Fact, Justification, Rule
from .reach import _active, _can_hold, partition, partition_fact, reachable  # noqa: F401 - kb.engine's, as before


REINSTALL = ('CPPFLAGS="-DPyEval_CallObject=PyObject_CallObject" python -m pip install --no-cache-dir '
             '--no-binary durable-rules --force-reinstall --no-deps durable-rules==2.0.28')


def _import_durable():
    """durable-rules' C engine, imported on first use (asking questions does not need it); InstallError, saying
    how to repair it, when it does not load."""
    try:
        import durable_rules_engine
    except ImportError as e:
        detail = str(e)
        why = ("it was compiled without the flag Python 3.13 needs (a wheel from pip's cache, built before?)"
               if "PyEval_CallObject" in detail else "it is not installed or does not load")
        raise InstallError(f"durable-rules cannot be imported ({detail}): {why}. Repair it with\n  {REINSTALL}\n"
                           "(in a checkout, scripts/setup does this)") from None
    return durable_rules_engine


_c = None  # durable-rules' C engine, imported when the first Engine is built
_rulesets: dict[str, object] = {}  # ruleset name -> its handle in the C engine, while its Engine lives
_lock = allocate_lock()  # one live session at a time, for every Engine (P11, P12, P18)
_ruleset_numbers = itertools.count(1)
_session_numbers = itertools.count(1)

_ABSORBER = "absorb-every-fact"
_unused: list[str] = []  # rulesets of Engines that were dropped, freed at the next safe point (P13)


# pragma: no mutate start  (scripts/mutation: the garbage collector calls this; mutmut's tracing cannot wrap it)
def _release(name: str) -> None:
    """Called when an Engine is garbage-collected: free its ruleset now if that is safe, else queue it."""
    _unused.append(name)
    if _lock.acquire(blocking=False):  # not if a consultation is running (maybe in this very thread)
        try:
            _free_unused()
        finally:
            _lock.release()
# pragma: no mutate end


def _free_unused() -> None:
    """Free the queued rulesets. Only under _lock, so no session is live (P13: deleting frees no session)."""
    while _unused:
        handle = _rulesets.pop(_unused.pop(), None)
        if handle is not None:
            _c.delete_ruleset(handle)


_compiled: "weakref.WeakValueDictionary[tuple, Engine]" = weakref.WeakValueDictionary()
_compiled_lock = allocate_lock()


def _key(rules: list[Rule]) -> tuple | None:
    """What an Engine depends on: each active inference rule's id, conditions and conclusions (None: unhashable)."""
    key = tuple((r.id, r.when, r.then) for r in rules)
    try:
        hash(key)
    except TypeError:
        return None
    return key


def shared_engine(rules: Iterable[Rule]) -> "Engine":
    """The Engine of these rules, compiled once per process while any rule base holds it: rule bases loaded from
    the same knowledge (a reload, a worker, a test) share one ruleset; rules that cannot be keyed get their own."""
    rules = _active(rules)
    key = _key(rules)
    if key is None:
        return Engine(rules)
    with _compiled_lock:
        engine = _compiled.get(key)
        if engine is None:
            engine = _compiled[key] = Engine(rules)
    return engine


def compiled_engine(rules: Iterable[Rule]) -> "Engine | None":
    """The shared Engine of these rules if this process has already compiled it, else None (nothing compiled)."""
    key = _key(_active(rules))
    with _compiled_lock:
        return None if key is None else _compiled.get(key)


def _can_meet(conds: tuple[Condition, ...], known: dict[str, set[str]]) -> bool:
    """Whether the known facts meet every condition, a distinct fact for each: two conditions on one fact (which no
    rule file can write, `when` being a mapping) need two of its values, as durable-rules fires only then."""
    by_fact: dict[str, list[Condition]] = {}
    for c in conds:
        by_fact.setdefault(c.fact, []).append(c)
    for name, group in by_fact.items():
        values = known.get(name)
        if len(group) == 1:
            if not _can_hold(group[0], values):
                return False
        elif not values or not _distinct(group, sorted(values)):
            return False
    return True


def _meets(cond: Condition, value: str) -> bool:
    if cond.values == ("*",):
        return True
    return (value not in cond.values) if cond.negate else (value in cond.values)


def _distinct(group: list[Condition], values: list[str]) -> bool:
    """Whether each condition of `group` can have a value of its own (a bipartite matching, by augmenting paths)."""
    owner: dict[str, int] = {}

    def place(i: int, seen: set[str]) -> bool:
        for v in values:
            if v not in seen and _meets(group[i], v):
                seen.add(v)
                if v not in owner or place(owner[v], seen):
                    owner[v] = i
                    return True
        return False

    return all(place(i, set()) for i in range(len(group)))


def live_rulesets() -> int:
    """How many rulesets the C engine holds for us (for tests: a load-reload loop must keep this flat)."""
    return len(_rulesets)


def _c_engine():
    """durable-rules' C engine (imported on first use, or InstallError saying how to repair it)."""
    global _c
    if _c is None:
        _c = _import_durable()
    return _c


def compile_condition(cond: Condition) -> dict:
    """One condition on one fact, as a durable-rules pattern over facts shaped {name, value}."""
    test: list[dict] = [{"name": cond.fact}]
    if cond.values != ("*",):
        if cond.negate:
            test += [{"$neq": {"value": v}} for v in cond.values]
        elif len(cond.values) == 1:
            test.append({"value": cond.values[0]})
        else:
            test.append({"$or": [{"value": v} for v in cond.values]})
    return test[0] if len(test) == 1 else {"$and": test}


def compile_rules(rules: Iterable[Rule]) -> dict:
    """The durable ruleset definition of `rules`, keyed by rule id, as its C engine reads it (JSON): patterns only,
    since run() calls the actions itself."""
    definition: dict = {}
    for rule in rules:
        definition[rule.id] = {"all": [{f"c{i}": compile_condition(cond)} for i, cond in enumerate(rule.when)]}
    # P8: every fact matches the first pattern, so none is rejected; no fact ever matches the second.
    definition[_ABSORBER] = {"all": [{"any_fact": {"$ex": {"name": 1}}}, {"no_fact": {"name": "$never"}}]}
    return definition


def unique_facts(facts: Iterable[Fact], originals: dict[str, Fact] | None = None) -> dict[str, dict]:
    """The input facts as durable facts, one per id (the first wins): durable-rules segfaults when one batch
    asserts an id twice (P7), and a fact shown twice (two evidence lines, a repeated DT_NEEDED) is one fact.

    Names and values must be text (durable coerces anything else, P16). What durable sees is made safe for its C
    strings: a NUL would cut the id short (two facts would become one id) and a lone surrogate (a file name that
    is not UTF-8) cannot be encoded at all; both are escaped, and `originals` maps each id durable sees back to the
    fact as given, for the premises of the trail."""
    out: dict[str, dict] = {}
    for f in facts:
        if not isinstance(f.name, str) or not isinstance(f.value, str):
            raise TypeError(f"a fact's name and value are text, not {f.name!r} = {f.value!r}")
        name, value = _c_safe(f.name), _c_safe(f.value)
        key = f"{name}={value}"
        if key not in out:
            out[key] = {"id": key, "name": name, "value": value}
            if originals is not None:
                originals[key] = f
    return out


_TAIL = '"}'
_SEEN_KEPT = 4096  # facts and activations whose JSON a process keeps (each under a few hundred bytes)
_heads: dict[Fact, tuple[str, str]] = {}  # fact -> (the id durable sees, its JSON up to the session id)
_messages: dict[str, tuple[str, dict]] = {}  # an activation's JSON less its session ids -> what _message gives


def _fragments(facts: Iterable[Fact], originals: dict[str, Fact], keep: Callable | None = None) -> list[str]:
    """unique_facts(facts, originals) as the JSON of each fact up to its session id (`{head}{sid}"}}` is
    json.dumps of its dict with the "sid" key last), each fact's made once per process; with `keep`, only the facts
    it keeps (every fact is still checked and in `originals`)."""
    out = []
    for f in facts:
        try:
            found = _heads.get(f)
        except TypeError:  # a name or value that cannot be hashed: unique_facts says what is wrong
            found = None
        if found is None:
            one = unique_facts((f,))  # raises TypeError for a name or value that is not text
            key, fact = next(iter(one.items()))
            if len(_heads) >= _SEEN_KEPT:
                _heads.clear()
            found = _heads[f] = (key, json.dumps(fact, ensure_ascii=False)[:-1] + ', "sid": "')
        if found[0] not in originals:
            originals[found[0]] = f
            if keep is None or keep(f):
                out.append(found[1])
    return out


def _message(text: str, sid: str) -> tuple[str, dict]:
    """An activation durable-rules started, `{"RULE": {"c0": FACT, ...}}` with each FACT as asserted (our JSON,
    its "sid" last): the rule and alias -> (fact id, Fact). The same activation in another session differs only
    in the session ids, which a JSON string cannot hold unescaped, so its reading is kept without them."""
    key = text.replace(f', "sid": "{sid}"', "")
    found = _messages.get(key)
    if found is None:
        name, matched = next(iter(json.loads(text).items()))
        if len(_messages) >= _SEEN_KEPT:
            _messages.clear()
        found = _messages[key] = (name, {alias: (m["id"], Fact(m["name"], m["value"])) for alias, m in matched.items()})
    return found


def _c_safe(text: str) -> str:
    if text.isprintable() or ("\0" not in text and text.isascii()):
        return text
    return text.encode("utf-8", "backslashreplace").decode("utf-8").replace("\0", "\\x00")


class Engine:
    """A compiled ruleset. `run(facts)` is one isolated consultation: a new session, deleted afterwards."""

    def __init__(self, rules: Iterable[Rule], every_fact: bool = False):
        self.rules = [r for r in rules if r.kind == "infer" and r.status == "active"]
        self.name = f"minimage-{next(_ruleset_numbers)}"
        # The C engine holds only the patterns: run() calls the actions itself, from this table (nothing the C
        # engine keeps refers to the Engine, so a dropped Engine is freed).
        self._trail: list[Justification] = []
        self._originals: dict[str, Fact] = {}  # id durable sees -> the input fact (see unique_facts)
        # The conditions of these rules by the fact they name. A fact none of them matches matches only the
        # absorber's first pattern, which never fires: asserting it changes nothing that fires, nor the order
        # (tests/test_engine_untested.py), and costs the C engine as much as one that matters: run() leaves such a
        # fact given out of the batch, and an action does not assert such a conclusion (it is on the trail all the
        # same). With `every_fact`, every fact is asserted (what the tests compare with).
        self._tested: dict[str, list[Condition]] | None = None if every_fact else {}
        for c in (c for rule in self.rules for c in rule.when) if not every_fact else ():
            self._tested.setdefault(c.fact, []).append(c)
        self._kept: dict[Fact, bool] = {}  # fact -> whether a condition matches it (see _keeps)
        with _lock:
            _free_unused()
            c_engine = _c_engine()  # imports durable-rules, or says how to repair it (InstallError)
            self._actions = {rule.id: self._action_for(rule) for rule in self.rules}
            definition = json.dumps(compile_rules(self.rules), ensure_ascii=False)
            self._handle = _rulesets[self.name] = c_engine.create_ruleset(self.name, definition)
        weakref.finalize(self, _release, self.name).atexit = False  # at exit the process frees everything

    def _action_for(self, rule: Rule) -> Callable:
        """The action of `rule`: action(matched, sid, handle) records the justification of each conclusion and
        asserts it into session `sid` of the ruleset `handle`, `matched` being the facts its patterns matched by
        alias, as durable-rules gives them (read by _message)."""
        aliases = tuple(f"c{i}" for i in range(len(rule.when)))
        # Each conclusion with the JSON durable's Closure.assert_fact would build and encode at every firing (its
        # json.dumps, ensure_ascii=False), written once up to the session id; the action makes the same C call.
        conclusions = [(fact, json.dumps({"id": fact.id, "name": fact.name, "value": fact.value},
                                         ensure_ascii=False)[:-1] + ', "sid": "' if self._matched(fact) else None)
                       for fact in (Fact(name, value) for name, value in rule.then)]
        trail, originals, rule_id, assert_fact = self._trail, self._originals, rule.id, _c.assert_fact

        def action(matched: dict, sid: str, handle) -> None:  # matched: alias -> (id, the fact durable holds)
            premises = tuple(originals.get(m[0]) or m[1] for m in map(matched.get, aliases))
            for fact, head in conclusions:
                trail.append(Justification(fact, "rule", rule_id, premises))
                if head is None:  # no condition matches it: it could only reach the absorber
                    continue
                code = assert_fact(handle, f'{head}{sid}"}}')[0]  # our session ids are decimal digits: safe in JSON
                if code == 1:  # no pattern takes it (the absorber makes this impossible): as durable would raise
                    raise EngineError(f"Could not handle message: {head}{sid}\"}}")
                # code 2 is P7: another rule derived it first; both justifications are on the trail

        return action

    def run(self, facts: Iterable[Fact]) -> list[Justification]:
        """Forward-chain from `facts` to quiescence; the justification of every derived fact, in firing order."""
        with _lock:
            self._originals.clear()
            batch = _fragments(facts, self._originals, self._keeps)
            if not batch or not self._can_fire(self._originals.values()):
                return []  # durable-rules corrupts its heap deleting a process's first session if no rule fired
            sid = str(next(_session_numbers))
            batch = f'[{", ".join(f"{head}{sid}{_TAIL}" for head in batch)}]'  # json.dumps(unique_facts(...)) with sids
            self._trail.clear()
            try:
                error = self._chain(sid, batch)
                if error:
                    raise EngineError(f"a rule action failed: {error}")
                trail = list(self._trail)
            except BaseException:
                self._end(sid, quiet=True)  # the session may not exist: keep the first error
                raise
            self._end(sid)
            return trail

    def _chain(self, sid: str, batch: str) -> str:
        """What durable's Host.assert_facts does on a Host without its dispatcher (P4), less its Python per firing
        (a Closure, a Content per fact, a state update our actions never need): assert the batch, then run the
        action of each activation durable-rules starts and complete it, in its order, to quiescence. An action's
        error does not stop the chain, as in durable-rules (P9); the first is returned, worded as durable words it."""
        handle, c_engine = self._handle, _c
        code, state = c_engine.assert_facts(handle, batch)
        if code in (1, 2):  # where durable raises MessageNotHandledException or MessageObservedException: the
            # absorber rule and unique_facts make both impossible
            raise EngineError(f"durable-rules refused the facts (code {code}): {batch}")
        if code == 3:
            state = 0  # as durable's Ruleset._handle_result gives it
        started = c_engine.start_action_for_state(handle, state)
        message = _message(started[1], sid) if started else None
        first_error = ""
        while message:
            name, matched = message
            try:
                self._actions[name](matched, sid, handle)
            except BaseException as error:
                if not first_error:
                    import traceback

                    first_error = f"exception caught {error}, traceback {traceback.format_tb(error.__traceback__)}"
            following = c_engine.complete_and_start_action(handle, state)
            message = _message(following, sid) if following else None
        return first_error

    def _keeps(self, fact: Fact) -> bool:
        """_matched(fact), remembered (a text fact: _fragments checked it)."""
        kept = self._kept.get(fact)
        if kept is None:
            if len(self._kept) >= _SEEN_KEPT:
                self._kept.clear()
            kept = self._kept[fact] = self._matched(fact)
        return kept

    def _matched(self, fact: Fact) -> bool:
        """Whether some condition of these rules matches `fact` (always, with every_fact)."""
        return self._tested is None or any(_meets(c, fact.value) for c in self._tested.get(fact.name, ()))

    def _can_fire(self, facts: Iterable[Fact]) -> bool:
        """Whether some rule's every condition is met by the facts given, each by a fact of its own (durable-rules
        matches a rule's patterns with distinct facts): if none is, nothing can ever fire."""
        known: dict[str, set[str]] = {}
        for f in facts:
            known.setdefault(f.name, set()).add(f.value)
        return any(_can_meet(rule.when, known) for rule in self.rules)

    def _end(self, sid: str, quiet: bool = False) -> None:
        self._trail.clear()
        self._originals.clear()
        try:
            _c.delete_state(self._handle, sid)
        except Exception:
            if not quiet:
                raise
        finally:
            _free_unused()
