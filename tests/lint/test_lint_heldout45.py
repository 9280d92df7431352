"""What the held-out batch 45 (tests/lint/realworld, heldout45-2026-12-04) showed lint missing, as a mechanism (issue
9): older Alpine images' CA bundles. alpine:3.5 and 3.6 have none; alpine:3.7 to 3.9 have only /etc/ssl/cert.pem,
which Go 1.12 and older do not look for (hammer-space/csi-plugin#3: Go 1.10 on alpine:3.8, "x509: failed to load
system roots and no roots provided"). Each test is a small Dockerfile of our own, not a corpus file."""
from __future__ import annotations

import pytest

import kb
from kb.lint.profiles import profile_for
from tests.lint.context_files import lint_with_files

_CLIENT = {"main.go": 'package main\n\nimport "net/http"\n\nfunc main() { http.Get("https://example.com") }\n'}
_BUILD = """\
FROM {builder} AS build
WORKDIR /go/src/example.com/client
COPY . .
RUN CGO_ENABLED=0 go build -o /client .
FROM {final}
{extra}COPY --from=build /client /bin/client
ENTRYPOINT ["/bin/client"]
"""


def _tls(knowledge, tmp_path, builder, final, extra=""):
    text = _BUILD.format(builder=builder, final=final, extra=extra)
    return [f for f in lint_with_files(knowledge, text, _CLIENT, tmp_path) if f.rule in ("MI411", "MI416")]


@pytest.mark.parametrize("final", ["alpine:3.7", "alpine:3.8", "alpine:3.9.6", "docker.io/library/alpine:3.8"])
def test_go_112_and_older_cannot_find_the_bundle_of_alpine_37_to_39(knowledge, tmp_path, final):
    [f] = _tls(knowledge, tmp_path, "golang:1.10-alpine3.8", final)
    assert f.rule == "MI411" and f.severity == "warning"
    assert "has no CA bundle Go 1.10 reads (its only one is /etc/ssl/cert.pem" in f.message
    assert "'x509: failed to load system roots and no roots provided'" in f.message


@pytest.mark.parametrize("builder, final, extra", [
    ("golang:1.15-alpine3.12", "alpine:3.8", ""),  # Go 1.15 reads /etc/ssl/cert.pem
    ("golang:1.10-alpine3.8", "alpine:3.10", ""),  # a release whose bundle was not checked: the family's holds
    ("golang:1.10-alpine3.8", "alpine:3.12", ""),
    ("golang:1.10-alpine3.8", "alpine:3.8", "RUN apk add --no-cache ca-certificates\n"),  # csi-plugin's fix
    ("golang:1.10-alpine3.8", "golang:1.10-alpine3.8", ""),  # the golang image installs ca-certificates
])
def test_a_go_that_finds_a_bundle_is_not_reported(knowledge, tmp_path, builder, final, extra):
    assert _tls(knowledge, tmp_path, builder, final, extra) == []


def test_alpine_36_has_no_bundle_for_any_go(knowledge, tmp_path):
    [f] = _tls(knowledge, tmp_path, "golang:1.20-alpine", "alpine:3.6")
    assert f.rule == "MI411" and "alpine:3.6 has no CA bundle, and" in f.message
    assert "'x509: certificate signed by unknown authority'" in f.message


def test_an_old_go_on_alpine_38_whose_calls_lint_cannot_see_is_an_info(knowledge, tmp_path):
    text = _BUILD.format(builder="golang:1.10-alpine3.8", final="alpine:3.8", extra="")
    found = [f for f in lint_with_files(knowledge, text, {"main.go": "package main\n\nfunc main() {}\n",
                                                           "lib.go": 'package main\n\nimport _ "example.org/sdk"\n'},
                                        tmp_path) if f.rule in ("MI411", "MI416")]
    assert [(f.rule, f.severity) for f in found] == [("MI416", "info")]
    assert "alpine:3.8 has no CA bundle Go 1.10 reads" in found[0].message


def test_images_built_from_an_old_alpine_keep_what_their_own_dockerfile_installs(knowledge):
    assert profile_for(knowledge, "alpine:3.6").ca_certificates is False
    assert profile_for(knowledge, "alpine:3.8").ca_file == "/etc/ssl/cert.pem"
    for ref in ("python:3.6-alpine3.6", "golang:1.10-alpine3.8", "alpine:3.12", "alpine"):
        prof = profile_for(knowledge, ref)
        assert prof.ca_certificates is True and prof.ca_file is None, ref


@pytest.mark.parametrize("value", ["yes", "etc/ssl/cert.pem", "[a]"])
def test_a_release_ca_bundle_that_is_neither_none_nor_a_path_is_refused_where_it_is(tmp_path, value):
    layer = tmp_path / "mine.yaml"
    layer.write_text(f"releases:\n  alpine3.4:\n    ca_bundle: {value}\n")
    with pytest.raises(kb.RuleFileError, match=r"mine\.yaml:3: alpine3\.4: ca_bundle is `none` or the path"):
        kb.load(layer, cache=False)
