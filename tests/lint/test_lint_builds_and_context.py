"""What lint reads from build commands and from the build context, checked by what it then says: where a build puts
its program (and how the finding names it), which pip options take a value, cmake, meson and ninja builds, the
modules and crates of go.mod and Cargo.toml, lockfiles, libraries the final stage copies by name. Each test here was
written for a fault the mutation run (tests/mutation-survivors.md) put into that reading and no test noticed."""
from __future__ import annotations

import pytest

from tests.lint.context_files import lint_with_files

ORTHOGONAL = ("MI411", "MI414", "MI416")  # the CA-bundle findings and the unknown-image info, where not the subject


def findings(knowledge, text, files=None, tmp_path=None, ignore=()):
    """(rule, line, message) of each finding; `files` are written into `tmp_path`, the build context."""
    return [(f.rule, f.line, f.message) for f in lint_with_files(knowledge, text, files, tmp_path, ignore)]


def rules(knowledge, text, **kw):
    return [(rule, line) for rule, line, _ in findings(knowledge, text, **kw)]


def message(knowledge, text, rule, **kw):
    [found] = [m for r, _, m in findings(knowledge, text, **kw) if r == rule]
    return found


# ---- where a build puts its program, and the name a finding gives it ------------------------------------------


def test_go_build_dash_o_names_a_file_and_the_finding_names_the_program_where_it_was_copied(knowledge):
    text = ("FROM golang:1.24 AS b\nWORKDIR /src\nENV CGO_ENABLED=1\nRUN go build -o /out/app .\n"
            "FROM scratch\nCOPY --from=b /out/app /app\n")
    assert message(knowledge, text, "MI401").startswith("the Go program /app is linked dynamically against glibc")


def test_a_program_cmake_installs_is_named_by_its_directory_when_the_whole_bin_directory_is_copied(knowledge):
    """cmake's install step puts programs lint cannot name in PREFIX/bin; a COPY of that directory brings them
    all, so the finding speaks of DEST/* (not a made-up file name)."""
    text = ("FROM debian:bookworm AS b\nRUN apt-get update && apt-get install -y build-essential cmake\n"
            "COPY . /src\nWORKDIR /src\n"
            "RUN cmake -S . -B build && cmake --build build && cmake --install build --prefix /opt/app\n"
            "FROM scratch\nCOPY --from=b /opt/app/bin/ /usr/local/bin/\nCMD [\"/usr/local/bin/app\"]\n")
    assert message(knowledge, text, "MI401").startswith("the C program /usr/local/bin/* is linked dynamically")


def test_cmake_install_without_prefix_uses_the_configured_install_prefix(knowledge):
    """`cmake --install build` alone installs under the CMAKE_INSTALL_PREFIX the configure step set; the finding is
    on the line of the COPY, and the program is the one that install step put there."""
    text = ("FROM debian:bookworm AS b\nRUN apt-get update && apt-get install -y build-essential cmake\n"
            "COPY . /src\nWORKDIR /src\n"
            "RUN cmake -S . -B build -DCMAKE_INSTALL_PREFIX=/opt/app && cmake --build build\n"
            "RUN cmake --install build\n"
            "FROM scratch\nCOPY --from=b /opt/app/bin/server /server\nCMD [\"/server\"]\n")
    assert rules(knowledge, text, ignore=ORTHOGONAL) == [("MI401", 8)]
    assert message(knowledge, text, "MI401").startswith("the C program /server is linked dynamically")


def test_a_program_cmake_installs_in_the_final_stage_is_reported_at_its_install_line(knowledge, tmp_path):
    """Built and installed in the final image itself, then the compiler deleted with libstdc++: MI403 points at the
    line of `cmake --install`, where the program came to be."""
    text = ("FROM alpine:3.20\nCOPY . /src\n"
            "RUN apk add --no-cache --virtual .build cmake make g++ && cmake -S /src -B /build\n"
            "RUN cmake --build /build && cmake --install /build && apk del .build\n"
            "CMD [\"/usr/local/bin/server\"]\n")
    files = {"CMakeLists.txt": "project(server CXX)\nadd_executable(server main.cpp)\ninstall(TARGETS server)\n"}
    assert rules(knowledge, text, files=files, tmp_path=tmp_path, ignore=ORTHOGONAL) == [("MI403", 4)]


