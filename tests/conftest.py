import os
import shutil
import sys
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # the lab package and helpers live at the top of the checkout
    sys.path.insert(0, str(ROOT))


# The suite's own cache directory (the user's ~/.cache/minimage is never written by tests), inherited by every
# command a test starts. Results kept by one-shot commands (kb/result_store.py) are removed after each test: a test
# that stubs part of the engine and runs the command line must not leave its result for the next test to read.
_CACHE = tempfile.mkdtemp(prefix="minimage-test-cache-")
os.environ["MINIMAGE_CACHE_DIR"] = _CACHE


@pytest.fixture(autouse=True)
def _forget_kept_results():
    yield
    try:
        names = os.listdir(_CACHE)
    except OSError:
        return
    for name in names:
        if name.startswith("result-"):
            try:
                os.unlink(os.path.join(_CACHE, name))
            except OSError:
                pass


def pytest_unconfigure(config):
    shutil.rmtree(_CACHE, ignore_errors=True)


@pytest.fixture(scope="session")
def rb():
    import kb

    return kb.load()


@pytest.fixture(scope="session")
def consult(rb):
    return rb.consult
