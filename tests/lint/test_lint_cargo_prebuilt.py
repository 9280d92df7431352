"""Issue 9, heldout15: a Rust program copied prebuilt from the build context is read by its Cargo project
(kb/lint/cargoprebuilt.py: MI411 for its TLS roots, MI412 for the system libraries its -sys crates link), and uws's
glibc .node files on musl (MI408, `glibc_prebuild` with its own `error`)."""
from __future__ import annotations

import json

import pytest

from kb.lint.prebuilt import libc_of_name, program_of

from tests.lint.context_files import lint_with_files


def found(knowledge, text, files, tmp_path, rules):
    return [(f.rule, f.severity, f.line, f.message) for f in lint_with_files(knowledge, text, files, tmp_path)
            if f.rule in rules]


def lock(root: str, *chain: str) -> str:
    """A Cargo.lock where `root` depends on chain[0], which depends on chain[1], and so on."""
    names = [root, *chain]
    out = ["version = 3\n"]
    for name, dep in zip(names, [*chain, None]):
        out.append(f'\n[[package]]\nname = "{name}"\nversion = "0.1.0"\n' +
                   (f'dependencies = [\n "{dep}",\n]\n' if dep else ""))
    return "".join(out)


# ---- the names: Go's and Rust's cross-build file names, one reader ------------------------------------------------

@pytest.mark.parametrize("base,rust,want", [
    ("wws", True, "wws"), ("wws-amd64", True, "wws"), ("wws-arm64", True, "wws"),
    ("wws-x86_64-unknown-linux-gnu", True, "wws"), ("wws-aarch64-unknown-linux-musl", True, "wws"),
    ("wws_linux_amd64", False, "wws"), ("wws.linux-amd64", False, "wws"),
    ("wws-amd64", False, "wws"),  # a release workflow's NAME-$TARGETARCH (kuberay's manager-amd64), Go's too
    ("wws-x86_64", False, None),  # Rust's CPU names are Rust's
    ("wws.toml", True, None), ("wws-config", True, None), ("other-amd64", True, None)])
def test_program_of_reads_cross_build_names(base, rust, want):
    assert program_of(base, {"wws"}, rust) == want


def test_the_target_triple_says_the_c_library():
    assert libc_of_name("app-x86_64-unknown-linux-musl") == "musl"
    assert libc_of_name("app-aarch64-unknown-linux-gnu") == "glibc"
    assert libc_of_name("app-amd64") is None


# ---- MI411: wws, built by the release workflow from this Cargo.toml, copied into scratch --------------------------

WWS_TOML = ('[package]\nname = "wasm-workers-server"\nversion = "1.1.1"\n[[bin]]\nname = "wws"\npath = "src/main.rs"\n'
            '[dependencies]\nwws-runtimes-manager = { path = "./crates/runtimes-manager" }\n')
WWS = {"Cargo.toml": WWS_TOML,
       "Cargo.lock": lock("wasm-workers-server", "wws-runtimes-manager", "reqwest", "hyper-tls", "native-tls")}
SCRATCH = ("FROM --platform=$TARGETPLATFORM scratch\nARG TARGETPLATFORM\nARG TARGETARCH\n"
           "COPY --chmod=755 ./wws-$TARGETARCH /wws\nCMD [\"/wws\", \"/app/\"]\n")


def test_a_prebuilt_rust_program_in_scratch_needs_a_ca_bundle(knowledge, tmp_path):
    [(rule, severity, line, msg)] = found(knowledge, SCRATCH, WWS, tmp_path, ("MI411", "MI416", "MI412"))
    assert (rule, severity, line) == ("MI411", "warning", 4)
    assert "the Rust program /wws (copied prebuilt from the build context, taken to be built from the context's " \
           "Cargo project: Cargo.toml names the program wws)" in msg
    assert "makes TLS calls (Cargo.lock: openssl)" in msg and "'certificate verify failed' (OpenSSL)" in msg


def test_a_copied_ca_bundle_or_embedded_roots_keep_it_quiet(knowledge, tmp_path):
    fixed = SCRATCH.replace("COPY --chmod", "COPY --from=debian:12 /etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/"
                                           "ca-certificates.crt\nCOPY --chmod")
    assert found(knowledge, fixed, WWS, tmp_path, ("MI411", "MI416")) == []
    embedded = {**WWS, "Cargo.lock": lock("wasm-workers-server", "wws-runtimes-manager", "reqwest", "rustls",
                                          "webpki-roots")}
    (tmp_path / "embedded").mkdir()
    assert found(knowledge, SCRATCH, embedded, tmp_path / "embedded", ("MI411", "MI416")) == []


def test_a_file_not_named_after_the_program_is_not_it(knowledge, tmp_path):
    text = SCRATCH.replace("./wws-$TARGETARCH /wws", "./tool-$TARGETARCH /tool")
    assert found(knowledge, text, WWS, tmp_path, ("MI411", "MI416")) == []


# ---- MI412: stellar, a workspace member's [[bin]], libdbus-sys through keyring ---------------------------------------

