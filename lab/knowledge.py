"""The rule base against reality: what minimage-ask says about each sample program and image root, next to what
happens when the program runs there.

For every program of lab.build and every emulated root, the rule base gives a verdict twice:
  * from evidence: `inspect` of the built binary (plus the answers a user would give about it), judged for the
    binary as it is;
  * from a consultation: the answers that describe the program, judged for the build strategy the lab's compiler
    flags correspond to.
A viable verdict must run; a rejection must fail, and fail the way its rule says (MI150 a missing loader, MI152 a
missing library, ...). Changes a plan calls for are applied to the run where the lab can (copy-passwd copies an
/etc/passwd in). `python -m lab.knowledge` prints the table in docs/matrix.md.
"""
from __future__ import annotations

import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import kb
from kb.evidence.elf import inspect_elf
from kb.evidence.facts import inspect_path
from kb.model import Plan, Rejection
from lab import build as lab_build
from lab import matrix as lab_matrix
from lab import roots as lab_roots
from lab import sandbox

# emulated root -> the catalogue image it stands for (lab/roots.py says how faithful each is)
ROOT_IMAGES = {
    "scratch": "scratch",
    "busybox-musl": "busybox:musl",
    "busybox-uclibc": "busybox:uclibc",
    "busybox-glibc": "busybox:glibc",
    "alpine": "alpine:3.24",
    "distroless-static": "gcr.io/distroless/static-debian12",
    "distroless-base-nossl": "gcr.io/distroless/base-nossl-debian12",
    "distroless-base": "gcr.io/distroless/base-debian12",
    "distroless-cc": "gcr.io/distroless/cc-debian12",
    "debian-slim": "debian:bookworm-slim",
}

NOTHING_ELSE = {"tls": "no", "timezones": "no", "named_user": "no", "needs_shell": "no"}


@dataclass(frozen=True)
class Case:
    """A lab program: what a user would answer about it, and the build strategy its compiler flags are."""

    program: str
    answers: dict
    strategy: str | None  # None: no strategy builds it the lab's way (checked from evidence only)


def _c(program, strategy, language="c", static="no", native="no", **more):
    return Case(program, {"language": language, "static_ok": static, "native_deps": native, **NOTHING_ELSE, **more},
                strategy)


def _go(program, strategy, cgo, net, **more):
    answers = {"language": "go", "cgo": cgo, "go_net": net, **NOTHING_ELSE, **more}
    if cgo == "yes":
        answers["static_ok"] = "no"
    return Case(program, answers, strategy)


CASES = [
    _c("c-hello", "c-dynamic-glibc"),
    _c("c-hello-static", "c-static-glibc", static="yes"),
    _c("cpp-hello", "cpp-dynamic-glibc", language="cpp"),
    _c("cpp-hello-static", "cpp-static-glibc", language="cpp", static="yes"),
    _c("musl-hello", "c-dynamic-musl"),
    _c("musl-hello-static", "c-static-musl", static="yes"),
    _c("c-libm", "c-dynamic-glibc"),
    _c("c-libssl", None, native="yes"),  # a plan installs its libraries with apt: the lab has no network for that
    _c("c-zlib", None, native="yes"),
    _c("c-fortify", "c-dynamic-glibc"),
    _c("c-getaddrinfo", "c-dynamic-glibc"),
    _c("c-getaddrinfo-static", "c-static-glibc", static="yes"),
    # fmt only: cgo on still links statically (A2), which no cgo strategy describes; checked from evidence only
    _go("go-hello-cgo1", None, "no", "no"),
    _go("go-hello-cgo0", "go-static", "no", "no"),
    _go("go-net-cgo1", "go-cgo-dynamic-glibc", "yes", "yes"),
    _go("go-net-cgo0", "go-static", "no", "yes"),
    _go("go-dns-cgo1", "go-cgo-dynamic-glibc", "yes", "yes"),
    _go("go-dns-cgo0", "go-static", "no", "yes"),
    _go("go-user-cgo1", "go-cgo-dynamic-glibc", "yes", "yes", named_user="yes"),
    _go("go-user-cgo0", "go-static", "no", "yes", named_user="yes"),
    Case("py-hello", {"language": "python", "native_deps": "no", **NOTHING_ELSE}, None),
    _c("rust-hello-gnu", "rust-dynamic-gnu", language="rust"),
]
CASE = {c.program: c for c in CASES}

# what running must show when a rule rejects an image
FAILURE_OF_RULE = {"MI150": "missing-interpreter", "MI153": "missing-interpreter", "MI152": "missing-library",
                   "MI151": "glibc-too-old", "MI156": "missing-passwd"}

PASSWD = "root:x:0:0:root:/root:/sbin/nologin\nnonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin\n"


@dataclass(frozen=True)
class Check:
    program: str
    root: str
    source: str  # evidence | consultation
    verdict: str  # viable | rejected
    rule: str  # the rejecting rule, or "" when viable
    reason: str
    outcome: str  # what happened: ok, missing-interpreter, missing-library:libstdc++.so.6, ...
    changes: tuple[str, ...] = ()
    rank: int = 0  # a viable verdict's rank among the plans for the lab's images (1 = the recommendation)

    @property
    def agrees(self) -> bool:
        if self.verdict == "viable":
            return self.outcome == "ok"
        expected = FAILURE_OF_RULE.get(self.rule)
        if expected is None or not self.outcome.startswith(expected):
            return False
        if expected == "missing-library":  # and the very library the rule named
            return self.outcome.split(":", 1)[1] in self.reason
        return True


