"""nnedu.widgets.losses (lesson 04): the numbers behind the readouts, the plots, the explorers."""

from __future__ import annotations

import re
import subprocess
import sys

import numpy as np
import pytest

from nnedu import losses
from nnedu.activations import sigmoid, sigmoid_derivative
from nnedu.gradcheck import numerical_gradient, relative_error
from nnedu.widgets import losses as wl
from nnedu.widgets import losses_figures as lf

pytestmark = pytest.mark.filterwarnings("ignore:FigureCanvasAgg is non-interactive")


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    import matplotlib.pyplot as plt

    plt.close("all")


def readout_rows(html: str) -> dict[str, list[str]]:
    """{"mse": ["0.2500", "-1.0000"], ...}: the number cells of each row of a readout table."""
    rows = {}
    for name, body in re.findall(r"<tr data-loss='(\w+)'>(.*?)</tr>", html):
        rows[name] = re.findall(r"<td[^>]*>([^<]*)</td>", body)
    return rows


# ----------------------------------------------------------------------------- numbers
def test_fmt_has_four_decimals_and_no_negative_zero():
    assert wl.fmt(0.25) == "0.2500"
    assert wl.fmt(-1.0) == "-1.0000"
    assert wl.fmt(-0.0) == "0.0000"
    assert wl.fmt(-1e-9) == "0.0000"
    assert wl.fmt(float("inf")) == "inf"


@pytest.mark.parametrize("y_hat, y", [(3.0, 1.0), (-2.0, 1.0), (1.0, 1.0), (0.3, -0.7)])
def test_regression_losses_follow_the_formulas(y_hat, y):
    values = wl.regression_losses(y_hat, y)
    error = y_hat - y
    assert values["mse"] == pytest.approx((error**2, 2 * error))
    assert values["mae"] == pytest.approx((abs(error), np.sign(error)))


@pytest.mark.parametrize("z", [-6.0, -1.5, 0.0, 0.5, 4.0])
@pytest.mark.parametrize("y", [0, 1])
def test_binary_losses_match_nnedu_losses_and_the_chain_rule(z, y):
    values = wl.binary_losses(z, y)
    p = float(sigmoid(z))
    assert values["bce"][0] == pytest.approx(
        losses.binary_cross_entropy(np.array([[p]]), np.array([[float(y)]])), rel=1e-9)
    assert values["bce"][0] == pytest.approx(-np.log(p if y == 1 else 1 - p), rel=1e-9)
    assert values["mse"][0] == pytest.approx((p - y) ** 2)
    assert values["mae"][0] == pytest.approx(abs(p - y))
    assert values["bce"][2] == pytest.approx(p - y)  # the fused gradient dL/dz = p − y
    for name in ("mse", "mae", "bce"):
        _, dl_dp, dl_dz = values[name]
        assert dl_dz == pytest.approx(dl_dp * float(sigmoid_derivative(z)), rel=1e-6, abs=1e-12)


@pytest.mark.parametrize("name", ["mse", "mae", "bce"])
def test_binary_dl_dz_is_the_slope_of_the_loss(name):
    for y in (0, 1):
        for z in (-3.0, -0.7, 1.2):
            analytic = wl.binary_losses(z, y)[name][2]
            numeric = numerical_gradient(lambda v, y=y: wl.binary_losses(v.item(), y)[name][0],
                                         np.array([z]))
            assert relative_error(np.array([analytic]), numeric) < 1e-7


def test_curves_agree_with_the_single_point_values():
    y_hat = np.array([-2.0, 0.25, 1.0, 3.5])
    curves = wl.regression_curves(y_hat, 1.0)
    for i, value in enumerate(y_hat):
        single = wl.regression_losses(value, 1.0)
        for name in ("mse", "mae"):
            assert curves[name][0][i] == pytest.approx(single[name][0])
            assert curves[name][1][i] == pytest.approx(single[name][1])
    z = np.array([-8.0, -1.0, 0.0, 2.5, 8.0])
    for y in (0, 1):
        curves = wl.binary_curves(z, y)
        for i, value in enumerate(z):
            single = wl.binary_losses(value, y)
            for name in ("mse", "mae", "bce"):
                assert curves[name][0][i] == pytest.approx(single[name][0], rel=1e-9)
                assert curves[name][1][i] == pytest.approx(single[name][2], rel=1e-9, abs=1e-15)


