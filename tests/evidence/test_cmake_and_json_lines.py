"""The line `inspect DIR` cites for a static link in CMake and for a package in a JSON manifest: where the flag or
the key is, not where the same text occurs first as something else."""
from __future__ import annotations

import pytest

import kb
from kb.evidence.project import inspect_project
from kb.evidence.textscan import Lines, json_key_lines, pep503

NATIVES = kb.load().knowledge.native_packages


def observed(tmp_path, name, text, key):
    (tmp_path / name).write_text(text)
    return [(o.value, o.line) for o in inspect_project(tmp_path, NATIVES).observations if o.key == key]


@pytest.mark.parametrize("text,lines", [
    ('set(CMAKE_EXE_LINKER_FLAGS "-O2")\nadd_link_options(-static)\n', [2]),
    ('set(CMAKE_EXE_LINKER_FLAGS\n  "${CMAKE_EXE_LINKER_FLAGS} -static")\n', [1]),      # the call that sets it
    ('set(CMAKE_EXE_LINKER_FLAGS\n  "-static"\n', [1]),                                  # no ')': to the end
    ('set(CMAKE_EXE_LINKER_FLAGS "-O2")\nset(CMAKE_EXE_LINKER_FLAGS\n "-static")\n', [2]),
    ('add_link_options(-static)\nset(CMAKE_EXE_LINKER_FLAGS\n "-static")\n', [1]),       # the first one
    ('set(CMAKE_EXE_LINKER_FLAGS "-O2")\n', []),
    ('add_link_options(-staticx)\n', []),
    ('target_link_libraries(app z)\n', []),
])
def test_the_line_of_a_static_link_in_cmake(tmp_path, text, lines):
    assert [line for _v, line in observed(tmp_path, "CMakeLists.txt", text, "c.static_link")] == lines


@pytest.mark.parametrize("text,links", [
    ("target_link_libraries(app PUBLIC ssl INTERFACE z GENERAL m optimized crypto)\n",
     [("ssl", 1), ("z", 1), ("m", 1), ("crypto", 1)]),
    ("target_link_libraries(\n  app\n  -lpq\n)\ntarget_link_libraries(b CURL::libcurl)\n", [("pq", 1), ("curl", 5)]),
    ("target_link_libraries(app sqlite::sqlite3\n", []),                                # never closed: not read
    ("TARGET_LINK_LIBRARIES(app Threads::Threads)\n", [("pthread", 1)]),
])
def test_the_libraries_a_cmake_target_links(tmp_path, text, links):
    assert observed(tmp_path, "CMakeLists.txt", text, "c.links") == links


def test_a_package_is_cited_on_the_line_where_it_is_a_key(tmp_path):
    text = ('{\n  "name": "bcrypt-demo",\n  "description": "uses \\"sharp\\" and bcrypt",\n  "keywords": ["sharp"],\n'
            '  "dependencies": {\n    "sharp": "^0.33",\n    "bcrypt"  :  "^5"\n  }\n}\n')
    assert observed(tmp_path, "package.json", text, "node.native_package") == [("sharp", 6), ("bcrypt", 7)]


def test_json_key_lines():
    text = '{"a": 1,\n "b\\/c": {"a": 2},\n "d\\"e": 3, "x": "f":\n}'
    assert json_key_lines(text) == {"a": 1, "b/c": 2, 'd\\"e': 3, "x": 3, "f": 3}  # any string then ':'


def test_lines_of_offsets():
    lines = Lines("ab\ncd\n\nef")
    assert [lines.of(i) for i in (0, 2, 3, 5, 6, 7, 8, 9, 100)] == [1, 1, 2, 2, 3, 4, 4, 4, 4]
    assert (lines.find("cd"), lines.find("ef"), lines.find("zz"), lines.find("\n")) == (2, 4, None, 1)


@pytest.mark.parametrize("name,normal", [("Pillow", "pillow"), ("zope.interface", "zope-interface"),
                                         ("Foo__Bar..baz", "foo-bar-baz"), ("a-_.-b", "a-b"), ("x", "x")])
def test_package_names_are_normalised(name, normal):
    assert pep503(name) == normal
