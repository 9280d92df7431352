"""The library's front door: a RuleBase runs consultations; a Session is one conversation with it.

    rb = kb.load()                                   # shipped rules.yaml, plus any user files layered on top
    result = rb.consult({"language": "go", "cgo": "no"})
    result.best.final_image, result.best.dockerfile, result.to_dict()

    s = rb.session()                                 # the chat shell and script mode are thin adapters over this
    q = s.next_question(); s.answer(q.id, "go"); s.why("cgo"); s.how("strategy")
"""
from __future__ import annotations

import os
import threading
from collections.abc import Iterable, Mapping

from .cache import load_cached
from .engine import Engine
from .errors import InvalidAnswer, InvalidEvidence, UnknownFact, UnknownImage
from .loader import load_knowledge, rule_files
from .model import UNKNOWN, Assumption, Fact, Justification, Knowledge, Question, Result
from .planner import Planner
from .relevance import is_relevant


class RuleBase:
    """Validated knowledge plus its compiled ruleset. Thread-safe: consultations are isolated and serialised."""

    def __init__(self, knowledge: Knowledge):
        self.knowledge = knowledge
        self.planner = Planner(knowledge)
        self._engine: Engine | None = None
        self._engine_lock = threading.Lock()

    @property
    def engine(self) -> Engine:
        """The compiled ruleset, built on first use: a conversation can ask its first questions without it."""
        if self._engine is None:
            with self._engine_lock:
                if self._engine is None:
                    self._engine = Engine(self.knowledge.rules.values())
        return self._engine

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

    def session(self, answers: Mapping[str, str] | None = None) -> "Session":
        s = Session(self)
        for fact, value in (answers or {}).items():
            s.answer(fact, value)
        return s

    def consult(self, answers: Mapping[str, str], evidence: Iterable[Justification] = ()) -> Result:
        """One consultation. Questions that matter but are neither answered nor shown by evidence count as
        `unknown`."""
        session = self.session(answers)
        session.add_evidence(evidence)
        return session.result()

    def open_questions(self, answers: Mapping[str, str], evidence: Iterable[Justification] = ()) -> list[Question]:
        """Questions neither answered nor shown by evidence whose answer can still change the outcome, in the order
        rules.yaml gives."""
        known = self.known(answers, evidence)
        return [q for q in self.questions
                if q.id not in answers and q.id not in known and is_relevant(self.knowledge, q.id, known)]

    def known(self, answers: Mapping[str, str], evidence: Iterable[Justification] = ()) -> dict[str, set[str]]:
        """What is known before inference: the answers (unknowns as assumed) and, where not answered, evidence."""
        known = {k: {v} for k, v in self.effective(answers)[0].items()}
        for j in evidence:
            if j.fact.name not in answers:
                known.setdefault(j.fact.name, set()).add(j.fact.value)
        return known

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

    def run(self, answers: Mapping[str, str], evidence: Iterable[Justification] = ()) -> Result:
        """Inference and planning for answers that are complete (see Session.result)."""
        facts, assumptions = self.effective(answers)
        base: list[Justification] = []
        for fact, value in facts.items():
            assumed = answers[fact] == UNKNOWN
            base.append(Justification(Fact(fact, value), "assumption" if assumed else "user",
                                      note=self.knowledge.questions[fact].unknown_reason if assumed else ""))
        seen = set(base)
        for e in evidence:  # an answer overrides what evidence showed; the same justification counts once
            if e.fact.name not in answers and e not in seen:
                seen.add(e)
                base.append(e)
        trail = self.engine.run(j.fact for j in base)
        known = _by_name(base + trail)
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
                      rejected=tuple(rejected), no_plan_reason=reason)


def _by_name(facts: Iterable[Justification]) -> dict[str, set[str]]:
    """fact name -> every value it holds."""
    known: dict[str, set[str]] = {}
    for j in facts:
        known.setdefault(j.fact.name, set()).add(j.fact.value)
    return known