def test_an_install_prefix_lint_cannot_resolve_is_not_taken_for_the_root(knowledge):
    """`--prefix $PREFIX` with PREFIX unset here: where the program went is unknown, so a file copied from the
    builder's /bin (a static busybox) is not taken for it."""
    text = ("FROM debian:bookworm AS b\nARG PREFIX\n"
            "RUN apt-get update && apt-get install -y build-essential cmake busybox-static\nCOPY . /src\nWORKDIR /src\n"
            "RUN cmake -S . -B build && cmake --build build && cmake --install build --prefix $PREFIX\n"
            "FROM scratch\nCOPY --from=b /bin/busybox /bin/busybox\n")
    assert rules(knowledge, text, ignore=ORTHOGONAL) == []
    known = text.replace("ARG PREFIX", "ARG PREFIX=/usr").replace("/bin/busybox /bin/busybox", "/usr/bin/app /app")
    assert rules(knowledge, known, ignore=ORTHOGONAL) == [("MI401", 8)]


# ---- cmake, meson and ninja ------------------------------------------------------------------------------------

_CMAKE = ("FROM {builder} AS build\nRUN apt-get update && apt-get install -y build-essential cmake\nCOPY . /src\n"
          "WORKDIR /src\nRUN cmake -S . -B build && cmake --build build\nFROM {final}\n"
          "COPY --from=build /src/build/app /usr/local/bin/app\nCMD [\"app\"]\n")


def test_a_cmake_build_on_a_newer_debian_than_the_final_image_is_glibc_skew(knowledge):
    text = _CMAKE.format(builder="debian:trixie", final="debian:bookworm-slim")
    assert rules(knowledge, text, ignore=ORTHOGONAL) == [("MI404", 7)]
    assert message(knowledge, text, "MI404").startswith(
        "the C program /usr/local/bin/app is built on debian:trixie (debian13, glibc 2.41) but runs on "
        "debian:bookworm-slim (debian12, glibc 2.36)")
    assert rules(knowledge, _CMAKE.format(builder="debian:bookworm", final="debian:trixie-slim"),
                 ignore=ORTHOGONAL) == []


def test_a_project_that_builds_ggml_needs_libgomp_and_the_finding_says_why(knowledge, tmp_path):
    lists = ("cmake_minimum_required(VERSION 3.14)\nproject(app C)\nadd_subdirectory(ggml)\n"
             "add_executable(app main.c)\ntarget_link_libraries(app PRIVATE ggml)\n")
    text = _CMAKE.format(builder="debian:bookworm", final="debian:bookworm-slim")
    found = message(knowledge, text, "MI412", files={"CMakeLists.txt": lists}, tmp_path=tmp_path)
    assert found.startswith("debian:bookworm-slim lacks libgomp (ggml, built with OpenMP by default, in "
                            "CMakeLists.txt)")


def test_cmake_help_configures_nothing(knowledge, tmp_path):
    """`cmake --help` (like --version) only prints: `make` afterwards still runs the context's own Makefile, whose
    gcc links glibc dynamically (MI401 in scratch)."""
    text = ("FROM gcc:14 AS b\nCOPY . /w\nWORKDIR /w\nRUN cmake --help\nRUN make\nFROM scratch\n"
            "COPY --from=b /out/app /app\n")
    files = {"Makefile": "app: main.c\n\tgcc -o /out/app main.c\n"}
    assert rules(knowledge, text, files=files, tmp_path=tmp_path) == [("MI401", 7)]


@pytest.mark.parametrize("makefile,included,found", [
    # the target is in an included file: make runs it, so lint reads it too (optimizely/agent's scripts/Makefile.ci)
    ("include build/targets.mk\n", {"build/targets.mk": "app:\n\tgo build -o /out/app .\n"}, [("MI401", 7)]),
    ("-include build/targets.mk\n", {"build/targets.mk": "app:\n\tCGO_ENABLED=0 go build -o /out/app .\n"}, []),
    # a missing -include file, or one named by a variable, is left out, as make leaves out a missing -include
    ("-include $(CONF)/targets.mk\napp:\n\tgo build -o /out/app .\n", {}, [("MI401", 7)]),
])
def test_a_makefile_include_brings_the_targets_of_the_included_file(knowledge, tmp_path, makefile, included, found):
    text = ("FROM golang:1.22-bookworm AS b\nCOPY . /w\nWORKDIR /w\nRUN make app\nFROM scratch\n"
            "COPY --from=b /etc/ssl/certs /etc/ssl/certs\nCOPY --from=b /out/app /app\n")
    files = {"Makefile": makefile, "main.go": "package main\nimport \"os/user\"\nfunc main() { user.Current() }\n",
             **included}
    assert rules(knowledge, text, files=files, tmp_path=tmp_path) == found


