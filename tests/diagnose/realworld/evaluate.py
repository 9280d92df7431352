"""Rates of `minimage-ask diagnose` on the labelled real-world corpus (corpus.yaml, see README.md).

For the messages that are not look-alikes: recognised (some diagnosis matched), right cause (the first diagnosis is
the labelled mechanism), first fix right (the first diagnosis's first fix is one of the fixes that work in that
situation). For look-alikes: confident wrong (the first diagnosis names another mechanism and is certain).

    python tests/diagnose/realworld/evaluate.py [dev|held-out|fresh] [-v]
"""
from __future__ import annotations

import pathlib
import sys
from dataclasses import dataclass, field

import yaml

HERE = pathlib.Path(__file__).parent
CORPUS = HERE / "corpus.yaml"
FRESH = HERE / "fresh.yaml"  # collected after the rules were written: set "fresh"


def load(split: str | None = None) -> list[dict]:
    """The corpus (dev and held-out); split "fresh" is fresh.yaml."""
    path = FRESH if split == "fresh" else CORPUS
    entries = yaml.safe_load(path.read_text(encoding="utf-8"))["messages"]
    for e in entries:
        for key in ("mechanism", "fix"):
            if isinstance(e[key], str):
                e[key] = [e[key]]
    return [e for e in entries if split is None or e["set"] == split]


@dataclass
class Outcome:
    entry: dict
    names: list[str]
    first_fix: str | None
    confidence: str | None

    @property
    def lookalike(self) -> bool:
        return bool(self.entry.get("lookalike"))

    @property
    def recognised(self) -> bool:
        return bool(self.names)

    @property
    def right_cause(self) -> bool:
        return bool(self.names) and self.names[0] in self.entry["mechanism"]

    @property
    def right_fix(self) -> bool:
        return self.right_cause and self.first_fix in self.entry["fix"]

    @property
    def confident_wrong(self) -> bool:
        return bool(self.names) and self.names[0] not in self.entry["mechanism"] and self.confidence == "certain"


@dataclass
class Rates:
    outcomes: list[Outcome] = field(default_factory=list)

    def _pos(self):
        return [o for o in self.outcomes if not o.lookalike]

    def _look(self):
        return [o for o in self.outcomes if o.lookalike]

    @property
    def positives(self) -> int:
        return len(self._pos())

    @property
    def lookalikes(self) -> int:
        return len(self._look())

    @property
    def recognised(self) -> int:
        return sum(o.recognised for o in self._pos())

    @property
    def right_cause(self) -> int:
        return sum(o.right_cause for o in self._pos())

    @property
    def right_fix(self) -> int:
        return sum(o.right_fix for o in self._pos())

    @property
    def confident_wrong(self) -> int:
        return sum(o.confident_wrong for o in self._look())

    def summary(self) -> str:
        p, n = self.positives, self.lookalikes
        return (f"recognised {self.recognised}/{p} ({self.recognised / p:.0%}), right cause {self.right_cause}/{p} "
                f"({self.right_cause / p:.0%}), first fix right {self.right_fix}/{p} ({self.right_fix / p:.0%}), "
                f"confident wrong on look-alikes {self.confident_wrong}/{n}")


def evaluate(knowledge, entries: list[dict]) -> Rates:
    from kb.diagnose import diagnose

    rates = Rates()
    for e in entries:
        matches = diagnose(knowledge, e["text"])
        first = matches[0] if matches else None
        rates.outcomes.append(Outcome(e, [m.name for m in matches],
                                      getattr(first, "fix_key", None) if first else None,
                                      getattr(first, "confidence", "certain") if first else None))
    return rates


def main(argv: list[str]) -> int:
    import kb

    split = next((a for a in argv if a in ("dev", "held-out", "fresh")), None)
    rates = evaluate(kb.load().knowledge, load(split))
    if "-v" in argv:
        for o in rates.outcomes:
            mark = ("LOOK " + ("WRONG" if o.confident_wrong else "ok   ")) if o.lookalike else \
                ("ok   " if o.right_fix else "cause" if o.right_cause else "MISS ")
            print(f"{mark} {o.entry['source']:<45} want {o.entry['mechanism'][0]}/{o.entry['fix'][0]:<14} "
                  f"got {o.names[:2]} {o.first_fix} {o.confidence}")
    print(split or "all", rates.summary())
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(HERE.parents[2]))
    sys.exit(main(sys.argv[1:]))
