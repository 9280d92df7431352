"""shell/jsontext.py writes exactly what json.dumps(value, indent=2) writes, for every JSON the commands print."""
import json
import math
import random
import sys

import pytest

import kb
from shell.jsontext import dumps


@pytest.fixture(scope="module")
def rb():
    return kb.load()


def test_consultations_inspections_lint_and_rules_come_out_as_json_writes_them(rb, tmp_path):
    rng = random.Random(11)
    values = [rb.consult({q.id: rng.choice(list(q.choices)) for q in rb.questions}).to_dict() for _ in range(60)]
    seen = rb.inspect(sys.executable)
    values.append({**rb.session({}, seen.evidence).result().to_dict(), "inspected": {"path": "/x\u00e9\udcff"}})
    values.append([e.to_dict() for e in rb.catalog().rules()])
    (tmp_path / "Dockerfile").write_text("FROM golang:1.22\nRUN go build -o /app .\nFROM scratch\nCOPY --from=0 /app /\n")
    values.append([r.to_dict() for r in rb.lint([str(tmp_path / "Dockerfile")])])
    for value in values:
        assert dumps(value) == json.dumps(value, indent=2)


@pytest.mark.parametrize("value", [
    {}, [], (), "", 0, -1, 10**30, 1.5, 1e300, -0.0, math.inf, -math.inf, math.nan, True, False, None,
    {"a": {}, "b": [], "c": [[]], "d": {"e": [1, 2.0, "x\n\"\\", None]}}, ("t", ("u",)), "\u2028\x00\U0001F600",
    {1: "not text keys"}, {"nested": {True: 1, None: 2}}, [type("IntLike", (int,), {})(3)],
])
def test_every_kind_of_value_and_the_ones_it_hands_to_json(value):
    assert dumps(value) == json.dumps(value, indent=2)
