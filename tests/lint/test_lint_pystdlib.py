"""MI493: a Python interpreter copied by COPY --from into the image without its standard library (PREFIX/lib/pythonX.Y).
Where Python looks was checked by running python3.11 alone in an empty chroot (kb/lint/pystdlib.py says how); these
tests hold what a user sees for small Dockerfiles of our own, and the correct forms that stay quiet."""
from __future__ import annotations

import pytest

from kb.lint import lint_text

ENCODINGS = "ModuleNotFoundError: No module named 'encodings'"


def mi493(knowledge, text: str) -> list:
    return [(f.line, f.severity, f.message, f.fix) for f in lint_text(knowledge, text, context_dir=None)
            if f.rule == "MI493"]


BRIEF = """FROM python:3.12-slim AS build
COPY app.py /app/app.py
FROM {final}
COPY --from=build /usr/local/bin/python3.12 /usr/local/bin/python3
COPY --from=build /usr/local/lib/libpython3.12.so.1.0 /usr/local/lib/
{more}CMD ["/usr/local/bin/python3", "/app/app.py"]
"""


def test_interpreter_alone_into_distroless_cc_is_an_error_naming_the_missing_directory(knowledge):
    [(line, severity, message, fix)] = mi493(knowledge, BRIEF.format(final="gcr.io/distroless/cc-debian12", more=""))
    assert (line, severity) == (4, "error")
    assert message.startswith("/usr/local/bin/python3.12 is copied from build to /usr/local/bin/python3, and the "
                              "image has no /usr/local/lib/python3.12: gcr.io/distroless/cc-debian12 has no Python "
                              "of its own")
    assert ENCODINGS in message and "init_fs_encoding" in message
    assert "COPY --from=build /usr/local /usr/local" in fix and "python:3.12-slim" in fix


@pytest.mark.parametrize("final", ["scratch", "alpine:3.20", "debian:bookworm-slim", "gcr.io/distroless/static-debian12",
                                   "gcr.io/distroless/base-debian12"])
def test_every_image_without_python_is_flagged(knowledge, final):
    assert [m[0] for m in mi493(knowledge, BRIEF.format(final=final, more=""))] == [4]


@pytest.mark.parametrize("more", [
    "COPY --from=build /usr/local /usr/local\n",
    "COPY --from=build /usr/local/ /usr/local/\n",
    "COPY --from=build /usr/local/lib /usr/local/lib\n",
    "COPY --from=build /usr/local/lib/python3.12 /usr/local/lib/python3.12\n",
    "COPY --from=build /usr/local/lib/python3* /usr/local/lib/\n",
    "COPY --from=build / /\n",
    "ENV PYTHONHOME=/opt/python\n",                      # points elsewhere: lint does not judge
    "ENV PYTHONPATH=/opt/stdlib\n",
])
def test_the_whole_prefix_or_a_pointer_elsewhere_is_clean(knowledge, more):
    assert mi493(knowledge, BRIEF.format(final="gcr.io/distroless/cc-debian12", more=more)) == []


@pytest.mark.parametrize("more", [
    "COPY --from=build /usr/local/lib/python3.12/site-packages /usr/local/lib/python3.12/site-packages\n",
    "COPY --from=build /usr/local/lib/python3.12 /usr/local/lib/\n",  # its contents land in /usr/local/lib
    "COPY --from=build /app /app\n",
])
def test_a_part_of_the_prefix_does_not_bring_the_standard_library(knowledge, more):
    assert [m[0] for m in mi493(knowledge, BRIEF.format(final="gcr.io/distroless/cc-debian12", more=more))] == [4]


def test_the_python_images_bin_directory_brings_its_python3_too(knowledge):
    text = BRIEF.format(final="gcr.io/distroless/cc-debian12", more="COPY --from=build /usr/local/bin /usr/local/bin\n")
    assert [m[0] for m in mi493(knowledge, text)] == [4, 6]


def test_a_python_image_of_the_same_version_is_clean_and_another_version_is_not(knowledge):
    assert mi493(knowledge, BRIEF.format(final="python:3.12-slim", more="")) == []
    [(line, _sev, message, _fix)] = mi493(knowledge, BRIEF.format(final="python:3.11-slim", more=""))
    assert line == 4 and "python:3.11-slim has Python 3.11 in /usr/local/lib/python3.11, not 3.12" in message


def test_distroless_python3_has_debians_python_under_usr(knowledge):
    [(_l, _s, message, _f)] = mi493(knowledge, BRIEF.format(final="gcr.io/distroless/python3-debian12", more=""))
    assert "has Python 3.11 in /usr/lib/python3.11, not 3.12" in message
    # its own version: Python finds /usr/lib/python3.11 going up from /usr/local/bin
    text = BRIEF.format(final="gcr.io/distroless/python3-debian12", more="").replace("3.12", "3.11")
    assert mi493(knowledge, text) == []
    # ... but not from /opt/py/bin, whose parents have no lib/python3.11 and whose built prefix is /usr/local
    [(_l, _s, message, _f)] = mi493(knowledge, text.replace("/usr/local/bin/python3\n", "/opt/py/bin/python3\n"))
    assert "has no /opt/py/lib/python3.11 (nor /usr/local/lib/python3.11, the prefix it was built with)" in message
    assert "has Python 3.11 in /usr/lib/python3.11, where this interpreter does not look" in message


def test_copied_from_an_image_and_the_version_from_its_tag(knowledge):
    text = ("FROM gcr.io/distroless/cc-debian12\nCOPY --from=python:3.13-slim /usr/local/bin/python3 /usr/local/bin/\n"
            "CMD [\"python3\"]\n")
    [(line, _s, message, fix)] = mi493(knowledge, text)
    assert line == 2 and "/usr/local/lib/python3.13" in message
    assert "COPY --from=python:3.13-slim /usr/local /usr/local" in fix


