"""What lint reads from RUN lines (install, cp, pip, apk, the ldd idiom, make) and COPY instructions, and how that
shows in its findings. Written for the survivors of a second, fresh mutation sample of kb/lint/ (seed 25,
tests/mutation-survivors.md); each test was checked against its mutant."""
from __future__ import annotations

import pytest

from tests.lint.context_files import lint_with_files

ORTHOGONAL = ("MI411", "MI414", "MI416")


findings = lint_with_files


def rules(knowledge, text, **kw):
    return [(f.rule, f.line) for f in findings(knowledge, text, **kw)]


def only(knowledge, text, rule, **kw):
    [found] = [f for f in findings(knowledge, text, **kw) if f.rule == rule]
    return found


# ---- Go -------------------------------------------------------------------------------------------------------


def test_why_a_go_program_links_glibc_names_the_imports_that_make_it(knowledge, tmp_path):
    files = {"go.mod": "module example.test/app\n\ngo 1.24\n",
             "main.go": 'package main\n\nimport "net"\n\nfunc main() { net.Dial("tcp", "x:1") }\n'}
    text = ("FROM golang:1.24 AS b\nWORKDIR /src\nCOPY . .\nRUN go build -o /app .\nFROM scratch\n"
            "COPY --from=b /app /app\n")
    assert only(knowledge, text, "MI401", files=files, tmp_path=tmp_path).message.startswith(
        "the Go program /app is linked dynamically against glibc (CGO_ENABLED is not set and golang:1.24 has a C "
        "compiler, so cgo is on and the program imports net, os/user or C), but scratch")


def test_a_go_mod_requiring_a_cgo_module_is_reason_enough_without_the_source(knowledge, tmp_path):
    """Only go.mod and go.sum are copied: go-sqlite3 is a cgo module, so the program links glibc."""
    files = {"go.mod": "module example.test/app\n\ngo 1.24\n\nrequire github.com/mattn/go-sqlite3 v1.14.22\n",
             "go.sum": ""}
    text = ("FROM golang:1.24 AS b\nWORKDIR /src\nCOPY go.mod go.sum ./\nRUN go build -o /app .\nFROM scratch\n"
            "COPY --from=b /app /app\n")
    assert "so cgo is on and the program imports net, os/user or C)" in \
        only(knowledge, text, "MI401", files=files, tmp_path=tmp_path).message


def test_go_source_with_a_third_party_import_may_use_cgo(knowledge, tmp_path):
    """A third-party package may import C or net: with CGO_ENABLED unset lint assumes the worst (MI401), it does
    not call the program static by default (MI402)."""
    files = {"go.mod": "module example.test/app\n\ngo 1.24\n\nrequire github.com/example/thing v1.0.0\n",
             "main.go": 'package main\n\nimport "github.com/example/thing"\n\nfunc main() { thing.Do() }\n'}
    text = ("FROM golang:1.24 AS b\nWORKDIR /src\nCOPY . .\nRUN go build -o /app .\nFROM scratch\n"
            "COPY --from=b /app /app\n")
    assert rules(knowledge, text, files=files, tmp_path=tmp_path, ignore=ORTHOGONAL) == [("MI401", 6)]


def test_go_build_of_one_file_names_the_program_after_it(knowledge):
    text = ("FROM golang:1.24 AS b\nWORKDIR /src\nENV CGO_ENABLED=1\nRUN go build main.go\nFROM scratch\n"
            "COPY --from=b /src/main /app\n")
    assert rules(knowledge, text, ignore=ORTHOGONAL) == [("MI401", 6)]


@pytest.mark.parametrize("assign", ["CGO_ENABLED=$CGO go build -o /app .", "env CGO_ENABLED=$CGO go build -o /app ."])
def test_a_command_prefix_assignment_takes_the_value_of_the_arg_it_names(knowledge, assign):
    text = f"FROM golang:1.24 AS b\nARG CGO=0\nRUN {assign}\nFROM scratch\nCOPY --from=b /app /app\n"
    assert rules(knowledge, text, ignore=ORTHOGONAL) == []
    assert rules(knowledge, text.replace("CGO=0", "CGO=1"), ignore=ORTHOGONAL) == [("MI401", 5)]


