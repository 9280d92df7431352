"""Run a longer hypothesis session against the evidence parsers and keep every crashing input.

    .venv/bin/python tests/evidence/fuzz_corpus/run_fuzz.py [--minutes 3] [--target elf|dockerfile|all]

A crashing input (anything but a report or an EvidenceError, or a deadline overrun) is shrunk by hypothesis
and written to fuzz_corpus/<target>/<sha1>; tests/evidence/test_fuzz.py replays every file there.
"""

from __future__ import annotations

import argparse
import hashlib
import sys
import time
from datetime import timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[2]))  # the repo root

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from tests.evidence.fuzz_targets import (dockerfile_target, dockerfile_text, elf_target,  # noqa: E402
                                         mutated_elf, seed_elf)


def save(kind: str, data: bytes) -> Path:
    d = HERE / kind
    d.mkdir(exist_ok=True)
    p = d / hashlib.sha1(data).hexdigest()[:16]
    p.write_bytes(data)
    return p


def session(kind: str, strategy, target, to_bytes, examples: int) -> int:
    last: list = [None]

    @settings(max_examples=examples, deadline=timedelta(seconds=5), database=None,
              suppress_health_check=list(HealthCheck))
    @given(strategy)
    def run(x):
        last[0] = x
        target(x)

    try:
        run()
        return 0
    except Exception as e:  # noqa: BLE001 - the point is to catch everything
        p = save(kind, to_bytes(last[0]))
        print(f"{kind}: {type(e).__name__}: {str(e)[:200]}\n  kept {p}", flush=True)
        return 1


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--minutes", type=float, default=3.0)
    ap.add_argument("--target", choices=("elf", "dockerfile", "all"), default="all")
    ap.add_argument("--batch", type=int, default=2000)
    a = ap.parse_args()
    seed = seed_elf()
    targets = []
    if a.target in ("elf", "all"):
        strat = st.one_of(st.binary(max_size=4096), st.binary(max_size=1024).map(lambda b: b"\x7fELF" + b),
                          mutated_elf(seed))
        targets.append(("elf", strat, elf_target, lambda b: b))
    if a.target in ("dockerfile", "all"):
        targets.append(("dockerfile", dockerfile_text, dockerfile_target,
                        lambda s: s.encode("utf-8", "surrogatepass")))
    end = time.monotonic() + a.minutes * 60
    found = batches = 0
    while time.monotonic() < end:
        for kind, strat, target, to_bytes in targets:
            found += session(kind, strat, target, to_bytes, a.batch)
            batches += 1
    print(f"{batches} batches of {a.batch} examples, {found} crashing inputs kept")
    return 1 if found else 0


if __name__ == "__main__":
    raise SystemExit(main())
