"""Go builds (issue 9, heldout10): modules that link a prebuilt native library (MI460-MI462, kb/lint/gomods.py and
the `go_prebuilt` table of knowledge/rules-lint-gomods.yaml), and -extldflags '-static', which reaches the C linker
only when cmd/link links externally (kb/lint/builds.py: garm's providers, MI402 and MI409)."""
from __future__ import annotations

import pytest

from kb.lint.goreach import requirements
from kb.versions import in_spans
from kb.loader import load_knowledge

from tests.bounded import within
from tests.lint.context_files import lint_with_files

NET_MAIN = 'package main\n\nimport "net/http"\n\nfunc main() { http.ListenAndServe(":8080", nil) }\n'
GO_MOD = "module example.test/app\n\ngo 1.22\n"


def found(knowledge, text, files, tmp_path, rules):
    return [(f.rule, f.severity, f.line, f.message) for f in lint_with_files(knowledge, text, files, tmp_path)
            if f.rule in rules]


# ---- -extldflags '-static' and the link mode ----------------------------------------------------------------------

def alpine_to_scratch(ldflags: str) -> str:
    return ("FROM golang:alpine AS build\nRUN apk add --no-cache gcc musl-dev\nWORKDIR /src\nCOPY . .\n"
            f"RUN go build -ldflags {ldflags} -o /out/app .\n"
            "FROM scratch\nCOPY --from=build /out/app /app\nENTRYPOINT [\"/app\"]\n")


@pytest.mark.parametrize("ldflags", ["\"-linkmode external -extldflags '-static' -s -w\"",
                                     "\"-linkmode=external -extldflags=-static\"",
                                     "\"-s -w -linkmode external -extldflags '-static -lm'\""])
def test_an_external_static_link_is_static_whatever_cgo_defaults_to(knowledge, tmp_path, ldflags):
    files = {"go.mod": GO_MOD, "main.go": NET_MAIN}
    assert found(knowledge, alpine_to_scratch(ldflags), files, tmp_path, ("MI402", "MI409", "MI401")) == []


def test_without_linkmode_external_the_static_flag_is_ignored_and_the_musl_program_is_caught(knowledge, tmp_path):
    files = {"go.mod": GO_MOD, "main.go": NET_MAIN}
    [(rule, severity, line, msg)] = found(knowledge, alpine_to_scratch("\"-extldflags '-static' -s -w\""), files,
                                          tmp_path, ("MI402", "MI409", "MI401"))
    assert (rule, severity, line) == ("MI409", "error", 7)
    assert "-extldflags '-static' does not apply: without -linkmode external, cmd/link links internally" in msg


def test_a_cgo_module_makes_the_link_external_so_the_static_flag_applies(knowledge, tmp_path):
    files = {"go.mod": GO_MOD + "\nrequire github.com/mattn/go-sqlite3 v1.14.22\n",
             "main.go": 'package main\n\nimport _ "github.com/mattn/go-sqlite3"\n\nfunc main() {}\n'}
    got = found(knowledge, alpine_to_scratch("\"-extldflags '-static'\""), files, tmp_path, ("MI409", "MI401"))
    assert got == []


def test_the_flags_from_a_stage_arg_and_from_a_makefile_variable_count(knowledge, tmp_path):
    arg = alpine_to_scratch('="$LDFLAGS"').replace("WORKDIR /src\n",
                                                   "WORKDIR /src\nARG LDFLAGS=\"-linkmode external -extldflags=-static\"\n")
    files = {"go.mod": GO_MOD, "main.go": NET_MAIN}
    assert found(knowledge, arg, files, tmp_path, ("MI402", "MI409")) == []
    make = ("FROM golang:alpine AS build\nRUN apk add --no-cache gcc musl-dev make\nWORKDIR /src\nCOPY . .\n"
            "RUN make build\nFROM scratch\nCOPY --from=build /out/app /app\nENTRYPOINT [\"/app\"]\n")
    makefile = "LDFLAGS := -linkmode external -extldflags '-static'\n\nbuild:\n\tgo build -ldflags \"$(LDFLAGS)\" -o /out/app .\n"
    assert found(knowledge, make, {**files, "Makefile": makefile}, tmp_path, ("MI402", "MI409")) == []
    internal = makefile.replace("-linkmode external ", "")
    assert [r for r, *_ in found(knowledge, make, {**files, "Makefile": internal}, tmp_path, ("MI402", "MI409"))] \
        == ["MI409"]


# ---- go.mod and the table ---------------------------------------------------------------------------------------

def test_go_mod_requires_are_read_single_and_in_blocks():
    text = ("module x\n\ngo 1.24\n\nrequire github.com/a/b v1.2.3\n\nrequire (\n\tgithub.com/c/d v0.1.10 // indirect\n"
            "\t// github.com/e/f v9.9.9\n\tgithub.com/g/h/v2 v2.0.0+incompatible\n)\nreplace github.com/a/b => ../b\n")
    assert requirements(text) == {"github.com/a/b": "v1.2.3", "github.com/c/d": "v0.1.10",
                                  "github.com/g/h/v2": "v2.0.0+incompatible"}


