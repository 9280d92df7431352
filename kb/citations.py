"""The sources rules cite, as texts the user has: the article's claims (A1-A17) and our knowledge notes (K8.1-K10.10)
ship as Markdown in docs/sources/ (kb/sources/ when installed); any other citation is a public document, which
`url()` turns into its link.

Imports nothing of the project: the loader checks citations against these documents, the catalogue shows them.
"""
from __future__ import annotations

import os
import re

_HEADING = re.compile(r"^## (?P<id>[AK][0-9][0-9.]*): (?P<title>.+)$")
_LOCAL_ID = re.compile(r"[AK][0-9][0-9.]*")


def sources_dir() -> str:
    """docs/sources of a source checkout, or kb/sources inside the installed package."""
    here = os.path.dirname(os.path.abspath(__file__))
    packaged = os.path.join(here, "sources")
    return packaged if os.path.isdir(packaged) else os.path.join(os.path.dirname(here), "docs", "sources")


def source_files() -> list[str]:
    folder = sources_dir()
    try:
        return sorted(os.path.join(folder, n) for n in os.listdir(folder) if n.endswith(".md"))
    except OSError:
        return []


def is_local(citation: str) -> bool:
    """A1-A17 and K-sections are documents of ours; everything else is public."""
    return _LOCAL_ID.fullmatch(citation) is not None


def read_documents(files: list[str] | None = None) -> dict[str, dict]:
    """Section id -> {id, title, text, links, file, line} for every `## ID: title` section of the source files."""
    out: dict[str, dict] = {}
    for path in source_files() if files is None else files:
        with open(path, encoding="utf-8") as f:
            lines = f.read().splitlines()
        current = None
        for n, line in enumerate(lines, 1):
            m = _HEADING.match(line)
            if m:
                current = out[m["id"]] = {"id": m["id"], "title": m["title"], "text": [], "links": [],
                                          "file": os.path.basename(path), "line": n}
            elif current is not None:
                if line.startswith("- http"):
                    current["links"].append(line[2:].strip())
                elif line.strip() != "Links:":
                    current["text"].append(line)
    for doc in out.values():
        doc["text"] = "\n".join(doc["text"]).strip()
    return out


def url(citation: str) -> str | None:
    """The public link of a citation written as owner/repo#N, owner/repo:path, owner/repo, or a bare URL."""
    head = citation.split(" ", 1)[0].rstrip(":,;")
    if head.startswith(("http://", "https://")):
        return head
    m = re.fullmatch(r"([\w.-]+)/([\w.-]+)#(\d+)", head)
    if m:
        return f"https://github.com/{m[1]}/{m[2]}/issues/{m[3]}"
    m = re.fullmatch(r"([\w.-]+)/([\w.-]+):(\S+)", head)
    if m and "." not in m[1]:
        return f"https://github.com/{m[1]}/{m[2]}/blob/HEAD/{m[3]}"
    if re.fullmatch(r"[\w-]+(\.[\w-]+)+(/\S*)?", head):
        return f"https://{head}"
    m = re.fullmatch(r"([\w.-]+)/([\w.-]+)", head)
    if m:
        return f"https://github.com/{m[1]}/{m[2]}"
    return None
