"""Time start-to-first-question of the chat shell on a pseudo-terminal, next to `python -c "import prompt_toolkit"`.

    .venv/bin/python benchmarks/bench_startup.py [--runs 10]

Both are spawned the same way (pexpect, a 40x120 pty, NO_COLOR=1, history in a temporary directory), interleaved,
and timed from spawn to:
  question  the first question's text is on the screen ("Which language is the program written in?");
  prompt    the `language>` prompt is drawn, i.e. the person can type;
  baseline  `python -c "import prompt_toolkit"` has exited.
  pass      `python -c pass` has exited: interpreter start-up plus the pty harness, common to all three.
Prints the median of each over the runs and the ratio to the baseline (goal: at most 1.3x), raw and net of `pass`.
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import pexpect

REPO = Path(__file__).resolve().parents[1]
QUESTION = "Which language is the program written in?"


def environment(tmp: str) -> dict[str, str]:
    return {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": tmp, "XDG_STATE_HOME": tmp, "NO_COLOR": "1",
            "TERM": "xterm", "LANG": "C.UTF-8", "PYTHONPATH": str(REPO), "PROMPT_TOOLKIT_NO_CPR": "1"}


def time_chat(python: str, env: dict[str, str]) -> tuple[float, float]:
    start = time.perf_counter()
    child = pexpect.spawn(python, ["-m", "shell"], env=env, cwd=env["HOME"], dimensions=(40, 120),
                          encoding="utf-8", timeout=30)
    child.expect_exact(QUESTION)
    question = time.perf_counter() - start
    child.expect_exact("language>")
    prompt = time.perf_counter() - start
    child.sendeof()
    child.expect(pexpect.EOF)
    child.close()
    if child.exitstatus != 0:
        sys.exit(f"python -m shell exited {child.exitstatus}")
    return question, prompt


def time_baseline(python: str, env: dict[str, str], code: str = "import prompt_toolkit") -> float:
    start = time.perf_counter()
    child = pexpect.spawn(python, ["-c", code], env=env, cwd=env["HOME"], dimensions=(40, 120),
                          encoding="utf-8", timeout=30)
    child.expect(pexpect.EOF)
    elapsed = time.perf_counter() - start
    child.close()
    if child.exitstatus != 0:
        sys.exit(f"python -c {code!r} failed: {child.before}")
    return elapsed


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--runs", type=int, default=10)
    p.add_argument("--python", default=sys.executable)
    args = p.parse_args()
    questions, prompts, baselines, empties = [], [], [], []
    with tempfile.TemporaryDirectory() as tmp:
        env = environment(tmp)
        time_chat(args.python, env), time_baseline(args.python, env)  # warm the page cache and .pyc files
        for _ in range(args.runs):
            q, pr = time_chat(args.python, env)
            questions.append(q)
            prompts.append(pr)
            baselines.append(time_baseline(args.python, env))
            empties.append(time_baseline(args.python, env, "pass"))
    base, empty = statistics.median(baselines), statistics.median(empties)
    print(f"runs: {args.runs} each, interleaved; medians (min..max); 'net' subtracts python -c pass (interpreter "
          "start-up and the pty harness) from both sides")
    print(f"  {'python -c pass':<34} {empty * 1000:7.1f} ms  ({min(empties) * 1000:.1f}..{max(empties) * 1000:.1f})")
    label = "python -c 'import prompt_toolkit'"
    print(f"  {label:<34} {base * 1000:7.1f} ms  "
          f"({min(baselines) * 1000:.1f}..{max(baselines) * 1000:.1f})")
    for label, values in (("python -m shell, first question", questions), ("python -m shell, prompt ready", prompts)):
        med = statistics.median(values)
        print(f"  {label:<34} {med * 1000:7.1f} ms  ({min(values) * 1000:.1f}..{max(values) * 1000:.1f})"
              f"  ratio {med / base:.2f}x, net {(med - empty) / (base - empty):.2f}x")

if __name__ == "__main__":
    main()
