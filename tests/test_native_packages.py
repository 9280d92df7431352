"""The native-package table is knowledge: the `native_packages:` section (knowledge/native-packages.yaml), read
by the loader into Knowledge.native_packages, layered like every section, used by inspect and lint."""
from __future__ import annotations

import pytest

import kb
from kb.evidence.project import inspect_project
from kb.loader import load_knowledge


def test_the_shipped_table_is_in_the_knowledge(rb):
    t = rb.knowledge.native_packages
    assert {"python", "node", "go", "rust"} <= set(t)
    assert t["python"]["psycopg2"]["libs"] == ("libpq",) and t["rust"]["openssl-sys"]["tls"] == "openssl"


def test_a_rule_file_adds_packages_and_inspect_uses_them(tmp_path):
    mine = tmp_path / "mine.yaml"
    mine.write_text("version: 1\nnative_packages:\n  go:\n    - {name: example.com/cgo-thing, libs: [libfoo], "
                    "note: uses cgo}\n")
    knowledge = load_knowledge([mine])
    assert "example.com/cgo-thing" in knowledge.native_packages["go"]
    assert "github.com/mattn/go-sqlite3" in knowledge.native_packages["go"]
    (tmp_path / "p").mkdir()
    (tmp_path / "p" / "main.go").write_text('package main\nimport "example.com/cgo-thing/sub"\n')
    assert inspect_project(tmp_path / "p", knowledge.native_packages).has("go.cgo_module", "example.com/cgo-thing")
    assert not inspect_project(tmp_path / "p").has("go.cgo_module")  # no table, no native package


@pytest.mark.parametrize("body, message", [
    ("  cobol:\n    - {name: x}\n", "unknown ecosystem 'cobol'"),
    ("  python:\n    - {name: Psycopg2}\n", "write the package name as 'psycopg2'"),
    ("  python:\n    - {name: psycopg2}\n", "duplicate native_packages python id 'psycopg2'"),
    ("  node:\n    - {name: x, size: 3}\n", "unknown key 'size'"),
    ("  node:\n    - {libs: [a]}\n", "missing required key 'name'"),
    ("  rust: openssl\n", "'rust' must be a list of packages"),
    ("  https:\n    - {name: some-client, tls: openssl, until: soon}\n", "until: 'soon' is not a version"),
    ("  python:\n    - {name: some-wheel, loads: [libGL.so.1 libgl1]}\n",
     "loads: 'libGL.so.1 libgl1' is not 'SONAME DEBIAN-PACKAGE ALPINE-PACKAGE [PACKAGE...]'"),
    ("  node:\n    - {name: some-addon, musl_builds: [\"4.0 soon\"]}\n",
     "musl_builds: '4.0 soon' is not 'FROM UNTIL' (versions; UNTIL - for today)"),
    ("  python:\n    - {name: some-ext, cxx: true, cxx_versions: [\"2.0\"]}\n",
     "cxx_versions: '2.0' is not 'FROM UNTIL' (versions; UNTIL - for today)"),
    ("  rust:\n    - {name: some-sys, static_with: [vendored]}\n", "static_with: 'vendored' is not crate/feature"),
    ("  go:\n    - {name: example.com/zoned, pure_go: maybe}\n", "'pure_go' must be true or false"),
    ("  python:\n    - {name: some-wheel, wheel_libs: some_wheel.libs, wheel_libs_since: \"1.2\"}\n",
     "wheel_libs_since: '1.2' is not 'VERSION 3.X'"),
    ("  python:\n    - {name: some-wheel, required_by: [a], required_unless: [Other_Pkg]}\n",
     "required_unless: 'Other_Pkg' is not a package name as PEP 503 writes it"),
    ("  python:\n    - {name: some-wheel, required_by: [a], required_unless: [b], choosing: [A_Pkg]}\n",
     "choosing: 'A_Pkg' is not a package name as PEP 503 writes it"),
    ("  python:\n    - {name: some-wheel, prebuilt_glibc: [\"1.0 - ubuntu24.04 2.38 arm 64\"]}\n",
     "prebuilt_glibc: '1.0 - ubuntu24.04 2.38 arm 64' is not 'FROM UNTIL RELEASE GLIBC [ARCH]'"),
    ("  system:\n    - {name: libbar, dev: [bar-dev], runtime: [bar], apt: [libbar1]}\n",
     "libbar: 'apt' must be a package name or a mapping from release to name"),
    ("  system:\n    - {name: libbar, dev: [bar-dev], runtime: [bar], apt: {debian12: [libbar1]}}\n",
     "libbar: 'apt' must be a package name or a mapping from release to name"),
    ("  system:\n    - {name: libbar, dev: [bar-dev], runtime: [bar], apk: [bar]}\n", "libbar: 'apk' must be text"),
    ("  system:\n    - {name: libbar, dev: [bar-dev], runtime: [bar], find: {a: b}}\n", "libbar: 'find' must be a list of text"),
    ("  source:\n    - {name: foo, libs: [libfoo.so.1], glibc: '2.38'}\n", "unknown key 'glibc'"),  # MI495's table
    ("  source:\n    - {name: Foo, libs: [libfoo.so.1]}\n", "write the package name as 'foo'"),
])
def test_bad_entries_are_load_errors(tmp_path, body, message):
    assert message in load_error(tmp_path, "native_packages:\n" + body)


