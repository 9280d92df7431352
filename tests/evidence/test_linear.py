"""Every pattern the evidence scanners run over user text is linear: one test per pattern, each on an input that
made the old pattern backtrack quadratically (minutes at these sizes), each required to finish with the right
answer well inside a generous time limit (`within`: a SIGALRM, not a measurement)."""
from __future__ import annotations

import pytest

import kb
from kb.evidence import dockerfile_parse
from kb.evidence.ecosystems import _cmake_calls, _cmake_static, requirement_names
from kb.evidence.project import inspect_project
from kb.evidence.textscan import Lines, go_imports, json_key_lines
from tests.bounded import within

N = 20_000  # lines (or repeats) in each pathological input
NATIVES = kb.load().knowledge.native_packages


def project(tmp_path, files: dict[str, str]):
    for rel, text in files.items():
        p = tmp_path / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text)
    with within():
        return inspect_project(tmp_path, NATIVES)


# ---- Go --------------------------------------------------------------------------------------------------------

def test_go_unclosed_import_blocks(tmp_path):
    """issue 11 item 6: 20,000 unclosed `import (` lines took 43 s."""
    r = project(tmp_path, {"go.mod": "module x\n", "main.go": "package main\n" + "import (\n" * N})
    assert r.language == "go" and not r.has("go.imports_net")
    with within():
        assert go_imports("package main\n" + "import (\n" * N + '\t"net"\n)\n') == [("net", N + 2)]


def test_go_imports_reads_blocks_single_lines_and_stops_at_declarations():
    text = ('package main\n\n/*\n#include <stdlib.h>\nconst char *x;\n*/\nimport "C"\n\nimport (\n\t"fmt" // x\n'
            '\tu "os/user"\n\t_ "time/tzdata"\n)\nimport . "strings"\n\nfunc main() {}\nimport "plugin"\n')
    assert go_imports(text) == [("C", 7), ("fmt", 10), ("os/user", 11), ("time/tzdata", 12), ("strings", 14)]
    assert go_imports('package x\nimport ("fmt"; "os")\n') == [("fmt", 2), ("os", 2)]


def test_go_mod_blank_lines_and_long_lines(tmp_path):
    gomod = "module x\n" + " \n" * N + "require github.com/mattn/go-sqlite3 v1.14.22\n" + "go " + "1." * N + "\n"
    r = project(tmp_path, {"go.mod": gomod, "main.go": "package main\n" + "time.LoadLocation " * N + "\n"})
    assert r.has("go.cgo_module", "github.com/mattn/go-sqlite3") and r.values("go.version") == ("1.1.1",)
    assert not r.has("tz.used")


def test_go_third_party_and_net_subpackages(tmp_path):
    r = project(tmp_path, {"go.mod": "module x\n", "main.go": 'package main\nimport (\n\t"net/rpc"\n\t"example.com/m/v2"\n)\n'})
    assert r.has("go.imports_net", "net/rpc") and r.values("go.third_party_import") == ("example.com/m/v2",)


# ---- Python ----------------------------------------------------------------------------------------------------

def test_python_sources_with_blank_lines_and_long_digit_runs(tmp_path):
    r = project(tmp_path, {"app.py": "\n" * N + " " * N + "\nimport ssl\n",
                           "tz.py": "\n\n" * N + "from zoneinfo import ZoneInfo\n",
                           ".python-version": "1" * N + " 3.12.1\n"})
    ssl = r.find("tls.library")
    assert ssl and ssl[0].line == N + 2 and r.values("python.version") == ("3.12.1",)
    assert r.find("tz.used")[0].line == 2 * N + 1


def test_python_manifests(tmp_path):
    r = project(tmp_path, {"requirements.txt": " " * N + "x\n" + "psycopg2==2.9\n",
                           "setup.py": "'" + "a" * N + "\n" + "'" * N + "\ninstall_requires=['numpy>=1']\n",
                           "pyproject.toml": "[project]\nname='p'\ndependencies=[" + "'x', " * N + "'lxml']\n"})
    assert r.has("python.native_package", "psycopg2") and r.has("python.native_package", "numpy")
    assert r.has("python.native_package", "lxml")
    with within():
        assert requirement_names("-r other.txt\n# c\nfoo>=1 # x\n" + " " * N) == [("foo", 3)]


# ---- Node ------------------------------------------------------------------------------------------------------

def test_node_many_libc_specific_names_and_one_long_line(tmp_path):
    deps = ", ".join(f'"p{i}-linux-x64-gnu": "1"' for i in range(N))
    r = project(tmp_path, {"package.json": '{"dependencies": {' + deps + ', "sharp": "1"}}',
                           "yarn.lock": "a" * N + "\n" + '"bcrypt@^5":\n  version "5"\n',
                           "index.js": "-linux-" * N})
    assert len(r.values("node.libc_specific_package")) == N and r.has("node.native_package", "sharp")
    assert r.find("node.native_package")[-1].line == 2  # yarn.lock


