"""The end-to-end matrix: every plan minimage-ask offers for a scenario, built and run by a real Docker engine.

For each scenario (a consultation plus a sample project in ``lab/samples/``):

* every offered plan is written with ``minimage-ask ANSWERS --format dockerfile --plan N``, built with
  ``docker build`` on the sample exactly as written, and run with ``docker run --rm --network none``; the sample's
  self-check (``SELF-CHECK OK``) must pass;
* every rejected image that has a faithful image is built too, from the Dockerfile of an offered plan of the same
  strategy with only the final ``FROM`` changed, and must fail with the signature of the rule that rejected it;
* MI154-MI156 never reject: for a plan that passes one only through a change (a CA bundle, zone data or passwd
  copied in), the plan without that change is built too and must fail with the rule's signature (lab/e2e_changes.py);
* a plan or rejection whose images cannot be made here (lab/images.py ``NOT_PROVABLE``) is "not proven", with why.

Builds run with ``--network host`` (a user's build has a network; a Dockerfile's ``apt-get install`` reaches the
Debian archive, a package registry this machine may use); programs run with ``--network none``.

Usage: ``python -m lab.e2e [--write-doc] [scenario ...]`` (``--help`` says more).
"""
from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from lab import LAB_DIR, cache_dir
from lab import e2e_changes as ECH
from lab import e2e_compiled as EC
from lab import images as IM
from lab.engine import Engine, EngineError
from lab.scenarios import BY_NAME, SCENARIOS, Scenario  # noqa: F401 - also this module's interface

SAMPLES = LAB_DIR / "samples"
DOC = LAB_DIR.parent / "docs" / "e2e-matrix.md"
RUN_TIMEOUT_S = 60

RAN = "ran"
FAILED = "FAILED"  # an offered plan that did not build or whose self-check failed
PREDICTED = "failed as predicted"
UNEXPECTED = "ran although rejected"
NOT_PROVEN = "not proven here"

# What a rejected image's failure looks like, per rule (docker's message or the sample's self-check line).
FAILURE_SIGNATURES = {
    "MI150": r"no such file or directory",  # exec of a dynamic binary whose loader is missing
    "MI151": r"version `GLIBC_[0-9.]+' not found",
    "MI152": r"error while loading shared libraries|cannot open shared object file",  # the loader; dlopen
    # the interpreter is missing, or the image's own ENTRYPOINT is another language's interpreter, which cannot find
    # the program or cannot parse it
    # an image's entrypoint script that execs the command (eclipse-temurin's, bash) says "PATH: No such file or
    # directory", dash "exec: PATH: not found"
    # a JRE older than the jar's release: UnsupportedClassVersionError ("compiled by a more recent version")
    "MI153": r"[Nn]o such file or directory|executable file not found|exec: \S+: not found|can't open file|"
             r"Cannot find module|SyntaxError|UnsupportedClassVersionError",
    "MI154": r"check (tls|ca): FAIL",
    "MI155": r"check tz: FAIL",
    "MI156": r"check user: FAIL|unable to find user",
    "MI157": r"check shell: FAIL",
}


@dataclass
class Outcome:
    scenario: str
    kind: str  # "plan", "rejected", or "without" (a plan without the change that passed MI154-MI156)
    label: str  # "plan N" or the rule id
    strategy: str
    image: str
    status: str
    detail: str = ""
    seconds: float = 0.0


@dataclass
class ScenarioResult:
    scenario: str
    outcomes: list[Outcome] = field(default_factory=list)
    seconds: float = 0.0


# ---------------------------------------------------------------- consultation


def ask(scenario: Scenario, *extra: str) -> str:
    argv = list(scenario.argv)
    if scenario.name in EC.PREBUILT:
        argv[1] = str(prebuilt(scenario))
    res = subprocess.run([sys.executable, "-m", "shell", *argv, *extra], capture_output=True, text=True,
                         timeout=120, stdin=subprocess.DEVNULL)
    if res.returncode not in (0,):
        raise RuntimeError(f"minimage-ask {' '.join(scenario.argv + list(extra))} exited {res.returncode}: "
                           f"{(res.stderr or res.stdout)[-600:]}")
    return res.stdout


def consult(scenario: Scenario) -> dict:
    return json.loads(ask(scenario, "--format", "json"))


FROM_RE = re.compile(r"^FROM\s+(\S+)(?:\s+AS\s+(\S+))?\s*$", re.IGNORECASE | re.MULTILINE)


