"""minimage knowledge base: load rules, run consultations, explain them. No terminal I/O here.

    import kb
    rb = kb.load()                                   # or kb.load("my-rules.yaml") to layer your own rules
    result = rb.consult({"language": "c", "static_ok": "no"})
    print(result.best.final_image)

One method of RuleBase per command: consult, session, inspect, lint, diagnose (follow_up), catalogue. Every error
raised on bad input is a MinimageError.
"""
from .consult import InspectResult, RuleBase, Session, load
from .errors import (DiagnoseInputError, EngineError, InvalidAnswer, MinimageError, Problem, RuleFileError,
                     UnknownFact)
from .evidence.errors import EvidenceError
from .model import UNKNOWN, Fact, Justification, Plan, Result

__all__ = ["load", "RuleBase", "Session", "InspectResult", "Result", "Plan", "Fact", "Justification", "UNKNOWN",
           "MinimageError", "RuleFileError", "InvalidAnswer", "UnknownFact", "EvidenceError", "DiagnoseInputError",
           "EngineError", "Problem"]
