"""Time inspect_elf over the ELF files under /usr/bin and /usr/lib, next to `readelf -W -l -d -V` on the same files.

    .venv/bin/python benchmarks/bench_inspect.py [--cap 3000] [--rounds 2] [--dirs /usr/bin /usr/lib]

What is measured, so the figures can be judged:

* one list of files (regular ELF files, each inode once, sorted walk) is used for both tools, in the same run;
* readelf runs once per file, as a tool calling it would (process spawn included); inspect_elf runs in-process,
  sequentially, one call per file;
* before timing, both are warmed up on the first files of the list (imports, the
  readelf binary and its libraries in the page cache), and every file is read once so neither side pays for
  the disk;
* the timed rounds alternate the order (round 1: inspect_elf first, round 2: readelf first, ...) and every
  round's wall times are printed; the ratio is the sum over all rounds;
* the load average is printed before and after: other work on the machine slows both sides, readelf's process
  spawns usually more.

Also counts the files inspect_elf refused (EvidenceError) and any disagreement with readelf on the interpreter
and the NEEDED list.
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

WARMUP_FILES = 50


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


def load() -> str:
    try:
        return " ".join(f"{x:.2f}" for x in os.getloadavg()) + f" (1/5/15 min; {os.cpu_count()} CPUs)"
    except OSError:
        return "unknown"


def run_ours(files):
    reports, errors = {}, {}
    t0 = time.perf_counter()
    c0 = time.process_time()
    for p in files:
        try:
            reports[p] = inspect_elf(p)
        except EvidenceError as e:
            errors[p] = e
    return time.perf_counter() - t0, time.process_time() - c0, reports, errors


def run_readelf(readelf, files):
    outs = {}
    t0 = time.perf_counter()
    for p in files:
        r = subprocess.run([readelf, "-W", "-l", "-d", "-V", p], capture_output=True, text=True, errors="replace")
        outs[p] = r.stdout
    return time.perf_counter() - t0, outs


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--cap", type=int, default=3000)
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--dirs", nargs="+", default=["/usr/bin", "/usr/lib"])
    a = ap.parse_args()
    print(f"load average before: {load()}")
    files = elf_files(a.dirs, a.cap)
    n = len(files)
    print(f"{n} ELF files under {' '.join(a.dirs)} (cap {a.cap}); the same list for both tools")
    if not files:
        return 1
    readelf = shutil.which("readelf")

    # Warm-up (untimed): page cache for every file, then both tools on the first files.
    for p in files:
        try:
            with open(p, "rb") as fh:
                while fh.read(1 << 20):
                    pass
        except OSError:
            pass
    warm = files[:WARMUP_FILES]
    run_ours(warm)
    if readelf:
        run_readelf(readelf, warm)
    print(f"warm-up: every file read once; both tools run on the first {len(warm)} files (untimed)")

    tot_ours = tot_cpu = tot_readelf = 0.0
    reports, errors, outs = {}, {}, {}
    for rnd in range(1, max(1, a.rounds) + 1):
        order = ("ours", "readelf") if rnd % 2 else ("readelf", "ours")
        line = [f"round {rnd}:"]
        for who in order:
            if who == "ours":
                t, c, reports, errors = run_ours(files)
                tot_ours += t
                tot_cpu += c
                line.append(f"inspect_elf {t:7.3f} s ({1000 * t / n:6.3f} ms/file)")
            elif readelf:
                t, outs = run_readelf(readelf, files)
                tot_readelf += t
                line.append(f"readelf {t:7.3f} s ({1000 * t / n:6.3f} ms/file)")
        print("  ".join(line))

    rounds = max(1, a.rounds)
    print(f"files compared: {n} per round, {rounds} round(s); inspect_elf refused {len(errors)} (EvidenceError)")
    print(f"inspect_elf     : {tot_ours:8.3f} s total, {1000 * tot_ours / (n * rounds):7.3f} ms/file "
          f"(CPU {1000 * tot_cpu / (n * rounds):.3f} ms/file, in-process)")
    if readelf:
        print(f"readelf -l -d -V: {tot_readelf:8.3f} s total, {1000 * tot_readelf / (n * rounds):7.3f} ms/file "
              f"(one process per file)")
        ratio = tot_ours / tot_readelf
        print(f"ratio inspect_elf / readelf = {ratio:.3f}  (readelf takes {1 / ratio:.1f}x as long; goal >= 5x)")
        mismatches = []
        for p, rep in reports.items():
            out = outs[p]
            m = re.search(r"\[Requesting program interpreter: ([^\]]+)\]", out)
            interp = m.group(1) if m else None
            needed = re.findall(r"\(NEEDED\)\s+Shared library: \[([^\]]+)\]", out)
            if interp != rep.interpreter or needed != list(rep.needed):
                mismatches.append(p)
        print(f"interpreter/NEEDED disagreements with readelf: {len(mismatches)} of {len(reports)}")
        for p in mismatches[:10]:
            print("  ", p)
    else:
        print("readelf not found: no comparison")
    for p, e in list(errors.items())[:10]:
        print("  refused:", e)
    print(f"load average after: {load()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
