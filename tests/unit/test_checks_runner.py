"""The exercise-check runner: it reports every kind of bad student code on stdout and never
crashes, hangs or writes to stderr."""

from __future__ import annotations

import signal
import sys
import threading
import time
import warnings
from pathlib import Path

import numpy as np
import pytest

from nnedu.checks import compare, guard, runner
from nnedu.checks.runner import (
    Case,
    CheckFailed,
    CheckResult,
    Mistake,
    NotWrittenYet,
    run_checks,
)

ROOT = Path(__file__).resolve().parents[2]


def double(x):
    return 2.0 * x


def cases(**extra) -> list[Case]:
    """Two simple cases for a function that doubles its input."""
    return [
        Case("one value", args=(np.array([1.5]),), reference=double, **extra),
        Case("a batch", args=(np.arange(6.0).reshape(2, 3),), reference=double, **extra),
    ]


def failing(student_fn, case_list=None, **kwargs) -> tuple[CheckResult, str]:
    """Run a check that must fail; return its result and the exception message."""
    with pytest.raises(CheckFailed) as info:
        run_checks("double", student_fn, case_list or cases(), **kwargs)
    return info.value.result, str(info.value)


@pytest.fixture(autouse=True)
def nothing_on_stderr(capfd):
    """No test of the runner may leave anything on stderr (nbgrader counts it as a failure)."""
    yield
    assert capfd.readouterr().err == ""


def stdout(capfd) -> str:
    """What was printed so far; stderr must be empty."""
    captured = capfd.readouterr()
    assert captured.err == ""
    return captured.out


# ------------------------------------------------------------------------------ the happy path


def test_a_correct_function_passes_and_prints_one_line_per_case(capfd):
    result = run_checks("double", lambda x: x + x, cases())
    out = stdout(capfd)
    assert result.all_passed and (result.n_passed, result.n_total) == (2, 2)
    assert out.splitlines() == [
        "Checking double",
        "  ✓ one value",
        "  ✓ a batch",
        "2/2 checks passed — well done.",
    ]


def test_expected_value_instead_of_reference():
    case = Case("sum", args=(np.array([1.0, 2.0]),), expected=3.0)
    assert run_checks("sum", np.sum, [case]).all_passed


def test_tolerance_is_per_case():
    loose = Case("close enough", args=(np.array([1.0]),), expected=np.array([2.001]), atol=0.01)
    strict = Case("too far", args=(np.array([1.0]),), expected=np.array([2.001]))
    result, _ = failing(double, [loose, strict])
    assert [case.status for case in result.cases] == ["passed", "wrong"]


def test_tuple_results_are_compared_value_by_value():
    def both(x):
        return x.sum(), 2 * x

    case = Case("pair", args=(np.array([1.0, 2.0]),), expected=(3.0, np.array([2.0, 4.0])))
    assert run_checks("pair", both, [case]).all_passed
    result, _ = failing(lambda x: (x.sum(), 3 * x), [case])
    assert result.cases[0].message.startswith("value 2 of 2: expected [2 4], got [3 6]")
    result, _ = failing(lambda x: x.sum(), [case])
    assert "expected 2 values (a tuple)" in result.cases[0].message


# ------------------------------------------------------------------------------ wrong answers


def test_a_wrong_value_shows_expected_got_and_where(capfd):
    result, message = failing(lambda x: 2.0 * x + (x > 4))
    out = stdout(capfd)
    assert result.cases[0].passed
    assert "✗ a batch: expected [[0 2 4] [6 8 10]] (shape (2, 3)), got [[0 2 4] [6 8 11]]" in out
    assert "largest difference 1 at index (1, 2)" in out
    assert "1/2 checks passed — fix the ✗ lines above" in out
    assert message == "1 of 2 checks for double failed — see the lines above"


def test_check_failed_is_an_assertion_error():
    with pytest.raises(AssertionError):
        run_checks("double", lambda x: x, cases())


def test_no_exception_when_asked_not_to_raise():
    result = run_checks("double", lambda x: x, cases(), raise_on_failure=False)
    assert result.n_passed == 0 and not result.all_passed


def test_returning_none_asks_about_the_return_statement():
    def forgot_return(x):
        2.0 * x  # noqa: B018 - the mistake under test

    result, _ = failing(forgot_return)
    assert all("did you forget the return statement" in case.message for case in result.cases)


