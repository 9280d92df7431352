"""What a parsed Dockerfile is: stages, their instructions, COPY --from edges, RUN commands, CMD/ENTRYPOINT
(kb/evidence/dockerfile_parse.py builds these). Frozen records (kb/records.py: tuples, cheap to define, so that a
one-file `lint` process does not import dataclasses); `to_dict()` gives JSON-ready data."""

from __future__ import annotations

from ..records import Data, record


@record
class Instruction(Data):
    cmd: str                          # upper case: "RUN", "COPY", ...
    line: int
    end_line: int
    flags: tuple[str, ...]            # ("--from=build", "--chown=1")
    args: tuple[str, ...]             # the parser's values
    json: bool                        # exec (JSON array) form
    original: str
    sub_cmd: str | None = None        # for ONBUILD
    heredocs: tuple[tuple[str, str], ...] = ()   # (name, body) of each here-document


@record
class CopyFrom(Data):
    line: int
    source: str                       # the --from value as written
    stage_index: int | None           # the stage it names, or None when it is an image reference
    image: str | None                 # the image, when it is not a stage
    sources: tuple[str, ...]
    dest: str | None
    instruction: str                  # "COPY" (ADD has no --from) or "RUN --mount=from=..."


@record
class RunCommand(Data):
    line: int
    end_line: int
    command: str                      # shell text (heredoc bodies joined), or the argv joined by spaces
    exec_form: bool
    argv: tuple[str, ...] = ()        # exec form only
    mounts: tuple[str, ...] = ()      # --mount values
    heredoc: bool = False


@record
class ExecSpec(Data):
    """CMD or ENTRYPOINT."""
    line: int
    form: str                         # "exec" | "shell"
    argv: tuple[str, ...]             # exec form: the array; shell form: SHELL + (command,)
    command: str | None               # shell form: the command text


@record
class Stage(Data):
    index: int
    name: str | None
    base_image: str                   # as written, e.g. "golang:${GO_VERSION}-bookworm"
    base_image_resolved: str          # with global ARG defaults substituted
    base_stage: int | None            # FROM <earlier stage>
    platform: str | None
    line: int
    end_line: int
    instructions: tuple[Instruction, ...]
    copy_from: tuple[CopyFrom, ...]
    env: tuple[tuple[str, str], ...]            # in order; later entries win
    args: tuple[tuple[str, str | None], ...]    # ARG name, default
    runs: tuple[RunCommand, ...]
    cmd: ExecSpec | None
    entrypoint: ExecSpec | None
    user: str | None
    user_line: int | None
    workdir: str | None
    shell: tuple[str, ...]            # SHELL in force at the end of the stage
    exposes: tuple[str, ...]

    @property
    def is_scratch(self) -> bool:
        return self.base_image_resolved.strip().lower() == "scratch"

    def env_dict(self) -> dict[str, str]:
        return dict(self.env)

    def to_dict(self) -> dict:
        d = Data.to_dict(self)
        d["env"] = dict(self.env)
        d["args"] = dict(self.args)
        return d


@record
class DockerfileReport(Data):
    path: str | None
    stages: tuple[Stage, ...]
    global_args: tuple[tuple[str, str | None], ...]    # ARGs before the first FROM
    directives: tuple[tuple[str, str], ...]            # "# syntax=", "# escape=", "# check="
    warnings: tuple[str, ...] = ()

    @property
    def final_stage(self) -> Stage:
        return self.stages[-1]

    def stage(self, name_or_index: "str | int") -> Stage | None:
        if isinstance(name_or_index, int):
            return self.stages[name_or_index] if -len(self.stages) <= name_or_index < len(self.stages) else None
        for s in self.stages:
            if s.name == name_or_index.lower():
                return s
        return None

    def to_dict(self) -> dict:
        return {"path": self.path, "stages": [s.to_dict() for s in self.stages],
                "global_args": dict(self.global_args), "directives": dict(self.directives),
                "warnings": list(self.warnings)}
