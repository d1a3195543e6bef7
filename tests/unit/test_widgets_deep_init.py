"""nnedu.widgets.deep_init (lesson 08a): the weight scales, the deep networks, the per-layer
measurements, the training runs' settings, and the explorer (controls change the readout and the
picture, under the shared explorer pattern)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from nnedu.batchnorm import BatchNorm
from nnedu.layers import PReLU
from nnedu.widgets import deep_init as di

pytestmark = pytest.mark.filterwarnings("ignore:FigureCanvasAgg is non-interactive")


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    import matplotlib.pyplot as plt

    plt.close("all")


# ----------------------------------------------------------------------------- scales, networks
def test_init_std_gives_the_lesson_formulas():
    assert di.init_std("he", 64, 10) == math.sqrt(2 / 64)
    assert di.init_std("xavier", 64, 10) == math.sqrt(2 / 74)
    assert di.init_std("small", 5, 5) == 0.01
    assert di.init_std("large", 5, 5) == 1.0
    assert di.init_std(0.3, 5, 5) == 0.3


def test_deep_mlp_has_the_layers_asked_for():
    model = di.deep_mlp(hidden=3, init="he", batch_norm=True)
    kinds = [type(layer).__name__ for layer in model.layers]
    assert kinds == ["Dense", "BatchNorm", "Activation"] * 3 + ["Dense", "Activation"]
    assert di.deep_mlp(hidden=10).count_parameters() == 10 * (64 * 64 + 64) + 64 * 10 + 10
    prelu = di.deep_mlp(hidden=2, activation="prelu")
    assert sum(isinstance(layer, PReLU) for layer in prelu.layers) == 2
    assert not any(isinstance(layer, BatchNorm) for layer in prelu.layers)


@pytest.mark.parametrize("init", ["small", "he", 0.3])
def test_deep_mlp_draws_weights_at_the_asked_scale(init):
    model = di.deep_mlp(hidden=4, init=init, width=256, n_in=256)
    W = model.layers[2].params["W"]
    assert W.std() == pytest.approx(di.init_std(init, 256, 256), rel=0.02)
    assert W.dtype == np.float64


def test_deep_mlp_is_seeded():
    a, b = di.deep_mlp(seed=3), di.deep_mlp(seed=3)
    for p, q in zip(a.parameters(), b.parameters(), strict=True):
        np.testing.assert_array_equal(p, q)
    assert not np.array_equal(a.parameters()[0], di.deep_mlp(seed=4).parameters()[0])


# ----------------------------------------------------------------------------- measurements
def test_layer_statistics_shapes_and_histograms():
    stats = di.layer_statistics(7, "relu", "he")
    assert stats.std.shape == stats.grad_norm.shape == (7,)
    assert stats.hist.shape == (7, di.BINS)
    np.testing.assert_allclose(stats.hist.sum(axis=1), 1.0)


def test_relu_histograms_count_the_positive_values_only():
    stats = di.layer_statistics(3, "relu", "he")
    assert stats.hist[:, 0].max() < 0.2          # the zeros would be half of every row
    empty = di.layer_statistics(20, "relu", "small").hist  # underflow to 0 deep down
    assert np.all((np.abs(empty.sum(axis=1) - 1) < 1e-12) | (empty.sum(axis=1) == 0))


def test_layer_statistics_is_the_forward_pass_of_the_network():
    stats = di.layer_statistics(3, "tanh", "xavier")
    model = di.deep_mlp(3, "xavier", "tanh", width=di.WIDTH, n_in=di.WIDTH, dtype=np.float64)
    a = np.random.default_rng(1).standard_normal((256, di.WIDTH))
    for layer in model.layers[:6]:
        a = layer.forward(a)
    assert a.std() == pytest.approx(stats.std[-1], rel=1e-12)


def test_he_keeps_relu_steady_and_xavier_halves_the_second_moment():
    he = di.layer_statistics(20, "relu", "he").std
    xavier = di.layer_statistics(20, "relu", "xavier").std
    assert 0.2 < he[-1] / he[0] < 2
    assert xavier[-1] / xavier[0] < 0.01      # √½ per layer: (√½)¹⁹ ≈ 0.0014


def test_the_sigmoid_gradient_shrinks_about_fourfold_per_layer_with_xavier():
    norms = di.layer_statistics(10, "sigmoid", "xavier").grad_norm
    ratios = norms[1:] / norms[:-1]
    assert np.all(ratios > 2) and 3.5 < np.median(ratios) < 5


def test_std_1_through_20_relu_layers_stays_finite():
    stats = di.layer_statistics(20, "relu", "large")
    assert np.all(np.isfinite(stats.std)) and np.all(np.isfinite(stats.grad_norm))


def test_epochs_to():
    history = {"accuracy": [0.5, 0.91, 0.89, 0.96]}
    assert di.epochs_to(history, 0.9) == 2
    assert di.epochs_to(history, 0.95) == 4
    assert di.epochs_to(history, 0.99) is None


def test_runs_share_the_training_settings():
    assert di.TRAINING == {"lr": 0.01, "momentum": 0.9, "epochs": 10, "batch_size": 32}
    assert di.RUNS["He + batch norm"] == {"init": "he", "batch_norm": True}


# ----------------------------------------------------------------------------- the explorer
@pytest.fixture(scope="module")
def explorer():
    return di.deep_init_explorer()


def test_explorer_starts_with_tanh_xavier_10_layers(explorer):
    values = explorer.values()
    assert (values["depth"], values["activation"], values["init"]) == (10, "tanh", "xavier")
    assert explorer.readout.value == di.explorer_readout(10, "tanh", "xavier")
    assert explorer.picture.startswith(b"\x89PNG")


@pytest.mark.parametrize(("control", "value"), [("depth", 17), ("activation", "relu"),
                                                ("init", "large")])
def test_every_control_changes_readout_and_picture(explorer, control, value):
    explorer.set(depth=10, activation="tanh", init="xavier")
    before = (explorer.readout.value, explorer.picture)
    explorer.set(**{control: value})
    assert explorer.readout.value != before[0]
    assert explorer.picture != before[1]
    explorer.set(depth=10, activation="tanh", init="xavier")
    assert explorer.picture == before[1]


def test_render_png_equals_the_picture_after_set(explorer):
    settings = {"depth": 5, "activation": "sigmoid", "init": "small"}
    expected = explorer.render_png(settings)
    explorer.set(**settings)
    assert explorer.picture == expected


def test_readout_names_the_numbers(explorer):
    explorer.set(depth=12, activation="relu", init="he")
    s = di.layer_statistics(12, "relu", "he")
    assert f"{s.std[0]:.3g}" in explorer.readout.value
    assert f"{s.grad_norm[-1]:.3g}" in explorer.readout.value
    assert "12 layers, relu, He" in explorer.readout.value


def test_hidden_layers_beyond_the_depth_are_not_drawn(explorer):
    explorer.set(depth=4, activation="tanh", init="he")
    assert sum(ridge.get_visible() for ridge in explorer.ridges) == 4


def test_explorer_says_what_it_is_before_the_cell_runs(explorer):
    bundle = explorer._repr_mimebundle_()
    assert bundle["text/plain"] == ("lesson 08a · signals and gradients through a deep network "
                                    "(run the cell to use it)")


def test_plots_draw(explorer):
    ax = di.plot_layer_std("relu", depth=5)
    assert len(ax.lines) == len(di.INITS)
    history = {"accuracy": [0.1, 0.5, 0.9]}
    ax = di.plot_runs({"a": history, "b": history})
    assert len(ax.lines) == 2