def images_named(dockerfile: str) -> list[str]:
    """The images a Dockerfile pulls (FROM lines that do not name an earlier stage)."""
    stages: set[str] = set()
    out = []
    for m in FROM_RE.finditer(dockerfile):
        ref, alias = m.group(1), m.group(2)
        if ref not in stages and ref not in out:
            out.append(ref)
        if alias:
            stages.add(alias)
    return out


def with_final_image(dockerfile: str, image: str) -> str:
    """The Dockerfile with its last FROM (the final stage) replaced by ``image``, and its command fitted to that
    image's own ENTRYPOINT as minimage-ask writes it (kb.planner.Planner.command), so that the rule under test, not
    an entrypoint that runs the program as a shell script, is what decides."""
    import kb
    from kb.planner import Planner

    matches = list(FROM_RE.finditer(dockerfile))
    last = matches[-1]
    out = dockerfile[:last.start()] + f"FROM {image}" + dockerfile[last.end():]
    knowledge = kb.load().knowledge
    img, was = knowledge.image(image), knowledge.image(last.group(1))
    cmd = re.search(r"^CMD (\[.*\])$", out, re.MULTILINE)
    if cmd and "ENTRYPOINT" not in out:
        # the whole command: a CMD written for an image whose ENTRYPOINT runs the interpreter (distroless java's
        # `java -jar`) holds only the program
        full = tuple((was.entrypoint if was is not None and was.entrypoint else ())) + tuple(json.loads(cmd.group(1)))
        strategy = type("S", (), {"cmd": full})
        fitted = Planner.command(strategy, img) if img is not None else {"cmd": full}
        lines = ([f"ENTRYPOINT {json.dumps(list(fitted['entrypoint']))}"] if fitted.get("entrypoint") else []) + (
            [f"CMD {json.dumps(list(fitted['cmd']))}"] if fitted["cmd"] or not fitted.get("entrypoint") else [])
        out = out[:cmd.start()] + "\n".join(lines) + out[cmd.end():]
    return out


# ---------------------------------------------------------------- build and run


def final_image(dockerfile: str) -> str | None:
    """The image the Dockerfile's last stage starts from (None when it starts from an earlier stage)."""
    matches = list(FROM_RE.finditer(dockerfile))
    stages = {m.group(2) for m in matches if m.group(2)}
    return matches[-1].group(1) if matches and matches[-1].group(1) not in stages else None


def _prepare(engine: Engine, dockerfile: str) -> str | None:
    """Make every image the Dockerfile names exist; None, or why it cannot be proven here. The final image's reason
    comes first: a plan whose final image cannot be made here is blocked by that image, whatever its build image."""
    named = [ref for ref in images_named(dockerfile) if ref != "scratch"]
    final = final_image(dockerfile)
    for ref in sorted(named, key=lambda r: r != final):
        if IM.recipe_for(ref) is None:
            return f"{ref}: {IM.why_not(ref)}"
    for ref in named:
        try:
            IM.ensure(engine, ref)
        except (IM.ImageBuildError, EngineError) as e:
            return f"{ref} could not be built here: {e}"
    return None


_PREBUILT: dict[str, Path] = {}


def prebuilt(scenario: Scenario) -> Path:
    """The scenario's binary, compiled once per run from its sample (lab/e2e_compiled.py)."""
    if scenario.name not in _PREBUILT:
        d = cache_dir() / "e2e" / "prebuilt" / scenario.name
        shutil.rmtree(d, ignore_errors=True)
        _context(scenario, d, binary=False)
        _PREBUILT[scenario.name] = EC.build_prebuilt(scenario.name, d)
    return _PREBUILT[scenario.name]


def _context(scenario: Scenario, into: Path, binary: bool = True) -> None:
    EC.copy_sample(SAMPLES, scenario.sample, into)
    if binary and scenario.name in EC.PREBUILT:
        shutil.copy2(prebuilt(scenario), into / EC.BINARY)
    checks = ",".join(scenario.checks)
    if scenario.sample.startswith("go"):
        (into / "checks.go").write_text(f'package main\n\nconst checks = "{checks}"\n')
    elif scenario.sample == "python":
        (into / "checks.py").write_text(f"CHECKS = {json.dumps(scenario.checks)}\n")
        wanted = [pkg for check, pkg in (("wheel", "markupsafe"), ("libpq", "psycopg2")) if check in scenario.checks]
        if wanted:  # psycopg2, not psycopg2-binary: the one that must be compiled
            (into / "requirements.txt").write_text("\n".join(wanted) + "\n")
    elif scenario.sample == "rust":
        (into / "src" / "checks.rs").write_text(
            "const CHECKS: &[&str] = &[" + ", ".join(json.dumps(c) for c in scenario.checks) + "];\n")
    elif scenario.sample == "node":
        (into / "checks.json").write_text(json.dumps(scenario.checks) + "\n")
        addon = into / "addon"
        if "addon" in scenario.checks:  # the project that depends on bufferutil
            for name in ("package.json", "package-lock.json"):
                shutil.copy(addon / name, into / name)
        shutil.rmtree(addon)
    elif scenario.sample == "java":
        EC.java_context(into, scenario.checks, scenario.facts.get("java_version"))
    else:
        (into / "checks.h").write_text(f'#define CHECKS "{checks}"\n')