def test_bce_stays_finite_and_exact_far_on_the_wrong_side():
    value, _, dl_dz = wl.binary_losses(-800.0, 1)["bce"]
    assert value == pytest.approx(800.0)
    assert dl_dz == pytest.approx(-1.0)


def test_mse_gradient_through_the_sigmoid_vanishes_when_confidently_wrong():
    # The lesson's claim: for y = 1 and z far below 0, MSE's dL/dz is tiny, BCE's is about −1.
    mse_dz = wl.binary_losses(-8.0, 1)["mse"][2]
    bce_dz = wl.binary_losses(-8.0, 1)["bce"][2]
    assert abs(mse_dz) < 1e-3
    assert bce_dz < -0.999


def test_constant_fit_curves_are_smallest_at_the_mean_and_the_median():
    data = np.array([30.4, 29.6, 31.9, 30.3, 28.4, 120.0, 27.9])
    step = 0.01
    constants = np.arange(0.0, 130.0 + step / 2, step)
    curves = lf.constant_fit_curves(data, constants)
    assert abs(constants[np.argmin(curves["mse"])] - np.mean(data)) <= step
    assert abs(constants[np.argmin(curves["mae"])] - np.median(data)) <= step


# ----------------------------------------------------------------------------- readouts
def test_regression_readout_shows_values_and_gradients():
    html = wl.regression_readout(1.5, 1.0)
    assert readout_rows(html) == {"mse": ["0.2500", "1.0000"], "mae": ["0.5000", "1.0000"]}
    assert "target y = 1.00, prediction ŷ = 1.50, error ŷ − y = 0.50" in html


def test_binary_readout_has_three_losses_and_three_columns():
    z, y = -4.0, 1
    rows = readout_rows(wl.binary_readout(z, y))
    assert list(rows) == ["mse", "mae", "bce"]
    p = float(sigmoid(z))
    assert rows["bce"][0] == f"{-np.log(p):.4f}"
    assert rows["bce"][2] == f"{p - 1:.4f}"
    assert rows["mse"][2] == f"{2 * (p - 1) * p * (1 - p):.4f}"


# ----------------------------------------------------------------------------- bad input
@pytest.mark.parametrize("bad", [2, 0.5, -1, "1", None])
def test_binary_target_must_be_0_or_1(bad):
    with pytest.raises(ValueError, match="must be 0 or 1"):
        wl.binary_losses(0.0, bad)


def test_predictions_must_be_finite_numbers():
    with pytest.raises(TypeError, match="regression_losses: the prediction y_hat must be a number"):
        wl.regression_losses("three")
    with pytest.raises(ValueError, match="finite"):
        wl.binary_losses(float("nan"), 1)


def test_explorers_refuse_starting_values_outside_the_slider():
    with pytest.raises(ValueError, match="regression_loss_explorer: y_hat must be between"):
        wl.RegressionLossExplorer(y_hat=100.0)
    with pytest.raises(ValueError, match="binary_loss_explorer: z must be between"):
        wl.BinaryLossExplorer(z=-50.0)


def test_constant_fit_curves_need_1d_data():
    with pytest.raises(ValueError, match="non-empty 1-D"):
        lf.constant_fit_curves(np.ones((2, 3)), np.arange(3.0))


# ----------------------------------------------------------------------------- plots
def _marked_x(fig, marker: str) -> list[float]:
    """x positions of the single-point markers of one shape on every axes of ``fig``."""
    found = []
    for ax in fig.axes:
        for line in ax.get_lines():
            if line.get_marker() == marker and len(line.get_xdata()) == 1:
                found.append(float(line.get_xdata()[0]))
    return found


def test_regression_plot_marks_the_prediction_on_both_panels():
    fig = lf.plot_regression_losses(1.0, 2.5)
    assert len(fig.axes) == 2
    for ax in fig.axes:
        assert ax.get_title() and ax.get_xlabel() and ax.get_ylabel()
        assert ax.get_legend() is not None
    assert _marked_x(fig, "o") == [2.5, 2.5]  # MSE's marker, loss and gradient panel
    assert _marked_x(fig, "s") == [2.5, 2.5]  # MAE's


