"""MI412 and crates Cargo.lock lists that link their C library only with a feature on (kb/lint/crategates.py):
libsqlite3-sys reached only through sqlx's SQLite driver."""
from __future__ import annotations

import pytest

from kb.evidence.dockerfile_parse import parse_dockerfile_text
from kb.lint import lint_report

RUST = ("FROM rust:1.85-bookworm AS build\nWORKDIR /src\nCOPY . .\nRUN cargo build --release\n"
        "FROM debian:bookworm-slim\nCOPY --from=build /src/target/release/app /usr/local/bin/app\nCMD [\"app\"]\n")


def _lock(via: str) -> str:
    """A Cargo.lock where the package `via` (sqlx-sqlite, rusqlite) depends on libsqlite3-sys."""
    packages = [("app", ["sqlx"]), ("sqlx", ["sqlx-core", "sqlx-sqlite"]), ("sqlx-core", []),
                ("sqlx-sqlite", ["libsqlite3-sys"] if via == "sqlx-sqlite" else []),
                ("libsqlite3-sys", [])]
    if via == "rusqlite":
        packages[0][1].append("rusqlite")
        packages.append(("rusqlite", ["libsqlite3-sys"]))
    return "".join(f'[[package]]\nname = "{n}"\nversion = "0.1.0"\n' +
                   (f"dependencies = [{', '.join(repr(d).replace(chr(39), chr(34)) for d in deps)}]\n" if deps else "")
                   + "\n" for n, deps in packages)


def mi412(knowledge, tmp_path, manifest: str | None, via: str = "sqlx-sqlite") -> list:
    if manifest is not None:
        (tmp_path / "Cargo.toml").write_text(manifest)
    (tmp_path / "Cargo.lock").write_text(_lock(via))
    report = lint_report(knowledge, parse_dockerfile_text(RUST, "Dockerfile"), context_dir=str(tmp_path))
    return [f for f in report if f.rule == "MI412"]


PKG = '[package]\nname = "app"\nversion = "0.1.0"\n\n[dependencies]\n'


@pytest.mark.parametrize("manifest", [
    PKG + 'sqlx = { version = "0.7", features = ["postgres", "runtime-tokio-native-tls"] }\n',
    PKG + 'sqlx = { version = "0.8", features = ["sqlite"] }\n',  # bundled: compiled into the program
    None,  # no Cargo.toml: no feature visible, nothing said of SQLite
    '[workspace]\nmembers = ["app"]\n[workspace.dependencies]\nsqlx = { version = "0.8", features = ["postgres"] }\n',
])
def test_sqlx_without_its_unbundled_sqlite_feature_needs_no_libsqlite(knowledge, tmp_path, manifest):
    assert not [f for f in mi412(knowledge, tmp_path, manifest) if "libsqlite" in f.message]


@pytest.mark.parametrize("manifest", [
    PKG + 'sqlx = { version = "0.8", features = ["sqlite-unbundled", "runtime-tokio"] }\n',
    '[workspace]\nmembers = ["app"]\n[workspace.dependencies]\nsqlx = { version = "0.8", features = ["postgres"] }\n',
])
def test_sqlx_sqlite_unbundled_links_the_system_libsqlite(knowledge, tmp_path, manifest):
    if "workspace" in manifest:  # the member turns the feature on over the workspace's table
        (tmp_path / "app").mkdir()
        (tmp_path / "app" / "Cargo.toml").write_text(
            PKG + 'sqlx = { workspace = true, features = ["sqlite-unbundled"] }\n')
    [finding] = mi412(knowledge, tmp_path, manifest)
    assert finding.severity == "warning"
    assert "debian:bookworm-slim lacks libsqlite (the crate libsqlite3-sys in Cargo.lock)" in finding.message
    assert "apt-get install --no-install-recommends libsqlite3-0" in finding.fix


def test_another_crate_reaching_libsqlite3_sys_still_links_it(knowledge, tmp_path):
    [finding] = mi412(knowledge, tmp_path, PKG + 'sqlx = { version = "0.7", features = ["postgres"] }\n'
                      'rusqlite = "0.32"\n', via="rusqlite")
    assert "lacks libsqlite" in finding.message