def build_and_run(engine: Engine, scenario: Scenario, dockerfile: str, tag: str) -> tuple[bool, bool, str]:
    """(built, ran ok, output) for a Dockerfile on the scenario's sample."""
    with tempfile.TemporaryDirectory(prefix="mm-e2e-") as tmp:
        # The Dockerfile sits next to the context, not in it: `COPY . .` then copies the same files for every plan
        # of a scenario and the builder's cache is shared between them (the plan's comment line differs).
        context, df = Path(tmp) / "context", Path(tmp) / "Dockerfile"
        _context(scenario, context)
        df.write_text(dockerfile)
        build = engine.build(context, tag, dockerfile=df)
        if build.returncode != 0 and "failed to get layer" in build.output:
            # dockerd 20.10 with vfs sometimes loses a cache layer of a just-removed image: build once more
            build = engine.build(context, tag, dockerfile=df)
    if build.returncode != 0:
        return False, False, build.output[-1500:]
    try:
        run = engine.run(["run", "--rm", "--network", "none", tag], timeout=RUN_TIMEOUT_S)
    finally:
        engine.remove_image(tag)
    ok = run.returncode == 0 and "SELF-CHECK OK" in run.stdout
    return True, ok, run.output[-1500:]


def run_scenario(engine: Engine, scenario: Scenario) -> ScenarioResult:
    t0 = time.monotonic()
    result = ScenarioResult(scenario.name)
    data = consult(scenario)
    offered: dict[str, str] = {}  # strategy -> the Dockerfile of its first plan that ran
    unproven: dict[str, str] = {}  # strategy -> why its plans could not be built here
    needed: dict[str, tuple] = {}  # MI154-MI156 -> the first plan that ran passing it only through a change
    for plan in data["plans"]:
        n, t1 = plan["rank"], time.monotonic()
        dockerfile = ask(scenario, "--format", "dockerfile", "--plan", str(n))
        out = Outcome(scenario.name, "plan", f"plan {n}", plan["strategy"], plan["final_image"], NOT_PROVEN)
        why = scenario.why_unprovable(plan["strategy"], plan["final_image"]) or _prepare(engine, dockerfile)
        if why:
            out.detail = why
            unproven.setdefault(plan["strategy"], why)
        else:
            built, ok, output = build_and_run(engine, scenario, dockerfile, f"minimage-e2e/{scenario.name}:plan{n}")
            if ok:
                out.status = RAN
                offered.setdefault(plan["strategy"], dockerfile)
                for rule, title in ECH.supplied(plan):
                    needed.setdefault(rule, (plan, dockerfile, title))
            else:
                out.status = FAILED
                out.detail = ("docker build failed: " if not built else "self-check failed: ") + output
        out.seconds = round(time.monotonic() - t1, 1)
        result.outcomes.append(out)
    for rule, (plan, dockerfile, title) in sorted(needed.items()):
        result.outcomes.append(without_change(engine, scenario, rule, plan, dockerfile, title))
    for rej in data.get("rejected", []):
        image, strategy, rule = rej["image"], rej["strategy"], rej["rule_id"]
        if image != "scratch" and IM.recipe_for(image) is None:
            continue  # no faithful image: the rejection cannot be shown failing here (listed in NOT_PROVABLE)
        out = Outcome(scenario.name, "rejected", rule, strategy, image, NOT_PROVEN, rej.get("reason", ""))
        t1 = time.monotonic()
        base = offered.get(strategy)
        signature = FAILURE_SIGNATURES.get(rule)
        own = scenario.why_unprovable(strategy, image, rule, whole=False)
        if own:
            out.detail = own
        elif base is None:
            out.detail = (f"the plans of {strategy} are not proven here ({unproven[strategy]})" if strategy in unproven
                          else f"no plan of {strategy} ran here to build it from")
        elif signature is None:
            out.detail = f"no known failure signature for {rule}"
        else:
            dockerfile = with_final_image(base, image)
            if rule != "MI156":  # the rule under test, not a missing user, must be what stops it
                dockerfile = re.sub(r"^USER .*\n", "", dockerfile, flags=re.MULTILINE)
            # nor a package install the image cannot run (no shell, no apt): the missing library or runtime shows
            head, final_from, final = dockerfile.rpartition(f"FROM {image}\n")
            dockerfile = head + final_from + re.sub(r"^RUN .*\n", "", final, flags=re.MULTILINE)
            why = _prepare(engine, dockerfile)
            if why:
                out.detail = why
            else:
                tag = f"minimage-e2e/{scenario.name}:rejected-{len(result.outcomes)}"
                built, ok, output = build_and_run(engine, scenario, dockerfile, tag)
                if not built:
                    out.status, out.detail = FAILED, "docker build failed: " + output
                elif ok:
                    out.status, out.detail = UNEXPECTED, output
                elif re.search(signature, output):
                    out.status = PREDICTED
                    out.detail = _first_match_line(signature, output)
                else:
                    out.status, out.detail = FAILED, f"failed, but not with /{signature}/: {output}"
        out.seconds = round(time.monotonic() - t1, 1)
        result.outcomes.append(out)
    result.seconds = round(time.monotonic() - t0, 1)
    return result


