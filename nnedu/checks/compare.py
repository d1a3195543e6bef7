"""Comparing a student's answer with the right one, and describing both in a beginner's words.

Used by :mod:`nnedu.checks.runner`: ``_compare`` says what differs ("expected shape (3,), got
shape (4,)", "expected [0.5], got [2.5]", "nan in 1 of 4 values"), ``_describe`` names a strange
return value, ``_error_hint`` explains common numpy error messages, ``_changed_inputs`` names the
arguments a function changed in place, and ``_student_traceback`` leaves out the checks' own
frames.
"""

from __future__ import annotations

import inspect
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

_CHECKS_FOLDER = Path(__file__).resolve().parent  # the runner's and the checks' own frames


def _compare(expected: Any, got: Any, rtol: float, atol: float, full: bool = False) -> str | None:
    """None if ``got`` matches ``expected``, else a short description of the difference."""
    if got is None:
        wanted = ""
        if isinstance(expected, tuple):
            wanted = f"expected {len(expected)} values (a tuple), "
        return wanted + "got None — did you forget the return statement?"
    if isinstance(expected, tuple):
        if not isinstance(got, (tuple, list)) or len(got) != len(expected):
            return f"expected {len(expected)} values (a tuple), got {_describe(got)}"
        for i, (want, have) in enumerate(zip(expected, got, strict=True)):
            problem = _compare(want, have, rtol, atol, full)
            if problem:
                return f"value {i + 1} of {len(expected)}: {problem}"
        return None

    want = np.asarray(expected, dtype=float)
    if want.ndim == 0:
        if isinstance(got, np.ndarray) and got.ndim > 0:
            return f"expected one number, got an array of shape {got.shape}"
        if not isinstance(got, (int, float, np.number, np.bool_, np.ndarray)):
            return f"expected a number, got {_describe(got)}"
    else:
        if not isinstance(got, np.ndarray):
            return f"expected a numpy array of shape {want.shape}, got {_describe(got)}"
        if got.shape != want.shape:
            return f"expected shape {want.shape}, got shape {got.shape}"
    if np.asarray(got).dtype.kind not in "biuf":
        return f"expected numbers, got {_describe(got)}"

    have = np.asarray(got, dtype=float)
    not_finite = ~np.isfinite(have) & np.isfinite(want)
    if not_finite.any():
        return (
            f"expected {_format(want, full)}, got {_format(have, full)} "
            f"(nan or inf in {int(not_finite.sum())} of {have.size} values)"
        )
    with np.errstate(all="ignore"):  # inf - inf in the comparison is not the student's warning
        if np.allclose(have, want, rtol=rtol, atol=atol, equal_nan=True):
            return None
        difference = np.nan_to_num(np.abs(have - want), nan=0.0, posinf=0.0)
    message = f"expected {_format(want, full)}, got {_format(have, full)}"
    if want.size > 1:
        where = np.unravel_index(int(np.argmax(difference)), want.shape)
        index = int(where[0]) if len(where) == 1 else tuple(int(i) for i in where)
        message += f" (largest difference {_format_number(difference.max())} at index {index})"
    return message


def _first_value_off(expected: Any, got: Any, rtol: float) -> str:
    """Where ``got`` differs from ``expected`` in relative terms (tiny values included)."""
    try:
        want = np.asarray(expected, dtype=float)
        have = np.asarray(got, dtype=float).reshape(want.shape)
        off = ~np.isclose(have, want, rtol=rtol, atol=0.0, equal_nan=True)
        index = tuple(int(i) for i in np.argwhere(off)[0])
    except Exception:  # a tuple of arrays and the like: the general description will do
        return str(_compare(expected, got, rtol, 0.0))
    where = f" at index {index[0] if len(index) == 1 else index}" if index else ""
    return (
        f"the value{where} is {_format_number(have[index])} instead of "
        f"{_format_number(want[index])}: it went through an inf or nan"
    )


def _same_shape(got: Any, expected: Any) -> bool:
    try:
        return got is not None and np.shape(got) == np.shape(expected)
    except Exception:  # e.g. a ragged list
        return False


def _format_number(x: Any) -> str:
    if isinstance(x, (bool, np.bool_)):
        return str(bool(x))
    return f"{float(x) + 0.0:.4g}"  # + 0.0: no "-0"


