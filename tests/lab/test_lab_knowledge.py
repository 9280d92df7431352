"""The rule base proven by real runs: every program of the lab in every emulated image root (issue 5, part 3).

(a) the plans the rule base offers, from `inspect` of the binary and from a consultation, really run the program;
(b) every image it rejects really fails, and fails the way the rejecting rule says;
(c) its best plan is the smallest image, among those emulated, that runs the program.
"""
from pathlib import Path

import pytest

import kb
from lab import knowledge

DOC = Path(__file__).resolve().parents[2] / "docs" / "matrix.md"


@pytest.fixture(scope="module")
def checks(sandbox_ok, built_roots):
    return knowledge.check_all(kb.load())


def describe(c):
    return f"{c.program} in {c.root} ({c.source}): rule base says {c.verdict} {c.rule} {c.reason!r}, run gave {c.outcome}"


def test_there_is_something_to_check(checks):
    programs = {c.program for c in checks}
    assert {"c-hello", "cpp-hello", "musl-hello", "go-net-cgo1", "go-net-cgo0"} <= programs
    assert {c.source for c in checks} == {"evidence", "consultation"}


def test_every_plan_offered_really_runs(checks):
    wrong = [describe(c) for c in checks if c.verdict == "viable" and not c.agrees]
    assert not wrong, "\n".join(wrong)


def test_every_rejected_image_really_fails_for_the_reason_its_rule_names(checks):
    wrong = [describe(c) for c in checks if c.verdict == "rejected" and not c.agrees]
    assert not wrong, "\n".join(wrong)


def test_the_best_plan_is_the_smallest_image_that_runs_it(checks):
    """The plan ranked first (what the user is told to use) is on the smallest image that really runs the program."""
    rb = kb.load()
    by_case: dict[tuple[str, str], list] = {}
    for c in checks:
        by_case.setdefault((c.program, c.source), []).append(c)
    wrong, compared = [], 0
    for (program, source), cs in by_case.items():
        running = [c for c in cs if c.outcome == "ok"]
        ranked = sorted((c for c in cs if c.verdict == "viable"), key=lambda c: c.rank)
        if not running:
            continue
        compared += 1
        smallest_running = min(knowledge.size_of(rb, c.root) for c in running)
        best = knowledge.size_of(rb, ranked[0].root) if ranked else None
        if best != smallest_running:
            wrong.append(f"{program} ({source}): plan 1 is {ranked[0].root if ranked else None} ({best} MB), "
                         f"the smallest image that runs it is {smallest_running} MB")
    assert compared >= 10, "too few programs ran to judge the ranking"
    assert not wrong, "\n".join(wrong)


def test_docs_matrix_is_not_stale(checks):
    expected = knowledge.markdown(checks, kb.load())
    assert DOC.exists(), "docs/matrix.md is missing: python -m lab.knowledge > docs/matrix.md (as root)"
    assert DOC.read_text() == expected, "docs/matrix.md is stale: python -m lab.knowledge > docs/matrix.md"
