"""MI411 from a Go program's own code (kb/lint/goclients.py): the package `go build` names and the packages it
reaches through the module's own imports are read for the calls of an HTTP or TLS client; a server that only
serves is not a client, a client call in a command that is not built does not count, and what lint cannot read
(another module's package, a file outside the context) makes it say it cannot tell (MI416), never a warning."""
from __future__ import annotations

import os

import pytest

from kb.lint import lint_text

from tests.bounded import within

GO = """FROM golang:1.22 AS build
ENV CGO_ENABLED=0
WORKDIR /src
COPY . .
RUN go build -o /app {target}
FROM {final}
COPY --from=build /app /app
ENTRYPOINT ["/app"]
"""


def tree(root, files: dict) -> str:
    for rel, text in {"go.mod": "module example.test/tool\n\ngo 1.22\n", **files}.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return str(root)


def tls_findings(knowledge, ctx, target="./cmd/tool", final="debian:bookworm-slim"):
    return [f for f in lint_text(knowledge, GO.format(target=target, final=final), context_dir=ctx)
            if f.rule in ("MI411", "MI416")]


MAIN = 'package main\n\nimport "example.test/tool/internal/fetch"\n\nfunc main() { fetch.Run() }\n'
FETCH = ('package fetch\n\nimport (\n\t"context"\n\t"net/http"\n)\n\nfunc Run() {\n'
         '\treq, _ := http.NewRequestWithContext(context.Background(), "GET", Endpoint, nil)\n'
         '\t_, _ = http.DefaultClient.Do(req)\n}\n\nvar Endpoint = ""\n')
SERVER = ('package main\n\nimport (\n\t"crypto/tls"\n\t"net/http"\n)\n\nfunc main() {\n'
          '\ts := &http.Server{Addr: ":8443", TLSConfig: &tls.Config{MinVersion: tls.VersionTLS12}}\n'
          '\ts.ListenAndServeTLS("cert.pem", "key.pem")\n}\n')


def test_a_client_call_in_a_reached_package_is_a_warning_naming_file_line_bundle_and_fix(knowledge, tmp_path):
    ctx = tree(tmp_path, {"cmd/tool/main.go": MAIN, "internal/fetch/fetch.go": FETCH})
    [f] = tls_findings(knowledge, ctx)
    assert (f.rule, f.severity, f.line) == ("MI411", "warning", 7)
    assert "internal/fetch/fetch.go:9 calls http.NewRequestWithContext(...)" in f.message
    assert "debian:bookworm-slim has no CA bundle" in f.message and "x509: certificate signed by unknown" in f.message
    assert "/etc/ssl/certs/ca-certificates.crt" in f.fix


def test_a_server_that_only_serves_is_not_a_client(knowledge, tmp_path):
    """net/http and crypto/tls imported to serve (ListenAndServeTLS): no evidence, and the walk saw everything."""
    ctx = tree(tmp_path, {"cmd/tool/main.go": SERVER})
    assert tls_findings(knowledge, ctx) == []


def test_a_client_in_another_command_does_not_count(knowledge, tmp_path):
    """The module's other command calls out and names an https:// URL; the one built does not reach it."""
    ctx = tree(tmp_path, {"cmd/tool/main.go": SERVER, "cmd/sync/main.go": MAIN,
                          "internal/fetch/fetch.go": FETCH.replace('Endpoint = ""', 'Endpoint = "https://x.test"')})
    assert tls_findings(knowledge, ctx) == []
    [f] = tls_findings(knowledge, ctx, target="./cmd/sync")
    assert f.rule == "MI411" and "internal/fetch/fetch.go:9" in f.message


@pytest.mark.parametrize("code,evidence", [
    ('resp, err := http.Get(os.Args[1])', "calls http.Get(...)"),
    ('c := &http.Client {Timeout: time.Second}', "calls http.Client{...}"),
    ('conn, err := tls.Dial("tcp", os.Args[1], nil)', "calls tls.Dial(...)"),
    ('creds := credentials.NewClientTLSFromCert(nil, "")', "calls credentials.NewClientTLSFromCert(...)"),
    ('u := "https://api.example.test/v1"', "names an https:// URL"),
])
def test_each_kind_of_client_evidence_is_named(knowledge, tmp_path, code, evidence):
    ctx = tree(tmp_path, {"cmd/tool/main.go": f"package main\n\nfunc main() {{\n\t{code}\n}}\n"})
    [f] = tls_findings(knowledge, ctx)
    assert f.rule == "MI411" and f"cmd/tool/main.go:4 {evidence}" in f.message