def test_json_key_lines():
    with within():
        keys = json_key_lines('{\n "a": 1,\n "b\\/c": {"d": "e"},\n' + '"x' * N + "\n}")
    assert keys == {"a": 2, "b/c": 3, "d": 3}


# ---- C and C++ -----------------------------------------------------------------------------------------------

def test_c_includes_unclosed_and_after_blank_lines(tmp_path):
    r = project(tmp_path, {"a.c": "#include <a\n" * N + "\n\n#include <zlib.h>\n" + "getaddrinfo " * N + "dlopen(x)"})
    inc = r.find("c.includes_lib")
    assert [(o.value, o.line) for o in inc] == [("z", N + 3)] and r.values("c.nss_or_dlopen_call") == ("dlopen",)


def test_cmake_unclosed_calls_and_flags(tmp_path):
    cm = "target_link_libraries(app OpenSSL::SSL)\n" + "target_link_libraries(\n" * N
    r = project(tmp_path, {"CMakeLists.txt": cm + "find_package(" * N + "\nCMAKE_EXE_LINKER_FLAGS " * N})
    assert r.values("c.links") == ("ssl",) and not r.has("c.static_link")
    with within():
        assert [s for s, _ in _cmake_calls("target_link_libraries(\n" * N)] == []
        assert _cmake_static("CMAKE_EXE_LINKER_FLAGS(" * N + ")-staticx") is None
        assert _cmake_static("-staticx CMAKE_EXE_LINKER_FLAGS(" * N + ")-static") == 9
        assert _cmake_static("x\nset(CMAKE_EXE_LINKER_FLAGS \"-staticfoo\")") == 6
        assert _cmake_static("a -static b") == 2


@pytest.mark.parametrize("text", ["a -static b", "set(CMAKE_EXE_LINKER_FLAGS \"-staticfoo\")", "x) -staticx",
                                  "CMAKE_EXE_LINKER_FLAGS ) CMAKE_EXE_LINKER_FLAGS -staticq )", "-staticq", "",
                                  "CMAKE_EXE_LINKER_FLAGS -stat", "q -static-libgcc CMAKE_EXE_LINKER_FLAGS -staticz"])
def test_cmake_static_agrees_with_the_regex_it_replaces(text):
    import re

    m = re.search(r"-static\b|CMAKE_EXE_LINKER_FLAGS[^)]*-static", text)
    assert _cmake_static(text) == (m.start() if m else None)


def test_makefile_long_lines(tmp_path):
    r = project(tmp_path, {"Makefile": "LDLIBS = " + " " * N + "-lssl" + " -x" * N + "\n" + " " * N + "-static\n"})
    assert r.has("c.links", "ssl") and r.find("c.static_link")[0].line == 2


# ---- Dockerfiles and line numbers ----------------------------------------------------------------------------

def test_dockerfile_unclosed_defaults_and_long_directives():
    n = 12_000  # a Dockerfile line holds at most 65,535 characters
    with within():
        report = dockerfile_parse.parse_dockerfile_text("# syntax=docker/dockerfile:1" + " " * n + "x\n"
                                                        "ARG A\nFROM ${A:-" + "${A:-" * n + "alpine\n", "Dockerfile")
        assert report.stages and dockerfile_parse._expand("${A:-" * N + "${B:-x}", {}) == "${A:-" * N + "x"
        assert dockerfile_parse._directives("#  syntax = docker/dockerfile:1  \nFROM x\n") == [
            ("syntax", "docker/dockerfile:1")]


def test_lines_index():
    text = "a\nbb\n\nccc"
    lines = Lines(text)
    assert [lines.of(i) for i in range(len(text))] == [1, 1, 2, 2, 2, 3, 4, 4, 4]
    assert lines.find("ccc") == 4 and lines.find("zz") is None


@pytest.mark.parametrize("name", ["go.mod", "requirements.txt", "main.go"])
def test_special_files_are_skipped_not_opened(tmp_path, name):
    import os

    os.mkfifo(tmp_path / name)
    r = project(tmp_path, {})
    assert any("not a regular file" in w for w in r.warnings)


def test_the_remaining_patterns_on_long_input(tmp_path):
    """Patterns that are linear by construction (a literal prefix, one anchored class run) still get their input."""
    from kb.evidence.ecosystems import _NODE_LIBC_SUFFIX
    from kb.evidence.textscan import QUOTED_HTTPS, pep503

    with within():
        assert pep503("A" + "-_." * N + "b") == "a-b"
        assert not QUOTED_HTTPS.search("'https:/" * N) and QUOTED_HTTPS.search("x" * N + "`https://")
        assert not _NODE_LIBC_SUFFIX.search("x-linux-x64-" * N + "gnux")
        assert not dockerfile_parse._STAGE_NAME.match("a" * N + "!")
    deps = '{"dependencies": {"' + "-linux-x64" * N + '-musl": "1"}}'
    assert project(tmp_path, {"package.json": deps}).values("node.libc_specific_package")
