"""MI425: what a CI job builds on its runner before its `docker build`, copied from the build context into an image
with an older glibc than the runner's.

A GitHub Actions job that compiles (make, bazel build, cargo build, go build, cmake, gcc ...) and then, in a later
step of the same job, builds this Dockerfile (`docker build -f FILE` in a run step, or without -f PATH/Dockerfile;
docker/build-push-action's `file:`, or its `context:`'s Dockerfile) puts its output in the build context, where the
Dockerfile's COPY or ADD picks it up: a .deb, a .tgz, a file under build/, dist/, bin/ ... (livegrep/livegrep#405:
binaries built on ubuntu-24.04, glibc 2.39, in an ubuntu:20.04 image, "GLIBC_2.38 not found"). The runner's release
is its label's: `ubuntu-XX.YY` (and -arm), and `ubuntu-latest`, which GitHub moved to Ubuntu 24.04 between December
2024 and January 2025 (actions/runner-images#10636); `runs-on: ${{ matrix.NAME }}` is each of the job's matrix
values (the newest glibc among them judged). A job in a container, or on a runner of another name, is not judged.
The Dockerfile is recognised by content: the workflow's FILE, read from the build context, parses to the same
stages.

The build may also be another job's: one the docker build's job `needs` (directly or through others) that builds and
uploads an artifact (actions/upload-artifact), which the docker build's job downloads (actions/download-artifact,
`path:` in the build context) before its docker build (mhdzumair/MediaFusion#671: the Rust binary built on
ubuntu-24.04 runners, downloaded to rust-dist/<arch>/, in python:3.13-slim-bookworm). Then what counts is a COPY of a
file under that path, into the final stage or into a stage FROM scratch the final stage copies it from.
"""
from __future__ import annotations

import posixpath

from ..detectors import detector
from ..lazyre import lazy
from ..model import LintRule
from . import context_copies, context_outputs
from .results import Hit
from .workflows import WORKFLOWS, docker_builds, docker_files, is_this_file, workflow_jobs

TYPE_CHECKING = False
if TYPE_CHECKING:
    from .stages import Analysis

LATEST = "ubuntu24.04"  # ubuntu-latest since January 2025 (actions/runner-images#10636)
_RUNNER = lazy(r"ubuntu-(\d\d\.\d\d)(?:-arm)?")
_VARIABLE = lazy(r"\$\{?[A-Za-z_][A-Za-z0-9_]*\}?")
_MATRIX = lazy(r"\$\{\{\s*matrix\.([A-Za-z0-9_-]+)\s*\}\}")
_BUILD_SCRIPT = lazy(r"build(?:[-_.][A-Za-z0-9_.-]*)?\.sh")  # build.sh, build-linux.sh, build_release.sh
_BUILD_TOOLS = frozenset({"make", "gmake", "bazel", "bazelisk", "cargo", "go", "cmake", "ninja", "gcc", "g++", "cc",
                          "clang", "clang++", "meson", "dpkg-buildpackage", "debuild"})


#: the actions that run `cargo build` on the runner (`command: build`, with: args, target)
_CARGO_ACTIONS = frozenset({"houseabsolute/actions-rust-cross", "actions-rs/cargo"})


def runner_release(label) -> str | None:
    """ubuntu22.04 for `ubuntu-22.04`, the newest for `ubuntu-latest`; None for another runner."""
    if label == "ubuntu-latest":
        return LATEST
    m = _RUNNER.fullmatch(label) if isinstance(label, str) else None
    return f"ubuntu{m.group(1)}" if m else None


def job_releases(job: dict) -> list[tuple[str, str]]:
    """(runner label, release) of each runner the job runs on: its `runs-on`, or each value of the matrix variable
    `${{ matrix.NAME }}` names (strategy.matrix.NAME, and NAME in matrix.include); none in a container. A list of
    labels (`runs-on: [ubuntu-latest]`) is one runner that has them all: the hosted runner's label among them."""
    label = job.get("runs-on")
    if isinstance(label, list):
        label = next((x for x in label if isinstance(x, str) and (runner_release(x) or _MATRIX.search(x))), None)
    if "container" in job or not isinstance(label, str):
        return []
    m = _MATRIX.fullmatch(label.strip())
    if m is None:
        release = runner_release(label)
        return [(label, release)] if release else []
    matrix = (job.get("strategy") or {}).get("matrix") if isinstance(job.get("strategy"), dict) else None
    if not isinstance(matrix, dict):
        return []
    values = matrix.get(m.group(1))
    values = list(values) if isinstance(values, list) else []
    include = matrix.get("include")
    values += [row.get(m.group(1)) for row in include if isinstance(row, dict)] if isinstance(include, list) else []
    return [(v, r) for v in dict.fromkeys(v for v in values if isinstance(v, str)) if (r := runner_release(v))]


