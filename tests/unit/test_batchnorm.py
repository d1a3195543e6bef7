"""nnedu.batchnorm: BatchNorm's forward in training and evaluation, its running statistics,
its gradient (checked in float64), float32 end to end, clear errors, and saving with a model."""

from __future__ import annotations

import json

import numpy as np
import pytest

from nnedu.batchnorm import BatchNorm
from nnedu.gradcheck import check_layer, check_network
from nnedu.layers import Activation, Dense
from nnedu.network import Sequential
from nnedu.train import fit

TOL = 1e-7


def batch(m: int = 8, n: int = 3, seed: int = 0, dtype=np.float64) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return (rng.normal(2.0, 3.0, (m, n)) * np.arange(1, n + 1)).astype(dtype)


def reference(x, gamma, beta, eps=1e-5):
    """The textbook formula, written out."""
    mean = x.mean(axis=0)
    var = ((x - mean) ** 2).mean(axis=0)
    return gamma * (x - mean) / np.sqrt(var + eps) + beta


# ------------------------------------------------------------------ forward
def test_training_forward_gives_every_feature_mean_0_and_variance_1():
    bn = BatchNorm(3)
    y = bn.forward(batch(), training=True)
    np.testing.assert_allclose(y.mean(axis=0), 0.0, atol=1e-12)
    np.testing.assert_allclose(y.var(axis=0), 1.0, rtol=1e-5)


def test_forward_matches_the_formula_with_gamma_and_beta():
    bn = BatchNorm(3)
    bn.params["gamma"][:] = [0.5, 2.0, -1.0]
    bn.params["beta"][:] = [1.0, 0.0, 3.0]
    x = batch(seed=3)
    np.testing.assert_allclose(bn.forward(x, training=True),
                               reference(x, bn.params["gamma"], bn.params["beta"]), rtol=1e-12)


def test_running_statistics_move_by_the_momentum():
    bn = BatchNorm(3, momentum=0.9)
    x = batch(seed=1)
    bn.forward(x, training=True)
    np.testing.assert_allclose(bn.buffers["running_mean"], 0.1 * x.mean(axis=0), rtol=1e-12)
    np.testing.assert_allclose(bn.buffers["running_var"], 0.9 + 0.1 * x.var(axis=0),
                               rtol=1e-12)


def test_running_statistics_converge_to_the_data_statistics():
    bn = BatchNorm(3, momentum=0.5)
    x = batch(m=64, seed=2)
    for _ in range(60):
        bn.forward(x, training=True)
    np.testing.assert_allclose(bn.buffers["running_mean"], x.mean(axis=0), rtol=1e-9)
    np.testing.assert_allclose(bn.buffers["running_var"], x.var(axis=0), rtol=1e-9)


def test_evaluation_uses_the_running_statistics_and_does_not_change_them():
    bn = BatchNorm(3)
    bn.buffers["running_mean"][:] = [1.0, 2.0, 3.0]
    bn.buffers["running_var"][:] = [4.0, 9.0, 16.0]
    x = batch(seed=4)
    y = bn.forward(x, training=False)
    expected = (x - [1.0, 2.0, 3.0]) / np.sqrt(np.array([4.0, 9.0, 16.0]) + 1e-5)
    np.testing.assert_allclose(y, expected, rtol=1e-12)
    np.testing.assert_array_equal(bn.buffers["running_mean"], [1.0, 2.0, 3.0])


def test_evaluation_of_one_sample_does_not_depend_on_its_batch():
    bn = BatchNorm(3)
    bn.forward(batch(m=32, seed=5), training=True)
    x = batch(seed=6)
    alone = bn.forward(x[:1], training=False)
    together = bn.forward(x, training=False)[:1]
    np.testing.assert_allclose(alone, together, rtol=1e-12)


# ------------------------------------------------------------------ gradients
@pytest.mark.parametrize("training", [True, False])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_gradient_check(training, seed):
    bn = BatchNorm(4)
    rng = np.random.default_rng(seed)
    bn.params["gamma"][:] = rng.normal(1.0, 0.5, 4)
    bn.params["beta"][:] = rng.normal(0.0, 0.5, 4)
    bn.buffers["running_mean"][:] = rng.normal(size=4)
    bn.buffers["running_var"][:] = rng.uniform(0.5, 2.0, 4)
    report = check_layer(bn, batch(m=6, n=4, seed=seed), seed=seed, training=training)
    assert report.max_error < TOL, report


