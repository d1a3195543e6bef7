"""The lesson 02 explorers (nnedu.widgets.activations) and the numbers lesson 02 quotes."""

import matplotlib
import numpy as np
import pytest

from nnedu import activations as act
from nnedu.widgets import activations as w

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


# ---------------------------------------------------------------- gradient factors and readouts
@pytest.mark.parametrize("depth", [1, 2, 5, 10, 20])
def test_sigmoid_bound_is_quarter_to_the_power_of_depth(depth):
    assert w.sigmoid_bound(depth) == pytest.approx(0.25**depth, rel=1e-12)


@pytest.mark.parametrize("name", w.DEPTH_ACTIVATIONS)
@pytest.mark.parametrize("z", [0.0, 0.5, 1.0, 2.75])
def test_gradient_factor_is_product_of_slopes_through_a_chain(name, z):
    f, df = act.get_activation(name)
    # Push a gradient of 1 back through a chain of 7 one-unit layers, weights 1, every unit at z.
    grad = 1.0
    for _ in range(7):
        grad *= float(df(np.float64(z)))
    assert w.gradient_factor(name, 7, z) == pytest.approx(grad, rel=1e-12)


@pytest.mark.parametrize("z", np.linspace(-3, 3, 13))
def test_no_sigmoid_chain_beats_the_bound(z):
    for depth in (1, 4, 12):
        assert w.gradient_factor("sigmoid", depth, z) <= w.sigmoid_bound(depth) * (1 + 1e-12)


def test_depth_readout_matches_the_lesson_example():
    text = w.depth_readout(10, 1.0)
    assert text.startswith("after 10 sigmoid layers the gradient is at most 9.5e-07 of its size")
    assert f"tanh {act.tanh_derivative(1.0) ** 10:.1e}" in text
    assert f"sigmoid {act.sigmoid_derivative(1.0) ** 10:.1e}" in text
    assert "ReLU 1 " in text


def test_depth_readout_one_layer_and_dead_relu():
    text = w.depth_readout(1, 0.0)
    assert text.startswith("after 1 sigmoid layer the gradient is at most 0.25 of its size")
    assert "tanh 1," in text  # tanh'(0) = 1: no shrinking at z = 0
    assert "ReLU 0 " in text and "z ≤ 0" in text


@pytest.mark.parametrize("bad", [0, -3, 2.5, True, "3"])
def test_bad_depth_is_a_clear_error(bad):
    with pytest.raises(ValueError, match="gradient_factor: depth must be a whole number"):
        w.gradient_factor("sigmoid", bad, 1.0)


def test_unknown_activation_names_the_choices():
    with pytest.raises(ValueError, match="unknown activation 'sigmod'.*sigmoid, tanh"):
        w.activation_readout("sigmod", -1, 1)


@pytest.mark.parametrize("name", list(w.LABELS))
def test_activation_readout_reports_extremes_of_f_and_slope(name):
    f, df = act.get_activation(name)
    text = w.activation_readout(name, -3.0, 2.0)
    z = np.linspace(-3.0, 2.0, 401)
    assert text.startswith(f"{w.LABELS[name]}: output range {w.OUTPUT_RANGES[name]}.")
    assert f"f(z) goes from {f(z).min():.3f} to {f(z).max():.3f}" in text
    assert f"slope f′(z) from {df(z).min():.3f} to {df(z).max():.3f}" in text


def test_activation_readout_empty_range():
    assert "the input range is empty" in w.activation_readout("relu", 1.0, 1.0)


# ---------------------------------------------------------------- the widgets
def test_activation_explorer_updates_readout_and_plot():
    explorer = w.ActivationExplorer()
    assert "nnedu-readout" in explorer.readout._dom_classes
    assert explorer.readout.value.startswith("sigmoid: output range (0, 1).")
    assert explorer.head.get_text() == "sigmoid and its derivative"
    first = explorer.picture

    explorer.controls["name"].value = "elu"
    assert explorer.readout.value.startswith("ELU: output range (−1, ∞).")
    assert explorer.head.get_text() == "ELU and its derivative"
    z, fz = explorer.f_line.get_data()
    assert np.allclose(fz, act.elu(z))
    assert explorer.picture != first

    explorer.controls["z_range"].value = (0.0, 4.0)
    assert explorer.readout.value == w.activation_readout("elu", 0.0, 4.0)
    assert "f(z) goes from 0.000 to 4.000" in explorer.readout.value
    assert explorer.ax.get_xlim() == (0.0, 4.0)
    assert plt.get_fignums() == []  # no pyplot figure is left open


def test_leaky_relu_is_told_apart_from_relu():
    explorer = w.ActivationExplorer("relu")
    assert not explorer.zoom_line.get_visible()
    explorer.controls["name"].value = "leaky_relu"
    assert explorer.zoom_line.get_visible()
    z, magnified = explorer.zoom_line.get_data()
    assert np.all(z < 0) and np.allclose(magnified, w.LEAK_ZOOM * act.leaky_relu(z))
    assert "0.01" in explorer.note.get_text()
    assert "the dotted line" not in w.NOTES["relu"]


