"""What the held-out batch 46 (tests/lint/realworld, heldout46-2026-12-04) showed lint missing, as mechanisms (issue
9): an image outside the catalogue whose RUN steps run apk, given Alpine edge's packages (MI433); a Go program built
the GOPATH way (no go.mod), whose copied source calls an HTTP client that lint did not read (MI411); ImageMagick's
runtime packages, whose quantum depth hid the library they ship (a wrong MI412); a final image named by two build
arguments with no default, printed as ":" (MI414). Each test is a small Dockerfile of our own, not a corpus file."""
from __future__ import annotations

import pytest

from kb.lint.profiles import lib_stem
from tests.lint.context_files import findings_of, lint_with_files

_UNKNOWN_ALPINE = """\
FROM example.com/team/s6-node:8.12.0
RUN {repos}apk add --no-cache vips redis
CMD ["node", "index.js"]
"""


def test_edge_packages_on_an_image_lint_does_not_know_but_that_runs_apk_are_flagged(knowledge):
    text = _UNKNOWN_ALPINE.format(repos='echo "http://dl-cdn.alpinelinux.org/alpine/edge/testing" '
                                        '>> /etc/apk/repositories && ')
    [f] = findings_of(knowledge, text, "MI433")
    assert f.severity == "warning" and f.line == 2
    assert "Alpine of a release lint cannot tell" in f.message and "vips, redis" in f.message


@pytest.mark.parametrize("repos", [
    "",  # its own repositories
    'echo "http://dl-cdn.alpinelinux.org/alpine/v3.6/main" >> /etc/apk/repositories && ',  # maybe not newer than it
    'echo "http://dl-cdn.alpinelinux.org/alpine/edge/testing" >> /etc/apk/repositories && apk upgrade --available && ',
])
def test_an_unknown_image_installing_from_what_may_be_its_own_release_is_not_flagged(knowledge, repos):
    assert findings_of(knowledge, _UNKNOWN_ALPINE.format(repos=repos), "MI433") == []


def test_a_package_named_by_a_variable_is_not_listed_and_a_repository_of_its_own_is_kept_apart(knowledge):
    text = ('FROM example.com/team/s6-node:8.12.0\n'
            'RUN echo "http://dl-cdn.alpinelinux.org/alpine/edge/testing" >> /etc/apk/repositories '
            '&& apk add --no-cache ${DEPS} vips\n'
            'RUN apk add --no-cache --repository http://dl-cdn.alpinelinux.org/alpine/v3.6/main postgresql\n'
            'CMD ["node", "index.js"]\n')
    [f] = findings_of(knowledge, text, "MI433")
    assert "installs vips from" in f.message  # not ${DEPS}, and not postgresql, which comes from v3.6's repository


def test_a_known_glibc_image_is_not_taken_for_alpine(knowledge):
    text = ('FROM debian:bookworm-slim\n'
            'RUN echo "http://dl-cdn.alpinelinux.org/alpine/edge/testing" > /tmp/repos && apt-get update\n'
            'CMD ["sh"]\n')
    assert findings_of(knowledge, text, "MI433") == []


_GOPATH = """\
FROM golang:1.10 AS builder
ENV GOPATH /go
WORKDIR $GOPATH
COPY . $GOPATH/src/github.com/example/imgproxy
RUN go build -o bin/imgproxy github.com/example/imgproxy
FROM ubuntu:16.04
COPY --from=builder /go/bin/imgproxy bin/
ENTRYPOINT ["bin/imgproxy"]
"""
_SERVER = ('package main\n\nimport "net/http"\n\n'
           'func main() { http.ListenAndServe(":9000", http.NewServeMux()) }\n')
_FETCH = ('package main\n\nimport "net/http"\n\n'
          'func fetch(req *http.Request) (*http.Response, error) {\n\treturn http.DefaultClient.Do(req)\n}\n')


