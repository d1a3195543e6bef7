"""Time limits for running a student's code: in a check, and in the cells that show it at work.

Two ways in:

- :func:`call_with_time_limit` (used by every check) calls a function once and reports what
  happened — its value, the exception it raised, the warnings numpy gave, or that it ran out of
  time. It never raises.
- :func:`time_limit` guards a whole notebook cell that calls the student's functions (a plot of
  their sigmoid, a short training run)::

      with time_limit(5):
          print(sigmoid_derivative(0.0))

  If the block is still running after 5 seconds it stops with a :class:`TimeLimitExceeded`
  error that names the function that was running, instead of waiting for the notebook's (or the
  autograder's) own cell timeout.

How the limit works:

- On Unix, in the main thread (where a Jupyter kernel runs a cell), a ``SIGALRM`` timer raises
  an exception inside the running code, so an endless loop really stops. Elsewhere (Windows,
  another thread, or when some other tool already uses ``SIGALRM``), :func:`call_with_time_limit`
  runs the call in a *daemon* thread and stops waiting after the limit; the thread is asked to
  stop (which ends pure-Python loops, not a long call inside numpy) and, being a daemon, never
  keeps Python from exiting. :func:`time_limit` cannot move a block into a thread: there it
  simply runs the block without a limit.
- Time spent importing modules is not charged to the limit (up to :data:`IMPORT_ALLOWANCE`
  seconds): a student's function that does ``from scipy.special import expit`` on its first call
  must not fail because importing scipy took a second on a busy machine.
"""

from __future__ import annotations

import builtins
import contextlib
import signal
import threading
import time
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from types import FrameType
from typing import Any

import numpy as np

#: Seconds of import time per guarded call that are not charged to its limit.
IMPORT_ALLOWANCE = 20.0

#: How often the alarm looks again after the first ring (seconds).
_RECHECK = 0.05

__all__ = ["IMPORT_ALLOWANCE", "TimeLimitExceeded", "call_with_time_limit", "time_limit"]


class TimeLimitExceeded(TimeoutError):
    """A cell guarded by :func:`time_limit` ran out of time."""


class _TimeLimit(BaseException):
    """Raised inside the student's code when the time limit is reached.

    A BaseException, so that ``except Exception:`` in the student's code does not swallow it.
    """


@dataclass
class Outcome:
    """What came back from one call of the student's function."""

    value: Any = None
    error: BaseException | None = None
    timed_out: bool = False
    warnings: list[str] = field(default_factory=list)
    #: numpy warned about overflow, division by zero or an invalid value (nan)
    float_trouble: bool = False


# ---------------------------------------------------------------------------------------------
# The clock: elapsed time minus time spent importing
# ---------------------------------------------------------------------------------------------


class _Clock:
    """Seconds charged to a guarded call: wall time minus the time one thread spent importing.

    While a clock is running, ``builtins.__import__`` (what every ``import`` statement calls) is
    wrapped by :func:`_timed_import`, which times the outermost imports of the watched threads.
    """

    def __init__(self, limit: float) -> None:
        self.limit = limit
        self.thread_id = threading.get_ident()
        self.start = time.monotonic()
        self.imported = 0.0  # seconds spent in finished imports
        self.import_started: float | None = None  # start of the import running now
        self.stopped = False

    def __enter__(self) -> _Clock:
        self.start = time.monotonic()
        _watch(self, self.thread_id)
        return self

    def __exit__(self, *exc: object) -> None:
        self.stopped = True
        _unwatch(self)

    def watch(self, thread_id: int) -> None:
        """Time the imports of this thread instead (not once the clock has stopped)."""
        _unwatch(self)
        self.thread_id = thread_id
        _watch(self, thread_id)

    def charged(self) -> float:
        """Seconds that count towards the limit so far."""
        now = time.monotonic()
        importing = self.imported
        started = self.import_started
        if started is not None:
            importing += now - started
        return now - self.start - min(importing, IMPORT_ALLOWANCE)

    def expired(self) -> bool:
        return self.charged() >= self.limit


