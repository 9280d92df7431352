"""Warnings that were false on correct real-world files (issue 9: 32 of 151 correct files of the corpus got one),
each fixed as a rule about its mechanism. Every test is a small Dockerfile of our own, not a corpus file, and checks
both sides: the file the warning was false for, and the one it is still true for."""
from __future__ import annotations

import pytest

from kb.lint.prebuiltdownload import downloads_glibc_build

from tests.bounded import within
from tests.lint.context_files import findings_of, write_context

# ---- MI408: with build tools there, addons and sdists compile against musl ---------------------------------------

NODE = ("FROM node:8-alpine\nRUN apk add --no-cache python make g++\nWORKDIR /app\n{env}"
        "RUN npm install {pkg} express{after}\nCMD [\"node\", \"server.js\"]\n")


def _node(knowledge, pkg: str, after: str = "", env: str = "") -> list:
    return findings_of(knowledge, NODE.format(pkg=pkg, after=after, env=env), "MI408")


def test_an_addon_that_downloads_a_build_named_without_its_libc_still_gets_the_glibc_one(knowledge):
    [f] = _node(knowledge, "bcrypt@1.0.3")
    assert (f.line, f.severity) == (4, "warning")
    assert f.message == ("npm installs bcrypt on node:8-alpine (musl): bcrypt downloads a prebuilt binary named "
                         "without its libc (on musl, the glibc build) and compiles nothing although build tools are "
                         "here: expect \"Error relocating ...: symbol not found\" (or a crash) at require() (npm "
                         "rebuild NAME --build-from-source, with build tools, compiles it for musl)")


def test_without_a_compiler_the_glibc_download_installs_and_is_named_before_the_builds_that_fail(knowledge):
    """NeuraLegion/brokencrystals#15 (heldout28): libxmljs 0.19.7 on node:10-alpine without a compiler downloads its
    glibc build (node-pre-gyp names it without its libc), which installs and crashes at run time; bcrypt 5 has no such
    download, so its build is what fails for want of a compiler."""
    text = "FROM node:10-alpine\nWORKDIR /app\nRUN npm install libxmljs@0.19.7 bcrypt@5.0.0\nCMD [\"node\", \"i.js\"]\n"
    [f] = findings_of(knowledge, text, "MI408")
    assert f.message.startswith("npm installs bcrypt, libxmljs on node:10-alpine (musl): libxmljs downloads a prebuilt "
                                "binary named without its libc (on musl, the glibc build) which installs although "
                                "there is no compiler here")
    assert f.message.endswith("; and there is no compiler in this stage for bcrypt, so that build fails")
    [f] = findings_of(knowledge, text.replace(" bcrypt@5.0.0", ""), "MI408")
    assert "libxmljs downloads a prebuilt binary" in f.message and "for bcrypt" not in f.message
    [f] = findings_of(knowledge, text.replace("libxmljs@0.19.7 ", ""), "MI408")
    assert f.message.endswith("there is no compiler in this stage, so the build fails for any without one")


@pytest.mark.parametrize("pkg, after, env", [
    ("bcrypt@1.0.3", " && npm rebuild bcrypt --build-from-source", ""),
    ("bcrypt@1.0.3", " && npm rebuild --build-from-source", ""),
    ("bcrypt@1.0.3 --build-from-source", "", ""),
    ("bcrypt@1.0.3", "", "ENV npm_config_build_from_source=true\n"),
    ("bcrypt@2.0.0", "", ""),        # the download is named with {libc}: the musl one 404s and it compiles
    ("sqlite3@5.1.6", "", ""),
])
def test_an_addon_compiled_here_is_not_reported(knowledge, pkg, after, env):
    assert _node(knowledge, pkg, after, env) == []


def test_rebuilding_another_addon_from_source_does_not_cover_this_one(knowledge):
    [f] = _node(knowledge, "bcrypt@1.0.3", " && npm rebuild node-sass --build-from-source")
    assert "bcrypt downloads a prebuilt binary named without its libc" in f.message