def without_change(engine: Engine, scenario: Scenario, rule: str, plan: dict, dockerfile: str,
                   title: str) -> Outcome:
    """The plan's Dockerfile without the change that supplied what ``rule`` checks: it must fail as the rule says
    an image lacking it fails (lab/e2e_changes.py)."""
    t1 = time.monotonic()
    out = Outcome(scenario.name, "without", rule, plan["strategy"], plan["final_image"], NOT_PROVEN,
                  f"without the change '{title}'")
    variant = ECH.without_change(dockerfile, ECH.change_titled(title))
    built, ok, output = build_and_run(engine, scenario, variant, f"minimage-e2e/{scenario.name}:without-{rule}")
    signature = FAILURE_SIGNATURES[rule]
    if not built:
        out.status, out.detail = FAILED, "docker build failed: " + output
    elif ok:
        out.status, out.detail = UNEXPECTED, output
    elif re.search(signature, output):
        out.status, out.detail = PREDICTED, f"without '{title}': {_first_match_line(signature, output)}"
    else:
        out.status, out.detail = FAILED, f"failed, but not with /{signature}/: {output}"
    out.seconds = round(time.monotonic() - t1, 1)
    return out


def _first_match_line(pattern: str, text: str) -> str:
    for line in text.splitlines():
        if re.search(pattern, line):
            return line.strip()[:200]
    return ""


def prune(engine: Engine) -> None:
    """Drop the build cache images left by the classic builder (vfs copies every layer in full)."""
    engine.run(["image", "prune", "--force"], timeout=600)


# ---------------------------------------------------------------- the document


