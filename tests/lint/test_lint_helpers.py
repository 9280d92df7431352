"""Small readers lint's checks rely on: a library's name without its version, a shell word without its quotes."""
import pytest

from kb.lint.profiles import lib_stem
from kb.lint.shellwords import unquote


@pytest.mark.parametrize("name,stem", [
    ("libssl.so.3", "libssl"), ("libssl3", "libssl"), ("libssl3t64", "libssl"), ("libssl1.1", "libssl"),
    ("libboost_system.so.1.62.0", "libboost-system"), ("libboost-system1.62.0", "libboost-system"),
    ("libusb-1.0-0", "libusb"), ("LIBSSL3T64", "libssl"), ("libsnappy1v5", "libsnappy"),
    ("libgoogle-glog0v5", "libgoogle-glog"), ("libsigc++-2.0-0v5", "libsigc++"),
    # PCRE2 is another library than PCRE: sebo-b/warp#30's libpcre.so.3 is not in an image that has libpcre2-8
    ("libpcre.so.3", "libpcre"), ("libpcre3", "libpcre"), ("libpcre2-8.so.0", "libpcre2"), ("libpcre2-8-0", "libpcre2"),
    ("libpcre2-dev", "libpcre2"), ("pcre2", "pcre2"), ("pcre", "pcre"),
])
def test_a_library_is_named_without_its_version_or_debian_t64_or_v5_suffix(name, stem):
    assert lib_stem(name) == stem


@pytest.mark.parametrize("word,value", [
    ('"a b"', "a b"), ("'a b'", "a b"), ('"a', '"a'), ("''", ""), ("XabX", "XabX"), ('"a\'', '"a\''), ("a", "a"),
])
def test_only_matching_quotes_around_a_word_are_removed(word, value):
    assert unquote(word) == value


def test_a_makefile_recipe_is_read_with_its_variables_expanded_as_make_does():
    from kb.lint.makefiles import recipes

    makefile = ("CC = gcc\nLIBS := -lssl\nB = one\nIMMEDIATE := $(B)\nB = two\nDEFERRED = $(B)\n"
                "all: app\napp: main.c\n\t@$(CC) -o app main.c ${LIBS} $$HOME $(IMMEDIATE) $(DEFERRED)\n")
    assert recipes(makefile, [], {}) == ["gcc -o app main.c -lssl $HOME one two"]
    assert recipes(makefile, ["app"], {"CC": "clang"}) == ["clang -o app main.c -lssl $HOME one two"]


def test_make_s_automatic_variables_and_command_line_overrides_are_the_rule_s():
    """segmentio/chamber's Makefile: `linux` copies its prerequisite ($^) built by a rule whose go build writes $@; the
    target's name has $(VERSION), which `make linux VERSION=...` sets over the Makefile's own (tab-indented, in an
    ifndef lint does not evaluate) assignment."""
    from kb.lint.makefiles import recipes

    makefile = ("ifndef VERSION\n\tVERSION := $(shell git describe)\nendif\n"
                "linux: dist/app-$(VERSION)-linux | dist/\n\tcp $^ app\n"
                "dist/app-$(VERSION)-linux: main.go | dist/\n\tCGO_ENABLED=0 go build -o $@ $<\n"
                "dist/:\n\tmkdir -p dist\n")
    assert recipes(makefile, ["linux"], {"VERSION": "1.2"}) == [
        "mkdir -p dist", "CGO_ENABLED=0 go build -o dist/app-1.2-linux main.go", "cp dist/app-1.2-linux app"]