def load(*extra: str | os.PathLike, cache: bool = True, cache_dir: str | os.PathLike | None = None) -> RuleBase:
    """The shipped rule base, with the rule files in `extra` layered on top (a clash is a RuleFileError).

    With `cache`, validated knowledge is reused across processes while the files' bytes stay the same (kb.cache),
    in `cache_dir` (default: $MINIMAGE_CACHE_DIR, else $XDG_CACHE_HOME/minimage).
    """
    if not cache:
        return RuleBase(load_knowledge(extra))
    return RuleBase(load_cached(rule_files(extra), lambda: load_knowledge(extra), cache_dir))


class Session:
    """One conversation: the answers so far, in order. Pure state; front ends do the talking."""

    def __init__(self, rulebase: RuleBase):
        self.rulebase = rulebase
        self.answers: dict[str, str] = {}
        self.evidence: list[Justification] = []
        self._result: Result | None = None

    def answer(self, fact: str, raw: str) -> str:
        """Record an answer (aliases and `unknown` accepted); returns the canonical value."""
        if not isinstance(fact, str):
            raise UnknownFact(repr(fact), [q.id for q in self.rulebase.questions])
        fact = self.rulebase.question(fact).id  # `LANGUAGE` is `language`, as the chat's `set` accepts it
        if not isinstance(raw, str):
            raise InvalidAnswer(fact, repr(raw), self.rulebase.question(fact).legal())
        value = self.rulebase.normalise(fact, raw)
        self.answers.pop(fact, None)  # a changed answer moves to the end, so `back` undoes it
        self.answers[fact] = value
        self._result = None
        return value

    def back(self) -> tuple[str, str] | None:
        """Undo the last answer; returns it, or None when there is nothing to undo."""
        if not self.answers:
            return None
        fact = next(reversed(self.answers))
        self._result = None
        return fact, self.answers.pop(fact)

    def restart(self) -> None:
        self.answers.clear()
        self._result = None

    def add_evidence(self, evidence: Iterable[Justification]) -> None:
        """Facts shown by inspecting an artefact: their questions are not asked (an answer still overrides them).

        The same justification given twice is kept once; the same fact shown by two artefacts keeps both
        justifications (the engine asserts the fact once)."""
        seen = set(self.evidence)  # a set: an ELF may show thousands of facts, and list membership is quadratic
        for j in evidence:
            if not isinstance(j, Justification) or not isinstance(j.fact, Fact) \
                    or not isinstance(j.fact.name, str) or not isinstance(j.fact.value, str):
                raise InvalidEvidence(j)
            if j not in seen:
                seen.add(j)
                self.evidence.append(j)
        self._result = None

    def open_questions(self) -> list[Question]:
        return self.rulebase.open_questions(self.answers, self.evidence)

    def next_question(self) -> Question | None:
        """The next question whose answer can still change the outcome; None once the answers decide it."""
        open_ = self.open_questions()
        return open_[0] if open_ else None

    def result(self) -> Result:
        """The plans for the answers and evidence so far; every question still open counts as `unknown`."""
        if self._result is None:
            answers = dict(self.answers)
            while pending := self.rulebase.open_questions(answers, self.evidence):
                answers[pending[0].id] = UNKNOWN
            self._result = self.rulebase.run(answers, self.evidence)
        return self._result

    def judge(self, images: Iterable[str]) -> Result:
        """The plans and rejections of this consultation on the given images only, deprecated ones included."""
        knowledge = self.rulebase.knowledge
        chosen = []
        for ref in images:
            image = knowledge.image(ref)
            if image is None:
                raise UnknownImage(ref, sorted(knowledge.images))
            chosen.append(image)
        base = self.result()
        trail = [j for j in base.facts if j.source == "rule"]
        plans, rejected = self.rulebase.planner.plan(_by_name(base.facts), trail, images=chosen)
        return Result(plans=tuple(plans), assumptions=base.assumptions, facts=base.facts, rejected=tuple(rejected),
                      no_plan_reason="" if plans else "none of these images can run it")

    def how(self, target: str) -> list["HowNode"]:  # noqa: F821 - kb.explain, imported when asked
        from .explain import explain_how

        return explain_how(self.rulebase.knowledge, self.result(), target)

    def why(self, question: str) -> "WhyAnswer":  # noqa: F821 - kb.explain, imported when asked
        from .explain import explain_why

        self.rulebase.question(question)
        return explain_why(self.rulebase.knowledge, question, self.rulebase.known(self.answers, self.evidence))
