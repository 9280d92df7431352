"""minimage knowledge base: load rules, run consultations, explain them. No terminal I/O here.

    import kb
    rb = kb.load()                                   # or kb.load("my-rules.yaml") to layer your own rules
    result = rb.consult({"language": "c", "static_ok": "no"})
    print(result.best.final_image)

One method of RuleBase per command: consult, session, inspect, lint, diagnose (follow_up), catalogue. Every error
raised on bad input is a MinimageError.
"""
from .consult import InspectResult, RuleBase, Session, load
from .errors import (DiagnoseInputError, EngineError, InvalidAnswer, InvalidEvidence, MinimageError, Problem,
                     RuleFileError, UnknownFact, UnknownImage)
from .evidence.errors import EvidenceError
from .model import UNKNOWN, Fact, Justification, Plan, Result

__all__ = ["load", "RuleBase", "Session", "InspectResult", "Result", "Plan", "Fact", "Justification", "UNKNOWN",
           "LintResult", "Finding", "Match", "MinimageError", "RuleFileError", "InvalidAnswer", "InvalidEvidence",
           "UnknownFact", "UnknownImage", "EvidenceError", "DiagnoseInputError", "EngineError", "Problem"]

# the records of lint and diagnose, imported when first named: a consultation does not load their modules
_LAZY = {"LintResult": "kb.lint", "Finding": "kb.lint", "Match": "kb.diagnose"}


def __getattr__(name: str):
    if name in _LAZY:
        import sys

        __import__(_LAZY[name])  # not importlib.import_module: importlib itself costs a `lint` process its import
        return getattr(sys.modules[_LAZY[name]], name)
    raise AttributeError(f"module 'kb' has no attribute {name!r}")