def test_binary_plot_shows_three_losses_and_the_target_in_the_title():
    fig = lf.plot_binary_losses(0, 1.5)
    labels = [text.get_text() for text in fig.axes[1].get_legend().get_texts()]
    assert labels[:3] == ["MSE", "MAE", "BCE"]
    assert "y = 0" in fig.axes[0].get_title()
    assert _marked_x(fig, "^") == [1.5, 1.5]


def test_other_lesson_figures_are_labelled():
    data = np.array([1.0, 2.0, 3.0, 50.0, 2.5])
    figures = [
        lf.plot_probability_losses(),
        lf.plot_outlier_fit(data, np.linspace(0, 60, 601)),
        lf.plot_slow_learning({"mse": np.linspace(0, 0.1, 11), "bce": np.linspace(0, 1, 11)}),
    ]
    for fig in figures:
        for ax in fig.axes:
            assert ax.get_title(), fig
            assert ax.get_xlabel(), fig


def test_plots_draw_into_given_axes():
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 2)
    assert lf.plot_regression_losses(axes=axes) is fig
    with pytest.raises(ValueError, match="expected 2 matplotlib axes"):
        lf.plot_binary_losses(axes=axes[:1])


# ----------------------------------------------------------------------------- explorers
def test_regression_explorer_updates_readout_and_plot():
    explorer = wl.RegressionLossExplorer()
    assert readout_rows(explorer.readout.value)["mse"] == [
        wl.fmt((wl.START_Y_HAT - wl.REGRESSION_TARGET) ** 2),
        wl.fmt(2 * (wl.START_Y_HAT - wl.REGRESSION_TARGET)),
    ]
    first = explorer.picture
    explorer.controls["y_hat"].value = 0.5
    rows = readout_rows(explorer.readout.value)
    assert rows == {"mse": ["0.2500", "-1.0000"], "mae": ["0.5000", "-1.0000"]}
    assert _marked_x(explorer.figure, "o") == [0.5, 0.5]
    assert explorer.picture != first
    assert "nnedu-readout" in explorer.readout._dom_classes


def test_legend_sits_below_the_panels():
    # Issue 11: the legend covered the target line; now it is under both panels.
    for explorer in (wl.regression_loss_explorer(), wl.binary_loss_explorer()):
        (legend,) = explorer.figure.legends
        explorer.figure.canvas.draw()
        box = legend.get_window_extent()
        lowest_panel = min(ax.get_position().y0 for ax in explorer.figure.axes)
        assert box.y1 < lowest_panel * explorer.figure.bbox.height


def test_slider_float_noise_is_rounded_away():
    explorer = wl.RegressionLossExplorer()
    explorer.controls["y_hat"].value = 1.0000000000000002  # what 0.1-steps add up to
    assert readout_rows(explorer.readout.value)["mae"] == ["0.0000", "0.0000"]


def test_binary_explorer_follows_slider_and_target():
    explorer = wl.binary_loss_explorer()
    assert "nnedu-readout" in explorer.readout._dom_classes
    explorer.controls["z"].value = 2.0
    p = float(sigmoid(2.0))
    assert readout_rows(explorer.readout.value)["bce"][0] == f"{-np.log(p):.4f}"
    explorer.controls["y"].value = 0
    rows = readout_rows(explorer.readout.value)
    assert rows["bce"][0] == f"{-np.log(1 - p):.4f}"
    assert rows["bce"][2] == f"{p:.4f}"  # p − y with y = 0
    assert "y = 0" in explorer.head.get_text()
    assert _marked_x(explorer.figure, "^") == [2.0, 2.0]
    z, bce = explorer.curves["bce"][0].get_data()
    assert np.allclose(bce, wl.binary_curves(z, 0)["bce"][0])


def test_explorer_readouts_are_tables():
    for explorer in (wl.regression_loss_explorer(), wl.binary_loss_explorer()):
        assert "<table" in explorer.readout.value


def test_importing_the_module_loads_neither_matplotlib_nor_ipywidgets():
    code = ("import sys, nnedu.widgets.losses; "
            "print(sorted(m for m in ('matplotlib', 'ipywidgets') if m in sys.modules))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True)
    assert result.stdout.strip() == "[]"
