"""Measure every figure of the README's benchmark table next to its baseline, and write the table.

    .venv/bin/python -m benchmarks                 # every figure; rewrites the table in README.md
    .venv/bin/python -m benchmarks --quick         # small inputs, few rounds: a smoke run (README untouched)
    .venv/bin/python -m benchmarks --only throughput inspect_musl --dry-run

The table goes between the README's `<!-- benchmarks:start -->` and `<!-- benchmarks:end -->` lines: one row per
figure (figure, measured, baseline, ratio, goal, met), then the machine line and the notes. A run with --only
rewrites just its rows and keeps the others. The single-purpose scripts (bench_*.py) still run on their own.
"""
from __future__ import annotations

import argparse
import re
import shutil
import sys
import tempfile

from .figures import FIGURES, LABELS, Bench, Figure, run
from .timing import ROOT, compile_sources, loadavg, machine

README = ROOT / "README.md"
START, END = "<!-- benchmarks:start -->", "<!-- benchmarks:end -->"
HEADER = "| figure | measured | baseline | ratio | goal | met |\n|---|---|---|---|---|---|\n"


def row(f: Figure) -> str:
    met = "-" if f.met is None else "yes" if f.met else "**no**"
    return f"| {f.what} | {f.ours} | {f.baseline} | {f.ratio} | {f.goal} | {met} |\n"


def _subject(key: str) -> str:
    """A figure's label up to its baseline: how its note line starts."""
    return LABELS[key].split(" vs ")[0].rstrip(", ")


def _old_table(text: str) -> dict[str, str]:
    """The current table's rows and note lines, by figure ("row:KEY", "note:KEY"), and its machine lines
    ("machine"), so a partial run keeps what it did not measure and says when the rest was measured."""
    out = {}
    for key, label in LABELS.items():
        if m := re.search(r"^\| " + re.escape(label) + r" \|.*\n", text, re.M):
            out[f"row:{key}"] = m.group(0)
        if m := re.search(r"^- " + re.escape(_subject(key)) + r": .*\n", text, re.M):
            out[f"note:{key}"] = m.group(0)
    if m := re.search(r"^Measured .*\n(?:(?:Re-measured|Rows) .*\n)*", text, re.M):
        out["machine"] = m.group(0)
    return out


def table(figures: list[Figure], where: dict[str, str], old: dict[str, str]) -> str:
    rows = {f.key: row(f) for f in figures}
    notes = {f.key: f"- {_subject(f.key)}: {f.note}\n" for f in figures if f.note}
    body = "".join(rows.get(k) or old.get(f"row:{k}") or f"| {LABELS[k]} | not measured | | | | |\n" for k in LABELS)
    kept = [k for k in LABELS if k not in rows and f"row:{k}" in old]
    load = f"load average (1, 5, 15 min) {where['load_before']} before, {where['load_after']} after"
    if kept and "machine" in old:  # a partial run: the other rows keep the date and machine they were measured on
        machine = old["machine"] + (f"Rows re-measured {where['date']} by `python -m benchmarks --only "
                                    f"{' '.join(rows)}`: {load}.\n")
    else:
        machine = (f"Measured {where['date']} by `python -m benchmarks`: {where['cpus']} CPUs, Python "
                   f"{where['python']}, {where['yaml']}; {load}. Medians of interleaved runs.\n")
    notes_text = "".join(notes.get(k) or (old.get(f"note:{k}", "") if k in kept else "") for k in LABELS)
    return f"{START}\n{HEADER}{body}\n{machine}" + (f"\n{notes_text}" if notes_text else "") + f"{END}\n"


def write_readme(figures: list[Figure], where: dict[str, str]) -> None:
    text = README.read_text(encoding="utf-8")
    m = re.search(re.escape(START) + r".*?" + re.escape(END) + r"\n?", text, re.S)
    if m is None:
        sys.exit(f"README.md has no {START} ... {END} block to write the table into")
    new = table(figures, where, _old_table(m.group(0)))
    README.write_text(text[:m.start()] + new + text[m.end():], encoding="utf-8")
    print(f"wrote the table into {README}", file=sys.stderr)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.splitlines()[0])
    p.add_argument("--only", nargs="+", choices=list(FIGURES), metavar="FIGURE",
                   help=f"measure only these ({', '.join(FIGURES)})")
    p.add_argument("--quick", action="store_true", help="small inputs and few rounds; never writes the README")
    p.add_argument("--rounds", type=int, default=15, help="rounds of the whole-process figures (default 15)")
    p.add_argument("--dry-run", action="store_true", help="print the table, do not write the README")
    args = p.parse_args(argv)
    compile_sources()
    where = machine()
    print(f"load average before: {where['load_before']}", file=sys.stderr)
    cache_dir = tempfile.mkdtemp(prefix="bench-knowledge-")
    try:
        figures = run(args.only or list(FIGURES), Bench(rounds=3 if args.quick else args.rounds, quick=args.quick,
                                                        cache_dir=cache_dir))
    finally:
        shutil.rmtree(cache_dir, ignore_errors=True)
    where["load_after"] = loadavg()
    sys.stdout.write(table(figures, where, {}))
    if not (args.quick or args.dry_run):
        write_readme(figures, where)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
