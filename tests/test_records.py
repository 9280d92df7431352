"""The records every result is made of (kb/records.py): built like namedtuples, without compiling source per class."""
import copy
import pickle

import pytest

from kb.model import Fact, Image, Plan
from kb.records import Data, record
from kb.recordnew import NEW_BY_ARITY


@record
class Pair(Data):
    name: str
    value: int = 0

    def doubled(self) -> int:
        return self.value * 2


@record
class Wide(Data):  # more fields than kb/recordnew.py writes out: compiles its own __new__
    __annotations__ = {f"f{i}": "int" for i in range(len(NEW_BY_ARITY) + 2)}


def test_every_written_out_new_takes_its_number_of_fields_in_order():
    for arity, new in enumerate(NEW_BY_ARITY):
        assert new.__code__.co_argcount == arity + 1
        assert new(tuple, *range(arity)) == tuple(range(arity))


def test_fields_positional_keyword_and_default():
    assert Pair("a", 2) == Pair(name="a", value=2) == ("a", 2)
    assert Pair("a").value == 0
    assert Pair("a", 3).doubled() == 6
    assert Pair._fields == ("name", "value") and Pair._field_defaults == {"value": 0}
    assert repr(Pair("a", 2)) == "Pair(name='a', value=2)"
    assert Pair("a", 2).to_dict() == {"name": "a", "value": 2}
    wide = Wide(*range(len(Wide._fields)))
    assert wide.f3 == 3 and wide[-1] == len(Wide._fields) - 1


def test_wrong_calls_name_the_record_and_the_field():
    with pytest.raises(TypeError, match=r"Pair.__new__\(\) missing 1 required positional argument: 'name'"):
        Pair()
    with pytest.raises(TypeError, match="unexpected keyword argument 'nope'"):
        Pair("a", nope=1)
    with pytest.raises(TypeError, match="Pair has no field 'nope'"):
        Pair("a")._replace(nope=1)
    with pytest.raises(TypeError, match="Pair: expected 2 fields, got 3"):
        Pair._make(("a", 1, 2))


def test_immutable_hashable_picklable_and_replaceable():
    p = Pair("a", 1)
    with pytest.raises(AttributeError):
        p.value = 2
    with pytest.raises(AttributeError):
        p.other = 2  # no __dict__: slots only
    assert {p: 1}[Pair("a", 1)] == 1
    assert pickle.loads(pickle.dumps(p)) == p and type(pickle.loads(pickle.dumps(p))) is Pair
    assert copy.deepcopy(p) == p
    assert p._replace(value=5) == Pair("a", 5) and p == Pair("a", 1)


def test_the_library_records_behave_alike():
    fact = Fact(name="language", value="go")
    assert fact.name == "language" and isinstance(fact, tuple)
    assert "final_image" in Plan._fields and "libc" in Image._fields
    assert pickle.loads(pickle.dumps(fact)) == fact
