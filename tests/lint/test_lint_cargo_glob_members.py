"""A Cargo workspace whose members are globs (`members = ["crates/*", "services/relayer"]`, tangle-network's relayer)
is expanded against the build context's directories (kb/lint/cargobuilt.py `member_dirs`), so the program a glob
member builds and its dependencies feed MI411 and MI412 as a package's do; a context with only Cargo.lock names the
workspace's programs by the lock's own packages (those without `source`)."""
from __future__ import annotations

from tests.lint.context_files import lint_with_files

STAGE = ("FROM rust:1.80-bookworm AS build\nWORKDIR /app\nCOPY . .\nRUN cargo build --release{p}\n"
         "FROM debian:bookworm-slim\nCOPY --from=build /app/target/release/relayer /usr/local/bin/relayer\n"
         "CMD [\"relayer\"]\n")
PREBUILT = "FROM debian:bookworm-slim\nCOPY relayer-x86_64-unknown-linux-gnu /usr/local/bin/relayer\n"
RELAYER = ('[package]\nname = "relayer"\nversion = "0.1.0"\nedition = "2021"\n\n[dependencies]\nreqwest = "0.11"\n'
           'relayer-utils = { path = "../relayer-utils" }\n')
UTILS = '[package]\nname = "relayer-utils"\nversion = "0.1.0"\n\n[dependencies]\nserde = "1"\n'
TOOL = '[package]\nname = "{name}"\nversion = "0.1.0"\n\n[dependencies]\nreqwest = "0.11"\n'
WORKSPACE = '[workspace]\nmembers = ["crates/*", "services/relayer"]\nresolver = "2"\n'


def found(knowledge, text, files, tmp_path):
    return [(f.rule, f.line, f.message) for f in lint_with_files(knowledge, text, files, tmp_path)
            if f.rule in ("MI411", "MI412", "MI416")]


def package(name: str, deps: list[str], source: bool = False) -> str:
    return (f'\n[[package]]\nname = "{name}"\nversion = "0.1.0"\n'
            + ('source = "registry+https://github.com/rust-lang/crates.io-index"\n' if source else "")
            + (f"dependencies = [{', '.join(repr(d).replace(chr(39), chr(34)) for d in deps)}]\n" if deps else ""))


REGISTRY = "".join(package(n, d, source=True) for n, d in (
    ("reqwest", ["hyper-tls", "native-tls"]), ("hyper-tls", ["native-tls"]), ("native-tls", ["openssl-sys"]),
    ("openssl-sys", []), ("serde", [])))


def test_a_glob_member_builds_the_program_as_a_lone_package_would(knowledge, tmp_path):
    lone = {"Cargo.toml": RELAYER.replace('relayer-utils = { path = "../relayer-utils" }\n', ""),
            "src/main.rs": "fn main() {}\n"}
    want = found(knowledge, STAGE.format(p=""), lone, tmp_path / "lone")
    assert [(rule, line) for rule, line, _m in want] == [("MI411", 6), ("MI412", 6)]
    assert "lacks libssl (the crate reqwest in Cargo.toml, whose default features use native-tls" in want[1][2]
    files = {"Cargo.toml": WORKSPACE, "crates/relayer/Cargo.toml": RELAYER,
             "crates/relayer/src/main.rs": "fn main() {}\n",
             "crates/relayer-utils/Cargo.toml": UTILS, "crates/relayer-utils/src/lib.rs": "\n",
             "services/relayer/Cargo.toml": UTILS.replace("relayer-utils", "relayer-admin"),
             "services/relayer/src/main.rs": "fn main() {}\n"}
    got = found(knowledge, STAGE.format(p=" -p relayer"), files, tmp_path / "ws")
    assert [(rule, line) for rule, line, _m in got] == [("MI411", 6), ("MI412", 6)]
    assert "makes TLS calls (crates/relayer/Cargo.toml: openssl)" in got[0][2]
    assert "lacks libssl (the crate reqwest in crates/relayer/Cargo.toml, whose default features use native-tls" \
        in got[1][2]


def test_another_glob_members_client_is_not_the_programs(knowledge, tmp_path):
    """The relayer reaches no TLS crate; a benches crate the glob also matches calls reqwest: MI411 stays quiet (MI412
    reads what the whole stage builds, every member's dependencies, as for members listed by path)."""
    files = {"Cargo.toml": WORKSPACE, "crates/relayer/Cargo.toml": RELAYER.replace('reqwest = "0.11"\n', ""),
             "crates/relayer/src/main.rs": "fn main() {}\n", "crates/relayer-utils/Cargo.toml": UTILS,
             "crates/benches/Cargo.toml": TOOL.format(name="benches"), "crates/benches/src/lib.rs": "\n"}
    assert [rule for rule, _l, _m in found(knowledge, STAGE.format(p=""), files, tmp_path)] == ["MI412"]


def test_a_lock_only_context_names_its_programs_by_the_locks_own_packages(knowledge, tmp_path):
    """The listed context has Cargo.lock and no manifest: the relayer copied prebuilt is the lock's package relayer,
    and the crates the lock says it reaches are its own (not those of the lock's other package, admin)."""
    lock = "version = 3\n" + package("relayer", ["reqwest", "serde"]) + package("admin", ["serde"]) + REGISTRY
    [(r1, l1, m1), (r2, l2, m2)] = found(knowledge, PREBUILT, {"Cargo.lock": lock}, tmp_path / "one")
    assert (r1, l1, r2, l2) == ("MI411", 2, "MI412", 2)
    assert "the Rust program /usr/local/bin/relayer (copied prebuilt from the build context, taken to be built from " \
           "the context's Cargo project: Cargo.lock names the program relayer" in m1
    assert "makes TLS calls (Cargo.lock: openssl)" in m1 and "lacks libssl (the crate hyper-tls in Cargo.lock" in m2
    other = "version = 3\n" + package("relayer", ["serde"]) + package("admin", ["reqwest"]) + REGISTRY
    for name, files in (("lock", {"Cargo.lock": other}), ("glob", {"Cargo.lock": other, "Cargo.toml": WORKSPACE})):
        # built in a stage: MI412 reads every crate of the lock, as before; MI411 only what relayer reaches, none of
        # them a TLS crate, and with no source in the context lint says it cannot tell (MI416)
        assert [r for r, _l, _m in found(knowledge, STAGE.format(p=""), files, tmp_path / name)] == ["MI412", "MI416"]


def test_a_glob_that_matches_nothing_adds_no_member(knowledge, tmp_path):
    """crates/* matches no directory with a Cargo.toml (a file, an empty directory): the client in examples/, not a
    member, is no dependency of the program and no program of the context."""
    files = {"Cargo.toml": '[workspace]\nmembers = ["crates/*"]\n', "crates/README.md": "crates go here\n",
             "crates/empty/.keep": "", "examples/relayer/Cargo.toml": TOOL.format(name="relayer"),
             "examples/relayer/src/main.rs": "fn main() {}\n"}
    assert [f for f in found(knowledge, STAGE.format(p=""), files, tmp_path / "stage") if f[0] == "MI412"] == []
    assert found(knowledge, PREBUILT, files, tmp_path / "prebuilt") == []
