"""MI492 (kb/lint/staticnss.py): a Go program linked statically against a glibc before 2.34 with cgo on still
loads that glibc's libnss_* modules for host-name and user lookups, which scratch, distroless static, busybox and
Alpine lack; MI402 no longer calls such a build 'static only by default'. And apt's golang on Debian/Ubuntu
brings gcc through Recommends, so cgo is on there (MI402's profile of the builder)."""
from __future__ import annotations

import pytest

from tests.lint.context_files import lint_with_files

GOMOD_SQLITE = "module example.com/app\n\ngo 1.13\n\nrequire github.com/mattn/go-sqlite3 v1.10.0\n"
STATIC = """FROM golang:1.13-stretch AS build
WORKDIR /src
COPY . .
RUN go build {tags}-ldflags '-extldflags "-static"' -o /app .
FROM {final}
COPY --from=build /app /app
ENTRYPOINT ["/app"]
"""


def rules(findings, rule):
    return [f for f in findings if f.rule == rule]


@pytest.mark.parametrize("final", ["scratch", "alpine:3.19", "gcr.io/distroless/static-debian12", "busybox:1.36-musl"])
def test_a_cgo_module_static_glibc_build_is_a_warning_naming_nss_and_the_fixes(knowledge, tmp_path, final):
    found = lint_with_files(knowledge, STATIC.format(tags="", final=final), {"go.mod": GOMOD_SQLITE}, tmp_path)
    [f] = rules(found, "MI492")
    assert (f.line, f.severity) == (6, "warning")
    assert ("linked statically against glibc 2.24 of golang:1.13-stretch (-extldflags -static) with cgo on and "
            "without -tags netgo: net's cgo resolver and os/user's user and group lookups go through glibc's NSS"
            in f.message)
    assert "libnss_files.so.2 and libnss_dns.so.2 of glibc 2.24" in f.message
    assert "Using 'getaddrinfo' in statically linked applications" in f.message
    assert f"{final} has none of them" in f.message
    assert "-tags netgo,osusergo" in f.fix and "musl" in f.fix and "/etc/nsswitch.conf" in f.fix
    assert rules(found, "MI402") == []  # static whatever its imports: not cgo's default


@pytest.mark.parametrize("tags", ["-tags netgo ", "-tags netgo,osusergo "])
def test_go_own_resolver_is_quiet(knowledge, tmp_path, tags):
    found = lint_with_files(knowledge, STATIC.format(tags=tags, final="scratch"), {"go.mod": GOMOD_SQLITE}, tmp_path)
    assert rules(found, "MI492") == []


def test_glibc_2_34_and_later_resolve_through_files_and_dns_without_a_module(knowledge, tmp_path):
    text = STATIC.format(tags="", final="scratch").replace("golang:1.13-stretch", "golang:1.22-bookworm")
    assert rules(lint_with_files(knowledge, text, {"go.mod": GOMOD_SQLITE}, tmp_path), "MI492") == []


def test_a_final_image_with_glibc_is_quiet(knowledge, tmp_path):
    text = STATIC.format(tags="", final="debian:stretch-slim")
    assert rules(lint_with_files(knowledge, text, {"go.mod": GOMOD_SQLITE}, tmp_path), "MI492") == []


def test_without_external_linking_the_flag_is_not_a_static_glibc_link(knowledge, tmp_path):
    # no cgo module and no -linkmode external: cmd/link links internally, -extldflags does not apply
    found = lint_with_files(knowledge, STATIC.format(tags="", final="scratch"),
                            {"go.mod": "module example.com/app\n\ngo 1.13\n"}, tmp_path)
    assert rules(found, "MI492") == []


C_STATIC = """FROM debian:{release} AS build
RUN apt-get update && apt-get install -y gcc libc6-dev
COPY src/ /src/
RUN gcc -static -O2 -o /probe /src/probe.c
FROM scratch
COPY --from=build /probe /probe
ENTRYPOINT ["/probe"]
"""
LOOKUP = "#include <pwd.h>\n\nint main(void) {\n    return getpwnam(\"app\") == 0;\n}\n"


def test_a_static_c_program_whose_source_looks_up_a_user_is_a_warning_naming_the_call(knowledge, tmp_path):
    found = lint_with_files(knowledge, C_STATIC.format(release="buster"), {"src/probe.c": LOOKUP}, tmp_path)
    [f] = rules(found, "MI492")
    assert (f.line, f.severity) == (6, "warning")
    assert "src/probe.c:4 calls getpwnam, which goes through glibc's NSS" in f.message
    assert "glibc 2.28 of debian:buster (gcc -static)" in f.message
    assert "musl" in f.fix and "2.34 or later" in f.fix and "-tags netgo" not in f.fix


def test_a_static_c_program_is_quiet_without_a_visible_call_or_on_a_newer_glibc(knowledge, tmp_path):
    quiet = {"src/probe.c": "int main(void) { return 0; }\n"}
    assert rules(lint_with_files(knowledge, C_STATIC.format(release="buster"), quiet, tmp_path), "MI492") == []
    assert rules(lint_with_files(knowledge, C_STATIC.format(release="bookworm"), {"src/probe.c": LOOKUP},
                                 tmp_path), "MI492") == []
    assert rules(lint_with_files(knowledge, C_STATIC.format(release="buster"), None, tmp_path), "MI492") == []


UBUNTU_GO = """FROM ubuntu:22.04 AS build
RUN apt-get update && apt-get install -y {opts}golang git
WORKDIR /src
COPY . .
RUN go build -o /app .
FROM scratch
COPY --from=build /app /app
ENTRYPOINT ["/app"]
"""


def test_apt_golang_brings_gcc_through_recommends_so_cgo_is_on(knowledge):
    from kb.lint import lint_text

    found = lint_text(knowledge, UBUNTU_GO.format(opts=""))
    assert not any("has no C compiler" in f.message for f in found)
    assert [f.rule for f in found if f.severity == "error"] == ["MI401"]  # a dynamic glibc program on scratch


def test_apt_golang_without_recommends_has_no_compiler(knowledge):
    from kb.lint import lint_text

    found = lint_text(knowledge, UBUNTU_GO.format(opts="--no-install-recommends "))
    [f] = [f for f in found if f.rule == "MI402"]
    assert "cgo is off by default: ubuntu:22.04 has no C compiler" in f.message