@pytest.mark.parametrize(
    ("student_fn", "expected_text"),
    [
        (lambda x: list(2.0 * x), "expected a numpy array of shape (1,), got a list of length 1"),
        (lambda x: (2.0 * x).ravel(), "expected shape (2, 3), got shape (6,)"),
        (lambda x: float(np.sum(2 * x)), "expected a numpy array of shape (1,), got the single"),
        (lambda x: np.array(["a"] * x.size).reshape(x.shape), "expected numbers, got"),
        (lambda x: double, "did you return the function instead of calling it?"),
    ],
)
def test_wrong_types_and_shapes_are_named(student_fn, expected_text):
    result, _ = failing(student_fn)
    assert any(expected_text in case.message for case in result.cases), result.cases


def test_one_number_expected_but_an_array_returned():
    case = Case("sum", args=(np.array([1.0, 2.0]),), expected=3.0)
    result, _ = failing(lambda x: x * 1.0, [case])
    assert result.cases[0].message == "expected one number, got an array of shape (2,)"


def test_nan_is_reported_with_a_count():
    def with_nan(x):
        out = 2.0 * x
        out[..., 0] = np.nan
        return out

    result, _ = failing(with_nan)
    assert "(nan or inf in 2 of 6 values)" in result.cases[1].message


def test_a_strange_return_value_does_not_crash_the_check():
    class Weird:
        def __eq__(self, other):
            raise RuntimeError("no comparing me")

        def __array__(self, *args, **kwargs):
            raise RuntimeError("no converting me")

    result, _ = failing(lambda x: Weird())
    assert all(case.status == "wrong" for case in result.cases)


# ------------------------------------------------------------------------------ hints


def test_a_known_mistake_gives_its_hint(capfd):
    mistakes = [
        Mistake(lambda x: 3.0 * x, "you tripled"),
        Mistake(lambda x: x + 1.0, "you added one"),
    ]
    result, _ = failing(lambda x: x + 1.0, cases(mistakes=mistakes))
    assert [case.hint for case in result.cases] == ["you added one", "you added one"]
    out = stdout(capfd)
    assert "✗ one value: expected [3], got [2.5] — hint: you added one" in out
    assert out.count("you added one") == 1  # the second line says "same hint as above"
    assert "✗ a batch: expected [[0 2 4] [6 8 10]] (shape (2, 3)), got [[1 2 3] [4 5 6]]" in out
    assert "— same hint as above" in out


def test_a_mistake_that_matches_the_right_answer_is_not_blamed():
    # For x = 0 "add zero" equals "double"; the hint must only come where they differ.
    zero = Case("zero", args=(np.array([0.0]),), reference=double,
                mistakes=[Mistake(lambda x: x, "you returned x")])
    result, _ = failing(lambda x: np.array([5.0]), [zero])
    assert result.cases[0].hint == ""


def test_a_mistake_that_cannot_run_is_skipped():
    def broken(x):
        raise ValueError("the mistake itself is broken")

    mistakes = [Mistake(broken, "never shown"), Mistake(lambda x: -x, "you negated")]
    result, _ = failing(lambda x: -x, cases(mistakes=mistakes))
    assert {case.hint for case in result.cases} == {"you negated"}


def test_a_mistake_must_explain_every_answer_not_just_one():
    # x + x*x and the student's 3x agree at x = 1 only: no hint for the case x = 1.
    mistakes = [Mistake(lambda x: x + x * x, "you squared")]
    case_list = [
        Case("one", args=(np.array([1.0]),), reference=double, mistakes=mistakes),
        Case("two", args=(np.array([2.0]),), reference=double, mistakes=mistakes),
    ]
    result, _ = failing(lambda x: 3.0 * x, case_list)
    assert [case.hint for case in result.cases] == ["", ""]
    result, _ = failing(lambda x: x + x * x, case_list)  # right at x = 1, the mistake at x = 2
    assert [(case.status, case.hint) for case in result.cases] == [
        ("passed", ""),
        ("wrong", "you squared"),
    ]


