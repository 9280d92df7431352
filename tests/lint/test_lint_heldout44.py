"""What the held-out batch 44 (tests/lint/realworld, heldout44-2026-12-04) showed lint missing, as mechanisms (issue
9): a Go module built beside another that it replaces a dependency with (`replace X => ../dir`), whose packages lint
then could not walk; a single file copied into the build directory after the whole directory was, which made lint
place the build at the context's root. Each test is a small Dockerfile of our own, not a corpus file."""
from __future__ import annotations

import pytest

from tests.lint.context_files import findings_of

_ZONES = """\
FROM golang:1.17-alpine AS build
WORKDIR /src/api
COPY api .
COPY lib ../lib
{extra}RUN go build -o /out/server ./cmd/server
FROM alpine:3.12
COPY --from=build /out/server /usr/bin/server
ENTRYPOINT ["server"]
"""


def _module_beside_another(tmp_path, replace: str) -> str:
    files = {
        "api/go.mod": f"module example.com/api\n\ngo 1.17\n\nrequire example.com/lib v0.0.0\n\n{replace}\n",
        "api/cmd/server/main.go": 'package main\n\nimport "example.com/api/pkg/clock"\n\nfunc main() { clock.Here() }\n',
        "api/pkg/clock/clock.go": 'package clock\n\nimport "time"\n\nfunc Here() { time.LoadLocation("Asia/Jakarta") }\n',
        "lib/go.mod": "module example.com/lib\n\ngo 1.17\n",
        "lib/lib.go": "package lib\n",
        "swagger.yaml": "openapi: 3.0.0\n",
    }
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    return str(tmp_path)


@pytest.mark.parametrize("extra", ["", "COPY swagger.yaml ./swagger.yaml\n"])
def test_a_module_that_replaces_a_dependency_with_the_one_beside_it_is_walked(knowledge, tmp_path, extra):
    ctx = _module_beside_another(tmp_path, "replace example.com/lib => ../lib")
    [f] = findings_of(knowledge, _ZONES.format(extra=extra), "MI418", ctx)
    assert "(api/pkg/clock/clock.go:5 calls time.LoadLocation)" in f.message  # reached from cmd/server, not guessed


def test_two_unrelated_modules_side_by_side_are_not_taken_for_one(knowledge, tmp_path):
    ctx = _module_beside_another(tmp_path, "")
    assert "(api/pkg/clock/clock.go:5 calls time.LoadLocation)" not in " ".join(
        f.message for f in findings_of(knowledge, _ZONES.format(extra=""), "MI418", ctx))