def render(results: list[ScenarioResult]) -> str:
    """docs/e2e-matrix.md: deterministic (no times, no versions), so a test can tell when it is stale."""
    lines = [
        "# End-to-end matrix: generated Dockerfiles built and run",
        "",
        "Generated by `python -m lab.e2e --write-doc` (see lab/e2e.py); `tests/e2e/test_matrix.py` fails when this",
        "file no longer matches what the engine does. Every plan minimage-ask offers for each scenario is written with",
        "`--format dockerfile --plan N`, built with `docker build` on the scenario's sample (lab/samples/) exactly as",
        "written, and run with `docker run --network none`; the sample's self-check must print `SELF-CHECK OK`.",
        "Every rejected image that has a faithful image is built from the Dockerfile of an offered plan of the same",
        "strategy with only the final `FROM` changed, and must fail with the signature of the rule that rejected it.",
        "MI154-MI156 (CA bundle, zone data, /etc/passwd) never reject an image: a change supplies what it lacks. For",
        "the first plan of a scenario that ran passing one of them only through a change, the same Dockerfile with",
        "that change's lines taken out is built too and must fail with that rule's signature (rows \"without its",
        "change\").",
        "Images are built by lab/images.py from Debian packages (their recipes and differences are listed there).",
        "",
        "Statuses: **ran** (self-check passed), **failed as predicted**, **not proven here** (why), and the",
        "failures the suite rejects: **FAILED**, **ran although rejected**.",
        "",
    ]
    for res in results:
        sc = BY_NAME[res.scenario]
        lines += [f"## {sc.name}: {sc.title}", "",
                  "`minimage-ask " + " ".join(sc.argv) + "`" + f" (self-checks: {', '.join(sc.checks) or 'start'})",
                  "", "| | strategy | final image | status | detail |", "|---|---|---|---|---|"]
        rows: dict[tuple, list[str]] = {}  # rejections with the same rule, strategy and outcome share a row
        for o in res.outcomes:
            detail = o.detail if o.status in (NOT_PROVEN, PREDICTED) else ""
            if o.kind == "without":
                rows[("without " + o.label, o.strategy, o.status, _cell(detail), o.image)] = [o.image]
                continue
            if o.kind == "rejected" and o.status == NOT_PROVEN:
                rows.setdefault((o.label, o.strategy, o.status, _cell(detail)), []).append(o.image)
                continue
            rows[(o.label, o.strategy, o.status, _cell(detail), o.image)] = [o.image]
        for (label, strategy, status, detail, *_), imgs in rows.items():
            shown = ", ".join(f"`{i}`" for i in dict.fromkeys(imgs))
            label = label if label.startswith("plan") else (f"without its change ({label[8:]})"
                                                             if label.startswith("without ") else f"rejected ({label})")
            lines.append(f"| {label} | {strategy} | {shown} | {status} | {detail} |")
        lines.append("")
    lines += ["## Images that cannot be made here", ""]
    lines += [f"- `{ref}`: {why}" for ref, why in IM.NOT_PROVABLE.items()]
    lines += ["- images no lab recipe builds yet: not proven here, as each row says", ""]
    return "\n".join(lines)


def _cell(text: str) -> str:
    text = re.sub(r"\s+", " ", text).strip().replace("|", "\\|")
    # docker's own messages carry container ids and paths that change from run to run
    text = re.sub(r"\b[0-9a-f]{12,64}\b", "…", text)
    return text[:220]


def save(results: list[ScenarioResult]) -> Path:
    d = cache_dir() / "e2e"
    d.mkdir(parents=True, exist_ok=True)
    p = d / "results.json"
    p.write_text(json.dumps([asdict(r) for r in results], indent=1) + "\n")
    return p


def main(argv: list[str] | None = None) -> int:
    import argparse

    parser = argparse.ArgumentParser(prog="python -m lab.e2e", description="Build and run every plan of the "
                                     "scenarios (all, or those named); save <lab cache>/e2e/results.json.")
    parser.add_argument("scenario", nargs="*", help=f"one of: {', '.join(BY_NAME)}")
    parser.add_argument("--write-doc", action="store_true", help="then rewrite docs/e2e-matrix.md (every scenario)")
    args = parser.parse_args(argv)
    write_doc, names = args.write_doc, args.scenario or [s.name for s in SCENARIOS]
    unknown = [n for n in names if n not in BY_NAME]
    if unknown:
        print(f"unknown scenario(s) {', '.join(unknown)}; known: {', '.join(BY_NAME)}", file=sys.stderr)
        return 2
    if write_doc and len(names) != len(SCENARIOS):
        print("--write-doc runs every scenario (the document covers them all)", file=sys.stderr)
        return 2
    from lab.engine import EngineUnavailable
    try:
        engine = Engine.acquire()
    except EngineUnavailable as e:
        print(f"no engine: {e}", file=sys.stderr)
        return 69
    results = []
    t0 = time.monotonic()
    with engine:
        for name in names:
            res = run_scenario(engine, BY_NAME[name])
            results.append(res)
            for o in res.outcomes:
                print(f"{res.scenario:12} {o.label:8} {o.image:42} {o.status:22} {o.seconds:6.1f}s "
                      f"{o.detail.splitlines()[-1][:90] if o.detail else ''}")
        prune(engine)
    print(f"saved {save(results)}; {time.monotonic() - t0:.0f} s")
    if write_doc:
        (tmp := DOC.with_name(DOC.name + ".tmp")).write_text(render(results))  # a failed write leaves the old whole
        tmp.replace(DOC)
        print(f"wrote {DOC}")
    bad = [o for r in results for o in r.outcomes if o.status in (FAILED, UNEXPECTED)]
    return 1 if bad else 0


if __name__ == "__main__":
    raise SystemExit(main())