def test_a_mistake_that_only_shows_on_an_edge_case_is_still_recognised():
    # the student is right on ordinary input and matches the mistake on the edge case
    mistakes = [Mistake(lambda x: np.minimum(2.0 * x, 10.0), "you capped at 10")]
    case_list = [
        Case("small", args=(np.array([1.0]),), reference=double, mistakes=mistakes),
        Case("large", args=(np.array([50.0]),), reference=double, mistakes=mistakes),
    ]
    result, _ = failing(lambda x: np.minimum(2.0 * x, 10.0), case_list)
    assert [(case.status, case.hint) for case in result.cases] == [
        ("passed", ""),
        ("wrong", "you capped at 10"),
    ]


def test_the_case_hint_is_shown_for_wrong_values_once_something_works():
    case_list = [
        Case("ordinary", args=(np.array([1.0]),), reference=double),
        Case("edge", args=(np.array([1e6]),), reference=double, hint="think about large x"),
    ]
    result, _ = failing(lambda x: np.minimum(2.0 * x, 10.0), case_list)
    assert result.cases[1].hint == "think about large x"
    result, _ = failing(lambda x: x + 0.5, case_list)  # nothing works: the edge hint is noise
    assert result.cases[1].hint == ""
    result, _ = failing(  # a type problem: the value hint is noise too
        lambda x: 2.0 * x if x[0] < 10 else None, case_list
    )
    assert result.cases[1].hint == ""


def test_two_mistakes_at_once_get_the_closest_hints_each_on_the_cases_it_explains(capfd):
    # The student adds one on small inputs and caps large ones: no single mistake explains all.
    mistakes = [Mistake(lambda x: x + 1.0, "you added one"),
                Mistake(lambda x: np.minimum(2.0 * x, 10.0), "you capped at 10")]
    case_list = [Case(name, args=(np.array([x]),), reference=double, mistakes=mistakes)
                 for name, x in [("a", 2.0), ("b", 3.0), ("c", 50.0), ("d", 60.0)]]

    def both(x):
        return np.where(x > 10, 10.0, x + 1.0)

    result, _ = failing(both, case_list)
    assert [case.hint for case in result.cases] == ["you added one"] * 2 + ["you capped at 10"] * 2
    assert result.closest_mistakes
    assert "No single known mistake explains every ✗ line" in stdout(capfd)


def test_a_closest_mistake_needs_two_cases_and_no_blame_on_a_right_answer():
    mistakes = [Mistake(lambda x: x + 1.0, "you added one")]
    case_list = [Case(name, args=(np.array([x]),), reference=double, mistakes=mistakes)
                 for name, x in [("a", 2.0), ("b", 3.0), ("c", 50.0), ("d", 60.0)]]
    # matches "add one" on one case only: no hint
    result, _ = failing(lambda x: np.where(x == 2.0, 3.0, -x), case_list)
    assert [case.hint for case in result.cases] == [""] * 4
    assert not result.closest_mistakes
    # matches on two cases but is right where the mistake would be wrong: not this mistake
    result, _ = failing(lambda x: np.where(x < 10, x + 1.0, 2.0 * x), case_list)
    assert [case.status for case in result.cases] == ["wrong", "wrong", "passed", "passed"]
    assert "you added one" not in [case.hint for case in result.cases]


def test_a_stable_case_fails_on_an_overflow_that_reaches_the_answer(capfd):
    z = np.array([-710.0, 0.0, 710.0])

    def naive(z):
        return 1.0 / (1.0 + np.exp(-z))

    def branches(z):
        return np.where(z >= 0, 1.0 / (1.0 + np.exp(-z)), np.exp(z) / (1.0 + np.exp(z)))

    def stable_case(**extra):
        return [Case("large", args=(z,), reference=lambda z: np.exp(-np.logaddexp(0.0, -z)),
                     hint="use e^(−|z|)", **extra)]

    for flags in ({"stable": True}, {"stable": True, "discarded_branch_ok": True}):
        result, _ = failing(naive, stable_case(**flags))
        assert result.cases[0].hint == "use e^(−|z|)"
        assert "the value at index 0 is 0 instead of 4.476e-309" in result.cases[0].message
    # without stable=True the same answer passes with a note (and the case hint as advice)
    assert run_checks("sigmoid", naive, stable_case()).all_passed
    # the warning came from a branch np.where threw away: right to the last digits, no advice
    passed = run_checks("sigmoid", branches, stable_case(stable=True, discarded_branch_ok=True))
    assert passed.all_passed and passed.cases[0].hint == ""
    assert "threw away" in passed.cases[0].note
    # ... which only counts where the case allows it
    result, _ = failing(branches, stable_case(stable=True))
    assert result.cases[0].message.startswith("the values are right, but numpy warned")
    stdout(capfd)


