"""The build context's GitHub Actions workflows, read as YAML: what kb/lint/cibuilds.py (a CI job that builds before
its docker build), kb/lint/hostbuild.py (a `run:` step's go build) and kb/lint/addonfloor.py (the platforms a
workflow builds this Dockerfile for) look at; which steps build this Dockerfile."""
from __future__ import annotations

import posixpath

# `Analysis` in annotations is kb.lint.stages' class: named, never imported (stages reaches this module)

WORKFLOWS = ".github/workflows"
MAX_WORKFLOWS = 50
#: options of `docker build` that take a separate value (docs.docker.com/reference/cli/docker/buildx/build/), and
#: podman's --manifest and --format
_DOCKER_BUILD_VALUES = frozenset({"-t", "--tag", "-f", "--file", "--build-arg", "--target", "--platform", "--label",
                                  "--cache-from", "--cache-to", "--network", "--secret", "--ssh", "-o", "--output",
                                  "--progress", "--iidfile", "--builder", "--build-context", "--add-host",
                                  "--annotation", "--attest", "--metadata-file", "--shm-size", "--ulimit", "-m",
                                  "--memory", "--allow", "--cgroup-parent", "--isolation", "--manifest", "--format"})


def builds_and_pushes(step) -> bool:
    """Is a workflow step docker/build-push-action, or a drop-in of it with the same inputs
    (useblacksmith/build-push-action)?"""
    action = str(step.get("uses", "")).split("@", 1)[0] if isinstance(step, dict) else ""
    return action.count("/") == 1 and action.split("/")[1] == "build-push-action"


def workflow_names(context_dir: str) -> list[str]:
    """The build context's GitHub Actions workflow files, by name (at most MAX_WORKFLOWS, none reached by a symbolic
    link out of the context)."""
    import os

    flows = os.path.realpath(os.path.join(context_dir, WORKFLOWS))
    if not flows.startswith(os.path.realpath(context_dir) + os.sep):
        return []  # a symbolic link out of the build context
    try:
        return sorted(e.name for e in os.scandir(flows) if e.name.endswith((".yml", ".yaml"))
                      and e.is_file(follow_symlinks=False))[:MAX_WORKFLOWS]
    except OSError:
        return []


def workflow_jobs(a: "Analysis", *needles: str):
    """(workflow file name, its parsed document, job name, job) of each job of the workflows (workflow_names) whose
    text holds one of `needles` (a file that does not parse is skipped)."""
    from ..evidence.errors import read_project_file
    from ..yamlfile import YamlError, parse_yaml

    for name in workflow_names(a.context_dir):
        text = read_project_file(a.context_dir, f"{WORKFLOWS}/{name}")
        if not text or not any(needle in text for needle in needles):
            continue
        try:
            doc = parse_yaml(text)
        except YamlError:
            continue
        jobs = doc.get("jobs") if isinstance(doc, dict) else None
        for job_name, job in (jobs.items() if isinstance(jobs, dict) else ()):
            if isinstance(job, dict):
                yield name, doc, job_name, job


def docker_files(step) -> list[str]:
    """The Dockerfiles a step builds (docker_builds)."""
    return [file for file, _ in docker_builds(step)]


def docker_builds(step) -> list[tuple[str, str]]:
    """(Dockerfile, build context) of each image a step builds: `-f/--file` of a docker build (or `docker buildx
    build`, `podman build`, `buildah build|bud`, which take the same arguments) in `run:`, else PATH/Dockerfile of
    its context PATH; `file:` of docker/build-push-action (or a drop-in), else its `context:`'s Dockerfile (the
    repository's root without one, as the action's Git context is)."""
    if not isinstance(step, dict):
        return []
    if builds_and_pushes(step):
        given = step.get("with") if isinstance(step.get("with"), dict) else {}
        file, context = given.get("file"), given.get("context", ".")
        if not isinstance(context, str):
            return []
        return [(file if isinstance(file, str) else posixpath.join(context, "Dockerfile"), context)]
    from .shellwords import positional, simple_commands

    out = []
    for argv in simple_commands(step.get("run") if isinstance(step.get("run"), str) else ""):
        if argv[:3] in (["docker", "buildx", "build"], ["buildah", "build"], ["buildah", "bud"]):
            argv = ["docker", "build", *argv[3:]]
        elif argv[:2] == ["podman", "build"]:
            argv = ["docker", *argv[1:]]
        if argv[:2] != ["docker", "build"]:
            continue
        files = [argv[i + 1] for i in range(len(argv) - 1) if argv[i] in ("-f", "--file")]
        files += [w.split("=", 1)[1] for w in argv if w.startswith("--file=")]
        paths = positional(argv[2:], _DOCKER_BUILD_VALUES)
        context = paths[-1] if paths else "."
        if files:
            out += [(file, context) for file in files]
        elif paths:
            out.append((posixpath.join(context, "Dockerfile"), context))
    return out


