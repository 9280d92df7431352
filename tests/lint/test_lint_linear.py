"""lint over hostile input: every pattern it runs over a Dockerfile or the build context is linear (one test per
pattern, on an input that made the old one backtrack for minutes), and the build context is read like `inspect`
reads a project: inside the context only, regular files only, bounded."""
from __future__ import annotations

import os
import re

import pytest

from kb.lint import lint_text
from kb.lint.builds import _extld_static
from kb.lint.shellwords import CC, expand, simple_commands

from tests.bounded import within

N = 20_000
GO_TO_SCRATCH = "FROM golang:1.22\nWORKDIR /src\nCOPY . .\nRUN go build -o /app .\nFROM scratch\nCOPY --from=0 /app /app\n"


def rules(knowledge, text, context=None):
    with within():
        return [(f.rule, f.line) for f in lint_text(knowledge, text, context_dir=str(context) if context else None,
                                                    ignore=("MI411", "MI414", "MI416"))]  # the libc checks only


# ---- the build context ------------------------------------------------------------------------------------------

def test_go_source_with_unclosed_import_blocks(knowledge, tmp_path):
    """issue 11 item 6: lint's build-context scan of 20,000 unclosed `import (` lines."""
    (tmp_path / "main.go").write_text("package main\n" + "import (\n" * N + '\t"net"\n)\n')
    assert rules(knowledge, GO_TO_SCRATCH, tmp_path) == [("MI401", 6)]  # it imports net: the scan got there
    (tmp_path / "main.go").write_text("package main\n" + "import (\n" * N)
    assert rules(knowledge, GO_TO_SCRATCH, tmp_path) == [("MI402", 4)]  # nothing imported


def test_go_mod_with_blank_lines(knowledge, tmp_path):
    """`^\\s*(?:require\\s+)?MODULE\\s` over go.mod ran \\s* over every newline from every line start."""
    (tmp_path / "main.go").write_text('package main\n\nimport _ "github.com/mattn/go-sqlite3"\n')
    (tmp_path / "go.mod").write_text("module x\n" + " \n" * N + "require github.com/mattn/go-sqlite3 v1\n")
    text = GO_TO_SCRATCH.replace("RUN go", "RUN CGO_ENABLED=0 go")
    assert rules(knowledge, text, tmp_path) == [("MI417", 4)]  # cgo-package-imported-built-without-cgo


def test_requirements_and_package_json_outside_the_context_or_special_are_not_read(knowledge, tmp_path):
    ctx = tmp_path / "ctx"
    ctx.mkdir()
    (tmp_path / "secret.txt").write_text("psycopg2\n")
    os.symlink(tmp_path / "secret.txt", ctx / "requirements.txt")
    os.mkfifo(ctx / "package.json")
    text = ("FROM python:3.12-alpine\nRUN pip install -r requirements.txt\nRUN pip install -r ../secret.txt\n"
            "FROM node:22-alpine\nRUN npm ci\n")
    assert rules(knowledge, text, ctx) == []
    (ctx / "requirements.txt").unlink()
    (ctx / "requirements.txt").write_text(" " * N + "x\n" + "psycopg2 # " + "#" * N + "\n")
    assert rules(knowledge, text, ctx) == [("MI408", 2)]


# ---- Dockerfile words and RUN lines ---------------------------------------------------------------------------

def test_unclosed_variable_defaults():
    with within():
        assert expand("${A:-" * N + "${B}", {"B": "b"}) == "${A:-" * N + "b"
    assert expand("${A:-x}/${B}/$C", {"B": "b"}) == "*/b/*" and expand("${A:-$B}", {"A": "a"}) == "a"


def test_run_lines_with_long_whitespace_and_many_separators():
    with within():
        assert simple_commands("a" + " " * N + "b") == [["a", "b"]]
        assert simple_commands("x " + "; " * N + "&& y") == [["x"], ["y"]]
    assert simple_commands("cd /src && CGO_ENABLED=0 go build -o /app . 2>&1 | tee log") == [
        ["cd", "/src"], ["CGO_ENABLED=0", "go", "build", "-o", "/app", ".", "2>&1"], ["tee", "log"]]


def test_run_lines_of_unbalanced_brackets(knowledge):
    """A RUN of eight continued lines of 60,000 `(` each: the group brackets around a command were recounted for
    every one taken off (80 s for this Dockerfile)."""
    text = "FROM alpine\nRUN " + " \\\n".join(["(" * 60_000] * 8) + " true\n"
    # the linear scan of this 4 MB RUN takes about 10 s on an idle 2-core machine and hit 20 s in a loaded CI run;
    # 40 s still fails the quadratic one (80 s)
    with within(40):
        assert simple_commands("(" * N + "true") == [["true"]]  # brackets nothing closes open groups: taken off
        assert simple_commands("{ " * N + "true; " + "} " * N) == [["true"]]
        lint_text(knowledge, text)
    assert simple_commands("( cd /src && make )") == [["cd", "/src"], ["make"]]
    assert simple_commands("echo $(date) ${HOME}") == [["echo", "$(date)", "${HOME}"]]