def test_a_call_in_a_comment_is_not_evidence(knowledge, tmp_path):
    ctx = tree(tmp_path, {"cmd/tool/main.go": "package main\n\n// http.Get(url) was removed\nfunc main() {}\n"})
    assert tls_findings(knowledge, ctx) == []


def test_a_reached_import_of_an_https_client_module_is_evidence(knowledge, tmp_path):
    code = 'package main\n\nimport _ "github.com/aws/aws-sdk-go/service/s3"\n\nfunc main() {}\n'
    ctx = tree(tmp_path, {"cmd/tool/main.go": code})
    [f] = tls_findings(knowledge, ctx)
    assert f.rule == "MI411" and "cmd/tool/main.go:3 imports github.com/aws/aws-sdk-go/service/s3" in f.message


def test_a_reached_import_lint_does_not_follow_makes_it_say_it_cannot_tell(knowledge, tmp_path):
    code = 'package main\n\nimport "github.com/example/lib"\n\nfunc main() { lib.Run() }\n'
    ctx = tree(tmp_path, {"cmd/tool/main.go": code})
    [f] = tls_findings(knowledge, ctx)
    assert (f.rule, f.severity) == ("MI416", "info")
    assert "(its source imports github.com/example/lib, which lint does not follow)" in f.message


def test_a_build_behind_make_is_walked_from_the_file_it_names(knowledge, tmp_path):
    """`make build` whose recipe is `go build -o tool cmd/tool/main.go` (a file path, no ./)."""
    ctx = tree(tmp_path, {"cmd/tool/main.go": MAIN, "internal/fetch/fetch.go": FETCH,
                          "Makefile": "build:\n\tgo build -ldflags=\"-s\" -o tool cmd/tool/main.go\n"})
    text = GO.format(target=".", final="scratch").replace("RUN go build -o /app .", "RUN make build") \
        .replace("/app /app", "/src/tool /app")
    [f] = [f for f in lint_text(knowledge, text, context_dir=ctx) if f.rule in ("MI411", "MI416")]
    assert f.rule == "MI411" and "scratch has no CA bundle" in f.message and "fetch.go:9" in f.message


def test_without_the_context_nothing_new_is_said(knowledge):
    found = [f for f in lint_text(knowledge, GO.format(target="./cmd/tool", final="debian:bookworm-slim"))
             if f.rule in ("MI411", "MI416")]
    assert [(f.rule, f.severity) for f in found] == [("MI416", "info")]


def test_a_final_image_with_a_bundle_gets_nothing(knowledge, tmp_path):
    ctx = tree(tmp_path, {"cmd/tool/main.go": MAIN, "internal/fetch/fetch.go": FETCH})
    assert tls_findings(knowledge, ctx, final="gcr.io/distroless/static-debian12") == []


def test_files_outside_the_context_and_fifos_are_not_read(knowledge, tmp_path):
    """A reached file that is a symbolic link out of the context is not followed: lint cannot tell (MI416), and
    never reads the client call it points at; a FIFO is not even listed, so nothing blocks."""
    outside = tmp_path / "outside.go"
    outside.write_text('package fetch\n\nimport "net/http"\n\nfunc Run() { http.Get("x") }\n')
    ctx = tmp_path / "ctx"
    tree(ctx, {"cmd/tool/main.go": MAIN})
    (ctx / "internal" / "fetch").mkdir(parents=True)
    os.symlink(outside, ctx / "internal" / "fetch" / "fetch.go")
    os.mkfifo(ctx / "cmd" / "tool" / "pipe.go")
    with within():
        found = tls_findings(knowledge, str(ctx))
    assert [f.rule for f in found] == ["MI416"]


def test_hostile_source_is_read_in_linear_time(knowledge, tmp_path):
    """Long runs of near-misses (a call name and blanks with no parenthesis) and one very long line."""
    body = ("http.Get" + " " * 50_000 + "\n") * 10 + "x := 1 " + "http.Client " * 40_000 + "\n"
    ctx = tree(tmp_path, {"cmd/tool/main.go": "package main\n\nfunc main() {\n" + body + "}\n"})
    with within():
        assert tls_findings(knowledge, ctx) == []