def test_a_stage_built_from_another_inherits_its_environment(knowledge):
    text = ("FROM golang:1.24 AS base\nENV CGO_ENABLED=0\nFROM base AS b\nRUN go build -o /app .\nFROM scratch\n"
            "COPY --from=b /app /app\n")
    assert rules(knowledge, text, ignore=ORTHOGONAL) == []


# ---- moving files in RUN ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("move", ["install -m 0755 /out/app /usr/local/bin/app",
                                  "install --owner root --group root --mode 0755 /out/app /usr/local/bin/app",
                                  "install -o root -g root /out/app /usr/local/bin/app"])
def test_install_with_options_that_take_values_moves_the_program(knowledge, move):
    text = f"FROM gcc:14 AS b\nRUN gcc -o /out/app main.c && {move}\nFROM scratch\nCOPY --from=b /usr/local/bin/app /app\n"
    assert rules(knowledge, text) == [("MI401", 4)]
    assert only(knowledge, text, "MI401").message.startswith("the C program /app is linked dynamically")


@pytest.mark.parametrize("move, copied", [
    ("cp -r /out /release", "/release/app"),  # the directory renamed (tensorzero/tensorzero#3181's cargo output)
    ("cp -a /out /release", "/release/out/app"),  # or put into /release, an existing directory
    ("mkdir /release && cp -R /out /release/", "/release/out/app"),
    ("mv /out /dist", "/dist/app"),
    ("mv /out/app /root", "/root/app"),  # a directory every image has (supabase/edge-runtime#663)
    ("cp /out/app /opt", "/opt/app"),
])
def test_a_program_or_its_directory_copied_or_moved_lands_where_it_goes(knowledge, move, copied):
    text = f"FROM gcc:14 AS b\nRUN gcc -o /out/app main.c && {move}\nFROM scratch\nCOPY --from=b {copied} /app\n"
    assert only(knowledge, text, "MI401").message.startswith("the C program /app is linked dynamically")


def test_a_directory_copied_without_recursion_takes_nothing(knowledge):
    text = "FROM gcc:14 AS b\nRUN gcc -o /out/app main.c && cp /out /release\nFROM scratch\nCOPY --from=b /release/app /app\n"
    assert [f for f in findings(knowledge, text) if f.rule == "MI401"] == []


def test_copying_the_whole_root_of_a_stage_brings_its_programs(knowledge):
    text = "FROM gcc:14 AS b\nRUN gcc -o /out/app main.c\nFROM scratch\nCOPY --from=b / /\n"
    assert only(knowledge, text, "MI401").message.startswith("the C program /out/app is linked dynamically")


# ---- the ldd idiom: a program with its libraries and loader --------------------------------------------------

_LDD = ("FROM gcc:14 AS b\nRUN g++ -o /app main.cpp && {pipeline}\nFROM scratch\nCOPY --from=b /deps /\n"
        "COPY --from=b /app /app\nCMD [\"/app\"]\n")


@pytest.mark.parametrize("pipeline", [
    "ldd /app | grep -o '/[^ ]*' | xargs -I{} cp --parents {} /deps",
    "ldd /app | grep -o '/[^ ]*' | xargs -I % install -D % /deps/%",
    "find / -name '*.a' | xargs rm -f && ldd /app | grep -o '/[^ ]*' | xargs -I{} cp --parents {} /deps",
])
def test_a_cxx_program_copied_with_the_libraries_ldd_lists_runs_on_scratch(knowledge, pipeline):
    text = _LDD.format(pipeline=pipeline)
    assert rules(knowledge, text) == []
    assert rules(knowledge, text.replace("COPY --from=b /deps /\n", "")) == [("MI401", 4)]


# ---- pip, apk and other package managers --------------------------------------------------------------------


def test_python_dash_m_pip_is_pip(knowledge):
    text = "FROM python:3.12-alpine\nRUN python3 -m pip install psycopg2\n"
    assert rules(knowledge, text) == [("MI408", 2)]


def test_packages_pip_put_in_the_system_site_packages_are_followed_into_the_final_image(knowledge):
    """Alpine's own python: pip installs under /usr/lib/python3.12; copied into a glibc image, its native
    modules will not load (MI413)."""
    text = ("FROM alpine:3.22 AS b\nRUN apk add --no-cache python3 py3-pip && pip install --break-system-packages "
            "flask\nFROM debian:trixie-slim\nCOPY --from=b /usr/lib/python3.12/site-packages "
            "/usr/lib/python3/dist-packages\n")
    assert [r for r, _ in rules(knowledge, text)] == ["MI442", "MI413"]  # MI442: an info, nothing locks flask's deps


