"""kb.loader.load_knowledge pauses the cyclic garbage collector while it reads (its allocations set off collections
that walked live objects only): a program that loads knowledge finds the collector as it left it, and a load leaves
no reference cycles behind that the paused collector would have had to find."""
import gc

import pytest

from kb.errors import RuleFileError
from kb.loader import load_knowledge


@pytest.fixture
def collector():
    was = gc.isenabled()
    yield
    if was:
        gc.enable()
    else:
        gc.disable()


def test_the_collector_is_on_again_after_a_load(collector):
    gc.enable()
    knowledge = load_knowledge()
    assert gc.isenabled() and knowledge.rules


def test_the_collector_is_on_again_after_a_load_that_fails(collector, tmp_path):
    broken = tmp_path / "broken.yaml"
    broken.write_text("rules:\n  - id: MI999\n    wen: {}\n")
    gc.enable()
    with pytest.raises(RuleFileError):
        load_knowledge([broken])
    assert gc.isenabled()


def test_a_program_that_turned_the_collector_off_finds_it_off(collector):
    gc.disable()
    load_knowledge()
    assert not gc.isenabled()


def test_a_load_makes_no_reference_cycles(collector):
    load_knowledge()  # imports and first-use caches are made by an earlier load
    gc.collect()
    gc.disable()
    knowledge = load_knowledge()
    assert gc.collect() == 0  # nothing unreachable: all the load made is freed by reference counts, or kept
    assert knowledge.rules