@pytest.mark.parametrize("line,commands", [
    # a | or ; inside quotes, backquotes or $(...) belongs to the command it is in
    ('go build -ldflags "-X m.V=`git describe | cut -d- -f1`" -o app',
     [["go", "build", "-ldflags", "-X m.V=`git describe | cut -d- -f1`", "-o", "app"]]),
    ("echo 'a; b' && make build", [["echo", "a; b"], ["make", "build"]]),
    # a $(...) with spaces is one word: the prefix assignment, then go build
    ("V=$(uname -m | tr x y) go build -o app", [["V=$(uname -m | tr x y)", "go", "build", "-o", "app"]]),
    # the separators themselves, and redirections that are not separators
    ("a && b || c; d | e & f 2>&1 &> g", [["a"], ["b"], ["c"], ["d"], ["e"], ["f", "2>&1", "&>", "g"]]),
    # subshells and groups lose their ( { ) }, a ${VAR} at the end of a command keeps its brace
    ("cd /src/${CODE} && (cd sub && make) && { a; b; }", [["cd", "/src/${CODE}"], ["cd", "sub"], ["make"], ["a"],
                                                           ["b"]]),
    # a quote in a comment opens nothing; an unclosed quote keeps the rest together
    ("# don't\nmake build", [["make", "build"]]),
    ('echo "open && x', [["echo", '"open', "&&", "x"]]),
])
def test_a_run_line_is_cut_into_commands_at_separators_outside_quotes(line, commands):
    from kb.lint.shellwords import simple_commands

    assert simple_commands(line) == commands


def test_a_go_build_behind_make_with_a_quoted_ldflags_pipe_is_still_seen(tmp_path):
    # the Makefile's -ldflags value holds `git describe | cut ...`: the go build it is part of is found, with its
    # -o output, so the program copied into busybox (no CA bundle) is judged, here by its go.mod's HTTPS client
    import kb
    from kb.lint import lint_text

    (tmp_path / "Makefile").write_text(
        'LDFLAGS="-X m.Date=`date -u +%Y%m%d`  \\\n\t -X m.Image=img:`git describe --tags | cut -d- -f1`"\n'
        "build:\n\tCGO_ENABLED=0 go build -ldflags $(LDFLAGS) -o tool\n")
    (tmp_path / "go.mod").write_text("module example.com/tool\n\ngo 1.17\n\nrequire (\n"
                                     "\tgithub.com/containers/image/v5 v5.17.0\n)\n")
    dockerfile = ("FROM golang:1.17 AS build\nARG CODE=example.com/tool\nADD . /go/src/${CODE}/\n"
                  "RUN cd /go/src/${CODE} && make build && mkdir /app && cp tool /app\n"
                  "FROM busybox:latest\nCOPY --from=build /app /app\nENTRYPOINT [\"/app/tool\"]\n")
    findings = lint_text(kb.load().knowledge, dockerfile, context_dir=str(tmp_path))
    assert [(f.rule, f.severity, f.line) for f in findings] == [("MI411", "warning", 6)]
    assert "github.com/containers/image/v5" in findings[0].message
    fixed = dockerfile.replace("FROM busybox:latest\n", "FROM alpine:3\nRUN apk add --no-cache ca-certificates\n")
    assert [f.rule for f in lint_text(kb.load().knowledge, fixed, context_dir=str(tmp_path))] == []


@pytest.mark.parametrize("argv,normal", [
    (["apk", "--update", "add", "gcc"], ["apk", "add", "--update", "gcc"]),
    (["apk", "--no-cache", "-X", "http://mirror/x", "add", "curl"],
     ["apk", "add", "--no-cache", "-X", "http://mirror/x", "curl"]),
    (["apk", "add", "--no-cache", "gcc"], ["apk", "add", "--no-cache", "gcc"]),
    (["apk", "--version"], ["apk", "--version"]),
])
def test_apk_global_options_before_the_applet_are_moved_after_it(argv, normal):
    from kb.lint.shellwords import apk_argv

    assert apk_argv(argv) == normal


def test_apk_update_add_before_a_virtual_group_is_read_as_an_install():
    # `apk --update add --virtual build-deps ...` installs the group; its deletion after the pip source build takes
    # libpq with it (MI440), and the compiler was there for the build (MI408 says so)
    import kb
    from kb.lint import lint_text

    dockerfile = ("FROM python:3.12-alpine\n"
                  "RUN apk --update add --virtual build-deps build-base postgresql-dev \\\n"
                  " && pip install --no-cache-dir psycopg2 \\\n && apk del build-deps\n"
                  "CMD [\"python\", \"-m\", \"app\"]\n")
    findings = {f.rule: f for f in lint_text(kb.load().knowledge, dockerfile)}
    assert "MI440" in findings and "libpq" in findings["MI440"].message
    assert "MI408" not in findings  # the compiler was there for the source build: psycopg2 runs on musl
