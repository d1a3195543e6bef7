"""The machinery behind the exercise checks.

A check cell in an exercise notebook calls a function such as ``check_sigmoid(sigmoid)``.
That function is a thin wrapper around :func:`run_checks`: it runs the student's function on a
list of :class:`Case` objects and prints one line per case::

    Checking sigmoid
      ✓ z = [0] gives 0.5
      ✗ a batch of shape (2, 3): expected shape (2, 3), got shape (3,) — hint: ...
    1/2 checks passed — fix the ✗ lines above and run this cell again.

Writing a new check (for example in ``nnedu/checks/losses.py``)::

    from nnedu.checks.runner import DEFAULT_TIMEOUT, Case, Mistake, run_checks

    def _mse(y_pred, y_true):                       # the right answer, written out here
        return np.mean((y_pred - y_true) ** 2)

    _MSE_MISTAKES = [
        Mistake(lambda y_pred, y_true: np.sum((y_pred - y_true) ** 2),
                "you added the squared errors up: divide by their number (np.mean)"),
    ]

    def check_mse(fn, *, verbose=False, timeout=DEFAULT_TIMEOUT) -> None:
        cases = [
            Case("two predictions", args=(np.array([1.0, 2.0]), np.array([1.0, 4.0])),
                 reference=_mse, mistakes=_MSE_MISTAKES),
        ]
        run_checks("mse", fn, cases, verbose=verbose, timeout=timeout)

then add ``check_mse`` to ``nnedu/checks/__init__.py``. The student's function is called as
``fn(*case.args, **case.kwargs)``; to check a class or a method, give ``run_checks`` a small
function that builds the object and returns what should be compared. A function that is
*meant* to change its input in place (an optimizer step) must be wrapped so that it copies
first and returns the result, because changing an input counts as a failure.

What the runner guarantees, whatever the student's code does:

- It never crashes and never hangs. Exceptions are reported as one line (type and message;
  the traceback only with ``verbose=True``). ``NotImplementedError`` means "not written yet".
- Each call has a time limit (``timeout`` seconds, 2 by default; time spent importing modules
  does not count). How it is enforced, in a kernel and elsewhere: see :mod:`nnedu.checks.guard`.
  In every case the check itself returns.
- The student's function gets copies of the inputs; changing them in place is a failure.
  How answers are compared and described: :mod:`nnedu.checks.compare`.
- A case marked ``stable=True`` (sigmoid, softmax, cross-entropy: the lessons teach forms that
  never overflow) fails when numpy warns about overflow, division by zero or an invalid value,
  even if the values come out right (``np.nan_to_num`` after an unclipped log does that). With
  ``discarded_branch_ok=True`` as well (sigmoid: lesson 02 shows its two-branch form) a warning
  is forgiven when every value is right to the last digits (rtol, no atol): the overflow then
  came from numbers the code threw away (``np.where`` computes both branches), not from the
  answer — a naive sigmoid fails that test, σ(−710) coming out 0 instead of 4.5e-309.
- When no single known mistake explains every wrong case, the mistakes that each explain at
  least two of them are shown on the cases they explain (see :func:`_add_mistake_hints`).
- Everything is printed to stdout. Warnings (numpy overflow and the like) and anything the
  student's code writes to stderr become part of the printed lines: nbgrader scores any
  stderr output in a test cell as a failure.

Decision on the result: ``run_checks`` prints its lines and then, if any case failed, raises
:class:`CheckFailed` (an ``AssertionError``) with a one-line message. A failing check cell must
raise so that nbgrader's autograder and nbval see the failure; the check functions return
``None`` when everything passes, because nbgrader would read a returned number as partial
credit. The frames of this module are marked ``__tracebackhide__`` so IPython and pytest show a
short traceback that ends in the check cell.
"""

from __future__ import annotations

import contextlib
import copy
import sys
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from nnedu.checks.compare import (
    _changed_inputs,
    _compare,
    _describe,
    _describe_error,
    _error_hint,
    _first_value_off,
    _same_shape,
    _student_traceback,
)
from nnedu.checks.guard import call_with_time_limit

DEFAULT_TIMEOUT = 2.0  # seconds per case

__all__ = [
    "DEFAULT_TIMEOUT",
    "Case",
    "CaseResult",
    "CheckFailed",
    "CheckResult",
    "Mistake",
    "NotWrittenYet",
    "run_checks",
]


# ---------------------------------------------------------------------------------------------
# The data a check is made of
# ---------------------------------------------------------------------------------------------


