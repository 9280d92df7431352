"""MI425: what a CI job builds on its runner before its `docker build`, copied from the build context into an image
with an older glibc than the runner's.

A GitHub Actions job that compiles (make, bazel build, cargo build, go build, cmake, gcc ...) and then, in a later
step of the same job, builds this Dockerfile (`docker build -f FILE` in a run step, or docker/build-push-action's
`file:`) puts its output in the build context, where the Dockerfile's COPY or ADD picks it up: a .deb, a .tgz, a
file under build/, dist/, bin/ ... (livegrep/livegrep#405: binaries built on ubuntu-24.04, glibc 2.39, in an
ubuntu:20.04 image, "GLIBC_2.38 not found"). The runner's release is its label's: `ubuntu-XX.YY` (and -arm), and
`ubuntu-latest`, which GitHub moved to Ubuntu 24.04 between December 2024 and January 2025
(actions/runner-images#10636). A job in a container, or on a runner of another name, is not judged. The Dockerfile
is recognised by content: the workflow's FILE, read from the build context, parses to the same stages.
"""
from __future__ import annotations

import posixpath

from ..detectors import detector
from ..lazyre import lazy
from ..model import LintRule
from . import context_outputs
from .results import Hit

TYPE_CHECKING = False
if TYPE_CHECKING:
    from .stages import Analysis

WORKFLOWS = ".github/workflows"
MAX_WORKFLOWS = 50
LATEST = "ubuntu24.04"  # ubuntu-latest since January 2025 (actions/runner-images#10636)
_RUNNER = lazy(r"ubuntu-(\d\d\.\d\d)(?:-arm)?")
_BUILD_TOOLS = frozenset({"make", "gmake", "bazel", "bazelisk", "cargo", "go", "cmake", "ninja", "gcc", "g++", "cc",
                          "clang", "clang++", "meson", "dpkg-buildpackage", "debuild"})


def runner_release(label) -> str | None:
    """ubuntu22.04 for `ubuntu-22.04`, the newest for `ubuntu-latest`; None for another runner."""
    if label == "ubuntu-latest":
        return LATEST
    m = _RUNNER.fullmatch(label) if isinstance(label, str) else None
    return f"ubuntu{m.group(1)}" if m else None


def _builds(step) -> bool:
    """Does a workflow step run a build tool (as a command of its `run:` script)?"""
    from .shellwords import simple_commands

    text = step.get("run") if isinstance(step, dict) else None
    return isinstance(text, str) and any(argv and posixpath.basename(argv[0]) in _BUILD_TOOLS
                                         for argv in simple_commands(text))


def _docker_files(step) -> list[str]:
    """The Dockerfiles a step builds: `-f/--file` of a docker build in `run:`, `file:` of docker/build-push-action."""
    if not isinstance(step, dict):
        return []
    if str(step.get("uses", "")).startswith("docker/build-push-action"):
        file = step.get("with", {}).get("file") if isinstance(step.get("with"), dict) else None
        return [file] if isinstance(file, str) else []
    from .shellwords import simple_commands

    out = []
    for argv in simple_commands(step.get("run") if isinstance(step.get("run"), str) else ""):
        if argv[:2] in (["docker", "build"], ["docker", "buildx"]):
            out += [argv[i + 1] for i in range(len(argv) - 1) if argv[i] in ("-f", "--file")]
    return out


def _is_this_file(a: "Analysis", path: str) -> bool:
    from ..evidence.dockerfile_parse import parse_dockerfile_text
    from ..evidence.errors import EvidenceError, read_project_file

    if "$" in path:
        return False
    text = read_project_file(a.context_dir, posixpath.normpath(path))
    try:
        other = parse_dockerfile_text(text, path) if text else None
    except EvidenceError:
        return False
    return other is not None and other.to_dict()["stages"] == a.report.to_dict()["stages"]


def ci_builder(a: "Analysis") -> tuple[str, str] | None:
    """(what builds it: 'WORKFLOW job JOB on RUNNER', the runner's release) for the first CI job that runs a build
    tool and then builds this Dockerfile, None when none does (cached per build context and file)."""
    if not a.context_dir:
        return None
    key = ("ci-builder", a.context_dir, a.report.path)
    if key not in a.context_cache:
        a.context_cache[key] = _find(a)
    return a.context_cache[key]


def _find(a: "Analysis") -> tuple[str, str] | None:
    import os

    from ..evidence.errors import read_project_file
    from ..yamlfile import YamlError, parse_yaml

    flows = os.path.realpath(os.path.join(a.context_dir, WORKFLOWS))
    if not flows.startswith(os.path.realpath(a.context_dir) + os.sep):
        return None  # a symbolic link out of the build context
    try:
        names = sorted(e.name for e in os.scandir(flows) if e.name.endswith((".yml", ".yaml"))
                       and e.is_file(follow_symlinks=False))[:MAX_WORKFLOWS]
    except OSError:
        return None
    for name in names:
        text = read_project_file(a.context_dir, f"{WORKFLOWS}/{name}")
        if not text or "docker" not in text:
            continue
        try:
            doc = parse_yaml(text)
        except YamlError:
            continue
        jobs = doc.get("jobs") if isinstance(doc, dict) else None
        for job_name, job in (jobs.items() if isinstance(jobs, dict) else ()):
            release = runner_release(job.get("runs-on")) if isinstance(job, dict) and "container" not in job else None
            steps = job.get("steps") if release else None
            built = False
            for step in steps if isinstance(steps, list) else ():
                if built and any(_is_this_file(a, f) for f in _docker_files(step)):
                    return f"{WORKFLOWS}/{name}, job {job_name}, on {job.get('runs-on')}", release
                built = built or _builds(step)
    return None


@detector("lint", "ci-built-files-on-older-glibc")
def check_ci_built(a: "Analysis", rule: LintRule):
    final = a.final
    prof = final.profile
    if prof.libc != "glibc" or not prof.glibc:
        return
    copies = context_outputs(a)
    if not copies:
        return
    found = ci_builder(a)
    if found is None:
        return
    how, release = found
    runner = a.kb.releases.get(release, {}).get("glibc")
    from ..versions import parse_version

    if runner and parse_version(runner) > parse_version(prof.glibc):
        line, source = copies[0]
        yield Hit(line, {"source": source, "how": how, "runner": release, "runner_glibc": runner,
                         "image": final.image, "image_glibc": prof.glibc})
