"""MI461 and MI462 (kb/lint/gomods.py) with more than one Go build, or a build with cgo off (mutation sample seed
100, tests/mutation-survivors.md)."""
from __future__ import annotations

from tests.lint.context_files import lint_with_files

GO_MOD = "module example.test/app\n\ngo 1.22\n"
KAFKA = {"go.mod": GO_MOD + "\nrequire github.com/confluentinc/confluent-kafka-go v1.9.2\n",
         "main.go": 'package main\n\nimport "github.com/confluentinc/confluent-kafka-go/kafka"\n\n'
                    'func main() { _, _ = kafka.NewProducer(nil) }\n'}
WASMER = {"go.mod": GO_MOD + "\nrequire github.com/wasmerio/wasmer-go v1.0.4\n",
          "main.go": 'package main\n\nimport "github.com/wasmerio/wasmer-go/wasmer"\n\n'
                     'func main() { _ = wasmer.NewEngine() }\n'}


def found(knowledge, text, files, tmp_path, rule):
    return [(f.line, f.message) for f in lint_with_files(knowledge, text, files, tmp_path) if f.rule == rule]


def test_a_glibc_build_before_the_alpine_one_does_not_hide_the_missing_musl_tag(knowledge, tmp_path):
    text = ("FROM golang:1.21-bookworm AS tools\nWORKDIR /src\nCOPY . .\nRUN go build -o /out/tool .\n"
            "FROM golang:1.21-alpine AS build\nRUN apk add --no-cache gcc musl-dev\nWORKDIR /src\nCOPY . .\n"
            "RUN go build -o /out/app .\nFROM alpine:3.19\nCOPY --from=build /out/app /app\n")
    [(line, msg)] = found(knowledge, text, KAFKA, tmp_path, "MI461")
    assert line == 9
    assert "links github.com/confluentinc/confluent-kafka-go v1.9.2, but the build has no -tags musl" in msg


def test_a_build_with_cgo_off_links_no_shared_library_from_the_module_cache(knowledge, tmp_path):
    text = ("FROM golang:1.22-bookworm AS build\nWORKDIR /src\nCOPY . .\nRUN {cgo}go build -o /out/app .\n"
            "FROM debian:bookworm-slim\nCOPY --from=build /out/app /app\n")
    assert found(knowledge, text.format(cgo="CGO_ENABLED=0 "), WASMER, tmp_path, "MI462") == []
    assert [line for line, _m in found(knowledge, text.format(cgo=""), WASMER, tmp_path, "MI462")] == [6]
