"""Every image a Dockerfile builds is judged, not only its last stage: `docker build --target NAME` makes an image of
a named stage that no later stage builds on or copies from, and a stage with a CMD or ENTRYPOINT of its own is one
someone starts (kb.lint.stages.Analysis.targets)."""
from __future__ import annotations

from kb.evidence.dockerfile_parse import parse_dockerfile_text
from kb.lint import lint_report
from kb.lint.stages import Analysis

SERVER_THEN_DEV = """FROM golang:1.22 AS build
WORKDIR /src
COPY . .
RUN {env}go build -o /app .
FROM scratch AS server
COPY --from=build /app /app
ENTRYPOINT ["/app"]
FROM golang:1.22 AS dev
WORKDIR /src
COPY . .
CMD ["go", "run", "."]
"""


def findings(knowledge, text):
    return lint_report(knowledge, parse_dockerfile_text(text, "Dockerfile"))


def test_a_target_stage_before_the_last_is_judged_as_the_image_it_makes(knowledge):
    [f] = [f for f in findings(knowledge, SERVER_THEN_DEV.format(env="")) if f.rule == "MI401"]
    assert (f.severity, f.line) == ("error", 6)
    assert f.message.startswith("in the image of target server: ") and f.target == "server"
    assert "scratch" in f.message


def test_the_same_target_built_static_is_clean(knowledge):
    assert not [f for f in findings(knowledge, SERVER_THEN_DEV.format(env="CGO_ENABLED=0 ")) if f.rule == "MI401"]


def test_the_last_stage_keeps_its_plain_message(knowledge):
    text = SERVER_THEN_DEV.format(env="").replace('FROM golang:1.22 AS dev\nWORKDIR /src\nCOPY . .\nCMD ["go", "run", "."]\n',
                                                  "")
    [f] = [f for f in findings(knowledge, text) if f.rule == "MI401"]
    assert not f.message.startswith("in the image of target") and f.target == ""


def test_stages_used_by_others_unnamed_or_running_nothing_are_not_targets(knowledge):
    text = """FROM golang:1.22 AS build
RUN go build -o /app .
FROM build AS test
RUN go test ./...
FROM alpine AS check
COPY --from=build /app /app
FROM scratch
COPY --from=build /app /app
CMD ["/app"]
FROM scratch AS copied
COPY --from=build /app /app
CMD ["/app"]
FROM copied AS final
"""
    analysis = Analysis(knowledge, parse_dockerfile_text(text, "Dockerfile"))
    # build and copied are built on or copied from; test and check run nothing; the unnamed stage cannot be a target
    assert analysis.targets() == []
    # the check stage, which runs nothing, adds no finding of its own: every MI401 is on a scratch stage's COPY
    lines = {f.line for f in findings(knowledge, text) if f.rule == "MI401"}
    assert 6 not in lines and lines


def test_a_finding_on_a_line_two_targets_share_is_reported_once(knowledge):
    text = """FROM golang:1.22 AS build
RUN go build -o /app .
FROM scratch AS base
COPY --from=build /app /app
FROM base AS one
CMD ["/app", "one"]
FROM base AS two
CMD ["/app", "two"]
"""
    hits = [f for f in findings(knowledge, text) if f.rule == "MI401"]
    assert [f.line for f in hits] == [4]


def test_json_output_names_the_target(tmp_path):
    import json
    import subprocess
    import sys

    path = tmp_path / "Dockerfile"
    path.write_text(SERVER_THEN_DEV.format(env=""))
    out = subprocess.run([sys.executable, "-m", "shell", "lint", "--format", "json", "--no-context", str(path)],
                         capture_output=True, text=True)
    assert out.returncode == 1, out.stderr
    [f] = [f for f in json.loads(out.stdout)["files"][0]["findings"] if f["rule"] == "MI401"]
    assert f["target"] == "server"