def test_a_stable_case_sees_warnings_that_np_seterr_switched_off():
    previous = np.seterr(all="ignore")
    try:
        result = run_checks("sigmoid", lambda z: 1.0 / (1.0 + np.exp(-z)),
                            [Case("large", args=(np.array([-710.0]),),
                                  reference=lambda z: np.exp(-np.logaddexp(0.0, -z)),
                                  stable=True)], raise_on_failure=False)
    finally:
        np.seterr(**previous)
    assert result.cases[0].status == "wrong"


# ------------------------------------------------------------------------------ errors


def test_an_exception_is_one_line_without_traceback(capfd):
    def broken(x):
        return x / 0 + {}["key"]

    result, _ = failing(broken)
    out = stdout(capfd)
    assert "✗ one value: raised KeyError: 'key'" in out
    assert "Traceback" not in out
    assert all(case.status == "error" for case in result.cases)


def test_verbose_shows_the_students_traceback_without_the_runners_frames(capfd):
    def broken(x):
        return {}["key"]

    failing(broken, verbose=True)
    out = stdout(capfd)
    assert "Traceback (most recent call last)" in out
    assert "in broken" in out
    assert runner.__file__ not in out and guard.__file__ not in out


@pytest.mark.parametrize(
    ("student_fn", "hint_text"),
    [
        (lambda x: np.array([max(0.0, x)]), "if, max, min, and, or look at one number"),
        (lambda x: np.array(np.exp(x).tolist()) + np.ones(7), "the shapes do not fit together"),
        (lambda x: np.sum(x, axis=3), "axis=-1 means 'the last axis'"),
        (lambda x: x @ np.ones((5, 2)), "inner sizes must match"),
    ],
)
def test_common_numpy_errors_get_a_hint(student_fn, hint_text):
    result, _ = failing(student_fn)
    assert any(hint_text in case.hint for case in result.cases), result.cases


def test_math_functions_on_arrays_get_a_hint():
    import math

    result, _ = failing(lambda x: math.exp(x))
    assert "use np.exp" in result.cases[1].hint


def test_a_stub_is_not_written_yet(capfd):
    def stub(x):
        # YOUR CODE HERE
        raise NotImplementedError()

    with pytest.raises(NotWrittenYet) as info:
        run_checks("double", stub, cases())
    out = stdout(capfd)
    assert "✗ double is not written yet: replace `raise NotImplementedError()`" in out
    assert "0/2 checks passed" in out
    assert isinstance(info.value, NotImplementedError)
    assert isinstance(info.value, AssertionError)
    assert str(info.value) == "double is not written yet — see the line above"


def test_partly_written_code_lists_the_unwritten_cases():
    def half(x):
        if x.ndim == 2:
            raise NotImplementedError
        return 2 * x

    result, message = failing(half)
    assert [case.status for case in result.cases] == ["passed", "not written"]
    assert "1 of 2 checks" in message


def test_exit_is_caught():
    result, _ = failing(lambda x: sys.exit(3))
    assert "it called exit() or sys.exit()" in result.cases[0].message


def test_keyboard_interrupt_still_stops_the_check():
    def interrupted(x):
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        run_checks("double", interrupted, cases())
    assert signal.getsignal(signal.SIGALRM) is signal.SIG_DFL


def test_passing_a_value_instead_of_the_function_is_a_clear_type_error():
    with pytest.raises(TypeError, match=r"pass your function itself.*got the single number 2"):
        run_checks("double", 2.0, cases())


# ------------------------------------------------------------------------------ inputs


def test_changing_an_input_in_place_fails_and_names_the_argument(capfd):
    def in_place(values):
        values *= 2.0
        return values

    result, _ = failing(in_place)
    out = stdout(capfd)
    assert result.cases[0].message == "changed its input values in place"
    assert "leave the inputs alone" in result.cases[0].hint
    assert "✗ one value: changed its input values in place" in out


def test_changing_a_keyword_argument_is_caught_too():
    def scale(x, factor=None):
        factor[0] = 99.0
        return x * 2.0

    case = Case("k", args=(np.array([1.0]),), kwargs={"factor": np.array([1.0])},
                expected=np.array([2.0]))
    result, _ = failing(scale, [case])
    assert result.cases[0].message == "changed its input factor in place"


