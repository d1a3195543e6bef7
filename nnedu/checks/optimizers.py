"""Checks for lesson 08's exercises: SGD, momentum and Adam steps, and Adam on the bowl.

A student's step function takes ``(w, g, state, lr, ...)`` and RETURNS ``(new_w, new_state)``;
it does not change ``w`` or ``state`` in place. The states start as

* SGD: ``{}`` (no memory),
* momentum: ``{"v": zeros like w}``,
* Adam: ``{"m": zeros like w, "v": zeros like w, "t": 0}`` (t = steps taken so far).

A check runs the student's step several times, feeding back the state it returned, and
compares every point visited with :mod:`nnedu.optim` (the right answer) driven on the same
gradients. The gradients are either a fixed list or the gradient of the elongated bowl
f(x, y) = ½ (x² + 25 y²) at the current point.

Adam's ε: ``nnedu.optim`` divides by √v̂ + ε. Some libraries use √(v̂ + ε) instead. With the
gradients used here (none tiny) the two differ by less than the tolerance, so both pass;
every known mistake misses by far more.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from nnedu.checks.runner import DEFAULT_TIMEOUT, Case, Mistake, run_checks
from nnedu.optim import SGD, Adam

__all__ = ["check_adam_step", "check_minimise_bowl", "check_momentum_step", "check_sgd_step"]

#: Where the lesson's races on the bowl start.
BOWL_START = (-4.5, 1.0)


def bowl_gradient(p: np.ndarray) -> np.ndarray:
    """∇f for f(x, y) = ½ (x² + 25 y²): (x, 25 y)."""
    return np.array([p[0], 25.0 * p[1]])


def _gradient(source, k: int, w: np.ndarray) -> np.ndarray:
    """The gradient of step k: row k of a fixed list, or the bowl's gradient at w."""
    if isinstance(source, str):
        return bowl_gradient(w)
    return np.array(source[k], dtype=float)


def _initial_state(kind: str, w: np.ndarray) -> dict:
    if kind == "sgd":
        return {}
    if kind == "momentum":
        return {"v": np.zeros_like(w)}
    return {"m": np.zeros_like(w), "v": np.zeros_like(w), "t": 0}


def _copy_state(state: dict) -> dict:
    return {key: np.array(value, copy=True) if isinstance(value, np.ndarray) else value
            for key, value in state.items()}


def _same_state(a: dict, b: dict) -> bool:
    if a.keys() != b.keys():
        return False
    return all(np.array_equal(a[key], b[key], equal_nan=True) for key in a)


def _run_steps(step: Callable, kind: str, name: str, w0, source, steps: int, lr: float,
               **hyper) -> np.ndarray:
    """Every point visited by ``steps`` calls of ``step``: shape (steps + 1, *w0.shape)."""
    w = np.array(w0, dtype=float)
    state = _initial_state(kind, w)
    path = [w.copy()]
    for k in range(steps):
        g = _gradient(source, k, w)
        w_in, state_in = w.copy(), _copy_state(state)
        result = step(w_in, g, state_in, lr, **hyper)
        if result is None:
            raise TypeError(f"{name} returned None: end it with `return new_w, new_state`")
        if not isinstance(result, (tuple, list)) or len(result) != 2:
            raise TypeError(f"{name} must return two things, the new w and the new state "
                            f"(`return new_w, new_state`); it returned "
                            f"{type(result).__name__} {result!r:.40}")
        new_w, new_state = result
        w_changed = not np.array_equal(w_in, w, equal_nan=True)
        if w_changed or not _same_state(state_in, state):
            example = ("w_new = w - lr * g, not w -= lr * g" if w_changed else
                       "v = mu * state['v'] + g, not v = state['v'] followed by v *= mu")
            raise ValueError(f"{name} changed its input {'w' if w_changed else 'state'} in "
                             f"place (with -=, *= or [...] =): build new arrays and return "
                             f"them ({example})")
        if not isinstance(new_state, dict):
            raise TypeError(f"{name}: the new state must be a dict like the one it got, "
                            f"got {type(new_state).__name__}")
        new_w = np.asarray(new_w, dtype=float)
        if new_w.shape != w.shape:
            raise ValueError(f"{name} returned a new w of shape {new_w.shape}; w has shape "
                             f"{w.shape}")
        w, state = new_w.copy(), _copy_state(new_state)
        path.append(w.copy())
    return np.array(path)


def _library_path(optimizer, w0, source, steps: int) -> np.ndarray:
    """The same run with an nnedu.optim optimizer (which updates w in place)."""
    w = np.array(w0, dtype=float)
    path = [w.copy()]
    for k in range(steps):
        optimizer.step([w], [_gradient(source, k, w)])
        path.append(w.copy())
    return np.array(path)


