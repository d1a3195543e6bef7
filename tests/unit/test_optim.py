"""nnedu.optim: three steps of every optimizer against numbers worked out by hand.

The expected values are computed here with plain Python floats, one parameter entry at a
time, straight from the update rules in the lesson (not with the optimizer's own code).
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from nnedu import optim

# A 1×2 weight matrix (ndim 2: weight decay applies) and a bias vector (ndim 1: it does not),
# with the gradients of three steps.
W0 = [0.5, -1.0]
B0 = [0.2]
GRADS_W = [[0.1, -0.3], [0.2, 0.1], [-0.4, 0.05]]
GRADS_B = [[0.5], [-0.25], [0.1]]


def run(opt: optim.Optimizer, epochs: tuple[int, ...] = (0, 0, 0)) -> list[list[float]]:
    """Three optimizer steps; returns [W entries..., b entries...] after each step."""
    W = np.array([W0])
    b = np.array(B0)
    W_id, b_id = id(W), id(b)
    after = []
    for k in range(3):
        opt.set_epoch(epochs[k])
        opt.step([W, b], [np.array([GRADS_W[k]]), np.array(GRADS_B[k])])
        after.append([*W.ravel().tolist(), *b.tolist()])
    assert id(W) == W_id and id(b) == b_id  # updated in place
    return after


def by_hand(update, decay=lambda w: 0.0) -> list[list[float]]:
    """Apply ``update(w, g, state, t)`` to each entry separately, for three steps.

    ``decay(w)`` is the regularisation term added to the gradient of weight entries
    (not of biases).
    """
    entries = [(w, [step[i] for step in GRADS_W], True) for i, w in enumerate(W0)]
    entries += [(b, [step[i] for step in GRADS_B], False) for i, b in enumerate(B0)]
    columns = []
    for w, grads, is_weight in entries:
        state: dict[str, float] = {}
        values = []
        for t, g in enumerate(grads, start=1):
            if is_weight:
                g = g + decay(w)
            w = update(w, g, state, t)
            values.append(w)
        columns.append(values)
    return [list(row) for row in zip(*columns)]  # one row per step


def assert_close(got, expected):
    np.testing.assert_allclose(np.array(got), np.array(expected), rtol=1e-12, atol=1e-15)


# ------------------------------------------------------------------ plain SGD, fully by hand
def test_sgd_three_steps_written_out():
    # w ← w − η g with η = 0.1
    expected = [
        [0.5 - 0.1 * 0.1, -1.0 - 0.1 * -0.3, 0.2 - 0.1 * 0.5],      # [0.49, -0.97, 0.15]
        [0.49 - 0.1 * 0.2, -0.97 - 0.1 * 0.1, 0.15 - 0.1 * -0.25],  # [0.47, -0.98, 0.175]
        [0.47 - 0.1 * -0.4, -0.98 - 0.1 * 0.05, 0.175 - 0.1 * 0.1],  # [0.51, -0.985, 0.165]
    ]
    assert_close(run(optim.SGD(lr=0.1)), expected)
    assert_close(expected[2], [0.51, -0.985, 0.165])


def test_momentum_three_steps_written_out():
    # v ← μ v + g ; w ← w − η v, with η = 0.1, μ = 0.9, for the first weight entry
    v1 = 0.1
    w1 = 0.5 - 0.1 * v1
    v2 = 0.9 * v1 + 0.2
    w2 = w1 - 0.1 * v2
    v3 = 0.9 * v2 - 0.4
    w3 = w2 - 0.1 * v3
    got = run(optim.SGD(lr=0.1, momentum=0.9))
    assert_close([row[0] for row in got], [w1, w2, w3])
    assert_close([w1, w2, w3], [0.49, 0.461, 0.4749])


def test_adam_first_step_is_the_learning_rate_times_the_sign():
    # After bias correction m̂ = g and v̂ = g², so the first step is η g / |g| = η sign(g).
    # (Up to ε = 1e-8 in the denominator: η g / (|g| + ε), a relative change below 1e-6.)
    got = run(optim.Adam(lr=0.01))[0]
    np.testing.assert_allclose(got, [0.5 - 0.01, -1.0 + 0.01, 0.2 - 0.01], rtol=1e-6)


# ------------------------------------------------------------------ every optimizer, entrywise
def sgd_rule(lr):
    def update(w, g, state, t):
        return w - lr * g
    return update


def momentum_rule(lr, mu):
    def update(w, g, state, t):
        state["v"] = mu * state.get("v", 0.0) + g
        return w - lr * state["v"]
    return update


def nesterov_rule(lr, mu):
    def update(w, g, state, t):
        state["v"] = mu * state.get("v", 0.0) + g
        return w - lr * (g + mu * state["v"])
    return update


def adagrad_rule(lr, eps=1e-8):
    def update(w, g, state, t):
        state["G"] = state.get("G", 0.0) + g * g
        return w - lr * g / (math.sqrt(state["G"]) + eps)
    return update


def rmsprop_rule(lr, rho=0.9, eps=1e-8):
    def update(w, g, state, t):
        state["s"] = rho * state.get("s", 0.0) + (1 - rho) * g * g
        return w - lr * g / (math.sqrt(state["s"]) + eps)
    return update


def adam_rule(lr, beta1=0.9, beta2=0.999, eps=1e-8):
    def update(w, g, state, t):
        state["m"] = beta1 * state.get("m", 0.0) + (1 - beta1) * g
        state["v"] = beta2 * state.get("v", 0.0) + (1 - beta2) * g * g
        m_hat = state["m"] / (1 - beta1 ** t)  # bias correction
        v_hat = state["v"] / (1 - beta2 ** t)
        return w - lr * m_hat / (math.sqrt(v_hat) + eps)
    return update


OPTIMIZER_CASES = {
    "sgd": (lambda: optim.SGD(lr=0.1), sgd_rule(0.1)),
    "momentum": (lambda: optim.SGD(lr=0.1, momentum=0.9), momentum_rule(0.1, 0.9)),
    "momentum-0.5": (lambda: optim.SGD(lr=0.05, momentum=0.5), momentum_rule(0.05, 0.5)),
    "nesterov": (lambda: optim.SGD(lr=0.1, momentum=0.9, nesterov=True), nesterov_rule(0.1, 0.9)),
    "adagrad": (lambda: optim.Adagrad(lr=0.1), adagrad_rule(0.1)),
    "adagrad-eps": (lambda: optim.Adagrad(lr=0.1, eps=0.5), adagrad_rule(0.1, eps=0.5)),
    "rmsprop": (lambda: optim.RMSprop(lr=0.01), rmsprop_rule(0.01)),
    "rmsprop-rho": (lambda: optim.RMSprop(lr=0.01, rho=0.5), rmsprop_rule(0.01, rho=0.5)),
    "adam": (lambda: optim.Adam(lr=0.01), adam_rule(0.01)),
    "adam-betas": (lambda: optim.Adam(lr=0.1, beta1=0.5, beta2=0.8, eps=1e-3),
                   adam_rule(0.1, beta1=0.5, beta2=0.8, eps=1e-3)),
}


@pytest.mark.parametrize("name", list(OPTIMIZER_CASES))
def test_three_steps_match_the_update_rule(name):
    make, rule = OPTIMIZER_CASES[name]
    assert_close(run(make()), by_hand(rule))


@pytest.mark.parametrize("name", ["sgd", "momentum", "nesterov", "adagrad", "rmsprop", "adam"])
def test_get_optimizer_builds_the_same_optimizer(name):
    opt = optim.get_optimizer(name, lr=0.1)
    rule = {
        "sgd": sgd_rule(0.1), "momentum": momentum_rule(0.1, 0.9),
        "nesterov": nesterov_rule(0.1, 0.9), "adagrad": adagrad_rule(0.1),
        "rmsprop": rmsprop_rule(0.1), "adam": adam_rule(0.1),
    }[name]
    assert_close(run(opt), by_hand(rule))


def test_get_optimizer_defaults_and_case():
    assert isinstance(optim.get_optimizer("Adam"), optim.Adam)
    assert optim.get_optimizer("adam").lr == 0.001
    momentum = optim.get_optimizer("momentum")
    assert isinstance(momentum, optim.SGD) and momentum.momentum == 0.9
    assert not momentum.nesterov
    nesterov = optim.get_optimizer("nesterov")
    assert nesterov.momentum == 0.9 and nesterov.nesterov
    assert optim.get_optimizer("sgd").momentum == 0.0


# ------------------------------------------------------------------ weight decay
@pytest.mark.parametrize("lam", [0.1, 0.01])
def test_l2_weight_decay_touches_weights_only(lam):
    got = run(optim.SGD(lr=0.1, weight_decay=lam))
    expected = by_hand(sgd_rule(0.1), decay=lambda w: lam * w)  # d/dw of (λ/2) w²
    assert_close(got, expected)
    assert_close([row[2] for row in got], [row[2] for row in run(optim.SGD(lr=0.1))])


def test_l1_weight_decay_touches_weights_only():
    lam = 0.05
    got = run(optim.SGD(lr=0.1, l1=lam))
    expected = by_hand(sgd_rule(0.1), decay=lambda w: lam * math.copysign(1.0, w))
    assert_close(got, expected)
    assert_close([row[2] for row in got], [row[2] for row in run(optim.SGD(lr=0.1))])


def test_l1_and_l2_together_with_adam():
    got = run(optim.Adam(lr=0.01, weight_decay=0.1, l1=0.02))
    expected = by_hand(adam_rule(0.01), decay=lambda w: 0.1 * w + 0.02 * math.copysign(1.0, w))
    assert_close(got, expected)


def test_weight_decay_alone_shrinks_a_weight_by_a_known_factor():
    W = np.array([[2.0, -4.0]])
    b = np.array([3.0])
    opt = optim.SGD(lr=0.5, weight_decay=0.1)
    for _ in range(3):
        opt.step([W, b], [np.zeros((1, 2)), np.zeros(1)])
    # with g = 0: w ← w − η λ w = (1 − 0.05) w, three times
    assert_close(W.ravel(), [2.0 * 0.95 ** 3, -4.0 * 0.95 ** 3])
    assert_close(b, [3.0])


# ------------------------------------------------------------------ schedules
@pytest.mark.parametrize(("epoch", "factor"),
                         [(0, 1.0), (9, 1.0), (10, 0.5), (19, 0.5), (20, 0.25), (35, 0.125)])
def test_step_decay_values(epoch, factor):
    assert optim.step_decay(drop=0.5, every=10)(epoch) == factor


def test_step_decay_other_settings():
    schedule = optim.step_decay(drop=0.1, every=3)
    assert [schedule(e) for e in range(7)] == pytest.approx([1, 1, 1, 0.1, 0.1, 0.1, 0.01])


@pytest.mark.parametrize(("total", "min_factor", "epoch", "factor"), [
    (10, 0.0, 0, 1.0),
    (10, 0.0, 5, 0.5),
    (10, 0.0, 10, 0.0),
    (10, 0.0, 15, 0.0),                                   # stays at the minimum afterwards
    (4, 0.0, 1, 0.5 * (1 + math.sqrt(0.5))),              # cos(π/4) = √½
    (4, 0.0, 3, 0.5 * (1 - math.sqrt(0.5))),
    (10, 0.1, 5, 0.1 + 0.9 * 0.5),
    (10, 0.1, 10, 0.1),
])
def test_cosine_values(total, min_factor, epoch, factor):
    assert optim.cosine(total, min_factor)(epoch) == pytest.approx(factor, abs=1e-15)


def test_schedule_scales_the_step():
    opt = optim.SGD(lr=0.1, schedule=optim.step_decay(drop=0.5, every=1))
    got = run(opt, epochs=(0, 1, 2))  # one step in each of epochs 0, 1, 2

    def update(w, g, state, t):
        lr = 0.1 * 0.5 ** (t - 1)  # 0.1, then 0.05, then 0.025
        return w - lr * g

    assert_close(got, by_hand(update))
    assert opt.current_lr == pytest.approx(0.025)


def test_cosine_schedule_in_an_optimizer():
    opt = optim.Adam(lr=0.01, schedule=optim.cosine(4))
    for epoch, factor in [(0, 1.0), (2, 0.5), (4, 0.0)]:
        opt.set_epoch(epoch)
        assert opt.current_lr == pytest.approx(0.01 * factor, abs=1e-18)


def test_state_is_kept_per_parameter():
    opt = optim.SGD(lr=1.0, momentum=0.5)
    a, b = np.zeros(1), np.zeros(1)
    opt.step([a, b], [np.ones(1), -np.ones(1) * 2])
    opt.step([a, b], [np.ones(1), -np.ones(1) * 2])
    # a: v = 1 then 1.5 → a = −2.5 ; b: v = −2 then −3 → b = 5
    assert_close([a[0], b[0]], [-2.5, 5.0])