@pytest.mark.parametrize("build,why", [
    ("ENV BUILD=/b\nRUN cmake -G Ninja -S . -B $BUILD && ninja -C $BUILD",
     "cmake links dynamically by default, and CMakeLists.txt is not in the build context to say otherwise"),
    ("RUN meson setup /b && meson compile -C /b",
     "meson links dynamically by default, and meson.build is not in the build context to say otherwise"),
])
def test_ninja_and_meson_builds_are_followed_to_the_program_and_the_finding_names_the_tool(knowledge, build, why):
    text = ("FROM debian:bookworm AS b\nRUN apt-get update && apt-get install -y build-essential cmake meson "
            f"ninja-build\nCOPY . /src\nWORKDIR /src\n{build}\nFROM scratch\nCOPY --from=b /b/app /app\n")
    last = text.count("\n")
    assert rules(knowledge, text, ignore=ORTHOGONAL) == [("MI401", last)]
    assert message(knowledge, text, "MI401").startswith(f"the C program /app is linked dynamically against glibc ({why})")


def test_a_meson_build_on_alpine_is_static_only_when_asked(knowledge):
    """meson setup -Dc_link_args=-static: runs on glibc too; without it, a musl program on glibc (MI409)."""
    text = ("FROM alpine:3.22 AS b\nRUN apk add build-base meson samurai\nCOPY . /src\n"
            "RUN meson setup /b /src -Dc_link_args=-static && ninja -C /b\nFROM debian:bookworm-slim\n"
            "COPY --from=b /b/app /app\n")
    assert rules(knowledge, text, ignore=ORTHOGONAL) == []
    dynamic = text.replace(" -Dc_link_args=-static", "")
    assert rules(knowledge, dynamic, ignore=ORTHOGONAL) == [("MI409", 6)]
    assert message(knowledge, dynamic, "MI409").startswith(
        "the C program /app is linked dynamically against musl (meson links dynamically by default, and meson.build "
        "is not in the build context to say otherwise)")


# ---- shell words ------------------------------------------------------------------------------------------------


def test_an_exported_variable_takes_the_value_of_the_arg_it_names(knowledge):
    """`export CGO_ENABLED=$CGO` with ARG CGO=0: cgo is off, so the Go program is static and scratch runs it."""
    text = ("FROM golang:1.24 AS b\nARG CGO=0\nRUN export CGO_ENABLED=$CGO && go build -o /app .\n"
            "FROM scratch\nCOPY --from=b /app /app\n")
    assert rules(knowledge, text, ignore=ORTHOGONAL) == []
    assert rules(knowledge, text.replace("CGO=0", "CGO=1"), ignore=ORTHOGONAL) == [("MI401", 5)]


def test_a_venv_lint_cannot_locate_is_not_taken_for_the_working_directory(knowledge):
    """pip packages built on Alpine (musl) and copied into a glibc image will not load (MI413), but only when the
    COPY is where the venv is: with VENV unset, lint cannot say so."""
    text = ("FROM python:3.12-alpine AS b\nARG VENV={venv}\nWORKDIR /app\n"
            "RUN python -m venv $VENV && $VENV/bin/pip install flask\n"
            "FROM python:3.12-slim\nCOPY --from=b /app/venv /app/venv\n")
    assert rules(knowledge, text.format(venv="/app/venv")) == [("MI442", 4), ("MI413", 6)]  # MI442: an info
    assert rules(knowledge, text.format(venv="").replace("ARG VENV=", "ARG VENV")) == [("MI442", 4)]


# ---- pip options, requirements and lockfiles ---------------------------------------------------------------------

_PIP = "FROM python:3.12-alpine\nCOPY . .\nRUN pip install {}\n"


@pytest.mark.parametrize("args", ["-c psycopg2 flask", "--constraint psycopg2 flask", "--no-index -f psycopg2 flask",
                                  "--no-index --find-links psycopg2 flask", "--prefix psycopg2 flask",
                                  "--target psycopg2 flask"])
