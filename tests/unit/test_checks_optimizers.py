"""The checks of exercise set 08 (optimizers): right answers written in other ways pass (also
Adam with ε inside the square root), the known mistakes fail with their hint, bad code is
reported without crashing, and the references are nnedu.optim's optimizers."""

from __future__ import annotations

import time

import numpy as np
import pytest
from student_code import assert_fails_with_hint, right_cases, wrong_cases

from nnedu import checks
from nnedu.checks import CheckFailed, NotWrittenYet
from nnedu.checks import optimizers as module
from nnedu.optim import SGD, Adam


@pytest.fixture(autouse=True)
def nothing_on_stderr(capfd):
    """A check never writes to stderr (nbgrader would score the cell 0)."""
    yield
    assert capfd.readouterr().err == ""


# ----------------------------------------------------------------------------- student code

def sgd_step(w, g, state, lr):
    return w - lr * g, state


def sgd_step_library(w, g, state, lr):
    w = w.copy()
    SGD(lr=lr).step([w], [g])
    return w, {}


def momentum_step(w, g, state, lr, mu=0.9):
    v = mu * state["v"] + g
    return w - lr * v, {"v": v}


def momentum_step_library(w, g, state, lr, mu=0.9):
    w = w.copy()
    opt = SGD(lr=lr, momentum=mu)
    opt.state = [{"velocity": state["v"].copy()}]
    opt.step([w], [g])
    return w, {"v": opt.state[0]["velocity"]}


def adam_step_library(w, g, state, lr, beta1=0.9, beta2=0.999, eps=1e-8):
    w = w.copy()
    opt = Adam(lr=lr, beta1=beta1, beta2=beta2, eps=eps)
    opt.t, opt.state = state["t"], [{"m": state["m"].copy(), "v": state["v"].copy()}]
    opt.step([w], [g])  # counts t up by one
    return w, {"m": opt.state[0]["m"], "v": opt.state[0]["v"], "t": opt.t}


def momentum_step_eta_inside(w, g, state, lr, mu=0.9):
    # The other convention, v ← μ v − η g, w ← w + v: the same points for a fixed η.
    v = mu * state["v"] - lr * g
    return w + v, {"v": v}


def momentum_step_with(update):
    def step(w, g, state, lr, mu=0.9):
        new_w, new_v = update(w, g, state["v"], lr, mu)
        return new_w, {"v": new_v}

    return step


def momentum_in_place(w, g, state, lr, mu=0.9):
    v = state["v"]
    v *= mu
    v += g
    return w - lr * v, {"v": v}


def adam_step(w, g, state, lr, beta1=0.9, beta2=0.999, eps=1e-8):
    t = state["t"] + 1
    m = beta1 * state["m"] + (1 - beta1) * g
    v = beta2 * state["v"] + (1 - beta2) * g**2
    m_hat = m / (1 - beta1**t)
    v_hat = v / (1 - beta2**t)
    return w - lr * m_hat / (np.sqrt(v_hat) + eps), {"m": m, "v": v, "t": t}


def adam_step_eps_inside(w, g, state, lr, beta1=0.9, beta2=0.999, eps=1e-8):
    t = state["t"] + 1
    m = beta1 * state["m"] + (1 - beta1) * g
    v = beta2 * state["v"] + (1 - beta2) * g * g
    m_hat, v_hat = m / (1 - beta1**t), v / (1 - beta2**t)
    return w - lr * m_hat / np.sqrt(v_hat + eps), {"m": m, "v": v, "t": t}


def adam_step_folded_correction(w, g, state, lr, beta1=0.9, beta2=0.999, eps=1e-8):
    # The paper's faster form: fold both corrections into the learning rate (ε moves slightly).
    t = state["t"] + 1
    m = beta1 * state["m"] + (1 - beta1) * g
    v = beta2 * state["v"] + (1 - beta2) * g * g
    lr_t = lr * np.sqrt(1 - beta2**t) / (1 - beta1**t)
    return w - lr_t * m / (np.sqrt(v) + eps), {"m": m, "v": v, "t": t}


def adam_step_with(bias_correction=True, t_start=1, store_t=True, sqrt_m=False, sqrt=True,
                   square=True, swap_betas=False, averages=True, correct_v=True):
    def step(w, g, state, lr, beta1=0.9, beta2=0.999, eps=1e-8):
        if swap_betas:
            beta1, beta2 = beta2, beta1
        t = state["t"] + t_start
        if averages:
            m = beta1 * state["m"] + (1 - beta1) * g
            v = beta2 * state["v"] + (1 - beta2) * (g * g if square else g)
        else:
            m = beta1 * state["m"] + g
            v = beta2 * state["v"] + g * g
        m_hat = m / (1 - beta1**t) if bias_correction else m
        v_hat = v / (1 - beta2**t) if bias_correction and correct_v else v
        top = np.sqrt(m_hat) if sqrt_m else m_hat
        bottom = np.sqrt(v_hat) + eps if sqrt else v_hat + eps
        new_t = (t + 1 - t_start) if store_t else state["t"]
        return w - lr * top / bottom, {"m": m, "v": v, "t": new_t}

    return step