def test_poetry_installs_into_the_project_venv(knowledge, tmp_path):
    text = ("FROM python:3.12-alpine AS b\nWORKDIR /app\nCOPY . .\nRUN poetry install\nFROM python:3.12-slim\n"
            "COPY --from=b /app/.venv /app/.venv\n")
    found = only(knowledge, text, "MI413", files={}, tmp_path=tmp_path)
    assert found.line == 6 and found.message.startswith("poetry installed packages on python:3.12-alpine (musl); "
                                                        "they are copied into python:3.12-slim (glibc 2.")


def test_an_unknown_builder_is_not_said_to_have_another_libc(knowledge):
    text = ("FROM my.registry/py:1 AS b\nRUN pip install flask\nFROM python:3.12-slim\n"
            "COPY --from=b /usr/local/lib/python3.12/site-packages /usr/local/lib/python3.12/site-packages\n")
    assert rules(knowledge, text) == [("MI414", 1)]


def test_an_apk_version_constraint_is_not_part_of_the_package_name(knowledge):
    text = ("FROM alpine:3.22 AS b\nRUN apk add --no-cache cargo\nWORKDIR /s\nRUN cargo build --release\n"
            "FROM alpine:3.22\nRUN apk add --no-cache 'libgcc<99' 'musl>1'\nCOPY --from=b /s/target/release/app /app\n")
    assert rules(knowledge, text) == []


@pytest.mark.parametrize("option", ["--repository https://mirror.example.test/alpine/edge/main",
                                    "-X https://mirror.example.test/alpine/edge/main", "-p /", "--root /"])
def test_the_value_of_an_apk_option_is_no_package(knowledge, option):
    text = ("FROM alpine:3.22 AS b\nRUN apk add --no-cache build-base cmake openssl-dev postgresql-dev\nCOPY . /src\n"
            "RUN cmake -S /src -B /b && cmake --build /b\nFROM my.registry/base:1\n"
            f"RUN apk add --no-cache {option} libpq\nCOPY --from=b /b/app /app\n")
    assert only(knowledge, text, "MI430").message.startswith(
        "my.registry/base:1 is not an image lint knows, and its RUN steps install libpq but not libssl")


def test_apk_alone_is_no_error(knowledge):
    assert rules(knowledge, "FROM alpine:3.22\nRUN apk\nRUN apk --version\n") == []


@pytest.mark.parametrize("compiler", ["gcc", "clang", "clang15", "clang18"])
def test_any_compiler_apk_installs_without_libc_headers_is_flagged(knowledge, compiler):
    text = f"FROM alpine:3.22 AS b\nRUN apk add --no-cache {compiler}\nRUN {compiler.rstrip('0123456789')} -o /app main.c\n"
    found = only(knowledge, text, "MI406")
    assert found.line == 2 and found.message.startswith(f"apk add {compiler} without musl-dev or build-base")


@pytest.mark.parametrize("headers, expected", [("", [("MI406", 2)]), (" g++", []), (" musl-dev", []),
                                               (" build-base", [])])
def test_g_plus_plus_brings_musl_headers_so_gcc_beside_it_compiles(knowledge, headers, expected):
    """Alpine's g++ depends on musl-dev: a stage with gcc and g++ has stdio.h and crt1.o (gerbera's builder)."""
    text = (f"FROM alpine:3.21 AS b\nRUN apk add --no-cache cmake make gcc{headers}\nCOPY . /src\n"
            "RUN cmake -S /src -B /b && cmake --build /b\n")
    assert [r for r in rules(knowledge, text) if r[0] == "MI406"] == expected


def test_build_base_in_the_final_alpine_stage_brings_libstdcxx(knowledge):
    text = ("FROM alpine:3.22 AS b\nRUN apk add --no-cache g++ musl-dev\nRUN g++ -o /app main.cpp\nFROM alpine:3.22\n"
            "{}COPY --from=b /app /app\n")
    assert rules(knowledge, text.format("")) == [("MI403", 5)]
    assert rules(knowledge, text.format("RUN apk add --no-cache build-base\n")) == []


