"""What the held-out batch (tests/lint/realworld, batch heldout-2026-11-30) showed lint missing, as mechanisms:
builds behind recursive make, libraries deleted with the build dependencies, Prisma without OpenSSL, and the
dependencies lint cannot see without a lockfile. Each test is a small Dockerfile of our own, not a corpus file."""
from __future__ import annotations

import pytest

from kb.evidence.dockerfile_parse import parse_dockerfile_text
from kb.lint import lint_report
from kb.lint.makefiles import recipes


def findings(knowledge, text: str, context: dict[str, str] | None = None, tmp_path=None):
    if context:
        for name, content in context.items():
            (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
            (tmp_path / name).write_text(content)
    return lint_report(knowledge, parse_dockerfile_text(text, "Dockerfile"),
                       context_dir=str(tmp_path) if context else None)


# ---- builds behind make that calls make --------------------------------------------------------------------------

GO_MAKEFILE = ("ROOT_DIR := $(shell dirname $(realpath $(lastword $(MAKEFILE_LIST))))\n"
               "BIN_DIR = $(ROOT_DIR)/bin\n"
               "build:\n\t@(mkdir -p $(BIN_DIR))\n\tgo build -o $(BIN_DIR)/server ./cmd/server\n"
               "docker-build:\n\t{recursive} build\n")
GO_DOCKERFILE = ("FROM golang:1.22-bookworm AS build\nWORKDIR /src\nCOPY . .\n"
                 "RUN {env}make docker-build && mv bin/server /server\n"
                 "FROM debian:bullseye-slim\nCOPY --from=build /server /server\nCMD [\"/server\"]\n")


@pytest.mark.parametrize("recursive", ["make", "$(MAKE)", "$(MAKE) -f Makefile"])
def test_a_go_build_behind_a_recipe_that_runs_make_is_found(knowledge, tmp_path, recursive):
    """`make docker-build` whose recipe is `make build` (picfit's Makefile shape): the go build two levels down
    links glibc 2.36 (cgo is on in golang images) and bullseye has 2.31."""
    context = {"Makefile": GO_MAKEFILE.format(recursive=recursive), "go.mod": "module example.com/s\n\ngo 1.22\n"}
    got = findings(knowledge, GO_DOCKERFILE.format(env=""), context, tmp_path)
    assert [(f.rule, f.severity, f.line) for f in got if f.rule == "MI404"] == [("MI404", "error", 6)]
    assert "built on golang:1.22-bookworm (debian12, glibc 2.36) but runs on debian:bullseye-slim" in got[0].message


def test_cgo_enabled_0_given_to_the_outer_make_reaches_the_inner_go_build(knowledge, tmp_path):
    context = {"Makefile": GO_MAKEFILE.format(recursive="make"), "go.mod": "module example.com/s\n\ngo 1.22\n"}
    got = findings(knowledge, GO_DOCKERFILE.format(env="CGO_ENABLED=0 "), context, tmp_path)
    assert [f.rule for f in got if f.severity in ("error", "warning")] == []


def test_recursive_make_stops_at_a_fixed_depth(knowledge, tmp_path):
    """A Makefile whose target runs make on itself forever is read to a bounded depth, not until the stack ends."""
    context = {"Makefile": "loop:\n\tmake loop\n\tgo build -o /out/app .\n", "go.mod": "module m\n\ngo 1.22\n"}
    text = ("FROM golang:1.22-bookworm AS b\nWORKDIR /src\nCOPY . .\nRUN make loop\nFROM scratch\n"
            "COPY --from=b /out/app /app\nCMD [\"/app\"]\n")
    assert "MI401" in [f.rule for f in findings(knowledge, text, context, tmp_path)]


@pytest.mark.parametrize("definition,expected", [
    ("ROOT_DIR := $(shell dirname $(realpath $(lastword $(MAKEFILE_LIST))))", "/src/bin/app"),
    ("ROOT_DIR := $(dir $(abspath $(firstword $(MAKEFILE_LIST))))", "/src//bin/app"),
    ("ROOT_DIR := $(CURDIR)", "/src/bin/app"),
    ("ROOT_DIR := $(shell pwd)", "/src/bin/app"),
    ("ROOT_DIR := $(shell git rev-parse --show-toplevel)", "*/bin/app"),  # not knowable: unknown, not empty
    ("ROOT_DIR := $(realpath $(wildcard src))", "*/bin/app"),
])
def test_the_makefiles_own_directory_is_known_where_make_says_it(definition, expected):
    makefile = definition + "\nall:\n\tcc -o $(ROOT_DIR)/bin/app main.c\n"
    [line] = recipes(makefile, [], {}, "/src")
    assert line == f"cc -o {expected} main.c"


@pytest.mark.parametrize("definition", ['TARGET := $(shell basename "$(PWD)")', "TARGET := $(shell basename $(CURDIR))",
                                        "TARGET := $(notdir $(PWD))"])
def test_the_program_named_after_the_directory_make_runs_in(definition):
    """`TARGET := $(shell basename "$(PWD)")` (optimizely/agent's Makefile): make has the shell's directory as PWD
    (dash and bash export it), so the program is named after the WORKDIR."""
    makefile = definition + "\n$(TARGET):\n\tgo build -o bin/$(TARGET) cmd/$(TARGET)/main.go\nbuild: $(TARGET)\n"
    assert recipes(makefile, ["build"], {}, "/go/src/example.com/sidedoor") == \
        ["go build -o bin/sidedoor cmd/sidedoor/main.go"]
    # `make -C sub`: CURDIR is sub, PWD stays the shell's directory
    pwd_named = recipes(makefile, ["build"], {}, "/src/sub", "/src")
    assert pwd_named == (["go build -o bin/src cmd/src/main.go"] if "PWD" in definition else
                         ["go build -o bin/sub cmd/sub/main.go"])


def test_a_go_build_named_after_the_workdir_is_judged(knowledge, tmp_path):
    context = {"Makefile": 'TARGET := $(shell basename "$(PWD)")\nGOBIN=bin\n'
                           "$(TARGET):\n\tgo build -o $(GOBIN)/$(TARGET) ./cmd/$(TARGET)\nbuild: $(TARGET)\n",
               "go.mod": "module example.com/sidedoor\n\ngo 1.22\n"}
    text = ("FROM golang:1.22-bookworm\nWORKDIR /go/src/sidedoor\nCOPY . .\nRUN make build\n"
            "FROM scratch\nCOPY --from=0 /go/src/sidedoor/bin/sidedoor /sidedoor\nCMD [\"/sidedoor\"]\n")
    assert "MI401" in [f.rule for f in findings(knowledge, text, context, tmp_path)]


# ---- a library deleted with the build dependencies (MI440) -------------------------------------------------------

PSYCOPG_ALPINE = ("FROM python:3.12-alpine\n"
                  "RUN apk add --no-cache {virtual} gcc musl-dev postgresql-dev \\\n"
                  " && pip install --no-cache-dir psycopg2 \\\n && apk del build-deps\nCMD [\"python\", \"-m\", \"app\"]\n")


@pytest.mark.parametrize("virtual", ["--virtual build-deps", "--virtual=build-deps", "-t build-deps"])
def test_every_spelling_of_an_apk_virtual_group_is_deleted_with_its_library(knowledge, virtual):
    got = findings(knowledge, PSYCOPG_ALPINE.format(virtual=virtual))
    [f] = [f for f in got if f.rule == "MI440"]
    assert (f.line, f.severity) == (2, "warning")
    assert f.message.startswith("libpq (postgresql-dev): deleted with the build dependencies")
    assert "apk add the run-time packages outside the virtual group" in f.fix


def test_apt_remove_then_autoremove_takes_the_library_too(knowledge):
    text = ("FROM python:3.12-slim\nRUN apt-get update && apt-get install -y gcc libpq-dev\n"
            "RUN pip install --no-cache-dir -r requirements.txt\n"
            "RUN apt-get remove -y gcc libpq-dev && apt-get autoremove -y\nCMD [\"python\", \"-m\", \"app\"]\n")
    assert [(f.rule, f.line) for f in findings(knowledge, text) if f.rule == "MI440"] == [("MI440", 4)]
    kept = text.replace("RUN apt-get remove", "RUN apt-get install -y libpq5 && apt-get remove")
    assert [f.rule for f in findings(knowledge, kept) if f.rule == "MI440"] == []


@pytest.mark.parametrize("kept, expected", [("bash", ["MI440"]), ("python3", []), ("python3 bash", [])])
def test_python_kept_outside_the_group_keeps_libffi(knowledge, kept, expected):
    """CPython's ctypes links the system libffi (Alpine builds python3 --with-system-ffi, Debian's
    libpython3.N-stdlib depends on libffi8): python3 installed outside the group keeps it (goodtables, heldout6)."""
    text = ("FROM alpine:3.20\nCOPY . /app\nRUN apk add --no-cache --virtual .bd build-base python3-dev libffi-dev "
            f"&& apk add --no-cache {kept} && make -C /app && apk del .bd\nCMD [\"make\", \"-C\", \"/app\", \"run\"]\n")
    assert [f.rule for f in findings(knowledge, text) if f.rule == "MI440"] == expected


def test_a_library_deleted_before_anything_was_built_is_not_reported(knowledge):
    text = ("FROM alpine:3.22\nRUN apk add --no-cache --virtual .bd postgresql-dev && apk del .bd\n"
            "RUN apk add --no-cache build-base\nCOPY . /src\nRUN make -C /src\nCMD [\"/src/app\"]\n")
    assert [f.rule for f in findings(knowledge, text) if f.rule == "MI440"] == []


def test_the_compiler_that_apk_del_removes_later_still_counts_for_mi408(knowledge):
    """MI408 says whether pip could compile: a gcc in the build-deps group was there when pip ran, so mysqlclient
    was compiled against musl and MI408 has nothing to say (the deleted library is MI440's)."""
    text = ("FROM python:3.12-alpine\nRUN apk add --no-cache --virtual .bd gcc musl-dev mariadb-dev "
            "&& pip install mysqlclient && apk del .bd\n")
    assert [f for f in findings(knowledge, text) if f.rule == "MI408"] == []
    without = text.replace("gcc musl-dev ", "")
    [f] = [f for f in findings(knowledge, without) if f.rule == "MI408"]
    assert f.message.endswith("there is no compiler in this stage, so the build fails for any without one")


# ---- Prisma and the openssl package (MI441), and MI408 leaving Prisma alone --------------------------------------

def test_prisma_on_alpine_is_about_openssl_not_a_compiler(knowledge):
    text = "FROM node:20-alpine\nWORKDIR /app\nRUN yarn add prisma@5.17.0 dotenv\nCMD [\"node\", \"server.js\"]\n"
    got = {f.rule: f for f in findings(knowledge, text)}
    assert "MI408" not in got  # Prisma publishes musl engines: nothing is compiled
    assert got["MI441"].message.startswith("prisma finds libssl through the openssl package at run time, and "
                                           "node:20-alpine does not install it")
    assert got["MI441"].fix == "apk add --no-cache openssl in the final stage"


def test_prisma_copied_in_with_node_modules_is_checked_in_the_final_image(knowledge):
    text = ("FROM node:22 AS build\nWORKDIR /app\nRUN npm install @prisma/client\n"
            "FROM node:22-slim\nWORKDIR /app\nCOPY --from=build /app/node_modules ./node_modules\n"
            "CMD [\"node\", \"server.js\"]\n")
    got = [f for f in findings(knowledge, text) if f.rule == "MI441"]
    assert [(f.line, f.fix) for f in got] == [
        (6, "apt-get install -y --no-install-recommends openssl in the final stage")]  # the COPY


CHAIN = ("FROM node:22-alpine AS base\n"
         "FROM base AS deps\nWORKDIR /app\nRUN npm install @prisma/client prisma\n"
         "FROM base AS builder\nWORKDIR /app\nCOPY --from=deps /app/node_modules ./node_modules\nCOPY . .\n"
         "RUN npm run build\n"
         "FROM base AS runner\nWORKDIR /app\n{install}COPY --from=builder /app/node_modules ./node_modules\n"
         "CMD [\"node\", \"server.js\"]\n")


def test_prisma_copied_through_a_builder_stage_is_the_deps_stages_install(knowledge):
    """npm installs in deps; the builder gets node_modules by COPY, the runner from the builder: the packages are
    still those deps installed, and the runner lacks openssl (big-AGI on node:22-alpine)."""
    got = [f for f in findings(knowledge, CHAIN.format(install="")) if f.rule == "MI441"]
    assert [(f.line, f.severity, f.fix) for f in got] == [(12, "warning", "apk add --no-cache openssl in the final stage")]
    assert got[0].message.startswith("@prisma/client finds libssl through the openssl package at run time, and node:22-alpine "
                                     "does not install it")  # the image stage `base` starts from
    fixed = CHAIN.format(install="RUN apk add --no-cache openssl\n")
    assert [f for f in findings(knowledge, fixed) if f.rule == "MI441"] == []


STANDALONE = ("FROM node:22-alpine AS base\n"
              "FROM base AS installer\nWORKDIR /app\nRUN npm install @prisma/client next\nCOPY . .\n"
              "RUN npx next build\n"
              "FROM base AS runner\nWORKDIR /app\n{install}COPY --from=installer /app/.next/standalone ./\n"
              "CMD [\"node\", \"server.js\"]\n")


def test_next_standalone_output_carries_the_node_packages(knowledge):
    """opengovsg/isomer (heldout26): Next.js's .next/standalone holds the node_modules files the server needs,
    Prisma's engine among them, so the runner that copies only it still lacks openssl."""
    got = [f for f in findings(knowledge, STANDALONE.format(install="")) if f.rule == "MI441"]
    assert [(f.line, f.severity) for f in got] == [(9, "warning")]
    fixed = STANDALONE.format(install="RUN apk add --no-cache openssl\n")
    assert [f for f in findings(knowledge, fixed) if f.rule == "MI441"] == []
    static = STANDALONE.format(install="").replace(".next/standalone", ".next/static")
    assert [f for f in findings(knowledge, static) if f.rule == "MI441"] == []


def test_packages_copied_through_a_glibc_stage_into_alpine_name_the_stage_that_installed_them(knowledge):
    text = ("FROM node:22-bookworm AS deps\nWORKDIR /app\nRUN npm install sharp\n"
            "FROM node:22-bookworm AS builder\nWORKDIR /srv\nCOPY --from=deps /app /srv\n"
            "FROM node:22-alpine\nWORKDIR /srv\nCOPY --from=builder /srv/node_modules ./node_modules\n")
    got = [f for f in findings(knowledge, text) if f.rule == "MI413"]
    assert [f.line for f in got] == [9]
    assert got[0].message == ("npm installed packages on node:22-bookworm (glibc 2.36); they are copied into "
                              "node:22-alpine (musl): native modules among them will not load; sharp among them has "
                              "compiled code")  # sharp: read from the deps stage's npm step, two stages back


# ---- what lint cannot see without a lockfile (MI442) -------------------------------------------------------------

def test_no_lockfile_info_is_not_repeated_where_mi408_already_warns(knowledge):
    text = "FROM node:22-alpine\nWORKDIR /app\nRUN npm install node-pty left-pad\n"
    assert sorted(f.rule for f in findings(knowledge, text)) == ["MI408"]
    assert [(f.rule, f.severity) for f in findings(knowledge, text.replace("node-pty ", ""))] == [("MI442", "info")]


# ---- libraries linked from their static archives need nothing at run time (MI412) -------------------------------

STATIC_BUILD = ("FROM debian:13 AS build\nRUN apt-get update && apt-get install -y clang make libev-dev libc-ares-dev "
                "zlib1g-dev\nCOPY . /src\nRUN cd /src && ./configure {libs} && make install\n"
                "FROM gcr.io/distroless/base-nossl-debian13\nCOPY --from=build /usr/local/bin/server /server\n"
                "CMD [\"/server\"]\n")


def test_libraries_named_by_their_archive_are_not_needed_in_the_final_image(knowledge):
    linked = STATIC_BUILD.format(libs='LIBEV_LIBS="-l:libev.a" LIBCARES_LIBS="-l:libcares.a"')
    [f] = [f for f in findings(knowledge, linked) if f.rule == "MI412"]
    assert "lacks libz (zlib1g-dev installed there), which" in f.message  # only zlib is still linked dynamically
    all_static = STATIC_BUILD.format(libs='LIBS="-l:libev.a -l:libcares.a /usr/lib/x86_64-linux-gnu/libz.a"')
    assert [f.rule for f in findings(knowledge, all_static) if f.rule == "MI412"] == []
    dynamic = STATIC_BUILD.format(libs="")
    [f] = [f for f in findings(knowledge, dynamic) if f.rule == "MI412"]
    assert "libc-ares" in f.message and "libev" in f.message


def test_a_package_of_several_libraries_is_static_when_all_of_them_are(knowledge):
    """libbrotli-dev links libbrotlienc, libbrotlidec and libbrotlicommon (nghttp2's distroless image, held out)."""
    brotli = STATIC_BUILD.replace("zlib1g-dev", "libbrotli-dev")
    libs = 'LIBEV_LIBS="-l:libev.a" LIBCARES_LIBS="-l:libcares.a" BROTLI_LIBS="-l:libbrotlienc.a -l:libbrotlidec.a {common}"'
    assert [f.rule for f in findings(knowledge, brotli.format(libs=libs.format(common="-l:libbrotlicommon.a")))
            if f.rule == "MI412"] == []
    partly = brotli.format(libs=libs.format(common=""))  # libbrotlicommon still comes from its .so
    [f] = [f for f in findings(knowledge, partly) if f.rule == "MI412"]
    assert "lacks libbrotli" in f.message and "libbrotli-dev installed there" in f.message


# ---- build dependencies named by a shell variable of the RUN line (MI440) -----------------------------------------

BUILD_DEPS = ("FROM python:3.12-slim\n"
              "RUN set -ex \\\n"
              "    && buildDeps=' \\\n"
              "        libpq-dev \\\n"
              "        build-essential \\\n"
              "    ' \\\n"
              "    && apt-get update \\\n"
              "    && apt-get install -y --no-install-recommends $buildDeps {keep}\\\n"
              "    && pip install psycopg2 \\\n"
              "    && apt-get purge --auto-remove -y ${{buildDeps}}\n"
              "CMD [\"python\"]\n")


def test_build_dependencies_in_a_shell_variable_are_followed(knowledge):
    """docker-airflow's pattern (held out): the -dev packages are installed and purged through $buildDeps."""
    [f] = [f for f in findings(knowledge, BUILD_DEPS.format(keep="")) if f.rule == "MI440"]
    assert f.line == 2 and f.message.startswith("libpq (libpq-dev): deleted with --auto-remove")
    assert [f.rule for f in findings(knowledge, BUILD_DEPS.format(keep="libpq5 ")) if f.rule == "MI440"] == []
    unset = BUILD_DEPS.format(keep="").replace("${buildDeps}", "$otherDeps")  # nothing lint knows is removed
    assert [f.rule for f in findings(knowledge, unset) if f.rule == "MI440"] == []


ABYSS = ("FROM ubuntu:22.04\nRUN apt-get update && apt-get install -y --no-install-recommends make {bin}\n"
         "ADD . /tmp/abyss\nRUN apt-get install -y --no-install-recommends automake g++ libopenmpi-dev "
         "libsparsehash-dev && cd /tmp/abyss && ./autogen.sh && ./configure && make install && apt-get autoremove -y "
         "automake g++ libopenmpi-dev libsparsehash-dev{keep}\nENTRYPOINT [\"abyss-pe\"]\n")


@pytest.mark.parametrize("configure_ac, keep, expected", [
    ("AC_INIT([abyss], [2.0])\nAC_PROG_CXX\nAC_OPENMP\n", "", ["libgomp (g++)"]),
    ("AC_INIT([abyss], [2.0])\nAC_PROG_CXX\nAC_OPENMP\n", " && apt-get install -y libgomp1", []),
    ("AC_INIT([abyss], [2.0])\nAC_PROG_CXX\ndnl AC_OPENMP_LIKE\n", "", []),
])
def test_openmp_in_configure_ac_loses_libgomp_with_the_compiler(knowledge, tmp_path, configure_ac, keep, expected):
    """bcgsc/abyss#176 (heldout26): configure.ac calls AC_OPENMP, so the programs link libgomp.so.1, which apt-get
    autoremove takes with g++; openmpi-bin keeps libopenmpi3, and sparsehash is headers only."""
    text = ABYSS.format(bin="openmpi-bin", keep=keep)
    found = [f for f in findings(knowledge, text, {"configure.ac": configure_ac}, tmp_path) if f.rule == "MI440"]
    assert [f.message.split(":")[0] for f in found] == expected
