"""Dockerfile parsing into stages."""

from __future__ import annotations

import pytest

from kb.evidence.dockerfile_parse import parse_dockerfile, parse_dockerfile_text
from kb.evidence.errors import EvidenceError

MULTI = """\
# syntax=docker/dockerfile:1
ARG GO_VERSION=1.22
FROM --platform=$BUILDPLATFORM golang:${GO_VERSION}-bookworm AS build
WORKDIR /src
ENV CGO_ENABLED=0 GOFLAGS="-trimpath -mod=readonly"
ARG TARGETARCH
RUN --mount=type=cache,target=/root/.cache/go-build \\
    go build -o /out/app .
RUN <<EOF
set -e
echo done
EOF

FROM alpine:3.20 AS certs
RUN apk add --no-cache ca-certificates

FROM scratch
COPY --from=certs /etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/
COPY --from=build /out/app /app
COPY --from=busybox:musl /bin/busybox /bin/busybox
USER 65532:65532
ENTRYPOINT ["/app"]
CMD serve --port 80
"""


def test_multistage():
    r = parse_dockerfile_text(MULTI, "Dockerfile")
    assert [s.name for s in r.stages] == ["build", "certs", None]
    b, c, final = r.stages
    assert b.base_image == "golang:${GO_VERSION}-bookworm" and b.base_image_resolved == "golang:1.22-bookworm"
    assert b.platform == "$BUILDPLATFORM" and b.line == 3
    assert b.env_dict() == {"CGO_ENABLED": "0", "GOFLAGS": "-trimpath -mod=readonly"}
    assert dict(b.args) == {"TARGETARCH": None}
    assert b.runs[0].line == 7 and b.runs[0].end_line == 8 and "go build" in b.runs[0].command
    assert b.runs[0].mounts == ("type=cache,target=/root/.cache/go-build",)
    assert b.runs[1].heredoc and b.runs[1].command == "set -e\necho done"
    assert b.workdir == "/src"
    assert r.global_args == (("GO_VERSION", "1.22"),)
    assert r.directives == (("syntax", "docker/dockerfile:1"),)
    assert final is r.final_stage and final.is_scratch
    edges = [(e.source, e.stage_index, e.image, e.line) for e in final.copy_from]
    assert edges == [("certs", 1, None, 18), ("build", 0, None, 19), ("busybox:musl", None, "busybox:musl", 20)]
    assert final.user == "65532:65532" and final.user_line == 21
    assert final.entrypoint.form == "exec" and final.entrypoint.argv == ("/app",)
    assert final.cmd.form == "shell" and final.cmd.argv == ("/bin/sh", "-c", "serve --port 80")
    assert final.runs == () and r.stage("build") is b and r.stage(1) is c
    d = r.to_dict()
    assert d["stages"][0]["env"]["CGO_ENABLED"] == "0"


def test_from_stage_and_numeric_from():
    r = parse_dockerfile_text('FROM debian AS base\nFROM base\nCOPY --from=0 /a /b\n'
                              'SHELL ["/bin/bash", "-c"]\nCMD x\n')
    s = r.stages[1]
    assert s.base_stage == 0 and s.copy_from[0].stage_index == 0
    assert s.shell == ("/bin/bash", "-c") and s.cmd.argv == ("/bin/bash", "-c", "x")


def test_legacy_env_and_run_mount_from():
    r = parse_dockerfile_text("FROM a AS x\nFROM b\nENV A b c\nRUN --mount=type=bind,from=x,target=/m ls\n")
    s = r.stages[1]
    assert s.env == (("A", "b c"),)
    assert s.copy_from[0].stage_index == 0 and s.copy_from[0].instruction == "RUN --mount"


@pytest.mark.parametrize("text,line", [
    ("FROM a\nFOO bar\n", 2),
    ("RUN x\n", 1),
    ("FROM a\nENV\n", 2),
    ("FROM a\nENV A\n", 2),
    ("FROM a AS Bad!\n", 1),
    ("FROM a AS x\nFROM b AS x\n", 2),
    ("FROM a\nCOPY x\n", 2),
    ("FROM a\nRUN x \\\n  y\nENV A\n", 4),
    ("FROM\n", 1),
    ("FROM a b\n", 1),
    ("FROM a\nUSER\n", 2),
    ("FROM a\nSHELL /bin/bash\n", 2),
    ("FROM a\nRUN x\x00\n", 2),
    ("FROM a\nCMD --serve\n", 2),
    ("ARG =x\nFROM a\n", 1),  # Docker: "ARG names can not be blank"
])
def test_malformed_has_line(text, line):
    with pytest.raises(EvidenceError) as ei:
        parse_dockerfile_text(text, "Dockerfile")
    assert ei.value.reason == "malformed" and ei.value.line == line
    assert str(ei.value).startswith(f"Dockerfile:{line}: ")


def test_arg_names_are_any_words_as_docker_takes_them():
    """Both of Docker's builders build `ARG BUILD_ENV=production # Default to production` (sbomify's Dockerfile):
    every word is an ARG, '#' included; only a blank name is refused."""
    report = parse_dockerfile_text("ARG BUILD_ENV=production # Default to production\nFROM python:3.14-slim\n")
    assert report.global_args == (("BUILD_ENV", "production"), ("#", None), ("Default", None), ("to", None),
                                  ("production", None))


@pytest.mark.parametrize("text", ["", "# just a comment\n", "\n\n"])
def test_empty(text):
    with pytest.raises(EvidenceError) as ei:
        parse_dockerfile_text(text)
    assert ei.value.reason == "malformed"


def test_files(tmp_path):
    p = tmp_path / "Dockerfile"
    p.write_text('FROM scratch\nCOPY app /app\nCMD ["/app"]\n')
    assert parse_dockerfile(p).final_stage.cmd.form == "exec"
    with pytest.raises(EvidenceError) as ei:
        parse_dockerfile(tmp_path)
    assert ei.value.reason == "directory"
    b = tmp_path / "bin"
    b.write_bytes(b"FROM a\n\xff\xfe\n")
    with pytest.raises(EvidenceError) as ei:
        parse_dockerfile(b)
    assert ei.value.line == 2


@pytest.mark.parametrize(("run", "command"), [
    # the command line runs; the here-document is its input (Python here), not shell text
    ("RUN pip install --prefix=/install mysqlclient && python - <<'PY'\nimport compileall\nPY\n",
     "pip install --prefix=/install mysqlclient && python -"),
    ("RUN cat > /etc/app.conf <<EOF\nport=80\nEOF\n", "cat > /etc/app.conf"),
    # a shell reading the here-document runs it as its script
    ("RUN bash -e <<EOF\nmake install\nEOF\n", "bash -e\nmake install"),
    ("RUN <<EOF\napk add curl\nEOF\n", "apk add curl"),
])
def test_heredoc_command_line(run, command):
    stage = parse_dockerfile_text("FROM alpine:3.22\n" + run).stages[0]
    assert stage.runs[0].heredoc and stage.runs[0].command == command