# ---- shells ------------------------------------------------------------------------------------------------------


def test_a_shell_form_run_without_a_shell_is_fixed_in_a_build_stage(knowledge):
    found = only(knowledge, "FROM scratch\nCOPY app /app\nRUN /app --init\n", "MI405")
    assert found.message == "RUN in shell form runs /bin/sh, but scratch has no shell"
    assert found.fix.startswith("do the work in a build stage and COPY the result")


@pytest.mark.parametrize("mount, found", [
    ("--mount=from=busybox:latest,src=/bin/,dst=/bin/", []),  # argoproj/argo-workflows (heldout26)
    ("--mount=type=bind,from=alpine:3.20,source=/,target=/", []),
    ("--mount=type=cache,target=/bin", ["MI405"]),  # a cache directory: empty, no shell in it
    ("--mount=from=busybox:latest,src=/bin/,dst=/opt/bin", ["MI405"]),
])
def test_a_run_that_mounts_a_shell_over_bin_has_one(knowledge, mount, found):
    text = f"FROM scratch\nCOPY app /app\nRUN {mount} mkdir -m 1755 /tmp\n"
    assert [f.rule for f in findings(knowledge, text) if f.rule == "MI405"] == found


@pytest.mark.parametrize("base,found", [("gcr.io/distroless/static-debian13:debug", [("MI405", 4)]),
                                        ("alpine:3.22", [])])
def test_shell_ash_is_busybox_sh(knowledge, base, found):
    """SHELL ["/bin/ash", "-c"]: Alpine's /bin/ash is busybox, like its /bin/sh; distroless :debug has only
    /busybox/sh."""
    text = f'FROM {base}\nCOPY app /app\nSHELL ["/bin/ash", "-c"]\nCMD /app\n'
    assert rules(knowledge, text) == found


# ---- cmake and make --------------------------------------------------------------------------------------------

_CMAKE = ("FROM debian:bookworm AS b\nRUN apt-get update && apt-get install -y build-essential cmake\nCOPY . /src\n"
          "WORKDIR /src\n{build}\nFROM scratch\nCOPY --from=b {copy}\n")


def test_make_install_with_destdir_puts_the_program_under_it(knowledge):
    text = _CMAKE.format(build="RUN cmake -S . -B build && make -C build && make -C build install DESTDIR=/pkg",
                         copy="/pkg/usr/local/bin/app /app")
    assert rules(knowledge, text, ignore=ORTHOGONAL) == [("MI401", 7)]


def test_cmake_build_of_a_directory_named_by_a_variable(knowledge):
    text = _CMAKE.format(build="ENV B=/b\nRUN cmake -S . -B $B && cmake --build $B", copy="/b/app /app")
    assert rules(knowledge, text, ignore=ORTHOGONAL) == [("MI401", 8)]


def test_a_copied_build_directory_is_named_by_its_contents(knowledge):
    text = _CMAKE.format(build="RUN cmake -S . -B build && cmake --build build", copy="/src/build/ /app/")
    assert only(knowledge, text, "MI401").message.startswith("the C program /app/* is linked dynamically")


def test_a_conditional_assignment_in_a_makefile_does_not_end_it(knowledge, tmp_path):
    """`CC ?= clang` after `CC = gcc` keeps gcc, and the rules after it are still read."""
    files = {"Makefile": "CC = gcc\nCC ?= clang\nCFLAGS ?= -O2\napp: main.c\n\t$(CC) $(CFLAGS) -o /out/app main.c\n"}
    text = "FROM gcc:14 AS b\nCOPY . /w\nWORKDIR /w\nRUN make\nFROM scratch\nCOPY --from=b /out/app /app\n"
    assert rules(knowledge, text, files=files, tmp_path=tmp_path) == [("MI401", 6)]