@pytest.mark.parametrize("version, spans, inside", [
    ("v0.1.10", ["0.1.10 0.1.11"], True), ("v0.1.9", ["0.1.10 0.1.11"], False), ("v0.1.11", ["0.1.10 0.1.11"], False),
    ("v1.4.0", ["1.4.0 -"], True), ("v2.3.0-rc1", ["2.0.0 -"], True), ("v1.3.9", ["1.4.0 -"], False),
    ("", ["1.0.0 -"], True), ("", ["1.0.0 2.0.0"], False), ("?1.5.0", ["1.0.0 2.0.0"], True)])  # newest, a range
def test_versions_are_placed_in_the_spans(version, spans, inside):
    assert in_spans(version, spans) is inside


def test_a_hostile_go_mod_is_read_in_linear_time():
    text = "require (\n" + "\tgithub.com/x/y v" + "1." * 20_000 + "\n" + "require " * 20_000 + "\n" + "(" * 50_000
    with within():
        assert len(requirements(text * 4)) <= 1


@pytest.mark.parametrize("entry, message", [
    ("{name: example.com/m, versions: [\"1.0 -\"], note: x}", "give exactly one of glibc (a floor), musl_tag or shared"),
    ("{name: example.com/m, versions: [\"1.0 -\"], glibc: \"2.38\", shared: libm.so, note: x}", "give exactly one of"),
    ("{name: example.com/m, versions: [\"1.0 -\"], glibc: \"2.x\", note: x}", "glibc: write a glibc version, 2.N"),
    ("{name: example.com/m, versions: [\"soon\"], musl_tag: musl, note: x}",
     "versions: 'soon' is not 'FROM UNTIL' (versions; UNTIL - for today)"),
    ("{name: example.com/m, musl_tag: musl, note: x}", "missing required key 'versions'"),
])
def test_a_bad_go_prebuilt_entry_is_a_load_error_naming_file_and_line(tmp_path, entry, message):
    import kb

    mine = tmp_path / "mine.yaml"
    mine.write_text(f"version: 1\nnative_packages:\n  go_prebuilt:\n    - {entry}\n")
    with pytest.raises(kb.RuleFileError) as err:
        load_knowledge([mine])
    problems = [str(p) for p in err.value.problems]
    assert any(message in p and "mine.yaml:4" in p for p in problems), problems


# ---- MI460-MI462 --------------------------------------------------------------------------------------------------

DUCK_MOD = GO_MOD + "\nrequire github.com/marcboeker/go-duckdb/v2 v2.3.0\n\nrequire (\n" \
                    "\tgithub.com/duckdb/duckdb-go-bindings/linux-amd64 v0.1.10 // indirect\n)\n"
DUCK_MAIN = 'package main\n\nimport _ "github.com/marcboeker/go-duckdb/v2"\n\nfunc main() {}\n'


def duck(builder: str, final: str, cgo: str = "CGO_ENABLED=1 ") -> str:
    return (f"FROM {builder} AS build\nWORKDIR /src\nCOPY . .\nRUN {cgo}go build -o /out/app .\n"
            f"FROM {final}\nCOPY --from=build /out/app /app\nENTRYPOINT [\"/app\"]\n")


def test_duckdb_130_bindings_on_bookworm_name_the_module_the_version_and_the_floor(knowledge, tmp_path):
    files = {"go.mod": DUCK_MOD, "main.go": DUCK_MAIN}
    [(rule, severity, line, msg)] = found(knowledge, duck("golang:1.24-bookworm", "debian:bookworm-slim"), files,
                                          tmp_path, ("MI460",))
    assert (rule, severity, line) == ("MI460", "warning", 6)
    assert "links github.com/duckdb/duckdb-go-bindings/linux-amd64 v0.1.10" in msg and "needs glibc 2.38" in msg
    assert "golang:1.24-bookworm has glibc 2.36, so the link fails" in msg


def test_a_trixie_runtime_after_a_trixie_build_or_cgo_off_is_quiet(knowledge, tmp_path):
    files = {"go.mod": DUCK_MOD, "main.go": DUCK_MAIN}
    assert found(knowledge, duck("golang:1.24-trixie", "debian:trixie-slim"), files, tmp_path, ("MI460",)) == []
    assert found(knowledge, duck("golang:1.24-bookworm", "debian:bookworm-slim", "CGO_ENABLED=0 "), files, tmp_path,
                 ("MI460",)) == []


