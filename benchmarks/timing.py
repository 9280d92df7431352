"""How the benchmarks time things: interleaved medians, fresh processes with the same environment, the machine line.

Every figure is measured next to its baseline in the same run: the two (or more) sides alternate, round after round,
starting with a different side each round, so a change of load on the machine falls on both; the median of each side
is reported. Processes are started the same way for both sides (no shell, output discarded, the same environment:
byte-code caching on, a private knowledge cache directory).
"""
from __future__ import annotations

import os
import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable


def environment(cache_dir: str) -> dict[str, str]:
    """The environment of every timed process: this one's, with byte-code caching on (a user's interpreter writes
    .pyc files; PYTHONDONTWRITEBYTECODE would make every start compile the project from source) and a private
    cache of validated knowledge."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONDONTWRITEBYTECODE", "MINIMAGE_NO_CACHE")}
    env.update(MINIMAGE_CACHE_DIR=cache_dir, PYTHONPATH=str(ROOT), NO_COLOR="1")
    return env


def compile_sources() -> None:
    """Byte-compile kb/ and shell/ once, as an installed package would be."""
    import compileall

    for package in ("kb", "shell"):
        compileall.compile_dir(str(ROOT / package), quiet=1)


def run_process(argv: list[str], env: dict[str, str], ok: tuple[int, ...] = (0,)) -> float:
    """Wall time of one process from spawn to exit, in seconds; a failure stops the benchmark with its stderr."""
    start = time.perf_counter()
    done = subprocess.run(argv, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    elapsed = time.perf_counter() - start
    if done.returncode not in ok:
        sys.exit(f"benchmark command failed ({done.returncode}): {' '.join(argv)}\n{done.stderr.decode()[-2000:]}")
    return elapsed


def interleaved(sides: dict[str, Callable[[], float | None]], rounds: int, warmup: int = 1) -> dict[str, list[float]]:
    """Call each side once per round, in an order that rotates every round; a side returns its own time (seconds)
    or None to be timed here. Warm-up rounds are not recorded. Returns every recorded time of each side."""
    names = list(sides)
    times: dict[str, list[float]] = {n: [] for n in names}
    for r in range(warmup + rounds):
        order = names[r % len(names):] + names[:r % len(names)]
        for name in order:
            start = time.perf_counter()
            value = sides[name]()
            elapsed = time.perf_counter() - start if value is None else value
            if r >= warmup:
                times[name].append(elapsed)
    return times


def median(values: list[float]) -> float:
    return statistics.median(values)


def loadavg() -> str:
    try:
        return " ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "unknown"


def machine() -> dict[str, str]:
    """What the figures were measured on: date, CPUs, Python, libyaml, load average."""
    try:
        import yaml

        libyaml = "libyaml" if yaml.__with_libyaml__ else "pure-Python YAML"
    except ImportError:
        libyaml = "no YAML library"
    return {"date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), "cpus": str(os.cpu_count()),
            "python": platform.python_version(), "yaml": libyaml, "load_before": loadavg()}
