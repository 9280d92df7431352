"""The build arguments a Dockerfile leaves open that its build configuration fills in.

A Home Assistant add-on's Dockerfile says `ARG BUILD_FROM` and `FROM $BUILD_FROM` with no default: the add-on
builder passes the base image that build.yaml (or build.yml, build.json) beside the Dockerfile names for each
architecture, and the file's `args` as further build arguments (developers.home-assistant.io/docs/add-ons/
configuration, "Add-on extended build"; home-assistant/builder's own build.yaml). Without them lint would see an
empty image name and could check nothing. It takes the amd64 image, else the first one listed, as `docker build
--build-arg` would be given it.

Without a build file, the first step of the context's CI workflows that builds this Dockerfile gives its build
arguments (docker/build-push-action's `build-args:`, `docker build --build-arg`): vnghia/nghe's final `FROM
${BASE_IMAGE}` is debian:12.5-slim there for its gnu build (kb/lint/workflows.py).
"""
from __future__ import annotations

import os

TYPE_CHECKING = False
if TYPE_CHECKING:
    from ..evidence.dockerfile_model import DockerfileReport

BUILD_FILES = ("build.yaml", "build.yml", "build.json")
MAX_BUILD_FILE = 64 * 1024


def open_args(report: "DockerfileReport") -> set[str]:
    """The global ARGs without a default that a FROM line names."""
    unset = {k for k, v in report.global_args if v is None}
    return {k for k in unset for s in report.stages if "$" in s.base_image and k in s.base_image} if unset else set()


def from_build_file(directories: "list[str]") -> dict[str, str]:
    """BUILD_FROM and the `args` of the first build file found in `directories` (in order); {} when none is
    there or it is not a mapping (a broken build file is the add-on builder's error to report, not lint's)."""
    from ..evidence.errors import read_project_file
    from ..yamlfile import YamlError, parse_yaml

    for directory in dict.fromkeys(directories):
        for name in BUILD_FILES:
            text = read_project_file(directory, name, MAX_BUILD_FILE)
            if text is None:
                continue
            try:
                doc = parse_yaml(text)  # JSON is YAML
            except YamlError:
                return {}
            return _values(doc) if isinstance(doc, dict) else {}
    return {}


def _values(doc: dict) -> dict[str, str]:
    args = doc.get("args")
    out = {k: str(v) for k, v in args.items() if isinstance(k, str) and isinstance(v, (str, int, float))} \
        if isinstance(args, dict) else {}
    images = doc.get("build_from")
    if isinstance(images, dict):
        named = [v for v in (images.get("amd64"), *images.values()) if isinstance(v, str) and v.strip()]
        if named:
            out["BUILD_FROM"] = named[0].strip()
    elif isinstance(images, str) and images.strip():
        out["BUILD_FROM"] = images.strip()
    return out


def resolve(report: "DockerfileReport", context_dir: str) -> "DockerfileReport":
    """`report` with its open FROM arguments filled in from a build file beside the Dockerfile or at the root of
    the build context; unchanged when there is none (lint then says it cannot check the image, MI414)."""
    wanted = open_args(report)
    if not wanted:
        return report
    here = [os.path.dirname(os.path.abspath(report.path))] if report.path and report.path != "-" else []
    values = from_build_file(here + [context_dir]) or from_workflows(report, context_dir)
    if not wanted & set(values):
        return report
    from ..evidence.dockerfile_parse import with_build_args

    return with_build_args(report, values)


class _Reading:
    """What kb/lint/workflows.py reads of an analysis, before there is one: the context, the file, a cache."""

    def __init__(self, report: "DockerfileReport", context_dir: str):
        self.report, self.context_dir, self.context_cache = report, context_dir, {}


def from_workflows(report: "DockerfileReport", context_dir: str) -> dict[str, str]:
    """The build arguments of the first CI workflow step that builds this Dockerfile; {} when none does."""
    from .workflows import docker_files, is_this_file, step_build_args, workflow_jobs

    reading = _Reading(report, context_dir)
    for _name, _doc, _job_name, job in workflow_jobs(reading, "build-arg"):
        for step in job.get("steps") if isinstance(job.get("steps"), list) else ():
            if (values := step_build_args(step)) and any(is_this_file(reading, f) for f in docker_files(step)):
                return values
    return {}