@pytest.mark.parametrize("goal", [".DEFAULT_GOAL := $(PROG)", ".DEFAULT_GOAL = $(PROG)", ".DEFAULT_GOAL ::= app"])
def test_make_builds_the_makefiles_default_goal(knowledge, tmp_path, goal):
    """GNU make's .DEFAULT_GOAL (www.gnu.org/software/make/manual/html_node/Special-Variables.html): `make`
    builds app (statically here), not the first rule (a dynamic tool). The variable was not read before."""
    files = {"Makefile": f"PROG = app\n{goal}\ntool: tool.c\n\tgcc -o /out/tool tool.c\n"
                         "app: main.c\n\tgcc -static -o /out/app main.c\n"}
    text = ("FROM gcc:14 AS b\nCOPY . /w\nWORKDIR /w\nRUN make\nFROM scratch\nCOPY --from=b /out/app /app\n"
            "COPY --from=b /out/tool /tool\n")
    assert rules(knowledge, text, files=files, tmp_path=tmp_path) == []
    assert rules(knowledge, text.replace("RUN make", "RUN make tool"), files=files, tmp_path=tmp_path) == \
        [("MI401", 7)]


# ---- programs that carry their runtime ---------------------------------------------------------------------------


@pytest.mark.parametrize("output", ["-o /out/app", "--output /out/app", "--output=/out/app"])
def test_deno_compile_writes_where_its_output_option_says(knowledge, output):
    """denort is a glibc build: the executable fails on Alpine (MI420) wherever -o/--output put it."""
    text = (f"FROM denoland/deno:2 AS build\nRUN deno compile -A {output} main.ts\nFROM alpine:3.24\n"
            "COPY --from=build /out/app /app\nENTRYPOINT [\"/app\"]\n")
    assert [r for r, _ in rules(knowledge, text)] == ["MI420"]


@pytest.mark.parametrize("final,found", [("gcr.io/distroless/base-debian13", ["MI422"]),
                                         ("gcr.io/distroless/cc-debian13", [])])
def test_a_deno_executable_needs_libgcc_s_which_distroless_base_lacks(knowledge, final, found):
    text = (f"FROM denoland/deno:2 AS build\nRUN deno compile -A -o /out/app main.ts\nFROM {final}\n"
            "COPY --from=build /out/app /app\nENTRYPOINT [\"/app\"]\n")
    assert [r for r, _ in rules(knowledge, text)] == found
    if found:
        assert "libgcc_s" in only(knowledge, text, "MI422").message


# ---- how C++ and Rust programs link -------------------------------------------------------------------------------


def test_a_rust_program_built_with_crt_static_runs_on_scratch(knowledge):
    text = ("FROM rust:1.85 AS b\nWORKDIR /s\nENV RUSTFLAGS=\"-C target-feature=+crt-static\"\n"
            "RUN cargo build --release --target x86_64-unknown-linux-gnu\nFROM scratch\n"
            "COPY --from=b /s/target/x86_64-unknown-linux-gnu/release/app /app\n")
    assert rules(knowledge, text, ignore=ORTHOGONAL) == []
    assert rules(knowledge, text.replace("+crt-static", "-crt-static"), ignore=ORTHOGONAL) == [("MI401", 6)]


def test_a_cxx_program_needs_libstdcxx_which_distroless_base_lacks(knowledge):
    text = "FROM gcc:14 AS b\nRUN g++ -o /app main.cpp\nFROM gcr.io/distroless/base-debian13\nCOPY --from=b /app /app\n"
    found = only(knowledge, text, "MI403")
    assert found.message.startswith("the C++ program /app needs libstdc++.so.6 and libgcc_s.so.1 (g++ without "
                                    "-static in gcc:14), which gcr.io/distroless/base-debian13 does not have")


@pytest.mark.parametrize("build", ["go build", "go build .", "go build ./..."])
def test_go_build_of_the_current_package_writes_a_program_named_after_the_module(knowledge, build):
    """Its name comes from go.mod, which lint does not take for it: whatever the COPY takes from that directory
    is the program."""
    text = (f"FROM golang:1.24 AS b\nWORKDIR /src\nENV CGO_ENABLED=1\nRUN {build}\nFROM scratch\n"
            "COPY --from=b /src/server /server\n")
    assert only(knowledge, text, "MI401").message.startswith("the Go program /server is linked dynamically")


@pytest.mark.parametrize("spec", ["node-pty", "node-pty@1.1.0", "node-pty@npm:node-pty@1.1.0"])
def test_an_npm_package_is_named_without_its_version_or_alias_target(knowledge, spec):
    text = f"FROM node:22-alpine\nWORKDIR /app\nRUN npm install {spec}\n"
    assert only(knowledge, text, "MI408").message.startswith("npm installs node-pty on node:22-alpine (musl)")