def test_the_value_of_a_pip_option_is_no_package_even_when_it_reads_like_one(knowledge, tmp_path, args):
    """A constraints file or a directory of wheels may be called anything, here `psycopg2`: pip installs flask (whose
    dependencies nothing locks: MI442, an info, not MI408)."""
    assert rules(knowledge, _PIP.format(args), files={}, tmp_path=tmp_path) == [("MI442", 3)]
    assert rules(knowledge, _PIP.format("psycopg2 flask"), files={}, tmp_path=tmp_path) == [("MI408", 3)]


def test_a_constraints_file_installs_nothing(knowledge, tmp_path):
    """`pip install -c constraints.txt flask` pins versions; psycopg2 listed there is not installed (unlike `-r`)."""
    files = {"constraints.txt": "psycopg2==2.9.9\nflask==3.0\n"}
    found = rules(knowledge, _PIP.format("-c constraints.txt flask"), files=files, tmp_path=tmp_path)
    assert found == [("MI442", 3)]
    assert rules(knowledge, _PIP.format("-r constraints.txt"), files=files, tmp_path=tmp_path) == [("MI408", 3)]


def test_an_indirect_native_package_is_found_in_a_version_1_npm_lockfile(knowledge, tmp_path):
    """lockfileVersion 1 nests each package's dependencies under it: bcrypt comes with a dependency of express."""
    lock = ('{"lockfileVersion": 1, "dependencies": {"express": {"version": "4.0.0", '
            '"dependencies": {"bcrypt": {"version": "5.1.1"}}}}}')
    files = {"package.json": '{"name": "app", "dependencies": {"express": "4"}}', "package-lock.json": lock}
    text = "FROM node:22-alpine\nWORKDIR /app\nCOPY package.json package-lock.json ./\nRUN npm ci\n"
    assert message(knowledge, text, "MI408", files=files, tmp_path=tmp_path).startswith(
        "npm installs bcrypt (indirect, from the lockfile) on node:22-alpine (musl)")


# ---- go.mod, Go source and Cargo.toml ---------------------------------------------------------------------------

_RUST = ("FROM rust:1.85 AS b\nWORKDIR /s\nCOPY Cargo.toml .\nRUN cargo build --release --target "
         "x86_64-unknown-linux-musl\nFROM scratch\nCOPY --from=b /s/target/x86_64-unknown-linux-musl/release/app /app\n")


@pytest.mark.parametrize("dependency", ['[dependencies]\nureq = "2"\n', '[dependencies]\n"ureq" = { version = "2" }\n',
                                        '[dependencies.ureq]\nversion = "2"\n'])
def test_an_https_client_crate_in_cargo_toml_is_evidence_of_tls_calls(knowledge, tmp_path, dependency):
    """No Rust source in the context, but Cargo.toml depends on ureq (either way of writing it): MI411, not the
    "cannot tell" MI416."""
    files = {"Cargo.toml": f'[package]\nname = "app"\nversion = "0.1.0"\n\n{dependency}'}
    assert [(r, line) for r, line, _ in findings(knowledge, _RUST, files=files, tmp_path=tmp_path)] == [("MI411", 6)]
    assert "(Cargo.toml depends on ureq: HTTP client)" in message(knowledge, _RUST, "MI411", files=files,
                                                                    tmp_path=tmp_path)


_GO = ("FROM golang:1.24 AS b\nWORKDIR /src\nCOPY . .\nRUN CGO_ENABLED=0 go build -o /app .\nFROM scratch\n"
       "COPY --from=b /app /app\n")


def test_go_mod_without_the_source_is_said_as_such_when_lint_cannot_tell(knowledge, tmp_path):
    """go.mod is in the context but no .go file: MI416 names what go.mod requires, not "no go.mod"."""
    files = {"go.mod": "module example.test/app\n\ngo 1.24\n\nrequire (\n\tgithub.com/example/thing v1.0.0\n"
                       "\tgithub.com/example/other v1.2.0\n\tgolang.org/x/text v0.3.0 // indirect\n)\n"}
    text = message(knowledge, _GO, "MI416", files=files, tmp_path=tmp_path)
    assert ("(the Go source is not in the build context, and go.mod requires github.com/example/thing and 1 more, "
            "none of them an HTTPS client lint knows)") in text