def step_build_args(step) -> dict[str, str]:
    """The build arguments a step gives: docker/build-push-action's `build-args:` (lines or a list of NAME=VALUE),
    `--build-arg NAME=VALUE` of a docker build in `run:`; a value with a ${{ expression }} is left out."""
    if not isinstance(step, dict):
        return {}
    pairs: list[str] = []
    if builds_and_pushes(step):
        given = step.get("with", {}).get("build-args") if isinstance(step.get("with"), dict) else None
        pairs = [str(w) for w in given] if isinstance(given, list) else str(given or "").splitlines()
    else:
        from .shellwords import simple_commands

        for argv in simple_commands(step.get("run") if isinstance(step.get("run"), str) else ""):
            pairs += [argv[i + 1] for i in range(len(argv) - 1) if argv[i] == "--build-arg"]
            pairs += [w.split("=", 1)[1] for w in argv if w.startswith("--build-arg=")]
    return {k.strip(): v.strip() for k, eq, v in (p.partition("=") for p in pairs)
            if eq and k.strip() and "${{" not in v and "$" not in k}


def is_this_file(a: "Analysis", path: str) -> bool:
    """Is the build context's file at `path` the Dockerfile being linted (it parses to the same stages)? Each path is
    read and parsed once per lint, however many workflow steps name it."""
    if "$" in path:
        return False
    key = ("is-this-file", a.context_dir, a.report.path, posixpath.normpath(path))
    if key not in a.context_cache:
        from ..evidence.dockerfile_parse import parse_dockerfile_text
        from ..evidence.errors import EvidenceError, read_project_file

        text = read_project_file(a.context_dir, posixpath.normpath(path))
        try:
            other = parse_dockerfile_text(text, path) if text else None
        except EvidenceError:
            other = None
        a.context_cache[key] = other is not None and other.to_dict()["stages"] == a.report.to_dict()["stages"]
    return a.context_cache[key]


def ci_platforms(a: "Analysis") -> set[str]:
    """The CPU architectures (amd64, arm64, ...) the build context's CI workflows build this Dockerfile for:
    docker/build-push-action's `platforms:` and `--platform` of a `docker buildx build` in a run step, of each step
    that builds this file (cached per build context and file)."""
    if not a.context_dir:
        return set()
    key = ("ci-platforms", a.context_dir, a.report.path)
    if key not in a.context_cache:
        from .shellwords import simple_commands

        found: set[str] = set()
        for _name, _doc, _job_name, job in workflow_jobs(a, "platform"):
            for step in job.get("steps") if isinstance(job.get("steps"), list) else ():
                if not any(is_this_file(a, f) for f in docker_files(step)):
                    continue
                given = step.get("with", {}).get("platforms") if isinstance(step.get("with"), dict) else None
                words = list(given) if isinstance(given, list) else str(given or "").replace("\n", ",").split(",")
                for argv in simple_commands(step.get("run") if isinstance(step.get("run"), str) else ""):
                    words += [argv[i + 1] for i in range(len(argv) - 1) if argv[i] == "--platform"]
                    words += [w.split("=", 1)[1] for w in argv if w.startswith("--platform=")]
                found |= {arch for w in words for p in str(w).split(",") if (arch := platform_arch(p))}
        a.context_cache[key] = found
    return a.context_cache[key]


def platform_arch(platform: str) -> str:
    """arm64 for linux/arm64 (and linux/arm64/v8), amd64 for linux/amd64; "" for a variable or another form."""
    parts = platform.strip().split("/")
    return parts[1] if len(parts) >= 2 and parts[0] == "linux" and parts[1].isalnum() else ""
