"""A Go program GoReleaser built outside Docker, copied from its dist/ layout (dist/ID_linux_amd64_v1/NAME,
dist/NAME_VERSION_linux_amd64/...): kb/lint/goreleaser.py finds the build of the context's .goreleaser.yml that wrote
it, and MI402 warns when neither that build's env nor the global env sets CGO_ENABLED=0 and the final image has no
glibc (swaggo/swag#1293)."""
from __future__ import annotations

import pytest

from kb.lint.goreleaser import dist_program
from tests.lint.context_files import lint_with_files

SERVER = 'package main\n\nimport "net/http"\n\nfunc main() { http.ListenAndServe(":8080", nil) }\n'
HELLO = 'package main\n\nimport "fmt"\n\nfunc main() { fmt.Println("hi") }\n'
GO_MOD = "module github.com/example/platform\n\ngo 1.22\n"
ONE_BUILD = "project_name: platform\nbuilds:\n  - id: app\n    binary: app\n    goos: [linux]\n"
DOCKERFILE = 'FROM {image}\nCOPY {src} /usr/local/bin/app\nENTRYPOINT ["app"]\n'


def mi402(knowledge, tmp_path, files, src="dist/app_linux_amd64_v1/app", image="alpine:3.20"):
    files = {"go.mod": GO_MOD, "main.go": SERVER, **files}
    text = DOCKERFILE.format(image=image, src=src)
    return [f for f in lint_with_files(knowledge, text, files, tmp_path) if f.rule == "MI402"]


@pytest.mark.parametrize("image", ["alpine:3.20", "scratch", "gcr.io/distroless/static-debian12"])
def test_a_dist_binary_of_a_build_without_cgo_off_is_a_warning_naming_the_configuration(knowledge, tmp_path, image):
    [f] = mi402(knowledge, tmp_path, {".goreleaser.yml": ONE_BUILD}, image=image)
    assert (f.line, f.severity) == (2, "warning")
    assert ("CGO_ENABLED is not set in `goreleaser`, the build outside the Dockerfile that made it (.goreleaser.yml: "
            "neither build app's env nor the global env sets CGO_ENABLED=0)") in f.message
    assert ("the Go program /usr/local/bin/app (copied prebuilt from the build context, built by GoReleaser: "
            "dist/app_linux_amd64_v1/app is in its dist layout)") in f.message
    assert "main.go:3 imports net/http" in f.message and f"which {image} lacks" in f.message


@pytest.mark.parametrize("config", [ONE_BUILD + "    env:\n      - CGO_ENABLED=0\n",
                                    "env:\n  - CGO_ENABLED=0\n" + ONE_BUILD,
                                    ONE_BUILD + "    env:\n      - CGO_ENABLED\n      - CGO_ENABLED=0\n"])
def test_cgo_off_in_the_builds_env_or_the_global_env_is_clean(knowledge, tmp_path, config):
    assert mi402(knowledge, tmp_path, {".goreleaser.yaml": config}) == []


TWO_BUILDS = """builds:
  - id: server
    binary: server
    env: [CGO_ENABLED=0]
  - id: agent
    binary: agent
    main: ./cmd/agent
"""


def test_the_build_is_the_one_the_dist_directory_names(knowledge, tmp_path):
    files = {".goreleaser.yml": TWO_BUILDS, "main.go": HELLO, "cmd/agent/main.go": SERVER}
    [f] = mi402(knowledge, tmp_path, files, src="dist/agent_linux_amd64_v1/agent")
    assert "neither build agent's env nor the global env sets CGO_ENABLED=0" in f.message
    assert "cmd/agent/main.go:3 imports net/http" in f.message  # walked from the build's main: package
    assert mi402(knowledge, tmp_path / "server", files, src="dist/server_linux_amd64_v1/server") == []


@pytest.mark.parametrize("src", ["dist/platform_1.4.2_linux_amd64/app", "dist/app_linux_arm64_v8.0/app",
                                 "./dist/app_linux_amd64/app", "dist/app_linux_amd64_v1/"])