def minimise_bowl_with(step=adam_step, sign=1.0, value=False, reset=False, stale=False,
                       start=True, scale=(1.0, 1.0)):
    def minimise_bowl(w0, lr, steps):
        w = np.array(w0, dtype=float)
        state = {"m": np.zeros(2), "v": np.zeros(2), "t": 0}
        path = [w] if start else []
        g_first = np.array([w[0], 25 * w[1]])
        for _ in range(steps):
            if reset:
                state = {"m": np.zeros(2), "v": np.zeros(2), "t": 0}
            g = g_first if stale else sign * np.array([w[0], 25 * w[1]]) * np.array(scale)
            if value:
                g = np.full(2, 0.5 * (w[0] ** 2 + 25 * w[1] ** 2))
            w, state = step(w, g, state, lr)
            path.append(w)
        return np.array(path)

    return minimise_bowl


def minimise_bowl_library(w0, lr, steps):
    w = np.array(w0, dtype=float)
    opt = Adam(lr=lr)
    path = [w.copy()]
    for _ in range(steps):
        opt.step([w], [np.array([w[0], 25.0 * w[1]])])
        path.append(w.copy())
    return np.stack(path)


RIGHT = {
    "check_sgd_step": [sgd_step, sgd_step_library,
                       lambda w, g, state, lr: (np.subtract(w, lr * g), dict(state))],
    "check_momentum_step": [momentum_step, momentum_step_eta_inside, momentum_step_library],
    "check_adam_step": [adam_step, adam_step_eps_inside, adam_step_folded_correction,
                        adam_step_library],
    "check_minimise_bowl": [minimise_bowl_with(), minimise_bowl_with(adam_step_eps_inside),
                            minimise_bowl_library,
                            # Adam ignores a positive factor on a coordinate's gradient (up to
                            # ε): a gradient of 2·f would give the same path, so it passes
                            minimise_bowl_with(scale=(2.0, 2.0))],
}

WRONG = {
    "check_sgd_step": [
        (lambda w, g, state, lr: (w + lr * g, state), "step AGAINST the gradient"),
        (lambda w, g, state, lr: (w - g, state), "the learning rate is missing"),
        (lambda w, g, state, lr: (-lr * g, state), "not only the step −η g"),
    ],
    "check_momentum_step": [
        (momentum_step_with(lambda w, g, v, lr, mu: (w - (mu * v - lr * g), mu * v - lr * g)),
         "two conventions are mixed"),
        (momentum_step_with(lambda w, g, v, lr, mu: (w - lr * g, mu * v + g)),
         "these are plain SGD steps"),
        (momentum_step_with(lambda w, g, v, lr, mu: (w - lr * v, mu * v + g)),
         "then step with the NEW velocity"),
        (momentum_step_with(lambda w, g, v, lr, mu: (w - lr * (mu * v + (1 - mu) * g),
                                                     mu * v + (1 - mu) * g)),
         "not an average"),
        (momentum_step_with(lambda w, g, v, lr, mu: (w - lr * (mu * v + g), v)),
         "the new v goes back in the returned state"),
    ],
    "check_adam_step": [
        (adam_step_with(bias_correction=False), "the bias correction is missing"),
        (adam_step_with(correct_v=False), "correct v too"),
        (adam_step_with(t_start=0), "With t = 0, 1 − β^0 = 0"),
        (adam_step_with(store_t=False), "return the new step count in the state"),
        (adam_step_with(sqrt_m=True), "only v gets the square root"),
        (adam_step_with(sqrt=False), "divide by the square root of v̂"),
        (adam_step_with(square=False), "v averages the SQUARED gradients"),
        (adam_step_with(swap_betas=True), "β1 belongs to m"),
        (adam_step_with(averages=False), "m and v are moving AVERAGES"),
    ],
    "check_minimise_bowl": [
        (minimise_bowl_with(sign=-1.0), "−∇f walks uphill"),
        (minimise_bowl_with(value=True), "not the value of f"),
        (minimise_bowl_with(reset=True), "create the state once"),
        (minimise_bowl_with(stale=True), "at the CURRENT point"),
        (minimise_bowl_with(start=False), "the path starts with the starting point"),
    ],
}

CHECK_NAMES = sorted(RIGHT)


