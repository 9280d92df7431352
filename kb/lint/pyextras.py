"""The extras a pip step asks for (`psycopg[binary]`, `"uvicorn[standard]"`), in its arguments and in the requirements
files it reads, as `name[extra]` (the name as PEP 503 writes it, the extra in lower case).

An extra installs packages that the bare name does not: psycopg[binary] brings psycopg-binary, whose wheel carries
its own libpq, where psycopg alone is pure Python and opens the system's libpq.so.5 at import (MI470 reads them
through `loads_unless` in knowledge/native-packages.yaml).
"""
from __future__ import annotations

import posixpath

from ..lazyre import lazy

#: a requirement with extras: its name, then [extra, extra] (PEP 508)
_WITH_EXTRAS = lazy(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*\[([^\]]*)\]")


def spec_extras(spec: str) -> list[str]:
    """`name[extra]` for each extra of one requirement (psycopg[binary,pool]==3.2 -> psycopg[binary], psycopg[pool])."""
    from ..evidence.textscan import pep503

    m = _WITH_EXTRAS.match(spec.strip().strip("'\""))
    if not m:
        return []
    return [f"{pep503(m.group(1))}[{x.strip().lower()}]" for x in m.group(2).split(",") if x.strip()]


def step_extras(context_dir: str | None, specs: list[str], files: list[str]) -> list[str]:
    """The extras of a pip step: of its requirement arguments (`specs`) and of the lines of the requirements files
    it reads (`files`, looked up in the build context as written, else by base name)."""
    out = [x for s in specs for x in spec_extras(s)]
    if context_dir:
        from ..evidence.errors import read_project_file

        for name in files:
            if "$" in name:
                continue
            text = (read_project_file(context_dir, name) if not posixpath.isabs(name) else None) \
                or read_project_file(context_dir, posixpath.basename(name)) or ""
            for line in text.split("\n"):
                line = line.split("#", 1)[0].strip()
                if line and not line.startswith("-"):
                    out += spec_extras(line)
    return list(dict.fromkeys(out))
