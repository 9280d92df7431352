"""Time inspect_elf over the ELF files under /usr/bin and /usr/lib, next to `readelf -l -d -V` on the same files.

    .venv/bin/python benchmarks/bench_inspect.py [--cap 3000] [--dirs /usr/bin /usr/lib]

readelf runs once per file (as a tool would call it); inspect_elf runs in-process. Both totals are wall time
over the same list of files, in the same run. Also counts the files inspect_elf refused (EvidenceError) and
any disagreement with readelf on the interpreter and the NEEDED list.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from kb.evidence.elf import inspect_elf  # noqa: E402
from kb.evidence.errors import EvidenceError  # noqa: E402


def elf_files(dirs, cap):
    out, seen = [], set()
    for d in dirs:
        for root, dirnames, files in os.walk(d):
            dirnames.sort()
            for f in sorted(files):
                p = os.path.join(root, f)
                try:
                    if os.path.islink(p) or not os.path.isfile(p):
                        continue
                    st = os.stat(p)
                    if (st.st_dev, st.st_ino) in seen:
                        continue
                    with open(p, "rb") as fh:
                        if fh.read(4) != b"\x7fELF":
                            continue
                except OSError:
                    continue
                seen.add((st.st_dev, st.st_ino))
                out.append(p)
                if len(out) >= cap:
                    return out
    return out


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--cap", type=int, default=3000)
    ap.add_argument("--dirs", nargs="+", default=["/usr/bin", "/usr/lib"])
    a = ap.parse_args()
    files = elf_files(a.dirs, a.cap)
    print(f"{len(files)} ELF files under {' '.join(a.dirs)} (cap {a.cap})")

    t0 = time.perf_counter()
    reports, errors = {}, {}
    for p in files:
        try:
            reports[p] = inspect_elf(p)
        except EvidenceError as e:
            errors[p] = e
    t_ours = time.perf_counter() - t0

    readelf = shutil.which("readelf")
    t_readelf = None
    mismatches = []
    if readelf:
        t0 = time.perf_counter()
        outs = {}
        for p in files:
            r = subprocess.run([readelf, "-W", "-l", "-d", "-V", p], capture_output=True, text=True,
                               errors="replace")
            outs[p] = r.stdout
        t_readelf = time.perf_counter() - t0
        for p, rep in reports.items():
            out = outs[p]
            m = re.search(r"\[Requesting program interpreter: ([^\]]+)\]", out)
            interp = m.group(1) if m else None
            needed = re.findall(r"\(NEEDED\)\s+Shared library: \[([^\]]+)\]", out)
            if interp != rep.interpreter or needed != list(rep.needed):
                mismatches.append(p)

    n = max(len(files), 1)
    print(f"inspect_elf : {t_ours:8.3f} s total, {1000 * t_ours / n:7.3f} ms/file, "
          f"{len(errors)} refused (EvidenceError)")
    if t_readelf is not None:
        print(f"readelf -l -d -V: {t_readelf:8.3f} s total, {1000 * t_readelf / n:7.3f} ms/file (one process per file)")
        print(f"ratio inspect_elf / readelf = {t_ours / t_readelf:.2f}")
        print(f"interpreter/NEEDED disagreements with readelf: {len(mismatches)}")
        for p in mismatches[:10]:
            print("  ", p)
    else:
        print("readelf not found: no comparison")
    for p, e in list(errors.items())[:10]:
        print("  refused:", e)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