@pytest.mark.parametrize("copy", [
    "COPY --from=build /usr/local/bin/ /usr/local/bin/",        # the image's whole bin directory
    "COPY --from=build /usr/local/bin/python3* /usr/local/bin/",
    "ARG PY=3.12\nCOPY --from=build /usr/local/bin/python${PY} /usr/local/bin/",
])
def test_other_ways_to_copy_the_interpreter(knowledge, copy):
    text = f"FROM python:3.12-slim AS build\nFROM gcr.io/distroless/cc-debian12\n{copy}\nCMD [\"python3\"]\n"
    [(line, _s, message, _f)] = mi493(knowledge, text)
    assert line == text.count("\n", 0, text.index("COPY")) + 1 and "/usr/local/lib/python3.12" in message


def test_another_place_names_both_directories_python_looks_in(knowledge):
    text = ("FROM python:3.12-slim AS build\nFROM gcr.io/distroless/cc-debian12\n"
            "COPY --from=build /usr/local/bin/python3.12 /app/bin/python3\nCMD [\"/app/bin/python3\"]\n")
    [(_l, _s, message, _f)] = mi493(knowledge, text)
    assert "has no /app/lib/python3.12 (nor /usr/local/lib/python3.12, the prefix it was built with)" in message


def test_debians_python3_from_a_debian_stage(knowledge):
    text = ("FROM debian:bookworm AS build\nRUN apt-get update && apt-get install -y python3\n"
            "FROM gcr.io/distroless/cc-debian12\nCOPY --from=build /usr/bin/python3 /usr/bin/python3\n"
            "CMD [\"/usr/bin/python3\"]\n")
    [(line, _s, message, _f)] = mi493(knowledge, text)
    assert line == 4 and "no /usr/lib/python3.11" in message


def test_a_stage_the_image_is_built_from_counts_both_ways(knowledge):
    base = ("FROM python:3.12-slim AS build\nFROM gcr.io/distroless/cc-debian12 AS runtime\n"
            "COPY --from=build /usr/local/bin/python3.12 /usr/local/bin/python3\nFROM runtime\n{more}"
            "CMD [\"python3\"]\n")
    assert [m[0] for m in mi493(knowledge, base.format(more=""))] == [3]
    assert mi493(knowledge, base.format(more="COPY --from=build /usr/local/lib /usr/local/lib\n")) == []


@pytest.mark.parametrize("text", [
    # a venv copied onto the Python image it was made on: MI471's ground, not this rule's
    "FROM python:3.12-slim AS build\nRUN python -m venv /opt/venv\nFROM python:3.12-slim\n"
    "COPY --from=build /opt/venv /opt/venv\nCOPY --from=build /opt/venv/bin/python3 /opt/venv/bin/\n"
    "CMD [\"/opt/venv/bin/python3\"]\n",
    # console scripts of a builder on the same Python image
    "FROM python:3.12-slim AS build\nRUN pip install --prefix=/install gunicorn\nFROM python:3.12-slim\n"
    "COPY --from=build /usr/local/bin /usr/local/bin\nCMD [\"gunicorn\"]\n",
    # a RUN may install Python or unpack a prefix: lint does not read what it makes
    "FROM python:3.12-slim AS build\nFROM debian:bookworm-slim\n"
    "COPY --from=build /usr/local/bin/python3.12 /usr/local/bin/\nRUN tar xf /tmp/stdlib.tar -C /usr/local\n"
    "CMD [\"python3.12\"]\n",
    # an image lint does not know may have it
    "FROM python:3.12-slim AS build\nFROM example.com/runtime:1\n"
    "COPY --from=build /usr/local/bin/python3.12 /usr/local/bin/\nCMD [\"python3.12\"]\n",
    # a version lint cannot tell (python:3) is not guessed
    "FROM python:3 AS build\nFROM gcr.io/distroless/cc-debian12\n"
    "COPY --from=build /usr/local/bin/python3 /usr/local/bin/\nCMD [\"python3\"]\n",
    # an ADD of an archive unpacks into the prefix
    "FROM python:3.12-slim AS build\nFROM gcr.io/distroless/cc-debian12\n"
    "COPY --from=build /usr/local/bin/python3.12 /usr/local/bin/\nADD python-stdlib.tar.gz /usr/local/lib/\n"
    "CMD [\"python3.12\"]\n",
])
def test_correct_or_unknowable_forms_stay_quiet(knowledge, text):
    assert mi493(knowledge, text) == []


@pytest.mark.parametrize("final,lib", [
    # another Python in the final image, the copied one's own library beside it (trailing slashes, --exclude)
    ("gcr.io/distroless/python3-debian13", "COPY --from=build /usr/local/lib/python3.14/ /usr/local/lib/python3.14/"),
    ("scratch", "COPY --from=build --exclude=**/pip* /usr/local/lib/python3.14 /usr/local/lib/python3.14"),
])
def test_the_library_copied_beside_the_interpreter_is_clean(knowledge, final, lib):
    text = (f"FROM python:3.14-slim AS build\nFROM {final}\nCOPY --from=build /usr/local/bin/python3.14 /usr/local/bin/\n"
            f"COPY --from=build /usr/local/bin/python3 /usr/local/bin/python3\n{lib}\nCMD [\"python3\"]\n")
    assert mi493(knowledge, text) == []
    assert [m[0] for m in mi493(knowledge, text.replace(lib, ""))] == [3, 4]
