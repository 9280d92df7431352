"""Benchmarks of the knowledge base (issues 2 and 13), in more detail than `python -m benchmarks`, which measures
the README's figures. Not tests: run by hand.

    .venv/bin/python benchmarks/bench_kb.py

1. rule base load (parse + validate) and compile (durable-rules registration), median of 30, uncached and from
   the cache of validated knowledge (kb/cache.py);
2. consultations per second in-process, over a fixed mix of answer sets;
3. whole-process time of `minimage-ask --answer ... --format json` next to `python -c "import yaml, durable.lang"`,
   median of 15 runs each, interleaved in the same run.
"""
from __future__ import annotations

import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import yaml  # noqa: E402

import kb  # noqa: E402
from kb.engine import Engine  # noqa: E402
from kb.loader import load_knowledge  # noqa: E402
from benchmarks.timing import environment  # noqa: E402


def median_ms(fn, runs: int) -> float:
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times) * 1000


def main() -> None:
    print(f"python {sys.version.split()[0]}, libyaml: {yaml.__with_libyaml__}")
    knowledge = load_knowledge()
    load = median_ms(load_knowledge, 30)
    compile_ = median_ms(lambda: Engine(knowledge.rules.values()), 30)
    print(f"load + validate rules.yaml: {load:.1f} ms; compile to durable-rules: {compile_:.1f} ms; "
          f"total {load + compile_:.1f} ms (goal <= 15 ms)")
    kb.load()  # fills the cache of validated knowledge
    cached = median_ms(lambda: kb.load().engine, 30)
    print(f"the same from the cache of validated knowledge (what the command line does): {cached:.1f} ms "
          "(goal <= 3 ms)")

    rb = kb.load()
    rng = random.Random(1)
    cases = [{q.id: rng.choice(list(q.choices)) for q in rb.questions} for _ in range(500)]
    for answers in cases[:50]:
        rb.consult(answers)
    t = time.perf_counter()
    for answers in cases:
        rb.consult(answers)
    per_second = len(cases) / (time.perf_counter() - t)
    engine_only = [[kb.Fact(k, v) for k, v in a.items()] for a in cases]
    t = time.perf_counter()
    for facts in engine_only:
        rb.engine.run(facts)
    engine_per_second = len(cases) / (time.perf_counter() - t)
    print(f"consultations: {per_second:,.0f}/s (goal >= 3,000); inference alone {engine_per_second:,.0f}/s")

    python = sys.executable
    bare = [python, "-c", "import yaml, durable.lang"]
    ours = [python, "-m", "shell", "--format", "json", "--answer", "language=go", "--answer", "cgo=no",
            "--answer", "go_net=yes", "--answer", "tls=yes"]
    env = environment(os.path.join(tempfile.mkdtemp(prefix="bench-kb-"), "cache"))  # byte-code caching on
    bare_t, ours_t = [], []
    for _ in range(15):
        for cmd, sink in ((bare, bare_t), (ours, ours_t)):
            t = time.perf_counter()
            subprocess.run(cmd, cwd=ROOT, check=True, stdout=subprocess.DEVNULL, env=env)
            sink.append(time.perf_counter() - t)
    b, o = statistics.median(bare_t) * 1000, statistics.median(ours_t) * 1000
    print(f"whole process: consultation --format json {o:.0f} ms, bare 'import yaml, durable.lang' {b:.0f} ms, "
          f"ratio {o / b:.2f} (goal <= 1.15)")


if __name__ == "__main__":
    main()