STELLAR = {"Cargo.toml": '[workspace]\nmembers = ["cmd/stellar-cli"]\n',
           "cmd/stellar-cli/Cargo.toml": ('[package]\nname = "stellar-cli"\nversion = "26.1.0"\n[[bin]]\n'
                                          'name = "stellar"\npath = "src/bin/stellar.rs"\n[dependencies]\n'
                                          'keyring = "3"\n'),
           "Cargo.lock": lock("stellar-cli", "keyring", "dbus-secret-service", "dbus", "libdbus-sys")}
RUST_LATEST = ("FROM rust:latest\nRUN apt-get update && apt-get install -y --no-install-recommends libudev1 libssl3 "
               "&& rm -rf /var/lib/apt/lists/*\nARG TARGETARCH\nCOPY stellar-${TARGETARCH}/stellar "
               "/usr/local/bin/stellar\nENTRYPOINT [\"stellar\"]\n")


def test_a_prebuilt_rust_program_needs_the_library_its_sys_crate_links(knowledge, tmp_path):
    [(rule, severity, line, msg)] = found(knowledge, RUST_LATEST, STELLAR, tmp_path, ("MI412", "MI430"))
    assert (rule, severity, line) == ("MI412", "warning", 4)
    assert msg.startswith("rust:latest lacks libdbus (libdbus-1.so.3: the crate libdbus-sys in Cargo.lock")
    assert "which the Rust program /usr/local/bin/stellar (copied prebuilt from the build context, taken to be " \
           "built from the context's Cargo project: cmd/stellar-cli/Cargo.toml names the program stellar) links" in msg
    assert 'expect "error while loading shared libraries: libdbus-1.so...: cannot open shared object file"' in msg


@pytest.mark.parametrize("change", [
    ("libudev1 libssl3", "libdbus-1-3 libudev1 libssl3"),  # stellar's fix (PR #2594)
    ("stellar-${TARGETARCH}/stellar", "stellar-x86_64-unknown-linux-musl"),  # a musl target: static
    ("FROM rust:latest", "FROM scratch"),  # on scratch it must be static to start at all
])
def test_the_library_installed_or_no_dynamic_link_keeps_it_quiet(knowledge, tmp_path, change):
    assert found(knowledge, RUST_LATEST.replace(*change), STELLAR, tmp_path, ("MI412",)) == []


def test_a_vendored_libdbus_is_built_in(knowledge, tmp_path):
    files = {**STELLAR, "cmd/stellar-cli/Cargo.toml": STELLAR["cmd/stellar-cli/Cargo.toml"] +
             'libdbus-sys = { version = "0.2", features = ["vendored"] }\n'}
    assert found(knowledge, RUST_LATEST, files, tmp_path, ("MI412",)) == []


def test_a_stage_that_lacks_libdbus_dev_did_not_build_libdbus_sys(knowledge, tmp_path):
    """Cargo.lock lists every member's crates (tauri's dbus in a desktop member): a cargo build in a stage without
    libdbus-1-dev cannot have built libdbus-sys (its pkg-config probe fails), so nothing is asked of the final image."""
    text = ("FROM rust:1.80-slim-bookworm AS build\nWORKDIR /src\nCOPY . .\nRUN cargo build --release\n"
            "FROM debian:bookworm-slim\nCOPY --from=build /src/target/release/stellar /usr/local/bin/stellar\n")
    assert found(knowledge, text, STELLAR, tmp_path, ("MI412",)) == []
    with_dev = text.replace("COPY . .", "RUN apt-get update && apt-get install -y libdbus-1-dev pkg-config\nCOPY . .")
    [(rule, _sev, _line, msg)] = found(knowledge, with_dev, STELLAR, tmp_path, ("MI412",))
    assert "lacks libdbus" in msg and "what this COPY brings from the rust:1.80-slim-bookworm stage" in msg


# ---- MI408: uws's glibc .node files on musl without a compiler ------------------------------------------------------

DROPPY = ("FROM mhart/alpine-node:latest\nRUN mkdir /app\nWORKDIR /app\nCOPY package.json /app/package.json\n"
          "RUN npm install --production\nCMD [\"/start.sh\"]\n")
PACKAGE = {"package.json": json.dumps({"dependencies": {"ws": "^1.1.1"}, "optionalDependencies": {"uws": "^0.9.0"}})}


def test_uws_keeps_its_glibc_build_on_musl_without_a_compiler(knowledge, tmp_path):
    [(rule, severity, line, msg)] = found(knowledge, DROPPY, PACKAGE, tmp_path, ("MI408",))
    assert (rule, severity, line) == ("MI408", "warning", 5)
    assert "npm installs uws on mhart/alpine-node:latest (musl): uws loads a prebuilt binary built for glibc" in msg
    assert '"Error: Compilation of µWebSockets has failed and there is no pre-compiled binary available for your ' \
           'system" (uws)' in msg


@pytest.mark.parametrize("added", ["RUN apk add --no-cache libc6-compat\n",
                                   "RUN apk add --no-cache build-base python3\n"])
def test_a_glibc_shim_or_a_compiler_lets_uws_run(knowledge, tmp_path, added):
    text = DROPPY.replace("RUN mkdir", added + "RUN mkdir")
    assert found(knowledge, text, PACKAGE, tmp_path, ("MI408",)) == []
