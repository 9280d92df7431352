"""MI404 for a Go program whose only C is the standard library's (runtime/cgo, net, os/user): it asks the C library
for a few functions only, whose newest symbol versions are GLIBC_2.34 (pthread_create, pthread_detach,
pthread_attr_getstacksize) when built on glibc 2.34 to 2.37, so it runs on any glibc from 2.34 on, not only on
the builder's (heldout14's preflight: golang:1.20, glibc 2.36, into ubi9, glibc 2.34). C of its own (a cgo module
in go.mod, an `import "C"`), a go.mod lint cannot read, or a builder on glibc 2.38 or later (where C that a module
lint does not know brings needs GLIBC_2.38) keeps the builder's glibc as the floor."""
from __future__ import annotations

from kb.evidence.dockerfile_parse import parse_dockerfile_text
from kb.lint import lint_report

DOCKERFILE = """\
FROM golang:1.22-bookworm AS build
WORKDIR /src
COPY . .
RUN go build -o /out/app .
FROM {final}
COPY --from=build /out/app /usr/local/bin/app
ENTRYPOINT ["/usr/local/bin/app"]
"""
MAIN = 'package main\n\nimport (\n\t"fmt"\n\t"net"\n)\n\nfunc main() { fmt.Println(net.LookupHost("localhost")) }\n'
SQLITE_MOD = "module example.com/app\n\ngo 1.22\n\nrequire github.com/mattn/go-sqlite3 v1.14.22\n"


def mi404(knowledge, final: str, files: dict[str, str] | None, tmp_path) -> list:
    for name, text in (files or {}).items():
        (tmp_path / name).write_text(text)
    report = lint_report(knowledge, parse_dockerfile_text(DOCKERFILE.format(final=final), "Dockerfile"),
                         context_dir=str(tmp_path) if files else None)
    return [f for f in report if f.rule == "MI404"]


def test_standard_library_cgo_built_on_2_36_runs_on_2_34(knowledge, tmp_path):
    files = {"go.mod": "module example.com/app\n\ngo 1.22\n", "main.go": MAIN}
    assert not mi404(knowledge, "registry.access.redhat.com/ubi9/ubi-minimal:latest", files, tmp_path)
    assert not mi404(knowledge, "ubuntu:22.04", files, tmp_path)  # glibc 2.35


def test_but_not_on_a_glibc_older_than_2_34(knowledge, tmp_path):
    files = {"go.mod": "module example.com/app\n\ngo 1.22\n", "main.go": MAIN}
    [f] = mi404(knowledge, "debian:bullseye-slim", files, tmp_path)  # glibc 2.31
    assert f.severity == "error" and "glibc 2.36" in f.message and "glibc 2.31" in f.message


def rule_findings(knowledge, final: str, files: dict[str, str], tmp_path, rule: str) -> list:
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    report = lint_report(knowledge, parse_dockerfile_text(DOCKERFILE.format(final=final), "Dockerfile"),
                         context_dir=str(tmp_path))
    return [f for f in report if f.rule == rule]


def test_a_cgo_modules_c_built_on_2_36_asks_for_2_34_unless_it_calls_a_newer_function(knowledge, tmp_path):
    """C compiled on glibc 2.35 to 2.37 asks for GLIBC_2.34 and for more only through a function glibc added since
    (MI429's warning); on a glibc before 2.34 every such program fails (MI404)."""
    files = {"go.mod": SQLITE_MOD, "main.go": MAIN}
    ubi9 = "registry.access.redhat.com/ubi9/ubi-minimal:latest"
    assert not rule_findings(knowledge, ubi9, files, tmp_path, "MI404")
    [f] = rule_findings(knowledge, ubi9, files, tmp_path, "MI429")
    assert f.severity == "warning" and "GLIBC_2.34" in f.message
    [f] = rule_findings(knowledge, "debian:bullseye-slim", files, tmp_path, "MI404")
    assert f.severity == "error"


