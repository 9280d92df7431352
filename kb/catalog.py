"""The registry of everything the tool cites: every rule of every kind, and every source behind them.

One entry per id, whatever defines it: inference rules and planner checks (knowledge/rules-infer.yaml), lint checks
(rules-lint.yaml), diagnoses (rules-diagnose.yaml), the shipped source documents (A1-A17, K8.1-K10.10) and every
public document a rule, image or strategy cites. `minimage-ask rules ID`, the chat's `rule ID`, SARIF output and the
rule docs all read it, so they cannot disagree.
"""
from __future__ import annotations

from .citations import is_local, read_documents, url
from .model import Data, Knowledge, record

#: kind -> what it is, for listings
KINDS = {
    "infer": "inference rule",
    "check": "planner check",
    "lint": "lint check (minimage-ask lint)",
    "diagnose": "diagnosis (minimage-ask diagnose)",
    "source": "source document shipped with minimage-ask",
    "citation": "public document",
}


@record
class Entry(Data):
    id: str
    kind: str  # a key of KINDS
    name: str
    summary: str
    why: str
    sources: tuple[str, ...]
    status: str
    defined_at: str  # file:line
    links: tuple[str, ...] = ()
    cited_by: tuple[str, ...] = ()  # ids of the rules, images and strategies that cite it


class Catalog:
    """Entries by id, built on first use from one Knowledge (and the shipped source documents)."""

    def __init__(self, knowledge: Knowledge):
        self.knowledge = knowledge
        self._entries: dict[str, Entry] | None = None

    def _build(self) -> dict[str, Entry]:
        kb = self.knowledge
        out: dict[str, Entry] = {}
        for r in kb.rules.values():
            out[r.id] = Entry(r.id, r.kind, r.name, r.summary, r.why, r.sources, r.status, f"{r.file}:{r.line}")
        for r in kb.lints.values():
            out[r.id] = Entry(r.id, "lint", r.name, r.summary, r.why, r.sources, r.status, f"{r.file}:{r.line}")
        for d in kb.diagnoses.values():
            out[d.id] = Entry(d.id, "diagnose", d.name, d.summary, d.cause, d.sources, d.status, f"{d.file}:{d.line}")
        cited: dict[str, list[str]] = {}
        citing = [(e.id, e.sources) for e in out.values()]
        citing += [(i.ref, i.sources) for i in kb.images.values()]
        citing += [(s.id, s.sources) for s in kb.strategies.values()]
        citing += [(f.id, f.sources) for f in kb.image_families]
        for ident, sources in citing:
            for source in sources:
                cited.setdefault(source, []).append(ident)
        for doc in read_documents().values():
            sid = doc["id"]
            out[sid] = Entry(sid, "source", sid, doc["title"], doc["text"], (), "active",
                             f"docs/sources/{doc['file']}:{doc['line']}", tuple(doc["links"]),
                             tuple(sorted(cited.get(sid, ()))))
        for source, ids in cited.items():
            if source not in out and not is_local(source):
                link = url(source)
                out[source] = Entry(source, "citation", source, link or "no public link", "", (), "active", "",
                                    (link,) if link else (), tuple(sorted(ids)))
        return out

    @property
    def entries(self) -> dict[str, Entry]:
        if self._entries is None:
            self._entries = self._build()
        return self._entries

    def get(self, ident: str) -> Entry | None:
        """The entry for a rule id (any case), a source id (A7, K10.1) or a citation as written."""
        ident = ident.strip()
        return self.entries.get(ident) or self.entries.get(ident.upper())

    def rules(self) -> list[Entry]:
        """Every rule of every kind (MI...), in id order."""
        return sorted((e for e in self.entries.values() if e.kind in ("infer", "check", "lint", "diagnose")),
                      key=lambda e: e.id)

    def sources(self) -> list[Entry]:
        """The shipped source documents, in reading order (A1, A2, ..., K8.1, ...)."""
        def order(e: Entry) -> tuple:
            return (e.id[0], *(int(p) for p in e.id[1:].split(".")))
        return sorted((e for e in self.entries.values() if e.kind == "source"), key=order)

    def detail(self, entry: Entry):
        """The definition behind an entry: a Rule, LintRule or Diagnosis; None for sources and citations."""
        kb = self.knowledge
        return {"infer": kb.rules, "check": kb.rules, "lint": kb.lints, "diagnose": kb.diagnoses}.get(
            entry.kind, {}).get(entry.id)
