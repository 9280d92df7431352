"""The build context's GitHub Actions workflows, read as YAML: what kb/lint/cibuilds.py (a CI job that builds before
its docker build) and kb/lint/hostbuild.py (a `run:` step's go build) look at."""
from __future__ import annotations

# `Analysis` in annotations is kb.lint.stages' class: named, never imported (stages reaches this module)

WORKFLOWS = ".github/workflows"
MAX_WORKFLOWS = 50


def workflow_jobs(a: "Analysis", needle: str):
    """(workflow file name, its parsed document, job name, job) of each job of the build context's GitHub Actions
    workflows whose text holds `needle` (at most MAX_WORKFLOWS files, none reached by a symbolic link out of the
    context; a file that does not parse is skipped)."""
    import os

    from ..evidence.errors import read_project_file
    from ..yamlfile import YamlError, parse_yaml

    flows = os.path.realpath(os.path.join(a.context_dir, WORKFLOWS))
    if not flows.startswith(os.path.realpath(a.context_dir) + os.sep):
        return  # a symbolic link out of the build context
    try:
        names = sorted(e.name for e in os.scandir(flows) if e.name.endswith((".yml", ".yaml"))
                       and e.is_file(follow_symlinks=False))[:MAX_WORKFLOWS]
    except OSError:
        return
    for name in names:
        text = read_project_file(a.context_dir, f"{WORKFLOWS}/{name}")
        if not text or needle not in text:
            continue
        try:
            doc = parse_yaml(text)
        except YamlError:
            continue
        jobs = doc.get("jobs") if isinstance(doc, dict) else None
        for job_name, job in (jobs.items() if isinstance(jobs, dict) else ()):
            if isinstance(job, dict):
                yield name, doc, job_name, job
