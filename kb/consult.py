"""The library's front door: a RuleBase answers every command; a Session is one conversation with it.

    rb = kb.load()                                   # shipped rules.yaml, plus any user files layered on top
    result = rb.consult({"language": "go", "cgo": "no"})
    result.best.final_image, result.best.dockerfile, result.to_dict()

    s = rb.session()                                 # the chat shell and script mode are thin adapters over this
    q = s.next_question(); s.answer(q.id, "go"); s.why("cgo"); s.how("strategy")

    seen = rb.inspect("./server")                    # InspectResult: kind, report, evidence facts, warnings
    s = rb.session({"tls": "yes"}, evidence=seen.evidence)
    rb.lint(["Dockerfile"]); rb.lint(text="FROM scratch\n")  # [LintResult]
    matches = rb.diagnose("exec /app: no such file or directory"); s = rb.follow_up(matches)
    rb.catalog().get("MI401")                        # any rule of any kind, or a source (A7, K10.5), by id

Every method returns plain data (records with to_dict()) and raises only subclasses of kb.MinimageError on bad
input. lint, diagnose and inspect import their modules when called: a consultation does not pay for them.
"""
from __future__ import annotations

import os
from _thread import allocate_lock  # threading.Lock itself, without importing threading
from collections import OrderedDict
from collections.abc import Iterable, Iterator, Mapping

from .cache import cache_dir as cache_directory, load_cached
from .errors import InvalidAnswer, UnknownFact
from .files import rule_files
from .model import UNKNOWN, Assumption, Data, Fact, Justification, Knowledge, Question, Result, record
from .session import Session, by_name


TYPE_CHECKING = False
if TYPE_CHECKING:
    from .diagnose import Match
    from .engine import Engine
    from .lint import LintResult
    from .planner import Planner
    from .relevance import RuleIndex


@record
class InspectResult(Data):
    """What one artefact shows: its kind ("binary", "script" or "project"), the parser's report (ElfReport,
    ScriptReport or ProjectReport), the facts it proves (evidence for a session) and the parser's warnings."""

    path: str
    kind: str
    report: object
    evidence: tuple[Justification, ...]
    warnings: tuple[str, ...] = ()


RESULTS_KEPT = 256  # recent results a RuleBase keeps (a few MB at most)
PARTITIONS_KEPT = 32  # rulesets of part of the rules a RuleBase compiles (kb.engine.partition): under 0.5 MB each