def test_long_program_names_and_compiler_names():
    with within():
        assert not CC.fullmatch("gcc-" * N + "x") and CC.fullmatch("x86_64-linux-musl-gcc-13")
        assert not CC.fullmatch("a-" * N + "gcc-" + "1." * N + "x")


@pytest.mark.parametrize("ldflags", ["-s -w -extldflags '-static'", "-extldflags=-static", "-extldflags -lm",
                                     "-extldflags '-lm' -static", "-extldflags", "-extldflagsX -static",
                                     "-extldflags '' -static", '-extldflags= "-static"', "-extldflags -x -extldflags -static"])
def test_extldflags_agrees_with_the_regex_it_replaces(ldflags):
    assert _extld_static(ldflags) == bool(re.search(r"-extldflags[= ]+['\"]?[^'\"]*-static", ldflags))


def test_many_extldflags(knowledge):
    with within():
        assert not _extld_static("-extldflags " * N + "'-static")  # the quote ends the run before -static
        assert _extld_static("-extldflags " * N + "-static")
    text = GO_TO_SCRATCH.replace("-o /app", "-ldflags \"" + "-extldflags " * 5000 + "\" -o /app")
    assert rules(knowledge, text) == [("MI401", 6)]


def test_long_pip_and_npm_arguments(knowledge):
    text = "FROM python:3.12-alpine\nRUN pip install " + "x" * N + "[" * N + " numpy==1 " + "-" * N + "\n"
    assert rules(knowledge, text) == [("MI408", 2)]


def test_the_remaining_patterns_on_long_input(knowledge):
    from kb.lint.shellwords import is_assignment

    with within():
        assert is_assignment("A" * N + "=1") and not is_assignment("A" * N)
    pip = "FROM python:3.12-alpine\nRUN pip3.{} install numpy==1\n"  # pip3.X: digits after the dot, nothing else
    assert rules(knowledge, pip.format("1" * N + "x")) == [] and rules(knowledge, pip.format("12")) == [("MI408", 2)]
    text = GO_TO_SCRATCH.replace("-o /app", "-tags '" + "netgo, " * 5000 + "osusergo' -o /app")
    assert rules(knowledge, text) == [("MI402", 4)]  # the tags were read: netgo,osusergo link statically