def test_other_dist_layouts_are_read_too(knowledge, tmp_path, src):
    [f] = mi402(knowledge, tmp_path, {".goreleaser.yml": ONE_BUILD}, src=src)
    assert f.line == 2 and "(.goreleaser.yml: neither build app's env" in f.message


def test_without_a_configuration_the_default_is_said(knowledge, tmp_path):
    [f] = mi402(knowledge, tmp_path, {})
    assert ("the build outside the Dockerfile that made it, as far as lint sees (dist/app_linux_amd64_v1/app is in "
            "GoReleaser's dist layout, and the build context has no .goreleaser.yml: GoReleaser's defaults leave "
            "CGO_ENABLED to Go's default)") in f.message


def test_a_templated_value_is_not_cgo_off(knowledge, tmp_path):
    config = ONE_BUILD + "    env: ['CGO_ENABLED={{ .Env.CGO }}']\n"
    [f] = mi402(knowledge, tmp_path, {".goreleaser.yml": config})
    assert "(.goreleaser.yml: neither build app's env nor the global env sets CGO_ENABLED=0)" in f.message


def test_a_configuration_that_is_not_yaml_is_said(knowledge, tmp_path):
    [f] = mi402(knowledge, tmp_path, {".goreleaser.yml": "builds: [\n"})
    assert "and lint cannot read .goreleaser.yml as YAML" in f.message


@pytest.mark.parametrize("files, image", [({".goreleaser.yml": ONE_BUILD}, "debian:bookworm-slim"),
                                          ({".goreleaser.yml": ONE_BUILD, "main.go": HELLO}, "alpine:3.20")])
def test_a_glibc_image_or_a_program_without_cgo_imports_is_clean(knowledge, tmp_path, files, image):
    assert mi402(knowledge, tmp_path, files, image=image) == []


@pytest.mark.parametrize("src, read", [("dist/app_linux_amd64_v1/app", ("app", "app")),
                                       ("dist/platform_1.4.2_linux_amd64/platform", ("platform_1.4.2", "platform")),
                                       ("dist/app_darwin_amd64_v1/app", None), ("dist/app.tar.gz", None),
                                       ("build/app_linux_amd64_v1/app", None), ("dist/*_linux_amd64_v1/app", None),
                                       ("dist/app_linux_amd64_v1/bin/app", None)])
def test_what_is_read_as_the_dist_layout(src, read):
    assert dist_program(src) == read


CR_CONFIG = ("project_name: chart-releaser\nbuilds:\n  - main: cr/main.go\n    binary: cr\n    goos: [linux]\n"
             "dockers:\n  - goos: linux\n    binaries: [cr]\n    dockerfile: {dockerfile}\n")
CR_MAIN = 'package main\n\nimport "net/http"\n\nfunc main() { http.Get("https://api.github.com") }\n'


@pytest.mark.parametrize("dockerfile, found", [("Dockerfile", True), ("Dockerfile.other", False)])
def test_goreleasers_binary_named_like_its_source_directory(knowledge, tmp_path, dockerfile, found):
    """helm/chart-releaser (heldout21): GoReleaser's `dockers:` builds this Dockerfile from its own context, where
    `COPY cr /usr/local/bin/cr` takes the binary of its build `cr` (main: cr/main.go), though the checkout's cr/ is
    the source directory; for another Dockerfile the directory stays a directory."""
    files = {"go.mod": "module github.com/helm/chart-releaser\n\ngo 1.22\n", "cr/main.go": CR_MAIN,
             ".goreleaser.yml": CR_CONFIG.format(dockerfile=dockerfile)}
    text = 'FROM scratch\nCOPY cr /usr/local/bin/cr\nENTRYPOINT ["cr"]\n'
    hits = [f for f in lint_with_files(knowledge, text, files, tmp_path) if f.rule in ("MI411", "MI416")]
    assert [f.rule for f in hits] == (["MI411"] if found else [])
    if found:
        assert ("the Go program /usr/local/bin/cr (copied prebuilt from the build context, the binary GoReleaser "
                "builds from cr/main.go for this Dockerfile) makes TLS calls (cr/main.go:5 calls http.Get(") in hits[0].message