def test_the_cases_own_data_is_never_changed():
    data = np.array([1.0, 2.0])
    case = Case("c", args=(data,), reference=double)

    def in_place(x):
        x[:] = 0.0
        return x

    failing(in_place, [case])
    np.testing.assert_array_equal(data, [1.0, 2.0])
    assert run_checks("double", double, [case]).all_passed


# ------------------------------------------------------------------------------ warnings, stderr


def overflowing(x):
    np.exp(np.array([1000.0]))  # overflows; the result is not used
    return 2.0 * x


def test_numpy_warnings_become_a_note_on_stdout(capfd):
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a warning that leaked out of the check would raise here
        result = run_checks("double", overflowing, cases())
    out = stdout(capfd)
    assert "  ✓ one value — note: numpy warned \"overflow encountered in exp\"" in out
    assert result.all_passed
    assert result.cases[1].note == 'numpy warned "overflow encountered in exp"'


def test_warnings_are_shown_next_to_a_wrong_answer(capfd):
    result, _ = failing(lambda x: np.exp(x * 1000.0))
    assert 'numpy warned "overflow encountered in exp"' in result.cases[1].note
    assert '(numpy warned "overflow encountered in exp")' in stdout(capfd)


def test_other_warnings_are_noted_too(capfd):
    def deprecated(x):
        warnings.warn("old style", DeprecationWarning, stacklevel=1)
        return 2.0 * x

    run_checks("double", deprecated, cases())
    assert 'DeprecationWarning: "old style"' in stdout(capfd)


def test_what_the_student_writes_to_stderr_goes_to_stdout(capfd):
    def noisy(x):
        print("debugging", file=sys.stderr)
        return 2.0 * x

    run_checks("double", noisy, cases())
    captured = capfd.readouterr()
    assert "debugging" in captured.out
    assert captured.err == ""


# ------------------------------------------------------------------------------ time limits


def endless(x):
    while True:
        pass


def endless_and_stubborn(x):
    while True:
        try:
            time.sleep(0.01)
        except Exception:  # a student's catch-all must not defeat the time limit
            pass


@pytest.mark.parametrize("student_fn", [endless, endless_and_stubborn, lambda x: time.sleep(60)])
def test_an_endless_loop_is_stopped_and_later_cases_are_skipped(student_fn, capfd):
    result, _ = failing(student_fn, timeout=0.2)
    out = stdout(capfd)
    assert [case.status for case in result.cases] == ["timeout", "not run"]
    assert "✗ one value: did not finish within 0.2 s — is there a loop that never ends?" in out
    assert "✗ a batch: not run (see the time-out above)" in out
    # the alarm was put back as it was
    assert signal.getsignal(signal.SIGALRM) is signal.SIG_DFL
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)


def test_the_alarm_is_used_in_the_main_thread_when_it_is_free():
    assert guard._alarm_available()


def test_a_foreign_alarm_handler_is_left_alone():
    calls = []

    def someone_elses_handler(signum, frame):
        calls.append(signum)

    previous = signal.signal(signal.SIGALRM, someone_elses_handler)
    try:
        assert not guard._alarm_available()
        result, _ = failing(endless, timeout=0.2)  # falls back to a thread
        assert result.cases[0].status == "timeout"
        assert signal.getsignal(signal.SIGALRM) is someone_elses_handler
        assert calls == []
    finally:
        signal.signal(signal.SIGALRM, previous)
    _wait_for_check_threads_to_end()


def test_the_thread_fallback_stops_an_endless_loop(monkeypatch):
    monkeypatch.setattr(guard, "_alarm_available", lambda: False)
    result, _ = failing(endless, timeout=0.2)
    assert result.cases[0].status == "timeout"
    # the abandoned thread was asked to stop and does so
    _wait_for_check_threads_to_end()


def test_the_thread_fallback_reports_results_errors_and_warnings(monkeypatch):
    monkeypatch.setattr(guard, "_alarm_available", lambda: False)
    assert run_checks("double", double, cases()).all_passed
    result, _ = failing(lambda x: 1 / 0)
    assert result.cases[0].message == "raised ZeroDivisionError: division by zero"
    result = run_checks("double", overflowing, cases())
    assert "overflow encountered in exp" in result.cases[0].note


