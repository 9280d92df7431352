"""MI428: `apk add --virtual .python-rundeps` on the official Python image for Alpine, whose own virtual package of
that name keeps the libraries its CPython links.

docker-library/python's Alpine images install the run-time libraries of the CPython they compile as one virtual
package (`scanelf --needed` of /usr/local, then `apk add --virtual .python-rundeps so:...`): expat, libffi, OpenSSL,
sqlite, ncurses and the others its build found. A later `apk add --virtual .python-rundeps X` in a Dockerfile FROM
that image does not add to it: apk replaces the package of that name by one that depends on X alone, and drops
every library nothing else in its world needs, at once or at the next `apk del` (wagtail/bakerydemo#234, a template
many Wagtail projects copied: "Error loading shared library libexpat.so.1 ... (needed by .../pyexpat...so)").
Judged in the final stage and the stages it is built FROM, when their image is a Python image on musl.
"""
from __future__ import annotations

from ..detectors import detector
from ..model import LintRule
from .profiles import normalise_ref
from .pyversion import python_minor
from .results import Hit

# `Analysis` in annotations is kb.lint.stages' class: named, never imported here

NAME = ".python-rundeps"


def replaces_rundeps(text: str) -> bool:
    """Does a RUN text run `apk add` with `--virtual .python-rundeps` (or -t, or --virtual=)?"""
    from .shellwords import simple_commands

    if NAME not in text:
        return False
    for argv in simple_commands(text):
        if argv[:1] == ["apk"] and "add" in argv:
            words = argv[argv.index("add") + 1:]
            if any(w in ("--virtual", "-t") and nxt == NAME for w, nxt in zip(words, words[1:])) \
                    or f"--virtual={NAME}" in words:
                return True
    return False


def python_image(a: "Analysis", index: int) -> str | None:
    """The image stage `index` starts from (through the stages it is built FROM) when it is the official Python image
    or one whose tag names its Python (python:3.5-alpine, python:alpine); None otherwise."""
    if (python := python_minor(a, index)) is not None:
        return python[1]
    while a.stages[index].stage.base_stage is not None:
        index = a.stages[index].stage.base_stage
    image = a.stages[index].image or ""
    return image if normalise_ref(image).partition(":")[0] == "python" else None


@detector("lint", "python-rundeps-replaced")
def check_rundeps_replaced(a: "Analysis", rule: LintRule):
    info = a.final
    while True:
        if info.profile.libc == "musl" and (image := python_image(a, info.index)) is not None:
            for ins in info.stage.instructions:
                if ins.cmd == "RUN" and replaces_rundeps(" ".join(ins.args)):
                    yield Hit(ins.line, {"image": image})
                    return
        if info.stage.base_stage is None:
            return
        info = a.stages[info.stage.base_stage]