def test_a_gopath_build_whose_copied_source_calls_an_http_client_lacks_the_ca_bundle(knowledge, tmp_path):
    files = {"Gopkg.toml": "", "server.go": _SERVER, "source_http.go": _FETCH}
    [f] = [f for f in lint_with_files(knowledge, _GOPATH, files, tmp_path) if f.rule == "MI411"]
    assert "source_http.go:6 calls http.DefaultClient" in f.message and "ubuntu:16.04 has no CA bundle" in f.message


@pytest.mark.parametrize("files", [
    {"Gopkg.toml": "", "server.go": _SERVER},  # a server only
    {"Gopkg.toml": "", "server.go": _SERVER, "server_test.go": _FETCH.replace("func fetch", "func testFetch")},
])
def test_a_gopath_server_whose_only_client_call_is_in_a_test_gets_no_mi411(knowledge, tmp_path, files):
    assert [f for f in lint_with_files(knowledge, _GOPATH, files, tmp_path) if f.rule == "MI411"] == []


@pytest.mark.parametrize("package, stem", [
    ("libmagickwand-6.q16-2", "libmagickwand"), ("libmagickwand-6.q16hdri-6", "libmagickwand"),
    ("libmagick++-6.q16-8", "libmagick++"), ("libMagickWand-6.Q16.so.6", "libmagickwand"),
    ("libmagickwand-dev", "libmagickwand-dev"), ("libqt5core5a", "libqt5core5a"), ("libssl3", "libssl"),
])
def test_imagemagicks_quantum_depth_is_part_of_its_version(package, stem):
    assert lib_stem(package) == stem


def test_imagemagicks_runtime_package_satisfies_what_its_dev_package_built(knowledge):
    text = ('FROM ubuntu:16.04 AS builder\n'
            'RUN apt-get update && apt-get install -y libmagickwand-dev gcc\n'
            'COPY . /src\n'
            'RUN gcc -o /usr/local/bin/thumb /src/thumb.c $(pkg-config --cflags --libs MagickWand)\n'
            'FROM ubuntu:16.04\n'
            'RUN apt-get update && apt-get install -y --no-install-recommends libmagickwand-6.q16-2\n'
            'COPY --from=builder /usr/local/bin/thumb /usr/local/bin/thumb\n'
            'ENTRYPOINT ["thumb"]\n')
    assert findings_of(knowledge, text, "MI412") == []
    assert findings_of(knowledge, text.replace(" libmagickwand-6.q16-2", " libpng12-0"), "MI412")


def test_a_final_image_of_two_arguments_without_defaults_is_named_as_written(knowledge):
    text = ('ARG SOURCE_IMAGE\nARG PHP_VERSION\n'
            'FROM node:18-alpine AS node\n'
            'FROM ${SOURCE_IMAGE}:${PHP_VERSION}\n'
            'COPY --from=node /usr/local/bin/node /usr/local/bin/node\n'
            'CMD ["node"]\n')
    [f] = [f for f in findings_of(knowledge, text, "MI414") if f.line == 4]
    assert "cannot check libc of ${SOURCE_IMAGE}:${PHP_VERSION} (the final image)" in f.message


def test_a_gopath_builds_client_call_outside_its_main_package_is_not_taken_for_its_own(knowledge, tmp_path):
    # whether the program reaches another package is what lint could not follow: MI416 says so, not MI411
    server = _SERVER.replace('import "net/http"', 'import (\n\t"net/http"\n\n\t"github.com/example/imgproxy/fetch"\n)')
    server = server.replace("func main() {", "func main() {\n\tfetch.Init()")
    files = {"Gopkg.toml": "", "server.go": server, "fetch/fetch.go": _FETCH.replace("package main", "package fetch")}
    found = [f.rule for f in lint_with_files(knowledge, _GOPATH, files, tmp_path) if f.rule in ("MI411", "MI416")]
    assert found == ["MI416"]