def test_every_check_of_the_module_is_exported_and_tested():
    assert sorted(module.__all__) == CHECK_NAMES
    assert all(getattr(checks, name) is getattr(module, name) for name in CHECK_NAMES)
    assert all(len(WRONG[name]) >= 2 for name in CHECK_NAMES)


@pytest.mark.parametrize(("name", "student_fn"), right_cases(RIGHT))
def test_right_answers_written_another_way_pass(name, student_fn, capfd):
    assert getattr(checks, name)(student_fn) is None
    out = capfd.readouterr().out
    assert "✗" not in out and "note:" not in out
    assert "checks passed — well done." in out


@pytest.mark.parametrize(("name", "student_fn", "hint"), wrong_cases(WRONG))
def test_known_mistakes_fail_with_their_hint(name, student_fn, hint, capfd):
    assert_fails_with_hint(getattr(checks, name), student_fn, hint, capfd)


def test_the_mistake_free_adam_step_is_nnedus_adam():
    """The written-out step that the mistakes switch off is exactly nnedu.optim.Adam."""
    step = module._adam_step_with()
    rng = np.random.default_rng(0)
    grads = rng.normal(size=(6, 3))
    for hyper in ({}, {"beta1": 0.8, "beta2": 0.99, "eps": 1e-6}):
        ours = module._run_steps(step, "adam", "adam_step", np.zeros(3), grads, 6, 0.1, **hyper)
        theirs = module._adam_path(np.zeros(3), grads, 6, 0.1, **hyper)
        np.testing.assert_allclose(ours, theirs, rtol=1e-14, atol=1e-15)


def test_eps_inside_the_root_is_far_inside_the_tolerance():
    """The documented decision: √(v̂ + ε) passes with a wide margin, not by luck."""
    for case_args, hyper in [((np.array(module.BOWL_START), "bowl", 10, 0.1), {}),
                             ((np.array([1.0, -1.0, 0.5]),
                               module._fixed_gradients(173, 3, (3,)) + 1.0, 3, 0.1),
                              {"beta1": 0.8, "beta2": 0.99})]:
        ours = module._run_steps(adam_step_eps_inside, "adam", "adam_step", *case_args, **hyper)
        theirs = module._adam_path(*case_args, **hyper)
        assert np.all(np.abs(ours - theirs) < 0.01 * (1e-7 + 1e-6 * np.abs(theirs)))


@pytest.mark.parametrize(("name", "student_fn"), [
    ("check_sgd_step", lambda w, g, state, lr: (w.__isub__(lr * g), state)),
    ("check_momentum_step", momentum_in_place),
])
def test_changing_w_or_the_state_in_place_is_explained(name, student_fn, capfd):
    with pytest.raises(CheckFailed) as info:
        getattr(checks, name)(student_fn)
    assert all(case.status == "error" for case in info.value.result.cases)
    assert "place (with -=, *= or [...] =): build new arrays and return them" in (
        capfd.readouterr().out)


def test_returning_only_w_is_explained(capfd):
    with pytest.raises(CheckFailed):
        checks.check_sgd_step(lambda w, g, state, lr: w - lr * g)
    assert "sgd_step must return two things, the new w and the new state" in (
        capfd.readouterr().out)


def raises(*args, **kwargs):
    raise ValueError("something went wrong")


def returns_none(*args, **kwargs):
    return None


def not_written(*args, **kwargs):
    # YOUR CODE HERE
    raise NotImplementedError()


def loops_forever(*args, **kwargs):
    while True:
        time.sleep(0.001)


NONE_TEXT = {
    "check_sgd_step": "sgd_step returned None: end it with `return new_w, new_state`",
    "check_momentum_step": "momentum_step returned None",
    "check_adam_step": "adam_step returned None",
    "check_minimise_bowl": "got None — did you forget the return statement?",
}


@pytest.mark.parametrize("name", CHECK_NAMES)
@pytest.mark.parametrize(
    ("student_fn", "text"),
    [
        (raises, "raised ValueError: something went wrong"),
        (returns_none, None),
        (loops_forever, "did not finish within 0.2 s"),
    ],
    ids=["raises", "returns-none", "loops-forever"],
)
def test_bad_code_is_reported_and_never_crashes(name, student_fn, text, capfd):
    with pytest.raises(CheckFailed) as info:
        getattr(checks, name)(student_fn, timeout=0.2)
    first = info.value.result.cases[0]
    assert not first.passed
    assert (text or NONE_TEXT[name]) in first.message
    assert "Traceback" not in capfd.readouterr().out


@pytest.mark.parametrize("name", CHECK_NAMES)
def test_the_stub_is_not_written_yet(name, capfd):
    with pytest.raises(NotWrittenYet):
        getattr(checks, name)(not_written)
    assert "is not written yet: replace `raise NotImplementedError()`" in capfd.readouterr().out
