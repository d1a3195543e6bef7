"""Pretend student functions that go wrong in every way a check must survive.

Shared by the checker tests (tests/unit/test_checks_*.py): a check must report each of these
as one clear line, never crash, never hang and never write to stderr.
"""

import time

import numpy as np


def raises(*args, **kwargs):
    raise ValueError("something went wrong")


def returns_none(*args, **kwargs):
    return None


def not_written(*args, **kwargs):
    # YOUR CODE HERE
    raise NotImplementedError()


def wrong_shape(*args, **kwargs):
    return np.zeros(7)


def loops_forever(*args, **kwargs):
    while True:
        time.sleep(0.001)


#: (student function, expected case status, text the first case's message must contain)
BAD_CODE = [
    (raises, "error", "raised ValueError: something went wrong"),
    (returns_none, "wrong", "got None — did you forget the return statement?"),
    (wrong_shape, "wrong", "got"),
    (loops_forever, "timeout", "did not finish within 0.2 s"),
]
BAD_CODE_IDS = ["raises", "returns-none", "wrong-shape", "loops-forever"]
