"""Alpine with sgerrand's glibc package (sgerrand/alpine-pkg-glibc): `apk add glibc-VER-rREL.apk` installs the
package glibc, whose loader at /lib64 runs a glibc program (heldout16: hydro-scaffold-dex's fix for "Error relocating
/bin/launcher: fcntl64: symbol not found", a cgo Go build copied into alpine, had been a false MI401)."""
from __future__ import annotations

from kb.evidence.dockerfile_parse import parse_dockerfile_text
from kb.lint import lint_report
from kb.lint.apkdel import added

DOCKERFILE = """\
FROM golang:1.22-bookworm AS build
WORKDIR /src
COPY . .
RUN go build -o /out/app .
FROM alpine:3.20
RUN apk add --no-cache ca-certificates{extra}
COPY --from=build /out/app /usr/local/bin/app
ENTRYPOINT ["app"]
"""
SGERRAND = (" && wget https://github.com/sgerrand/alpine-pkg-glibc/releases/download/2.35-r1/glibc-2.35-r1.apk"
            " && apk add --allow-untrusted /tmp/glibc-2.35-r1.apk")


def rules(knowledge, extra: str) -> list[tuple[str, str]]:
    report = parse_dockerfile_text(DOCKERFILE.format(extra=extra), "Dockerfile")
    return [(f.rule, f.severity) for f in lint_report(knowledge, report)]


def test_a_glibc_program_on_alpine_is_an_error(knowledge):
    assert ("MI401", "error") in rules(knowledge, "")


def test_sgerrands_glibc_package_gives_it_a_loader(knowledge):
    assert "MI401" not in {rule for rule, _ in rules(knowledge, SGERRAND)}


def test_a_local_package_file_installs_the_package_its_name_gives():
    assert added(["apk", "add", "--allow-untrusted", "/tmp/glibc-2.35-r1.apk", "glibc-bin-2.35-r1.apk"]) == \
        ({"glibc", "glibc-bin"}, None)
    assert added(["apk", "add", "./mine.apk", "musl-dev=1.2.5-r0"]) == ({"mine.apk", "musl-dev"}, None)
