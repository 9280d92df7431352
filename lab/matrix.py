"""Run every sample program in every emulated root and classify what happened.

Each run copies the program to ``/app`` in a fresh sandbox (``lab.sandbox``)
and executes it. The outcome is classified from what actually happened, in
this order:

* ``ok``: exit status 0;
* ``missing-interpreter``: ``execve`` of an existing ``/app`` failed with ENOENT,
  i.e. its ELF PT_INTERP loader (or a script's ``#!`` interpreter) is absent;
* ``glibc-too-old:GLIBC_x.y``: ``version `GLIBC_x.y' not found``;
* ``missing-library:<soname>``: glibc ``error while loading shared libraries: X:
  cannot open shared object file`` or musl ``Error loading shared library X``;
* ``symbol-not-found``: musl ``Error relocating …: symbol not found``;
* ``missing-passwd``: the program could not resolve its user (Go ``user: unknown
  userid``, ``user: Current requires cgo or $USER set``, Docker's ``no matching
  entries in passwd file``);
* ``other:<text>``: anything else (timeout, exit status and first stderr line).

``run_matrix()`` returns ``{(program, root): Outcome}``;
``python -m lab.matrix [--json] [--roots a,b] [--programs x,y]`` prints a Markdown table.
"""

from __future__ import annotations

import errno
import json
import re
import sys
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path

from lab import build as lab_build
from kb.evidence.elf import inspect_elf
from kb.evidence.errors import EvidenceError
from lab import roots as lab_roots, sandbox

RE_GLIBC_VERSION = re.compile(r"version [`'](GLIBC_[0-9.]+)' not found")
RE_GLIBC_MISSING = re.compile(r"error while loading shared libraries: ([^:\s]+): cannot open shared object file")
RE_MUSL_MISSING = re.compile(r"Error loading shared library ([^:\s]+): ")
RE_MUSL_RELOC = re.compile(r"Error relocating [^:]+: ([^:]+): symbol not found")
RE_PASSWD = re.compile(
    r"user: unknown user(id)? |Current requires cgo or \$USER set|no matching entries in passwd file"
    r"|cannot find name for user ID"
)


@dataclass
class Outcome:
    program: str
    root: str
    status: str
    exit_code: int
    detail: str = ""
    stdout: str = ""

    @property
    def ok(self) -> bool:
        return self.status == "ok"

    def __str__(self) -> str:
        return self.status


def _first_line(text: str, limit: int = 80) -> str:
    for line in text.splitlines():
        if line.strip():
            return line.strip()[:limit]
    return ""


def _interpreter_of(path: Path | None) -> str:
    if path is None or not path.exists():
        return ""
    try:
        return inspect_elf(path).interpreter or ""
    except EvidenceError:
        pass  # not an ELF file: perhaps a script
    head = path.read_bytes()[:256]
    if head.startswith(b"#!"):
        return head[2:].split(b"\n")[0].strip().decode(errors="replace")
    return ""


def classify(res: sandbox.RunResult, program_path: Path | None = None) -> tuple[str, str]:
    """(status, detail) for one run; see the module docstring for the categories."""
    err = res.stderr
    if res.setup_error:
        return "other:sandbox-setup", res.setup_error
    if res.timed_out:
        return "other:timeout", _first_line(err)
    if res.exit_code == 0:
        return "ok", ""
    if res.exec_errno is not None:
        if res.exec_errno == errno.ENOENT and res.exec_target_exists:
            return "missing-interpreter", _interpreter_of(program_path) or _first_line(err)
        name = errno.errorcode.get(res.exec_errno, str(res.exec_errno))
        return f"other:exec-{name}", _first_line(err)
    m = RE_GLIBC_VERSION.search(err)
    if m:
        return f"glibc-too-old:{m.group(1)}", _first_line(err)
    m = RE_GLIBC_MISSING.search(err) or RE_MUSL_MISSING.search(err)
    if m:
        return f"missing-library:{m.group(1)}", _first_line(err)
    m = RE_MUSL_RELOC.search(err)
    if m:
        return "symbol-not-found", m.group(1)
    if RE_PASSWD.search(err):
        return "missing-passwd", _first_line(err)
    text = _first_line(err, 60) or f"exit {res.exit_code}"
    return f"other:{text}", f"exit {res.exit_code}: {_first_line(err, 200)}"


def run_one(program: str, path: Path, root: lab_roots.Root, timeout: float = 10) -> Outcome:
    res = sandbox.run(root, ["/app"], copy_in={str(path): "/app"}, timeout=timeout)
    status, detail = classify(res, path)
    return Outcome(program, root.name, status, res.exit_code, detail, res.stdout.strip()[:200])


def run_matrix(
    programs: list[str] | None = None,
    roots: list[str] | None = None,
    build: bool = True,
    workers: int = 2,
    timeout: float = 10,
) -> dict[tuple[str, str], Outcome]:
    """Run each built program in each root; {(program, root): Outcome}.

    With ``build`` the programs and the core roots are built first (both cached);
    otherwise only what is already in the cache is used. Roots default to the
    core set plus any optional root already built.
    """
    ok, why = sandbox.available()
    if not ok:
        raise sandbox.SandboxUnavailable(why)
    if build:
        built = lab_build.build_all(programs)
        prog_paths = {n: b.path for n, b in built.items() if b.ok}
    else:
        prog_paths = {
            p.name: lab_build.bin_dir() / p.name
            for p in lab_build.PROGRAMS
            if (lab_build.bin_dir() / p.name).exists() and (not programs or p.name in programs)
        }
    names = roots or lab_roots.CORE_ROOTS + [n for n in lab_roots.OPTIONAL_ROOTS if lab_roots.get(n)]
    root_objs: list[lab_roots.Root] = []
    for n in names:
        r = lab_roots.build(n) if build else lab_roots.get(n)
        if r is not None:
            root_objs.append(r)
    jobs = [(p, path, r) for p in prog_paths for path in [prog_paths[p]] for r in root_objs]
    with ThreadPoolExecutor(max_workers=max(1, workers)) as ex:
        outs = list(ex.map(lambda j: run_one(*j, timeout=timeout), jobs))
    return {(o.program, o.root): o for o in outs}


def markdown(results: dict[tuple[str, str], Outcome]) -> str:
    programs = list(dict.fromkeys(p for p, _ in results))
    roots = list(dict.fromkeys(r for _, r in results))
    lines = ["| program | " + " | ".join(roots) + " |", "|---|" + "---|" * len(roots)]
    for p in programs:
        cells = []
        for r in roots:
            o = results.get((p, r))
            cells.append("" if o is None else ("**ok**" if o.ok else o.status.replace("|", "\\|")))
        lines.append(f"| {p} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    import argparse

    ap = argparse.ArgumentParser(prog="python -m lab.matrix", description=__doc__.split("\n")[0])
    ap.add_argument("--json", action="store_true", help="print JSON instead of a Markdown table")
    ap.add_argument("--roots", help="comma-separated root names")
    ap.add_argument("--programs", help="comma-separated program names")
    ap.add_argument("--no-build", action="store_true", help="use only what is already cached")
    ap.add_argument("--workers", type=int, default=2)
    args = ap.parse_args(argv)
    ok, why = sandbox.available()
    if not ok:
        print(f"cannot run the matrix: {why}", file=sys.stderr)
        return 1
    results = run_matrix(
        programs=args.programs.split(",") if args.programs else None,
        roots=args.roots.split(",") if args.roots else None,
        build=not args.no_build,
        workers=args.workers,
    )
    if args.json:
        print(json.dumps([asdict(o) for o in results.values()], indent=2))
    else:
        print(markdown(results))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
