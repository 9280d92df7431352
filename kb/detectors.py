"""Where rule kinds whose detection is code register it: lint checks (MI4xx) and the planner's checks (MI15x).

A rule's data (id, name, messages, sources) lives in knowledge/; its detection is a Python function registered here
under the rule's name, so the loader can tell a rule whose code is missing, and the code can tell a name that no
rule uses. This module imports nothing of the project: every other module may import it.
"""
from __future__ import annotations

#: kind -> rule name -> the function that detects it
DETECTORS: dict[str, dict[str, object]] = {"lint": {}, "check": {}}


def detector(kind: str, name: str):
    """Register the decorated function as the detection of the `kind` rule called `name`."""
    def register(fn):
        DETECTORS[kind][name] = fn
        return fn
    return register
