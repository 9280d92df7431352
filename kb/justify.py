"""The justification of a plan: the rules behind it, what derived its strategy, changes and caveats (walked down
this consultation's trail, once per consultation) and the checks it passed (kb/planner.py's)."""
from __future__ import annotations

from bisect import bisect_left

from .model import Justification, Knowledge, Plan, Reason


def justify(plan: Plan, basis: tuple[tuple[str, ...], tuple], chains: "_Chains", rank: int) -> Plan:
    """The rules behind a plan: what derived its strategy, changes and caveats (from this consultation's trail),
    and the checks it passed."""
    wanted, checks = basis
    derived = chains.merged.get((wanted, plan.caveats))  # plans of one consultation share most of theirs
    if derived is None:
        reasons: dict[str, Reason] = {}
        for fid in wanted:
            reasons.update(chains.reasons(fid))
        for cid in chains.caveats_by_text(plan.caveats):
            reasons.update(chains.reasons(f"caveat={cid}"))
        ids = sorted(reasons)
        derived = chains.merged[(wanted, plan.caveats)] = (reasons, ids, tuple([reasons[k] for k in ids]))
    reasons, ids, alone = derived
    extra: dict[str, Reason] = {}  # a check's rule, unless derived: the first of its reasons, as setdefault
    for rule_id, reason in checks:
        if rule_id not in reasons and rule_id not in extra:
            extra[rule_id] = reason
    justification = alone  # every reason in the order of its rule id: the checks' put in their places
    if extra:
        justification = list(alone)
        for n, rule_id in enumerate(sorted(extra)):  # n of them before it, and the derived ones of lower ids
            justification.insert(bisect_left(ids, rule_id) + n, extra[rule_id])
        justification = tuple(justification)
    values = list(plan)
    values[_RANK], values[_JUSTIFICATION] = rank, justification
    return Plan._make(values)


_RANK, _JUSTIFICATION = Plan._fields.index("rank"), Plan._fields.index("justification")


class _Chains:
    """For one consultation: the rules that derived each fact, transitively down to the answers (memoised)."""

    def __init__(self, kb: Knowledge, trail: list[Justification], made: dict[tuple, Reason] | None = None):
        self.kb = kb
        self.by_fact: dict[str, list[Justification]] = {}
        for j in trail:
            self.by_fact.setdefault(j.fact.id, []).append(j)
        self.memo: dict[str, dict[str, Reason]] = {}
        # (facts wanted, caveats) -> the reasons of their rules by rule id, and sorted by it, and those alone
        self.merged: dict[tuple, tuple[dict[str, Reason], list, tuple[Reason, ...]]] = {}
        # (rule id, fact it derived) -> its Reason: a function of the knowledge alone, shared by a Planner's chains
        self.made = {} if made is None else made
        self.caveat_ids = {kb.caveats[j.fact.value].text: j.fact.value for j in trail if j.fact.name == "caveat"}

    def caveats_by_text(self, texts: tuple[str, ...]) -> list[str]:
        return [self.caveat_ids[t] for t in texts if t in self.caveat_ids]

    def reasons(self, fact_id: str) -> dict[str, Reason]:
        if fact_id in self.memo:
            return self.memo[fact_id]
        self.memo[fact_id] = out = {}  # cycles end here
        for j in self.by_fact.get(fact_id, ()):
            reason = self.made.get((j.rule_id, j.fact))
            if reason is None:
                rule = self.kb.rules[j.rule_id]
                reason = self.made[(j.rule_id, j.fact)] = Reason(rule.id, rule.name, rule.summary, rule.sources,
                                                                  str(j.fact))
            out.setdefault(reason.rule_id, reason)
            for premise in j.premises:
                for rid, reason in self.reasons(premise.id).items():
                    out.setdefault(rid, reason)
        return out
