"""The Python X.Y of a stage, as its base image says it (MI471: a Python environment copied across versions; MI412:
the libpython3.X a program that embeds Python links)."""
from __future__ import annotations

from ..lazyre import lazy

# `Analysis` in annotations is kb.lint.stages' class: named, never imported

_PY_IN_REF = lazy(r"(?:^|/)python:(3)\.(\d+)|[:/_-]python(3)\.(\d+)")


def python_minor(a: "Analysis", index: int) -> tuple[str, str] | None:
    """(Python X.Y, the image that says so) of stage `index`, from the image it is built FROM: the tag of an official
    or derived Python image (python:3.12-slim, uv:python3.12-bookworm-slim) or, for distroless python3, its
    release's python3; None when the image does not say (python:3, python:latest, an image lint does not know)."""
    while a.stages[index].stage.base_stage is not None:
        index = a.stages[index].stage.base_stage
    info = a.stages[index]
    return ref_python_minor(a.kb, info.image or "", info.profile.release)


def ref_python_minor(kb, ref: str, release: str | None) -> tuple[str, str] | None:
    """(Python X.Y, `ref`) that the image reference `ref` says it has (see :func:`python_minor`), `release` being the
    distribution release its profile names; also for the image of a COPY --from=python:3.12-slim (MI493)."""
    m = _PY_IN_REF.search(ref.lower()) if "python" in ref.lower() else None  # both alternatives name it
    if m:
        major, minor = (m.group(1), m.group(2)) if m.group(1) else (m.group(3), m.group(4))
        return f"{major}.{minor}", ref
    if "distroless/python3" in ref and release:
        version = kb.releases.get(release, {}).get("python3")
        return (version, ref) if version else None
    return None


def across_versions(built: str, run: str, image: str) -> str:
    """MI471's consequence for an environment built on Python `built` and run by `image`'s Python `run`."""
    return (f"but runs on {image}, whose Python is {run}: Python {run} does not look under lib/python{built}, and "
            f"the compiled extensions there carry Python {built}'s ABI tag, which {run} does not load even on "
            'PYTHONPATH: expect "ModuleNotFoundError"')
