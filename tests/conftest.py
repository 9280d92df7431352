import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # the lab package and helpers live at the top of the checkout
    sys.path.insert(0, str(ROOT))


@pytest.fixture(scope="session")
def rb():
    import kb

    return kb.load()


@pytest.fixture(scope="session")
def consult(rb):
    return rb.consult