def test_gradient_check_in_a_network_with_dense_layers():
    rng = np.random.default_rng(0)
    model = Sequential([Dense(3, 5, rng=rng), BatchNorm(5), Activation("tanh"),
                        Dense(5, 3, rng=rng), Activation("softmax")])
    X = rng.normal(size=(10, 3))
    Y = np.eye(3)[rng.integers(0, 3, 10)]
    report = check_network(model, X, Y)
    assert report.max_error < TOL, report


def test_input_gradient_sums_to_zero_over_the_batch_in_training():
    # x̂ does not change when the same number is added to a whole column: Σ_rows dx = 0.
    bn = BatchNorm(3)
    bn.forward(batch(seed=7), training=True)
    dx = bn.backward(np.random.default_rng(0).normal(size=(8, 3)))
    np.testing.assert_allclose(dx.sum(axis=0), 0.0, atol=1e-12)


def test_backward_may_skip_the_input_gradient():
    bn = BatchNorm(3)
    bn.forward(batch(), training=True)
    assert bn.backward(np.ones((8, 3)), input_grad=False) is None
    np.testing.assert_allclose(bn.grads["beta"], 8.0)


# ------------------------------------------------------------------ float32, seeds
def test_float32_stays_float32_end_to_end():
    bn = BatchNorm(3, dtype=np.float32)
    x = batch(dtype=np.float32)
    for training in (True, False):
        y = bn.forward(x, training=training)
        dx = bn.backward(np.ones_like(y))
        assert y.dtype == dx.dtype == np.float32
        assert all(g.dtype == np.float32 for g in bn.grads.values())
        assert all(b.dtype == np.float32 for b in bn.buffers.values())
    np.testing.assert_allclose(bn.forward(x, training=True),
                               reference(x.astype(float), 1.0, 0.0), atol=1e-5)


def test_float32_network_with_batchnorm_trains_in_float32():
    rng = np.random.default_rng(0)
    model = Sequential([Dense(2, 8, rng=rng, dtype=np.float32), BatchNorm(8, dtype=np.float32),
                        Activation("relu"), Dense(8, 2, rng=rng, dtype=np.float32),
                        Activation("softmax")])
    X = rng.normal(size=(40, 2)).astype(np.float32)
    y = (X[:, 0] > 0).astype(int)
    history = fit(model, X, y, epochs=5, batch_size=8, progress=False)
    assert history["loss"][-1] < history["loss"][0]
    assert all(p.dtype == np.float32 for p in model.parameters())
    assert model.layers[1].buffers["running_mean"].dtype == np.float32


def test_training_with_batchnorm_is_the_same_for_the_same_seed():
    def run():
        rng = np.random.default_rng(3)
        model = Sequential([Dense(2, 6, rng=rng), BatchNorm(6), Activation("relu"),
                            Dense(6, 2, rng=rng), Activation("softmax")])
        X = np.random.default_rng(4).normal(size=(30, 2))
        fit(model, X, (X[:, 1] > 0).astype(int), epochs=3, batch_size=10, progress=False)
        return model.parameters() + list(model.layers[1].buffers.values())

    for a, b in zip(run(), run(), strict=True):
        np.testing.assert_array_equal(a, b)


# ------------------------------------------------------------------ save / load
def model_with_batchnorm(dtype=np.float64) -> Sequential:
    rng = np.random.default_rng(0)
    return Sequential([Dense(3, 4, rng=rng, dtype=dtype), BatchNorm(4, dtype=dtype),
                       Activation("relu"), Dense(4, 2, rng=rng, dtype=dtype),
                       Activation("softmax")])


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_save_and_load_keep_the_running_statistics(tmp_path, dtype):
    model = model_with_batchnorm(dtype)
    X = batch(m=20, n=3, seed=8, dtype=dtype)
    fit(model, X, (X[:, 0] > 2).astype(int), epochs=3, batch_size=5, progress=False)
    path = tmp_path / "bn.npz"
    model.save(path)
    loaded = Sequential.load(path)
    bn, bn2 = model.layers[1], loaded.layers[1]
    assert isinstance(bn2, BatchNorm)
    assert (bn2.momentum, bn2.eps) == (bn.momentum, bn.eps)
    for key in ("running_mean", "running_var"):
        assert not np.array_equal(bn.buffers[key], BatchNorm(4).buffers[key])  # it moved
        np.testing.assert_array_equal(bn2.buffers[key], bn.buffers[key])
        assert bn2.buffers[key].dtype == dtype
    np.testing.assert_array_equal(loaded.predict_proba(X), model.predict_proba(X))