def test_only_a_bookworm_runtime_after_a_trixie_build_names_the_runtime(knowledge, tmp_path):
    files = {"go.mod": DUCK_MOD, "main.go": DUCK_MAIN}
    [(_rule, _sev, _line, msg)] = found(knowledge, duck("golang:1.24-trixie", "debian:bookworm-slim"), files,
                                        tmp_path, ("MI460",))
    assert "debian:bookworm-slim has glibc 2.36, so it stops with \"version `GLIBC_2.38' not found\"" in msg
    assert "link fails" not in msg


KAFKA = {"go.mod": GO_MOD + "\nrequire github.com/confluentinc/confluent-kafka-go v1.9.2\n",
         "main.go": 'package main\n\nimport "github.com/confluentinc/confluent-kafka-go/kafka"\n\n'
                    'func main() { _, _ = kafka.NewProducer(nil) }\n'}


@pytest.mark.parametrize("tags, flagged", [("", True), ("-tags musl ", False), ("-tags dynamic ", False),
                                           ("-tags netgo,musl ", False)])
def test_confluent_kafka_on_alpine_needs_the_musl_tag(knowledge, tmp_path, tags, flagged):
    text = ("FROM golang:1.21-alpine AS build\nRUN apk add --no-cache gcc musl-dev\nWORKDIR /src\nCOPY . .\n"
            f"RUN go build {tags}-o /out/app .\nFROM alpine:3.19\nCOPY --from=build /out/app /app\n")
    got = found(knowledge, text, KAFKA, tmp_path, ("MI461",))
    assert [(r, line) for r, _s, line, _m in got] == ([("MI461", 5)] if flagged else [])
    if flagged:
        assert "links github.com/confluentinc/confluent-kafka-go v1.9.2, but the build has no -tags musl" in got[0][3]


def test_wasmer_go_needs_its_shared_library_copied(knowledge, tmp_path):
    files = {"go.mod": GO_MOD + "\nrequire github.com/wasmerio/wasmer-go v1.0.4\n",
             "main.go": 'package main\n\nimport "github.com/wasmerio/wasmer-go/wasmer"\n\n'
                        'func main() { _ = wasmer.NewEngine() }\n'}
    base = "FROM golang:1.22-bookworm AS build\nWORKDIR /src\nCOPY . .\nRUN go build {tags}-o /out/app .\nFROM debian:bookworm-slim\n"
    copy = "COPY --from=build /out/app /app\n"
    [(rule, _s, line, msg)] = found(knowledge, base.format(tags="") + copy, files, tmp_path, ("MI462",))
    assert (rule, line) == ("MI462", 6) and "debian:bookworm-slim does not get libwasmer.so" in msg
    lib = "COPY --from=build /go/pkg/mod/github.com/wasmerio/wasmer-go@v1.0.4/wasmer/packaged/lib/linux-amd64/libwasmer.so /usr/lib/\n"
    assert found(knowledge, base.format(tags="") + lib + copy, files, tmp_path, ("MI462",)) == []
    assert found(knowledge, base.format(tags="-tags custom_wasmer_runtime ") + copy, files, tmp_path, ("MI462",)) == []


# ---- a Makefile's quiet prefix: Q=$(if $V,,@), `$Q go build` (step-kms-plugin, heldout10) -------------------------

QUIET_MAKEFILE = ("PKG?=example.test/app\nQ=$(if $V,,@)\n\nbuild:\n"
                  "\t$Q go build -v -o bin/app -ldflags='-s -w' $(PKG)\n.PHONY: build\n")


@pytest.mark.parametrize("make, builder, flagged", [
    ("make V=1 build", "golang", True), ("make build", "golang", True),
    ("make build", "golang:1.20-bullseye", False)])
def test_a_quiet_make_recipe_is_the_cgo_build_it_runs(knowledge, tmp_path, make, builder, flagged):
    text = (f"FROM {builder} AS builder\nWORKDIR /src\nCOPY . .\nRUN apt-get update && apt-get install -y gcc\n"
            f"RUN {make}\nFROM debian:bullseye-slim\nCOPY --from=builder /src/bin/app /usr/local/bin/app\n")
    files = {"go.mod": "module example.test/app\n\ngo 1.20\n", "main.go": NET_MAIN, "Makefile": QUIET_MAKEFILE}
    got = found(knowledge, text, files, tmp_path, ("MI404",))
    assert [(r, s, line) for r, s, line, _m in got] == ([("MI404", "error", 7)] if flagged else [])
    if flagged:
        assert "built on golang (debian13, glibc 2.41) but runs on debian:bullseye-slim (debian11, glibc 2.31)" \
            in got[0][3]


def test_make_if_picks_then_or_else():
    from kb.lint.makefiles import recipes

    text = "Q=$(if $V,,@)\nW=$(if $V, yes , no )\nall:\n\t$Q echo $W\n"
    assert recipes(text, ["all"], {}) == ["echo no"]
    assert recipes(text, ["all"], {"V": "1"}) == ["echo yes"]