def test_cargo_manifests_without_the_source_are_said_as_such_when_lint_cannot_tell(knowledge, tmp_path):
    """Cargo.toml and Cargo.lock are in the context but no .rs file and no TLS crate: not "no Cargo.toml"."""
    files = {"Cargo.toml": '[package]\nname = "app"\nversion = "0.1.0"\n\n[dependencies]\nserde = "1"\n',
             "Cargo.lock": 'version = 3\n\n[[package]]\nname = "app"\nversion = "0.1.0"\n\n[[package]]\n'
                           'name = "serde"\nversion = "1.0.200"\n'}
    text = message(knowledge, _RUST, "MI416", files=files, tmp_path=tmp_path)
    assert "(the Rust source is not in the build context, only its Cargo manifests)" in text


def test_go_source_with_a_third_party_import_may_make_tls_calls_and_lint_says_it_cannot_tell(knowledge, tmp_path):
    third = {"go.mod": "module example.test/app\n\ngo 1.24\n\nrequire github.com/example/thing v1.0.0\n",
             "main.go": 'package main\n\nimport "github.com/example/thing"\n\nfunc main() { thing.Do() }\n'}
    assert rules(knowledge, _GO, files=third, tmp_path=tmp_path) == [("MI416", 6)]
    assert "makes outgoing TLS calls (its source imports github.com/example/thing, which lint does not follow)" in \
        message(knowledge, _GO, "MI416", files=third, tmp_path=tmp_path)  # the source is there: not "no source"


def test_without_source_lint_says_there_is_none_to_read(knowledge, tmp_path):
    assert "makes outgoing TLS calls (no source, go.mod or Cargo.toml in the build context)" in \
        message(knowledge, _GO, "MI416", files={"README": "x\n"}, tmp_path=tmp_path)


def test_go_source_with_the_standard_library_alone_shows_no_tls_calls(knowledge, tmp_path):
    plain = {"go.mod": "module example.test/app\n\ngo 1.24\n",
             "main.go": 'package main\n\nimport "fmt"\n\nfunc main() { fmt.Println(1) }\n'}
    assert rules(knowledge, _GO, files=plain, tmp_path=tmp_path) == []


def test_a_context_that_holds_no_go_source_says_nothing_about_cgo(knowledge, tmp_path):
    """The build stage copies a config file and clones the source: lint cannot see the imports, so it assumes
    the worst of an unset CGO_ENABLED (MI401), not "no imported package uses cgo" (MI402)."""
    text = ("FROM golang:1.24 AS b\nWORKDIR /src\nCOPY config.yaml .\n"
            "RUN git clone https://example.test/app.git . && go build -o /app .\nFROM scratch\nCOPY --from=b /app /app\n")
    assert rules(knowledge, text, files={"config.yaml": "a: 1\n"}, tmp_path=tmp_path, ignore=ORTHOGONAL) == \
        [("MI401", 6)]


# ---- libraries the final stage has ------------------------------------------------------------------------------

_LIBS = ("FROM debian:bookworm AS build\nRUN apt-get update && apt-get install -y build-essential cmake libssl-dev "
         "libpq-dev\nCOPY . /src\nRUN cmake -S /src -B /b && cmake --build /b\nFROM debian:bookworm-slim\n"
         "COPY --from=build /b/app /app\nCOPY --from=build /usr/lib/x86_64-linux-gnu/{} /usr/lib/x86_64-linux-gnu/\n"
         "ENTRYPOINT [\"/app\"]\n")


@pytest.mark.parametrize("copied,missing", [("libssl.so.3", "libpq"), ("libpq.so.5", "libssl")])
def test_a_library_copied_by_name_leaves_the_others_missing(knowledge, copied, missing):
    found = message(knowledge, _LIBS.format(copied), "MI412")
    assert found.startswith(f"debian:bookworm-slim lacks {missing} (")
    assert copied.split(".")[0] not in found.split(", which")[0]