@dataclass
class Mistake:
    """A known wrong implementation and the hint to print when the student's output matches it.

    ``func`` takes the same arguments as the student's function. The hint is shown only when the
    student's output matches ``func``'s output and not the right answer.
    """

    func: Callable[..., Any]
    hint: str


@dataclass
class Case:
    """One call of the student's function and the answer it must give.

    Give exactly one of ``expected`` (the answer itself) or ``reference`` (a correct function,
    called with the same arguments). Numbers and arrays are compared with
    ``np.allclose(got, expected, rtol=rtol, atol=atol)`` after checking type and shape; a tuple
    is compared element by element. ``hint`` is printed when the case fails and no known mistake
    matched, and as advice when the case passes but the code raised a warning. With
    ``stable=True`` a numpy overflow, divide-by-zero or invalid-value warning fails the case (with
    ``hint``); with ``discarded_branch_ok=True`` too, not when every value is right to ``rtol``
    with no ``atol``.
    """

    name: str
    args: tuple = ()
    kwargs: dict | None = None
    expected: Any = None
    reference: Callable[..., Any] | None = None
    atol: float = 1e-8
    rtol: float = 1e-6
    mistakes: Sequence[Mistake] = field(default_factory=list)
    hint: str = ""
    stable: bool = False  # a numpy overflow/divide/invalid warning fails the case (see above)
    discarded_branch_ok: bool = False  # … unless the values are exact (see above)

    def __post_init__(self) -> None:
        if not isinstance(self.args, tuple):
            raise TypeError(
                f"Case {self.name!r}: args must be a tuple, e.g. args=(z,) for one argument; "
                f"got {type(self.args).__name__}"
            )
        if (self.expected is None) == (self.reference is None):
            raise ValueError(f"Case {self.name!r}: give exactly one of expected= or reference=")
        if self.kwargs is None:
            self.kwargs = {}


@dataclass
class CaseResult:
    """What happened in one case. ``status`` is one of "passed", "wrong", "error",
    "not written", "timeout" or "not run" (skipped after a time-out)."""

    name: str
    status: str
    message: str = ""  # what went wrong: "expected …, got …"
    hint: str = ""  # why it may have gone wrong
    note: str = ""  # warnings raised by the student's code
    details: str = ""  # traceback, only with verbose=True
    expected: Any = field(default=None, repr=False)  # the right answer
    got: Any = field(default=None, repr=False)  # what the student's function returned

    @property
    def passed(self) -> bool:
        return self.status == "passed"


@dataclass
class CheckResult:
    """All case results of one check."""

    title: str
    cases: list[CaseResult]
    #: the hints come from the closest known mistakes: no single one explains every wrong case
    closest_mistakes: bool = False

    @property
    def n_passed(self) -> int:
        return sum(case.passed for case in self.cases)

    @property
    def n_total(self) -> int:
        return len(self.cases)

    @property
    def all_passed(self) -> bool:
        return self.n_passed == self.n_total

    @property
    def not_written(self) -> bool:
        """True when every case stopped at ``raise NotImplementedError()``."""
        return bool(self.cases) and all(case.status == "not written" for case in self.cases)

    def __repr__(self) -> str:
        return f"CheckResult({self.title!r}: {self.n_passed}/{self.n_total} passed)"


class CheckFailed(AssertionError):
    """Raised at the end of a check when a case failed; ``.result`` holds the details."""

    def __init__(self, message: str, result: CheckResult) -> None:
        super().__init__(message)
        self.result = result

    def _render_traceback_(self) -> list[str]:
        """What Jupyter shows for this error: one line, not a traceback into the checker.

        The ✓/✗ lines printed above already say what is wrong; the checker's own frames
        would only hide them.
        """
        return [f"{type(self).__name__}: {self}"]


class NotWrittenYet(CheckFailed, NotImplementedError):
    """Raised when the student's function still raises ``NotImplementedError`` in every case.

    It is both an ``AssertionError`` and a ``NotImplementedError``, so it counts as a failed test
    and as "the exercise stops here" for tools that look for either.
    """


# ---------------------------------------------------------------------------------------------
# Running a check
# ---------------------------------------------------------------------------------------------


