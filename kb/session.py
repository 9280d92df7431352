"""A Session is one conversation with a rule base: the answers so far, in order, and the evidence shown. Pure state;
the chat shell and script mode do the talking (kb/consult.py's RuleBase.session makes one)."""
from __future__ import annotations

from collections.abc import Iterable

from .errors import InvalidAnswer, InvalidEvidence, UnknownFact, UnknownImage
from .model import Fact, Justification, Question, Result


def by_name(facts: Iterable[Justification]) -> dict[str, set[str]]:
    """fact name -> every value it holds."""
    known: dict[str, set[str]] = {}
    for j in facts:
        known.setdefault(j.fact.name, set()).add(j.fact.value)
    return known


class Session:
    """One conversation: the answers so far, in order. Pure state; front ends do the talking."""

    def __init__(self, rulebase: "RuleBase"):  # noqa: F821 - kb.consult's, which imports this module
        self.rulebase = rulebase
        self.answers: dict[str, str] = {}
        self.where: dict[str, str] = {}  # where each answer was given (a flag, file:line, stdin line), for messages
        self.evidence: list[Justification] = []
        self._result: Result | None = None

    def answer(self, fact: str, raw: str, where: str = "") -> str:
        """Record an answer (aliases and `unknown` accepted), given at `where`; returns the canonical value. An
        answer replaces an earlier one to the same fact (the chat's `set`); front ends that read answers in bulk
        check `contradiction` first."""
        if not isinstance(fact, str):
            raise UnknownFact(repr(fact), [q.id for q in self.rulebase.questions])
        # (fact, raw) -> (question id, value): a function of the knowledge alone, kept by the rule base
        known = self.rulebase._normalised
        found = known.get((fact, raw)) if isinstance(raw, str) else None
        if found is not None:
            fact, value = found
        else:
            question = self.rulebase.question(fact)
            asked = fact
            fact = question.id  # `LANGUAGE` is `language`, as the chat's `set` accepts it
            if not isinstance(raw, str):
                raise InvalidAnswer(fact, repr(raw), question.legal())
            value = question.normalise(raw)  # as RuleBase.normalise
            if value is None:
                raise InvalidAnswer(fact, raw.strip(), question.legal())
            if len(known) >= 4096:  # every legal answer, and then some
                known.clear()
            known[(asked, raw)] = (fact, value)
        self.answers.pop(fact, None)  # a changed answer moves to the end, so `back` undoes it
        self.answers[fact] = value
        self.where[fact] = where
        self._result = None
        return value

    def contradiction(self, fact: str, raw: str) -> tuple[str, str, str, str] | None:
        """(fact, new value, earlier value, where it was given) when `raw` would change an answer already given;
        None when the fact is unanswered or given the same value. Raises UnknownFact or InvalidAnswer."""
        if not isinstance(fact, str) or not isinstance(raw, str):
            return None  # answer() raises the right error
        fact = self.rulebase.question(fact).id
        value = self.rulebase.normalise(fact, raw)
        earlier = self.answers.get(fact)
        if earlier is None or earlier == value:
            return None
        return fact, value, earlier, self.where.get(fact) or "an earlier answer"

    def back(self) -> tuple[str, str] | None:
        """Undo the last answer; returns it, or None when there is nothing to undo."""
        if not self.answers:
            return None
        fact = next(reversed(self.answers))
        self._result = None
        self.where.pop(fact, None)
        return fact, self.answers.pop(fact)

    def restart(self) -> None:
        self.answers.clear()
        self.where.clear()
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
        return self.rulebase.next_open_question(self.answers, self.evidence)

    def result(self) -> Result:
        """The plans for the answers and evidence so far; every question still open counts as `unknown`."""
        if self._result is None:
            self._result = self.rulebase.result_of(self.answers, self.evidence)
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
        plans, rejected = self.rulebase.planner.plan(by_name(base.facts), trail, images=chosen)
        return Result(plans=tuple(plans), assumptions=base.assumptions, facts=base.facts, rejected=tuple(rejected),
                      no_plan_reason="" if plans else "none of these images can run it")

    def how(self, target: str) -> list["HowNode"]:  # noqa: F821 - kb.explain, imported when asked
        from .explain import explain_how

        return explain_how(self.rulebase.knowledge, self.result(), target)

    def why(self, question: str) -> "WhyAnswer":  # noqa: F821 - kb.explain, imported when asked
        from .explain import explain_why

        self.rulebase.question(question)
        rb = self.rulebase
        return explain_why(rb.knowledge, rb.index, question, rb.known(self.answers, self.evidence))