def test_without_build_tools_the_warning_stays(knowledge):
    """node-pre-gyp downloads before it would build: sqlite3 4.2.0's glibc build installs without a compiler too."""
    text = NODE.format(pkg="sqlite3@4.2.0", after="", env="").replace("RUN apk add --no-cache python make g++\n", "")
    [f] = findings_of(knowledge, text, "MI408")
    assert "sqlite3 downloads a prebuilt binary named without its libc (on musl, the glibc build) which installs " \
           "although there is no compiler here" in f.message
    [f] = findings_of(knowledge, text.replace("sqlite3@4.2.0", "sqlite3@5.1.6"), "MI408")
    assert f.message.endswith("there is no compiler in this stage, so the build fails for any without one")


def test_pip_with_build_tools_compiles_the_sdist_for_musl(knowledge):
    text = ("FROM python:3.12-alpine\nRUN apk add --no-cache build-base mariadb-dev postgresql-dev\n"
            "RUN pip install --no-cache-dir mysqlclient psycopg2\nCMD [\"python\", \"-m\", \"app\"]\n")
    assert findings_of(knowledge, text, "MI408") == []


def test_glibc_download_spans():
    entry = {"glibc_download": ["1.0.0 2.0.0"]}
    assert [downloads_glibc_build(entry, v) for v in ("0.8.7", "1.0.0", "1.0.3", "2.0.0", "", "?1.0.2")] == \
        [False, True, True, False, False, True]


def test_the_build_from_source_scan_is_linear_on_hostile_text(knowledge):
    many = "npm rebuild x --build-from-source=no && \\\n" * 5_000
    text = NODE.format(pkg="bcrypt@1.0.3", env="", after=" && " + many + "true")
    with within():
        assert len(findings_of(knowledge, text, "MI408")) == 1


# ---- MI411: rustls with webpki-roots carries its own CA roots -----------------------------------------------------

RUST = ("FROM rust:1.85-bookworm AS build\nWORKDIR /src\nCOPY . .\nRUN cargo build --release\n"
        "FROM debian:bookworm-slim\nCOPY --from=build /src/target/release/app /usr/local/bin/app\nCMD [\"app\"]\n")


def _lock(*packages: tuple[str, list[str]]) -> str:
    return "version = 3\n" + "".join(f'\n[[package]]\nname = "{name}"\nversion = "1.0.0"\ndependencies = '
                                     f'[{", ".join(repr(d).replace(chr(39), chr(34)) for d in deps)}]\n'
                                     for name, deps in packages)


APP = '[package]\nname = "app"\nversion = "0.1.0"\n\n[dependencies]\nureq = "2"\n'


def test_a_rust_client_with_embedded_roots_needs_no_ca_bundle(knowledge, tmp_path):
    lock = _lock(("app", ["ureq"]), ("ureq", ["rustls", "webpki-roots"]), ("rustls", []), ("webpki-roots", []))
    ctx = write_context(tmp_path, {"Cargo.toml": APP, "Cargo.lock": lock})
    assert findings_of(knowledge, RUST, "MI411", ctx) == findings_of(knowledge, RUST, "MI416", ctx) == []


def test_a_rust_client_that_reads_the_system_roots_still_needs_one(knowledge, tmp_path):
    lock = _lock(("app", ["ureq"]), ("ureq", ["rustls", "rustls-native-certs", "webpki-roots"]), ("rustls", []),
                 ("rustls-native-certs", []), ("webpki-roots", []))
    ctx = write_context(tmp_path, {"Cargo.toml": APP, "Cargo.lock": lock})
    [f] = findings_of(knowledge, RUST, "MI411", ctx)
    assert (f.line, f.message) == (6, "debian:bookworm-slim has no CA bundle, and the Rust program "
                                      "/usr/local/bin/app makes TLS calls (Cargo.lock: rustls): they fail with "
                                      "'invalid peer certificate: UnknownIssuer' (rustls), 'certificate verify "
                                      "failed' (OpenSSL) or 'no CA certificates found'")  # Rust's, not Go's x509