def test_an_unread_go_mod_is_a_warning_naming_what_would_fail(knowledge):
    """MI499: without go.mod or source lint cannot tell whether C of the program's own needs the builder's glibc;
    the standard library's would run (GLIBC_2.34 on ubi9's 2.34), so it is a warning, not MI404's error."""
    report = lint_report(knowledge, parse_dockerfile_text(
        DOCKERFILE.format(final="registry.access.redhat.com/ubi9/ubi-minimal:latest"), "Dockerfile"))
    assert not [f for f in report if f.rule == "MI404"]
    [f] = [f for f in report if f.rule == "MI499"]
    assert f.severity == "warning" and f.line == 6
    assert "GLIBC_2.34 at most" in f.message and "cannot see the program's go.mod or source" in f.message
    assert "glibc 2.36" in f.message and "glibc 2.34" in f.message


def test_its_own_import_c_is_judged_like_a_cgo_modules(knowledge, tmp_path):
    own = 'package main\n\n// #include <stdio.h>\nimport "C"\n\nfunc main() { C.puts(C.CString("hi")) }\n'
    files = {"go.mod": "module example.com/app\n\ngo 1.22\n", "main.go": own}
    assert not rule_findings(knowledge, "ubuntu:22.04", files, tmp_path, "MI404")
    assert [f.severity for f in rule_findings(knowledge, "ubuntu:22.04", files, tmp_path, "MI429")] == ["warning"]



def test_built_on_glibc_2_38_or_later_the_builders_glibc_stays_the_floor(knowledge, tmp_path):
    """From 2.38 a cgo module's C lint does not know calls __isoc23_strtol (GLIBC_2.38): telemetry-api's
    golang:1.24 (trixie) into a Debian 12 distroless image failed so (GoogleContainerTools/distroless#1859)."""
    (tmp_path / "go.mod").write_text("module example.com/app\n\ngo 1.24\n\nrequire github.com/uber/h3-go/v4 v4.1.0\n")
    (tmp_path / "main.go").write_text(MAIN)
    text = DOCKERFILE.replace("golang:1.22-bookworm", "golang:1.24-trixie").format(final="debian:bookworm-slim")
    [f] = [f for f in lint_report(knowledge, parse_dockerfile_text(text, "Dockerfile"), context_dir=str(tmp_path))
           if f.rule == "MI404"]
    assert "glibc 2.41" in f.message and "glibc 2.36" in f.message


OLD_BUILDER = DOCKERFILE.replace("golang:1.22-bookworm", "golang:1.12")  # Debian 10, glibc 2.28


def test_built_before_glibc_2_32_the_standard_librarys_c_runs_from_2_17(knowledge, tmp_path):
    """Before 2.32 the functions glibc later moved from libpthread into libc kept their first versions (GLIBC_2.2.5
    on x86-64, the base GLIBC_2.17 on arm64): cothority's conode, built on golang:1.12 into debian:stretch-slim (glibc
    2.24), ran (heldout15; dedis/cothority#1836 was its CA bundle)."""
    (tmp_path / "go.mod").write_text("module example.com/app\n\ngo 1.12\n")
    (tmp_path / "main.go").write_text(MAIN)
    report = lint_report(knowledge, parse_dockerfile_text(OLD_BUILDER.format(final="debian:stretch-slim"),
                                                          "Dockerfile"), context_dir=str(tmp_path))
    assert not [f for f in report if f.rule in ("MI404", "MI499")]
    (tmp_path / "go.mod").write_text(SQLITE_MOD.replace("1.22", "1.12"))  # C of a cgo module: 2.28 it is
    report = lint_report(knowledge, parse_dockerfile_text(OLD_BUILDER.format(final="debian:stretch-slim"),
                                                          "Dockerfile"), context_dir=str(tmp_path))
    [f] = [f for f in report if f.rule == "MI404"]
    assert "glibc 2.28" in f.message and "glibc 2.24" in f.message


def test_unseen_source_on_an_image_below_even_the_standard_librarys_floor_stays_an_error(knowledge):
    report = lint_report(knowledge, parse_dockerfile_text(DOCKERFILE.format(final="debian:bullseye-slim"),
                                                          "Dockerfile"))  # 2.36 into 2.31: 2.34 is needed
    assert [f.severity for f in report if f.rule == "MI404"] == ["error"]
    assert not [f for f in report if f.rule == "MI499"]