def verdicts(rb: kb.RuleBase, case: Case, binary: Path, source: str) -> dict[str, Plan | Rejection]:
    """image -> the plan for this program on it, or the rejection; for one source of knowledge."""
    if source == "evidence":
        session = rb.session({k: v for k, v in case.answers.items() if k != "language" and k != "static_ok"})
        session.add_evidence(inspect_path(str(binary))[2])
        strategy = "prebuilt-binary"
    else:
        session = rb.session(case.answers)
        strategy = case.strategy
    judged = session.judge(ROOT_IMAGES.values())
    out: dict[str, Plan | Rejection] = {}
    for plan in judged.plans:
        if plan.strategy == strategy:
            out.setdefault(plan.final_image, plan)
    for rejection in judged.rejected:
        if rejection.strategy == strategy:
            out.setdefault(rejection.image, rejection)
    return out


HOST_LIBDIRS = ("/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu")


def run_with_changes(binary: Path, root: lab_roots.Root, plan: Plan) -> tuple[str, tuple[str, ...]]:
    """Run the program the way the plan ships it, as far as the lab can: the /etc/passwd a plan copies in, and
    libraries a plan installs with apt, copied from this Debian 12 host (the same packages, no network)."""
    copies = {str(binary): "/app"}
    applied = []
    if any("apt-get install" in step.instruction for step in plan.changes):
        for soname in inspect_elf(binary).needed:
            if not any((root.path / d.lstrip("/") / soname).exists() for d in HOST_LIBDIRS):
                host = next((Path(d) / soname for d in HOST_LIBDIRS if (Path(d) / soname).exists()), None)
                if host is not None:
                    copies[str(host.resolve())] = f"/usr/lib/x86_64-linux-gnu/{soname}"
                    applied.append(f"apt-get install ({soname})")
    with tempfile.TemporaryDirectory() as tmp:
        if any("/tmp/passwd /etc/passwd" in step.instruction for step in plan.changes + plan.steps):
            passwd = Path(tmp) / "passwd"
            passwd.write_text(PASSWD)
            copies[str(passwd)] = "/etc/passwd"
            applied.append("copy-passwd")
        result = sandbox.run(root, ["/app"], copy_in=copies, timeout=10)
        status, _ = lab_matrix.classify(result, binary)
    return status, tuple(applied)


def check_all(rb: kb.RuleBase | None = None) -> list[Check]:
    """Every program in every root, against both sources of knowledge."""
    rb = rb or kb.load()
    built = lab_build.build_all([c.program for c in CASES])
    roots = {name: lab_roots.build(name) for name in ROOT_IMAGES if name in lab_roots.RECIPES}
    roots = {n: r for n, r in roots.items() if isinstance(r, lab_roots.Root)}
    plain = lab_matrix.run_matrix(programs=[p for p, b in built.items() if b.ok], roots=list(roots), build=False)
    checks = []
    for case in CASES:
        if not built[case.program].ok:
            continue
        binary = built[case.program].path
        for source in ("evidence", "consultation"):
            if source == "consultation" and case.strategy is None:
                continue
            judged = verdicts(rb, case, binary, source)
            for root_name, root in roots.items():
                verdict = judged.get(ROOT_IMAGES[root_name])
                if verdict is None:
                    continue
                outcome = plain[(case.program, root_name)].status
                if isinstance(verdict, Plan):
                    outcome, applied = run_with_changes(binary, root, verdict) if verdict.changes else (outcome, ())
                    checks.append(Check(case.program, root_name, source, "viable", "", "", outcome, applied,
                                        verdict.rank))
                else:
                    checks.append(Check(case.program, root_name, source, "rejected", verdict.rule_id, verdict.reason,
                                        outcome))
    return checks


def size_of(rb: kb.RuleBase, root: str) -> float:
    return rb.knowledge.image(ROOT_IMAGES[root]).size_mb


def markdown(checks: list[Check], rb: kb.RuleBase) -> str:
    """The matrix as docs/matrix.md shows it (from evidence: the binary as it is)."""
    roots = [r for r in ROOT_IMAGES if any(c.root == r for c in checks)]
    lines = [
        "# What runs where: the rule base against real runs",
        "",
        "Generated by `python -m lab.knowledge` (as root); `tests/lab/test_lab_knowledge.py` fails when this file is",
        "stale. Each cell is what happened when the program ran in the emulated image root, then the rule base's",
        "verdict from `minimage-ask inspect` of the binary: `yes` (a viable plan), or the rule that rejects the image.",
        "A cell is marked `!!` where the two disagree (there are none while the tests pass).",
        "",
        "| program | " + " | ".join(f"{r} ({ROOT_IMAGES[r]})" for r in roots) + " |",
        "|---|" + "---|" * len(roots),
    ]
    by_key = {(c.program, c.root): c for c in checks if c.source == "evidence"}
    for case in CASES:
        cells = []
        for r in roots:
            c = by_key.get((case.program, r))
            if c is None:
                cells.append("")
                continue
            verdict = "yes" if c.verdict == "viable" else c.rule
            cells.append(f"{c.outcome} / {verdict}" + ("" if c.agrees else " !!"))
        if any(cells):
            lines.append(f"| {case.program} | " + " | ".join(cells) + " |")
    lines += ["", "## How faithful the roots are", ""]
    for r in roots:
        root = lab_roots.get(r)
        manifest = root.manifest if root else {}
        differences = "; ".join(manifest.get("differences", [])) or "none known"
        lines.append(f"* **{r}** ({ROOT_IMAGES[r]}), {manifest.get('faithfulness', '?')}: {manifest.get('recipe', '')}. "
                     f"Differences: {differences}")
    return "\n".join(lines) + "\n"


def main() -> int:
    ok, why = sandbox.available()
    if not ok:
        print(f"cannot run the matrix: {why}", file=sys.stderr)
        return 2
    rb = kb.load()
    sys.stdout.write(markdown(check_all(rb), rb))
    return 0


if __name__ == "__main__":
    sys.exit(main())
