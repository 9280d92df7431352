"""scripts/mutation's sampling (issue 15): which mutants a seeded sample runs, and the interval its score is given with."""
import importlib.machinery
import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "scripts" / "mutation"


@pytest.fixture(scope="module")
def mutation():
    loader = importlib.machinery.SourceFileLoader("mutation_script", str(SCRIPT))
    spec = importlib.util.spec_from_loader("mutation_script", loader)
    module = importlib.util.module_from_spec(spec)
    loader.exec_module(module)
    return module


@pytest.fixture
def work(mutation, tmp_path, monkeypatch):
    """A .mutation/ copy whose kb/diagnose.py has 40 mutants and kb/planner.py 7, none run yet."""
    monkeypatch.setattr(mutation, "WORK", tmp_path)
    for rel, count in (("kb/diagnose.py", 40), ("kb/planner.py", 7)):
        meta = tmp_path / "mutants" / (rel + ".meta")
        meta.parent.mkdir(parents=True, exist_ok=True)
        stem = rel.removesuffix(".py").replace("/", ".")
        meta.write_text(json.dumps({"exit_code_by_key": {f"{stem}.x_f__mutmut_{i}": None for i in range(1, count + 1)}}))
    return tmp_path


def test_the_wilson_interval_is_the_textbook_one(mutation):
    # 0 of 10: the upper bound is 27.8% (where the normal approximation would give 0 to 0)
    low, high = mutation.wilson(0, 10)
    assert low == 0.0 and round(high, 1) == 27.8
    # all of 150 killed still leaves room below 100%
    low, high = mutation.wilson(150, 150)
    assert round(low, 1) == 97.5 and high == 100.0
    low, high = mutation.wilson(135, 150)
    assert (round(low, 1), round(high, 1)) == (84.2, 93.8)


def test_a_sample_is_the_same_for_the_same_seed_and_another_for_another(mutation, work):
    first = mutation.draw(["diagnose"], 10, seed=15)
    assert first == mutation.draw(["diagnose"], 10, seed=15)
    assert len(first["diagnose"]) == 10 == len(set(first["diagnose"]))
    assert all(name.startswith("kb.diagnose.x_f__mutmut_") for name in first["diagnose"])
    assert first != mutation.draw(["diagnose"], 10, seed=16)


def test_a_module_smaller_than_the_sample_runs_whole_and_each_module_is_sampled_on_its_own(mutation, work):
    drawn = mutation.draw(["planner", "diagnose"], 10, seed=15)
    assert drawn["planner"] == [f"kb.planner.x_f__mutmut_{i}" for i in sorted(range(1, 8), key=str)]
    assert len(drawn["diagnose"]) == 10


def test_the_summary_gives_the_score_of_the_sample_with_its_interval(mutation, work, capsys):
    meta = work / "mutants" / "kb" / "diagnose.py.meta"
    keys = json.loads(meta.read_text())["exit_code_by_key"]
    for i, key in enumerate(sorted(keys)[:20]):
        keys[key] = 1 if i < 18 else 0  # 18 killed (a test failed), 2 survived
    meta.write_text(json.dumps({"exit_code_by_key": keys}))
    mutation.module_summary(["diagnose"])
    line = next(x for x in capsys.readouterr().out.splitlines() if x.startswith("diagnose"))
    assert line.split() == ["diagnose", "20", "of", "40", "18", "90.0%", "69.9%", "to", "97.2%"]


def test_a_sample_of_no_mutants_is_refused_plainly():
    done = subprocess.run([sys.executable, str(SCRIPT), "--sample", "0", "diagnose"], capture_output=True, text=True)
    assert done.returncode != 0
    assert "--sample needs a number of mutants of at least 1" in done.stderr
    assert "Traceback" not in done.stderr


def test_not_run_leaves_out_the_mutants_that_have_a_result_and_only_picks_functions(mutation, work):
    files = ["kb/diagnose.py", "kb/planner.py"]
    meta = work / "mutants" / "kb" / "diagnose.py.meta"
    keys = json.loads(meta.read_text())["exit_code_by_key"]
    keys["kb.diagnose.x_f__mutmut_1"], keys["kb.diagnose.x_f__mutmut_2"] = 1, 0  # killed, survived
    keys["kb.diagnose.x_g__mutmut_1"] = None
    meta.write_text(json.dumps({"exit_code_by_key": keys}))
    every = sorted(k for rel in files for k in mutation.results(rel))
    left = mutation.chosen(every, files, None, not_run=True)
    assert len(left) == 40 + 7 + 1 - 2
    assert "kb.diagnose.x_f__mutmut_1" not in left and "kb.diagnose.x_f__mutmut_3" in left
    # a function's mangled name picks its mutants only (x_f__mutmut_1 is not x_f's neighbour x_g), a pattern any
    assert mutation.chosen(every, files, ["kb.diagnose.x_g"], not_run=False) == ["kb.diagnose.x_g__mutmut_1"]
    assert mutation.chosen(every, files, ["kb.planner.*_mutmut_7", "kb.diagnose.x_g"], not_run=False) == \
        ["kb.diagnose.x_g__mutmut_1", "kb.planner.x_f__mutmut_7"]
    assert mutation.chosen(every, files, ["kb.diagnose.x_f"], not_run=True) == \
        [f"kb.diagnose.x_f__mutmut_{i}" for i in sorted(range(3, 41), key=str)]
    assert mutation.chosen(every, files, ["kb.diagnose.x"], not_run=False) == []  # not a prefix match
