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


# --------------------------------------------------------------------------- shared parametrisation
def right_cases(right: dict) -> list:
    """pytest params (check name, right answer) from {check name: [functions]}."""
    import pytest

    return [
        pytest.param(name, fn, id=f"{name}-{i}")
        for name in sorted(right)
        for i, fn in enumerate(right[name])
    ]


def wrong_cases(wrong: dict) -> list:
    """pytest params (check name, wrong answer, hint) from {check name: [(function, hint)]}."""
    import pytest

    return [
        pytest.param(name, fn, hint, id=f"{name}-{i}")
        for name in sorted(wrong)
        for i, (fn, hint) in enumerate(wrong[name])
    ]


def assert_fails_with_hint(check, student_fn, hint: str, capfd) -> None:
    """The check fails, some failed case carries ``hint``, and the printed line shows it."""
    import pytest

    from nnedu.checks import CheckFailed

    with pytest.raises(CheckFailed) as info:
        check(student_fn)
    failed = [case for case in info.value.result.cases if not case.passed]
    assert failed
    assert any(hint in case.hint for case in failed), [case.hint for case in failed]
    out = capfd.readouterr().out
    assert any(f"— hint: {case.hint}" in out for case in failed if hint in case.hint)