def test_loads_is_read_per_library_for_lint(rb):
    [gl, glib] = rb.knowledge.native_packages["python"]["opencv-python"]["loads"]
    assert tuple(gl[:3]) == ("libGL.so.1", "libgl1", "mesa-gl") and "ffmpeg" in gl[3]
    assert glib[0] == "libgthread-2.0.so.0"


def load_error(tmp_path, body: str) -> str:
    """The load error of a rule file holding `body`."""
    mine = tmp_path / "mine.yaml"
    mine.write_text("version: 1\n" + body)
    with pytest.raises(kb.RuleFileError) as err:
        load_knowledge([mine])
    return str(err.value)


def test_lint_library_table_comes_from_libraries(rb):
    """One description per library: the `libraries` entries with lint's fields (releases.yaml) make lint's
    `system` table; native_packages system keeps only what no single soname names."""
    system = rb.knowledge.native_packages["system"]
    assert system["libssl"]["dev"] == ("libssl-dev", "openssl-dev", "libressl-dev")
    assert "libssl*" in system["libssl"]["runtime"] and system["libssl"]["libs"] == ("libssl.so.3",)
    assert system["libz"]["runtime"] == ("zlib*",)  # named by its soname's stem, not the question's "zlib"
    assert {"libboost", "headers-only"} <= set(system)
    assert rb.knowledge.libraries["liblzma.so.5"]["apk"] == "xz-libs"


@pytest.mark.parametrize("body, message", [
    ("libraries:\n  libfoo.so.1: {apt: libfoo1, dev_also: [foo-dev]}\n", "'dev_also' is for lint"),
    ("native_packages:\n  system:\n    - {name: libpq, dev: [pq-dev], runtime: [pq]}\n",
     "'libpq' is under libraries (releases.yaml)"),
    ("libraries:\n  libbar.so.2: {apt: libbar2, runtime: [\"libbar*\"]}\nnative_packages:\n  system:\n"
     "    - {name: libbar, dev: [bar-dev], runtime: [bar]}\n", "'libbar' is under libraries"),
])
def test_a_library_is_described_once(tmp_path, body, message):
    assert message in load_error(tmp_path, body)


def test_a_library_added_to_libraries_is_checked_by_lint(tmp_path):
    from kb.lint import lint_text

    mine = tmp_path / "mine.yaml"
    mine.write_text("version: 1\nlibraries:\n  libfoo.so.7: {name: libfoo, apt: libfoo7, apk: foo-libs,\n"
                    "    dev: {apt: libfoo-dev, apk: foo-dev}, runtime: [\"libfoo*\", foo-libs]}\n")
    knowledge = load_knowledge([mine])
    text = ("FROM alpine:3.20 AS build\nRUN apk add build-base foo-dev\nCOPY . /src\nRUN cc -o /app /src/a.c -lfoo\n"
            "FROM alpine:3.20\n{install}COPY --from=build /app /app\nENTRYPOINT [\"/app\"]\n")
    missing = lint_text(knowledge, text.format(install=""))
    assert [f.rule for f in missing if f.rule == "MI412"] == ["MI412"]
    assert "libfoo (foo-dev installed there; -lfoo at line 4)" in next(f.message for f in missing if f.rule == "MI412")
    assert "apk add --no-cache foo-libs;" in next(f.fix for f in missing if f.rule == "MI412")  # its `apk` package
    assert not [f for f in lint_text(knowledge, text.format(install="RUN apk add foo-libs\n")) if f.rule == "MI412"]
