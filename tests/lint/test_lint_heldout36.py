"""What the held-out batches 35 and 36 (tests/lint/realworld) showed lint missing, as mechanisms (issue 9): a cgo Go
program of Go 1.20 or later on Alpine with libc6-compat, which has no libresolv.so.2 (MI401); confluent-kafka-go
before 1.4.0, which linked the system's librdkafka (MI412); a Go program built on a host, no CI job in sight, in a
glibc image without GLIBC_2.34 (MI425); an HTTP client module in go.mod (MI411). Each test is a small Dockerfile of
our own, not a corpus file."""
from __future__ import annotations

from kb.evidence.dockerfile_parse import parse_dockerfile_text
from kb.lint import lint_report


def findings(knowledge, text: str, rule: str, context: str | None = None) -> list:
    report = lint_report(knowledge, parse_dockerfile_text(text, "Dockerfile"), context_dir=context)
    return [f for f in report if f.rule == rule]


# ---- MI401: libc6-compat has no libresolv.so.2 -------------------------------------------------------------------

_COMPAT = """\
FROM golang:{go} AS build
WORKDIR /src
COPY . .
RUN go build -o /proxy .
FROM alpine:3.20
RUN apk add --no-cache ca-certificates {shim}
COPY --from=build /proxy /proxy
ENTRYPOINT ["/proxy"]
"""


def test_cgo_go_on_libc6_compat_misses_libresolv(knowledge):
    [f] = findings(knowledge, _COMPAT.format(go="1", shim="libc6-compat"), "MI401")
    assert (f.severity, f.line) == ("error", 7)
    assert "has no libresolv.so.2" in f.message and "Go 1.20" in f.message


def test_libc6_compat_is_enough_before_go_120_and_gcompat_has_libresolv(knowledge):
    assert findings(knowledge, _COMPAT.format(go="1.19", shim="libc6-compat"), "MI401") == []
    assert findings(knowledge, _COMPAT.format(go="1.22", shim="gcompat"), "MI401") == []
    static = _COMPAT.format(go="1.22", shim="libc6-compat").replace("RUN go build", "RUN CGO_ENABLED=0 go build")
    assert findings(knowledge, static, "MI401") == []


# ---- MI412: confluent-kafka-go before 1.4.0 links the system's librdkafka ----------------------------------------

_KAFKA = """\
FROM golang:1.11-alpine AS build
RUN apk add --no-cache alpine-sdk librdkafka-dev
WORKDIR /src
COPY . .
RUN go build -o /adapter
FROM alpine:3.8
COPY --from=build /adapter /adapter
CMD ["/adapter"]
"""


def _kafka(tmp_path, version: str) -> str:
    (tmp_path / "go.mod").write_text(f"module example.test/adapter\n\nrequire github.com/confluentinc/"
                                     f"confluent-kafka-go {version}\n")
    (tmp_path / "main.go").write_text('package main\n\nimport _ "github.com/confluentinc/confluent-kafka-go/kafka"\n\n'
                                      "func main() {}\n")
    return str(tmp_path)


def test_old_confluent_kafka_go_needs_librdkafka_in_the_final_image(knowledge, tmp_path):
    [f] = findings(knowledge, _KAFKA, "MI412", _kafka(tmp_path, "v0.11.4"))
    assert (f.severity, f.line) == ("warning", 7)
    assert "alpine:3.8 lacks librdkafka" in f.message and "before 1.4.0" in f.message
    assert "apk add --no-cache librdkafka" in f.fix


def test_librdkafka_installed_or_a_bundling_release_says_nothing(knowledge, tmp_path):
    ctx = _kafka(tmp_path, "v0.11.4")
    fixed = _KAFKA.replace("FROM alpine:3.8\n", "FROM alpine:3.8\nRUN apk add --no-cache librdkafka\n")
    assert findings(knowledge, fixed, "MI412", ctx) == []
    assert findings(knowledge, _KAFKA, "MI412", _kafka(tmp_path, "v1.9.2")) == []


# ---- MI425: a Go program built on a host, into a glibc without GLIBC_2.34 ----------------------------------------

_OPERATOR = """\
FROM {image}
ARG TARGETARCH
COPY ./manager-${{TARGETARCH}} /manager
ENTRYPOINT ["/manager"]
"""


def _operator(tmp_path, build: str = "go build -o bin/manager main.go") -> str:
    (tmp_path / "go.mod").write_text("module example.test/operator\n\ngo 1.22\n")
    (tmp_path / "Makefile").write_text(f"build:\n\t{build}\n")
    (tmp_path / "main.go").write_text('package main\n\nimport "net/http"\n\nfunc main() { http.ListenAndServe(":80", '
                                      "nil) }\n")
    return str(tmp_path)


def test_host_built_go_program_on_debian_11_or_ubi_8(knowledge, tmp_path):
    ctx = _operator(tmp_path)
    for image, glibc in (("gcr.io/distroless/base-debian11:nonroot", "2.31"), ("debian:bullseye-slim", "2.31")):
        [f] = findings(knowledge, _OPERATOR.format(image=image), "MI425", ctx)
        assert (f.severity, f.line) == ("warning", 3)
        assert f"newer than {image}'s {glibc}" in f.message and "GLIBC_2.34" in f.message
        assert "CGO_ENABLED=0" in f.fix