_clocks: dict[int, list[_Clock]] = {}  # thread id -> the clocks timing its imports
_clocks_lock = threading.Lock()
_plain_import: Callable[..., Any] | None = None  # builtins.__import__ before we wrapped it


def _timed_import(*args: Any, **kwargs: Any) -> Any:
    """``builtins.__import__`` while a clock runs: the same import, timed for the clocks."""
    assert _plain_import is not None
    plain = _plain_import
    clocks = tuple(_clocks.get(threading.get_ident(), ()))
    if not clocks or any(clock.import_started is not None for clock in clocks):
        return plain(*args, **kwargs)  # not watched, or an import inside an import
    start = time.monotonic()
    for clock in clocks:
        clock.import_started = start
    try:
        return plain(*args, **kwargs)
    finally:
        seconds = time.monotonic() - start
        for clock in clocks:
            clock.imported += seconds
            clock.import_started = None


def _watch(clock: _Clock, thread_id: int) -> None:
    global _plain_import
    with _clocks_lock:
        if clock.stopped:  # a late thread: the call it belonged to is over
            return
        if not any(_clocks.values()) and builtins.__import__ is not _timed_import:
            _plain_import = builtins.__import__
            builtins.__import__ = _timed_import
        _clocks.setdefault(thread_id, []).append(clock)


def _unwatch(clock: _Clock) -> None:
    with _clocks_lock:
        watching = _clocks.get(clock.thread_id, [])
        if clock in watching:
            watching.remove(clock)
        if not watching:
            _clocks.pop(clock.thread_id, None)
        if not any(_clocks.values()) and builtins.__import__ is _timed_import:
            builtins.__import__ = _plain_import


# ---------------------------------------------------------------------------------------------
# One call with a time limit
# ---------------------------------------------------------------------------------------------

_FLOAT_TROUBLE = ("overflow", "divide by zero", "invalid value")


def call_with_time_limit(fn: Callable, args: tuple, kwargs: dict, timeout: float) -> Outcome:
    """Call ``fn(*args, **kwargs)`` with a time limit; record warnings instead of showing them.

    numpy's overflow, divide-by-zero and invalid-value warnings are switched on for the call
    (whatever ``np.seterr`` says outside), so that a check sees them.
    """
    __tracebackhide__ = True
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with np.errstate(over="warn", divide="warn", invalid="warn", under="ignore"):
            if _alarm_available():
                outcome = _call_with_alarm(fn, args, kwargs, timeout)
            else:
                outcome = _call_in_thread(fn, args, kwargs, timeout)
    for warning in caught:
        if issubclass(warning.category, RuntimeWarning):
            text = f'numpy warned "{warning.message}"'
            if any(word in str(warning.message) for word in _FLOAT_TROUBLE):
                outcome.float_trouble = True
        else:
            text = f'{warning.category.__name__}: "{warning.message}"'
        if text not in outcome.warnings:
            outcome.warnings.append(text)
    return outcome


def _alarm_available() -> bool:
    """SIGALRM can be used: Unix, main thread, and no one else is using the timer."""
    if not hasattr(signal, "setitimer"):
        return False
    if threading.current_thread() is not threading.main_thread():
        return False
    handler_is_free = signal.getsignal(signal.SIGALRM) in (signal.SIG_DFL, signal.SIG_IGN)
    timer_is_free = signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)
    return handler_is_free and timer_is_free