def run_checks(
    title: str,
    student_fn: Callable[..., Any],
    cases: Sequence[Case],
    *,
    timeout: float = DEFAULT_TIMEOUT,
    verbose: bool = False,
    raise_on_failure: bool = True,
) -> CheckResult:
    """Run ``student_fn`` on every case, print one line per case and a summary.

    Raises :class:`CheckFailed` after printing if a case failed (unless
    ``raise_on_failure=False``), :class:`NotWrittenYet` if the function is still the stub.
    Returns the :class:`CheckResult` otherwise.
    """
    __tracebackhide__ = True
    if not callable(student_fn):
        raise TypeError(
            f"{title}: pass your function itself, its name without parentheses "
            f"(like check_sigmoid(sigmoid), not check_sigmoid(sigmoid(z))); "
            f"got {_describe(student_fn)}"
        )
    with contextlib.redirect_stderr(sys.stdout):
        results = []
        for case in cases:
            if results and results[-1].status in ("timeout", "not run"):
                # One endless loop is enough: do not make the student wait for every case.
                results.append(CaseResult(case.name, "not run", "not run (see the time-out above)"))
            else:
                results.append(_run_case(student_fn, case, timeout, verbose))
        closest = _add_mistake_hints(cases, results)
        result = CheckResult(title, results, closest)
        _print_report(result, verbose)
    if raise_on_failure and not result.all_passed:
        # What went wrong is printed above this message, one line per check.
        raise _failure(result)
    return result


def _failure(result: CheckResult) -> CheckFailed:
    if result.not_written:
        return NotWrittenYet(f"{result.title} is not written yet — see the line above", result)
    n_failed = result.n_total - result.n_passed
    message = f"{n_failed} of {result.n_total} checks for {result.title} failed"
    return CheckFailed(message + " — see the lines above", result)


def _run_case(student_fn: Callable, case: Case, timeout: float, verbose: bool) -> CaseResult:
    __tracebackhide__ = True
    expected = case.expected if case.reference is None else _quiet_call(case.reference, case)
    args, kwargs = copy.deepcopy((case.args, case.kwargs))
    outcome = call_with_time_limit(student_fn, args, kwargs, timeout)
    note = "; ".join(outcome.warnings)

    if outcome.timed_out:
        return CaseResult(
            case.name,
            "timeout",
            f"did not finish within {timeout:g} s — is there a loop that never ends?",
        )
    if isinstance(outcome.error, NotImplementedError):
        message = "not written yet (it raises NotImplementedError)"
        return CaseResult(case.name, "not written", message)
    if outcome.error is not None:
        return CaseResult(
            case.name,
            "error",
            f"raised {_describe_error(outcome.error)}",
            hint=_error_hint(outcome.error),
            note=note,
            details=_student_traceback(outcome.error) if verbose else "",
        )

    got = outcome.value
    changed = _changed_inputs(student_fn, (case.args, case.kwargs), (args, kwargs))
    try:
        problem = _compare(expected, got, case.rtol, case.atol, full=verbose)
    except Exception as error:  # a strange return value must not crash the check
        problem = f"could not compare what it returned ({_describe(got)}): {error}"
    if changed:
        message = f"changed its input {changed} in place"
        if problem:
            message += f", and {problem}"
        hint = "leave the inputs alone: build a new array (z = z * 2, not z *= 2 or z[...] = ...)"
        return CaseResult(case.name, "wrong", message, hint, note, expected=expected, got=got)
    if problem is None and case.stable and outcome.float_trouble:
        exact = _compare(expected, got, case.rtol, 0.0) is None
        if exact and case.discarded_branch_ok:
            note += "; from values your code then threw away (np.where computes both branches): "
            note += "the answer is right"
            return CaseResult(case.name, "passed", "", "", note, expected=expected, got=got)
        if exact:
            message = "the values are right, but numpy warned while computing them: an inf or "
            message += "nan was made on the way"
        else:
            message = "numpy warned while computing it, and " + _first_value_off(
                expected, got, case.rtol
            )
        return CaseResult(case.name, "wrong", message, case.hint, note, expected=expected,
                          got=got)
    if problem is None:
        hint = case.hint if note else ""  # advice about the warning
        return CaseResult(case.name, "passed", "", hint, note, expected=expected, got=got)
    return CaseResult(case.name, "wrong", problem, "", note, expected=expected, got=got)


def _quiet_call(fn: Callable, case: Case) -> Any:
    """Call a reference or mistake function on copies of the case's inputs, warnings off."""
    args, kwargs = copy.deepcopy((case.args, case.kwargs))
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        return fn(*args, **kwargs)


