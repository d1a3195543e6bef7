"""The time limits of nnedu.checks.guard: imports are not charged, a timed-out thread never keeps
Python from exiting, and a guarded notebook cell stops with a clear error."""

from __future__ import annotations

import builtins
import signal
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import numpy as np
import pytest

from nnedu.checks import CheckFailed, TimeLimitExceeded, check_sigmoid, guard, time_limit
from nnedu.checks.runner import Case, run_checks

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def slow_module(tmp_path, monkeypatch):
    """The name of a fresh module whose import takes 0.6 s (a stand-in for scipy on a busy box)."""
    name = f"slow_to_import_{time.monotonic_ns()}"
    (tmp_path / f"{name}.py").write_text("import time\ntime.sleep(0.6)\nVALUE = 2.0\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    yield name
    sys.modules.pop(name, None)


def _importing_double(module_name: str):
    def double(x):
        module = __import__(module_name)  # what `import slow_to_import_…` does on the first call
        return module.VALUE * x

    return double


def _cases() -> list[Case]:
    return [Case("one value", args=(np.array([1.5]),), expected=np.array([3.0])),
            Case("two values", args=(np.array([1.0, 2.0]),), expected=np.array([2.0, 4.0]))]


@pytest.mark.parametrize("path", ["alarm", "thread"])
def test_a_first_call_import_is_not_charged_to_the_time_limit(path, slow_module, monkeypatch):
    if path == "thread":
        monkeypatch.setattr(guard, "_alarm_available", lambda: False)
    started = time.monotonic()
    result = run_checks("double", _importing_double(slow_module), _cases(), timeout=0.3)
    assert result.all_passed
    assert time.monotonic() - started >= 0.6  # the import really took longer than the limit
    assert builtins.__import__ is guard._plain_import or guard._plain_import is None
    assert not guard._clocks


@pytest.mark.parametrize("path", ["alarm", "thread"])
def test_an_endless_loop_after_a_slow_import_still_times_out(path, slow_module, monkeypatch):
    if path == "thread":
        monkeypatch.setattr(guard, "_alarm_available", lambda: False)

    def import_then_loop(x):
        __import__(slow_module)
        while True:
            pass

    with pytest.raises(CheckFailed) as info:
        run_checks("double", import_then_loop, _cases(), timeout=0.3)
    assert info.value.result.cases[0].status == "timeout"


def test_the_import_allowance_has_a_cap(slow_module, monkeypatch):
    monkeypatch.setattr(guard, "IMPORT_ALLOWANCE", 0.05)
    with pytest.raises(CheckFailed) as info:
        run_checks("double", _importing_double(slow_module), _cases(), timeout=0.3)
    assert info.value.result.cases[0].status == "timeout"


def test_import_is_put_back_after_every_kind_of_call(monkeypatch):
    original = builtins.__import__
    run_checks("double", lambda x: 2 * x, _cases())
    assert builtins.__import__ is original
    monkeypatch.setattr(guard, "_alarm_available", lambda: False)
    with pytest.raises(CheckFailed):
        run_checks("double", lambda x: 1 / 0, _cases())
    assert builtins.__import__ is original
    # two checks at once in two threads, finishing in either order
    threads = [threading.Thread(target=run_checks, args=("double", lambda x: 2 * x, _cases()))
               for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert builtins.__import__ is original
    assert not guard._clocks


def test_a_timed_out_thread_does_not_keep_python_from_exiting():
    # The student's function is stuck in a C call (time.sleep), which the stop request cannot
    # interrupt; the check must still return, and the process must then exit at once.
    script = textwrap.dedent(f"""
        import signal, sys, time
        sys.path.insert(0, {str(ROOT)!r})
        import numpy as np
        from nnedu.checks.runner import Case, run_checks
        signal.signal(signal.SIGALRM, lambda *args: None)  # someone else's alarm: use a thread
        result = run_checks("stuck", lambda x: time.sleep(1000), [Case("one", args=(1.0,),
                            expected=1.0)], timeout=0.2, raise_on_failure=False)
        print(result.cases[0].status, flush=True)
    """)
    started = time.monotonic()
    finished = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                              timeout=120)
    seconds = time.monotonic() - started
    assert finished.returncode == 0, finished.stderr
    assert finished.stdout.splitlines()[-1] == "timeout"
    assert seconds < 60  # far below the 1000 s the stuck thread would need


# ------------------------------------------------------------------------------ time_limit


def endless_demo(z):
    while True:
        pass


def test_time_limit_stops_a_cell_and_names_the_function(monkeypatch):
    monkeypatch.setattr(guard, "_student_function", lambda frame: "endless_demo")
    started = time.monotonic()
    with pytest.raises(TimeLimitExceeded, match=r"^this cell stopped after 0.3 s: endless_demo\(\)"
                                                r" was still running\. Is there a loop"):
        with time_limit(0.3):
            endless_demo(0.0)
    assert time.monotonic() - started < 10
    assert signal.getsignal(signal.SIGALRM) is signal.SIG_DFL
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)


def test_time_limit_names_the_innermost_notebook_function():
    namespace: dict = {}
    exec(compile("def sigmoid(z):\n    while True:\n        pass\n", "<ipython-input-1>", "exec"),
         namespace)
    with pytest.raises(TimeLimitExceeded, match=r"sigmoid\(\) was still running"):
        with time_limit(0.2):
            namespace["sigmoid"](1.0)


def test_time_limit_lets_results_and_errors_through(slow_module):
    with time_limit(0.3):
        value = _importing_double(slow_module)(np.array([1.0]))  # the import is not charged
    assert value.tolist() == [2.0]
    with pytest.raises(NotImplementedError):
        with time_limit(1):
            raise NotImplementedError()
    assert signal.getsignal(signal.SIGALRM) is signal.SIG_DFL


def test_time_limit_lets_checks_inside_it_use_their_own_limit(capfd):
    with time_limit(5):
        with pytest.raises(CheckFailed) as info:
            check_sigmoid(endless_demo, timeout=0.2)
    assert info.value.result.cases[0].status == "timeout"
    assert "did not finish within 0.2 s" in capfd.readouterr().out


def test_time_limit_outside_the_main_thread_runs_the_block_without_a_limit():
    results = []

    def work():
        with time_limit(0.1):
            time.sleep(0.3)
            results.append("finished")

    thread = threading.Thread(target=work)
    thread.start()
    thread.join(30)
    assert results == ["finished"]


@pytest.mark.parametrize("seconds", [0, -1, "5", True, float("nan")])
def test_time_limit_needs_a_positive_number(seconds):
    with pytest.raises(ValueError, match="time_limit: seconds must be a positive number"):
        with time_limit(seconds):
            pass