def _format(value: Any, full: bool = False) -> str:
    """Arrays on one line with 4 significant digits, long ones shortened with …"""
    array = np.asarray(value)
    if array.ndim == 0:
        return _format_number(array.item())

    def nested(a: np.ndarray) -> str:
        if a.ndim == 0:
            return _format_number(a.item())
        items = (
            [nested(row) for row in a]
            if full or len(a) <= 6
            else ([nested(row) for row in a[:3]] + ["…"] + [nested(row) for row in a[-2:]])
        )
        return "[" + " ".join(items) + "]"

    text = nested(array)
    if array.ndim > 1 or (array.size > 6 and not full):
        text += f" (shape {array.shape})"
    return text


def _describe(value: Any) -> str:
    """A beginner-readable name for what a function returned."""
    if value is None:
        return "None"
    if isinstance(value, np.ndarray):
        return f"a numpy array of shape {value.shape} and dtype {value.dtype}"
    if isinstance(value, (list, tuple)):
        return f"a {type(value).__name__} of length {len(value)}"
    if callable(value):
        return "a function (did you return the function instead of calling it?)"
    if isinstance(value, (int, float, np.number)):
        return f"the single number {_format_number(value)}"
    return f"a {type(value).__name__} ({value!r:.40})"


def _describe_error(error: BaseException) -> str:
    if isinstance(error, SystemExit):
        return "SystemExit (it called exit() or sys.exit())"
    message = str(error)
    return f"{type(error).__name__}: {message}" if message else type(error).__name__


# Error messages that beginners meet often, and what they usually mean.
_ERROR_HINTS = [
    (
        ("only 0-dimensional arrays", "only length-1 arrays", "only size-1 arrays"),
        "math.exp and the other math functions take one number; use np.exp, np.maximum … "
        "so your function works on whole arrays",
    ),
    (
        ("truth value of an array",),
        "if, max, min, and, or look at one number; for arrays use np.maximum, np.where "
        "or a boolean mask",
    ),
    (
        ("could not be broadcast",),
        "the shapes do not fit together: print the .shape of each array; keepdims=True keeps "
        "a summed axis as size 1 so it lines up again",
    ),
    (
        ("not aligned", "mismatch in its core dimension"),
        "for a matrix product the inner sizes must match, (a, b) @ (b, c): print the .shape "
        "of each array",
    ),
    (
        ("out of bounds for array of dimension",),
        "that axis does not exist for this input: axis=-1 means 'the last axis' and works both "
        "for one sample (1-D) and for a batch (2-D)",
    ),
]


def _error_hint(error: BaseException) -> str:
    message = str(error)
    for fragments, hint in _ERROR_HINTS:
        if any(fragment in message for fragment in fragments):
            return hint
    return ""


def _student_traceback(error: BaseException) -> str:
    """The traceback of the student's error without the frames of nnedu/checks/."""
    report = traceback.TracebackException.from_exception(error)
    frames = [f for f in report.stack if Path(f.filename).resolve().parent != _CHECKS_FOLDER]
    report.stack = traceback.StackSummary.from_list(frames)
    return "".join(report.format())


def _changed_inputs(fn: Callable, before: tuple, after: tuple) -> str:
    """The names of the arguments that the student's function changed, '' if none."""
    (args_before, kwargs_before), (args_after, kwargs_after) = before, after
    try:
        names = list(inspect.signature(fn).bind(*args_before, **kwargs_before).arguments)
    except (TypeError, ValueError):
        names = []
    changed = []
    for i, (old, new) in enumerate(zip(args_before, args_after, strict=True)):
        if not _same(old, new):
            changed.append(names[i] if i < len(names) else f"number {i + 1}")
    for name, old in kwargs_before.items():
        if not _same(old, kwargs_after[name]):
            changed.append(name)
    return " and ".join(changed)


def _same(old: Any, new: Any) -> bool:
    if isinstance(old, np.ndarray):
        if not isinstance(new, np.ndarray) or old.shape != new.shape or old.dtype != new.dtype:
            return False
        return bool(np.array_equal(old, new, equal_nan=old.dtype.kind in "fc"))
    if isinstance(old, (list, tuple)):
        return (
            type(old) is type(new)
            and len(old) == len(new)
            and all(_same(a, b) for a, b in zip(old, new, strict=True))
        )
    if isinstance(old, dict):
        return (
            isinstance(new, dict)
            and old.keys() == new.keys()
            and all(_same(old[k], new[k]) for k in old)
        )
    try:
        return bool(old == new)
    except Exception:
        return True  # cannot tell: do not accuse the student