def _builds(step) -> bool:
    """Does a workflow step run a build tool, or a build script of the repository (./zcutil/build.sh,
    scripts/build-linux.sh), as a command of its `run:` script (after its VAR=value words: GOOS=linux go build)? Not
    `go build` with CGO_ENABLED=0 (on the command or in the step's env): a static program asks for no glibc."""
    from .shellwords import simple_commands

    if _uses_any(step, _CARGO_ACTIONS):  # houseabsolute/actions-rust-cross's command is `build` by default
        given = step.get("with") if isinstance(step.get("with"), dict) else {}
        return given.get("command", "build") == "build"
    text = step.get("run") if isinstance(step, dict) else None
    env = step.get("env") if isinstance(step, dict) and isinstance(step.get("env"), dict) else {}
    for assigns, argv in map(_assignments, simple_commands(text) if isinstance(text, str) else ()):
        static = "CGO_ENABLED=0" in assigns or str(env.get("CGO_ENABLED")) == "0"
        if argv and (posixpath.basename(argv[0]) in _BUILD_TOOLS or _is_build_script(argv)) \
                and not (static and argv[0] == "go"):
            return True
    return False


def _assignments(argv: list[str]) -> tuple[list[str], list[str]]:
    """A command's leading VAR=value words, and the rest."""
    from .shellwords import is_assignment

    at = next((i for i, w in enumerate(argv) if not is_assignment(w)), len(argv))
    return argv[:at], argv[at:]


def _made(a: "Analysis", step) -> list:
    """The step, or, when its `run:` script calls make (in the repository's root, on the build context's Makefile),
    its commands one by one with the recipe lines make runs in place of each make: `make` whose default goal runs
    `go build -o build/bin/...` and then `docker build -f build/Dockerfile .` (vmware/nsx-container-plugin-operator)."""
    text = step.get("run") if isinstance(step, dict) else None
    if not isinstance(text, str) or "make" not in text:
        return [step]
    from ..evidence.errors import read_project_file
    from .shellwords import is_assignment, simple_commands

    commands = [argv for _, argv in map(_assignments, simple_commands(text))]
    makefile = read_project_file(a.context_dir, "Makefile") \
        if any(argv[:1] == ["make"] and "-C" not in argv for argv in commands) else None
    if not makefile:
        return [step]
    from .makefiles import recipes

    out = []
    for argv in commands:
        if argv[:1] == ["make"] and "-C" not in argv:
            words = [w for w in argv[1:] if not w.startswith("-")]
            overrides = dict(w.split("=", 1) for w in words if is_assignment(w))
            out += [{"run": line} for line in recipes(makefile, [w for w in words if "=" not in w], overrides)]
        elif argv:
            out.append({"run": " ".join(argv)})
    return out


def _is_build_script(argv: list[str]) -> bool:
    """./zcutil/build.sh -j4, bash scripts/build-linux.sh: a script of the repository named build*.sh."""
    script = argv[1] if argv[0] in ("bash", "sh") and len(argv) > 1 else argv[0]
    return _BUILD_SCRIPT.fullmatch(posixpath.basename(script)) is not None


def ci_builder(a: "Analysis") -> tuple[str, str, tuple[str, ...] | None] | None:
    """(what builds it: 'WORKFLOW job JOB on RUNNER', the runner's release, the build context paths its artifacts
    are downloaded to, None when the build runs in the docker build's own job) for the first CI job that builds
    before this Dockerfile is built; None when none does (cached per build context and file)."""
    if not a.context_dir:
        return None
    key = ("ci-builder", a.context_dir, a.report.path)
    if key not in a.context_cache:
        a.context_cache[key] = _find(a)
    return a.context_cache[key]