def test_a_file_without_buffers_still_loads(tmp_path):
    """Files written before buffers were saved: the running statistics start fresh."""
    model = model_with_batchnorm()
    path = tmp_path / "old.npz"
    model.save(path)
    with np.load(path) as data:
        arrays = {k: data[k] for k in data.files if not k.startswith("buffer:")}
    np.savez(tmp_path / "older.npz", **arrays)
    loaded = Sequential.load(tmp_path / "older.npz")
    np.testing.assert_array_equal(loaded.layers[1].buffers["running_var"], np.ones(4))


def test_a_file_from_before_batchnorm_still_loads(tmp_path):
    rng = np.random.default_rng(0)
    model = Sequential([Dense(3, 4, rng=rng), Activation("relu"), Dense(4, 2, rng=rng)])
    config = [{"type": type(layer).__name__, "config": layer.config()} for layer in model.layers]
    arrays = {f"param:{i}:{k}": v for i, layer in enumerate(model.layers)
              for k, v in layer.params.items()}
    path = tmp_path / "v1.npz"
    np.savez(path, format=np.array("nnedu-sequential-1"), config=np.array(json.dumps(config)),
             **arrays)
    x = batch(n=3)
    np.testing.assert_array_equal(Sequential.load(path).predict_proba(x), model.predict_proba(x))


def test_load_refuses_running_statistics_of_the_wrong_shape(tmp_path):
    model = model_with_batchnorm()
    path = tmp_path / "bn.npz"
    model.save(path)
    with np.load(path) as data:
        arrays = {k: data[k] for k in data.files}
    arrays["buffer:1:running_mean"] = np.zeros(5)
    np.savez(tmp_path / "bad.npz", **arrays)
    with pytest.raises(ValueError, match=r"batchnorm_1.running_mean.*\(4,\).*\(5,\)"):
        Sequential.load(tmp_path / "bad.npz")


def test_running_statistics_are_not_parameters():
    model = model_with_batchnorm()
    names = [name for name, _ in model.named_parameters()]
    assert "batchnorm_1.gamma" in names and "batchnorm_1.beta" in names
    assert not any("running" in name for name in names)


def test_summary_and_repr_name_the_layer():
    model = model_with_batchnorm()
    assert "batchnorm_1 (BatchNorm)" in model.summary()
    assert "(batch, 4)" in model.summary()
    assert "BatchNorm(num_features=4, momentum=0.9, eps=1e-05)" in repr(model)


# ------------------------------------------------------------------ bad input
@pytest.mark.parametrize(("call", "fragments"), [
    (lambda: BatchNorm(0), ["BatchNorm", "num_features", "got 0"]),
    (lambda: BatchNorm(True), ["BatchNorm", "num_features", "True"]),
    (lambda: BatchNorm(3, momentum=1.0), ["BatchNorm", "momentum", "[0, 1)", "0.9 is usual"]),
    (lambda: BatchNorm(3, eps=0), ["BatchNorm", "eps", "1e-5 is usual"]),
    (lambda: BatchNorm(3).forward(np.ones((4, 2)), training=True),
     ["BatchNorm layer 'batchnorm'", "expected 3", "got 2"]),
    (lambda: BatchNorm(3).forward(np.ones(3)), ["BatchNorm layer 'batchnorm'", "2-D",
                                                "reshape(1, -1)"]),
    (lambda: BatchNorm(3).forward(np.ones((1, 3)), training=True),
     ["BatchNorm layer 'batchnorm'", "at least 2 samples", "got 1", "batch_size"]),
    (lambda: BatchNorm(3).backward(np.ones((2, 3))), ["batchnorm", "before forward()"]),
])
def test_bad_input_is_explained(call, fragments):
    with pytest.raises((ValueError, RuntimeError)) as info:
        call()
    message = str(info.value)
    assert all(f in message for f in fragments), message


def test_a_batchnorm_of_the_wrong_size_is_refused_when_the_network_is_built():
    with pytest.raises(ValueError, match=r"'dense_1' outputs 4 features but the next BatchNorm "
                                         r"layer 'batchnorm_1' expects 5.*BatchNorm\(4\)"):
        Sequential([Dense(3, 4), BatchNorm(5), Activation("relu")])


def test_backward_of_the_wrong_shape_is_explained():
    bn = BatchNorm(3)
    bn.forward(np.ones((4, 3)) * np.arange(4)[:, None], training=True)
    with pytest.raises(ValueError, match=r"batchnorm.backward.*\(4, 3\).*\(4, 2\)"):
        bn.backward(np.ones((4, 2)))
