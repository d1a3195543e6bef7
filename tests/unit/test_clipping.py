"""Gradient clipping by global norm (nnedu.optim): the norm, the clipped gradients, clipping
inside every optimizer's step and in fit, and clear errors."""

from __future__ import annotations

import numpy as np
import pytest

from nnedu.network import mlp
from nnedu.optim import SGD, Adam, clip_by_global_norm, get_optimizer, global_norm
from nnedu.train import fit


def test_global_norm_is_the_length_of_all_gradients_as_one_vector():
    grads = [np.array([[3.0, 0.0]]), np.array([4.0])]
    assert global_norm(grads) == 5.0
    assert global_norm([np.zeros((2, 2))]) == 0.0


def test_global_norm_of_float32_does_not_overflow():
    assert global_norm([np.full(4, 1e30, dtype=np.float32)]) == pytest.approx(2e30, rel=1e-6)


def test_clipping_shrinks_long_gradients_to_the_limit_and_keeps_the_direction():
    grads = [np.array([[3.0, 0.0]]), np.array([4.0])]
    clipped, norm = clip_by_global_norm(grads, 1.0)
    assert norm == 5.0
    assert global_norm(clipped) == pytest.approx(1.0)
    np.testing.assert_allclose(clipped[0], [[0.6, 0.0]])
    np.testing.assert_allclose(clipped[1], [0.8])
    np.testing.assert_array_equal(grads[0], [[3.0, 0.0]])  # inputs unchanged


def test_short_gradients_are_left_alone():
    grads = [np.array([0.3, -0.4])]
    clipped, norm = clip_by_global_norm(grads, 1.0)
    assert norm == pytest.approx(0.5)
    np.testing.assert_array_equal(clipped[0], grads[0])


def test_clipping_keeps_float32():
    clipped, _ = clip_by_global_norm([np.full(3, 10.0, dtype=np.float32)], 1.0)
    assert clipped[0].dtype == np.float32


@pytest.mark.parametrize("name", ["sgd", "momentum", "adagrad", "rmsprop", "adam"])
def test_a_clipped_step_equals_the_step_on_clipped_gradients(name):
    rng = np.random.default_rng(0)
    w1, w2 = rng.normal(size=(3, 2)), rng.normal(size=2)
    grads = [rng.normal(size=(3, 2)) * 50, rng.normal(size=2) * 50]
    a = [w1.copy(), w2.copy()]
    b = [w1.copy(), w2.copy()]
    clipping = get_optimizer(name, lr=0.1, clip_norm=2.0)
    plain = get_optimizer(name, lr=0.1)
    for _ in range(3):
        clipping.step(a, grads)
        plain.step(b, clip_by_global_norm(grads, 2.0)[0])
    for p, q in zip(a, b, strict=True):
        np.testing.assert_allclose(p, q, rtol=1e-12)
    assert clipping.last_grad_norm == pytest.approx(global_norm(grads))


def test_sgd_step_never_moves_the_weights_further_than_lr_times_the_limit():
    w = [np.zeros(4)]
    SGD(lr=0.1, clip_norm=1.0).step(w, [np.full(4, 1e6)])
    assert np.linalg.norm(w[0]) == pytest.approx(0.1)


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
def test_clipping_rescues_a_run_that_diverges_without_it():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(64, 2)) * 10
    y = X[:, 0] - 2 * X[:, 1]
    settings = dict(loss="mse", optimizer="sgd", lr=0.05, epochs=20, batch_size=16,
                    progress=False)
    with pytest.raises(FloatingPointError):
        fit(mlp((2, 16, 1), output="linear"), X, y, **settings)
    history = fit(mlp((2, 16, 1), output="linear"), X, y, clip_norm=1.0, **settings)
    assert np.all(np.isfinite(history["loss"]))
    assert history["loss"][-1] < 0.01 * history["loss"][0]


def test_fit_refuses_clip_norm_beside_an_optimizer_object():
    with pytest.raises(ValueError, match=r"clip_norm=1.0 would be ignored.*Adam\(clip_norm=1.0\)"):
        fit(mlp((2, 2)), np.ones((4, 2)), [0, 1, 0, 1], optimizer=Adam(), clip_norm=1.0,
            progress=False)


@pytest.mark.parametrize("bad", [0, -1.0, float("inf"), "1", True])
def test_bad_limits_are_explained(bad):
    with pytest.raises(ValueError, match="clip_norm"):
        SGD(lr=0.1, clip_norm=bad)
    with pytest.raises(ValueError, match="max_norm"):
        clip_by_global_norm([np.ones(2)], bad)
