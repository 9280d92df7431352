"""Small readers lint's checks rely on: a library's name without its version, a shell word without its quotes."""
import pytest

from kb.lint.profiles import lib_stem
from kb.lint.shellwords import unquote


@pytest.mark.parametrize("name,stem", [
    ("libssl.so.3", "libssl"), ("libssl3", "libssl"), ("libssl3t64", "libssl"), ("libssl1.1", "libssl"),
    ("libboost_system.so.1.62.0", "libboost-system"), ("libboost-system1.62.0", "libboost-system"),
    ("libusb-1.0-0", "libusb"), ("LIBSSL3T64", "libssl"),
])
def test_a_library_is_named_without_its_version_or_debian_t64_suffix(name, stem):
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