def test_only_the_crates_the_program_reaches_decide_its_roots(knowledge, tmp_path):
    """A workspace: the program's ureq embeds its roots; another member's reqwest with native-tls is not linked."""
    (tmp_path / "app").mkdir()
    (tmp_path / "tool").mkdir()
    lock = _lock(("app", ["ureq"]), ("tool", ["reqwest"]), ("ureq", ["rustls", "webpki-roots"]), ("rustls", []),
                 ("webpki-roots", []), ("reqwest", ["native-tls"]), ("native-tls", []))
    ctx = write_context(tmp_path, {"Cargo.toml": '[workspace]\nmembers = ["app", "tool"]\n', "Cargo.lock": lock,
                                   "app/Cargo.toml": APP,
                                   "tool/Cargo.toml": APP.replace('"app"', '"tool"').replace("ureq", "reqwest")})
    assert findings_of(knowledge, RUST, "MI411", ctx) == []
    tool = RUST.replace("release/app", "release/tool").replace("bin/app", "bin/tool").replace('["app"]', '["tool"]')
    [f] = findings_of(knowledge, tool, "MI411", ctx)
    assert "the Rust program /usr/local/bin/tool makes TLS calls" in f.message


# ---- MI415: only a floating builder can move past the final image ------------------------------------------------

C = ("FROM {build} AS build\nRUN apt-get update && apt-get install -y gcc libc6-dev\nCOPY app.c .\n"
     "RUN gcc -O2 -o /app app.c\nFROM {final}\nCOPY --from=build /app /app\nENTRYPOINT [\"/app\"]\n")


@pytest.mark.parametrize("build, final", [
    ("debian", "debian"),                              # one reference: one pull
    ("debian:latest", "debian"),
    ("debian:bookworm", "gcr.io/distroless/base"),     # a pinned builder, an image that only moves forward
    ("rust:1.89-slim", "debian:trixie-slim"),          # superseded before the next move: no longer rebuilt
])
def test_no_floating_warning_where_the_stages_cannot_move_apart(knowledge, build, final):
    assert findings_of(knowledge, C.format(build=build, final=final), "MI415") == []


def test_a_floating_builder_still_gets_the_warning(knowledge):
    [f] = findings_of(knowledge, C.format(build="debian", final="debian:trixie-slim"), "MI415")
    assert (f.line, f.severity) == (6, "warning")
    assert f.message.startswith("the C program /app is linked against glibc on debian (debian13 today) and runs on "
                                "debian:trixie-slim (debian13 today), but debian: debian:latest and debian:stable "
                                "follow the newest Debian")


def test_the_same_arg_in_both_stages_is_one_reference(knowledge):
    text = "ARG V=latest\n" + C.format(build="debian:${V}", final="debian:${V}").replace(
        "FROM debian:${V}\nCOPY", "ARG V\nFROM debian:${V}\nCOPY")
    assert findings_of(knowledge, text, "MI415") == []
    other = text.replace("FROM debian:${V}\nCOPY", "FROM debian:trixie-slim\nCOPY")
    assert [f.rule for f in findings_of(knowledge, other, "MI415")] == ["MI415"]


# ---- MI402: a Makefile's `define` macro, run by $(call) -----------------------------------------------------------

MACRO = ("NAME := exporter\n\ndefine build\n\t@echo building\n\tGOOS=$(1) GOARCH=$(2) {env}go build -o "
         "./build/$(NAME).$(1)-$(2) ./cmd/$(NAME)\nendef\n\nbuild-linux-amd64:\n\t$(call build,linux,amd64)\n")
SERVER = 'package main\n\nimport "net/http"\n\nfunc main() { http.ListenAndServe(":8080", nil) }\n'
PREBUILT = "FROM scratch\nCOPY build/exporter.linux-amd64 /app\nENTRYPOINT [\"/app\"]\n"


def _macro_context(tmp_path, env: str) -> str:
    (tmp_path / "cmd" / "exporter").mkdir(parents=True)
    return write_context(tmp_path, {"go.mod": "module example.test/exporter\n\ngo 1.21\n",
                                    "Makefile": MACRO.format(env=env), "cmd/exporter/main.go": SERVER})


def test_cgo_off_in_a_make_macro_is_read(knowledge, tmp_path):
    assert findings_of(knowledge, PREBUILT, "MI402", _macro_context(tmp_path, "CGO_ENABLED=0 ")) == []


