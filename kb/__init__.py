"""minimage knowledge base: load rules, run consultations, explain them. No terminal I/O here.

    import kb
    rb = kb.load()                                   # or kb.load("my-rules.yaml") to layer your own rules
    result = rb.consult({"language": "c", "static_ok": "no"})
    print(result.best.final_image)
"""
from .consult import RuleBase, Session, load
from .errors import InvalidAnswer, InvalidEvidence, MinimageError, Problem, RuleFileError, UnknownFact, UnknownImage
from .model import UNKNOWN, Fact, Justification, Plan, Result

__all__ = ["load", "RuleBase", "Session", "Result", "Plan", "Fact", "Justification", "UNKNOWN", "MinimageError",
           "RuleFileError", "InvalidAnswer", "InvalidEvidence", "UnknownImage", "UnknownFact", "Problem"]