def test_host_built_go_program_quiet_on_new_glibc_or_when_the_makefile_turns_cgo_off(knowledge, tmp_path):
    ctx = _operator(tmp_path)
    assert findings(knowledge, _OPERATOR.format(image="gcr.io/distroless/base-debian12:nonroot"), "MI425", ctx) == []
    made = _OPERATOR.format(image="debian:bullseye-slim").replace("./manager-${TARGETARCH}", "bin/manager")
    [f] = findings(knowledge, made, "MI425", ctx)  # the Makefile's own build: cgo left to its default
    assert "`make build` (Makefile:2: go build -o bin/manager main.go), with cgo left to its default" in f.message
    static = _operator(tmp_path, "CGO_ENABLED=0 go build -o bin/manager main.go")
    assert findings(knowledge, made, "MI425", static) == []


# ---- MI411: an HTTP client module in go.mod ----------------------------------------------------------------------

def test_a_rest_client_module_means_tls_calls_on_scratch(knowledge, tmp_path):
    (tmp_path / "go.mod").write_text("module example.test/scenario\n\nrequire github.com/sendgrid/rest "
                                     "v2.4.1+incompatible\n")
    text = "FROM scratch\nCOPY scenario /\nENTRYPOINT [\"/scenario\"]\n"
    [f] = findings(knowledge, text, "MI411", str(tmp_path))
    assert "github.com/sendgrid/rest" in f.message
    with_bundle = "FROM alpine:3.20 AS certs\nFROM scratch\nCOPY --from=certs /etc/ssl/certs/ca-certificates.crt " \
                  "/etc/ssl/certs/\nCOPY scenario /\nENTRYPOINT [\"/scenario\"]\n"
    assert findings(knowledge, with_bundle, "MI411", str(tmp_path)) == []


# ---- a stage that picks the platform's prebuilt program out of the build context --------------------------------

_PICKED = """\
FROM busybox AS pick
COPY prober-linux-* ./
ARG TARGETPLATFORM
RUN if [ "$TARGETPLATFORM" = "linux/amd64" ]; then mv prober-linux-amd64 prober; fi
RUN if [ "$TARGETPLATFORM" = "linux/arm64" ]; then mv prober-linux-arm64 prober; fi
FROM debian:bookworm-slim
COPY --from=pick /prober /prober
ENTRYPOINT ["/prober"]
"""


def _prober(tmp_path) -> str:
    (tmp_path / "go.mod").write_text("module github.com/example/prober\n\nrequire cloud.google.com/go v0.110.0\n")
    return str(tmp_path)


def test_a_program_picked_out_of_the_context_by_a_stage_is_the_context_program(knowledge, tmp_path):
    [f] = findings(knowledge, _PICKED, "MI411", _prober(tmp_path))
    assert (f.severity, f.line) == ("warning", 7)
    assert "the Go program /prober" in f.message and "picked out of the build context by stage pick" in f.message


def test_a_picked_program_with_a_bundle_or_a_stage_that_builds_it_is_not_one(knowledge, tmp_path):
    ctx = _prober(tmp_path)
    bundle = _PICKED.replace("FROM debian:bookworm-slim\n", "FROM debian:bookworm-slim\nRUN apt-get update && "
                             "apt-get install -y --no-install-recommends ca-certificates\n")
    assert findings(knowledge, bundle, "MI411", ctx) == []
    other = _PICKED.replace("COPY --from=pick /prober /prober", "COPY --from=pick /etc/hostname /prober")
    assert findings(knowledge, other, "MI411", ctx) == []


# ---- MI412: -dev packages deleted after the stage's own build still name what it links ---------------------------

_DELETED = """\
FROM alpine:3.8 AS builder
RUN apk add --no-cache --virtual .build-deps g++ make postgresql-dev sqlite-dev && \\
    cd /src && ./configure --with-modules='gpgsql gsqlite3' && make && make install && \\
    apk del .build-deps
FROM alpine:3.8
RUN apk add --no-cache sqlite-libs libstdc++
COPY --from=builder /usr/local/sbin /usr/local/sbin/
ENTRYPOINT ["/usr/local/sbin/server"]
"""


def test_dev_packages_deleted_after_a_configure_build_still_count(knowledge):
    [f] = findings(knowledge, _DELETED, "MI412")
    assert (f.severity, f.line) == ("warning", 7)
    assert "alpine:3.8 lacks libpq (postgresql-dev installed for the build there and deleted after it)" in f.message
    assert "sqlite" not in f.message.split("which what")[0]  # sqlite-libs is installed


def test_deleted_dev_packages_with_their_run_time_packages_say_nothing(knowledge):
    fixed = _DELETED.replace("sqlite-libs libstdc++", "sqlite-libs libstdc++ libpq")
    assert findings(knowledge, fixed, "MI412") == []
    kept_elsewhere = _DELETED.replace("sqlite-libs libstdc++", "sqlite-libs libstdc++ postgresql-libs")
    assert findings(knowledge, kept_elsewhere, "MI412") == []  # another run-time package of libpq (releases.yaml)