def test_a_variable_of_another_stage_used_in_a_run_of_many_reads_and_references(knowledge):
    """MI480 asks whether a RUN sets the name itself: `read ... NAME` was retried from every `read` to the end of the
    command (40 s for 40,000 of them), and each of 20,000 uses of a name the RUN sets was judged again, each time
    reading the whole RUN."""
    head = "ARG FOO\nFROM alpine\nRUN "
    with within():
        found = lint_text(knowledge, head + " \\\n".join(["read " * (N // 4)] * 8) + "x; echo $FOO\n")
        assert [f.rule for f in found if f.rule == "MI480"] == ["MI480"]  # no `read ... FOO`: reported
        found = lint_text(knowledge, head + " \\\n".join(["echo $FOO; " * (N // 4)] * 4) + "FOO=1\n")
        assert not [f for f in found if f.rule == "MI480"]  # the RUN sets it (anywhere in the RUN counts)
    assert not [f for f in lint_text(knowledge, head + "read -r FOO; echo $FOO\n") if f.rule == "MI480"]


def test_makefiles_that_include_themselves_or_have_long_lines(knowledge, tmp_path):
    """The context's Makefile: an include line with trailing blanks and no end (73 s for 50,000 blanks), a rule line
    of blanks with no colon (quadratic: 0.4 s for 20,000), and includes fanning out (4,000 lines each including the
    file itself, four deep) all end quickly (make itself never ends on the last two)."""
    text = GO_TO_SCRATCH.replace("RUN go build -o /app .", "RUN make")
    app = "all:\n\tgo build -o /app .\n"
    for makefile, found in [("include x" + " " * N * 4 + "y\n" + app, [("MI401", 6)]),
                            ("a" + " " * N * 10 + "b\n" + app, [("MI401", 6)]),
                            ("include Makefile\n" * 4000 + app, None),  # make itself never ends: lint does
                            ("include self.mk\n", None)]:
        (tmp_path / "Makefile").write_text(makefile)
        (tmp_path / "self.mk").write_text("include self.mk self.mk\n" * 2000 + app)
        with within():
            got = rules(knowledge, text, tmp_path)
        assert found is None or got == found, makefile[:40]


def test_a_project_file_property_padded_with_blanks():
    """A .csproj in the build context: `\\s*([^<]*?)\\s*</` retried the blanks from every position (1.4 s for
    40,000, hours for a megabyte)."""
    from kb.lint.appbundles import _PROPERTY

    with within():
        assert not list(_PROPERTY.finditer("<PublishAot>a" + " " * N * 50 + "b"))
    [m] = _PROPERTY.finditer("<PublishAot> true\n</PublishAot>")
    assert m.group(2).strip() == "true"


def test_cmakelists_of_many_languages_and_library_names_of_many_digits():
    """Two patterns that were retried from every occurrence to the end of the text: `LANGUAGES[^)]*\\bCXX` over
    a CMakeLists.txt (16 s for 20,000 LANGUAGES) and `[\\d.~-]+$` over a library name (2.3 s for 20,000 digits)."""
    from kb.lint.cmake import _is_cxx
    from kb.lint.profiles import lib_stem

    with within():
        assert not _is_cxx("project(x LANGUAGES" * N + " C)")
        assert lib_stem("lib" + "1" * N * 50 + "x") == "lib" + "1" * N * 50 + "x"
    assert _is_cxx("project(app LANGUAGES C CXX)") and not _is_cxx("project(app LANGUAGES C) # CXX")
    assert lib_stem("libssl1.1") == lib_stem("libssl3t64") == "libssl"


def test_cmake_target_link_libraries_calls_that_never_close(knowledge, tmp_path):
    """kb/lint/cmake.py linked_libraries: 20,000 `target_link_libraries(` with no `)`, each of which would search
    the rest of the file for one."""
    (tmp_path / "CMakeLists.txt").write_text("project(app CXX)\n" + "target_link_libraries(app resolv\n" * N)
    text = ("FROM debian:bookworm-slim AS b\nRUN apt-get install -y g++ cmake\nCOPY . /s\n"
            "RUN cmake -S /s -B /o && cmake --build /o\nFROM scratch\n"
            "COPY --from=b /lib64/ld-linux-x86-64.so.2 /lib64/\nCOPY --from=b /o/app /app\n")
    assert "MI412" not in [r for r, _ in rules(knowledge, text, tmp_path)]


def test_a_package_name_of_many_digits_ending_in_another_character(knowledge):
    """kb/lint/libraries.py: `lib[a-z0-9+.-]*\\d[a-z0-9+.-]*`, fullmatched against every package the final image
    installs, backtracked quadratically on a long word of digits that ends outside the class: about 10 s for each
    word of 60,000 (a Dockerfile line holds at most 65,535 characters, but a RUN continues over many lines)."""
    words = " \\\n ".join(f"lib{'1' * 60_000}{c}" for c in "!?%^")
    text = ("FROM debian:bookworm-slim AS b\nRUN apt-get install -y libssl-dev gcc\nCOPY main.c .\n"
            "RUN gcc -o /app main.c -lssl\nFROM debian:bookworm-slim\n"
            f"RUN apt-get install -y {words} \\\n libssl3\nCOPY --from=b /app /app\n")
    assert "MI412" not in [r for r, _ in rules(knowledge, text)]


@pytest.mark.parametrize("env, clone", [
    ("", "git clone " + "a/" * N + " /src && make"),  # a URL-like word of 40,000 characters, no project at its end
    # four ENV values of 63,000 characters (a Dockerfile line holds at most 65,535), each `CC=` glued to the next
    ("".join(f"ENV X{i}=" + "CC=" * 21_000 + "\n" for i in range(4)),
     "git clone https://github.com/ggml-org/llama.cpp /src && make"),
])
def test_a_cloned_ggml_project_read_from_a_long_run_line(knowledge, env, clone):
    """kb/lint/ggmlclone.py: `git clone [^;&|]*?(\\S*/llama.cpp)` rescanned the rest of the command from every
    character (about 25 s for the first case), and `(CC|CXX)=\\S*clang` the rest of the word from every `CC=` (about
    30 s for the second, 8 s a value); now each command is cut once and its words matched whole."""
    text = f"FROM debian:bookworm-slim AS b\n{env}RUN apt-get install -y gcc make git\nRUN {clone}\n" \
           "FROM debian:bookworm-slim\nCOPY --from=b /src/main /app\n"
    found = [r for r, _ in rules(knowledge, text)]
    assert ("MI412" in found) == ("llama.cpp" in clone)  # gcc's libgomp for llama.cpp; nothing cloned in the first
