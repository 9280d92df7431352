"""A stage that clones the build context's own repository (simple-torrent: `git clone https://${PACKAGE}.git` of
github.com/boypt/simple-torrent, whose go.mod is the context's) builds the context's source: lint reads it as for
`COPY . DIR` (kb/lint/selfclone.py), so MI403 sees the C++ a cgo package links; a clone of another repository stays
unread."""
from __future__ import annotations

import pytest

from kb.lint.selfclone import module_repository, repository

from tests.lint.context_files import lint_with_files

MODULE = "github.com/boypt/simple-torrent"
FILES = {"go.mod": f"module {MODULE}\n\ngo 1.21\n\nrequire github.com/anacrolix/go-libutp v1.3.1\n",
         "main.go": 'package main\n\nimport utp "github.com/anacrolix/go-libutp"\n\n'
                    'func main() { _, _ = utp.NewSocket("udp", ":0") }\n'}
HEAD = "FROM golang:1.21-alpine AS build\nRUN apk add --no-cache git build-base\nENV PACKAGE=github.com/{repo}\n"
TAIL = ("FROM alpine:3.19\nCOPY --from=build /usr/local/bin/cloud-torrent /usr/local/bin/cloud-torrent\n"
        "ENTRYPOINT [\"cloud-torrent\"]\n")
BUILD = "go build -o /usr/local/bin/cloud-torrent ."


def cxx(knowledge, text, tmp_path):
    return [(f.rule, f.line, f.message) for f in lint_with_files(knowledge, text, FILES, tmp_path)
            if f.rule in ("MI403", "MI491")]


@pytest.mark.parametrize("fetch", [
    f"RUN git clone https://${{PACKAGE}}.git /src && cd /src && {BUILD}",
    f"WORKDIR /work\nRUN git clone --depth 1 -b master git@github.com:Boypt/Simple-Torrent.git\n"
    f"RUN cd Simple-Torrent && {BUILD}",  # the directory git names after the URL, in its case
    f"RUN go get -d -v $PACKAGE/...\nWORKDIR /go/src/$PACKAGE\nRUN {BUILD}",
])
def test_a_clone_of_the_contexts_own_repository_is_read_as_the_context(knowledge, tmp_path, fetch):
    text = HEAD.format(repo="boypt/simple-torrent") + fetch + "\n" + TAIL
    [(rule, line, msg)] = cxx(knowledge, text, tmp_path)
    assert (rule, line) == ("MI403", text.count("\n", 0, text.index("COPY --from")) + 1)
    assert msg.startswith("the Go program /usr/local/bin/cloud-torrent needs libstdc++.so.6 and libgcc_s.so.1 (with "
                          "cgo on it links C++: it imports github.com/anacrolix/go-libutp (main.go:3)")
    assert "which alpine:3.19 does not have" in msg


@pytest.mark.parametrize("image,env,flagged", [("golang:1.16-alpine", "", True), ("golang:1.21-alpine", "", False),
                                               ("golang:1.21-alpine", "ENV GO111MODULE=off\n", True)])
def test_a_go_get_that_installs_the_contexts_program_builds_it(knowledge, tmp_path, image, env, flagged):
    """GOPATH mode, and go get before Go 1.18, build and install what they fetch: $GOPATH/bin/simple-torrent."""
    text = (f"FROM {image} AS build\nRUN apk add --no-cache git build-base\n{env}"
            "RUN go get -v github.com/boypt/simple-torrent\nFROM alpine:3.19\n"
            "COPY --from=build /go/bin/simple-torrent /usr/local/bin/simple-torrent\n")
    found = cxx(knowledge, text, tmp_path)
    assert [(rule, line) for rule, line, _m in found] == ([("MI403", 6 if env else 5)] if flagged else [])
    assert all("the Go program /usr/local/bin/simple-torrent needs libstdc++.so.6" in m for _r, _l, m in found)


def test_a_clone_of_another_repository_stays_unread(knowledge, tmp_path):
    """jpillora/cloud-torrent, the project simple-torrent forked: its source is not the context's."""
    clone = f"RUN git clone https://${{PACKAGE}} /src && cd /src && {BUILD}\n"
    text = HEAD.format(repo="jpillora/cloud-torrent") + clone + TAIL
    assert cxx(knowledge, text, tmp_path) == []


def test_clone_urls_and_module_paths_name_one_repository():
    urls = ("https://github.com/Boypt/simple-torrent.git", "git@github.com:boypt/simple-torrent",
            "ssh://git@github.com/boypt/simple-torrent/", "github.com/boypt/simple-torrent",
            "git://github.com/boypt/simple-torrent.git")
    assert {repository(u) for u in urls} == {MODULE}
    assert module_repository(MODULE + "/v2") == MODULE and repository("https://$HOST/x/y") == ""