def test_activation_explorer_controls_are_labelled():
    explorer = w.activation_explorer("gelu", (-2.0, 2.0))
    assert explorer.controls["name"].description == "activation"
    assert explorer.controls["z_range"].description == "input range"
    assert explorer.controls["name"].value == "gelu"
    assert ("Swish", "swish") in [tuple(o) for o in explorer.controls["name"].options]


@pytest.mark.parametrize("bad", [(-11.0, 0.0), (2.0, 1.0), (1.0, 1.0)])
def test_activation_explorer_rejects_bad_range(bad):
    with pytest.raises(ValueError, match="activation_explorer: z_range"):
        w.ActivationExplorer(z_range=bad)


def test_depth_explorer_updates_readout_and_plot():
    explorer = w.DepthExplorer()
    depth, z = explorer.controls["depth"], explorer.controls["z"]
    assert "nnedu-readout" in explorer.readout._dom_classes
    assert depth.description == "depth" and z.description == "z"
    assert (depth.min, depth.max) == (1, 20)
    assert explorer.readout.value == w.depth_readout(5, 1.0)

    depth.value = 13
    assert f"at most {0.25**13:.1e} of its size" in explorer.readout.value
    assert "(marked: n = 13)" in explorer.head.get_text()
    assert list(explorer.marker.get_xdata()) == [13, 13]

    z.value = 2.0
    assert f"tanh {act.tanh_derivative(2.0) ** 13:.1e}" in explorer.readout.value
    assert np.allclose(explorer.curves["tanh"].get_ydata(),
                       act.tanh_derivative(2.0) ** np.arange(1, 21))
    z.value = 0.0  # ReLU's slope is 0: a factor of 0 cannot be drawn on a log scale
    assert not explorer.curves["relu"].get_visible()
    assert "ReLU's 0 not drawn" in explorer.head.get_text()


@pytest.mark.parametrize("kwargs", [{"depth": 0}, {"depth": 21}, {"z": -1.0}, {"z": 3.5}])
def test_depth_explorer_rejects_bad_values(kwargs):
    with pytest.raises(ValueError, match="depth_explorer"):
        w.DepthExplorer(**kwargs)


# ---------------------------------------------------------------- plot helpers
def test_gallery_has_one_labelled_panel_per_activation():
    fig = w.plot_activation_gallery()
    titles = [ax.get_title() for ax in fig.axes if ax.get_title()]
    assert len(titles) == len(w.LABELS)
    assert "ReLU: range [0, ∞)" in titles
    for ax in fig.axes:
        assert ax.get_xlabel() == "z"
        assert len(ax.get_lines()) >= 2  # f and f′


def test_gradient_plot_skips_zero_curve_on_log_scale():
    ax = w.plot_gradient_vs_depth(depth=4, z=0.0)
    labels = ax.get_legend_handles_labels()[1]
    assert "ReLU at z = 0.00: 0 (not drawn)" in labels
    assert ax.get_yscale() == "log"
    drawn = [line for line in ax.get_lines() if len(line.get_xdata()) == w.MAX_DEPTH]
    assert len(drawn) == 3  # bound, sigmoid and tanh; the zero ReLU curve is not drawn


def test_softmax_temperature_bars_sum_to_one():
    logits = np.array([2.0, 1.0, 0.1, -1.0])
    fig = w.plot_softmax_temperatures(logits, temperatures=(0.5, 1.0, 5.0))
    assert [ax.get_title() for ax in fig.axes] == ["T = 0.5", "T = 1", "T = 5"]
    heights = [np.array([bar.get_height() for bar in ax.patches]) for ax in fig.axes]
    for h in heights:
        assert h.sum() == pytest.approx(1.0)
    assert heights[0].max() > heights[1].max() > heights[2].max()  # a larger T flattens


def test_softmax_temperature_needs_one_row():
    with pytest.raises(ValueError, match="plot_softmax_temperatures: logits must be one row"):
        w.plot_softmax_temperatures(np.zeros((2, 3)))


# ---------------------------------------------------------------- numbers quoted in lesson 02
Z = np.linspace(-20, 20, 400_001)


def test_lesson_slope_maxima():
    assert act.sigmoid_derivative(Z).max() == pytest.approx(0.25)
    assert act.sigmoid_derivative(0.0) == 0.25
    assert act.tanh_derivative(Z).max() == pytest.approx(1.0)


def test_lesson_output_ranges():
    assert round(float(act.gelu(Z).min()), 2) == -0.17
    assert round(float(act.swish(Z).min()), 2) == -0.28
    assert act.elu(Z).min() > -1.0 and act.elu(np.array(-20.0)) == pytest.approx(-1.0)
    assert act.sigmoid(Z[::1000]).min() > 0 and act.sigmoid(Z[::1000]).max() < 1
    assert float(act.leaky_relu_derivative(-1.0)) == 0.01  # nnedu's default alpha


def test_lesson_check_yourself_answers():
    assert f"{w.sigmoid_bound(8):.1e}" == "1.5e-05"
    assert round(float(act.sigmoid_derivative(act.sigmoid(0.0))), 3) == 0.235