DEP_MAIN = 'package main\n\nimport "github.com/example/ctl/pkg/metrics"\n\nfunc main() { metrics.Run("") }\n'
DEP_CLIENT = ('package metrics\n\nimport (\n\t"net/http"\n\n\t"github.com/example/ctl/pkg/util"\n)\n\n'
              'func Run(url string) { util.Init(); c := http.Client{}; c.Get(url) }\n')


@pytest.mark.parametrize("dep, own_imports", [(True, 2), (True, 1), (False, 2)])
def test_a_dep_project_is_walked_from_the_import_path_its_own_imports_share(knowledge, tmp_path, dep, own_imports):
    """argoproj/argo-rollouts#391 (heldout24): a GOPATH project managed by dep (Gopkg.toml names no import path)
    built FROM scratch: its own imports (github.com/example/ctl/pkg/...) ending in its directories give the path, two
    of them at least; without Gopkg files, or with one such import, lint cannot follow them (MI416)."""
    client = DEP_CLIENT if own_imports == 2 else DEP_CLIENT.replace('\n\t"github.com/example/ctl/pkg/util"\n', "") \
        .replace("util.Init(); ", "")
    files = {"main.go": DEP_MAIN, "pkg/metrics/metrics.go": client, "pkg/util/util.go": "package util\n\nfunc Init() {}\n"}
    if dep:
        files["Gopkg.toml"] = '[[constraint]]\n  name = "k8s.io/client-go"\n  version = "11.0.0"\n'
    for rel, text in files.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text)
    text = ("FROM golang:1.13 AS build\nWORKDIR /go/src/github.com/example/ctl\nCOPY . .\n"
            "RUN CGO_ENABLED=0 go build -o /ctl .\nFROM scratch\nCOPY --from=build /ctl /ctl\nENTRYPOINT [\"/ctl\"]\n")
    [f] = [f for f in lint_text(knowledge, text, context_dir=str(tmp_path)) if f.rule in ("MI411", "MI416")]
    if dep and own_imports == 2:
        assert f.rule == "MI411" and "(pkg/metrics/metrics.go:9 calls http.Client{...})" in f.message
    else:
        assert f.rule == "MI416"


SDK_CALL = ('package fetch\n\nimport (\n\t"net/http"\n\n\t"example.test/sdk"\n)\n\nfunc Run(c *sdk.Client) {\n'
            '\treq, _ := c.CreateRequest("GET", "/v1/x", http.Header{})\n\tresp, _ := c.HTTP.Do(req)\n'
            '\t_ = resp\n}\n')


def test_a_client_do_of_a_request_where_net_http_is_imported_is_evidence(knowledge, tmp_path):
    """An API SDK builds the request and its http.Client sends it (nobl9/sloctl's replay: c.HTTP.Do(req))."""
    ctx = tree(tmp_path, {"cmd/tool/main.go": MAIN, "internal/fetch/fetch.go": SDK_CALL})
    [f] = tls_findings(knowledge, ctx)
    assert f.rule == "MI411" and "internal/fetch/fetch.go:11 calls .Do(req)" in f.message


def test_a_do_without_net_http_is_not_evidence(knowledge, tmp_path):
    """sync.Once's Do, a cache's Do(request): without net/http imported, no client call is seen."""
    code = SDK_CALL.replace('\t"net/http"\n\n', "").replace("http.Header{}", "nil")
    ctx = tree(tmp_path, {"cmd/tool/main.go": MAIN, "internal/fetch/fetch.go": code})
    assert [f.rule for f in tls_findings(knowledge, ctx)] == ["MI416"]  # example.test/sdk: not followed


def test_a_target_under_the_shells_working_directory_is_walked(knowledge, tmp_path):
    """`go build "${PWD}/cmd/tool"`: the shell sets PWD to the WORKDIR, so the target is ./cmd/tool there."""
    ctx = tree(tmp_path, {"cmd/tool/main.go": MAIN, "internal/fetch/fetch.go": FETCH})
    [f] = tls_findings(knowledge, ctx, target='"${PWD}/cmd/tool"')
    assert f.rule == "MI411" and "internal/fetch/fetch.go:9" in f.message
    [f] = tls_findings(knowledge, ctx, target="/src/cmd/tool")
    assert f.rule == "MI411"
