"""A Go program built outside the Dockerfile and copied from the build context (kb/lint/hostbuild.py,
kb/lint/hostchecks.py): MI402 reads the build the context shows (Makefile recipe, build script, goreleaser) for
CGO_ENABLED, -tags netgo,osusergo, -extldflags -static, and the program's own imports for net, os/user and C; a
build it cannot see is judged by cgo's default and says so. MI416 says what it could not tell, never that the
source is missing when it is there."""
from __future__ import annotations

import pytest

from kb.lint import lint_text
from kb.lint.hostbuild import _glob

from tests.bounded import within

SERVER = 'package main\n\nimport "net/http"\n\nfunc main() { http.ListenAndServe(":8080", nil) }\n'
HELLO = 'package main\n\nimport "fmt"\n\nfunc main() { fmt.Println("hi") }\n'
SCRATCH = 'FROM scratch\nCOPY {src} /app\nENTRYPOINT ["/app"]\n'


def context(root, files: dict, module: str | None = "example.test/exporter") -> str:
    files = ({"go.mod": f"module {module}\n\ngo 1.21\n"} if module else {}) | files
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return str(root)


def mi402(knowledge, ctx, dockerfile=SCRATCH.format(src="./exporter")):
    return [f for f in lint_text(knowledge, dockerfile, context_dir=ctx) if f.rule == "MI402"]


def test_a_plain_go_build_in_the_makefile_is_a_warning_naming_the_recipe_and_the_import(knowledge, tmp_path):
    ctx = context(tmp_path, {"Makefile": "all: exporter\n\nexporter: main.go\n\tgo build .\n", "main.go": SERVER})
    [f] = mi402(knowledge, ctx)
    assert (f.line, f.severity) == (2, "warning")
    assert "`make exporter`, the build outside the Dockerfile that made it (Makefile:4: go build .)" in f.message
    assert "main.go:3 imports net/http, which links the C library when cgo is on" in f.message
    assert "links glibc dynamically, which scratch lacks" in f.message
    assert "CGO_ENABLED=0 go build in the Makefile" in f.fix and "COPY --from" in f.fix
    assert "go.dev/cmd/cgo" in f.sources


@pytest.mark.parametrize("recipe", [
    "CGO_ENABLED=0 go build .",
    "env CGO_ENABLED=0 go build -o exporter .",
    "go build -tags netgo,osusergo .",
    "go build -ldflags '-extldflags \"-static\"' .",
])
def test_a_recipe_that_turns_cgo_off_or_links_statically_is_quiet(knowledge, tmp_path, recipe):
    ctx = context(tmp_path, {"Makefile": f"exporter: main.go\n\t{recipe}\n", "main.go": SERVER})
    assert mi402(knowledge, ctx) == []


def test_the_makefiles_exported_cgo_enabled_counts(knowledge, tmp_path):
    ctx = context(tmp_path, {"Makefile": "export CGO_ENABLED ?= 0\n\nexporter:\n\tgo build -o exporter .\n",
                             "main.go": SERVER})
    assert mi402(knowledge, ctx) == []


def test_a_build_script_is_read_with_its_exports(knowledge, tmp_path):
    ctx = context(tmp_path, {"scripts/build.sh": "#!/bin/sh\nset -e\ngo build -o bin/exporter .\n", "main.go": SERVER})
    [f] = mi402(knowledge, ctx, SCRATCH.format(src="bin/exporter"))
    assert "`scripts/build.sh`" in f.message and "scripts/build.sh:3: go build -o bin/exporter ." in f.message
    quiet = context(tmp_path / "q", {"build.sh": "export CGO_ENABLED=0\ngo build -o bin/exporter .\n",
                                     "main.go": SERVER})
    assert mi402(knowledge, quiet, SCRATCH.format(src="bin/exporter")) == []


def test_goreleaser_env_decides(knowledge, tmp_path):
    release = "builds:\n  - binary: exporter\n    goos: [linux]\n"
    ctx = context(tmp_path, {".goreleaser.yml": release, "main.go": SERVER})
    [f] = mi402(knowledge, ctx)
    assert "`goreleaser`" in f.message
    assert "(.goreleaser.yml: neither its build's env nor the global env sets CGO_ENABLED=0)" in f.message
    off = context(tmp_path / "off", {".goreleaser.yml": release + "    env:\n      - CGO_ENABLED=0\n", "main.go": SERVER})
    assert mi402(knowledge, off) == []


def test_a_program_that_imports_nothing_cgo_uses_is_quiet_and_the_walk_starts_at_its_command(knowledge, tmp_path):
    ctx = context(tmp_path, {"Makefile": "tool:\n\tgo build -o tool ./cmd/tool\n", "cmd/tool/main.go": HELLO,
                             "main.go": SERVER})  # the root package serves; the copied command does not
    assert mi402(knowledge, ctx, SCRATCH.format(src="tool")) == []