@pytest.mark.parametrize("copy, flagged", [
    ("COPY --from=build /etc/passwd /etc/passwd", False),
    ("COPY --from=build /etc/passwd /etc/", False),
    ("COPY --from=build /etc/passwd /etc", False),  # into the directory /etc, as Docker does
    ("COPY --from=build /etc /etc", False),  # the whole of /etc
    ("COPY --from=build /etc/group /etc/group", True),
])
def test_a_passwd_copied_into_etc_by_any_spelling_resolves_user(knowledge, copy, flagged):
    text = (f"FROM alpine:3.20 AS build\nRUN adduser -D app\nFROM scratch\n{copy}\nCOPY app /app\nUSER app\n"
            "ENTRYPOINT [\"/app\"]\n")
    assert (("MI407", 6) in rules(knowledge, text)) == flagged


def test_a_shell_copied_into_scratch_serves_a_shell_form_cmd(knowledge):
    text = "FROM busybox:1.36-musl AS sh\nFROM scratch\n{copy}COPY app /app\nCMD /app --serve\n"
    assert [r for r, _ in rules(knowledge, text.format(copy=""))] == ["MI405"]
    assert rules(knowledge, text.format(copy="COPY --from=sh /bin/busybox /bin/sh\n")) == []


def test_a_workdir_naming_an_unset_variable_is_not_taken_for_a_known_directory(knowledge):
    """`WORKDIR $SRC/app` with SRC unset: where `go build -o app` writes is unknown, so a COPY of /app/app is not
    taken for the program (an unset variable is not the empty string); with SRC set it is."""
    text = "FROM golang:1.24 AS b\n{arg}WORKDIR $SRC/app\nCOPY . .\nRUN go build -o app .\nFROM scratch\n" \
           "COPY --from=b {copied} /app\n"
    assert "MI401" not in [r for r, _ in rules(knowledge, text.format(arg="", copied="/app/app"))]
    assert ("MI401", 7) in rules(knowledge, text.format(arg="ARG SRC=/src\n", copied="/src/app/app"))


PANDAS_ON_ALPINE = ("FROM python:3.8-alpine\n{keep}RUN apk add --no-cache --virtual .build-deps {compiler} \\\n"
                    " && pip install pandas==1.1.3 \\\n && apk del .build-deps\nCMD [\"python\", \"-m\", \"app\"]\n")


@pytest.mark.parametrize("compiler,keep,flagged", [
    ("g++", "", True),                                              # amancevice/docker-pandas#12
    ("g++", "RUN apk add --no-cache libstdc++\n", False),           # kept by name: the fix
    ("build-base", "", False),                                      # a C++ compiler not asked for by name
    ("gcc musl-dev", "", False),                                    # no C++ compiler at all
])
def test_libstdcxx_deleted_with_a_named_cxx_compiler_after_pip_builds_on_musl(knowledge, compiler, keep, flagged):
    from kb.lint import lint_text

    found = [f for f in lint_text(knowledge, PANDAS_ON_ALPINE.format(compiler=compiler, keep=keep), context_dir=None)
             if f.rule == "MI440"]
    assert [f.message.split(":")[0] for f in found] == (["libstdc++ (g++)"] if flagged else [])


PIPENV_PROJECT = ("FROM python:3.8 AS lock\nWORKDIR /var/lib/app/\n{env}COPY Pipfile* ./\nRUN pip install pipenv && pipenv install\n"
                  "FROM python:3.8-alpine\nWORKDIR /var/lib/app/\nCOPY --from=lock /var/lib/app/ .\n")


@pytest.mark.parametrize("env,flagged", [
    ("", False),                                    # pipenv's environment is under ~/.local/share/virtualenvs
    ("ENV PIPENV_VENV_IN_PROJECT=1\n", True),       # now it is the project's .venv, copied with the project
])
def test_pipenv_makes_its_environment_in_the_project_only_when_asked(knowledge, env, flagged):
    from kb.lint import lint_text

    found = [f.rule for f in lint_text(knowledge, PIPENV_PROJECT.format(env=env), context_dir=None)]
    assert ("MI413" in found) is flagged