def _fixed_gradients(seed: int, steps: int, shape: tuple[int, ...], scale=1.0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return np.round(rng.normal(0.0, 1.0, size=(steps, *shape)) * scale, 2)


# ---------------------------------------------------------------------------------------------
# Task 1: SGD
# ---------------------------------------------------------------------------------------------


def _sgd_path(w0, source, steps, lr):
    return _library_path(SGD(lr=lr), w0, source, steps)


def _sgd_mistake(update: Callable) -> Callable:
    def step(w, g, state, lr):
        return update(w, g, lr), state

    return lambda w0, source, steps, lr: _run_steps(step, "sgd", "sgd_step", w0, source,
                                                    steps, lr)


_SGD_MISTAKES = [
    Mistake(_sgd_mistake(lambda w, g, lr: w + lr * g),
            "step AGAINST the gradient: w ← w − η g. With + the loss goes up"),
    Mistake(_sgd_mistake(lambda w, g, lr: w - g),
            "the learning rate is missing: w ← w − η g"),
    Mistake(_sgd_mistake(lambda w, g, lr: -lr * g),
            "return the new weights w − η g, not only the step −η g"),
]


def check_sgd_step(fn: Callable, *, verbose: bool = False,
                   timeout: float = DEFAULT_TIMEOUT) -> None:
    """Check ``fn(w, g, state, lr)`` returns ``(w − lr·g, state)``; runs several steps."""
    __tracebackhide__ = True

    def student(w0, source, steps, lr):
        return _run_steps(fn, "sgd", "sgd_step", w0, source, steps, lr)

    def case(name: str, w0, source, steps: int, lr: float) -> Case:
        return Case(name, args=(np.array(w0, dtype=float), source, steps, lr),
                    reference=_sgd_path, mistakes=_SGD_MISTAKES)

    cases = [
        case("3 steps with the gradient g = (1, −2, 0.5) each time, lr = 0.1 → path",
             [0.0, 1.0, 2.0], np.tile([1.0, -2.0, 0.5], (3, 1)), 3, 0.1),
        case("10 steps on the bowl from (−4.5, 1), lr = 0.05", BOWL_START, "bowl", 10, 0.05),
        case("4 steps on a (2, 3) weight matrix, lr = 0.3", _fixed_gradients(151, 1, (2, 3))[0],
             _fixed_gradients(152, 4, (2, 3)), 4, 0.3),
    ]
    run_checks("sgd_step", student, cases, verbose=verbose, timeout=timeout)


# ---------------------------------------------------------------------------------------------
# Task 2: momentum
# ---------------------------------------------------------------------------------------------


def _momentum_path(w0, source, steps, lr, mu=0.9):
    return _library_path(SGD(lr=lr, momentum=mu), w0, source, steps)


def _momentum_mistake(update: Callable) -> Callable:
    """``update(w, g, v, lr, mu) -> (new_w, new_v)`` as a wrong momentum step."""

    def step(w, g, state, lr, mu=0.9):
        new_w, new_v = update(w, g, state["v"], lr, mu)
        return new_w, {"v": new_v}

    def run(w0, source, steps, lr, mu=0.9):
        return _run_steps(step, "momentum", "momentum_step", w0, source, steps, lr, mu=mu)

    return run


_MOMENTUM_MISTAKES = [
    Mistake(_momentum_mistake(lambda w, g, v, lr, mu: (w - (mu * v - lr * g), mu * v - lr * g)),
            "two conventions are mixed: with v ← μ v − η g (η inside) the step is w ← w + v; "
            "this course uses v ← μ v + g and w ← w − η v. With your signs w goes uphill"),
    Mistake(_momentum_mistake(lambda w, g, v, lr, mu: (w - lr * g, g)),
            "these are plain SGD steps: the velocity must build up from step to step, "
            "v ← μ v + g with the v from the state; the step uses it, w ← w − η v; and the new "
            "v goes back in the returned state, {'v': v}"),
    Mistake(_momentum_mistake(lambda w, g, v, lr, mu: (w - lr * v, mu * v + g)),
            "update v first, then step with the NEW velocity: v ← μ v + g, then w ← w − η v"),
    Mistake(_momentum_mistake(lambda w, g, v, lr, mu: (w - lr * (mu * v + (1 - mu) * g),
                                                       mu * v + (1 - mu) * g)),
            "the velocity is a sum of past gradients, v ← μ v + g, not an average "
            "μ v + (1 − μ) g (that is Adam's m)"),
]


def check_momentum_step(fn: Callable, *, verbose: bool = False,
                        timeout: float = DEFAULT_TIMEOUT) -> None:
    """Check ``fn(w, g, state, lr, mu=0.9)``: v ← μ v + g, w ← w − η v, returning
    ``(new_w, {"v": new_v})``; runs several steps, feeding the state back."""
    __tracebackhide__ = True

    def student(w0, source, steps, lr, mu=0.9):
        return _run_steps(fn, "momentum", "momentum_step", w0, source, steps, lr, mu=mu)

    def case(name: str, w0, source, steps: int, lr: float, mu: float = 0.9) -> Case:
        return Case(name, args=(np.array(w0, dtype=float), source, steps, lr),
                    kwargs={"mu": mu}, reference=_momentum_path, mistakes=_MOMENTUM_MISTAKES)

    cases = [
        case("5 steps with g = 1 each time: the velocity builds up → path", [0.0],
             np.ones((5, 1)), 5, 0.1),
        case("10 steps on the bowl from (−4.5, 1), lr = 0.01", BOWL_START, "bowl", 10, 0.01),
        case("4 steps on a (2, 3) weight matrix, μ = 0.5, lr = 0.2",
             _fixed_gradients(161, 1, (2, 3))[0], _fixed_gradients(162, 4, (2, 3)), 4, 0.2,
             0.5),
    ]
    run_checks("momentum_step", student, cases, verbose=verbose, timeout=timeout)


# ---------------------------------------------------------------------------------------------
# Task 3: Adam
# ---------------------------------------------------------------------------------------------


def _adam_path(w0, source, steps, lr, beta1=0.9, beta2=0.999, eps=1e-8):
    return _library_path(Adam(lr=lr, beta1=beta1, beta2=beta2, eps=eps), w0, source, steps)


def _adam_step_with(*mistakes: str) -> Callable:
    """An Adam step in the student's format with the named mistakes switched on."""
    on = set(mistakes)

    def step(w, g, state, lr, beta1=0.9, beta2=0.999, eps=1e-8):
        if "betas_swapped" in on:
            beta1, beta2 = beta2, beta1
        t = state["t"] if "t_from_0" in on else state["t"] + 1
        if "no_one_minus_beta" in on:
            m = beta1 * state["m"] + g
            v = beta2 * state["v"] + g * g
        else:
            m = beta1 * state["m"] + (1 - beta1) * g
            v = beta2 * state["v"] + (1 - beta2) * (g if "v_of_g" in on else g * g)
        if "no_bias_correction" in on:
            m_hat, v_hat = m, v
        else:
            m_hat = m / (1 - beta1**t)
            v_hat = v if "no_v_correction" in on else v / (1 - beta2**t)
        if "no_sqrt" in on:
            new_w = w - lr * m_hat / (v_hat + eps)
        elif "sqrt_m" in on:
            new_w = w - lr * np.sqrt(m_hat) / (np.sqrt(v_hat) + eps)
        else:
            new_w = w - lr * m_hat / (np.sqrt(v_hat) + eps)
        new_t = state["t"] if "t_not_stored" in on else (t + 1 if "t_from_0" in on else t)
        return new_w, {"m": m, "v": v, "t": new_t}

    return step


def _adam_mistake(*mistakes: str) -> Callable:
    step = _adam_step_with(*mistakes)

    def run(w0, source, steps, lr, **hyper):
        with np.errstate(all="ignore"):
            return _run_steps(step, "adam", "adam_step", w0, source, steps, lr, **hyper)

    return run


_ADAM_MISTAKES = [
    Mistake(_adam_mistake("no_bias_correction"),
            "the bias correction is missing: m̂ = m / (1 − β1^t) and v̂ = v / (1 − β2^t). m and "
            "v start at 0, so without it the first steps are several times too long"),
    Mistake(_adam_mistake("no_v_correction"),
            "correct v too: v̂ = v / (1 − β2^t); without it the early steps are far too long"),
    Mistake(_adam_mistake("t_from_0"),
            "t counts the steps and starts at 1 on the first step: t = state['t'] + 1, then "
            "divide by 1 − β^t. With t = 0, 1 − β^0 = 0 and you divide by zero"),
    Mistake(_adam_mistake("t_not_stored"),
            "return the new step count in the state, {'t': t, ...}: otherwise every step "
            "thinks it is step 1"),
    Mistake(_adam_mistake("sqrt_m"),
            "only v gets the square root: w ← w − η m̂ / (√v̂ + ε). m can be negative, and "
            "√m̂ is not what Adam uses"),
    Mistake(_adam_mistake("no_sqrt"),
            "divide by the square root of v̂: w ← w − η m̂ / (√v̂ + ε). v̂ is an average of g², "
            "√v̂ an average size of g"),
    Mistake(_adam_mistake("v_of_g"),
            "v averages the SQUARED gradients: v ← β2 v + (1 − β2) g²"),
    Mistake(_adam_mistake("betas_swapped"),
            "β1 belongs to m (the gradients), β2 to v (the squared gradients)"),
    Mistake(_adam_mistake("no_one_minus_beta"),
            "m and v are moving AVERAGES: m ← β1 m + (1 − β1) g and v ← β2 v + (1 − β2) g²"),
]


def check_adam_step(fn: Callable, *, verbose: bool = False,
                    timeout: float = DEFAULT_TIMEOUT) -> None:
    """Check ``fn(w, g, state, lr, beta1=0.9, beta2=0.999, eps=1e-8)`` returns
    ``(new_w, {"m": m, "v": v, "t": t})`` with nnedu.optim.Adam's formulas, bias correction
    included; runs several steps, feeding the state back (it starts with t = 0)."""
    __tracebackhide__ = True

    def student(w0, source, steps, lr, **hyper):
        return _run_steps(fn, "adam", "adam_step", w0, source, steps, lr, **hyper)

    def case(name: str, w0, source, steps: int, lr: float, **hyper) -> Case:
        return Case(name, args=(np.array(w0, dtype=float), source, steps, lr), kwargs=hyper,
                    reference=_adam_path, mistakes=_ADAM_MISTAKES, rtol=1e-6, atol=1e-7)

    cases = [
        case("5 steps with g = 2 each time, lr = 0.01: each step is lr long → path", [0.0],
             np.full((5, 1), 2.0), 5, 0.01),
        case("10 steps on the bowl from (−4.5, 1), lr = 0.1", BOWL_START, "bowl", 10, 0.1),
        case("4 steps on a (2, 3) matrix with gradients of very different sizes",
             _fixed_gradients(171, 1, (2, 3))[0],
             _fixed_gradients(172, 4, (2, 3)) * np.array([[0.5], [20.0]]), 4, 0.05),
        case("3 steps with β1 = 0.8, β2 = 0.99, lr = 0.1", [1.0, -1.0, 0.5],
             _fixed_gradients(173, 3, (3,)) + 1.0, 3, 0.1, beta1=0.8, beta2=0.99),
    ]
    run_checks("adam_step", student, cases, verbose=verbose, timeout=timeout)


# ---------------------------------------------------------------------------------------------
# Task 4: Adam on the bowl
# ---------------------------------------------------------------------------------------------


def _minimise_bowl(w0, lr, steps):
    return _adam_path(w0, "bowl", steps, lr)


def _bowl_mistake(gradient: Callable = bowl_gradient, reset: bool = False, stale: bool = False,
                  with_start: bool = True) -> Callable:
    """A wrong minimise_bowl loop, built on a correct Adam step."""
    step = _adam_step_with()

    def minimise(w0, lr, steps):
        w = np.array(w0, dtype=float)
        state = _initial_state("adam", w)
        path = [w] if with_start else []
        g0 = gradient(w)
        for _ in range(steps):
            if reset:
                state = _initial_state("adam", w)
            w, state = step(w, g0 if stale else gradient(w), state, lr)
            path.append(w)
        return np.array(path)

    return minimise


_BOWL_MISTAKES = [
    Mistake(_bowl_mistake(gradient=lambda p: -bowl_gradient(p)),
            "pass the gradient itself, ∇f = (x, 25 y): adam_step subtracts it (the minus sign "
            "is in the step), so −∇f walks uphill"),
    Mistake(_bowl_mistake(gradient=lambda p: np.full(2, 0.5 * (p[0] ** 2 + 25.0 * p[1] ** 2))),
            "adam_step needs the gradient ∇f = (x, 25 y), not the value of f"),
    Mistake(_bowl_mistake(reset=True),
            "create the state once, before the loop: a fresh state on every step forgets m, "
            "v and t, so every step is a first step"),
    Mistake(_bowl_mistake(stale=True),
            "compute the gradient at the CURRENT point, inside the loop, on every step"),
    Mistake(_bowl_mistake(with_start=False),
            "the path starts with the starting point: steps + 1 points in all"),
]


def check_minimise_bowl(fn: Callable, *, verbose: bool = False,
                        timeout: float = DEFAULT_TIMEOUT) -> None:
    """Check ``fn(w0, lr, steps)`` runs Adam on f(x, y) = ½ (x² + 25 y²) from w0 and returns
    every point visited, shape (steps + 1, 2)."""
    __tracebackhide__ = True

    def case(name: str, w0, lr: float, steps: int) -> Case:
        return Case(name, args=(np.array(w0, dtype=float), lr, steps), reference=_minimise_bowl,
                    mistakes=_BOWL_MISTAKES, rtol=1e-6, atol=1e-7)

    cases = [
        case("from (−4.5, 1), lr = 0.1, 20 steps → path (21, 2)", BOWL_START, 0.1, 20),
        case("from (3, −2), lr = 0.3, 15 steps", (3.0, -2.0), 0.3, 15),
    ]
    run_checks("minimise_bowl", fn, cases, verbose=verbose, timeout=timeout)