def test_a_make_macro_that_leaves_cgo_on_is_still_reported(knowledge, tmp_path):
    [f] = findings_of(knowledge, PREBUILT, "MI402", _macro_context(tmp_path, ""))
    assert (f.line, f.severity) == (2, "warning")
    assert "go build -o ./build/exporter.linux-amd64 ./cmd/exporter" in f.message


def test_make_macros_are_read_linearly():
    from kb.lint.makefiles import recipes

    hostile = "define m\n" + "\t$(call m,$(1),$(2))\n" * 2000 + "endef\nall:\n\t$(call m,a,b)\n" + "define x\n" * 3000
    wide = "define m\n" + "\techo " + "x" * 4000 + "\n" + "endef\nall:\n" + "\t$(call m)\n" * 3900
    with within():
        assert len(recipes(hostile, ["all"], {})) < 200_000
        assert sum(map(len, recipes(wide, ["all"], {}))) < 1 << 19  # the $(call) budget is the Makefile's


# ---- MI440: a package installed by name keeps the libraries it depends on -----------------------------------------

PURGE = ("FROM debian:buster-slim\nCOPY . /src\nRUN apt-get update && apt-get install -y {keep} gcc make "
         "libtesseract-dev libleptonica-dev libxml2-dev libxmlsec1-dev libldap2-dev libsasl2-dev libacl1-dev \\\n"
         " && make -C /src install \\\n && apt-get purge -y --auto-remove gcc make libtesseract-dev "
         "libleptonica-dev libxml2-dev libxmlsec1-dev libldap2-dev libsasl2-dev libacl1-dev\n"
         "CMD [\"/usr/local/bin/app\"]\n")


def test_packages_installed_by_name_keep_what_they_depend_on(knowledge):
    keep = "tesseract-ocr libxmlsec1-openssl curl"
    assert findings_of(knowledge, PURGE.format(keep=keep), "MI440") == []


def test_without_them_the_deleted_libraries_are_named(knowledge):
    [f] = findings_of(knowledge, PURGE.format(keep="nginx"), "MI440")
    assert (f.line, f.severity) == (3, "warning")
    # each library as its file is named (libldap-2.5.so.0, liblept.so.5 ...), not by lint's stem
    assert f.message.startswith("libldap-2.5 (libldap2-dev), liblept (libleptonica-dev), libsasl2 (libsasl2-dev), "
                                "libtesseract (libtesseract-dev), libxml2 (libxml2-dev), libxmlsec1 (libxmlsec1-dev): "
                                "deleted with --auto-remove")
    assert "libacl" not in f.message  # coreutils, in every Debian image, depends on libacl1


def _optional_nats(tmp_path, default: str) -> str:
    """The program's ureq embeds its roots; async-nats (rustls-native-certs) is an optional dependency."""
    manifest = (APP + 'async-nats = { version = "0.49", optional = true }\n\n[features]\n'
                f'default = [{default}]\nnats = ["dep:async-nats"]\n')
    lock = _lock(("app", ["async-nats", "ureq"]), ("async-nats", ["rustls", "rustls-native-certs"]),
                 ("ureq", ["rustls", "webpki-roots"]), ("rustls", []), ("rustls-native-certs", []),
                 ("webpki-roots", []))
    return write_context(tmp_path, {"Cargo.toml": manifest, "Cargo.lock": lock})


def test_an_optional_dependency_the_build_does_not_turn_on_is_not_linked(knowledge, tmp_path):
    ctx = _optional_nats(tmp_path, "")
    assert findings_of(knowledge, RUST, "MI411", ctx) == []
    featured = RUST.replace("cargo build --release", "cargo build --release --features nats")
    assert [f.rule for f in findings_of(knowledge, featured, "MI411", ctx)] == ["MI411"]


def test_an_optional_dependency_the_default_features_turn_on_is_linked(knowledge, tmp_path):
    ctx = _optional_nats(tmp_path, '"nats"')
    assert [f.rule for f in findings_of(knowledge, RUST, "MI411", ctx)] == ["MI411"]
