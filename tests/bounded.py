"""`within(seconds)`: a generous time limit for a test on pathological input (a SIGALRM, not a measurement)."""
from __future__ import annotations

import signal
from contextlib import contextmanager


@contextmanager
def within(seconds: float = 20.0):
    """Raise TimeoutError in the block after `seconds` (a regex cannot be interrupted: the error comes when it
    returns, so a quadratic scan still fails, only later)."""
    def fire(signum, frame):
        raise TimeoutError(f"still running after {seconds} s: the scan is not linear")

    old = signal.signal(signal.SIGALRM, fire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)