def _by_glibc(a: "Analysis", at: int):
    """A sort key: the glibc of the release at index `at` of a tuple."""
    from ..versions import parse_version

    return lambda row: parse_version(a.kb.releases.get(row[at], {}).get("glibc") or "0")


def _uses(step, action: str) -> bool:
    return isinstance(step, dict) and str(step.get("uses", "")).startswith(action)


def _uses_any(step, actions: frozenset) -> bool:
    return isinstance(step, dict) and str(step.get("uses", "")).split("@", 1)[0] in actions


def _find(a: "Analysis") -> tuple[str, str, tuple[str, ...] | None] | None:
    jobs_of: dict[str, dict] = {}
    for name, doc, job_name, job in workflow_jobs(a, "docker", "podman", "buildah", "make"):  # make's recipes too
        jobs = jobs_of.setdefault(name, {k: v for k, v in doc["jobs"].items() if isinstance(v, dict)})
        listed = job.get("steps") if isinstance(job.get("steps"), list) else []
        steps = [made for step in listed for made in _made(a, step)]
        built, downloads = False, []
        for step in steps:
            contexts = [posixpath.normpath(c) for f, c in docker_builds(step) if is_this_file(a, f)]
            if contexts:
                runners = job_releases(job)
                if built and runners:
                    label, release = max(runners, key=_by_glibc(a, 1))
                    return f"{WORKFLOWS}/{name}, job {job_name}, on {label}", release, None
                found = _needed_build(a, jobs, job) if downloads else None
                if found:  # a build context under a download path (podman build ... target/x86_64-.../release):
                    # all it holds was downloaded, "."
                    label, release, other = found
                    inside = any(_under(c, path) for c in contexts if c != "." for path in downloads)
                    return (f"{WORKFLOWS}/{name}, job {other}, on {label} (job {job_name} downloads its "
                            "artifact)", release, (".",) if inside else tuple(downloads))
            built = built or _builds(step)
            if _uses(step, "actions/download-artifact") and isinstance(step.get("with"), dict):
                path = step["with"].get("path")
                downloads += [posixpath.normpath(path.strip())] if isinstance(path, str) and "$" not in path else []
    return None


#: the commands that install Node packages: `npm ci`, `npm install`, `yarn` (alone or `install`), `pnpm install`
_NODE_INSTALLS = {"npm": ("ci", "install", "i"), "yarn": ("", "install"), "pnpm": ("install", "i")}


def _node_install(step) -> tuple[str, str] | None:
    """(tool, the directory it runs in) of a step's Node package install, its `working-directory` normalised."""
    from .shellwords import simple_commands

    run = step.get("run") if isinstance(step, dict) else None
    if not isinstance(run, str):
        return None
    where = step.get("working-directory")
    sub = posixpath.normpath(where) if isinstance(where, str) and "$" not in where else "."
    if sub.startswith(("/", "..")):
        return None  # outside the checkout: not where the build context is
    sub = "" if sub == "." else sub
    for argv in simple_commands(run):
        verbs = _NODE_INSTALLS.get(argv[0]) if argv else None
        if verbs and (argv[1] if len(argv) > 1 and not argv[1].startswith("-") else "") in verbs:
            return argv[0], sub
    return None


def ci_installer(a: "Analysis") -> tuple[str, str, str, str] | None:
    """(the runner and job: 'the ubuntu-latest runner of WORKFLOW, job JOB', its release, the Node tool, the
    directory it installed in) of the first CI job that installs Node packages on a runner lint knows and then, in
    a later step, builds this Dockerfile; None when none does (cached per build context and file)."""
    if not a.context_dir:
        return None
    key = ("ci-installer", a.context_dir, a.report.path)
    if key not in a.context_cache:
        found = None
        for name, _doc, job_name, job in workflow_jobs(a, "docker"):
            installed = None
            for step in job.get("steps") if isinstance(job.get("steps"), list) else ():
                if installed and any(is_this_file(a, f) for f in docker_files(step)) and job_releases(job):
                    label, release = max(job_releases(job), key=_by_glibc(a, 1))
                    found = (f"the {label} runner of {WORKFLOWS}/{name}, job {job_name}", release, *installed)
                    break
                installed = installed or _node_install(step)
            if found:
                break
        a.context_cache[key] = found
    return a.context_cache[key]