class RuleBase:
    """Validated knowledge plus its compiled ruleset. Thread-safe: consultations are isolated and serialised.

    One method per command: consult and session (questions and answers), inspect, lint, diagnose (and follow_up,
    its continuation), catalog (the rules and their sources).
    """

    def __init__(self, knowledge: Knowledge, keep_results: bool = False,
                 cache_dir: str | os.PathLike | None = None):
        self.knowledge = knowledge
        self._store = None  # results kept across processes (kb/result_store.py), for the command line
        if keep_results and knowledge.cache_key and not os.environ.get("MINIMAGE_NO_CACHE"):
            from .result_store import ResultStore

            self._store = ResultStore(knowledge.cache_key, cache_dir)
        self._planner = None
        self._index = None
        self._engine: Engine | None = None
        self._engine_lock = allocate_lock()
        self._inferred = False  # whether a consultation has run inference yet (see _infer)
        self._partition_name: str | None = None  # the fact _engine_for partitions the rules by ("": none)
        self._partitions: dict[frozenset[str], Engine] = {}  # its values -> the ruleset of those rules
        self._catalog = None
        self._diagnoser = None  # the diagnoses, compiled on first use
        self._justified: dict[tuple, tuple[Justification, ...]] = {}  # (fact, value, assumed) -> its facts
        self._normalised: dict[tuple[str, str], tuple[str, str]] = {}  # Session.answer's (fact, raw) -> its answer
        self._results: OrderedDict = OrderedDict()  # recent results by (answers, evidence), least recent first
        self._results_lock = allocate_lock()

    @property
    def planner(self) -> "Planner":
        """The planner, made on first use (`lint` and `diagnose` never plan, so their processes skip its import)."""
        if self._planner is None:
            from .planner import Planner

            self._planner = Planner(self.knowledge)
        return self._planner

    @property
    def index(self) -> "RuleIndex":
        """Which rules test and conclude each fact (for relevance and `why`), made on first use."""
        if self._index is None:
            from .relevance import RuleIndex

            self._index = RuleIndex(self.knowledge)
        return self._index

    @property
    def engine(self) -> "Engine":
        """The compiled ruleset, built on first use (a conversation can ask its first questions without it) and
        shared with every rule base of the same rules in this process (kb.engine.shared_engine)."""
        if self._engine is None:
            with self._engine_lock:
                if self._engine is None:
                    from .engine import shared_engine

                    self._engine = shared_engine(self.knowledge.rules.values())
        return self._engine

    def _infer(self, facts: list[Fact]) -> list[Justification]:
        """Forward chaining from `facts`. The first consultation of a rule base whose ruleset this process has not
        compiled compiles only the rules those facts can reach (kb.engine.reachable: the same conclusions in the
        same order): a command-line run consults once, and compiling every rule would cost it more than the
        consultation itself (benchmarks/ `consult_process`). Every later one runs the whole ruleset."""
        if self._engine is None and not self._inferred:
            from .engine import Engine, compiled_engine, reachable

            self._inferred = True
            rules = self.knowledge.rules.values()
            if compiled_engine(rules) is None:
                return Engine(reachable(rules, facts)).run(facts)
        return self._engine_for(facts).run(facts)

    def _engine_for(self, facts: list[Fact]) -> "Engine":
        """The ruleset for `facts`: only the rules that can fire with their values of the fact most rules test
        (kb.engine.partition: the same conclusions in the same order), compiled once per set of its values and
        shared like the whole ruleset; a session of fewer rules costs less (benchmarks/ `throughput`). Past
        PARTITIONS_KEPT sets of values, the whole ruleset."""
        from .engine import partition, partition_fact, shared_engine

        if self._partition_name is None:
            self._partition_name = partition_fact(self.knowledge.rules.values()) or ""
        values = frozenset(f.value for f in facts if f.name == self._partition_name)
        engine = self._partitions.get(values)
        if engine is None:
            if not self._partition_name or len(self._partitions) >= PARTITIONS_KEPT:
                return self.engine
            rules = partition(self.knowledge.rules.values(), self._partition_name, values)
            with self._engine_lock:
                engine = self._partitions.setdefault(values, shared_engine(rules))
        return engine

    @property
    def questions(self) -> list[Question]:
        return list(self.knowledge.questions.values())

    def question(self, fact: str) -> Question:
        q = self.knowledge.questions.get(fact)
        if q is None and isinstance(fact, str):
            q = self.knowledge.questions.get(fact.strip().lower())  # fact names are case-insensitive
        if q is None:
            raise UnknownFact(fact if isinstance(fact, str) else repr(fact), list(self.knowledge.questions))
        return q

    def normalise(self, fact: str, raw: str) -> str:
        """The canonical value of an answer, accepting aliases; raises UnknownFact or InvalidAnswer."""
        q = self.question(fact)
        value = q.normalise(raw)
        if value is None:
            raise InvalidAnswer(fact, raw.strip(), q.legal())
        return value

    def session(self, answers: Mapping[str, str] | None = None,
                evidence: Iterable[Justification] = ()) -> "Session":
        """A conversation that starts from what the evidence shows (see inspect) and the answers given; an answer
        overrides the evidence about its fact. Raises UnknownFact or InvalidAnswer for a bad answer."""
        s = Session(self)
        s.add_evidence(evidence)
        for fact, value in (answers or {}).items():
            s.answer(fact, value)
        return s

    def consult(self, answers: Mapping[str, str], evidence: Iterable[Justification] = ()) -> Result:
        """One consultation. Questions that matter but are neither answered nor shown by evidence count as
        `unknown`."""
        return self.session(answers, evidence).result()

    def inspect(self, path: str | os.PathLike) -> InspectResult:
        """Look at an ELF binary, a `#!` script or a project directory. Raises EvidenceError when it is none of
        these or cannot be read."""
        from .evidence.facts import inspect_path

        path = os.fspath(path)
        kind, report, evidence = inspect_path(path, self.knowledge.native_packages)
        return InspectResult(path, kind, report, tuple(evidence), tuple(getattr(report, "warnings", ()) or ()))

    def lint(self, paths: Iterable[str] = (), *, text: str | None = None, file: str = "-",
             context: str | None = None, use_context: bool = True, ignore: Iterable[str] = ()) -> list["LintResult"]:
        """The MI4xx findings for each Dockerfile in `paths` and, if given, for Dockerfile `text` (named `file`),
        one LintResult each, in that order. A Dockerfile that cannot be read or parsed gets a result whose `error`
        says why. The build context is `context`, else each file's directory (for `text`: none), unless
        `use_context` is false."""
        from .lint import LintResult, lint_paths, lint_text

        ignore = list(ignore)
        out = lint_paths(self.knowledge, list(paths), context=context, use_context=use_context, ignore=ignore)
        if text is not None:
            from .evidence.errors import EvidenceError

            try:
                findings = lint_text(self.knowledge, text, file=file, ignore=ignore,
                                     context_dir=context if use_context else None)
            except EvidenceError as e:
                out.append(LintResult(file=file, error=e.to_dict()))
            else:
                out.append(LintResult(file=file, findings=tuple(findings)))
        return out

    def diagnose(self, text: str) -> list["Match"]:
        """Every known container error message in `text` (MI5xx), in the order of its lines. Raises
        DiagnoseInputError for empty, binary or oversized text."""
        if self._diagnoser is None:
            from .diagnose import Diagnoser

            self._diagnoser = Diagnoser(self.knowledge)
        return self._diagnoser.diagnose(text)

    def follow_up(self, matches: Iterable["Match"]) -> "Session":
        """The consultation a diagnosis continues: the answers the messages give, and what else they show
        (binary_glibc = 2.34, ...) as evidence named after the diagnosis."""
        from .diagnose import answers_of

        matches = list(matches)
        answers = answers_of(matches)  # the first match wins on a conflict
        evidence = [Justification(Fact(fact, str(value)), "evidence", note=f"the error message ({m.id})")
                    for m in matches for fact, value in m.facts.items()
                    if fact not in answers and fact in self.knowledge.evidence]
        return self.session(answers, evidence)

    def catalog(self) -> "Catalog":  # noqa: F821 - kb.catalog, imported when asked
        """Every rule of every kind and every source they cite, by id: what `minimage-ask rules ID` and the chat's
        `rule ID` both look up (built on first use)."""
        if self._catalog is None:
            from .catalog import Catalog

            self._catalog = Catalog(self.knowledge)
        return self._catalog

    def consult_many(self, cases: Iterable[Mapping[str, str] | tuple[Mapping[str, str], Iterable[Justification]]],
                     processes: int | None = None) -> list[Result]:
        """`consult` for many answer sets (or (answers, evidence) pairs), in order. Threads do not speed it up
        (durable-rules holds the GIL); with `processes` > 1 the cases are shared out among that many worker
        processes, each with this rule base's knowledge, and the results are the same as one by one (tested)."""
        cases = [(c, ()) if isinstance(c, Mapping) else (c[0], tuple(c[1])) for c in cases]
        if not processes or processes <= 1 or len(cases) < 2:
            return [self.consult(answers, evidence) for answers, evidence in cases]
        import multiprocessing

        chunk = max(1, len(cases) // (processes * 4))
        context = multiprocessing.get_context("spawn")  # a fresh interpreter: no durable-rules state is forked
        with context.Pool(processes, initializer=_start_worker, initargs=(self.knowledge,)) as pool:
            return pool.starmap(_consult_in_worker, cases, chunksize=chunk)

    def open_questions(self, answers: Mapping[str, str], evidence: Iterable[Justification] = ()) -> list[Question]:
        """Questions neither answered nor shown by evidence whose answer can still change the outcome, in the order
        rules.yaml gives."""
        return list(self._open(answers, evidence))

    def next_open_question(self, answers: Mapping[str, str],
                           evidence: Iterable[Justification] = ()) -> Question | None:
        """The first of open_questions, without judging the questions after it."""
        return next(self._open(answers, evidence), None)

    def _open(self, answers: Mapping[str, str], evidence: Iterable[Justification]) -> Iterator[Question]:
        from .relevance import is_relevant

        unanswered = [q for q in self.knowledge.questions.values() if q.id not in answers]
        known = self.known(answers, evidence) if unanswered else {}  # every question answered: none is open
        index = self.index
        return (q for q in unanswered if q.id not in known and is_relevant(index, q.id, known))

    def known(self, answers: Mapping[str, str], evidence: Iterable[Justification] = ()) -> dict[str, set[str]]:
        """What is known before inference: the answers (unknowns as assumed) and, where not answered, evidence."""
        questions = self.knowledge.questions
        known = {k: set(questions[k].values(v)) for k, v in self.effective(answers)[0].items()}
        for j in evidence:
            if j.fact.name not in answers:
                known.setdefault(j.fact.name, set()).add(j.fact.value)
        return known

    def in_question_order(self, answers: Mapping[str, str]) -> dict[str, str]:
        """The answers in the order of rules.yaml's questions (anything else after them, as given)."""
        out = {q: answers[q] for q in self.knowledge.questions if q in answers}
        if len(out) < len(answers):
            out.update((fact, value) for fact, value in answers.items() if fact not in out)
        return out

    def effective(self, answers: Mapping[str, str]) -> tuple[dict[str, str], list[Assumption]]:
        """Answers with each `unknown` replaced by the question's safe assumption (or dropped if it has none)."""
        facts, assumptions = {}, []
        for fact, value in answers.items():
            if value != UNKNOWN:
                facts[fact] = value
                continue
            q = self.knowledge.questions[fact]
            if q.if_unknown is not None:
                facts[fact] = q.if_unknown
                assumptions.append(Assumption(fact, q.if_unknown, q.unknown_reason))
            else:
                assumptions.append(Assumption(fact, UNKNOWN, q.unknown_reason))
        return facts, assumptions

    def result_of(self, answers: Mapping[str, str], evidence: Iterable[Justification] = ()) -> Result:
        """The result of a session's answers and evidence: every question still open counts as `unknown`. With
        `keep_results`, a result stored by an earlier process for exactly these answers and evidence is reused."""
        answers, evidence = self.in_question_order(answers), tuple(evidence)
        if self._store is not None:
            stored = self._store.get(answers, evidence)
            if stored is not None:
                return stored
        complete = dict(answers)
        while pending := self.next_open_question(complete, evidence):
            complete[pending.id] = UNKNOWN
        result = self.run(complete, evidence)
        if self._store is not None:
            self._store.put(answers, evidence, result)
        return result

    def run(self, answers: Mapping[str, str], evidence: Iterable[Justification] = ()) -> Result:
        """Inference and planning for answers that are complete (see Session.result).

        A result depends only on the answers and evidence (the knowledge never changes), so recent results are
        reused: results are immutable, and equal inputs give an identical result either way (tested). Answers are
        taken in the order rules.yaml asks them, whatever order they come in, so facts and warnings (which follow
        that order) are the same for the same answers.
        """
        answers, evidence = self.in_question_order(answers), tuple(evidence)
        key = (tuple(answers.items()), evidence)
        with self._results_lock:
            cached = self._results.get(key)
            if cached is not None:
                self._results.move_to_end(key)
                return cached
        result = self._run(answers, evidence)
        with self._results_lock:
            self._results[key] = result
            if len(self._results) > RESULTS_KEPT:
                self._results.popitem(last=False)
        return result

    def _run(self, answers: Mapping[str, str], evidence: tuple[Justification, ...]) -> Result:
        facts, assumptions = self.effective(answers)
        base: list[Justification] = []
        made = self._justified
        for fact, value in facts.items():
            assumed = answers[fact] == UNKNOWN
            given = made.get((fact, value, assumed))  # records: the same answer gives equal ones, made once
            if given is None:
                question = self.knowledge.questions[fact]
                given = tuple(Justification(Fact(fact, one), "assumption" if assumed else "user",
                                            note=question.unknown_reason if assumed else "")
                              for one in question.values(value))  # each choice of a multiple answer: a fact
                if len(made) < 4096:  # every legal answer, and then some: run() takes values unchecked
                    made[(fact, value, assumed)] = given
            base += given
        seen = set(base) if evidence else ()
        for e in evidence:  # an answer overrides what evidence showed; the same justification counts once
            if e.fact.name not in answers and e not in seen:
                seen.add(e)
                base.append(e)
        trail = self._infer([j.fact for j in base])
        given = by_name(base)
        known = {name: set(values) for name, values in given.items()}
        for j in trail:
            known.setdefault(j.fact.name, set()).add(j.fact.value)
        plans, rejected = self.planner.plan(known, trail)
        reason = ""
        if not plans:
            unknown = [a.fact for a in assumptions if a.assumed == UNKNOWN]
            if unknown:
                reason = (f"{', '.join(unknown)} is unknown, and no plan is safe for every value of it: "
                          + "; ".join(a.reason for a in assumptions if a.assumed == UNKNOWN))
            elif "strategy" not in known:
                reason = "no build strategy applies to these answers"
            else:
                reason = "every image in the catalogue was rejected (see 'rejected' for the rule and reason of each)"
        return Result(plans=tuple(plans), assumptions=tuple(assumptions), facts=tuple(base + trail),
                      rejected=tuple(rejected), no_plan_reason=reason,
                      warnings=self.warnings(answers, evidence, trail, given))

    def warnings(self, answers: Mapping[str, str], evidence: tuple[Justification, ...],
                 trail: Iterable[Justification], known: dict[str, set[str]]) -> tuple[str, ...]:
        """Answers that are never silently set aside (kb/setaside.py). `known` is what held before inference (the
        consultation's answers and evidence, as `known()` gives them)."""
        from .setaside import warnings

        return warnings(self.knowledge, self.index, answers, evidence, trail, known)


_worker: RuleBase | None = None  # the rule base of a consult_many worker process


def _start_worker(knowledge: Knowledge) -> None:
    global _worker
    _worker = RuleBase(knowledge)


def _consult_in_worker(answers: Mapping[str, str], evidence: tuple[Justification, ...]) -> Result:
    return _worker.consult(answers, evidence)


def load(*extra: str | os.PathLike, cache: bool = True, cache_dir: str | os.PathLike | None = None,
         keep_results: bool = False) -> RuleBase:
    """The shipped rule base, with the rule files in `extra` layered on top (a clash is a RuleFileError).

    With `cache`, validated knowledge is reused across processes while the files' bytes stay the same (kb.cache),
    in `cache_dir` (default: $MINIMAGE_CACHE_DIR, else $XDG_CACHE_HOME/minimage); with `keep_results` too, so are
    the results of sessions (kb.result_store: a command line run again with the same answers).
    """
    if not cache:
        return RuleBase(_read_knowledge(extra))
    # a miss (a rule file edited) reads again only that file and those after it that look at what it changed
    knowledge = load_cached(rule_files(extra), lambda: _read_knowledge(extra, cache_directory(cache_dir)), cache_dir)
    return RuleBase(knowledge, keep_results=keep_results, cache_dir=cache_dir)


def _read_knowledge(extra, file_cache: str | None = None) -> Knowledge:
    from .loader import load_knowledge  # imported only when the cache cannot serve the load (or is not used)

    return load_knowledge(extra, file_cache=file_cache)
