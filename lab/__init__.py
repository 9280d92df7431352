"""Proof lab for minimage: emulated image roots, an isolated runner and sample programs.

Not shipped in the wheel. Entry points:

* ``python -m lab.build``   compile the sample programs into the cache
* ``python -m lab.roots``   build the emulated image roots into the cache
* ``python -m lab.matrix``  run every program in every root, print a Markdown table

The cache lives in ``lab/cache/`` unless ``MINIMAGE_LAB_CACHE`` says otherwise.
"""

from __future__ import annotations

import os
from pathlib import Path

LAB_DIR = Path(__file__).resolve().parent


def cache_dir() -> Path:
    """The lab's cache directory (binaries, downloaded .debs, roots)."""
    env = os.environ.get("MINIMAGE_LAB_CACHE")
    return Path(env).resolve() if env else LAB_DIR / "cache"