def test_a_cross_built_name_is_tied_to_a_recipe_with_computed_parts(knowledge, tmp_path):
    mk = ("OS ?= $(shell uname -s)\nARCH ?= $(shell uname -m)\nBINARY = bin/exporter-$(OS)-$(ARCH)\n\n"
          "$(BINARY):\n\tGOOS=$(OS) go build -o $(BINARY) .\n")
    ctx = context(tmp_path, {"Makefile": mk, "main.go": SERVER})
    [f] = mi402(knowledge, ctx, SCRATCH.format(src="bin/exporter-linux-amd64"))
    assert "Makefile:6: go build -o bin/exporter-*-* ." in f.message


def test_a_build_lint_cannot_see_is_judged_by_the_default_and_the_shim_is_named(knowledge, tmp_path):
    ctx = context(tmp_path, {"Makefile": "COMMANDS = cmd/gitbase\n-include $(CI_PATH)/Makefile.main\n\n"
                                         "static-build:\n\tgo install -v ./...\n"}, module=None)
    df = "FROM alpine:3.8\nCOPY build/bin/gitbase /bin\nRUN apk --no-cache add libc6-compat\nCMD [\"gitbase\"]\n"
    [f] = mi402(knowledge, ctx, df)
    assert f.severity == "warning" and f.line == 2
    assert "the Go program /bin/gitbase" in f.message
    assert "the Makefile includes $(CI_PATH)/Makefile.main, which is not in the build context" in f.message
    assert "whether it imports net, os/user or C lint cannot see" in f.message
    assert "libc6-compat does not make it run" in f.message and "__vfprintf_chk" in f.message


def test_a_glibc_final_image_or_an_unrelated_file_is_quiet(knowledge, tmp_path):
    ctx = context(tmp_path, {"Makefile": "exporter:\n\tgo build .\n", "main.go": SERVER})
    assert mi402(knowledge, ctx, "FROM debian:bookworm-slim\nCOPY exporter /exporter\nCMD [\"/exporter\"]\n") == []
    assert mi402(knowledge, ctx, SCRATCH.format(src="config.yaml")) == []
    assert mi402(knowledge, ctx, SCRATCH.format(src="other")) == []


def test_mi416_says_what_it_could_not_tell_when_the_source_is_there(knowledge, tmp_path):
    main = 'package main\n\nimport (\n\t"net/http"\n\n\t"github.com/lib/pq"\n)\n\nfunc main() { _ = pq.Open; http.ListenAndServe(":1", nil) }\n'
    ctx = context(tmp_path, {"Makefile": "exporter:\n\tCGO_ENABLED=0 go build .\n", "main.go": main})
    [f] = [f for f in lint_text(knowledge, SCRATCH.format(src="./exporter"), context_dir=ctx) if f.rule == "MI416"]
    assert "its source imports github.com/lib/pq, which lint does not follow" in f.message
    assert "the Go source is not in the build context" not in f.message


def test_the_pattern_match_is_linear_on_hostile_text():
    with within(0.5):
        assert not _glob("a*b*c*d", "a" + "b" * 200_000 + "x")
        assert _glob("bin/*-*", "bin/x-" + "y" * 200_000)


def test_a_recipe_that_changes_directory_builds_the_package_there(knowledge, tmp_path):
    mk = "bin/tool:\n\tcd cmd/tool && go build -o ../../bin/tool .\n"
    ctx = context(tmp_path, {"Makefile": mk, "cmd/tool/main.go": SERVER, "main.go": HELLO})
    [f] = mi402(knowledge, ctx, SCRATCH.format(src="bin/tool"))
    assert "cmd/tool/main.go:3 imports net/http" in f.message and "(Makefile:2: go build -o ../../bin/tool .)" in f.message
    assert "the Go program /app (copied prebuilt from the build context, the file the Makefile's go build writes " \
           "(./cmd/tool))" in f.message
    quiet = context(tmp_path / "q", {"Makefile": mk, "cmd/tool/main.go": HELLO, "main.go": SERVER})
    assert mi402(knowledge, quiet, SCRATCH.format(src="bin/tool")) == []


def test_a_templated_goreleaser_binary_is_the_program(knowledge, tmp_path):
    release = 'project_name: exporter\nbuilds:\n  - binary: "{{ .ProjectName }}"\n    env:\n      - CGO_ENABLED=0\n'
    ctx = context(tmp_path, {".goreleaser.yaml": release, "main.go": SERVER})
    assert mi402(knowledge, ctx) == []


def test_a_makefile_of_thousands_of_go_recipes_is_read_in_bounded_time(knowledge, tmp_path):
    mk = "".join(f"t{i}:\n\tgo build -o bin/t{i} ./cmd/t{i}\n" for i in range(3000))
    ctx = context(tmp_path, {"Makefile": mk, "main.go": SERVER})
    with within(20):
        [f] = mi402(knowledge, ctx, SCRATCH.format(src="bin/t1999"))  # make reads 4000 lines
    assert "Makefile:4000: go build -o bin/t1999 ./cmd/t1999" in f.message
