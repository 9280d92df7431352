"""kb.versions: the one version type of lint, the planner and the evidence."""
from __future__ import annotations

from kb.versions import Version, parse_version


def test_compares_number_by_number():
    assert parse_version("2.9") < parse_version("2.10") < parse_version("2.36")
    assert parse_version("2.36") == parse_version("2.36") == (2, 36)
    assert sorted(["2.39", "2.17", "2.4"], key=parse_version) == ["2.4", "2.17", "2.39"]


def test_reads_the_first_run_of_dotted_numbers():
    assert parse_version("GLIBC_2.34") == (2, 34)
    assert parse_version("go1.22.3") == (1, 22, 3)
    assert parse_version("2.31-13+deb11u5") == (2, 31)
    assert parse_version("3.4.30 extra 9.9") == (3, 4, 30)


def test_empty_and_missing_sort_first():
    assert parse_version(None) == parse_version("") == parse_version("none") == Version() == ()
    assert parse_version(None) < parse_version("0.1")
    assert max(["2.36", None, "2.41"], key=parse_version) == "2.41"


def test_str_round_trips_and_a_version_parses_to_itself():
    v = parse_version("2.36")
    assert str(v) == "2.36" and parse_version(v) is v and repr(v) == "Version('2.36')"


def test_hostile_text_is_read_once_and_never_raises():
    assert parse_version("9" * 100_000) == (999_999_999,)  # no int of 100,000 digits (Python refuses > 4,300)
    assert parse_version("1." * 100_000) == tuple([1] * 100_000)
    assert parse_version("x" * 100_000) == ()
