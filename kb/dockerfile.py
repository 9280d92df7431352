"""Render a plan as a multi-stage Dockerfile: build stage, final stage, exec-form CMD (rule MI109).

Reads a kb.model.Plan by its attributes only, so the model can offer `Plan.dockerfile` without an import loop.

An image whose ENTRYPOINT already runs the interpreter (distroless nodejs, python3, java) gets a CMD of only the
program and its arguments; where the plan's command must run another interpreter (a virtualenv's python) the plan
carries it as an exec-form ENTRYPOINT instead."""
from __future__ import annotations

import json


def render(plan) -> str:
    build = [s for s in plan.steps if s.stage == "build"]
    final = [s for s in plan.steps if s.stage == "final"]
    tags = list(dict.fromkeys(t for s in build for t in s.go_tags))
    lines = ["# syntax=docker/dockerfile:1", f"# minimage-ask plan {plan.rank}: {plan.strategy_title}, on {plan.final_image}"]
    lines += platform_comment(plan)
    if plan.build_image:  # an inspected binary ships as it is: no build stage
        on = f"--platform={plan.build_platform} " if plan.build_platform else ""
        lines.append(f"FROM {on}{plan.build_image} AS build")
        for step in build:
            if tags and step.instruction.startswith("RUN go build"):
                lines.append(f"ENV GOFLAGS=-tags={','.join(tags)}")
                tags = []
            if step.instruction:
                lines.append(step.instruction)
        lines.append("")
    # an inspected binary runs on its own platform only: the final stage is pinned to it, whatever the build machine
    lines.append(f"FROM --platform={plan.final_platform} {plan.final_image}" if plan.final_platform
                 else f"FROM {plan.final_image}")
    lines += [s.instruction for s in final]
    if plan.user:
        lines.append(f"USER {plan.user}")
    if plan.entrypoint:  # the image's own ENTRYPOINT would run something else: replace it
        lines.append(f"ENTRYPOINT {json.dumps(list(plan.entrypoint))}")
    if plan.cmd or not plan.entrypoint:  # after an inherited ENTRYPOINT, CMD holds only its arguments
        lines.append(f"CMD {json.dumps(list(plan.cmd))}")
    return "\n".join(lines) + "\n"


def platform_comment(plan) -> list[str]:
    """Which platforms the Dockerfile serves, and how to build it for the target when that is not linux/amd64."""
    served = ", ".join(f"linux/{p}" for p in plan.platforms) or f"linux/{plan.platform}"
    lines = [f"# platforms: {served}"]
    if plan.platform != "amd64":
        lines.append(f"# build for linux/{plan.platform}: docker buildx build --platform linux/{plan.platform} .")
    return lines