def _add_mistake_hints(cases: Sequence[Case], results: list[CaseResult]) -> bool:
    """Give the wrong cases the hint of a known mistake that explains the student's answers.

    A mistake explains the answers when the student's output equals the mistake's output in
    every case that returned something, and differs from the right answer in at least one.
    Matching a single case is not enough: on z = 0 many wrong formulas give the right number,
    and many give the same wrong one.

    Two mistakes at once (a loss averaged over the classes *and* not clipped) match no single
    mistake everywhere. Then the closest ones are used: a mistake that explains at least two
    wrong cases, and gives no wrong answer where the student's was right, puts its hint on the
    cases it explains (most cases first). Returns True when hints were given this way.

    Cases that no mistake explains get the case's own hint, which is about the edge case the
    case tests, when another case passed and the output has the right shape: if nothing works
    yet, or the shape is wrong, that hint would be noise.
    """
    answered = [
        (c, r) for c, r in zip(cases, results, strict=True) if r.status in ("passed", "wrong")
    ]
    mistakes = list({id(m): m for case, _ in answered for m in case.mistakes}.values())
    matches = [(mistake, *_explained_by(mistake, answered)) for mistake in mistakes]
    complete = [(m, explained) for m, explained, partial in matches if explained and not partial]
    for mistake, explained in complete:
        for result in explained:
            result.hint = result.hint or mistake.hint
    closest = not complete and _add_closest_mistakes(matches)
    if any(result.passed for result in results):
        for case, result in answered:
            wrong_values = result.status == "wrong" and _same_shape(result.got, result.expected)
            if wrong_values and not result.hint:
                result.hint = case.hint
    return closest


def _add_closest_mistakes(matches: list[tuple[Mistake, list[CaseResult], bool]]) -> bool:
    """Hints from mistakes that each explain two or more of the wrong cases (see above)."""
    candidates = sorted(
        ((m, explained) for m, explained, blames_a_right_answer in matches
         if len(explained) >= 2 and blames_a_right_answer is not None),
        key=lambda pair: -len(pair[1]),
    )
    given = False
    for mistake, explained in candidates:
        still_open = [result for result in explained if not result.hint]
        if len(still_open) >= 2:
            for result in still_open:
                result.hint = mistake.hint
            given = True
    return given


def _explained_by(
    mistake: Mistake, answered: list[tuple[Case, CaseResult]]
) -> tuple[list[CaseResult], bool | None]:
    """The wrong results that ``mistake`` explains, and whether it disagrees with some answer.

    The second value is False when the mistake agrees with every answer, True when it disagrees
    with some wrong answer only, None when it would have been wrong where the student was right
    (then the student does not make this mistake).
    """
    explained = []
    disagrees = False
    for case, result in answered:
        if mistake not in case.mistakes:
            continue
        try:
            wrong = _quiet_call(mistake.func, case)
            mistake_is_right = _compare(result.expected, wrong, case.rtol, case.atol) is None
            if _compare(wrong, result.got, case.rtol, case.atol) is not None:
                if result.passed and not mistake_is_right:
                    return [], None
                disagrees = True
            elif not result.passed and not mistake_is_right:
                explained.append(result)
        except Exception:  # a mistake that cannot run on this case tells nothing about it
            continue
    return explained, disagrees


# ---------------------------------------------------------------------------------------------
# Printing
# ---------------------------------------------------------------------------------------------


def _print_report(result: CheckResult, verbose: bool) -> None:
    print(f"Checking {result.title}")
    if result.not_written:
        print(
            f"  ✗ {result.title} is not written yet: replace `raise NotImplementedError()` "
            "with your code, then run this cell again."
        )
    else:
        shown_hints: set[str] = set()
        for case in result.cases:
            print("  " + _case_line(case, repeated_hint=case.hint in shown_hints))
            shown_hints.add(case.hint)
            if case.details:
                print("      " + case.details.rstrip().replace("\n", "\n      "))
    if result.closest_mistakes:
        print(
            "  No single known mistake explains every ✗ line; each hint above explains the "
            "lines it is on (two mistakes at once?)."
        )
    if result.all_passed:
        print(f"{result.n_passed}/{result.n_total} checks passed — well done.")
    else:
        print(
            f"{result.n_passed}/{result.n_total} checks passed — fix the ✗ lines above "
            "and run this cell again."
        )


def _case_line(case: CaseResult, repeated_hint: bool = False) -> str:
    if case.passed:
        line = f"✓ {case.name}"
        if case.note:
            line += f" — note: {case.note}"
    else:
        line = f"✗ {case.name}: {case.message}"
        if case.note:
            line += f" ({case.note})"
    if case.hint and repeated_hint:
        line += " — same hint as above"
    elif case.hint:
        line += f" — hint: {case.hint}"
    return line