def test_an_unknown_final_image_lists_the_packages_its_run_steps_install_not_the_repository(knowledge):
    """apk add --repository URL: the URL is where packages come from, not one of them (MI430 names what the
    final stage installs)."""
    text = ("FROM alpine:3.22 AS b\nRUN apk add --no-cache build-base cmake openssl-dev postgresql-dev\nCOPY . /src\n"
            "RUN cmake -S /src -B /b && cmake --build /b\nFROM my.registry/base:1\n"
            "RUN apk add --no-cache --repository https://mirror.example.test/alpine/edge/main libpq\n"
            "COPY --from=b /b/app /app\n")
    assert message(knowledge, text, "MI430").startswith(
        "my.registry/base:1 is not an image lint knows, and its RUN steps install libpq but not libssl")


@pytest.mark.parametrize("install", ["apk --no-cache add gcompat", "apk -U --no-cache add gcompat",
                                     "apk --repository https://mirror.example.test/alpine/edge/community add gcompat",
                                     "apk add --no-cache gcompat"])
def test_apk_options_may_come_before_its_command(knowledge, install):
    """apk(8): `apk [global options] command ...`: gcompat is installed however the line is ordered, so the
    glibc program runs on Alpine (MI401 only without it)."""
    text = f"FROM gcc:14 AS b\nRUN gcc -o /h h.c\nFROM alpine:3.20\nRUN {install}\nCOPY --from=b /h /h\n"
    ignore = (*ORTHOGONAL, "MI433")  # edge's gcompat on Alpine 3.20: another rule's subject
    assert rules(knowledge, text, ignore=ignore) == []
    assert rules(knowledge, text.replace("gcompat", "curl"), ignore=ignore) == [("MI401", 5)]


def test_cargo_default_features_off_in_either_spelling_means_no_openssl(knowledge, tmp_path):
    """Cargo reads `default_features` as `default-features` (the older spelling): reqwest 0.12 without its defaults
    and with rustls links no OpenSSL, so a slim image without libssl is fine; with its defaults it needs libssl."""
    text = ("FROM rust:1.85-bookworm AS build\nWORKDIR /src\nCOPY . .\nRUN cargo build --release\n"
            "FROM debian:bookworm-slim\nCOPY --from=build /src/target/release/app /usr/local/bin/app\nCMD [\"app\"]\n")
    manifest = ('[package]\nname = "app"\nversion = "0.1.0"\n\n[dependencies]\n'
                'reqwest = {{ version = "0.12", {off}features = ["rustls-tls"] }}\n')
    for n, off in enumerate(("default_features = false, ", "default-features = false, ")):
        files = {"Cargo.toml": manifest.format(off=off)}
        assert rules(knowledge, text, files=files, tmp_path=tmp_path / str(n), ignore=ORTHOGONAL) == [], off
    files = {"Cargo.toml": manifest.format(off="")}
    assert rules(knowledge, text, files=files, tmp_path=tmp_path / "on", ignore=ORTHOGONAL) == [("MI412", 6)]


def test_ldflags_static_in_the_environment_makes_a_cmake_build_static(knowledge):
    text = ("FROM debian:bookworm AS b\nRUN apt-get update && apt-get install -y build-essential cmake\n"
            "{env}COPY . /src\nWORKDIR /src\nRUN cmake -S . -B build && cmake --build build\n"
            "FROM scratch\nCOPY --from=b /src/build/server /server\nCMD [\"/server\"]\n")
    assert rules(knowledge, text.format(env='ENV LDFLAGS="-static"\n'), ignore=ORTHOGONAL) == []
    assert rules(knowledge, text.format(env=""), ignore=ORTHOGONAL) == [("MI401", 7)]


def test_cmake_build_without_a_directory_is_no_build(knowledge):
    text = ("FROM debian:bookworm AS b\nRUN apt-get update && apt-get install -y build-essential cmake\n"
            "RUN cmake --build\nFROM scratch\nCOPY --from=b /bin/true /true\n")
    assert rules(knowledge, text, ignore=ORTHOGONAL) == []  # cmake's own usage error, not a crash of lint


def test_meson_prefix_set_with_d_is_where_ninja_install_puts_programs(knowledge):
    text = ("FROM debian:bookworm AS b\nRUN apt-get update && apt-get install -y build-essential meson ninja-build\n"
            "COPY . /src\nWORKDIR /src\nRUN meson setup build -Dprefix=/opt/app && ninja -C build install\n"
            "FROM scratch\nCOPY --from=b /opt/app/bin/server /server\nCMD [\"/server\"]\n")
    assert rules(knowledge, text, ignore=ORTHOGONAL) == [("MI401", 7)]
