"""kb.yamlfile: the values a rule file reads to (YAML 1.2 core-schema plain scalars, quoted and block scalars as
text) and the lines messages name (of each mapping, each key, each item of a list under a key)."""
import pytest

from kb.yamlfile import MAX_DEPTH, YamlError, parse_yaml

SCALARS = """\
a: 1
b: '1'
c: True
d: ~
e: yes
f: 0x1F
g: +1
h: 01
i: .5
j: 1e3
k: null
l:
m: "true"
o: 1_000
p: .inf
q: -x
r: -1.5e-3
s: ''
u: 12:30
v: 1.
"""


def test_plain_scalars_follow_the_core_schema_and_quoted_ones_stay_text():
    doc = parse_yaml(SCALARS)
    assert doc == {"a": 1, "b": "1", "c": True, "d": None, "e": "yes", "f": "0x1F", "g": 1, "h": 1, "i": 0.5,
                   "j": 1000.0, "k": None, "l": None, "m": "true", "o": "1_000", "p": ".inf", "q": "-x",
                   "r": -0.0015, "s": "", "u": "12:30", "v": 1.0}
    assert [type(doc[k]) for k in "aghij"] == [int, int, int, float, float]
    assert list(doc.key_lines.values()) == list(range(1, 21))


def test_keys_are_text_as_their_plain_value_prints():
    assert list(parse_yaml("1: a\n1.5: b\ntrue: c\nnull: d\n'q': e\n~x: f\n")) == ["1", "1.5", "True", "None", "q",
                                                                                    "~x"]
    with pytest.raises(YamlError) as e:
        parse_yaml("1: a\n01: b\n")  # both read as the key '1'
    assert (e.value.line, e.value.message) == (2, "duplicate key '1'")


def test_lines_of_mappings_keys_and_list_items():
    doc = parse_yaml("""\
# a comment
list:
  - a
  -
    b
  - 'c'
  - |
    block
  - {k: 1}
  - [1, 2]
  - k: v
    j: w
flow: {a: 1,
  b: [x,
   y], c: {}}
""")
    assert doc.line == 2 and doc.key_lines == {"list": 2, "flow": 13}
    assert doc["list"] == ["a", "b", "c", "block\n", {"k": 1}, [1, 2], {"k": "v", "j": "w"}]
    assert doc.value_lines == {"list": [3, 5, 6, 7, 9, 10, 11]}
    assert [doc["list"][4].line, doc["list"][6].line, doc["list"][6].key_lines] == [9, 11, {"k": 11, "j": 12}]
    flow = doc["flow"]
    assert (flow.line, flow.key_lines, flow.value_lines, flow["c"].line) == (13, {"a": 13, "b": 14, "c": 15},
                                                                            {"b": [14, 15]}, 15)


def test_aliases_give_the_same_values_again():
    doc = parse_yaml("x: &a [1, 2]\ny: *a\nz: &m {k: v}\nw: *m\n")
    assert doc == {"x": [1, 2], "y": [1, 2], "z": {"k": "v"}, "w": {"k": "v"}}
    assert doc["w"].line == 3 and doc.value_lines == {"x": [1, 1], "y": [1, 1]}


@pytest.mark.parametrize("text,line,message", [
    ("a: b\nc: d\na: e\n", 3, "duplicate key 'a'"),
    ("k: {a: 1, a: 2}\n", 1, "duplicate key 'a'"),
    ("{[a]: 1}\n", 1, "a mapping key must be a plain value"),
    ("&a [*a]\n", 1, "an alias refers to a collection that contains it"),
    ("[" * (MAX_DEPTH + 6) + "]" * (MAX_DEPTH + 6), 1, f"nested more than {MAX_DEPTH} levels deep"),
    ("a: [1, 2\n", 2, "did not find expected ',' or ']'"),
    # an error of the reader, before any line is known: line 0, libyaml's words (the file's place is in them)
    ("a: b\x01\n", 0, 'unacceptable character #x0001: control characters are not allowed in "<unicode string>", '
                      "position 4"),
    # 9^7 = 4.8 million scalars through aliases: refused at the millionth, an `x` of line 1 met again through them
    ("a: &a [x,x,x,x,x,x,x,x,x]\n" + "".join(f"{n}: &{n} [{', '.join([f'*{p}'] * 9)}]\n"
                                            for p, n in zip("abcdef", "bcdefg")), 1,
     "the document expands to more than 1,000,000 values (aliases that repeat aliases?): refused"),
])
def test_refusals_name_the_line(text, line, message):
    with pytest.raises(YamlError) as e:
        parse_yaml(text)
    assert (e.value.line, e.value.message) == (line, message)


def _nested(levels: int) -> str:
    """`levels` + 1 mappings, each the value of the one before, one per line: mapping N starts on line N."""
    return "".join("  " * i + "k:\n" for i in range(levels)) + "  " * levels + "k: end\n"


def test_a_file_nested_exactly_max_depth_levels_is_read_and_one_more_is_refused_naming_its_line():
    doc = parse_yaml(_nested(MAX_DEPTH - 1))  # the top mapping and MAX_DEPTH - 1 below it: MAX_DEPTH in all
    for _ in range(MAX_DEPTH - 1):
        doc = doc["k"]
    assert doc == {"k": "end"}
    with pytest.raises(YamlError) as e:
        parse_yaml(_nested(MAX_DEPTH))
    assert (e.value.line, e.value.message) == (MAX_DEPTH + 1, f"nested more than {MAX_DEPTH} levels deep")