def test_checks_work_outside_the_main_thread():
    results = []
    thread = threading.Thread(target=lambda: results.append(
        run_checks("double", endless, cases(), timeout=0.2, raise_on_failure=False)))
    thread.start()
    thread.join(30)
    assert not thread.is_alive()
    assert results[0].cases[0].status == "timeout"
    _wait_for_check_threads_to_end()


def _wait_for_check_threads_to_end() -> None:
    for thread in threading.enumerate():
        if thread.name == "nnedu-check":
            thread.join(10)
            assert not thread.is_alive(), "the runner's thread did not stop when asked"


# ------------------------------------------------------------------------------ the Case API


def test_case_needs_exactly_one_answer():
    with pytest.raises(ValueError, match="exactly one of expected= or reference="):
        Case("both", args=(1.0,), expected=2.0, reference=double)
    with pytest.raises(ValueError, match="exactly one of expected= or reference="):
        Case("neither", args=(1.0,))


def test_case_args_must_be_a_tuple():
    with pytest.raises(TypeError, match=r"args must be a tuple, e.g. args=\(z,\)"):
        Case("not a tuple", args=np.array([1.0]), reference=double)


def test_long_arrays_are_shortened():
    text = compare._format(np.arange(100.0))
    assert text == "[0 1 2 … 98 99] (shape (100,))"
    assert compare._format(np.array([0.123456, 4.25e-18])) == "[0.1235 4.25e-18]"
    assert compare._format(np.arange(4.0).reshape(2, 2)) == "[[0 1] [2 3]] (shape (2, 2))"


def test_result_repr_is_short():
    result = run_checks("double", double, cases())
    assert repr(result) == "CheckResult('double': 2/2 passed)"


# ------------------------------------------------------------------------------ in a kernel


def test_in_a_jupyter_kernel_the_time_limit_works_and_nothing_reaches_stderr(capfd):
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    pytest.importorskip("ipykernel")
    source = (
        "import sys\n"
        f"sys.path.insert(0, {str(ROOT)!r})\n"
        "import numpy as np\n"
        "from nnedu.checks import check_sigmoid\n"
        "from nnedu.checks import time_limit\n"
        "def naive(z):\n"
        "    return 1 / (1 + np.exp(-z))\n"
        "def endless(z):\n"
        "    while True:\n"
        "        pass\n"
    )
    notebook = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_code_cell(source),
        nbformat.v4.new_code_cell("check_sigmoid(naive)"),
        nbformat.v4.new_code_cell("check_sigmoid(endless, timeout=0.5)"),
        nbformat.v4.new_code_cell("with time_limit(0.5):\n    print(endless(0.0))"),
    ])
    from nnedu.course.execute import KERNEL_NAME, _current_env_kernel_manager

    client = nbclient.NotebookClient(
        notebook,
        timeout=120,
        allow_errors=True,
        kernel_name=KERNEL_NAME,
        kernel_manager_class=_current_env_kernel_manager(),  # this interpreter, not a stray spec
    )
    client.execute()
    capfd.readouterr()  # the kernel process's own start-up messages; cell output is checked below
    naive, looped = notebook.cells[1].outputs, notebook.cells[2].outputs

    # the naive sigmoid overflows on the check's inputs: it fails that case, on stdout only
    assert [output.output_type for output in naive] == ["stream", "error"]
    assert naive[0].name == "stdout"
    assert "3/4 checks passed" in naive[0].text
    assert 'numpy warned "overflow encountered in exp"' in naive[0].text
    assert naive[1].ename == "CheckFailed"

    streams = [output for output in looped if output.output_type == "stream"]
    errors = [output for output in looped if output.output_type == "error"]
    assert [stream.name for stream in streams] == ["stdout"]
    assert "did not finish within 0.5 s" in streams[0].text
    assert [error.ename for error in errors] == ["CheckFailed"]
    assert errors[0].evalue == "4 of 4 checks for sigmoid failed — see the lines above"

    # a demo cell guarded by time_limit stops too, and names the function that was running
    demo = notebook.cells[3].outputs
    assert [output.output_type for output in demo] == ["error"]
    assert demo[0].ename == "TimeLimitExceeded"
    assert demo[0].evalue.startswith("this cell stopped after 0.5 s: endless() was still running")