@contextlib.contextmanager
def _alarm(clock: _Clock) -> Iterator[dict]:
    """Raise _TimeLimit in the main thread once ``clock`` has expired.

    The timer rings after the limit and then every 0.05 s: again if the student's code swallowed
    the first one, and to look at the clock again when time went into imports.
    """
    state = {"armed": True, "frame": None}

    def on_alarm(signum: int, frame: FrameType | None) -> None:
        if state["armed"] and clock.expired():
            state["frame"] = frame
            raise _TimeLimit

    previous = signal.signal(signal.SIGALRM, on_alarm)
    try:
        signal.setitimer(signal.ITIMER_REAL, max(clock.limit, 0.001), _RECHECK)
        yield state
    finally:
        state["armed"] = False
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _call_with_alarm(fn: Callable, args: tuple, kwargs: dict, timeout: float) -> Outcome:
    """Stop the call after ``timeout`` seconds with a SIGALRM timer (main thread, Unix)."""
    try:
        with _Clock(timeout) as clock, _alarm(clock):
            value = fn(*args, **kwargs)
        return Outcome(value=value)
    except _TimeLimit:
        return Outcome(timed_out=True)
    except (Exception, SystemExit) as error:
        return Outcome(error=error)


def _call_in_thread(fn: Callable, args: tuple, kwargs: dict, timeout: float) -> Outcome:
    """Run the call in a daemon thread and stop waiting after ``timeout`` seconds.

    The thread is a daemon: if it is still stuck (say, in a long numpy call) when the program
    ends, Python exits without waiting for it.
    """
    box: dict[str, Any] = {}
    clock = _Clock(timeout)

    def target() -> None:
        clock.watch(threading.get_ident())  # from now on, this thread's imports are timed
        try:
            box["value"] = fn(*args, **kwargs)
        except BaseException as error:  # the thread must not print a traceback to stderr
            box["error"] = error

    thread = threading.Thread(target=target, name="nnedu-check", daemon=True)
    with clock:
        thread.start()
        while thread.is_alive() and not clock.expired():
            thread.join(_RECHECK)
    if thread.is_alive():
        _ask_thread_to_stop(thread)
        return Outcome(timed_out=True)
    if isinstance(box.get("error"), _TimeLimit):
        return Outcome(timed_out=True)
    return Outcome(value=box.get("value"), error=box.get("error"))


def _ask_thread_to_stop(thread: threading.Thread) -> None:
    """Raise _TimeLimit inside a running thread (CPython only; ends pure-Python loops)."""
    try:
        import ctypes

        ctypes.pythonapi.PyThreadState_SetAsyncExc(
            ctypes.c_ulong(thread.ident), ctypes.py_object(_TimeLimit)
        )
    except Exception:  # not CPython: the thread keeps running in the background
        pass


# ---------------------------------------------------------------------------------------------
# A whole cell with a time limit
# ---------------------------------------------------------------------------------------------


@contextlib.contextmanager
def time_limit(seconds: float = 5.0) -> Iterator[None]:
    """Stop the ``with`` block after ``seconds`` (not counting imports), naming what was running.

    For notebook cells that call the student's functions: a function that never returns stops
    the cell with :class:`TimeLimitExceeded` instead of hanging it. Errors raised in the block
    (``NotImplementedError`` from an unwritten function, …) pass through unchanged. Outside the
    main thread, or where ``SIGALRM`` is missing or taken, the block runs without a limit.
    """
    __tracebackhide__ = True
    if isinstance(seconds, bool) or not isinstance(seconds, (int, float)) or not seconds > 0:
        raise ValueError(f"time_limit: seconds must be a positive number, got {seconds!r}")
    if not _alarm_available():
        yield
        return
    try:
        with _Clock(float(seconds)) as clock, _alarm(clock) as state:
            yield
    except _TimeLimit:
        where = _student_function(state["frame"])
        what = f"{where}() was still running" if where else "it was still running"
        raise TimeLimitExceeded(
            f"this cell stopped after {seconds:g} s: {what}. Is there a loop that never ends? "
            "Fix the function above, run its cell, then run this cell again."
        ) from None


def _student_function(frame: FrameType | None) -> str:
    """The name of the innermost function defined in the notebook (not in a library)."""
    while frame is not None:
        code = frame.f_code
        filename = code.co_filename
        in_notebook = filename.startswith("<") or "ipykernel" in filename
        if in_notebook and code.co_name not in ("<module>", "<lambda>"):
            return code.co_name
        frame = frame.f_back
    return ""
