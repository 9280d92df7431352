"""The library's front door: a RuleBase runs consultations; a Session is one conversation with it.

    rb = kb.load()                                   # shipped rules.yaml, plus any user files layered on top
    result = rb.consult({"language": "go", "cgo": "no"})
    result.best.final_image, result.best.dockerfile, result.to_dict()

    s = rb.session()                                 # the chat shell and script mode are thin adapters over this
    q = s.next_question(); s.answer(q.id, "go"); s.why("cgo"); s.how("strategy")
"""
from __future__ import annotations

import os
from collections.abc import Iterable, Mapping

from .engine import Engine
from .errors import InvalidAnswer, UnknownFact
from .explain import explain_how, explain_why, is_relevant
from .cache import load_cached
from .loader import load_knowledge, rule_files
from .model import Knowledge
from .model import UNKNOWN, Assumption, Fact, HowNode, Justification, Question, Result, WhyAnswer
from .planner import Planner


class RuleBase:
    """Validated knowledge plus its compiled ruleset. Thread-safe: consultations are isolated and serialised."""

    def __init__(self, knowledge: Knowledge):
        self.knowledge = knowledge
        self.engine = Engine(knowledge.rules.values())
        self.planner = Planner(knowledge)

    @property
    def questions(self) -> list[Question]:
        return list(self.knowledge.questions.values())

    def question(self, fact: str) -> Question:
        q = self.knowledge.questions.get(fact)
        if q is None:
            raise UnknownFact(fact, list(self.knowledge.questions))
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
        """One consultation. Questions that matter but are not answered count as `unknown`."""
        return self.session(answers).result(evidence=evidence)

    def open_questions(self, answers: Mapping[str, str]) -> list[Question]:
        """Unanswered questions whose answer can still change the outcome, in the order rules.yaml gives."""
        known = {k: {v} for k, v in self.effective(answers)[0].items()}
        return [q for q in self.questions if q.id not in answers and is_relevant(self.knowledge, q.id, known)]

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
        base += [e for e in evidence if e.fact.name not in facts]
        trail = self.engine.run(j.fact for j in base)
        known: dict[str, set[str]] = {}
        for j in (*base, *trail):
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
                      rejected=tuple(rejected), no_plan_reason=reason)


def load(*extra: str | os.PathLike, cache: bool = True) -> RuleBase:
    """The shipped rule base, with the rule files in `extra` layered on top (a clash is a RuleFileError).

    With `cache`, validated knowledge is reused across processes while the files' bytes stay the same (kb.cache).
    """
    if not cache:
        return RuleBase(load_knowledge(extra))
    return RuleBase(load_cached(rule_files(extra), lambda: load_knowledge(extra)))


class Session:
    """One conversation: the answers so far, in order. Pure state; front ends do the talking."""

    def __init__(self, rulebase: RuleBase):
        self.rulebase = rulebase
        self.answers: dict[str, str] = {}
        self._result: Result | None = None

    def answer(self, fact: str, raw: str) -> str:
        """Record an answer (aliases and `unknown` accepted); returns the canonical value."""
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

    def open_questions(self) -> list[Question]:
        return self.rulebase.open_questions(self.answers)

    def next_question(self) -> Question | None:
        """The next question whose answer can still change the outcome; None once the answers decide it."""
        open_ = self.open_questions()
        return open_[0] if open_ else None

    def result(self, evidence: Iterable[Justification] = ()) -> Result:
        """The plans for the answers so far; every question still open counts as `unknown`."""
        evidence = tuple(evidence)
        if self._result is not None and not evidence:
            return self._result
        shown = {j.fact.name for j in evidence}  # evidence answers a question, so it is not assumed unknown
        answers = dict(self.answers)
        while pending := [q for q in self.rulebase.open_questions(answers) if q.id not in shown]:
            answers[pending[0].id] = UNKNOWN
        result = self.rulebase.run(answers, evidence)
        if not evidence:
            self._result = result
        return result

    def how(self, target: str) -> list[HowNode]:
        return explain_how(self.rulebase.knowledge, self.result(), target)

    def why(self, question: str) -> WhyAnswer:
        self.rulebase.question(question)
        known = {k: {v} for k, v in self.rulebase.effective(self.answers)[0].items()}
        return explain_why(self.rulebase.knowledge, question, known)