def _needed_build(a: "Analysis", jobs: dict, job: dict) -> tuple[str, str, str] | None:
    """(runner label, release, job name) of a job `job` needs, directly or through others, that builds and then
    uploads an artifact on a runner lint knows (the newest glibc of its runners)."""
    seen, todo, found = set(), [job], []
    while todo and len(seen) < len(jobs):
        needs = todo.pop().get("needs")
        for other in [needs] if isinstance(needs, str) else needs if isinstance(needs, list) else ():
            if not isinstance(other, str) or other in seen or other not in jobs:
                continue
            seen.add(other)
            todo.append(jobs[other])
            steps = jobs[other].get("steps") if isinstance(jobs[other].get("steps"), list) else []
            built = next((i for i, st in enumerate(steps) if _builds(st)), None)
            runners = job_releases(jobs[other])
            if built is not None and runners and any(_uses(st, "actions/upload-artifact") for st in steps[built:]):
                found.append((*max(runners, key=_by_glibc(a, 1)), other))
    return max(found, key=_by_glibc(a, 1)) if found else None


def carried_sources(a: "Analysis") -> list[tuple[int, str]]:
    """(line, source) of what the final stage copies from a stage FROM scratch that only copies files from the build
    context (`FROM scratch AS rust-builder` + `COPY rust-dist/${TARGETARCH}/app /app`): the context files it carries,
    each at the final stage's COPY --from line."""
    out = []
    for cf in a.final.stage.copy_from:
        stage = a.report.stages[cf.stage_index] if cf.stage_index is not None else None
        if stage is None or not stage.is_scratch or stage.runs:
            continue
        out += [(cf.line, src) for _line, sources in context_copies(stage) for src in sources]
    return out


@detector("lint", "ci-built-files-on-older-glibc")
def check_ci_built(a: "Analysis", rule: LintRule):
    final = a.final
    prof = final.profile
    if prof.libc != "glibc" or not prof.glibc:
        return
    found = ci_builder(a)
    if found is None:  # no CI job seen: a Go program built on some host
        from .hostchecks import host_glibc_hits

        yield from host_glibc_hits(a)
        return
    how, release, downloaded = found
    if downloaded is None:
        copies = context_outputs(a)
    else:  # another job's artifact: what is copied from where it was downloaded
        copies = [(line, src) for line, src in
                  [*((ln, s) for ln, sources in context_copies(a.final.stage) for s in sources), *carried_sources(a)]
                  if any(path == "." or _under(src, path) for path in downloaded)]
    if not copies:
        return
    runner = a.kb.releases.get(release, {}).get("glibc")
    from ..versions import parse_version

    if runner and parse_version(runner) > parse_version(prof.glibc):
        line, source = copies[0]
        yield Hit(line, {"source": source, "how": how, "runner": release, "runner_glibc": runner,
                         "image": final.image, "image_glibc": prof.glibc,
                         "libssl": _openssl_moved(a, source, release, prof.release)})


def _openssl_moved(a: "Analysis", source: str, runner: str, release: str | None) -> str:
    """'; it also links OpenSSL ...' when the copied file is a Rust program of the build context whose crates link
    the system OpenSSL (openssl-sys without openssl-src, which vendors it) and the runner's OpenSSL has another
    soname than the final image's (seafowl#343: libssl.so.3 from ubuntu-latest in bullseye-slim); '' otherwise."""
    from .cargobuilt import built_crates

    built, shipped = (a.kb.releases.get(r or "", {}).get("openssl") for r in (runner, release))
    if not built or not shipped or built == shipped:
        return ""
    crates = built_crates(a.context_dir, posixpath.basename(source.rstrip("/")))
    if not crates or "openssl-sys" not in crates or "openssl-src" in crates:
        return ""
    return (f"; it also links OpenSSL (openssl-sys in Cargo.lock), {runner}'s libssl.so.{built}, where {a.final.image} "
            f"has libssl.so.{shipped}: \"libssl.so.{built}: cannot open shared object file\"")


def _under(source: str, path: str) -> bool:
    """Is the COPY source under the directory `path` (a whole ${VAR} component of the source matching any one)?"""
    src = posixpath.normpath(source.lstrip("/")).split("/")
    where = path.strip("/").split("/")
    return len(src) >= len(where) and all(s == w or _VARIABLE.fullmatch(s) for s, w in zip(src, where))
